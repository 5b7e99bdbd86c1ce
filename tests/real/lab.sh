#!/bin/bash
# SPDX-License-Identifier: ISC
# lab.sh: real Dovecot and Postfix on 127.0.0.1 high ports, each lab with a
# throw-away configuration, certificates and state in one directory.
# Nothing here touches /etc, the system spool or the network beyond loopback;
# every daemon is started in the foreground, recorded by PID (with its start
# time, so a recycled PID is never signalled) and stopped by that PID.
# Needs root: Dovecot and Postfix drop to their own users as in production.
#
# As a library (bash):
#	. tests/real/lab.sh
#	lab_check_tools || skip "$LAB_SKIP_REASON"
#	lab_start good "$dir" && . "$dir/lab.env"    # LAB_PORT_*, LAB_CA, ...
#	lab_stop "$dir"; lab_cleanup "$dir"
#	lab_tap_run KIND <expectations                # body of t_KIND.sh
# As a command:
#	tests/real/lab.sh start KIND DIR   # prints export lines
#	tests/real/lab.sh check DIR                  # s_client + peek.py tour
#	tests/real/lab.sh stop DIR                   # stops the daemons by PID
#	tests/real/lab.sh cleanup DIR                # stop, then rm -rf DIR
#
# Labs (certificate name mail.test.example unless said):
#  good   Postfix smtp (STARTTLS, may), submission (STARTTLS, encrypt,
#         tls_auth_only, SASL from Dovecot's auth socket: AUTH PLAIN LOGIN
#         only after TLS), submissions (wrappermode, SASL); Dovecot imap
#         (STARTTLS), imaps, pop3 (STLS), pop3s; valid certificate,
#         disable_plaintext_auth=yes (LOGINDISABLED before TLS).
#  plain  Postfix smtp + submission without TLS (submission offers AUTH in
#         plaintext); Dovecot imap + pop3 with ssl=no and
#         disable_plaintext_auth=no.  Ports submissions/imaps/pop3s are
#         free ports nothing listens on.
#  bad    Dovecot imap/imaps/pop3/pop3s with an EXPIRED certificate; Postfix
#         smtp and submission with a certificate for other.test.example
#         (wrong name); submissions WITHOUT wrappermode (plain SMTP greeting
#         where a TLS ClientHello is expected; it offers STARTTLS with the
#         wrong-name certificate like the others).
#  tls12, tls12-pkcs1, tls12-ecdsa, tls13, tls13-ecdsa
#         the good lab with TLS limited to one version, RSA or ECDSA
#         certificates, PKCS#1 or RSA-PSS signatures, server cipher
#         preference on or off, postscreen on smtp (see lab_variant).
#
# Dovecot's plaintext imap and pop3 ports are reached through proxyrelay.py
# (PROXY protocol v1 to a haproxy=yes listener): Dovecot treats a client
# whose address equals the local one (127.0.0.1 -> 127.0.0.1) as secured and
# would offer AUTH=PLAIN without LOGINDISABLED before TLS; through the relay
# it behaves as for a remote client.  imaps and pop3s are direct.

LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_MKCERTS=${LAB_MKCERTS:-$LAB_HERE/../certs/mkcerts.sh}
LAB_DOVECOT=${LAB_DOVECOT:-/usr/sbin/dovecot}
LAB_POSTFIX=${LAB_POSTFIX:-/usr/sbin/postfix}
LAB_PF_MASTER=${LAB_PF_MASTER:-/usr/lib/postfix/sbin/master}
LAB_NAME=mail.test.example
LAB_READY_SECS=${LAB_READY_SECS:-10}	# per daemon, to listen on its ports
LAB_STOP_SECS=${LAB_STOP_SECS:-10}	# for the daemons to exit after TERM
LAB_ROLES="smtp submission submissions imap imaps pop3 pop3s"

lab_log() { printf 'lab: %s\n' "$*" >&2; }

# lab_check_tools: 0 if a lab can run here; else 1 and LAB_SKIP_REASON.
lab_check_tools() {
	LAB_SKIP_REASON=
	local f
	for f in "$LAB_DOVECOT" "$LAB_POSTFIX" "$LAB_PF_MASTER"; do
		if [ ! -x "$f" ]; then
			LAB_SKIP_REASON="$f not installed"
			return 1
		fi
	done
	for f in openssl python3; do
		if ! command -v "$f" >/dev/null 2>&1; then
			LAB_SKIP_REASON="$f not installed"
			return 1
		fi
	done
	if [ ! -x "$LAB_MKCERTS" ]; then
		LAB_SKIP_REASON="$LAB_MKCERTS missing"
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		LAB_SKIP_REASON="real Dovecot/Postfix lab needs root"
		return 1
	fi
	for f in dovecot dovenull postfix; do
		if ! id "$f" >/dev/null 2>&1; then
			LAB_SKIP_REASON="system user $f missing"
			return 1
		fi
	done
	if ! getent group postdrop >/dev/null 2>&1; then
		LAB_SKIP_REASON="group postdrop missing"
		return 1
	fi
	return 0
}

# lab_free_ports N: print N distinct free TCP ports on 127.0.0.1.  All N are
# bound at once, so they differ; the kernel picks them, so parallel labs are
# unlikely to collide (lab_start retries if a daemon still finds one taken).
lab_free_ports() {
	python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

# lab_wait_ports SECS PIDS PORT...: wait until every port accepts a TCP
# connection on 127.0.0.1.  Fails early when one of PIDS (comma list) dies.
lab_wait_ports() {
	local secs=$1 pids=$2
	shift 2
	python3 - "$secs" "$pids" "$@" <<'EOF'
import socket, sys, time
secs, pids, ports = float(sys.argv[1]), sys.argv[2], [int(p) for p in sys.argv[3:]]
pids = [int(p) for p in pids.split(",") if p]
def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
deadline = time.monotonic() + secs
todo = list(ports)
while todo:
    for pid in pids:
        if not alive(pid):
            print("lab: daemon pid %d exited during start-up" % pid, file=sys.stderr)
            sys.exit(1)
    for port in list(todo):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(0.5)
        try:
            s.connect(("127.0.0.1", port))
            todo.remove(port)
        except OSError:
            pass
        finally:
            s.close()
    if not todo:
        break
    if time.monotonic() > deadline:
        print("lab: not listening after %gs: %s" % (secs, " ".join(map(str, todo))), file=sys.stderr)
        sys.exit(1)
    time.sleep(0.05)
EOF
}

# lab_wait_path SECS PATH: wait until PATH exists (a unix socket, say).
lab_wait_path() {
	local i n
	n=$(( $1 * 20 ))
	for (( i = 0; i < n; i++ )); do
		[ -e "$2" ] && return 0
		sleep 0.05
	done
	lab_log "$2 did not appear within $1 s"
	return 1
}

# lab_pid_starttime PID: field 22 of /proc/PID/stat (start time in ticks),
# recorded with the PID so a recycled PID is never signalled.  Prints
# nothing for a dead or zombie process.
lab_pid_starttime() {
	local st rest
	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	rest=${st##*) }
	set -- $rest
	[ "$1" = Z ] && return 1
	echo "${20}"
}

# lab_pid_alive PID STARTTIME: true while that very process still runs.
lab_pid_alive() {
	local now
	now=$(lab_pid_starttime "$1") || return 1
	[ "$now" = "$2" ]
}

# lab_children PID: direct children of PID (from /proc, no ps needed).
lab_children() {
	local parent=$1 f st rest
	for f in /proc/[0-9]*/stat; do
		read -r st 2>/dev/null <"$f" || continue
		rest=${st##*) }
		set -- $rest
		[ "${2:-}" = "$parent" ] || continue
		f=${f#/proc/}
		echo "${f%/stat}"
	done
}

# lab_spawn DIR NAME LOG CMD...: start CMD in the background with stdin
# /dev/null and output to LOG (so command substitution of the CLI does not
# wait for it), record "NAME PID STARTTIME" in DIR/pids.
lab_spawn() {
	local dir=$1 name=$2 log=$3 pid st i
	shift 3
	"$@" </dev/null >>"$log" 2>&1 &
	pid=$!
	for (( i = 0; i < 20; i++ )); do
		st=$(lab_pid_starttime "$pid") && break
		sleep 0.01
	done
	if [ -z "${st:-}" ]; then
		lab_log "$name exited at once; see $log"
		tail -n 20 "$log" >&2
		return 1
	fi
	echo "$name $pid $st" >>"$dir/pids"
	LAB_LAST_PID=$pid
}

# lab_make_certs DIR: CA + good/expired/wrong leaves in DIR (see mkcerts.sh).
lab_make_certs() {
	"$LAB_MKCERTS" "$1"
}

# lab_variant KIND: the TLS settings of a lab, as LAB_V_* variables:
#   LAB_V_BASE       good, plain or bad: the roles and mistakes (see above)
#   LAB_V_PROTO      any (TLS 1.2 and 1.3), 1.2 (1.2 only), 1.3 (1.3 only)
#   LAB_V_CERT       certificate of the good roles: good (RSA 2048) or
#                    good-ec (EC P-256)
#   LAB_V_SIGALGS    default (OpenSSL's list: RSA-PSS for RSA keys) or
#                    pkcs1 (RSA PKCS#1 v1.5 and ECDSA only; TLS 1.2)
#   LAB_V_PREF       server cipher preference, yes or no (Dovecot
#                    ssl_prefer_server_ciphers, Postfix tls_preempt_cipherlist)
#   LAB_V_GREET_WAIT seconds postscreen holds the smtp role's greeting
#                    ("220-" at once, "220 " from smtpd after the wait);
#                    0: no postscreen
# The variants are the good lab with TLS set up the way providers run it:
#   tls12        TLS 1.2 only, RSA, OpenSSL defaults (RSA-PSS signature in
#                the ServerKeyExchange: the handshake mbedTLS 3.6.6
#                rejected), server preference on; smtp behind postscreen
#                with a 2 s greeting pause and a multi-line greeting
#   tls12-pkcs1  TLS 1.2 only, RSA, PKCS#1 v1.5 signatures only
#   tls12-ecdsa  TLS 1.2 only, ECDSA P-256
#   tls13        TLS 1.3 only, RSA (RSA-PSS), server preference on
#   tls13-ecdsa  TLS 1.3 only, ECDSA P-256
# Dovecot 2.3 has ssl_min_protocol but no maximum, and neither daemon sets
# signature algorithms, so the TLS 1.2 cap and the PKCS#1 list come from an
# OpenSSL configuration (its system_default section applies to every
# SSL_CTX) named by OPENSSL_CONF in the daemons' imported environment.
LAB_KINDS="good plain bad tls12 tls12-pkcs1 tls12-ecdsa tls13 tls13-ecdsa"
lab_variant() {
	LAB_V_BASE=good LAB_V_PROTO=any LAB_V_CERT=good LAB_V_SIGALGS=default
	LAB_V_PREF=no LAB_V_GREET_WAIT=0
	case $1 in
	good)		;;
	plain|bad)	LAB_V_BASE=$1 ;;
	tls12)		LAB_V_PROTO=1.2 LAB_V_PREF=yes LAB_V_GREET_WAIT=2 ;;
	tls12-pkcs1)	LAB_V_PROTO=1.2 LAB_V_SIGALGS=pkcs1 ;;
	tls12-ecdsa)	LAB_V_PROTO=1.2 LAB_V_CERT=good-ec ;;
	tls13)		LAB_V_PROTO=1.3 LAB_V_PREF=yes ;;
	tls13-ecdsa)	LAB_V_PROTO=1.3 LAB_V_CERT=good-ec ;;
	*)		return 1 ;;
	esac
	return 0
}

# lab_openssl_conf DIR: write DIR/openssl.cnf when the variant needs one
# (see lab_variant) and set LAB_OPENSSL_CONF to it, else to "" (the
# daemons then read the system's configuration as usual).
lab_openssl_conf() {
	local f=$1/openssl.cnf
	LAB_OPENSSL_CONF=
	if [ "$LAB_V_PROTO" != 1.2 ] && [ "$LAB_V_SIGALGS" = default ]; then
		return 0
	fi
	{
		cat <<EOF
# mailports real-server lab: OpenSSL settings for the daemons' TLS contexts
openssl_conf = lab_init
[lab_init]
ssl_conf = lab_ssl
[lab_ssl]
system_default = lab_tls
[lab_tls]
# Debian's defaults (/etc/ssl/openssl.cnf), which this file replaces
MinProtocol = TLSv1.2
CipherString = DEFAULT@SECLEVEL=2
EOF
		if [ "$LAB_V_PROTO" = 1.2 ]; then
			echo "MaxProtocol = TLSv1.2"
		fi
		if [ "$LAB_V_SIGALGS" = pkcs1 ]; then
			printf 'SignatureAlgorithms = %s:%s\n' \
			    RSA+SHA256:RSA+SHA384:RSA+SHA512 \
			    ECDSA+SHA256:ECDSA+SHA384
		fi
	} >"$f" || return 1
	chmod 0644 "$f"
	LAB_OPENSSL_CONF=$f
}

# lab_dovecot_conf DIR KIND: write DIR/dovecot/dovecot.conf for the lab.
lab_dovecot_conf() {
	local dir=$1 kind=$2 d=$1/dovecot ssl cert noplain imaps pop3s minp
	mkdir -p "$d/run" "$d/state"
	chmod 0755 "$d" "$d/state"
	# A user that exists so auth starts; no probe ever logs in.
	echo 'labuser:{PLAIN}not-a-real-password::::::' >"$d/users"
	chmod 0644 "$d/users"
	case $LAB_V_BASE in
	good)	ssl=yes; cert=$LAB_V_CERT; noplain=yes ;;
	bad)	ssl=yes; cert=expired; noplain=yes ;;
	plain)	ssl=no; cert=; noplain=no ;;
	esac
	if [ "$ssl" = yes ]; then
		imaps="  inet_listener imaps {
    address = 127.0.0.1
    port = $LAB_PORT_IMAPS
    ssl = yes
  }"
		pop3s="  inet_listener pop3s {
    address = 127.0.0.1
    port = $LAB_PORT_POP3S
    ssl = yes
  }"
	else
		imaps="  inet_listener imaps {
    port = 0
  }"
		pop3s="  inet_listener pop3s {
    port = 0
  }"
	fi
	{
		cat <<EOF
# mailports real-server lab "$kind" (generated by tests/real/lab.sh)
base_dir = $d/run
state_dir = $d/state
instance_name = mplab-$kind-$$
log_path = $d/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
login_greeting = Dovecot lab $kind ready.
ssl = $ssl
disable_plaintext_auth = $noplain
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
mail_location = maildir:/nonexistent
EOF
		if [ "$ssl" = yes ]; then
			cat <<EOF
ssl_cert = <$dir/certs/$cert.pem
ssl_key = <$dir/certs/$cert.key
EOF
			minp=TLSv1.2
			[ "$LAB_V_PROTO" = 1.3 ] && minp=TLSv1.3
			echo "ssl_min_protocol = $minp"
			echo "ssl_prefer_server_ciphers = $LAB_V_PREF"
		fi
		if [ -n "$LAB_OPENSSL_CONF" ]; then
			# The master passes only these on to its login processes.
			printf 'import_environment = %s OPENSSL_CONF=%s\n' \
			    "TZ CORE_OUTOFMEM CORE_ERROR LISTEN_PID LISTEN_FDS" \
			    "$LAB_OPENSSL_CONF"
		fi
		cat <<EOF
# imap and pop3 listen behind tests/real/proxyrelay.py (PROXY protocol),
# so that Dovecot does not treat the loopback client as secured.
haproxy_trusted_networks = 127.0.0.1
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $LAB_BACKEND_IMAP
    haproxy = yes
  }
$imaps
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $LAB_BACKEND_POP3
    haproxy = yes
  }
$pop3s
}
# SASL for Postfix smtpd (smtpd_sasl_type = dovecot).
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
	} >"$d/dovecot.conf"
}

# lab_postfix_conf DIR KIND: write DIR/postfix/{etc,queue,data} for the lab.
lab_postfix_conf() {
	local dir=$1 kind=$2 p=$1/postfix q cert level sasl_path
	local sub subs protos smtp_line
	q=$p/queue
	mkdir -p "$p/etc" "$p/data" "$q"
	chmod 0755 "$p" "$p/etc" "$q"
	chown postfix "$p/data"
	# The queue layout of postfix-files, made by hand so that no
	# postfix-script run can touch system files.
	mkdir -p "$q/pid"
	for sub in active bounce corrupt defer deferred flush hold incoming \
	    private saved trace; do
		mkdir -p "$q/$sub"
		chown postfix:root "$q/$sub"
		chmod 0700 "$q/$sub"
	done
	mkdir -p "$q/maildrop" "$q/public"
	chown postfix:postdrop "$q/maildrop" "$q/public"
	chmod 0730 "$q/maildrop"
	chmod 0710 "$q/public"

	case $LAB_V_BASE in
	good)	cert=$LAB_V_CERT; level=may ;;
	bad)	cert=wrong; level=may ;;
	plain)	cert=; level=none ;;
	esac
	case $LAB_V_PROTO in
	any)	protos=">=TLSv1.2" ;;
	1.2)	protos=">=TLSv1.2, <=TLSv1.2" ;;
	1.3)	protos=">=TLSv1.3" ;;
	esac
	sasl_path=$dir/dovecot/run/auth-postfix
	{
		cat <<EOF
# mailports real-server lab "$kind" (generated by tests/real/lab.sh)
compatibility_level = 3.6
config_directory = $p/etc
queue_directory = $q
data_directory = $p/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $LAB_NAME
mydomain = test.example
myorigin = \$myhostname
mydestination =
relay_domains =
relayhost =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
local_recipient_maps =
smtpd_banner = \$myhostname ESMTP \$mail_name
maillog_file = $p/maillog
maillog_file_prefixes = $p
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_tls_security_level = $level
smtpd_tls_loglevel = 1
smtpd_tls_mandatory_protocols = $protos
smtpd_tls_protocols = $protos
tls_preempt_cipherlist = $LAB_V_PREF
smtpd_sasl_type = dovecot
smtpd_sasl_path = $sasl_path
smtpd_sasl_auth_enable = no
EOF
		if [ -n "$LAB_OPENSSL_CONF" ]; then
			# master keeps only these for itself and its daemons.
			printf 'import_environment = %s %s OPENSSL_CONF=%s\n' \
			    "MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C" \
			    "POSTLOG_SERVICE POSTLOG_HOSTNAME" "$LAB_OPENSSL_CONF"
		fi
		if [ "$LAB_V_GREET_WAIT" != 0 ]; then
			# postscreen sends "220-banner" at once, waits, then
			# hands the connection to smtpd, which sends "220 banner".
			# No cache (every connection gets the pause, as a new
			# client would) and loopback is not exempt.
			cat <<EOF
postscreen_access_list =
postscreen_greet_wait = ${LAB_V_GREET_WAIT}s
postscreen_greet_action = ignore
postscreen_cache_map =
postscreen_dnsbl_sites =
EOF
		fi
		if [ -n "$cert" ]; then
			cat <<EOF
smtpd_tls_chain_files = $dir/certs/$cert.key, $dir/certs/$cert.pem
EOF
		fi
	} >"$p/etc/main.cf"

	case $LAB_V_BASE in
	good)
		sub="-o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes"
		subs="-o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes"
		;;
	bad)
		sub="-o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes"
		# The mistake: a copy of the submission line on the 465 role,
		# without smtpd_tls_wrappermode=yes.
		subs="-o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes"
		;;
	plain)
		# No TLS anywhere; AUTH offered in plaintext on submission.
		sub="-o smtpd_sasl_auth_enable=yes"
		subs=
		;;
	esac
	smtp_line="127.0.0.1:$LAB_PORT_SMTP inet n - n - - smtpd"
	smtp_line+=" -o syslog_name=postfix/smtp"
	if [ "$LAB_V_GREET_WAIT" != 0 ]; then
		smtp_line="127.0.0.1:$LAB_PORT_SMTP inet n - n - 1 postscreen
smtpd pass - - n - - smtpd -o syslog_name=postfix/smtp
dnsblog unix - - n - 0 dnsblog
tlsproxy unix - - n - 0 tlsproxy"
	fi
	{
		echo "# service type private unpriv chroot wakeup maxproc command"
		echo "$smtp_line"
		echo "127.0.0.1:$LAB_PORT_SUBMISSION inet n - n - - smtpd -o syslog_name=postfix/submission $sub"
		if [ "$LAB_V_BASE" != plain ]; then
			echo "127.0.0.1:$LAB_PORT_SUBMISSIONS inet n - n - - smtpd -o syslog_name=postfix/submissions $subs"
		fi
		cat <<'EOF'
postlog   unix-dgram n  -       n       -       1       postlogd
anvil     unix  -       -       n       -       1       anvil
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
proxymap  unix  -       -       n       -       -       proxymap
rewrite   unix  -       -       n       -       -       trivial-rewrite
EOF
	} >"$p/etc/master.cf"
}

# lab_write_env DIR KIND: DIR/lab.env with export lines.
lab_write_env() {
	local dir=$1 kind=$2 r v pids=
	{
		echo "export LAB_DIR='$dir'"
		echo "export LAB_KIND='$kind'"
		echo "export LAB_NAME='$LAB_NAME'"
		echo "export LAB_CA='$dir/certs/ca.pem'"
		for r in $LAB_ROLES; do
			v=LAB_PORT_${r^^}
			echo "export $v=${!v}"
		done
		echo "export LAB_PORTS='$LAB_PORTS'"
		echo "export LAB_BACKEND_IMAP=$LAB_BACKEND_IMAP"
		echo "export LAB_BACKEND_POP3=$LAB_BACKEND_POP3"
		if [ -f "$dir/pids" ]; then
			pids=$(awk '{printf "%s%s", sep, $2; sep=" "}' "$dir/pids")
		fi
		echo "export LAB_PIDS='$pids'"
	} >"$dir/lab.env"
}

# lab_start_once KIND DIR: one attempt; see lab_start.
lab_start_once() {
	local kind=$1 dir=$2 ports r i
	ports=$(lab_free_ports 9) || return 1
	set -- $ports
	i=1
	for r in $LAB_ROLES; do
		printf -v "LAB_PORT_${r^^}" '%s' "${!i}"
		export "LAB_PORT_${r^^}"
		i=$(( i + 1 ))
	done
	LAB_BACKEND_IMAP=$8
	LAB_BACKEND_POP3=$9
	LAB_PORTS="smtp=$LAB_PORT_SMTP,submission=$LAB_PORT_SUBMISSION"
	LAB_PORTS+=",submissions=$LAB_PORT_SUBMISSIONS,imap=$LAB_PORT_IMAP"
	LAB_PORTS+=",imaps=$LAB_PORT_IMAPS,pop3=$LAB_PORT_POP3"
	LAB_PORTS+=",pop3s=$LAB_PORT_POP3S"
	export LAB_PORTS

	rm -rf "$dir/dovecot" "$dir/postfix"
	: >"$dir/pids"
	lab_variant "$kind" || return 1
	lab_openssl_conf "$dir" || return 1
	lab_dovecot_conf "$dir" "$kind" || return 1
	lab_postfix_conf "$dir" "$kind" || return 1
	lab_write_env "$dir" "$kind"

	# Dovecot first: Postfix smtpd needs its auth socket for SASL.
	lab_spawn "$dir" dovecot "$dir/dovecot/dovecot.out" \
	    "$LAB_DOVECOT" -F -c "$dir/dovecot/dovecot.conf" || return 1
	local dpid=$LAB_LAST_PID dports="$LAB_BACKEND_IMAP $LAB_BACKEND_POP3"
	if [ "$LAB_V_BASE" != plain ]; then
		dports+=" $LAB_PORT_IMAPS $LAB_PORT_POP3S"
	fi
	lab_wait_ports "$LAB_READY_SECS" "$dpid" $dports || {
		tail -n 20 "$dir/dovecot/dovecot.out" "$dir/dovecot/dovecot.log" >&2
		return 1
	}
	lab_wait_path "$LAB_READY_SECS" "$dir/dovecot/run/auth-postfix" ||
	    return 1

	lab_spawn "$dir" relay "$dir/relay.out" python3 "$LAB_HERE/proxyrelay.py" \
	    "$LAB_PORT_IMAP:$LAB_BACKEND_IMAP" "$LAB_PORT_POP3:$LAB_BACKEND_POP3" ||
	    return 1
	lab_wait_ports "$LAB_READY_SECS" "$LAB_LAST_PID" "$LAB_PORT_IMAP" \
	    "$LAB_PORT_POP3" || { tail -n 20 "$dir/relay.out" >&2; return 1; }

	lab_spawn "$dir" postfix "$dir/postfix/master.out" \
	    "$LAB_PF_MASTER" -c "$dir/postfix/etc" -d || return 1
	local ppid=$LAB_LAST_PID pports="$LAB_PORT_SMTP $LAB_PORT_SUBMISSION"
	if [ "$LAB_V_BASE" != plain ]; then
		pports+=" $LAB_PORT_SUBMISSIONS"
	fi
	lab_wait_ports "$LAB_READY_SECS" "$ppid" $pports || {
		tail -n 20 "$dir/postfix/master.out" "$dir/postfix/maillog" >&2
		return 1
	}
	lab_write_env "$dir" "$kind"
	return 0
}

# lab_start KIND DIR: make DIR (new or empty), certificates, configs, start
# Dovecot and Postfix and wait (bounded) until every port listens.  On
# success DIR/lab.env holds the export lines and DIR/pids "NAME PID START".
# On failure whatever was started is stopped again and 1 is returned.
lab_start() {
	local kind=$1 dir=$2
	if ! lab_variant "$kind"; then
		lab_log "unknown lab '$kind' ($LAB_KINDS)"
		return 1
	fi
	lab_check_tools || { lab_log "$LAB_SKIP_REASON"; return 1; }
	mkdir -p "$dir" || return 1
	if [ -n "$(ls -A "$dir" 2>/dev/null)" ] && [ ! -f "$dir/.mailports-lab" ]; then
		lab_log "$dir is not empty and not a lab directory"
		return 1
	fi
	dir=$(cd "$dir" && pwd)
	if [ -s "$dir/pids" ]; then
		lab_log "$dir has a running lab (pids file); stop it first"
		return 1
	fi
	touch "$dir/.mailports-lab"
	# Dovecot's and Postfix's unprivileged processes must reach the files.
	chmod 0755 "$dir"
	local a=$dir
	while [ "$a" != / ]; do
		a=$(dirname "$a")
		if [ "$(( 0$(stat -c %a "$a") & 1 ))" = 0 ]; then
			lab_log "$a is not searchable by others; use another DIR"
			return 1
		fi
	done
	if [ ! -f "$dir/certs/good-ec.pem" ]; then
		lab_make_certs "$dir/certs" || return 1
	fi
	for _ in 1 2 3; do
		if lab_start_once "$kind" "$dir"; then
			return 0
		fi
		lab_stop "$dir"
		if ! grep -qsi 'in use' "$dir/dovecot/dovecot.log" \
		    "$dir/dovecot/dovecot.out" "$dir/postfix/maillog" \
		    "$dir/postfix/master.out"; then
			break
		fi
		lab_log "port clash, retrying with new ports"
	done
	return 1
}

# lab_stop DIR: TERM exactly the recorded PIDs (if still the same processes),
# wait up to LAB_STOP_SECS for them and their children, KILL stragglers by
# PID.  Idempotent.
lab_stop() {
	local dir=$1 name pid st kids='' k i n rc=0
	[ -f "$dir/pids" ] || return 0
	while read -r name pid st; do
		[ -n "$pid" ] || continue
		lab_pid_alive "$pid" "$st" || continue
		for k in $(lab_children "$pid"); do
			kids+=" $k:$(lab_pid_starttime "$k")"
		done
		kill -TERM "$pid" 2>/dev/null
	done <"$dir/pids"
	n=$(( LAB_STOP_SECS * 20 ))
	for (( i = 0; i < n; i++ )); do
		local left=0
		while read -r name pid st; do
			[ -n "$pid" ] || continue
			lab_pid_alive "$pid" "$st" && left=1
		done <"$dir/pids"
		for k in $kids; do
			lab_pid_alive "${k%%:*}" "${k#*:}" && left=1
		done
		[ $left = 0 ] && break
		sleep 0.05
	done
	while read -r name pid st; do
		[ -n "$pid" ] || continue
		if lab_pid_alive "$pid" "$st"; then
			lab_log "$name ($pid) ignored TERM; KILL"
			kill -KILL "$pid" 2>/dev/null
			rc=1
		fi
		# Reap it if it is our child; harmless otherwise.
		wait "$pid" 2>/dev/null
	done <"$dir/pids"
	for k in $kids; do
		if lab_pid_alive "${k%%:*}" "${k#*:}"; then
			kill -KILL "${k%%:*}" 2>/dev/null
		fi
	done
	rm -f "$dir/pids"
	return $rc
}

# lab_cleanup DIR: stop, then remove DIR if lab_start made it a lab dir.
lab_cleanup() {
	lab_stop "$1"
	if [ -f "$1/.mailports-lab" ]; then
		rm -rf "$1"
	fi
}

# lab_sclient PORT MODE [PROTO]: one openssl s_client run against the lab
# (MODE tls or starttls, PROTO smtp|imap|pop3 for starttls), summarised as
# "proto=TLSv1.3 verify=0 (ok) subject=CN = ..." or "failed: REASON".
lab_sclient() {
	local port=$1 mode=$2 proto=${3:-} out ver vfy subj err note=
	local args=(-connect "127.0.0.1:$port" -CAfile "$LAB_CA"
	    -servername "$LAB_NAME" -verify_hostname "$LAB_NAME")
	[ "$mode" = starttls ] && args+=(-starttls "$proto")
	out=$(timeout 5 openssl s_client "${args[@]}" </dev/null 2>&1 |
	    tr -d '\000')
	ver=$(sed -n 's/^New, \(TLSv[0-9.]*\), Cipher is .*/\1/p' <<<"$out" |
	    head -n 1)
	vfy=$(sed -n 's/^ *Verify return code: //p' <<<"$out" | tail -n 1)
	subj=$(sed -n 's/^subject=//p' <<<"$out" | head -n 1)
	if grep -q "Didn't find STARTTLS" <<<"$out"; then
		note=" (server did not offer STARTTLS)"
	fi
	if [ -n "$ver" ]; then
		printf 'proto=%s verify=%s subject=%s%s\n' "$ver" "$vfy" \
		    "$subj" "$note"
		return 0
	fi
	err=$(awk -F: '/:error:/ { print $6; exit }
	    /^connect:errno=/ { print "connect " $2; exit }' <<<"$out")
	printf 'failed: %s%s\n' "${err:-no handshake within 5 s}" "$note"
	return 1
}

# lab_greeting PORT: first line the server sends in plaintext (3 s max).
lab_greeting() {
	python3 - "$1" <<'EOF'
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
except OSError as e:
    print("(connect: %s)" % e.strerror)
    sys.exit(0)
try:
    print(repr(s.recv(512).split(b"\r\n")[0].decode("ascii", "replace")))
except socket.timeout:
    print("(no greeting in 3 s)")
except OSError as e:
    print("(read: %s)" % e.strerror)
s.close()
EOF
}

# lab_selfcheck DIR: the openssl s_client and peek.py tour of a running
# lab: plaintext greeting, s_client for the TLS mode, and what a careful
# client sees in every mode (capabilities before and after TLS).
lab_selfcheck() {
	local dir=$1 r port proto mode
	. "$dir/lab.env" || return 1
	for r in $LAB_ROLES; do
		local v=LAB_PORT_${r^^}
		port=${!v}
		case $r in
		smtp|submission|submissions) proto=smtp ;;
		imap|imaps) proto=imap ;;
		pop3|pop3s) proto=pop3 ;;
		esac
		printf '== %s port %s\n' "$r" "$port"
		printf '   greeting:        %s\n' "$(lab_greeting "$port" 2>&1 | tail -n 1)"
		printf '   s_client tls:     %s\n' "$(lab_sclient "$port" tls)"
		printf '   s_client starttls: %s\n' "$(lab_sclient "$port" starttls "$proto")"
		for mode in plain starttls tls; do
			timeout 15 python3 "$LAB_HERE/peek.py" "$proto" "$mode" \
			    "$port" "$LAB_CA" "$LAB_NAME" 2>&1 |
			    sed "s/^/   peek $mode: /"
		done
	done
}

# lab_tap_run KIND <EXPECTATIONS: the body of tests/real/t_KIND.sh, with the
# What every lab TAP runner does first: find mailports, check the tools,
# make the lab's directory (mailports-PREFIX-KIND.*) with the cleanup and
# signal traps, start the lab and load lab.env.  Sets LAB_TAP_MAILPORTS,
# LAB_TAP_TIMEOUT (--timeout, LAB_TIMEOUT or 10) and LAB_TAP_DIR.  Returns
# 0, or 2 after printing "1..0 # SKIP", or 1 after "Bail out!".
lab_tap_begin() {
	local kind=$1 prefix=$2 mp dir
	mp=${MAILPORTS:-${mailports:-${builddir:-.}/src/mailports}}
	if [ -z "${MAILPORTS:-}${mailports:-}" ] && [ ! -x "$mp" ] &&
	    [ -x "${builddir:-.}/mailports" ]; then
		mp=${builddir:-.}/mailports	# non-recursive build: top dir
	fi
	LAB_TAP_MAILPORTS=$mp
	LAB_TAP_TIMEOUT=${LAB_TIMEOUT:-10}
	if ! lab_check_tools; then
		echo "1..0 # SKIP $LAB_SKIP_REASON"
		return 2
	fi
	if [ ! -x "$mp" ]; then
		echo "1..0 # SKIP mailports not built ($mp)"
		return 2
	fi
	dir=$(mktemp -d "${LAB_TMPDIR:-/tmp}/mailports-$prefix-$kind.XXXXXX") || {
		echo "Bail out! mktemp failed"
		return 1
	}
	LAB_TAP_DIR=$dir
	touch "$dir/.mailports-lab"	# ours: lab_cleanup may remove it
	trap 'lab_tap_cleanup' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if ! lab_start "$kind" "$dir" >"$dir/start.log" 2>&1; then
		echo "Bail out! $kind lab did not start"
		sed 's/^/# /' "$dir/start.log" | tail -n 40
		return 1
	fi
	. "$dir/lab.env"
	return 0
}

# check.py expectation lines (see check.py) on standard input.  Prints
# TAP on stdout: "1..0 # SKIP" when the daemons, tools or mailports are
# missing; "Bail out!" when the lab does not start; else the lines of
# check.py for one `mailports --json` run over the lab's seven ports.
# Environment: MAILPORTS (else mailports, else ${builddir:-.}/src/mailports
# or ${builddir:-.}/mailports),
# LAB_TIMEOUT (the --timeout given to mailports, default 10),
# LAB_FAST_MS (cells that must not wait out a deadline, default 3000),
# LAB_KEEP=1 keeps the lab directory (daemons are stopped anyway).
lab_tap_run() {
	local kind=$1 mp tmo rc dir expect sc
	expect=$(cat)
	lab_tap_begin "$kind" real || return $(( $? == 2 ? 0 : 1 ))
	mp=$LAB_TAP_MAILPORTS tmo=$LAB_TAP_TIMEOUT dir=$LAB_TAP_DIR
	printf '%s\n' "$expect" >"$dir/expect"
	echo "# lab $kind in $dir, ports $LAB_PORTS"
	timeout $(( tmo * 3 + 10 )) "$mp" --json \
	    --resolve "$LAB_NAME:127.0.0.1" --ca-file "$LAB_CA" \
	    --timeout "$tmo" --ports "$LAB_PORTS" "$LAB_NAME" \
	    >"$dir/out.json" 2>"$dir/err.txt" </dev/null &
	# In the background, so that a signal runs the trap at once.
	LAB_TAP_MP=$!
	wait "$LAB_TAP_MP"
	rc=$?
	LAB_TAP_MP=
	if [ -s "$dir/err.txt" ]; then
		echo "# mailports stderr (last 20 lines):"
		tail -n 20 "$dir/err.txt" | sed 's/^/#   /'
	fi
	[ $rc = 124 ] && echo "# mailports killed after $(( tmo * 3 + 10 )) s"
	# openssl s_client against the same daemons, for the cells that ask
	# for its verdict (after mailports, so that the two never compete).
	sc=()
	if grep -q '[[:space:]]sclient' "$dir/expect"; then
		timeout $(( tmo + 10 )) python3 "$LAB_HERE/sclient.py" \
		    --ports "$LAB_PORTS" --ca "$LAB_CA" --name "$LAB_NAME" \
		    --timeout "$tmo" "$dir/expect" >"$dir/sclient.jsonl" \
		    2>"$dir/sclient.err" </dev/null &
		LAB_TAP_MP=$!
		wait "$LAB_TAP_MP"
		LAB_TAP_MP=
		sed 's/^/# sclient.py: /' "$dir/sclient.err"
		sc=(--sclient "$dir/sclient.jsonl")
	fi
	python3 "$LAB_HERE/check.py" --ports "$LAB_PORTS" --timeout "$tmo" \
	    --fast-ms "${LAB_FAST_MS:-3000}" --exit-status "$rc" \
	    --stderr "$dir/err.txt" "${sc[@]}" "$dir/expect" <"$dir/out.json" || {
		echo "Bail out! check.py failed"
		return 1
	}
	return 0
}

lab_tap_cleanup() {
	local d=${LAB_TAP_DIR:-}
	if [ -n "${LAB_TAP_MP:-}" ]; then
		kill -TERM "$LAB_TAP_MP" 2>/dev/null	# timeout(1) passes it on
		wait "$LAB_TAP_MP" 2>/dev/null
		LAB_TAP_MP=
	fi
	[ -n "$d" ] || return 0
	if [ "${LAB_KEEP:-0}" = 1 ]; then
		lab_stop "$d"
		echo "# kept $d" >&2
	else
		lab_cleanup "$d"
	fi
	LAB_TAP_DIR=
}

lab_main() {
	set -u
	case ${1:-} in
	start)
		[ $# = 3 ] || { echo "usage: $0 start KIND DIR" >&2; return 2; }
		lab_start "$2" "$3" || return 1
		cat "$(cd "$3" && pwd)/lab.env"
		;;
	stop)
		[ $# = 2 ] || { echo "usage: $0 stop DIR" >&2; return 2; }
		lab_stop "$2"
		;;
	cleanup)
		[ $# = 2 ] || { echo "usage: $0 cleanup DIR" >&2; return 2; }
		lab_cleanup "$2"
		;;
	check)
		[ $# = 2 ] || { echo "usage: $0 check DIR" >&2; return 2; }
		lab_selfcheck "$2"
		;;
	certs)
		[ $# = 2 ] || { echo "usage: $0 certs DIR" >&2; return 2; }
		lab_make_certs "$2"
		;;
	*)
		cat >&2 <<EOF
usage: $0 start KIND DIR             start a lab, print export lines
                                     (KIND: $LAB_KINDS)
       $0 check DIR                  openssl s_client tour of a running lab
       $0 stop DIR                   stop its daemons by PID
       $0 cleanup DIR                stop and remove DIR
       $0 certs DIR                  only make the CA and leaves
EOF
		return 2
		;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	lab_main "$@"
	exit $?
fi
