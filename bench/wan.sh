#!/bin/bash
# SPDX-License-Identifier: ISC
# The whole matrix over a simulated wide-area link: the good real-server
# lab behind bench/delayproxy.py (a one-way delay on every byte, both ways;
# this kernel has no netem).  Prints the wall time of the whole matrix with
# the default options and with the old default (-j 8, no per-port cap),
# the floor (the slowest cell probed ALONE, one mailports run per cell) and
# openssl s_client's time for the same TLS cells alone, side by side.
#
#   bench/wan.sh [-m MAILPORTS] [-d ONE_WAY_MS] [-n RUNS]
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
mp=${MAILPORTS:-$top/build/mailports}
delay=50
runs=3
while getopts m:d:n: o; do
	case $o in
	m) mp=$OPTARG ;;
	d) delay=$OPTARG ;;
	n) runs=$OPTARG ;;
	*) echo "usage: $0 [-m MAILPORTS] [-d ONE_WAY_MS] [-n RUNS]" >&2; exit 2 ;;
	esac
done
[ -x "$mp" ] || { echo "wan.sh: $mp not built" >&2; exit 77; }
dir=$(mktemp -d /tmp/mailports-wan.XXXXXX) || exit 1
proxy=
cleanup() {
	[ -n "$proxy" ] && kill "$proxy" 2>/dev/null && wait "$proxy" 2>/dev/null
	"$top/tests/real/lab.sh" cleanup "$dir" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM
env=$("$top/tests/real/lab.sh" start good "$dir") ||
    { echo "wan.sh: the lab did not start (root, dovecot, postfix?)" >&2; exit 77; }
eval "$env"
targets=$(echo "$LAB_PORTS" | tr ',' '\n' | cut -d= -f2)
python3 "$here/delayproxy.py" --lifetime 900 "$delay" $targets >"$dir/map" &
proxy=$!
for _ in $(seq 50); do
	[ "$(wc -l <"$dir/map")" -eq 7 ] && break
	sleep 0.1
done
ports=
for kv in $(echo "$LAB_PORTS" | tr ',' ' '); do
	lp=$(awk -v t="${kv##*=}" '$2 == t { print $1 }' "$dir/map")
	ports="$ports,${kv%%=*}=$lp"
done
ports=${ports#,}
echo "one-way delay ${delay} ms (RTT $((2 * delay)) ms), 21 cells, $runs runs"
run_mp() {
	"$mp" "$@" --json --resolve "$LAB_NAME:127.0.0.1" --ca-file "$LAB_CA" \
	    "$LAB_NAME" >"$dir/out.json"
}
# The floor: every cell alone, slowest first (cells that only time out
# alone are left out).
: >"$dir/alone"
for kv in $(echo "$ports" | tr ',' ' '); do
	for m in plain starttls tls; do
		run_mp --ports "$kv" --modes "$m"
		python3 - "$dir/out.json" "$kv" "$m" >>"$dir/alone" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
# A silent cell alone waits out its deadline (nothing tells it the port
# speaks TLS): no chain of round trips, so not part of the floor.
if d["cells"][0]["status"] != "timeout":
    print("%.1f %s %s" % (d["elapsed_ms"], sys.argv[2], sys.argv[3]))
PY
	done
done
sort -rn "$dir/alone" >"$dir/alone.sorted"
floor=$(head -n 1 "$dir/alone.sorted" | cut -d' ' -f1)
echo "slowest cells alone (ms, service=port, mode):"
head -n 3 "$dir/alone.sorted" | sed 's/^/    /'
# openssl s_client alone on the slowest STARTTLS and implicit TLS cells.
for kind in starttls tls; do
	line=$(grep " $kind\$" "$dir/alone.sorted" | head -n 1)
	kv=$(echo "$line" | cut -d' ' -f2)
	svc=${kv%%=*}
	port=${kv##*=}
	st=
	if [ "$kind" = starttls ]; then
		case $svc in
		smtp|submission) st="-starttls smtp" ;;
		imap) st="-starttls imap" ;;
		pop3) st="-starttls pop3" ;;
		esac
	fi
	t0=$(date +%s%N)
	timeout 10 openssl s_client -connect "127.0.0.1:$port" $st \
	    -servername "$LAB_NAME" -CAfile "$LAB_CA" \
	    -verify_hostname "$LAB_NAME" -brief </dev/null >/dev/null 2>&1
	t1=$(date +%s%N)
	printf 'openssl s_client alone  %-18s %7s ms   mailports alone %s ms\n' \
	    "$kv $kind" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')" \
	    "$(echo "$line" | cut -d' ' -f1)"
done
for opt in default "-j 8 --per-port 8"; do
	for i in $(seq "$runs"); do
		if [ "$opt" = default ]; then
			run_mp --ports "$ports"
		else
			run_mp $opt --ports "$ports"
		fi
		python3 - "$dir/out.json" "$opt" "$floor" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
longest = max(c["timing_ms"]["total"] or 0 for c in d["cells"])
floor = float(sys.argv[3])
print("%-18s wall %7.1f ms   longest cell in it %7.1f ms   "
      "slowest cell alone %7.1f ms   ratio %.2f" % (
    sys.argv[2], d["elapsed_ms"], longest, floor, d["elapsed_ms"] / floor))
PY
	done
done
