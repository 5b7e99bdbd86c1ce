#!/bin/bash
# SPDX-License-Identifier: ISC
# bench/run.sh: start the "good" real-server lab (tests/real/lab.sh), then
# time the whole matrix (7 ports x 3 modes = 21 cells) probed by one
# `mailports --json` run against the same cells probed one after another by
# openssl s_client; N runs each, medians, ratio and peak RSS.  The lab is
# stopped by PID on exit, also on failure or Ctrl-C.  Loopback only; root.
#
# usage: bench/run.sh [-n RUNS] [-m MAILPORTS] [-t TIMEOUT] [-c CELL_TIMEOUT]
#                     [-j JSON_OUT] [-v]
#   -n RUNS          repetitions of each side (default 5)
#   -m MAILPORTS     the binary (default $MAILPORTS, else mailports or
#                    src/mailports in $builddir or the source tree)
#   -t TIMEOUT       mailports --timeout, seconds (default 10, as the tests)
#   -c CELL_TIMEOUT  seconds before a serial cell is killed (default 3)
#   -j JSON_OUT      keep the last mailports JSON document there
#   -v               list the serial cells of the last run
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$top/tests/real/lab.sh" || exit 1

runs=5
mp=${MAILPORTS:-}
if [ -z "$mp" ]; then
	for mp in "${builddir:-$top}/mailports" "${builddir:-$top}/src/mailports"; do
		[ -x "$mp" ] && break
	done
fi
tmo=10
cell=3
json_out=/dev/null
verbose=
while getopts n:m:t:c:j:vh opt; do
	case $opt in
	n)	runs=$OPTARG ;;
	m)	mp=$OPTARG ;;
	t)	tmo=$OPTARG ;;
	c)	cell=$OPTARG ;;
	j)	json_out=$OPTARG ;;
	v)	verbose=-v ;;
	*)	sed -n '3,19s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
case $mp in
/*) ;;
*) mp=$PWD/$mp ;;
esac

if ! lab_check_tools; then
	echo "bench: cannot run: $LAB_SKIP_REASON" >&2
	exit 77
fi

dir=$(mktemp -d /tmp/mailports-bench.XXXXXX) || exit 1
touch "$dir/.mailports-lab"
bench_pid=
bench_cleanup() {
	if [ -n "$bench_pid" ]; then
		kill -TERM "$bench_pid" 2>/dev/null
		wait "$bench_pid" 2>/dev/null
	fi
	lab_cleanup "$dir"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if ! lab_start good "$dir" >"$dir/start.log" 2>&1; then
	echo "bench: the good lab did not start:" >&2
	tail -n 30 "$dir/start.log" >&2
	exit 1
fi
. "$dir/lab.env"
echo "lab: good, ports $LAB_PORTS (pids $LAB_PIDS)"
echo "host: $(uname -srm), $(nproc) CPU(s); $(openssl version)"
[ -x "$mp" ] && echo "mailports: $mp"

python3 "$here/bench.py" --mailports "$mp" --ports "$LAB_PORTS" \
    --ca "$LAB_CA" --name "$LAB_NAME" --timeout "$tmo" \
    --cell-timeout "$cell" --runs "$runs" --json-out "$json_out" $verbose &
bench_pid=$!
wait "$bench_pid"
rc=$?
bench_pid=
exit $rc
