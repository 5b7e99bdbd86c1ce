#!/bin/bash
# SPDX-License-Identifier: ISC
# t_tls12_pkcs1.sh: real Postfix + Dovecot that accept only TLS 1.2 and sign
# with RSA PKCS#1 v1.5 only (tests/real/lab.sh "tls12-pkcs1": OpenSSL
# SignatureAlgorithms without RSA-PSS), server cipher preference off.  Every
# TLS cell must be ok, verified, TLSv1.2 with an RSA key, and agree with
# openssl s_client on the same port (which must see a PKCS#1 "RSA" signature;
# limited to TLS 1.3 it is refused).  TAP on stdout; SKIP when the daemons,
# tools or mailports are missing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u
. "$(dirname "$0")/tls_only.sh" ||
    { echo "Bail out! cannot source tls_only.sh"; exit 1; }

# kind, version, the TLS cells' assertions before and after the role's
tls_only_run tls12-pkcs1 TLSv1.2 \
    "key=RSA key_bits=2048 cipher~=_ECDHE_RSA_ sclient_sig=RSA" \
    "sclient sclient_refuses=TLSv1.3"
