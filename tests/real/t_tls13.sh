#!/bin/bash
# SPDX-License-Identifier: ISC
# t_tls13.sh: real Postfix + Dovecot that accept only TLS 1.3 with an RSA
# certificate (tests/real/lab.sh "tls13": RSA-PSS signatures), server cipher
# preference on.  Every TLS cell must be ok, verified, TLSv1.3, and agree with
# openssl s_client on the same port, including the cipher suite the server
# chose; limited to TLS 1.2, s_client is refused.  TAP on stdout; SKIP when the
# daemons, tools or mailports are missing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u
. "$(dirname "$0")/lab.sh" || { echo "Bail out! cannot source lab.sh"; exit 1; }

# role        mode     expectations (see check.py)
lab_tap_run tls13 <<'EXPECT'
smtp          plain    status=ok greeting~=Postfix capb+=STARTTLS authb= fast
smtp          starttls status=ok verified=true problems= version=TLSv1.3 key=RSA key_bits=2048 sclient_sig=RSA-PSS sclient_cipher capa-=STARTTLS sclient sclient_refuses=TLSv1.2 fast
smtp          tls      status=wrong_mode fast
submission    plain    status=ok capb+=STARTTLS authb= fast
submission    starttls status=ok verified=true problems= version=TLSv1.3 key=RSA key_bits=2048 sclient_sig=RSA-PSS sclient_cipher autha+=PLAIN sclient sclient_refuses=TLSv1.2 fast
submission    tls      status=wrong_mode fast
submissions   plain    status=wrong_mode may_wait
submissions   starttls status=wrong_mode may_wait
submissions   tls      status=ok verified=true problems= version=TLSv1.3 key=RSA key_bits=2048 sclient_sig=RSA-PSS sclient_cipher autha+=PLAIN sclient sclient_refuses=TLSv1.2 fast
imap          plain    status=ok capb+=STARTTLS logindisb=true authb= fast
imap          starttls status=ok verified=true problems= version=TLSv1.3 key=RSA key_bits=2048 sclient_sig=RSA-PSS sclient_cipher logindisa=false autha+=PLAIN sclient sclient_refuses=TLSv1.2 fast
imap          tls      status=wrong_mode fast
imaps         plain    status=wrong_mode may_wait
imaps         starttls status=wrong_mode may_wait
imaps         tls      status=ok verified=true problems= version=TLSv1.3 key=RSA key_bits=2048 sclient_sig=RSA-PSS sclient_cipher autha+=PLAIN sclient sclient_refuses=TLSv1.2 fast
pop3          plain    status=ok capb+=STLS authb= fast
pop3          starttls status=ok verified=true problems= version=TLSv1.3 key=RSA key_bits=2048 sclient_sig=RSA-PSS sclient_cipher autha+=PLAIN sclient sclient_refuses=TLSv1.2 fast
pop3          tls      status=wrong_mode fast
pop3s         plain    status=wrong_mode may_wait
pop3s         starttls status=wrong_mode may_wait
pop3s         tls      status=ok verified=true problems= version=TLSv1.3 key=RSA key_bits=2048 sclient_sig=RSA-PSS sclient_cipher autha+=PLAIN sclient sclient_refuses=TLSv1.2 fast
EXPECT
