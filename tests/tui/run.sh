#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh NAME.py: run one screen test with a python3 that has pyte (the
# first python3 on PATH may be another installation than the system's).
# Prints "1..0 # SKIP" when there is none, as the TAP driver expects.
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
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
exec "$py" "$here/$1"
