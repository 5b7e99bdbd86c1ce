#!/bin/sh
# SPDX-License-Identifier: ISC
# mkcerts.sh OUTDIR: make a throw-away CA and three leaf certificates for the
# real-server lab (tests/real/lab.sh).  Nothing is kept in the repository:
# every lab run makes fresh keys in its own temporary directory.
#
#   ca.pem / ca.key            "mailports test CA" (EC P-256, 30 days)
#   good.pem / good.key        CN+SAN mail.test.example, valid now (RSA 2048)
#   good-ec.pem / good-ec.key  the same name and dates with an EC P-256 key
#   expired.pem / expired.key  CN+SAN mail.test.example, 2020-01-01..2021-01-01
#   wrong.pem / wrong.key      CN+SAN other.test.example, valid now
#
# Works with OpenSSL 3.0 (Debian 12): "x509 -req" has no -not_before there,
# so leaves are signed with "openssl ca", whose -startdate/-enddate set any
# validity period without faketime.
set -u

out=${1:?usage: mkcerts.sh OUTDIR}
mkdir -p "$out" || exit 1
cd "$out" || exit 1

rm -rf ca.db
mkdir -p ca.db/new
: >ca.db/index.txt
echo 1000 >ca.db/serial

cat >ca.cnf <<'EOF'
[ ca ]
default_ca = lab_ca

[ lab_ca ]
dir              = ./ca.db
database         = $dir/index.txt
serial           = $dir/serial
new_certs_dir    = $dir/new
certificate      = ./ca.pem
private_key      = ./ca.key
default_md       = sha256
policy           = lab_policy
unique_subject   = no
copy_extensions  = none
email_in_dn      = no
x509_extensions  = leaf_ext

[ lab_policy ]
commonName       = supplied

[ req ]
distinguished_name = req_dn
prompt           = no

[ req_dn ]
CN = mailports test CA

[ ca_ext ]
basicConstraints       = critical, CA:true
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ leaf_ext ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:${ENV::LAB_SAN}
EOF

q() { "$@" >>mkcerts.log 2>&1 || { echo "mkcerts: failed: $*" >&2; \
    tail -n 20 mkcerts.log >&2; exit 1; }; }

# Verifiers check each certificate's dates against the current time, so the
# CA is valid now even though the expired leaf's period lies before it.
LAB_SAN=unused; export LAB_SAN
q openssl ecparam -name prime256v1 -genkey -noout -out ca.key
q openssl req -new -x509 -config ca.cnf -extensions ca_ext -key ca.key \
    -sha256 -days 30 -set_serial 1 -out ca.pem

leaf() {	# leaf NAME CN KEYSPEC [START END]
	LAB_SAN=$2; export LAB_SAN
	case $3 in
	rsa)	q openssl genpkey -algorithm RSA \
		    -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
	ec)	q openssl genpkey -algorithm EC \
		    -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
	esac
	q openssl req -new -config ca.cnf -key "$1.key" -subj "/CN=$2" \
	    -out "$1.csr"
	if [ $# -ge 5 ]; then
		q openssl ca -batch -config ca.cnf -notext -in "$1.csr" \
		    -startdate "$4" -enddate "$5" -out "$1.pem"
	else
		q openssl ca -batch -config ca.cnf -notext -in "$1.csr" \
		    -days 30 -out "$1.pem"
	fi
	rm -f "$1.csr"
}

leaf good mail.test.example rsa
leaf good-ec mail.test.example ec
leaf expired mail.test.example ec 20200101000000Z 20210101000000Z
leaf wrong other.test.example ec

# Leaf + CA bundles, for servers that want the chain in one file.
for n in good good-ec expired wrong; do
	cat "$n.pem" ca.pem >"$n-chain.pem"
done
chmod 0644 ./*.pem
chmod 0600 ./*.key
exit 0
