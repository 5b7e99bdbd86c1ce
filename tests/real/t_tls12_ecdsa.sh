#!/bin/bash
# SPDX-License-Identifier: ISC
# t_tls12_ecdsa.sh: real Postfix + Dovecot that accept only TLS 1.2 with an
# ECDSA P-256 certificate (tests/real/lab.sh "tls12-ecdsa"), server cipher
# preference off.  Every TLS cell must be ok, verified, TLSv1.2 with an
# ECDHE-ECDSA suite and an EC key, and agree with openssl s_client on the same
# port (limited to TLS 1.3, s_client is refused).  TAP on stdout; SKIP when the
# daemons, tools or mailports are missing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u
. "$(dirname "$0")/lab.sh" || { echo "Bail out! cannot source lab.sh"; exit 1; }

# role        mode     expectations (see check.py)
lab_tap_run tls12-ecdsa <<'EXPECT'
smtp          plain    status=ok greeting~=Postfix capb+=STARTTLS authb= fast
smtp          starttls status=ok verified=true problems= version=TLSv1.2 key=EC key_bits=256 cipher~=_ECDHE_ECDSA_ sclient_sig=ECDSA capa-=STARTTLS sclient sclient_refuses=TLSv1.3 fast
smtp          tls      status=wrong_mode fast
submission    plain    status=ok capb+=STARTTLS authb= fast
submission    starttls status=ok verified=true problems= version=TLSv1.2 key=EC key_bits=256 cipher~=_ECDHE_ECDSA_ sclient_sig=ECDSA autha+=PLAIN sclient sclient_refuses=TLSv1.3 fast
submission    tls      status=wrong_mode fast
submissions   plain    status=wrong_mode may_wait
submissions   starttls status=wrong_mode may_wait
submissions   tls      status=ok verified=true problems= version=TLSv1.2 key=EC key_bits=256 cipher~=_ECDHE_ECDSA_ sclient_sig=ECDSA autha+=PLAIN sclient sclient_refuses=TLSv1.3 fast
imap          plain    status=ok capb+=STARTTLS logindisb=true authb= fast
imap          starttls status=ok verified=true problems= version=TLSv1.2 key=EC key_bits=256 cipher~=_ECDHE_ECDSA_ sclient_sig=ECDSA logindisa=false autha+=PLAIN sclient sclient_refuses=TLSv1.3 fast
imap          tls      status=wrong_mode fast
imaps         plain    status=wrong_mode may_wait
imaps         starttls status=wrong_mode may_wait
imaps         tls      status=ok verified=true problems= version=TLSv1.2 key=EC key_bits=256 cipher~=_ECDHE_ECDSA_ sclient_sig=ECDSA autha+=PLAIN sclient sclient_refuses=TLSv1.3 fast
pop3          plain    status=ok capb+=STLS authb= fast
pop3          starttls status=ok verified=true problems= version=TLSv1.2 key=EC key_bits=256 cipher~=_ECDHE_ECDSA_ sclient_sig=ECDSA autha+=PLAIN sclient sclient_refuses=TLSv1.3 fast
pop3          tls      status=wrong_mode fast
pop3s         plain    status=wrong_mode may_wait
pop3s         starttls status=wrong_mode may_wait
pop3s         tls      status=ok verified=true problems= version=TLSv1.2 key=EC key_bits=256 cipher~=_ECDHE_ECDSA_ sclient_sig=ECDSA autha+=PLAIN sclient sclient_refuses=TLSv1.3 fast
EXPECT
