#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_watch.sh: the screen, driven in a pty and read with pyte; see
# tui_watch.py for what is checked.
exec "$(dirname "$0")/run.sh" tui_watch.py
