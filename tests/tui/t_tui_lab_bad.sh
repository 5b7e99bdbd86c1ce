#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_lab_bad.sh: the screen against a misconfigured Postfix + Dovecot
# (tests/real/lab.sh "bad": expired and wrong-name certificates); see
# tui_lab_bad.py.  SKIP when the daemons, root, python3 with pyte or the
# binary are missing.
exec "$(dirname "$0")/run.sh" --lab bad tui_lab_bad.py
