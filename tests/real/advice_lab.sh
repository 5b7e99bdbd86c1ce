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
	local kind=$1 mp tmo rc
	lab_tap_begin "$kind" advice || return $(( $? == 2 ? 0 : 1 ))
	mp=$LAB_TAP_MAILPORTS tmo=$LAB_TAP_TIMEOUT
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
