#!/bin/bash
# SPDX-License-Identifier: ISC
# t_good.sh: mailports against a correctly configured real Postfix + Dovecot
# on 127.0.0.1 (tests/real/lab.sh "good"): every TLS cell verified, plaintext
# AUTH withheld until TLS, wrong modes named as such.  TAP on stdout; SKIP
# when Dovecot, Postfix, openssl, python3 or mailports are missing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u
. "$(dirname "$0")/lab.sh" || { echo "Bail out! cannot source lab.sh"; exit 1; }

# role        mode     expectations (see check.py)
lab_tap_run good <<'EXPECT'
smtp          plain    status=ok greeting~=Postfix capb+=STARTTLS authb= fast
smtp          starttls status=ok verified=true problems= san+=mail.test.example capb+=STARTTLS capa-=STARTTLS autha= version=TLSv1.3 key=RSA sclient sclient_sig=RSA-PSS fast
smtp          tls      status=wrong_mode fast
submission    plain    status=ok capb+=STARTTLS authb= fast
submission    starttls status=ok verified=true problems= san+=mail.test.example authb= autha+=PLAIN capa-=STARTTLS version=TLSv1.3 key=RSA sclient sclient_sig=RSA-PSS fast
submission    tls      status=wrong_mode fast
# wrappermode: the server waits silently for a ClientHello
submissions   plain    status=wrong_mode may_wait
submissions   starttls status=wrong_mode may_wait
submissions   tls      status=ok verified=true problems= san+=mail.test.example autha+=PLAIN version=TLSv1.3 key=RSA sclient sclient_sig=RSA-PSS fast
# disable_plaintext_auth=yes: LOGINDISABLED and no AUTH= before TLS
imap          plain    status=ok capb+=STARTTLS logindisb=true authb= fast
imap          starttls status=ok verified=true problems= san+=mail.test.example logindisb=true authb= logindisa=false autha+=PLAIN capa-=STARTTLS version=TLSv1.3 key=RSA sclient sclient_sig=RSA-PSS fast
imap          tls      status=wrong_mode fast
imaps         plain    status=wrong_mode may_wait
imaps         starttls status=wrong_mode may_wait
imaps         tls      status=ok verified=true problems= logindisa=false autha+=PLAIN version=TLSv1.3 key=RSA sclient sclient_sig=RSA-PSS fast
pop3          plain    status=ok capb+=STLS authb= fast
pop3          starttls status=ok verified=true problems= autha+=PLAIN capa-=STLS version=TLSv1.3 key=RSA sclient sclient_sig=RSA-PSS fast
pop3          tls      status=wrong_mode fast
pop3s         plain    status=wrong_mode may_wait
pop3s         starttls status=wrong_mode may_wait
pop3s         tls      status=ok verified=true problems= autha+=PLAIN version=TLSv1.3 key=RSA sclient sclient_sig=RSA-PSS fast
EXPECT
