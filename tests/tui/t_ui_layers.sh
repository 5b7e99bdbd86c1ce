#!/bin/sh
# SPDX-License-Identifier: ISC
# t_ui_layers.sh: the screen's files call each other only downwards, so
# there is no circle between them (include/ui_view.h, STYLE.md 1):
#
#   6 ui.c (controller)
#   5 views: ui_matrix, ui_detail, ui_transcript, ui_help (and new ones)
#   4 ui_chrome, ui_blocks (shared frames and fact blocks; not each other)
#   3 ui_keys (the key table and handlers)
#   2 ui_state (selection, scroll, history, watch)
#   1 ui_draw (primitives)
#
# Read from the built objects: nm's undefined symbols of each
# mailports-ui*.o, resolved to the object that defines them.  A call to a
# file of the same or a higher layer fails, and so does any cycle.
objdir=${builddir:-.}/src
if ! command -v nm >/dev/null 2>&1; then
	echo "1..0 # SKIP nm not installed"
	exit 0
fi
set -- "$objdir"/mailports-ui*.o
if [ ! -f "$1" ]; then
	echo "1..0 # SKIP no ui objects in $objdir (build first)"
	exit 0
fi
tmp=$(mktemp "${TMPDIR:-/tmp}/t_ui_layers.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT
for o in "$@"; do
	f=${o##*/mailports-}
	f=${f%.o}
	nm -g --defined-only "$o" | awk -v f="$f" \
	    '$2 ~ /^[TDBR]$/ { print "def", $3, f }'
	nm -u "$o" | awk -v f="$f" '{ print "use", $NF, f }'
done >"$tmp"
awk '
function rank(f) {
	if (f == "ui") return 6
	if (f == "ui_chrome" || f == "ui_blocks") return 4
	if (f == "ui_keys") return 3
	if (f == "ui_state") return 2
	if (f == "ui_draw") return 1
	return 5	# a view
}
$1 == "def" { def[$2] = $3; files[$3] = 1 }
$1 == "use" { n++; us[n] = $2; uf[n] = $3 }
END {
	for (i = 1; i <= n; i++) {
		if (!(us[i] in def))
			continue
		callee = def[us[i]]
		if (callee == uf[i])
			continue
		e = uf[i] " -> " callee
		if (!(e in seen)) {
			seen[e] = us[i]
			edges[uf[i]] = edges[uf[i]] " " callee
		}
	}
	t = 0
	for (f in files) {
		t++
		bad = ""
		split(edges[f], to, " ")
		for (k in to) {
			if (to[k] == "")
				continue
			if (rank(to[k]) >= rank(f))
				bad = bad " " to[k] " (" seen[f " -> " to[k]] ")"
		}
		if (bad == "")
			printf "ok %d - %s calls only lower layers:%s\n", t, \
			    f, edges[f]
		else
			printf "not ok %d - %s calls its own or a higher " \
			    "layer:%s\n", t, f, bad
	}
	# A cycle is impossible when every edge goes down; check anyway by
	# removing files without callers until none are left.
	left = 0
	for (f in files)
		left++
	changed = 1
	while (changed) {
		changed = 0
		for (f in files) {
			if (gone[f])
				continue
			called = 0
			for (g in files) {
				if (gone[g] || g == f)
					continue
				if ((" " edges[g] " ") ~ (" " f " "))
					called = 1
			}
			if (!called) {
				gone[f] = 1
				left--
				changed = 1
			}
		}
	}
	t++
	printf "%s %d - no call cycle between the ui files\n", \
	    left == 0 ? "ok" : "not ok", t
	printf "1..%d\n", t
}' "$tmp"
