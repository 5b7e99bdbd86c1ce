/* SPDX-License-Identifier: ISC */
/*
 * tlswrap against real TLS servers (openssl s_server on loopback, with
 * throw-away certificates made in a temporary directory) and against
 * in-process misbehaving servers (plaintext greeting, close, reset,
 * garbage, a TLS 1.0 ServerHello), all driven from one poll loop over
 * non-blocking sockets as the probe does.  Without openssl: SKIP.
 * T_TLSWRAP_VERBOSE=1 prints every session's transcript as diagnostics.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "facts.h"
#include "sanitize.h"
#include "tap.h"
#include "tlswrap.h"
#include "transcript.h"

#define HOST		"mail.test.example"
#define CASE_MS		3000	/* deadline of one case */

/* The certificates: a CA, a second unrelated CA, a good leaf (DNS name
 * and IP SAN) and an expired one, both signed by the CA. */
static const char certs_sh[] =
"set -e\n"
"cat >ca.cnf <<'EOF'\n"
"[ ca ]\n"
"default_ca = tca\n"
"[ tca ]\n"
"dir = ./db\n"
"database = $dir/index.txt\n"
"serial = $dir/serial\n"
"new_certs_dir = $dir/new\n"
"certificate = ./ca.pem\n"
"private_key = ./ca.key\n"
"default_md = sha256\n"
"policy = pol\n"
"unique_subject = no\n"
"copy_extensions = none\n"
"x509_extensions = leaf\n"
"[ pol ]\n"
"commonName = supplied\n"
"[ req ]\n"
"distinguished_name = dn\n"
"prompt = no\n"
"[ dn ]\n"
"CN = t_tlswrap CA\n"
"[ cax ]\n"
"basicConstraints = critical, CA:true\n"
"keyUsage = critical, keyCertSign, cRLSign\n"
"subjectKeyIdentifier = hash\n"
"[ leaf ]\n"
"basicConstraints = critical, CA:false\n"
"keyUsage = critical, digitalSignature\n"
"extendedKeyUsage = serverAuth\n"
"subjectKeyIdentifier = hash\n"
"authorityKeyIdentifier = keyid\n"
"subjectAltName = DNS:" HOST ", IP:127.0.0.1\n"
"EOF\n"
"mkdir -p db/new\n"
": >db/index.txt\n"
"echo 1000 >db/serial\n"
"openssl ecparam -name prime256v1 -genkey -noout -out ca.key\n"
"openssl req -new -x509 -config ca.cnf -extensions cax -key ca.key "
"    -sha256 -days 30 -set_serial 1 -out ca.pem\n"
"openssl ecparam -name prime256v1 -genkey -noout -out other.key\n"
"openssl req -new -x509 -config ca.cnf -extensions cax -key other.key "
"    -subj '/CN=other CA' -sha256 -days 30 -set_serial 2 -out other.pem\n"
"for n in good expired; do\n"
"	openssl ecparam -name prime256v1 -genkey -noout -out $n.key\n"
"	openssl req -new -config ca.cnf -key $n.key -subj /CN=" HOST
"	    -out $n.csr\n"
"done\n"
"openssl ca -batch -config ca.cnf -notext -in good.csr -days 30 "
"    -out good.pem\n"
"openssl ca -batch -config ca.cnf -notext -in expired.csr "
"    -startdate 20200101000000Z -enddate 20210101000000Z -out expired.pem\n"
/* Chains of 10 and 8 intermediates under the CA (mbedTLS accepts 8). */
"printf '%s\n' '[ cax ]' 'basicConstraints = critical, CA:true' "
"    'keyUsage = critical, keyCertSign' '[ leaf ]' "
"    'basicConstraints = critical, CA:false' "
"    'keyUsage = critical, digitalSignature' "
"    'extendedKeyUsage = serverAuth' 'subjectAltName = DNS:" HOST "' "
"    '[ big ]' 'basicConstraints = critical, CA:false' "
"    'extendedKeyUsage = serverAuth' 'subjectAltName = @alt' "
"    '[ alt ]' 'DNS.0 = " HOST "' >x.ext\n"
"i=1; while [ $i -le 700 ]; do "
"    echo \"DNS.$i = padding-$i.padding.test.example\" >>x.ext; "
"    i=$((i + 1)); done\n"
"prev=ca; : >chain10.pem\n"
"for i in 1 2 3 4 5 6 7 8 9 10; do\n"
"	openssl ecparam -name prime256v1 -genkey -noout -out i$i.key\n"
"	openssl req -new -key i$i.key -subj /CN=int$i -out i$i.csr\n"
"	openssl x509 -req -in i$i.csr -CA $prev.pem -CAkey $prev.key "
"	    -set_serial $((100 + i)) -days 30 -extfile x.ext -extensions cax "
"	    -out i$i.pem\n"
"	cat i$i.pem chain10.pem >c.tmp && mv c.tmp chain10.pem\n"
"	[ $i = 8 ] && cp chain10.pem chain8.pem\n"
"	prev=i$i\n"
"done\n"
"openssl req -new -key good.key -subj /CN=" HOST " -out l.csr\n"
"for i in 8 10; do openssl x509 -req -in l.csr -CA i$i.pem -CAkey i$i.key "
"    -set_serial $((200 + i)) -days 30 -extfile x.ext -extensions leaf "
"    -out leaf$i.pem; done\n"
/* A Certificate message over mbedTLS's 16384-byte input buffer. */
"openssl x509 -req -in l.csr -CA ca.pem -CAkey ca.key -set_serial 300 "
"    -days 30 -extfile x.ext -extensions big -out big.pem\n"
/* Names rendered by us: an issuer CN of 300 bytes (the string table
 * module lifts OpenSSL's 64-byte limit), a UTF-8 O= and a subject CN that
 * gets a NUL patched in (t_tlswrap does it; the signature then breaks,
 * which VERIFY_OPTIONAL reports and the test ignores). */
"printf '%s\n' 'openssl_conf = oc' '[ oc ]' 'stbl_section = st' '[ st ]' "
"    'commonName = min:1,max:1000' '[ req ]' 'distinguished_name = dn' "
"    '[ dn ]' >long.cnf\n"
"L=$(i=0; while [ $i -lt 300 ]; do printf L; i=$((i + 1)); done)\n"
"OPENSSL_CONF=./long.cnf openssl req -config long.cnf -new -x509 "
"    -key ca.key -subj \"/CN=$L\" -days 30 -out longca.pem\n"
"openssl req -new -utf8 -key good.key "
"    -subj '/C=JP/O=\346\240\252\345\274\217\344\274\232\347\244\276/"
"CN=mail.exampleQ.evil.test' -out names.csr\n"
"openssl x509 -req -in names.csr -CA longca.pem -CAkey ca.key "
"    -set_serial 400 -days 30 -extfile x.ext -extensions leaf "
"    -outform der -out names.der\n";

struct server {
	const char	*name;		/* for diagnostics */
	const char	*args;		/* extra s_server arguments */
	pid_t		 pid;		/* -1 when not running */
	int		 in;		/* its stdin (write end) */
	int		 port;		/* 0 until ACCEPT was seen */
};

enum { SV_GOOD, SV_SNI, SV_EXPIRED, SV_REQ12, SV_REQ13, SV_NEED13, SV_PSK,
    SV_TLS11, SV_WWW, SV_NEED12, SV_CHAIN10, SV_CHAIN8, SV_BIG12, SV_BIG13,
    SV_NAMES, SV_TLS12, SV_TLS12B, SV_TLS13B, SV_LAST };

static struct server servers[SV_LAST] = {
	{ "good", "-cert good.pem -key good.key -cert_chain ca.pem",
	    -1, -1, 0 },
	{ "sni", "-cert good.pem -key good.key -servername " HOST
	    " -servername_fatal -cert2 good.pem -key2 good.key", -1, -1, 0 },
	{ "expired", "-cert expired.pem -key expired.key", -1, -1, 0 },
	{ "req12", "-cert good.pem -key good.key -tls1_2 -verify 1",
	    -1, -1, 0 },
	{ "req13", "-cert good.pem -key good.key -tls1_3 -verify 1",
	    -1, -1, 0 },
	{ "need13", "-cert good.pem -key good.key -tls1_3 -Verify 1",
	    -1, -1, 0 },
	{ "psk", "-cert good.pem -key good.key -tls1_2 -cipher "
	    "PSK-AES128-GCM-SHA256 -psk 0102030405060708", -1, -1, 0 },
	{ "tls11", "-cert good.pem -key good.key -tls1_1 -cipher "
	    "DEFAULT:@SECLEVEL=0", -1, -1, 0 },
	{ "www", "-cert good.pem -key good.key -www", -1, -1, 0 },
	{ "need12", "-cert good.pem -key good.key -tls1_2 -Verify 1",
	    -1, -1, 0 },
	{ "chain10", "-cert leaf10.pem -key good.key -cert_chain chain10.pem",
	    -1, -1, 0 },
	{ "chain8", "-cert leaf8.pem -key good.key -cert_chain chain8.pem",
	    -1, -1, 0 },
	{ "big12", "-cert big.pem -key good.key -tls1_2", -1, -1, 0 },
	{ "big13", "-cert big.pem -key good.key -tls1_3", -1, -1, 0 },
	{ "names", "-cert names.der -certform DER -key good.key", -1, -1, 0 },
	{ "tls12", "-cert good.pem -key good.key -tls1_2", -1, -1, 0 },
	{ "tls12b", "-cert good.pem -key good.key -tls1_2", -1, -1, 0 },
	{ "tls13b", "-cert good.pem -key good.key -tls1_3", -1, -1, 0 }
};

/* In-process servers: what to do with an accepted connection. */
enum srv_mode {
	SRV_PLAIN,		/* greet in plaintext at once */
	SRV_CLOSE,		/* read the ClientHello, close */
	SRV_RESET,		/* read the ClientHello, reset */
	SRV_GARBAGE,		/* read the ClientHello, answer garbage */
	SRV_LEGACY		/* read the ClientHello, TLS 1.0 ServerHello */
};

struct srv {
	int		 lfd;		/* listening */
	int		 cfd;		/* accepted, -1 */
	int		 port;		/* bound port */
	enum srv_mode	 mode;		/* behaviour */
	bool		 acted;		/* behaviour done */
};

static char	tmpdir[256];

static bool
have_openssl(void)
{
	return system("openssl version >/dev/null 2>&1") == 0;
}

static int
run_sh(const char *dir, const char *script)
{
	char	path[512], cmd[1200];
	FILE	*f;

	snprintf(path, sizeof path, "%s/certs.sh", dir);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs(script, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "cd '%s' && sh ./certs.sh >gen.log 2>&1",
	    dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
server_start(struct server *s)
{
	char	 cmd[1024], out[600];
	int	 p[2];
	pid_t	 pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	snprintf(cmd, sizeof cmd, "exec openssl s_server -accept "
	    "127.0.0.1:0 %s", s->args);
	snprintf(out, sizeof out, "%s/%s.out", tmpdir, s->name);
	pid = fork();
	if (pid == -1) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		int	fd;

		if (chdir(tmpdir) != 0)
			_exit(127);
		dup2(p[0], 0);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	s->pid = pid;
	s->in = p[1];
}

/* s_server prints "ACCEPT 127.0.0.1:PORT" once it listens. */
static void
servers_wait(int ms)
{
	char		 path[600], buf[4096], *a;
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	FILE		*f;
	size_t		 n, i;
	int		 waited, pending;

	for (waited = 0; waited < ms; waited += 10) {
		pending = 0;
		for (i = 0; i < SV_LAST; i++) {
			if (servers[i].pid == -1 || servers[i].port != 0)
				continue;
			snprintf(path, sizeof path, "%s/%s.out", tmpdir,
			    servers[i].name);
			f = fopen(path, "r");
			n = 0;
			if (f != NULL) {
				n = fread(buf, 1, sizeof buf - 1, f);
				fclose(f);
			}
			buf[n] = '\0';
			a = strstr(buf, "ACCEPT 127.0.0.1:");
			if (a != NULL && strchr(a, '\n') != NULL)
				servers[i].port = atoi(a + 17);
			else
				pending++;
		}
		if (pending == 0)
			return;
		nanosleep(&ts, NULL);
	}
}

static void
servers_stop(void)
{
	size_t	i;

	for (i = 0; i < SV_LAST; i++) {
		if (servers[i].pid == -1)
			continue;
		kill(servers[i].pid, SIGTERM);
		waitpid(servers[i].pid, NULL, 0);
		close(servers[i].in);
		servers[i].pid = -1;
	}
}

static int
srv_open(struct srv *s)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;

	memset(s, 0, sizeof *s);
	s->cfd = -1;
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (s->lfd == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s->lfd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(s->lfd, 8) != 0 ||
	    getsockname(s->lfd, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	s->port = ntohs(sin.sin_port);
	return 0;
}

static void
srv_reset(struct srv *s, enum srv_mode mode)
{
	if (s->cfd != -1)
		close(s->cfd);
	s->cfd = -1;
	s->mode = mode;
	s->acted = false;
}

static void
srv_write(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		tap_diag("in-process server: short write");
}

/* Handle readiness of the in-process server's descriptors. */
static void
srv_event(struct srv *s, int fd, short revents)
{
	/* RFC 5246 7.4.1.3: a TLS 1.0 ServerHello, no extensions. */
	static const unsigned char legacy_sh[] = {
		0x16, 0x03, 0x01, 0x00, 0x2a,
		0x02, 0x00, 0x00, 0x26,
		0x03, 0x01,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
		0x00,
		0x00, 0x2f,
		0x00
	};
	static const char	greeting[] = "220 plain ESMTP\r\n";
	static const char	garbage[] = "\x15HELLO garbage\r\n";
	struct linger		lg = { 1, 0 };
	char			buf[4096];

	if (fd == s->lfd) {
		s->cfd = accept4(s->lfd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (s->cfd != -1 && s->mode == SRV_PLAIN) {
			srv_write(s->cfd, greeting, sizeof greeting - 1);
			s->acted = true;
		}
		return;
	}
	if (fd != s->cfd || !(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	while (read(s->cfd, buf, sizeof buf) > 0)
		;
	s->acted = true;
	switch (s->mode) {
	case SRV_PLAIN:
		break;
	case SRV_CLOSE:
		close(s->cfd);
		s->cfd = -1;
		break;
	case SRV_RESET:
		setsockopt(s->cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(s->cfd);
		s->cfd = -1;
		break;
	case SRV_GARBAGE:
		srv_write(s->cfd, garbage, sizeof garbage - 1);
		break;
	case SRV_LEGACY:
		srv_write(s->cfd, legacy_sh, sizeof legacy_sh);
		break;
	}
}

static int
ms_left(const struct timespec *start, int ms)
{
	struct timespec	now;
	long		used;

	clock_gettime(CLOCK_MONOTONIC, &now);
	used = (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
	return used >= ms ? 0 : (int)(ms - used);
}

/* Wait for fd (events) while serving s; false on timeout. */
static bool
wait_fd(int fd, short events, struct srv *s, const struct timespec *start)
{
	struct pollfd	pfd[3];
	nfds_t		n, i;
	int		left;

	for (;;) {
		n = 0;
		pfd[n].fd = fd;
		pfd[n].events = events;
		n++;
		if (s != NULL) {
			pfd[n].fd = s->lfd;
			pfd[n].events = POLLIN;
			n++;
			if (s->cfd != -1 && !s->acted) {
				pfd[n].fd = s->cfd;
				pfd[n].events = POLLIN;
				n++;
			}
		}
		left = ms_left(start, CASE_MS);
		if (left == 0)
			return false;
		if (poll(pfd, n, left) < 0 && errno != EINTR)
			return false;
		for (i = 1; i < n; i++) {
			if (pfd[i].revents != 0)
				srv_event(s, pfd[i].fd, pfd[i].revents);
		}
		if (pfd[0].revents != 0)
			return true;
	}
}

static int
connect_port(int port, struct srv *s, const struct timespec *start)
{
	struct sockaddr_in	sin;
	socklen_t		len;
	int			fd, err;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	err = 0;
	len = sizeof err;
	if (!wait_fd(fd, POLLOUT, s, start) ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
	    err != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One client session: connection, transcript, tlswrap. */
struct sess {
	int			 fd;
	struct transcript	*tr;
	struct tlswrap		*tw;
	struct srv		*srv;
	struct timespec		 start;
	enum io_res		 hs;		/* handshake result, or -1 */
	struct probe_facts	 pf;		/* pf.tls is filled */
};

static void
sess_start(struct sess *x, struct tlswrap_config *cfg, int port,
    const char *host, struct srv *s)
{
	struct timespec	ts;
	enum io_res	r;

	memset(x, 0, sizeof *x);
	facts_init(&x->pf);
	x->srv = s;
	x->hs = (enum io_res)-1;
	clock_gettime(CLOCK_MONOTONIC, &x->start);
	x->tr = transcript_new(1 << 20, 1000);
	x->fd = connect_port(port, s, &x->start);
	if (x->fd == -1) {
		tap_diag("cannot connect to port %d", port);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	x->tw = tlswrap_new(cfg, x->fd, host, x->tr,
	    (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
	for (;;) {
		r = tlswrap_handshake(x->tw);
		if (r != IO_WANT_READ && r != IO_WANT_WRITE)
			break;
		if (!wait_fd(x->fd, r == IO_WANT_READ ? POLLIN : POLLOUT, s,
		    &x->start)) {
			tap_diag("handshake timed out");
			return;
		}
	}
	x->hs = r;
	tlswrap_get_facts(x->tw, &x->pf.tls, (int64_t)time(NULL));
}

/* Read until want appears in the data; the last result. */
static enum io_res
sess_read(struct sess *x, char *buf, size_t cap, const char *want)
{
	enum io_res	r;
	size_t		have = 0, got;

	buf[0] = '\0';
	if (x->tw == NULL)
		return IO_ERR;
	for (;;) {
		r = tlswrap_read(x->tw, buf + have, cap - 1 - have, &got);
		if (r == IO_DONE) {
			have += got;
			buf[have] = '\0';
			if (want != NULL && strstr(buf, want) != NULL)
				return r;
			if (have + 1 >= cap)
				return r;
			continue;
		}
		if (r != IO_WANT_READ && r != IO_WANT_WRITE)
			return r;
		if (!wait_fd(x->fd, r == IO_WANT_READ ? POLLIN : POLLOUT,
		    x->srv, &x->start))
			return (enum io_res)-1;
	}
}

static void	tr_dump(const struct transcript *);

static void
sess_end(struct sess *x)
{
	if (getenv("T_TLSWRAP_VERBOSE") != NULL)
		tr_dump(x->tr);
	if (x->tw != NULL)
		tlswrap_close_notify(x->tw);
	tlswrap_free(x->tw);
	if (x->fd != -1)
		close(x->fd);
	transcript_free(x->tr);
	facts_clear(&x->pf);
	if (x->srv != NULL)
		srv_reset(x->srv, x->srv->mode);
}

static const struct tr_event *
tr_find(const struct transcript *tr, enum tr_dir dir, const char *needle)
{
	const struct tr_event	*e;
	size_t			 i;

	for (i = 0; i < transcript_count(tr); i++) {
		e = transcript_get(tr, i);
		if (e->dir == dir && e->data != NULL &&
		    memmem(e->data, e->len, needle, strlen(needle)) != NULL)
			return e;
	}
	return NULL;
}

static void
tr_dump(const struct transcript *tr)
{
	const struct tr_event	*e;
	size_t			 i;

	for (i = 0; i < transcript_count(tr); i++) {
		e = transcript_get(tr, i);
		tap_diag("  %s %.*s", transcript_dir_tag(e->dir),
		    (int)e->len, e->data != NULL ? e->data : "");
	}
}

static bool
has_prob(const struct tls_facts *f, enum tls_problem p)
{
	return (f->problems & TLS_PROB_BIT(p)) != 0;
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "(null)";
}

static bool
srv_up(int i)
{
	if (servers[i].port != 0)
		return true;
	tap_diag("s_server %s did not start", servers[i].name);
	return false;
}

/* A file of content (a directory when NULL) in tmpdir; its path. */
static const char *
ca_garbage(const char *name, const char *content)
{
	static char	 path[600];
	FILE		*f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	if (content == NULL) {
		if (mkdir(path, 0700) != 0)
			tap_diag("cannot make %s", path);
		return path;
	}
	f = fopen(path, "w");
	if (f == NULL || fputs(content, f) == EOF)
		tap_diag("cannot write %s", path);
	if (f != NULL)
		fclose(f);
	return path;
}

static void
test_config(void)
{
	struct tlswrap_config	*cfg;
	char			*err = NULL, path[600];

	snprintf(path, sizeof path, "%s/missing.pem", tmpdir);
	cfg = tlswrap_config_new(path, NULL, &err);
	tap_ok(cfg == NULL && err != NULL &&
	    strncmp(err, "--ca-file ", 10) == 0 &&
	    strstr(err, "missing.pem: No such file or directory") != NULL,
	    "missing CA file: NULL and one sentence (%s)", nz(err));
	free(err);
	err = NULL;
	snprintf(path, sizeof path, "%s/gen.log", tmpdir);
	cfg = tlswrap_config_new(path, NULL, &err);
	tap_ok(cfg == NULL && err != NULL &&
	    strstr(err, "gen.log: no certificate could be read (not PEM or "
	    "DER)") != NULL, "CA file without certificates rejected (%s)",
	    nz(err));
	free(err);
	err = NULL;
	/* In our words, never mbedTLS's ("X509 - ...", "PEM - ..."). */
	cfg = tlswrap_config_new(ca_garbage("badpem.pem", "-----BEGIN "
	    "CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----"
	    "\n"), NULL, &err);
	tap_ok(cfg == NULL && err != NULL && strstr(err, "badpem.pem: a PEM "
	    "certificate block is damaged (not valid base64, or cut short)")
	    != NULL, "CA file with a broken PEM block (%s)", nz(err));
	free(err);
	err = NULL;
	cfg = tlswrap_config_new(ca_garbage("bad.der", "\x30\x82\x01\x05"
	    "garbage"), NULL, &err);
	tap_ok(cfg == NULL && err != NULL && strstr(err, "bad.der: no "
	    "certificate could be read (not PEM or DER)") != NULL &&
	    strstr(err, "X509") == NULL, "CA file of broken DER (%s)",
	    nz(err));
	free(err);
	err = NULL;
	snprintf(path, sizeof path, "%s/ca.key", tmpdir);
	cfg = tlswrap_config_new(path, NULL, &err);
	tap_ok(cfg == NULL && err != NULL && strstr(err, "ca.key: no "
	    "certificate could be read (not PEM or DER)") != NULL,
	    "CA file holding only a key (%s)", nz(err));
	free(err);
	err = NULL;
	cfg = tlswrap_config_new(NULL, ca_garbage("emptydir", NULL), &err);
	tap_ok(cfg == NULL && err != NULL && strncmp(err, "--ca-path ", 10)
	    == 0 && strstr(err, "emptydir: no certificate could be read "
	    "from its files") != NULL, "CA directory without certificates "
	    "(%s)", nz(err));
	free(err);
	err = NULL;
	cfg = tlswrap_config_new(NULL, tmpdir, &err);
	tap_ok(cfg != NULL && err == NULL, "CA directory accepted");
	tlswrap_config_free(cfg);
	/* Where a system bundle exists it must load (and parse: a
	 * bundle of garbage would give NULL); elsewhere nothing to check. */
	cfg = tlswrap_config_new(NULL, NULL, &err);
	if (access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0)
		tap_ok(cfg != NULL && err == NULL, "system CA store loaded "
		    "from /etc/ssl/certs/ca-certificates.crt (%s)", nz(err));
	else
		tap_skip(1, "no system CA bundle here (%s)", nz(err));
	free(err);
	tlswrap_config_free(cfg);
	tap_ok(strstr(tlswrap_runtime_version(), "3.") != NULL,
	    "runtime version: %s", tlswrap_runtime_version());
}

static void
test_good(struct tlswrap_config *cfg)
{
	struct sess		 x;
	const struct tls_facts	*f = &x.pf.tls;
	const struct cert_info	*c;
	char			 buf[256];
	enum io_res		 r;
	size_t			 put;
	int64_t			 now = (int64_t)time(NULL);

	if (!srv_up(SV_GOOD)) {
		tap_skip(17, "no server");
		return;
	}
	sess_start(&x, cfg, servers[SV_GOOD].port, HOST, NULL);
	tap_is_int(x.hs, IO_DONE, "good: handshake done");
	tap_ok(strcmp(f->version, "TLSv1.3") == 0 ||
	    strcmp(f->version, "TLSv1.2") == 0, "good: version %s",
	    f->version);
	tap_ok(f->attempted && f->established && f->verified &&
	    f->problems == 0 && f->verify_flags == 0 &&
	    tlswrap_is_verified(x.tw), "good: verified (flags 0x%x)",
	    f->verify_flags);
	tap_ok(strncmp(f->cipher, "TLS_", 4) == 0 &&
	    strchr(f->cipher, '-') == NULL, "good: IANA suite name %s",
	    f->cipher);
	tap_ok(f->group[0] != '\0', "good: group %s", f->group);
	/* TLS 1.3 signs in the encrypted CertificateVerify. */
	tap_ok(strcmp(f->version, "TLSv1.3") != 0 || f->signature[0] == '\0',
	    "good: no signature scheme claimed for TLS 1.3 (%s)",
	    f->signature);
	tap_ok(f->chain_len == 2 && f->chain_sent == 2,
	    "good: chain of 2 (%zu/%zu)", f->chain_len, f->chain_sent);
	c = &f->chain[0];
	tap_ok(c->subject.p != NULL && strstr(c->subject.p, HOST) != NULL &&
	    c->issuer.p != NULL &&
	    strstr(c->issuer.p, "t_tlswrap CA") != NULL,
	    "good: leaf subject %s, issuer %s", nz(c->subject.p),
	    nz(c->issuer.p));
	tap_ok(mstr_list_has(&c->san, HOST) &&
	    mstr_list_has(&c->san, "127.0.0.1") && c->san.n == 2,
	    "good: SANs are the DNS name and the IP address");
	tap_ok(strcmp(c->key_type, "EC") == 0 && c->key_bits == 256,
	    "good: key %s %d", c->key_type, c->key_bits);
	tap_ok(strstr(c->sig_alg, "ECDSA") != NULL &&
	    strstr(c->sig_alg, "256") != NULL, "good: signature %s",
	    c->sig_alg);
	tap_ok(c->not_before <= now && c->not_after > now &&
	    c->days_left >= 29 && c->days_left <= 30 &&
	    c->serial[0] != '\0' && !c->self_issued &&
	    f->chain[1].self_issued, "good: dates, %lld days, serial %s, "
	    "self-issued only the CA", (long long)c->days_left, c->serial);
	tap_ok(!f->client_cert_requested && f->failure == NULL &&
	    f->error == 0 && !f->legacy_suspected,
	    "good: no client certificate request, no failure");
	tap_ok(tr_find(x.tr, TR_TLS, "ClientHello sent, SNI " HOST) != NULL &&
	    tr_find(x.tr, TR_TLS, "handshake done: TLSv1.") != NULL &&
	    tr_find(x.tr, TR_TLS, "cert 0: subject=") != NULL &&
	    tr_find(x.tr, TR_TLS, "verified") != NULL,
	    "good: transcript has SNI, handshake, certificate, verified") ||
	    (tr_dump(x.tr), 0);

	/* Application data both ways; TLS 1.3 NewSessionTickets (s_server
	 * sends two) must pass silently. */
	r = tlswrap_write(x.tw, "ping\n", 5, &put);
	tap_ok(r == IO_DONE && put == 5, "good: write");
	if (write(servers[SV_GOOD].in, "hello\n", 6) != 6)
		tap_diag("cannot feed s_server");
	r = sess_read(&x, buf, sizeof buf, "hello\n");
	tap_ok(r == IO_DONE && strcmp(buf, "hello\n") == 0,
	    "good: read server data past the session tickets (%d, %s)", r,
	    buf);
	/* "q" makes s_server drop the TCP connection, no close_notify. */
	if (write(servers[SV_GOOD].in, "q\n", 2) != 2)
		tap_diag("cannot feed s_server");
	r = sess_read(&x, buf, sizeof buf, NULL);
	tap_ok(r == IO_EOF && tr_find(x.tr, TR_TLS,
	    "connection closed without close_notify") != NULL,
	    "good: close without close_notify is EOF and named") ||
	    (tr_dump(x.tr), 0);
	sess_end(&x);
}

static void
test_names(struct tlswrap_config *cfg, struct tlswrap_config *other)
{
	struct sess		 x;
	const struct tls_facts	*f = &x.pf.tls;

	if (!srv_up(SV_GOOD) || !srv_up(SV_SNI)) {
		tap_skip(8, "no server");
		return;
	}
	sess_start(&x, cfg, servers[SV_GOOD].port, "wrong.test.example",
	    NULL);
	tap_ok(x.hs == IO_DONE && !f->verified &&
	    has_prob(f, TLS_PROB_HOSTNAME_MISMATCH) &&
	    !has_prob(f, TLS_PROB_UNTRUSTED) &&
	    tr_find(x.tr, TR_TLS, "NOT verified: hostname_mismatch") != NULL,
	    "wrong name: hostname_mismatch only (0x%x)", f->problems) ||
	    (tr_dump(x.tr), 0);
	sess_end(&x);

	sess_start(&x, other, servers[SV_GOOD].port, HOST, NULL);
	tap_ok(x.hs == IO_DONE && !f->verified &&
	    has_prob(f, TLS_PROB_UNTRUSTED) &&
	    !has_prob(f, TLS_PROB_SELF_SIGNED) &&
	    !has_prob(f, TLS_PROB_HOSTNAME_MISMATCH),
	    "unknown CA: untrusted only (0x%x)", f->problems);
	sess_end(&x);

	/* The SNI server sends a fatal alert for any SNI but its own: a
	 * completed handshake proves that no SNI went out. */
	sess_start(&x, cfg, servers[SV_SNI].port, "127.0.0.1", NULL);
	tap_ok(x.hs == IO_DONE && f->verified,
	    "IP literal: verified against the IP SAN, no SNI sent (%s)",
	    nz(f->failure));
	tap_ok(tr_find(x.tr, TR_TLS, "no SNI (IP literal)") != NULL,
	    "IP literal: transcript says no SNI") || (tr_dump(x.tr), 0);
	sess_end(&x);

	sess_start(&x, cfg, servers[SV_SNI].port, "127.0.0.2", NULL);
	tap_ok(x.hs == IO_DONE && !f->verified &&
	    has_prob(f, TLS_PROB_HOSTNAME_MISMATCH) &&
	    !has_prob(f, TLS_PROB_UNTRUSTED),
	    "other IP literal: hostname_mismatch (0x%x)", f->problems);
	sess_end(&x);

	sess_start(&x, cfg, servers[SV_SNI].port, "[127.0.0.1]", NULL);
	tap_ok(x.hs == IO_DONE && f->verified, "bracketed IP literal: "
	    "verified");
	sess_end(&x);

	sess_start(&x, cfg, servers[SV_SNI].port, HOST ".", NULL);
	tap_ok(x.hs == IO_DONE && f->verified &&
	    tr_find(x.tr, TR_TLS, "SNI " HOST) != NULL,
	    "trailing dot: stripped for SNI and verification");
	sess_end(&x);

	sess_start(&x, cfg, servers[SV_SNI].port, "other.test.example", NULL);
	tap_ok(x.hs == IO_ERR && f->failure != NULL &&
	    strcmp(f->failure, "handshake alert: unrecognized name") == 0 &&
	    f->error != 0 && !f->established,
	    "SNI refused by server: alert named (%s)", nz(f->failure));
	sess_end(&x);
}

static void
test_expired(struct tlswrap_config *cfg)
{
	struct sess		 x;
	const struct tls_facts	*f = &x.pf.tls;

	if (!srv_up(SV_EXPIRED)) {
		tap_skip(3, "no server");
		return;
	}
	sess_start(&x, cfg, servers[SV_EXPIRED].port, HOST, NULL);
	tap_ok(x.hs == IO_DONE && !f->verified &&
	    has_prob(f, TLS_PROB_EXPIRED) &&
	    !has_prob(f, TLS_PROB_HOSTNAME_MISMATCH) &&
	    f->chain_len == 1 && f->chain[0].days_left < -365,
	    "expired: handshake completes, expired named (0x%x, %lld days)",
	    f->problems, (long long)f->chain[0].days_left);
	tap_ok(tr_find(x.tr, TR_TLS, "NOT verified: expired") != NULL &&
	    tr_find(x.tr, TR_TLS, "days ago") != NULL,
	    "expired: transcript says so") || (tr_dump(x.tr), 0);
	sess_end(&x);

	sess_start(&x, cfg, servers[SV_EXPIRED].port, "wrong.test.example",
	    NULL);
	tap_ok(x.hs == IO_DONE && f->problems ==
	    (TLS_PROB_BIT(TLS_PROB_EXPIRED) |
	    TLS_PROB_BIT(TLS_PROB_HOSTNAME_MISMATCH)) &&
	    tr_find(x.tr, TR_TLS, "NOT verified: expired, hostname_mismatch "
	    "(The certificate validity has expired; ") != NULL,
	    "expired and wrong name: both named") || (tr_dump(x.tr), 0);
	sess_end(&x);
}

static void
test_close_notify(struct tlswrap_config *cfg)
{
	static const char	 get[] = "GET / HTTP/1.0\r\n\r\n";
	struct sess		 x;
	char			 buf[16384];
	enum io_res		 r;
	size_t			 put;

	if (!srv_up(SV_WWW)) {
		tap_skip(1, "no server");
		return;
	}
	/* s_server -www answers and ends with close_notify. */
	sess_start(&x, cfg, servers[SV_WWW].port, HOST, NULL);
	r = x.hs == IO_DONE ? tlswrap_write(x.tw, get, sizeof get - 1, &put) :
	    IO_ERR;
	if (r == IO_DONE)
		r = sess_read(&x, buf, sizeof buf, NULL);
	tap_ok(r == IO_EOF && strstr(buf, "HTTP/1.0 200") != NULL &&
	    tr_find(x.tr, TR_TLS, "close_notify received") != NULL &&
	    tr_find(x.tr, TR_TLS, "without close_notify") == NULL,
	    "close_notify: EOF after the data, named") || (tr_dump(x.tr), 0);
	sess_end(&x);
}

static void
test_client_cert(struct tlswrap_config *cfg)
{
	struct sess		 x;
	const struct tls_facts	*f = &x.pf.tls;
	char			 buf[64];
	enum io_res		 r;

	if (srv_up(SV_REQ12)) {
		sess_start(&x, cfg, servers[SV_REQ12].port, HOST, NULL);
		tap_ok(x.hs == IO_DONE && strcmp(f->version, "TLSv1.2") == 0 &&
		    f->client_cert_requested && f->verified &&
		    f->group[0] != '\0',
		    "TLS 1.2 CertificateRequest seen, continued (%s, %s)",
		    f->version, f->group);
		sess_end(&x);
	} else
		tap_skip(1, "no server");
	if (srv_up(SV_REQ13)) {
		sess_start(&x, cfg, servers[SV_REQ13].port, HOST, NULL);
		tap_ok(x.hs == IO_DONE && strcmp(f->version, "TLSv1.3") == 0 &&
		    f->client_cert_requested && f->verified,
		    "TLS 1.3 CertificateRequest seen, continued") ||
		    (tr_dump(x.tr), 0);
		sess_end(&x);
	} else
		tap_skip(1, "no server");
	if (srv_up(SV_NEED13)) {
		/* TLS 1.3: the client is done before the server rejects the
		 * empty Certificate; the alert arrives on the first read. */
		sess_start(&x, cfg, servers[SV_NEED13].port, HOST, NULL);
		r = sess_read(&x, buf, sizeof buf, NULL);
		tap_ok(x.hs == IO_DONE && f->client_cert_requested &&
		    r == IO_ERR && tlswrap_get_failure(x.tw) != NULL &&
		    strcmp(tlswrap_get_failure(x.tw), "alert from server "
		    "after the handshake: certificate required (the server "
		    "requires a client certificate)") == 0,
		    "required client certificate: encrypted alert named (%s)",
		    nz(x.tw != NULL ? tlswrap_get_failure(x.tw) : NULL));
		sess_end(&x);
	} else
		tap_skip(1, "no server");
	if (srv_up(SV_NEED12)) {
		/* TLS 1.2: the server's alert ends the handshake itself. */
		sess_start(&x, cfg, servers[SV_NEED12].port, HOST, NULL);
		tap_ok(x.hs == IO_ERR && f->client_cert_requested &&
		    f->failure != NULL && strstr(f->failure, "(the server "
		    "requires a client certificate)") != NULL &&
		    strncmp(f->failure, "handshake alert: ", 17) == 0,
		    "TLS 1.2 required client certificate named (%s)",
		    nz(f->failure));
		sess_end(&x);
	} else
		tap_skip(1, "no server");
}

static void
test_failures(struct tlswrap_config *cfg)
{
	struct sess		 x;
	const struct tls_facts	*f = &x.pf.tls;

	if (srv_up(SV_PSK)) {
		sess_start(&x, cfg, servers[SV_PSK].port, HOST, NULL);
		tap_ok(x.hs == IO_ERR && f->failure != NULL &&
		    strcmp(f->failure, "handshake alert: handshake failure "
		    "(no common cipher suite or version)") == 0 &&
		    !f->legacy_suspected && f->attempted && !f->established &&
		    f->error != 0, "no common suite: alert named (%s)",
		    nz(f->failure));
		sess_end(&x);
	} else
		tap_skip(1, "no server");
	if (srv_up(SV_TLS11)) {
		sess_start(&x, cfg, servers[SV_TLS11].port, HOST, NULL);
		tap_ok(x.hs == IO_ERR && f->legacy_suspected &&
		    f->failure != NULL && strncmp(f->failure,
		    "protocol version not supported", 30) == 0,
		    "TLS 1.1-only server: legacy suspected (%s)",
		    nz(f->failure));
		sess_end(&x);
	} else
		tap_skip(1, "no server");
}

static void
test_inproc(struct tlswrap_config *cfg)
{
	struct srv		 s;
	struct sess		 x;
	const struct tls_facts	*f = &x.pf.tls;
	const struct tr_event	*e;
	const char		*p = NULL;
	size_t			 n = 0;

	if (srv_open(&s) != 0) {
		tap_skip(9, "cannot listen");
		return;
	}
	srv_reset(&s, SRV_PLAIN);
	sess_start(&x, cfg, s.port, HOST, &s);
	tap_is_int(x.hs, IO_ERR, "plaintext server: IO_ERR");
	tap_ok(x.tw != NULL && tlswrap_got_plaintext(x.tw, &p, &n) &&
	    n == 17 && memcmp(p, "220 plain ESMTP\r\n", 17) == 0,
	    "plaintext server: the greeting is kept");
	tap_ok(f->failure != NULL && strcmp(f->failure, "server sent "
	    "plaintext instead of a TLS handshake (this port does not speak "
	    "implicit TLS)") == 0 && f->attempted && !f->established,
	    "plaintext server: failure words (%s)", nz(f->failure));
	e = tr_find(x.tr, TR_SERVER, "220 plain ESMTP");
	tap_ok(e != NULL && e->sec == TR_SEC_PLAIN,
	    "plaintext server: greeting in the transcript as plaintext");
	sess_end(&x);

	srv_reset(&s, SRV_CLOSE);
	sess_start(&x, cfg, s.port, HOST, &s);
	tap_ok(x.hs == IO_EOF && f->failure != NULL &&
	    strcmp(f->failure, "connection closed during handshake") == 0,
	    "close during handshake: IO_EOF (%s)", nz(f->failure));
	sess_end(&x);

	srv_reset(&s, SRV_RESET);
	sess_start(&x, cfg, s.port, HOST, &s);
	tap_ok(x.hs == IO_ERR && f->failure != NULL &&
	    strcmp(f->failure, "connection reset during handshake") == 0,
	    "reset during handshake (%s)", nz(f->failure));
	sess_end(&x);

	srv_reset(&s, SRV_GARBAGE);
	sess_start(&x, cfg, s.port, HOST, &s);
	tap_ok(x.hs == IO_ERR && f->failure != NULL &&
	    strcmp(f->failure, "server sent non-TLS data") == 0 &&
	    !tlswrap_got_plaintext(x.tw, NULL, NULL),
	    "garbage after a record type byte: non-TLS data (%s)",
	    nz(f->failure));
	sess_end(&x);

	srv_reset(&s, SRV_LEGACY);
	sess_start(&x, cfg, s.port, HOST, &s);
	tap_ok(x.hs == IO_ERR && f->legacy_suspected &&
	    f->failure != NULL && strcmp(f->failure, "protocol version not "
	    "supported (server chose TLS 1.0)") == 0,
	    "TLS 1.0 ServerHello: legacy suspected (%s)", nz(f->failure));
	tap_ok(tr_find(x.tr, TR_TLS, "server chose TLS 1.0") != NULL,
	    "TLS 1.0 ServerHello: transcript names the version") ||
	    (tr_dump(x.tr), 0);
	sess_end(&x);

	/* No name to verify against: refused, not silently unverified. */
	srv_reset(&s, SRV_PLAIN);
	sess_start(&x, cfg, s.port, "", &s);
	tap_ok(x.hs == IO_ERR && f->failure != NULL &&
	    strstr(f->failure, "no host name") != NULL,
	    "empty host name refused (%s)", nz(f->failure));
	sess_end(&x);

	close(s.lfd);
}

/* A proxy in a child process that re-frames the server's plaintext
 * handshake records into records of at most frag bytes (RFC 8446 5.1
 * allows any split); everything else passes unchanged, and so does all
 * after the server's ChangeCipherSpec (TLS 1.2 Finished is encrypted).
 * Returns its pid, the listening port in *port. */
static pid_t
frag_proxy(int upstream, size_t frag, int *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	struct pollfd		 pfd[2];
	unsigned char		 in[1 << 16], out[8];
	size_t			 have = 0, rl, off, k;
	ssize_t			 n;
	pid_t			 pid;
	int			 lfd, c, u;
	bool			 ccs = false;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(lfd, 1) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) != 0) {
		close(lfd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	pid = fork();
	if (pid != 0) {
		close(lfd);
		return pid;
	}
	alarm(10);
	c = accept(lfd, NULL, NULL);
	u = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = htons((uint16_t)upstream);
	if (c == -1 || u == -1 ||
	    connect(u, (struct sockaddr *)&sin, sizeof sin) != 0)
		_exit(1);
	pfd[0].fd = c;
	pfd[1].fd = u;
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0)
			_exit(1);
		if (pfd[0].revents != 0) {
			n = read(c, in + have, sizeof in - have);
			/* Client bytes: only forwarded; in is used below
			 * for the server direction, so read past it. */
			if (n <= 0 || write(u, in + have, (size_t)n) != n)
				_exit(0);
		}
		if (pfd[1].revents == 0)
			continue;
		n = read(u, in + have, sizeof in - have);
		if (n <= 0)
			_exit(0);
		have += (size_t)n;
		while (have >= 5) {
			rl = (size_t)in[3] << 8 | in[4];
			if (have < 5 + rl)
				break;
			if (in[0] == 20)
				ccs = true;
			if (in[0] != 22 || ccs) {
				if (write(c, in, 5 + rl) != (ssize_t)(5 + rl))
					_exit(0);
			} else {
				for (off = 0; off < rl; off += k) {
					k = rl - off < frag ? rl - off : frag;
					memcpy(out, in, 3);
					out[3] = (unsigned char)(k >> 8);
					out[4] = (unsigned char)k;
					if (write(c, out, 5) != 5 ||
					    write(c, in + 5 + off, k) !=
					    (ssize_t)k)
						_exit(0);
				}
			}
			memmove(in, in + 5 + rl, have - 5 - rl);
			have -= 5 + rl;
		}
	}
}

static void
test_fragmented(struct tlswrap_config *cfg)
{
	static const struct {
		int	 sv;
		size_t	 frag;
		bool	 works;
	} cases[] = {
		{ SV_TLS12B, 1, false }, { SV_TLS12B, 3, false },
		{ SV_TLS12B, 4, true }, { SV_TLS13B, 1, false },
		{ SV_TLS13B, 3, false }, { SV_TLS13B, 4, true }
	};
	struct sess		 x;
	const struct tls_facts	*f = &x.pf.tls;
	char			 want[80];
	size_t			 i;
	pid_t			 pid;
	int			 port;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (!srv_up(cases[i].sv)) {
			tap_skip(1, "no server");
			continue;
		}
		pid = frag_proxy(servers[cases[i].sv].port, cases[i].frag,
		    &port);
		if (pid == -1) {
			tap_skip(1, "no proxy");
			continue;
		}
		sess_start(&x, cfg, port, HOST, NULL);
		snprintf(want, sizeof want, "(a record of %zu byte%s)",
		    cases[i].frag, cases[i].frag == 1 ? "" : "s");
		/* mbedTLS 3.6.7 reassembles handshake messages split over
		 * records, but wants each 4-byte header in one record. */
		if (cases[i].works)
			tap_ok(x.hs == IO_DONE && f->verified,
			    "%s handshake records of %zu bytes: reassembled, "
			    "verified (%s)", servers[cases[i].sv].name,
			    cases[i].frag, nz(f->failure));
		else
			tap_ok(x.hs == IO_ERR && f->failure != NULL &&
			    strncmp(f->failure, "server split a handshake "
			    "message header across TLS records ", 57) == 0 &&
			    strstr(f->failure, want) != NULL &&
			    strstr(f->failure, "non-TLS") == NULL,
			    "%s handshake records of %zu bytes: named (%s)",
			    servers[cases[i].sv].name, cases[i].frag,
			    nz(f->failure));
		sess_end(&x);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

static void
test_chain_limits(struct tlswrap_config *cfg)
{
	struct sess		 x;
	const struct tls_facts	*f = &x.pf.tls;

	if (srv_up(SV_CHAIN10)) {
		sess_start(&x, cfg, servers[SV_CHAIN10].port, HOST, NULL);
		tap_ok(x.hs == IO_ERR && f->failure != NULL &&
		    strcmp(f->failure, "certificate chain too long (11 "
		    "certificates, mbedTLS accepts at most 9: the server's "
		    "own and 8 intermediates)") == 0,
		    "chain of 11: named with the limit (%s)", nz(f->failure));
		tap_ok(!f->established && f->chain_sent == 11 &&
		    f->chain_len == TLS_CHAIN_MAX &&
		    f->chain[0].subject.p != NULL &&
		    strcmp(f->chain[0].subject.p, "CN=" HOST) == 0 &&
		    f->chain[1].subject.p != NULL &&
		    strcmp(f->chain[1].subject.p, "CN=int10") == 0 &&
		    !f->verified, "chain of 11: the chain received is in the "
		    "facts (%zu sent, %zu kept)", f->chain_sent, f->chain_len);
		tap_ok(tr_find(x.tr, TR_TLS, "11 certificates received before "
		    "the failure") != NULL && tr_find(x.tr, TR_TLS,
		    "cert 1: subject=CN=int10, issuer=CN=int9") != NULL,
		    "chain of 11: transcript lists it") || (tr_dump(x.tr), 0);
		sess_end(&x);
	} else
		tap_skip(3, "no server");
	if (srv_up(SV_CHAIN8)) {
		sess_start(&x, cfg, servers[SV_CHAIN8].port, HOST, NULL);
		tap_ok(x.hs == IO_DONE && f->verified && f->chain_sent == 9,
		    "chain of 9 (8 intermediates): verified (%s)",
		    nz(f->failure));
		sess_end(&x);
	} else
		tap_skip(1, "no server");
	if (srv_up(SV_BIG12)) {
		sess_start(&x, cfg, servers[SV_BIG12].port, HOST, NULL);
		tap_ok(x.hs == IO_ERR && f->failure != NULL &&
		    strncmp(f->failure, "certificate message too large (", 31)
		    == 0 && strstr(f->failure, " bytes, limit 16384)") !=
		    NULL, "TLS 1.2 certificate message too large (%s)",
		    nz(f->failure));
		sess_end(&x);
	} else
		tap_skip(1, "no server");
	if (srv_up(SV_BIG13)) {
		sess_start(&x, cfg, servers[SV_BIG13].port, HOST, NULL);
		tap_ok(x.hs == IO_ERR && f->failure != NULL &&
		    strncmp(f->failure, "certificate message too large (", 31)
		    == 0 && strstr(f->failure, " bytes, limit 16384)") !=
		    NULL, "TLS 1.3 certificate message too large (%s)",
		    nz(f->failure));
		sess_end(&x);
	} else
		tap_skip(1, "no server");
}

static void
test_reneg(struct tlswrap_config *cfg)
{
	struct sess		 x;
	char			 buf[64];
	enum io_res		 r;
	const char		*w;

	if (!srv_up(SV_TLS12)) {
		tap_skip(3, "no server");
		return;
	}
	sess_start(&x, cfg, servers[SV_TLS12].port, HOST, NULL);
	/* An ECDSA key: the ServerKeyExchange says which scheme signed. */
	tap_ok(x.hs == IO_DONE && strcmp(x.pf.tls.signature,
	    "ecdsa_secp256r1_sha256") == 0 && tr_find(x.tr, TR_TLS,
	    ", signature ecdsa_secp256r1_sha256") != NULL,
	    "TLS 1.2 ECDSA: signature scheme %s", x.pf.tls.signature) ||
	    (tr_dump(x.tr), 0);
	/* s_server's "r" sends a HelloRequest (RFC 5246 7.4.1.1). */
	if (write(servers[SV_TLS12].in, "r\n", 2) != 2)
		tap_diag("cannot feed s_server");
	r = sess_read(&x, buf, sizeof buf, NULL);
	w = x.tw != NULL ? tlswrap_get_failure(x.tw) : NULL;
	tap_ok(x.hs == IO_DONE && r == IO_ERR && w != NULL &&
	    strncmp(w, "server asked to renegotiate", 27) == 0,
	    "TLS 1.2 HelloRequest: IO_ERR, named (%s)", nz(w));
	tap_ok(tr_find(x.tr, TR_TLS, "server asked to renegotiate") != NULL,
	    "HelloRequest: in the transcript") || (tr_dump(x.tr), 0);
	sess_end(&x);
}

static void
test_dn(struct tlswrap_config *cfg)
{
	static const char	 subj[] = "C=JP, O=\346\240\252\345\274\217"
	    "\344\274\232\347\244\276, CN=mail.example\0.evil.test";
	struct sess		 x;
	const struct tls_facts	*f = &x.pf.tls;
	const struct cert_info	*c = &f->chain[0];
	char			*san = NULL, *plain = NULL, *iss = NULL;
	char			 want[400];

	if (!srv_up(SV_NAMES)) {
		tap_skip(5, "no server");
		return;
	}
	sess_start(&x, cfg, servers[SV_NAMES].port, HOST, NULL);
	tap_ok(x.hs == IO_DONE && f->chain_len == 1 && c->subject.p != NULL &&
	    c->subject.n == sizeof subj - 1 &&
	    memcmp(c->subject.p, subj, sizeof subj - 1) == 0,
	    "subject with a NUL and UTF-8: raw bytes kept (%zu bytes)",
	    c->subject.n);
	if (c->subject.p != NULL) {
		san = sanitize_dup(c->subject.p, c->subject.n, SAN_UTF8, 0);
		plain = sanitize_dup(c->subject.p, c->subject.n, 0, 0);
	}
	tap_ok(san != NULL && strcmp(san, "C=JP, O=\346\240\252\345\274\217"
	    "\344\274\232\347\244\276, CN=mail.example^@.evil.test") == 0,
	    "sanitised for a UTF-8 terminal: NUL as ^@, UTF-8 as text (%s)",
	    nz(san));
	tap_ok(plain != NULL && strstr(plain, "^@") != NULL &&
	    strstr(plain, "\\xE6") != NULL, "sanitised for ASCII: %s",
	    nz(plain));
	/* The issuer CN is 300 bytes: cut at 256 with the count. */
	memcpy(want, "CN=", 3);
	memset(want + 3, 'L', 256);
	snprintf(want + 259, sizeof want - 259, "...[+44 bytes]");
	iss = c->issuer.p != NULL ? c->issuer.p : NULL;
	tap_ok(iss != NULL && strcmp(iss, want) == 0,
	    "300-byte issuer CN cut with the byte count (%zu bytes)",
	    c->issuer.n);
	tap_ok(tr_find(x.tr, TR_TLS, "subject=C=JP, O=\346\240\252") != NULL,
	    "transcript shows the subject raw (sanitised on read)") ||
	    (tr_dump(x.tr), 0);
	free(san);
	free(plain);
	sess_end(&x);
}

/* Put the NUL into names.der's CN (mail.exampleQ.evil.test). */
static void
patch_names(void)
{
	static const char	 mark[] = "mail.exampleQ.evil.test";
	char			 path[600];
	unsigned char		 buf[8192], *m;
	size_t			 n;
	FILE			*fp;

	snprintf(path, sizeof path, "%s/names.der", tmpdir);
	fp = fopen(path, "r+b");
	if (fp == NULL)
		return;
	n = fread(buf, 1, sizeof buf, fp);
	m = memmem(buf, n, mark, sizeof mark - 1);
	if (m != NULL) {
		m[12] = '\0';
		if (fseek(fp, 0, SEEK_SET) != 0 ||
		    fwrite(buf, 1, n, fp) != n)
			tap_diag("cannot patch names.der");
	}
	fclose(fp);
}

int
main(void)
{
	struct tlswrap_config	*cfg, *other;
	char			 path[600], path2[600], cmd[700];
	char			*err = NULL;
	size_t			 i;

	signal(SIGPIPE, SIG_IGN);
	if (!have_openssl())
		tap_skip_all("no openssl");
	snprintf(tmpdir, sizeof tmpdir, "%s/t_tlswrap.XXXXXX",
	    getenv("TMPDIR") != NULL && *getenv("TMPDIR") != '\0' ?
	    getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	if (run_sh(tmpdir, certs_sh) != 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			tap_diag("cannot remove %s", tmpdir);
		tap_skip_all("openssl cannot make the test certificates");
	}
	patch_names();
	for (i = 0; i < SV_LAST; i++)
		server_start(&servers[i]);

	test_config();
	snprintf(path, sizeof path, "%s/ca.pem", tmpdir);
	snprintf(path2, sizeof path2, "%s/other.pem", tmpdir);
	cfg = tlswrap_config_new(path, NULL, &err);
	tap_ok(cfg != NULL, "config with the test CA (%s)", nz(err));
	free(err);
	err = NULL;
	other = tlswrap_config_new(path2, NULL, &err);
	tap_ok(other != NULL, "config with an unrelated CA (%s)", nz(err));
	free(err);
	if (cfg == NULL || other == NULL) {
		servers_stop();
		return tap_done_testing();
	}

	servers_wait(3000);
	test_inproc(cfg);
	test_names(cfg, other);
	test_expired(cfg);
	test_client_cert(cfg);
	test_failures(cfg);
	test_close_notify(cfg);
	test_good(cfg);
	test_fragmented(cfg);
	test_chain_limits(cfg);
	test_reneg(cfg);
	test_dn(cfg);

	servers_stop();
	tlswrap_config_free(cfg);
	tlswrap_config_free(other);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", tmpdir);
	return tap_done_testing();
}
