#!/bin/bash
# SPDX-License-Identifier: ISC
# `mailports --lab NAME:SERVICE --listen 127.0.0.1:0` for SMTP, POP3 and
# IMAP in plaintext, STARTTLS and implicit TLS, each probed in every mode
# by mailports (trusting the lab's CA from its output): the statuses, the
# certificate verified, the password-in-clear flag; the server's
# descriptors back to where they were after the probes; a clean exit on
# SIGTERM.  Bad --lab/--listen input ends in one line and status 2.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lablib.sh"
lab_begin labm
trap lab_cleanup EXIT

# spec | plain starttls tls statuses | cell that must verify | login in
# clear on the plain cell
cases=(
	"good:smtp|ok ok wrong_mode|starttls|false"
	"good:submissions|wrong_mode wrong_mode ok|tls|-"
	"good:submission|ok ok wrong_mode|starttls|false"
	"good:pop3|ok ok wrong_mode|starttls|false"
	"good:pop3s|wrong_mode wrong_mode ok|tls|-"
	"good:imap|ok ok wrong_mode|starttls|false"
	"good:imaps|wrong_mode wrong_mode ok|tls|-"
	"legacy:smtp|ok starttls_not_offered wrong_mode|-|true"
	"legacy:pop3|ok starttls_not_offered wrong_mode|-|true"
	"legacy:imap|ok starttls_not_offered wrong_mode|-|true"
)
echo "1..$((${#cases[@]} * 3 + 3))"

for c in "${cases[@]}"; do
	IFS='|' read -r spec want verify clear <<<"$c"
	svc=${spec#*:}
	if ! start_lab "$spec"; then
		tap FAIL "$spec: the lab starts and says where" "$lab_out"
		tap FAIL "$spec: descriptors come back"
		tap FAIL "$spec: stops cleanly on SIGTERM"
		continue
	fi
	fd0=$(fd_count "$lab_pid")
	ca=()
	[ -s "$lab_ca" ] && ca=(--ca-file "$lab_ca")
	timeout 30 "$mp" --json --timeout 5 --resolve "$lab_host:127.0.0.1" \
	    --ports "$svc=$lab_port" "${ca[@]}" "$lab_host" \
	    >"$tmp/out.json" 2>"$tmp/err" </dev/null
	got=$(python3 - "$tmp/out.json" "$verify" "$clear" <<'EOF' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
cells = {c["mode"]: c for c in d["cells"]}
out = " ".join(cells[m]["status"] for m in ("plain", "starttls", "tls"))
v = sys.argv[2]
if v != "-":
    t = cells[v]["tls"] or {}
    out += " verified=%s" % t.get("verified")
if sys.argv[3] != "-":
    out += " clear=%s" % str(cells["plain"]["login_in_clear"]).lower()
print(out)
EOF
)
	exp=$want
	[ "$verify" != - ] && exp="$exp verified=True"
	[ "$clear" != - ] && exp="$exp clear=$clear"
	[ "$got" = "$exp" ] && san_clean "$tmp/err" &&
	    tap OK "$spec: $exp" ||
	    { echo "got: $got" >>"$tmp/err"; tap FAIL "$spec: want $exp" \
	    "$tmp/err"; }
	# Connections end (the lab lingers at most 2 s for a client's
	# close): the descriptor count returns to what it was.
	back=no
	for i in $(seq 1 60); do
		[ "$(fd_count "$lab_pid")" = "$fd0" ] && { back=yes; break; }
		sleep 0.05
	done
	[ -z "$fd0" ] && echo "ok $((n += 1)) # SKIP no /proc" ||
	    { [ "$back" = yes ] &&
	    tap OK "$spec: the server's descriptors come back ($fd0)" ||
	    tap FAIL "$spec: descriptors $(fd_count "$lab_pid"), were $fd0"; }
	pid=$lab_pid
	stop_lab "$pid"
	[ "$lab_rc" -eq 0 ] && san_clean "$lab_out" &&
	    tap OK "$spec: stops cleanly on SIGTERM" ||
	    tap FAIL "$spec: exit $lab_rc on SIGTERM" "$lab_out"
done

bad() {		# bad description want args...
	local d=$1 w=$2
	shift 2
	timeout 10 "$mp" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -qF -- "$w" "$tmp/err" && [ ! -s "$tmp/out" ] &&
	    tap OK "$d" || tap FAIL "$d (rc $rc)" "$tmp/err"
}
bad "--lab with an unknown name lists the names" "NAME one of good, legacy" \
    --lab nosuch
bad "--listen without --lab" "--listen is for --lab" --listen 127.0.0.1:0 \
    example.org
bad "--demo with a host" "--demo takes no host" --demo example.org
