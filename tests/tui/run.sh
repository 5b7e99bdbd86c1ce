#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh [--lab KIND]... NAME.py: run one screen test with a python3 that
# has pyte (the first python3 on PATH may be another installation than the
# system's).  Prints "1..0 # SKIP" when there is none, as the TAP driver
# expects.  Each --lab KIND (tests/real/lab.sh: good, bad, ...) first
# starts that real Postfix + Dovecot lab on loopback, SKIP when a lab
# cannot run here, and stops it by PID at exit.  The screen test finds
# each lab's lab.env path in KIND_ENV (GOOD_ENV, BAD_ENV); with one lab,
# its exports (LAB_PORT_*, LAB_CA, ...) are in the environment as well.
case " $* " in
*" --lab "*)
	# lab.sh is a bash library.
	[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
	;;
esac
set -u
here=$(cd "$(dirname "$0")" && pwd)
labs=
while [ "${1:-}" = --lab ] && [ $# -ge 2 ]; do
	labs="$labs $2"
	shift 2
done
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
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
if [ -z "$labs" ]; then
	exec "$py" "$here/$1"
fi

. "$here/../real/lab.sh" || { echo "Bail out! cannot source lab.sh"; exit 1; }
if ! lab_check_tools; then
	echo "1..0 # SKIP $LAB_SKIP_REASON"
	exit 0
fi
dirs=
trap 'for d in $dirs; do lab_cleanup "$d"; done' EXIT
trap 'exit 130' INT TERM HUP
n=0
for kind in $labs; do
	dir=$(mktemp -d "${TMPDIR:-/tmp}/t_${1%.py}_$kind.XXXXXX") || {
		echo "Bail out! mktemp failed"; exit 1; }
	dirs="$dirs $dir"
	if ! lab_start "$kind" "$dir" >/dev/null; then
		echo "Bail out! the $kind lab did not start"
		exit 1
	fi
	export "$(printf '%s' "$kind" | tr 'a-z-' 'A-Z_')_ENV=$dir/lab.env"
	n=$((n + 1))
done
if [ "$n" = 1 ]; then
	. "$dir/lab.env"
fi
"$py" "$here/$1"
