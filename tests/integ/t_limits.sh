#!/bin/bash
# SPDX-License-Identifier: ISC
# Catalogue 34 in small: many cells that each hold a descriptor (a port
# that never answers the SYN) under a low `ulimit -n`.  Everything must
# finish, queued rather than failed: no cell may end for want of a socket.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
here=$(cd "$(dirname "$0")" && pwd)
mp=${MAILPORTS:-${builddir:-.}/mailports}
command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 0; }
[ -x "$mp" ] || { echo "1..0 # SKIP $mp not built"; exit 0; }

tmp=$(mktemp -d /tmp/mailports-limits.XXXXXX) || exit 1
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
python3 "$here/hostile.py" synblack >"$tmp/port" &
pid=$!
for _ in $(seq 50); do
	[ -s "$tmp/port" ] && break
	sleep 0.1
done
port=$(head -n 1 "$tmp/port")
[ -n "$port" ] || { echo "Bail out! hostile.py synblack gave no port"; exit 1; }

# Ten blocks of one port x three modes: 30 connections that hang.
args=()
for _ in $(seq 10); do
	args+=(--resolve t.test:127.0.0.1)
done
echo "1..8"
n=0
for limit in 12 256; do
	start=$(date +%s%N)
	(ulimit -n "$limit" && exec "$mp" --json --timeout 1 --ports \
	    "smtp=$port" "${args[@]}" t.test >"$tmp/out.json" 2>"$tmp/err")
	rc=$?
	secs=$(( ($(date +%s%N) - start) / 1000000000 ))
	n=$((n + 1))
	[ "$rc" -eq 0 ] && echo "ok $n - ulimit -n $limit: exit status 0" ||
	    echo "not ok $n - ulimit -n $limit: exit status $rc"
	python3 - "$tmp/out.json" "$limit" "$n" "$secs" <<'PY'
import collections, json, sys
path, limit, n, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def tap(ok, desc, got=None):
    global n
    n += 1
    print("%s %d - ulimit -n %s: %s" % ("ok" if ok else "not ok", n, limit, desc))
    if not ok and got is not None:
        print("# got %s" % got)
try:
    doc = json.load(open(path))
except Exception as e:
    doc = {"cells": []}
    tap(False, "JSON parses", e)
else:
    tap(True, "JSON parses")
cells = doc.get("cells", [])
tap(len(cells) == 30, "30 cells", len(cells))
bad = collections.Counter((c["status"], c.get("phase"), c.get("reason"))
                          for c in cells
                          if (c["status"], c.get("phase")) != ("timeout", "connect"))
tap(not bad, "every cell timed out connecting, none failed for a socket",
    dict(bad))
PY
	n=$((n + 3))
done
