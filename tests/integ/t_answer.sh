#!/bin/bash
# SPDX-License-Identifier: ISC
# The answer's command line (issue 8) without a real server: bad --setting,
# --expect and threshold inputs end in one sanitised line (exit 2, or the
# plugin's UNKNOWN line and exit 3 under --check); --check on a name that
# does not resolve is UNKNOWN at once; a server that injects data after
# its STARTTLS go-ahead (tests/integ/hostile.py) gives a protocol_violation
# finding in JSON and a CRITICAL --check.  Loopback only; the fake server
# is stopped by its PID.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lab/lablib.sh"
lab_begin answer
spid=
cleanup() {
	if [ -n "$spid" ]; then
		kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Its own tap(), in place of lablib.sh's: a failure shows out and err.
n=0
tap() {		# tap OK|FAIL description
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		for f in out err; do
			[ -s "$tmp/$f" ] && LC_ALL=C cat -v "$tmp/$f" |
			    head -n 10 | sed "s/^/# $f: /"
		done
	fi
}

# Port 1 on loopback refuses at once: nothing leaves the machine even if
# a bad line were accepted.
run() {		# run args...: exit status in rc, output in $tmp/out, err
	timeout 15 "$mp" --timeout 2 --ports smtp=1 \
	    --resolve mail.test.example:127.0.0.1 "$@" \
	    >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# One bad line: status 2, one line on stderr with want and no control
# byte, nothing on stdout.
bad() {		# bad "description" "want" args...
	local desc=$1 want=$2 why=
	shift 2
	run --text "$@" mail.test.example
	[ "$rc" -eq 2 ] || why="$why exit status $rc, want 2;"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || why="$why not one line on stderr;"
	[ -s "$tmp/out" ] && why="$why output on stdout;"
	LC_ALL=C grep -q '[[:cntrl:]]' "$tmp/err" &&
	    why="$why a control byte on stderr;"
	grep -qF -- "$want" "$tmp/err" || why="$why no '$want';"
	[ -z "$why" ] && tap OK "$desc" || tap FAIL "$desc:$why"
}

esc=$(printf '\033')
bad "--setting without SECURITY" "expected PROTOCOL:PORT:SECURITY" \
    --setting pop3:110
bad "--setting with an unknown protocol" 'unknown protocol "pop4"' \
    --setting pop4:110:ssl
bad "--setting with a port out of range" 'bad port "99999"' \
    --setting pop3:99999:ssl
bad "--setting with an unknown security" 'unknown security "sssl"' \
    --setting pop3:110:sssl
bad "--setting with another protocol's service" \
    '"imaps" is a service of IMAP, not of POP3' --setting pop3:imaps:ssl
bad "--setting with an escape sequence is shown escaped" '^[[2J' \
    --setting "pop3:110:${esc}[2J"
bad "--crit-days without --check" "--crit-days is for --check" \
    --crit-days 3
bad "--expect without --check" "--expect is for --check" --expect 993:tls
bad "--warn-days that is no number" "--warn-days wants days" \
    --warn-days soon

# Under --check, bad usage is the plugin's UNKNOWN: exit 3 and one status
# line on stdout, the reason on stderr.
plugin_bad() {	# plugin_bad "description" "want on stderr" args...
	local desc=$1 want=$2 why=
	shift 2
	run --check "$@" mail.test.example
	[ "$rc" -eq 3 ] || why="$why exit status $rc, want 3;"
	[ "$(cat "$tmp/out")" = "MAILPORTS UNKNOWN - bad usage (see standard error)" ] ||
	    why="$why stdout is not the UNKNOWN line;"
	grep -qF -- "$want" "$tmp/err" || why="$why no '$want' on stderr;"
	[ -z "$why" ] && tap OK "$desc" || tap FAIL "$desc:$why"
}
plugin_bad "--check --expect with a bad mode is UNKNOWN" \
    "--expect 993:bogus: unknown mode" --expect 993:bogus
plugin_bad "--check with --crit-days above --warn-days is UNKNOWN" \
    "--crit-days 20 is more than --warn-days 10" --crit-days 20 \
    --warn-days 10
plugin_bad "--check --expect on a port not probed is UNKNOWN" \
    "port 2525 is not probed" --expect 2525:starttls
plugin_bad "an unknown option after --check is UNKNOWN" \
    "unknown option --bogus" --bogus

# A name that does not resolve: UNKNOWN, at once (.invalid never reaches
# a name server, RFC 6761 6.4; nothing to wait for).
start=$SECONDS
timeout 15 "$mp" --check --timeout 5 nonexistent.invalid \
    >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
why=
[ "$rc" -eq 3 ] || why="$why exit status $rc, want 3;"
head -n 1 "$tmp/out" | grep -q '^MAILPORTS UNKNOWN - cannot resolve nonexistent\.invalid' ||
    why="$why no UNKNOWN status line;"
[ $((SECONDS - start)) -le 6 ] || why="$why took $((SECONDS - start)) s;"
[ -z "$why" ] && tap OK "--check nonexistent.invalid: UNKNOWN (3) at once" ||
    tap FAIL "--check nonexistent.invalid:$why"

# Response injection after STARTTLS (catalogue 21): a finding, and no
# working SMTP setting for the plugin.
HOSTILE_LIFETIME=60 python3 "$here/hostile.py" injection \
    >"$tmp/port" 2>"$tmp/server.err" </dev/null &
spid=$!
port=
for _ in $(seq 100); do
	port=$(head -n 1 "$tmp/port" 2>/dev/null)
	case $port in [0-9]*) break ;; esac
	port=
	sleep 0.05
done
if [ -z "$port" ]; then
	echo "Bail out! hostile.py injection did not start"
	exit 1
fi
timeout 15 "$mp" --json --timeout 3 --modes starttls \
    --ports "submission=$port" --resolve mail.test.example:127.0.0.1 \
    --setting "smtp:$port:starttls" mail.test.example \
    >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
why=$(python3 - "$tmp/out" "$port" <<'PY'
import json, sys
port = int(sys.argv[2])
try:
    a = json.load(open(sys.argv[1]))["advice"][0]
except Exception as e:
    print("no advice: %s" % e); sys.exit(0)
f = [f for f in a["findings"] if f["id"] == "protocol_violation"]
if not f or f[0]["severity"] != "critical" or \
   {"address": "127.0.0.1", "protocol": "smtp", "port": port,
    "mode": "starttls"} not in f[0]["cells"] or \
   "injection" not in f[0]["text"]:
    print("no protocol_violation finding on the cell: %r" % a["findings"])
s = a["outgoing"]["smtp"]
if s["best"] is not None:
    print("a best SMTP setting: %r" % s["best"])
c = a["settings"][0]
if c["works"] or c["status"] != "protocol_error" or \
   "response injection" not in c["why"]:
    print("setting check: %r" % c)
PY
)
[ "$rc" -eq 0 ] || why="$why exit status $rc;"
[ -z "$why" ] && tap OK "injection after STARTTLS: protocol_violation finding, the setting fails and says why" ||
    tap FAIL "injection after STARTTLS: $why"

timeout 15 "$mp" --check --timeout 3 --modes starttls \
    --ports "submission=$port" --resolve mail.test.example:127.0.0.1 \
    mail.test.example >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
why=
[ "$rc" -eq 2 ] || why="$why exit status $rc, want 2;"
head -n 1 "$tmp/out" | grep -q '^MAILPORTS CRITICAL - mail.test.example: .*no working SMTP setting' ||
    why="$why status line;"
grep -q "^CRITICAL: mail.test.example: protocol_violation" "$tmp/out" ||
    why="$why no protocol_violation line;"
[ -z "$why" ] && tap OK "--check on the injecting server: CRITICAL, with the finding" ||
    tap FAIL "--check on the injecting server:$why"

echo "1..$n"
