#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_misc.sh: -L, progress on stderr, saved reports, several hosts, the
# mouse wheel and --no-mouse; see tui_misc.py.
exec "$(dirname "$0")/run.sh" tui_misc.py
