#!/bin/bash
# SPDX-License-Identifier: ISC
# Inputs that used to crash or hang (issue 6): each bad command line ends
# at once with one sanitised line on stderr, exit status 2 and nothing on
# stdout; a report that cannot be written is exit status 1 with one line
# (a reader that went away is 141 without a word); scoped IPv6 literals
# reach a server on ::1.  Loopback only; every server is stopped by PID.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
here=$(cd "$(dirname "$0")" && pwd)
mp=${MAILPORTS:-${builddir:-.}/mailports}
bdir=${builddir:-$(dirname "$mp")}
command -v timeout >/dev/null || { echo "1..0 # SKIP no timeout(1)"; exit 0; }
[ -x "$mp" ] || { echo "1..0 # SKIP $mp not built"; exit 0; }

tmp=$(mktemp -d /tmp/mailports-inputs.XXXXXX) || exit 1
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# Port 1 on loopback refuses at once: a probe that starts ends quickly
# and never leaves the machine.
CLOSED=smtp=1
n=0
tap() {		# tap OK|FAIL description
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# One bad command line: exit status 2 within 10 s, one line on stderr that
# holds want, starts with "mailports: " and has no control byte, nothing
# on stdout.  A host is mapped to 127.0.0.1 with --resolve so that, were
# it wrongly accepted, no lookup would leave the machine.
bad() {		# bad "description" "want" args...
	local desc=$1 want=$2 rc lines why=
	shift 2
	timeout 10 "$mp" --text --timeout 2 --ports "$CLOSED" "$@" \
	    >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	lines=$(wc -l <"$tmp/err")
	[ "$rc" -eq 124 ] && why="$why timed out;"
	[ "$rc" -eq 2 ] || why="$why exit status $rc, want 2;"
	[ "$lines" -eq 1 ] || why="$why $lines lines on stderr;"
	[ -s "$tmp/out" ] && why="$why output on stdout;"
	grep -q '^mailports: ' "$tmp/err" || why="$why no 'mailports: ';"
	LC_ALL=C grep -q '[[:cntrl:]]' "$tmp/err" &&
	    why="$why a control byte on stderr;"
	grep -qF -- "$want" "$tmp/err" || why="$why no '$want';"
	if [ -z "$why" ]; then
		tap OK "$desc"
	else
		tap FAIL "$desc:$why"
		sed 's/^/# /' "$tmp/err" | LC_ALL=C cat -v | head -n 20
	fi
}

mkdir "$tmp/dir"
mkfifo "$tmp/fifo"
: >"$tmp/empty"
printf 'this is not a certificate\n' >"$tmp/garbage"
printf -- '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n' \
    >"$tmp/badpem"
cp "$tmp/garbage" "$tmp/unreadable"
chmod 000 "$tmp/unreadable"
sock=
if command -v python3 >/dev/null; then
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$tmp/sock" &&
	    sock=$tmp/sock
fi
long64=$(printf 'a%.0s' $(seq 64))
name254=$(printf '%s.' "$(printf 'b%.0s' $(seq 63))" \
    "$(printf 'c%.0s' $(seq 63))" "$(printf 'd%.0s' $(seq 63))")
name254=${name254}$(printf 'e%.0s' $(seq 62))
esc=$(printf 'evil\033[2J.example')
ctl=$(printf 'x\001y')

echo "1..37"

# --ca-file and --ca-path
bad "--ca-file DIR" "is a directory; use --ca-path" \
    --ca-file "$tmp/dir" 127.0.0.1
bad "--ca-file FIFO does not block" "is not a regular file" \
    --ca-file "$tmp/fifo" 127.0.0.1
bad "--ca-file /dev/null (a device)" "is not a regular file" \
    --ca-file /dev/null 127.0.0.1
if [ -n "$sock" ]; then
	bad "--ca-file SOCKET" "is not a regular file" \
	    --ca-file "$sock" 127.0.0.1
else
	skip "--ca-file SOCKET" "no python3 to make a socket"
fi
bad "--ca-file missing" "No such file or directory" \
    --ca-file "$tmp/missing" 127.0.0.1
if [ "$(id -u)" -ne 0 ]; then
	bad "--ca-file unreadable" "Permission denied" \
	    --ca-file "$tmp/unreadable" 127.0.0.1
else
	skip "--ca-file unreadable" "root reads any file"
fi
bad "--ca-file empty" "is empty" --ca-file "$tmp/empty" 127.0.0.1
bad "--ca-file garbage" "holds no certificate" \
    --ca-file "$tmp/garbage" 127.0.0.1
bad "--ca-file with a broken PEM block" \
    "a PEM certificate block is damaged" \
    --ca-file "$tmp/badpem" 127.0.0.1
bad "--ca-file ''" "wants a file name" --ca-file= 127.0.0.1
bad "--ca-path FILE" "is a file; use --ca-file" \
    --ca-path "$tmp/garbage" 127.0.0.1
bad "--ca-path FIFO" "is not a directory" --ca-path "$tmp/fifo" 127.0.0.1
bad "--ca-path missing" "No such file or directory" \
    --ca-path "$tmp/missing" 127.0.0.1

# Hosts that are neither names nor addresses: refused before any lookup.
bad "host -" "starts or ends with '-'" --resolve -:127.0.0.1 -- -
bad "host 1.2.3.4.5" "all digits" --resolve 1.2.3.4.5:127.0.0.1 1.2.3.4.5
bad "host ''" "it is empty" ''
bad "host with a space" "space or a control byte" \
    --resolve 'mail example.com:127.0.0.1' 'mail example.com'
bad "host with an escape sequence, shown escaped" "evil^[[2J" \
    --resolve "$esc:127.0.0.1" "$esc"
bad "host with a 64-byte label" "longer than 63" \
    --resolve "$long64.example:127.0.0.1" "$long64.example"
bad "host of 254 bytes" "longer than 253" \
    --resolve "$name254:127.0.0.1" "$name254"
bad "host -foo.example" "starts or ends with '-'" \
    --resolve -foo.example:127.0.0.1 -- -foo.example
bad "host ." "the root alone" --resolve .:127.0.0.1 .
bad "host fe80::1%nosuchif0" "no network interface" 'fe80::1%nosuchif0'
bad "--ehlo with a control byte, shown escaped" "x^Ay" \
    --ehlo "$ctl" 127.0.0.1
bad "--ehlo with a zone" "--ehlo" --ehlo 'fe80::1%lo' 127.0.0.1

# stdout that cannot take the report: exit status 1 and one line.
full() {	# full "description" "want" args...
	local desc=$1 want=$2 rc lines
	shift 2
	timeout 20 "$mp" "$@" >/dev/full 2>"$tmp/err" </dev/null
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] &&
	    grep -qF "$want" "$tmp/err"; then
		tap OK "$desc"
	else
		tap FAIL "$desc: exit status $rc, $lines lines on stderr"
		sed 's/^/# /' "$tmp/err" | head -n 20
	fi
}
full "--json >/dev/full: exit 1" \
    "cannot write the report: No space left on device" \
    --json --timeout 2 --ports "$CLOSED" 127.0.0.1
full "--text >/dev/full: exit 1" \
    "cannot write the report: No space left on device" \
    --text --timeout 2 --ports "$CLOSED" 127.0.0.1
full "--help >/dev/full: exit 1" "cannot write to standard output" --help
full "--version >/dev/full: exit 1" "cannot write to standard output" \
    --version
timeout 20 "$mp" --json --timeout 2 --ports "$CLOSED" 127.0.0.1 \
    >&- 2>"$tmp/err" </dev/null
rc=$?
if [ "$rc" -eq 1 ] && grep -q "cannot write the report: Bad file" \
    "$tmp/err"; then
	tap OK "stdout closed: exit 1, the report is not sent to a socket"
else
	tap FAIL "stdout closed: exit status $rc"
	sed 's/^/# /' "$tmp/err" | head -n 20
fi

# A reader that has gone (`| head`): no complaint, the status of a filter
# ended by SIGPIPE.  The pipe's read end is closed before we write.
if command -v python3 >/dev/null; then
	python3 - "$mp" "$tmp/err" "$CLOSED" <<'PY' >"$tmp/epipe"
import os, subprocess, sys
mp, errpath, closed = sys.argv[1:4]
r, w = os.pipe()
os.close(r)
with open(errpath, "wb") as err:
    p = subprocess.run([mp, "--json", "-v", "--timeout", "2", "--ports",
                        closed, "127.0.0.1"], stdout=w, stderr=err,
                       stdin=subprocess.DEVNULL, timeout=20)
print(p.returncode)
PY
	rc=$(cat "$tmp/epipe")
	if [ "$rc" = 141 ] && [ ! -s "$tmp/err" ]; then
		tap OK "reader gone: status 141, nothing on stderr"
	else
		tap FAIL "reader gone: status $rc"
		sed 's/^/# /' "$tmp/err" | head -n 20
	fi
	out=$("$mp" --help 2>"$tmp/err" | head -n 1)
	if [ "${out#usage:}" != "$out" ] && [ ! -s "$tmp/err" ]; then
		tap OK "--help | head -n 1: the first line, no complaint"
	else
		tap FAIL "--help | head -n 1: '$out'"
		sed 's/^/# /' "$tmp/err" | head -n 20
	fi
else
	skip "reader gone" "no python3"
	skip "--help | head -n 1" "no python3"
fi

# Scoped and bracketed IPv6 literals reach a server on ::1.
v6port=
if command -v python3 >/dev/null; then
	python3 - >"$tmp/v6port" 2>/dev/null <<'PY' &
import socket, sys, threading
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.bind(("::1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
s.settimeout(60)
def serve(c):
    c.settimeout(10)
    f = c.makefile("rwb")
    try:
        f.write(b"220 v6.test ESMTP\r\n")
        f.flush()
        for line in f:
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO"):
                f.write(b"250 v6.test\r\n")
            elif cmd.startswith(b"QUIT"):
                f.write(b"221 bye\r\n")
                f.flush()
                break
            else:
                f.write(b"502 no\r\n")
            f.flush()
    except OSError:
        pass
    c.close()
try:
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()
except OSError:
    pass
PY
	pids+=($!)
	for _ in $(seq 50); do
		[ -s "$tmp/v6port" ] && break
		sleep 0.1
	done
	v6port=$(head -n 1 "$tmp/v6port")
fi
for h in '[::1]' '::1%lo' '[::1%1]'; do
	if [ -z "$v6port" ]; then
		skip "$h reaches ::1" "no python3 or no IPv6 on loopback"
		continue
	fi
	timeout 20 "$mp" --json --timeout 3 --modes plain \
	    --ports "smtp=$v6port" "$h" >"$tmp/v6.json" 2>"$tmp/err"
	rc=$?
	got=$(jq -r '.cells[0] | "\(.address) \(.status) \(.greeting)"' \
	    "$tmp/v6.json" 2>/dev/null)
	if [ "$rc" -eq 0 ] && [ "$got" = "::1 ok 220 v6.test ESMTP" ]; then
		tap OK "$h reaches the server on ::1"
	else
		tap FAIL "$h: exit status $rc, cell '$got'"
		sed 's/^/# /' "$tmp/err" | head -n 20
	fi
done

# valgrind: the loop's watcher table and a refused run, no error.  An
# ASan build cannot run under valgrind.
if ! command -v valgrind >/dev/null; then
	skip "t_evloop under valgrind" "no valgrind"
	skip "mailports under valgrind" "no valgrind"
elif grep -q __asan_init "$mp" 2>/dev/null; then
	skip "t_evloop under valgrind" "ASan build"
	skip "mailports under valgrind" "ASan build"
else
	if [ -x "$bdir/tests/unit/t_evloop" ] &&
	    timeout 120 valgrind -q --error-exitcode=99 \
	    "$bdir/tests/unit/t_evloop" >"$tmp/vg.out" 2>"$tmp/vg.err" &&
	    ! grep -q '^not ok' "$tmp/vg.out"; then
		tap OK "t_evloop under valgrind: no error"
	else
		tap FAIL "t_evloop under valgrind"
		sed 's/^/# /' "$tmp/vg.err" | head -n 30
	fi
	timeout 120 valgrind -q --error-exitcode=99 "$mp" --json --timeout 2 \
	    --ports "$CLOSED" --ca-file "$tmp/dir" 127.0.0.1 \
	    >/dev/null 2>"$tmp/vg.err"
	rc1=$?
	timeout 120 valgrind -q --error-exitcode=99 "$mp" --json --timeout 2 \
	    --ports "$CLOSED" 127.0.0.1 >/dev/full 2>>"$tmp/vg.err"
	rc2=$?
	if [ "$rc1" -eq 2 ] && [ "$rc2" -eq 1 ]; then
		tap OK "mailports under valgrind: bad --ca-file, /dev/full"
	else
		tap FAIL "mailports under valgrind: status $rc1, $rc2"
		sed 's/^/# /' "$tmp/vg.err" | head -n 30
	fi
fi
