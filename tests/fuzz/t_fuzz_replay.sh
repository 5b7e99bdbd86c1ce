#!/bin/sh
# SPDX-License-Identifier: ISC
# Replays each fuzz target's checked-in corpus (tests/fuzz/corpus/TARGET)
# through the target built without libFuzzer (tests/fuzz/replay_TARGET), as
# part of make check and so under ASan/UBSan too.  One TAP line a target.
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bld=${builddir:-.}
targets="pingpong sanitize tls_observe probe"
n=0
for t in $targets; do n=$((n + 1)); done
echo "1..$n"
i=0
for t in $targets; do
	i=$((i + 1))
	bin=$bld/tests/fuzz/replay_$t
	dir=$src/tests/fuzz/corpus/$t
	if [ ! -x "$bin" ]; then
		echo "not ok $i - $t: $bin not built"
		continue
	fi
	if out=$(timeout 300 "$bin" "$dir" 2>&1); then
		echo "ok $i - $t: $out"
	else
		echo "not ok $i - $t: replay failed"
		printf '%s\n' "$out" | tail -n 40 | sed 's/^/# /'
	fi
done
