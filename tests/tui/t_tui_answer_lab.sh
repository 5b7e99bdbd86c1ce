#!/bin/bash
# SPDX-License-Identifier: ISC
# t_tui_answer_lab.sh: the answer pane and view at 80x24 against the real
# "good" and "bad" labs (tests/real/lab.sh, Postfix + Dovecot), both at
# once; see tui_answer_lab.py.  SKIP when the daemons, root, python3 with
# pyte or the binary are missing.
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
good=$(mktemp -d "${TMPDIR:-/tmp}/t_tui_answer_good.XXXXXX") || {
	echo "Bail out! mktemp failed"; exit 1; }
bad=$(mktemp -d "${TMPDIR:-/tmp}/t_tui_answer_bad.XXXXXX") || {
	rmdir "$good"; echo "Bail out! mktemp failed"; exit 1; }
trap 'lab_cleanup "$good"; lab_cleanup "$bad"' EXIT
trap 'exit 130' INT TERM HUP
if ! lab_start good "$good" >/dev/null; then
	echo "Bail out! the good lab did not start"
	exit 1
fi
if ! lab_start bad "$bad" >/dev/null; then
	echo "Bail out! the bad lab did not start"
	exit 1
fi
GOOD_ENV=$good/lab.env BAD_ENV=$bad/lab.env PYTHONDONTWRITEBYTECODE=1 \
    "$py" "$here/tui_answer_lab.py"
