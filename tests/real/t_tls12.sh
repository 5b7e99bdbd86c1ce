#!/bin/bash
# SPDX-License-Identifier: ISC
# t_tls12.sh: real Postfix + Dovecot that accept only TLS 1.2 with OpenSSL's
# defaults (tests/real/lab.sh "tls12"): an RSA key, so the ServerKeyExchange
# is signed with RSA-PSS (the handshake mbedTLS 3.6.6 rejected as "malformed
# TLS message"), server cipher preference on, and the smtp role behind
# postscreen: "220-" at once, "220 " after a 2 s pause.  Every TLS cell must be
# ok, verified, TLSv1.2, and agree with openssl s_client on the same port
# (which must see RSA-PSS and, the server choosing, get the same cipher
# suite), while an s_client limited to TLS 1.3 is refused.  TAP on stdout; SKIP
# when the daemons, tools or mailports are missing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u
. "$(dirname "$0")/lab.sh" || { echo "Bail out! cannot source lab.sh"; exit 1; }

# role        mode     expectations (see check.py)
lab_tap_run tls12 <<'EXPECT'
# postscreen: a two-line greeting after the pause, not a timeout
smtp          plain    status=ok greeting~=Postfix greeting_lines=2 greeting_wait=1800 capb+=STARTTLS authb= may_wait
smtp          starttls status=ok verified=true problems= version=TLSv1.2 key=RSA cipher~=_ECDHE_RSA_ greeting_lines=2 greeting_wait=1800 capa-=STARTTLS sclient sclient_sig=RSA-PSS sclient_cipher sclient_refuses=TLSv1.3 may_wait
# the ClientHello goes out before postscreen's "220-": plaintext answers it
smtp          tls      status=wrong_mode fast
submission    plain    status=ok capb+=STARTTLS authb= fast
submission    starttls status=ok verified=true problems= version=TLSv1.2 key=RSA cipher~=_ECDHE_RSA_ autha+=PLAIN sclient sclient_sig=RSA-PSS sclient_cipher sclient_refuses=TLSv1.3 fast
submission    tls      status=wrong_mode fast
submissions   plain    status=wrong_mode may_wait
submissions   starttls status=wrong_mode may_wait
submissions   tls      status=ok verified=true problems= version=TLSv1.2 key=RSA cipher~=_ECDHE_RSA_ autha+=PLAIN sclient sclient_sig=RSA-PSS sclient_cipher sclient_refuses=TLSv1.3 fast
imap          plain    status=ok capb+=STARTTLS logindisb=true authb= fast
imap          starttls status=ok verified=true problems= version=TLSv1.2 key=RSA cipher~=_ECDHE_RSA_ logindisa=false autha+=PLAIN sclient sclient_sig=RSA-PSS sclient_cipher sclient_refuses=TLSv1.3 fast
imap          tls      status=wrong_mode fast
imaps         plain    status=wrong_mode may_wait
imaps         starttls status=wrong_mode may_wait
imaps         tls      status=ok verified=true problems= version=TLSv1.2 key=RSA cipher~=_ECDHE_RSA_ autha+=PLAIN sclient sclient_sig=RSA-PSS sclient_cipher sclient_refuses=TLSv1.3 fast
pop3          plain    status=ok capb+=STLS authb= fast
pop3          starttls status=ok verified=true problems= version=TLSv1.2 key=RSA cipher~=_ECDHE_RSA_ autha+=PLAIN sclient sclient_sig=RSA-PSS sclient_cipher sclient_refuses=TLSv1.3 fast
pop3          tls      status=wrong_mode fast
pop3s         plain    status=wrong_mode may_wait
pop3s         starttls status=wrong_mode may_wait
pop3s         tls      status=ok verified=true problems= version=TLSv1.2 key=RSA cipher~=_ECDHE_RSA_ autha+=PLAIN sclient sclient_sig=RSA-PSS sclient_cipher sclient_refuses=TLSv1.3 fast
EXPECT
