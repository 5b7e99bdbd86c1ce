#!/bin/bash
# SPDX-License-Identifier: ISC
# The whole matrix over a simulated wide-area link: the good real-server
# lab behind bench/delayproxy.py (a one-way delay on every byte, both ways;
# this kernel has no netem).  Prints, for -j 8 (the default) and -j 21
# (every cell at once), the wall time, and the floor: the longest single
# cell, i.e. one probe's chain of round trips.
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
for j in 8 21; do
	for i in $(seq "$runs"); do
		"$mp" -j "$j" --json --resolve "$LAB_NAME:127.0.0.1" \
		    --ca-file "$LAB_CA" --ports "$ports" "$LAB_NAME" >"$dir/out.json"
		python3 - "$dir/out.json" "$j" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
longest = max(c["timing_ms"]["total"] or 0 for c in d["cells"])
print("-j %-3s wall %7.1f ms   longest cell %7.1f ms   ratio %.2f" % (
    sys.argv[2], d["elapsed_ms"], longest, d["elapsed_ms"] / longest))
PY
	done
done
