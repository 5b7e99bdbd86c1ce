#!/bin/bash
# SPDX-License-Identifier: ISC
# t_hostile.sh: mailports against fake mail servers that misbehave on
# purpose (tests/integ/hostile.py; the catalogue is hostile-servers.md).
# HOSTILE_KEEP=1 keeps the outputs (the directory is named on stderr).
# Every scenario gets its own server on 127.0.0.1 (a free port chosen by the
# kernel); every case is run with --json and with --text -v, and the results
# are checked by check_hostile.py, which prints the TAP.  Servers are stopped
# by PID on exit; every wait is bounded.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# if run by sh
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
MAILPORTS=${MAILPORTS:-${builddir:-/work/main/build}/mailports}
JOBS=${HOSTILE_JOBS:-4}			# mailports runs at once
READY_SECS=${HOSTILE_READY_SECS:-15}	# for all servers to print their port

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi
if [ ! -x "$MAILPORTS" ]; then
	echo "1..0 # SKIP $MAILPORTS not built"
	exit 0
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/t_hostile.XXXXXX") || {
	echo "Bail out! mktemp failed"; exit 1; }
SERVER_PIDS=()
RUN_PIDS=()

cleanup() {
	local p
	for p in "${RUN_PIDS[@]}" "${SERVER_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${RUN_PIDS[@]}" "${SERVER_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	if [ -n "${HOSTILE_KEEP:-}" ]; then
		echo "# results kept in $TMP" >&2
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# A UTF-8 locale for the main runs when there is one, so that the expected
# <U+XXXX> forms do not depend on the caller's environment.
UTF8_LOCALE=
for l in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8; do
	if locale -a 2>/dev/null | grep -qx "$l"; then
		UTF8_LOCALE=$l
		break
	fi
done

CASES=$(python3 "$HERE/check_hostile.py" cases) || {
	echo "Bail out! check_hostile.py cases failed"; exit 1; }

# Start one server per scenario.
declare -A PORT
for sc in $(printf '%s\n' "$CASES" | awk '$2 != "-" { print $2 }' | sort -u); do
	HOSTILE_LIFETIME=120 python3 "$HERE/hostile.py" "$sc" \
		>"$TMP/port.$sc" 2>"$TMP/server.$sc.err" </dev/null &
	SERVER_PIDS+=($!)
done

# A port nothing listens on: bind, read the port, close.
REFUSED_PORT=$(python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

deadline=$((SECONDS + READY_SECS))
for sc in $(printf '%s\n' "$CASES" | awk '$2 != "-" { print $2 }' | sort -u); do
	while :; do
		p=$(head -n1 "$TMP/port.$sc" 2>/dev/null)
		case $p in
		[0-9]*) PORT[$sc]=$p; break ;;
		esac
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "Bail out! hostile.py $sc did not start: $(head -c 300 "$TMP/server.$sc.err")"
			exit 1
		fi
		sleep 0.05
	done
done
PORT[-]=$REFUSED_PORT

# run_one CASE KIND PORT SERVICE MODES TIMEOUT
run_one() {
	local name=$1 kind=$2 port=$3 svc=$4 modes=$5 tmo=$6 fmt loc
	case $kind in
	json)	fmt=(--json); loc=$UTF8_LOCALE ;;
	text)	fmt=(--text -v); loc=$UTF8_LOCALE ;;
	textc)	fmt=(--text -v); loc=C ;;
	esac
	(
		if [ -n "$loc" ]; then export LC_ALL=$loc; fi
		exec python3 "$HERE/check_hostile.py" run "$TMP/$name.$kind" -- \
			"$MAILPORTS" "${fmt[@]}" --timeout "$tmo" \
			--ports "$svc=$port" --modes "$modes" \
			--resolve mail.test.example:127.0.0.1 mail.test.example
	) </dev/null >"$TMP/$name.$kind.skip" 2>&1 &
	RUN_PIDS+=($!)
}

# Wait until fewer than JOBS runs are going (bounded: each run kills its
# mailports after check_hostile.py's HARD_LIMIT).
throttle() {
	local p live
	while :; do
		live=()
		for p in "${RUN_PIDS[@]}"; do
			kill -0 "$p" 2>/dev/null && live+=("$p")
		done
		[ "${#live[@]}" -lt "$JOBS" ] && return
		wait -n "${live[@]}" 2>/dev/null || sleep 0.05
	done
}

while read -r name sc svc modes tmo cloc; do
	[ -n "$name" ] || continue
	for kind in json text; do
		throttle
		run_one "$name" "$kind" "${PORT[$sc]}" "$svc" "$modes" "$tmo"
	done
	if [ "$cloc" = c ]; then
		throttle
		run_one "$name" textc "${PORT[$sc]}" "$svc" "$modes" "$tmo"
	fi
done <<EOF
$CASES
EOF

for p in "${RUN_PIDS[@]}"; do
	wait "$p" 2>/dev/null
done
RUN_PIDS=()

python3 "$HERE/check_hostile.py" report "$TMP"
