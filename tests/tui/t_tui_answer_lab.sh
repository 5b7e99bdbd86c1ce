#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_answer_lab.sh: the answer pane and view at 80x24 against the real
# "good" and "bad" labs (tests/real/lab.sh, Postfix + Dovecot), both at
# once; see tui_answer_lab.py (GOOD_ENV, BAD_ENV).  SKIP when the daemons,
# root, python3 with pyte or the binary are missing.
exec "$(dirname "$0")/run.sh" --lab good --lab bad tui_answer_lab.py
