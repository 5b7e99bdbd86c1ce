#!/bin/sh
# SPDX-License-Identifier: ISC
# t_tls_causes.sh: TLS failures named by their cause through the whole
# probe (renegotiation request, fragmented handshake records, a chain too
# long), against openssl s_server on loopback; tls_causes.py prints the
# TAP and stops every server it starts by PID.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
MAILPORTS=${MAILPORTS:-${builddir:-/work/main/build}/mailports}

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi
if ! command -v openssl >/dev/null 2>&1; then
	echo "1..0 # SKIP openssl not installed"
	exit 0
fi
if [ ! -x "$MAILPORTS" ]; then
	echo "1..0 # SKIP $MAILPORTS not built"
	exit 0
fi
exec timeout 600 python3 "$HERE/tls_causes.py" "$MAILPORTS"
