#!/bin/bash
# SPDX-License-Identifier: ISC
# t_plain.sh: mailports against real Postfix + Dovecot without any TLS
# (tests/real/lab.sh "plain"): STARTTLS not offered, AUTH offered in
# plaintext (never used by mailports), and the implicit-TLS roles pointed at
# free ports where nothing listens: refused.  TAP on stdout; SKIP when the
# daemons, tools or mailports are missing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u
. "$(dirname "$0")/lab.sh" || { echo "Bail out! cannot source lab.sh"; exit 1; }

# role        mode     expectations (see check.py)
lab_tap_run plain <<'EXPECT'
smtp          plain    status=ok greeting~=Postfix capb-=STARTTLS authb= no_tls fast
smtp          starttls status=starttls_not_offered no_tls fast
smtp          tls      status=wrong_mode fast
submission    plain    status=ok capb-=STARTTLS authb+=PLAIN no_tls fast
submission    starttls status=starttls_not_offered no_tls fast
submission    tls      status=wrong_mode fast
submissions   plain    status=refused phase=connect fast
submissions   starttls status=refused phase=connect fast
submissions   tls      status=refused phase=connect fast
imap          plain    status=ok capb-=STARTTLS logindisb=false authb+=PLAIN no_tls fast
imap          starttls status=starttls_not_offered no_tls fast
imap          tls      status=wrong_mode fast
imaps         plain    status=refused phase=connect fast
imaps         starttls status=refused phase=connect fast
imaps         tls      status=refused phase=connect fast
pop3          plain    status=ok capb-=STLS authb+=PLAIN no_tls fast
pop3          starttls status=starttls_not_offered no_tls fast
pop3          tls      status=wrong_mode fast
pop3s         plain    status=refused phase=connect fast
pop3s         starttls status=refused phase=connect fast
pop3s         tls      status=refused phase=connect fast
EXPECT
