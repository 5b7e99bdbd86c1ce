#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tui_hex.sh: the hex view equals the bytes on the wire; see tui_hex.py.
exec "$(dirname "$0")/run.sh" tui_hex.py
