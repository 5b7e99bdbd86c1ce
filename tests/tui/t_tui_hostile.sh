#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_hostile.sh: the screen, driven in a pty and read with pyte; see
# tui_hostile.py for what is checked.
exec "$(dirname "$0")/run.sh" tui_hostile.py
