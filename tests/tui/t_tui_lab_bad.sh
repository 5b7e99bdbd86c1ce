#!/bin/bash
# SPDX-License-Identifier: ISC
# t_tui_lab_bad.sh: the screen against a misconfigured Postfix + Dovecot
# (tests/real/lab.sh "bad": expired and wrong-name certificates); see
# tui_lab_bad.py.  SKIP when the daemons, root, python3 with pyte or the
# binary are missing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
py=
for c in python3 /usr/bin/python3; do
	if command -v "$c" >/dev/null 2>&1 &&
	    "$c" -c 'import pyte' >/dev/null 2>&1; then
		py=$c
		break
	fi
done
if [ -z "$py" ]; then
	echo "1..0 # SKIP python3 with pyte (python3-pyte) not installed"
	exit 0
fi
. "$here/../real/lab.sh" || { echo "Bail out! cannot source lab.sh"; exit 1; }
if ! lab_check_tools; then
	echo "1..0 # SKIP $LAB_SKIP_REASON"
	exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/t_tui_lab_bad.XXXXXX") || {
	echo "Bail out! mktemp failed"; exit 1; }
trap 'lab_cleanup "$dir"' EXIT
trap 'exit 130' INT TERM HUP
if ! lab_start bad "$dir" >/dev/null; then
	echo "Bail out! the bad lab did not start"
	exit 1
fi
. "$dir/lab.env"
PYTHONDONTWRITEBYTECODE=1 "$py" "$here/tui_lab_bad.py"
