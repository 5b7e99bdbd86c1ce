#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_answer.sh: the answer pane, the answer view and "check my setting"
# against fake servers (tui_answer.py).
exec "$(dirname "$0")/run.sh" tui_answer.py
