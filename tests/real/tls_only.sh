#!/bin/bash
# SPDX-License-Identifier: ISC
# tls_only.sh: the body of tests/real/t_tls12*.sh and t_tls13*.sh, the labs
# limited to one TLS version (lab.sh tls12, tls12-ecdsa, tls12-pkcs1,
# tls13, tls13-ecdsa).  Their expectations differ only in the TLS cells'
# version, key and signature assertions, and in the tls12 lab's postscreen
# on the smtp role; tls_only_run writes the table for lab_tap_run from
# those.  TAP on stdout; SKIP as lab_tap_run.
. "$(dirname "${BASH_SOURCE[0]}")/lab.sh" ||
    { echo "Bail out! cannot source lab.sh"; exit 1; }

# tls_only_run KIND VERSION BEFORE AFTER [postscreen]: every TLS cell is
# "status=ok verified=true problems= version=VERSION BEFORE <the role's
# own assertions> AFTER fast"; each role's plaintext and wrong-mode cells
# are the same in every such lab.  With postscreen, the smtp role answers
# "220-" at once and "220 " after a 2 s pause: its cells wait it out.
tls_only_run() {
	local kind=$1 v=$2 before=$3 after=$4 g= end=fast
	if [ "${5:-}" = postscreen ]; then
		g="greeting_lines=2 greeting_wait=1800 "
		end=may_wait
	fi
	{
		[ -n "$g" ] && echo "# postscreen: a two-line greeting after" \
		    "the pause, not a timeout"
		tls_only_row smtp plain "status=ok greeting~=Postfix" \
		    "${g}capb+=STARTTLS authb= $end"
		tls_only_row smtp starttls "status=ok verified=true" \
		    "problems= version=$v $before ${g}capa-=STARTTLS $after $end"
		[ -n "$g" ] && echo "# the ClientHello goes out before" \
		    "postscreen's \"220-\": plaintext answers it"
		tls_only_row smtp tls "status=wrong_mode fast"
		tls_only_row submission plain "status=ok capb+=STARTTLS authb= fast"
		tls_only_tls submission starttls "autha+=PLAIN"
		tls_only_row submission tls "status=wrong_mode fast"
		tls_only_implicit submissions
		tls_only_row imap plain "status=ok capb+=STARTTLS" \
		    "logindisb=true authb= fast"
		tls_only_tls imap starttls "logindisa=false autha+=PLAIN"
		tls_only_row imap tls "status=wrong_mode fast"
		tls_only_implicit imaps
		tls_only_row pop3 plain "status=ok capb+=STLS authb= fast"
		tls_only_tls pop3 starttls "autha+=PLAIN"
		tls_only_row pop3 tls "status=wrong_mode fast"
		tls_only_implicit pop3s
	} | lab_tap_run "$kind"
}

# One line of the table: ROLE MODE ASSERTION... (see check.py).
tls_only_row() {
	local role=$1 mode=$2
	shift 2
	printf '%-13s %-8s %s\n' "$role" "$mode" "$*"
}

# A TLS cell of tls_only_run's lab: uses its v, before and after.
tls_only_tls() {	# tls_only_tls ROLE MODE ROLE-ASSERTIONS
	tls_only_row "$1" "$2" "status=ok verified=true problems=" \
	    "version=$v $before $3 $after fast"
}

# An implicit-TLS role: no plaintext dialogue on its port.
tls_only_implicit() {	# tls_only_implicit ROLE
	tls_only_row "$1" plain "status=wrong_mode may_wait"
	tls_only_row "$1" starttls "status=wrong_mode may_wait"
	tls_only_tls "$1" tls "autha+=PLAIN"
}
