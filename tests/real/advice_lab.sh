#!/bin/bash
# SPDX-License-Identifier: ISC
# advice_lab.sh: the body of tests/real/t_advice_KIND.sh.  Starts the lab
# once (lab.sh), runs check_advice.py against it (several mailports runs:
# JSON advice, --setting, the text answer, --check) and stops the lab by
# PID.  TAP on stdout; SKIP when Dovecot, Postfix, openssl, python3 or
# mailports are missing, or when not run as root.
# Environment: as lab_tap_run in lab.sh (MAILPORTS, LAB_TIMEOUT, LAB_KEEP,
# LAB_TMPDIR).
. "$(dirname "${BASH_SOURCE[0]}")/lab.sh" ||
    { echo "Bail out! cannot source lab.sh"; exit 1; }

lab_advice_run() {
	local kind=$1 mp tmo dir rc
	mp=${MAILPORTS:-${mailports:-${builddir:-.}/src/mailports}}
	if [ -z "${MAILPORTS:-}${mailports:-}" ] && [ ! -x "$mp" ] &&
	    [ -x "${builddir:-.}/mailports" ]; then
		mp=${builddir:-.}/mailports
	fi
	tmo=${LAB_TIMEOUT:-10}
	if ! lab_check_tools; then
		echo "1..0 # SKIP $LAB_SKIP_REASON"
		return 0
	fi
	if [ ! -x "$mp" ]; then
		echo "1..0 # SKIP mailports not built ($mp)"
		return 0
	fi
	dir=$(mktemp -d "${LAB_TMPDIR:-/tmp}/mailports-advice-$kind.XXXXXX") || {
		echo "Bail out! mktemp failed"
		return 1
	}
	LAB_TAP_DIR=$dir
	touch "$dir/.mailports-lab"
	trap 'lab_tap_cleanup' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if ! lab_start "$kind" "$dir" >"$dir/start.log" 2>&1; then
		echo "Bail out! $kind lab did not start"
		sed 's/^/# /' "$dir/start.log" | tail -n 40
		return 1
	fi
	. "$dir/lab.env"
	# In the background, so that a signal runs the trap at once.
	python3 "$LAB_HERE/check_advice.py" --kind "$kind" --mailports "$mp" \
	    --timeout "$tmo" </dev/null &
	LAB_TAP_MP=$!
	wait "$LAB_TAP_MP"
	rc=$?
	LAB_TAP_MP=
	if [ $rc != 0 ]; then
		echo "Bail out! check_advice.py failed ($rc)"
		return 1
	fi
	return 0
}
