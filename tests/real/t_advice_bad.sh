#!/bin/bash
# SPDX-License-Identifier: ISC
# t_advice_bad.sh: the answer (issue 8) against the real "bad" lab
# (tests/real/lab.sh): JSON advice, --setting, the text answer and
# --check, checked by check_advice.py.  TAP on stdout.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u
. "$(dirname "$0")/advice_lab.sh" || { echo "Bail out! cannot source advice_lab.sh"; exit 1; }
lab_advice_run bad
