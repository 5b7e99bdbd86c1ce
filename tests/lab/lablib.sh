# SPDX-License-Identifier: ISC
# Sourced by tests/lab/t_*.sh (and tests/integ/t_answer.sh for lab_begin):
# the tests' common start, TAP helpers, and `mailports --lab` servers
# started on 127.0.0.1 port 0 and stopped by their PID.  The helpers use
# $mp and $tmp, which lab_begin sets.

# lab_begin NAME: SKIP (exit 0) without timeout(1), python3 or the binary
# ($MAILPORTS, else $builddir/mailports); else set mp and make tmp, a new
# /tmp/mailports-NAME.XXXXXX (the caller's EXIT trap removes it).
lab_begin() {	# lab_begin NAME
	mp=${MAILPORTS:-${builddir:-.}/mailports}
	command -v timeout >/dev/null || { echo "1..0 # SKIP no timeout(1)"; exit 0; }
	command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 0; }
	[ -x "$mp" ] || { echo "1..0 # SKIP $mp not built"; exit 0; }
	tmp=$(mktemp -d "/tmp/mailports-$1.XXXXXX") || exit 1
}

n=0
tap() {		# tap OK|FAIL description [file to show on failure]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && [ -s "$3" ] && LC_ALL=C cat -v "$3" |
		    head -n 12 | sed 's/^/# /'
	fi
	return 0
}

lab_pids=

# Start `mailports --lab SPEC` on 127.0.0.1:0; sets lab_pid, lab_port,
# lab_host and writes the lab's CA (if any) to $tmp/ca-$lab_pid.pem.
start_lab() {	# start_lab SPEC
	local out i
	out=$tmp/lab.$$.$RANDOM
	"$mp" --lab "$1" --listen 127.0.0.1:0 >"$out" 2>&1 </dev/null &
	lab_pid=$!
	lab_pids="$lab_pids $lab_pid"
	for i in $(seq 1 100); do
		grep -q '^stop with' "$out" && break
		kill -0 "$lab_pid" 2>/dev/null || break
		sleep 0.05
	done
	lab_port=$(sed -n '1s/.* listening on 127\.0\.0\.1 port \([0-9]*\)$/\1/p' \
	    "$out")
	lab_host=$(sed -n '1s/.* as \([^ ]*\) listening on .*/\1/p' "$out")
	lab_ca=$tmp/ca-$lab_pid.pem
	sed -n '/^-----BEGIN CERTIFICATE-----$/,/^-----END CERTIFICATE-----$/p' \
	    "$out" >"$lab_ca"
	lab_out=$out
	[ -n "$lab_port" ]
}

# Stop the lab by its PID; lab_rc gets its exit status.
stop_lab() {	# stop_lab PID
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	lab_rc=$?
	lab_pids=$(echo "$lab_pids" | sed "s/ $1\b//")
}

# Open descriptors of a process (Linux /proc), or "" when unknown.
fd_count() {	# fd_count PID
	[ -d "/proc/$1/fd" ] && ls "/proc/$1/fd" 2>/dev/null | wc -l
}

lab_cleanup() {
	local p
	for p in $lab_pids; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}

# Sanitizer reports in a file (an ASan build writes them to stderr).
san_clean() {	# san_clean FILE
	! grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer' "$1"
}
