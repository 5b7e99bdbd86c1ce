#!/bin/bash
# SPDX-License-Identifier: ISC
# `mailports --demo` end to end, no root, no network: the three providers'
# matrices, answers, findings and --setting examples (check_demo.py), the
# text report with its preface, two demos at once on different loopback
# addresses, and (when run as root) the high ports an ordinary user gets.
# Sanitizer-clean under the ASan build (LSan checks memory at exit).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
here=$(cd "$(dirname "$0")" && pwd)
# The demo binds 127.0.N.x, which only Linux routes without setup.
[ "$(uname -s)" = Linux ] || { echo "1..0 # SKIP loopback 127.0.N.x is Linux"; exit 0; }
. "$here/lablib.sh"
lab_begin demo
apid=
cleanup() {
	[ -n "$apid" ] && kill "$apid" 2>/dev/null && wait "$apid" 2>/dev/null
	lab_cleanup
}
trap cleanup EXIT

echo "1..30"

# 1-18: the JSON document.
timeout 30 "$mp" --demo --json >"$tmp/demo.json" 2>"$tmp/demo.err" </dev/null
rc=$?
[ "$rc" -eq 0 ] && tap OK "--demo --json exits 0" ||
    tap FAIL "--demo --json exits 0 (got $rc)" "$tmp/demo.err"
san_clean "$tmp/demo.err" && [ ! -s "$tmp/demo.err" ] &&
    tap OK "--demo --json: nothing on stderr, no sanitizer report" ||
    tap FAIL "--demo --json: nothing on stderr" "$tmp/demo.err"
python3 "$here/check_demo.py" --first 3 "$tmp/demo.json" >"$tmp/check"
grep -v '^# last ' "$tmp/check"
n=$(sed -n 's/^# last //p' "$tmp/check")
[ -n "$n" ] || n=2

# 19-23: the text report.
timeout 30 "$mp" --demo --text >"$tmp/demo.txt" 2>"$tmp/demo.err" </dev/null
rc=$?
[ "$rc" -eq 0 ] && san_clean "$tmp/demo.err" &&
    tap OK "--demo --text exits 0, sanitizer-clean" ||
    tap FAIL "--demo --text exits 0 (got $rc)" "$tmp/demo.err"
grep -q '^mailports --demo: three mail providers' "$tmp/demo.txt" &&
    grep -Eq '^  mail\.broken\.demo +127\.0\.[0-9]+\.3 ' "$tmp/demo.txt" &&
    tap OK "the text starts with the providers and their addresses" ||
    tap FAIL "the text starts with the providers" "$tmp/demo.txt"
grep -Eq -- '--setting pop3:[0-9]*110:ssl --setting smtp:[0-9]*465:ssl' \
    "$tmp/demo.txt" &&
    tap OK "the text names the --setting examples it judges" ||
    tap FAIL "the text names the --setting examples" "$tmp/demo.txt"
[ "$(grep -c '^Answer for mail\.\(good\|legacy\|broken\)\.demo$' \
    "$tmp/demo.txt")" -eq 3 ] &&
    tap OK "an answer for each of the three providers" ||
    tap FAIL "an answer for each provider" "$tmp/demo.txt"
grep -Eq 'Your setting pop3:[0-9]*110:ssl: does not work \(wrong_mode\)' \
    "$tmp/demo.txt" &&
    tap OK "the broken provider's pop3:110:ssl does not work" ||
    tap FAIL "pop3:110:ssl judged" "$tmp/demo.txt"

# 24-27: two demos at once.  The first one's report waits in a pipe
# nobody reads yet, so its servers are still up while the second starts;
# the second must take other loopback addresses (or the first would have
# lost its ports) and both must come out right.
( timeout 30 "$mp" --demo --json 2>"$tmp/a.err" </dev/null |
    { sleep 2; cat >"$tmp/a.json"; } ) &
apid=$!
sleep 0.7
timeout 30 "$mp" --demo --json >"$tmp/b.json" 2>"$tmp/b.err" </dev/null
brc=$?
wait "$apid"
apid=
[ "$brc" -eq 0 ] && san_clean "$tmp/a.err" && san_clean "$tmp/b.err" &&
    tap OK "a second demo runs while the first is up" ||
    tap FAIL "a second demo runs while the first is up (rc $brc)" \
    "$tmp/b.err"
addrs() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(" ".join(h["addresses"][0] for h in d["hosts"]))' "$1" 2>/dev/null
}
a=$(addrs "$tmp/a.json")
b=$(addrs "$tmp/b.json")
[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] &&
    tap OK "the two demos use different loopback addresses ($a / $b)" ||
    tap FAIL "the two demos use different addresses ('$a' / '$b')"
for f in a b; do
	python3 "$here/check_demo.py" "$tmp/$f.json" >"$tmp/check.$f"
	grep -q '^not ok' "$tmp/check.$f" &&
	    tap FAIL "demo $f at once: matrix, answer, findings right" \
	    "$tmp/check.$f" ||
	    tap OK "demo $f at once: matrix, answer, findings right"
done

# 28-30: what an ordinary user gets: the standard ports need root (when
# net.ipv4.ip_unprivileged_port_start says so), so the demo shifts them.
start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null)
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null ||
    [ "${start:-0}" -le 25 ]; then
	for i in 1 2 3; do
		echo "ok $((n + 1)) # SKIP not root with setpriv, or low ports are free for all"
		n=$((n + 1))
	done
else
	timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$mp" --demo --json >"$tmp/u.json" 2>"$tmp/u.err" </dev/null
	rc=$?
	[ "$rc" -eq 0 ] && san_clean "$tmp/u.err" &&
	    tap OK "--demo as an ordinary user exits 0" ||
	    tap FAIL "--demo as an ordinary user (rc $rc)" "$tmp/u.err"
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
sys.exit(0 if all(c["port"] > 10000 for c in d["cells"]) else 1)' \
	    "$tmp/u.json" 2>/dev/null &&
	    tap OK "an ordinary user's demo is on high ports" ||
	    tap FAIL "an ordinary user's demo is on high ports" "$tmp/u.err"
	python3 "$here/check_demo.py" "$tmp/u.json" >"$tmp/check.u"
	grep -q '^not ok' "$tmp/check.u" &&
	    tap FAIL "on high ports: matrix, answer, findings right" \
	    "$tmp/check.u" ||
	    tap OK "on high ports: matrix, answer, findings right"
fi
