#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_lab.sh: the screen against a real Postfix + Dovecot on 127.0.0.1
# (tests/real/lab.sh "good"); see tui_lab.py.  SKIP when the daemons,
# root, python3 with pyte or the binary are missing.  TUI_DOCS=DIR also
# writes the screen captures docs/screen-80x24.txt and -132x43.txt there.
exec "$(dirname "$0")/run.sh" --lab good tui_lab.py
