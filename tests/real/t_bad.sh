#!/bin/bash
# SPDX-License-Identifier: ISC
# t_bad.sh: mailports against real Postfix + Dovecot with the classic
# mistakes (tests/real/lab.sh "bad"): Dovecot serves an expired certificate,
# Postfix one for the wrong name, and the submissions role lacks
# wrappermode.  The handshakes complete, the problems are named, nothing is
# verified.  TAP on stdout; SKIP when the daemons, tools or mailports are
# missing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u
. "$(dirname "$0")/lab.sh" || { echo "Bail out! cannot source lab.sh"; exit 1; }

# role        mode     expectations (see check.py)
lab_tap_run bad <<'EXPECT'
smtp          plain    status=ok capb+=STARTTLS fast
smtp          starttls status=ok verified=false problems+=hostname_mismatch problems-=expired problems-=untrusted san+=other.test.example subject~=other.test.example sclient fast
smtp          tls      status=wrong_mode fast
submission    plain    status=ok capb+=STARTTLS authb= fast
submission    starttls status=ok verified=false problems+=hostname_mismatch problems-=expired problems-=untrusted autha+=PLAIN sclient fast
submission    tls      status=wrong_mode fast
# no wrappermode: a plaintext greeting where the ClientHello's answer is due
submissions   plain    status=ok greeting~=Postfix capb+=STARTTLS authb= fast
submissions   starttls status=ok verified=false problems+=hostname_mismatch problems-=expired sclient fast
submissions   tls      status=wrong_mode fast
imap          plain    status=ok capb+=STARTTLS logindisb=true authb= fast
imap          starttls status=ok verified=false problems+=expired problems-=hostname_mismatch problems-=untrusted san+=mail.test.example autha+=PLAIN sclient fast
imap          tls      status=wrong_mode fast
imaps         plain    status=wrong_mode may_wait
imaps         starttls status=wrong_mode may_wait
imaps         tls      status=ok verified=false problems+=expired problems-=hostname_mismatch problems-=untrusted sclient fast
pop3          plain    status=ok capb+=STLS fast
pop3          starttls status=ok verified=false problems+=expired problems-=hostname_mismatch sclient fast
pop3          tls      status=wrong_mode fast
pop3s         plain    status=wrong_mode may_wait
pop3s         starttls status=wrong_mode may_wait
pop3s         tls      status=ok verified=false problems+=expired problems-=hostname_mismatch problems-=untrusted sclient fast
EXPECT
