#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_mono.sh: the screen, driven in a pty and read with pyte; see
# tui_mono.py for what is checked.
exec "$(dirname "$0")/run.sh" tui_mono.py
