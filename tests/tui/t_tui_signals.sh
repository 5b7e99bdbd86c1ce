#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_signals.sh: the screen, driven in a pty and read with pyte; see
# tui_signals.py for what is checked.
exec "$(dirname "$0")/run.sh" tui_signals.py
