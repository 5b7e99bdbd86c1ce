#!/bin/bash
# SPDX-License-Identifier: ISC
# The TLS lines of the misbehaviour catalogue (hostile-servers.md 28-32,
# 38) end to end against the built-in lab servers: expired, not yet valid,
# wrong name, self-signed, missing intermediate, untrusted root, an alert
# mid-handshake, close without close_notify, data after close_notify,
# four TLS 1.3 tickets, a client-certificate request, TLS 1.2 only with
# RSA-PSS and with PKCS#1.  Each through implicit TLS (imaps) and STARTTLS
# (submission): the exact status and reason, the TLS facts, the end within
# the deadline; then the server's descriptors back and a clean stop.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lablib.sh"
lab_begin labt
trap lab_cleanup EXIT

TIMEOUT_S=3	# --timeout: every phase's deadline

# name | status | reason after "implicit TLS works: " / "STARTTLS works: "
# (or the whole reason when it starts with "=") | problems | facts
V13="TLSv1.3, certificate"
cases=(
	"tls-expired|ok|$V13 NOT trusted (expired)|expired|"
	"tls-not-yet-valid|ok|$V13 NOT trusted (not yet valid)|not_yet_valid|"
	"tls-wrong-name|ok|$V13 NOT trusted (name does not match)|hostname_mismatch|"
	"tls-self-signed|ok|$V13 NOT trusted (issuer not trusted, self-signed)|untrusted,self_signed|"
	"tls-missing-intermediate|ok|$V13 NOT trusted (issuer not trusted)|untrusted|chain_sent=1"
	"tls-untrusted-root|ok|$V13 NOT trusted (issuer not trusted)|untrusted|"
	"tls-alert|tls_failed|=TLS handshake failed: handshake alert: handshake failure (no common cipher suite or version)||"
	"tls-close-no-notify|ok|$V13 verified||close=no_close_notify"
	"tls-data-after-notify|ok|$V13 verified||close=close_notify_then_data"
	"tls13-tickets|ok|$V13 verified||version=TLSv1.3,close=close_notify"
	"tls-client-cert|ok|$V13 verified||client_cert_requested=True"
	"tls12-pss|ok|TLSv1.2, certificate verified||signature=rsa_pss"
	"tls12-pkcs1|ok|TLSv1.2, certificate verified||signature=rsa_pkcs1"
)
echo "1..$((${#cases[@]} * 4 + 4))"

check() {	# check JSON status reason problems facts -> "" or why not
	python3 - "$@" <<'EOF'
import json, sys
f, status, reason, probs, facts, limit_ms = sys.argv[1:7]
d = json.load(open(f))
c = d["cells"][0]
t = c.get("tls") or {}
why = []
if c["status"] != status:
    why.append("status %s, want %s" % (c["status"], status))
if c["reason"] != reason:
    why.append("reason %r, want %r" % (c["reason"], reason))
want = sorted(p for p in probs.split(",") if p)
if sorted(t.get("problems") or []) != want:
    why.append("problems %s, want %s" % (t.get("problems"), want))
for fact in filter(None, facts.split(",")):
    k, v = fact.split("=")
    got = str(t.get(k))
    if not (got == v or (k == "signature" and got.startswith(v))):
        why.append("%s %s, want %s" % (k, got, v))
if not d["complete"] or c["elapsed_ms"] > float(limit_ms):
    why.append("ended after %s ms (deadline %s)" % (c["elapsed_ms"],
               limit_ms))
print("; ".join(why))
EOF
}


for c in "${cases[@]}"; do
	IFS='|' read -r name status reason probs facts <<<"$c"
	for svc in imaps submission; do
		if [ "$svc" = imaps ]; then
			mode=tls
			pre="implicit TLS works: "
		else
			mode=starttls
			pre="STARTTLS works: "
		fi
		case $reason in
		=*) want=${reason#=} ;;
		*) want=$pre$reason ;;
		esac
		if ! start_lab "$name:$svc"; then
			tap FAIL "$name $svc: the lab starts" "$lab_out"
			tap FAIL "$name $svc: descriptors back, clean stop"
			continue
		fi
		fd0=$(fd_count "$lab_pid")
		timeout 30 "$mp" --json --timeout "$TIMEOUT_S" --modes "$mode" \
		    --resolve "$lab_host:127.0.0.1" --ports "$svc=$lab_port" \
		    --ca-file "$lab_ca" "$lab_host" >"$tmp/out.json" \
		    2>"$tmp/err" </dev/null
		why=$(check "$tmp/out.json" "$status" "$want" "$probs" \
		    "$facts" "$((TIMEOUT_S * 1000))" 2>&1)
		[ -z "$why" ] && san_clean "$tmp/err" &&
		    tap OK "$name $svc: $status, $want" ||
		    { echo "$why" >>"$tmp/err"; tap FAIL "$name $svc: $status" \
		    "$tmp/err"; }
		back=no
		for i in $(seq 1 60); do
			[ "$(fd_count "$lab_pid")" = "$fd0" ] &&
			    { back=yes; break; }
			sleep 0.05
		done
		pid=$lab_pid
		stop_lab "$pid"
		[ "$back" = yes ] && [ "$lab_rc" -eq 0 ] &&
		    san_clean "$lab_out" &&
		    tap OK "$name $svc: descriptors back ($fd0), clean stop" ||
		    tap FAIL "$name $svc: descriptors back ($back), exit \
$lab_rc" "$lab_out"
	done
done

# The same server, its certificate not trusted by a client without the
# lab's CA: the demo's trust never leaks into the system store or back.
if start_lab good:imaps; then
	timeout 30 "$mp" --json --timeout "$TIMEOUT_S" --modes tls \
	    --resolve "$lab_host:127.0.0.1" --ports "imaps=$lab_port" \
	    "$lab_host" >"$tmp/out.json" 2>"$tmp/err" </dev/null
	why=$(check "$tmp/out.json" ok \
	    "implicit TLS works: $V13 NOT trusted (issuer not trusted)" \
	    untrusted "" "$((TIMEOUT_S * 1000))" 2>&1)
	[ -z "$why" ] && tap OK "good imaps without the lab's CA: not trusted" ||
	    { echo "$why" >"$tmp/err"; tap FAIL "good imaps without the CA" \
	    "$tmp/err"; }
	stop_lab "$lab_pid"
else
	tap FAIL "good:imaps starts" "$lab_out"
fi
# Scenario names are listed, each starts.
for name in good legacy broken; do
	start_lab "$name" && tap OK "--lab $name starts on its first service" ||
	    tap FAIL "--lab $name starts" "$lab_out"
	stop_lab "$lab_pid"
done
