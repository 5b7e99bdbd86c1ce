#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_words.sh: the problem word first and uncut at 80x24; a password in
# clear is a warning; see tui_words.py.
exec "$(dirname "$0")/run.sh" tui_words.py
