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
. "$(dirname "$0")/tls_only.sh" ||
    { echo "Bail out! cannot source tls_only.sh"; exit 1; }

# kind, version, the TLS cells' assertions before and after the role's
tls_only_run tls12 TLSv1.2 "key=RSA cipher~=_ECDHE_RSA_" \
    "sclient sclient_sig=RSA-PSS sclient_cipher sclient_refuses=TLSv1.3" \
    postscreen
