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
. "$(dirname "$0")/tls_only.sh" ||
    { echo "Bail out! cannot source tls_only.sh"; exit 1; }

# kind, version, the TLS cells' assertions before and after the role's
tls_only_run tls13 TLSv1.3 \
    "key=RSA key_bits=2048 sclient_sig=RSA-PSS sclient_cipher" \
    "sclient sclient_refuses=TLSv1.2"
