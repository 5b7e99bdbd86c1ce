#!/bin/bash
# SPDX-License-Identifier: ISC
# The closing line of `./setup --check` counts each test once: fake .trs
# files for a normal and an ASan build go through `setup --count`, and the
# line must count a test point once, as failed if it failed in either
# build, and name each failure once.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
setup=$src/setup
[ -r "$setup" ] || { echo "1..0 # SKIP no setup script at $setup"; exit 0; }

tmp=$(mktemp -d /tmp/mailports-counts.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
tap() {		# tap OK|FAIL description
	n=$((n + 1))
	[ "$1" = OK ] && echo "ok $n - $2" || echo "not ok $n - $2"
}

# trs DIR NAME RESULT...: one fake test result file, newer than the stamp.
trs() {
	local dir=$1 name=$2 r global=PASS
	shift 2
	mkdir -p "$dir/tests/$(dirname "$name")"
	for r in "$@"; do
		case "$r" in
		FAIL|XPASS) [ "$global" = ERROR ] || global=FAIL ;;
		ERROR) global=ERROR ;;
		esac
	done
	[ "$*" = SKIP ] && global=SKIP
	{
		echo ":global-test-result: $global"
		echo ":recheck: no"
		echo ":copy-in-global-log: no"
		for r in "$@"; do
			echo ":test-result: $r"
		done
	} >"$dir/tests/$name.trs"
}

# count DIR...: run setup --count; sets out (its output) and rc.
count() {
	out=$(sh "$setup" --count "$@" 2>&1)
	rc=$?
}

echo "1..9"

# A clean run: three points in each build are three tests, not six.
a=$tmp/clean/build b=$tmp/clean/build-asan
mkdir -p "$a" "$b"
touch "$a/.check-stamp" "$b/.check-stamp"
sleep 1
for d in "$a" "$b"; do
	trs "$d" unit/t_x PASS PASS
	trs "$d" integ/t_y.sh SKIP
done
# A result left over from a test no longer in the suite does not count.
trs "$a" unit/t_gone FAIL
touch -d '2000-01-01' "$a/tests/unit/t_gone.trs"
count "$a" "$b"
last=$(printf '%s\n' "$out" | tail -n 1)
[ "$last" = "2 passed, 0 failed, 1 skipped" ] &&
    tap OK "clean: each test counted once ($last)" ||
    tap FAIL "clean: got '$last'"
[ "$rc" -eq 0 ] && tap OK "clean: exit status 0" ||
    tap FAIL "clean: exit status $rc"

# Mixed results.
a=$tmp/mixed/build b=$tmp/mixed/build-asan
mkdir -p "$a" "$b"
trs "$a" unit/t_a PASS PASS SKIP
trs "$b" unit/t_a PASS PASS SKIP
trs "$a" unit/t_b PASS FAIL		# fails in the normal build
trs "$b" unit/t_b PASS PASS
trs "$a" integ/t_c.sh SKIP		# skipped as a whole in both
trs "$b" integ/t_c.sh SKIP
trs "$a" unit/t_d PASS			# fails under ASan only
trs "$b" unit/t_d FAIL
trs "$a" unit/t_e PASS PASS		# never finished under ASan
trs "$a" tui/t_f.sh SKIP		# a tool missing in one build only
trs "$b" tui/t_f.sh PASS
trs "$a" unit/t_g PASS			# ERROR (bad plan) under ASan
trs "$b" unit/t_g ERROR
count "$a" "$b"
last=$(printf '%s\n' "$out" | tail -n 1)
# Passed: t_a 1-2, t_b 1, t_e 1-2, t_f 1.  Failed: t_b 2, t_d 1, t_e
# under ASan, t_g 1.  Skipped: t_a 3, t_c.
[ "$last" = "6 passed, 4 failed, 2 skipped" ] &&
    tap OK "mixed: a point fails if it failed in either build ($last)" ||
    tap FAIL "mixed: got '$last'"
[ "$rc" -ne 0 ] && tap OK "mixed: exit status non-zero" ||
    tap FAIL "mixed: exit status 0"
nfail=$(printf '%s\n' "$out" | grep -c '^FAIL: ')
[ "$nfail" -eq 4 ] && tap OK "mixed: each failure named once" ||
    tap FAIL "mixed: $nfail FAIL lines"
printf '%s\n' "$out" | grep -q "^FAIL: tests/unit/t_d #1 (in: $b)" &&
    tap OK "mixed: an ASan-only failure names the ASan build" ||
    tap FAIL "mixed: no line for t_d in the ASan build"
printf '%s\n' "$out" | grep -q "^FAIL: tests/unit/t_e (did not finish) (in: $b)" &&
    tap OK "mixed: a test with no results in one build fails" ||
    tap FAIL "mixed: no line for t_e"
printf '%s\n' "$out" | sed 's/^/# /'

# The ASan build produced nothing (it did not build): that is a failure.
a=$tmp/nobuild/build b=$tmp/nobuild/build-asan
mkdir -p "$a" "$b"
trs "$a" unit/t_x PASS
count "$a" "$b"
last=$(printf '%s\n' "$out" | tail -n 1)
case "$last" in
*" 1 failed, "*) tap OK "no results in one build: one failure ($last)" ;;
*) tap FAIL "no results in one build: got '$last'" ;;
esac
[ "$rc" -ne 0 ] && tap OK "no results in one build: exit status non-zero" ||
    tap FAIL "no results in one build: exit status 0"
