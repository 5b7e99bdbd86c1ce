/* SPDX-License-Identifier: ISC */
/*
 * Interoperability matrix (hostile-servers.md, catalogue 38): tlswrap
 * against openssl s_server and gnutls-serv on loopback, TLS 1.2-only and
 * 1.3-only, RSA 2048 and ECDSA P-256 keys, TLS 1.2 with RSA-PSS (OpenSSL's
 * default) and PKCS#1 signatures, server cipher preference on and off.
 * Every pairing must be established and verified with the right version,
 * and openssl s_client, run against the same server instance, must reach
 * the same verdict (shown beside ours).  A missing tool skips its part.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
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
#include "tap.h"
#include "tlswrap.h"

#define HOST		"mail.test.example"
#define CASE_MS		4000	/* deadline of one handshake */

static const char certs_sh[] =
"set -e\n"
"openssl ecparam -name prime256v1 -genkey -noout -out ca.key\n"
"openssl req -new -x509 -key ca.key -subj '/CN=t_tlsinterop CA' -days 30 "
"    -addext basicConstraints=critical,CA:true "
"    -addext keyUsage=critical,keyCertSign -out ca.pem\n"
"printf '%s\\n' 'basicConstraints = critical, CA:false' "
"    'keyUsage = critical, digitalSignature, keyEncipherment' "
"    'extendedKeyUsage = serverAuth' "
"    'subjectAltName = DNS:" HOST ", IP:127.0.0.1' >leaf.ext\n"
"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key\n"
"openssl ecparam -name prime256v1 -genkey -noout -out ec.key\n"
"for k in rsa ec; do\n"
"	openssl req -new -key $k.key -subj /CN=" HOST " -out $k.csr\n"
"	openssl x509 -req -in $k.csr -CA ca.pem -CAkey ca.key -days 30 "
"	    -set_serial $(( $(date +%s) % 100000 )) -extfile leaf.ext "
"	    -out $k.pem\n"
"done\n";

enum tool { T_OPENSSL, T_GNUTLS };

struct server {
	const char	*name;		/* row label */
	enum tool	 tool;		/* which server program */
	const char	*args;		/* cert, key, limits */
	const char	*version;	/* what both clients must get */
	const char	*sig;		/* s_client's "Signature type",
					 * NULL when not checked */
	pid_t		 pid;		/* -1 when not running */
	int		 port;		/* 0 until it listens */
};

#define O_RSA	"-cert rsa.pem -key rsa.key"
#define O_EC	"-cert ec.pem -key ec.key"
#define G_RSA	"--x509certfile=rsa.pem --x509keyfile=rsa.key"
#define G_EC	"--x509certfile=ec.pem --x509keyfile=ec.key"

static struct server servers[] = {
	{ "s_server TLS1.3 RSA", T_OPENSSL, O_RSA " -tls1_3", "TLSv1.3",
	    "RSA-PSS", -1, 0 },
	{ "s_server TLS1.3 RSA serverpref", T_OPENSSL, O_RSA
	    " -tls1_3 -serverpref", "TLSv1.3", "RSA-PSS", -1, 0 },
	{ "s_server TLS1.3 ECDSA", T_OPENSSL, O_EC " -tls1_3", "TLSv1.3",
	    "ECDSA", -1, 0 },
	{ "s_server TLS1.3 ECDSA serverpref", T_OPENSSL, O_EC
	    " -tls1_3 -serverpref", "TLSv1.3", "ECDSA", -1, 0 },
	{ "s_server TLS1.2 RSA-PSS", T_OPENSSL, O_RSA " -tls1_2", "TLSv1.2",
	    "RSA-PSS", -1, 0 },
	{ "s_server TLS1.2 RSA-PSS serverpref", T_OPENSSL, O_RSA
	    " -tls1_2 -serverpref", "TLSv1.2", "RSA-PSS", -1, 0 },
	{ "s_server TLS1.2 RSA PKCS#1", T_OPENSSL, O_RSA
	    " -tls1_2 -sigalgs RSA+SHA256", "TLSv1.2", "RSA", -1, 0 },
	{ "s_server TLS1.2 RSA PKCS#1 serverpref", T_OPENSSL, O_RSA
	    " -tls1_2 -sigalgs RSA+SHA256 -serverpref", "TLSv1.2", "RSA",
	    -1, 0 },
	{ "s_server TLS1.2 ECDSA", T_OPENSSL, O_EC " -tls1_2", "TLSv1.2",
	    "ECDSA", -1, 0 },
	{ "s_server TLS1.2 ECDSA serverpref", T_OPENSSL, O_EC
	    " -tls1_2 -serverpref", "TLSv1.2", "ECDSA", -1, 0 },
	{ "gnutls-serv RSA", T_GNUTLS, G_RSA, "TLSv1.3", NULL, -1, 0 },
	{ "gnutls-serv ECDSA", T_GNUTLS, G_EC, "TLSv1.3", NULL, -1, 0 },
	{ "gnutls-serv TLS1.2 RSA", T_GNUTLS, G_RSA
	    " --priority NORMAL:-VERS-TLS1.3", "TLSv1.2", NULL, -1, 0 },
	{ "gnutls-serv TLS1.2 ECDSA", T_GNUTLS, G_EC
	    " --priority NORMAL:-VERS-TLS1.3", "TLSv1.2", NULL, -1, 0 }
};
#define NSERVERS	(sizeof servers / sizeof servers[0])

static char	tmpdir[256];

static bool
have(const char *prog)
{
	char	cmd[200];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/* A port that was free a moment ago (gnutls-serv wants a number). */
static int
free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, port = 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return 0;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static void
server_start(struct server *s, size_t idx)
{
	char	cmd[1024], out[600];
	pid_t	pid;
	int	fd;

	if (s->tool == T_GNUTLS) {
		s->port = free_port();
		/* gnutls-serv has no listen address: it binds the wildcard,
		 * but only loopback is ever connected to. */
		snprintf(cmd, sizeof cmd, "exec gnutls-serv -q -p %d %s",
		    s->port, s->args);
	} else
		snprintf(cmd, sizeof cmd, "exec openssl s_server -accept "
		    "127.0.0.1:0 %s", s->args);
	snprintf(out, sizeof out, "%s/srv%zu.out", tmpdir, idx);
	pid = fork();
	if (pid == -1)
		return;
	if (pid == 0) {
		if (chdir(tmpdir) != 0)
			_exit(127);
		/* s_server reads commands from stdin: keep it open. */
		fd = open("/dev/zero", O_RDONLY);
		if (s->tool == T_OPENSSL) {
			int	p[2];

			if (pipe(p) == 0)
				dup2(p[0], 0);
		} else if (fd >= 0)
			dup2(fd, 0);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	s->pid = pid;
}

static bool
port_open(int port)
{
	struct sockaddr_in	sin;
	int			fd;
	bool			ok;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return false;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
	close(fd);
	return ok;
}

/* s_server prints "ACCEPT 127.0.0.1:PORT"; gnutls-serv is probed (one
 * connection each, which it shrugs off). */
static void
servers_wait(int ms)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	char		 path[600], buf[4096], *a;
	FILE		*f;
	size_t		 i, n;
	int		 waited, pending;
	bool		 up[NSERVERS] = { false };

	for (waited = 0; waited < ms; waited += 20) {
		pending = 0;
		for (i = 0; i < NSERVERS; i++) {
			if (servers[i].pid == -1 || up[i])
				continue;
			if (servers[i].tool == T_GNUTLS) {
				up[i] = servers[i].port != 0 &&
				    port_open(servers[i].port);
				pending += !up[i];
				continue;
			}
			snprintf(path, sizeof path, "%s/srv%zu.out", tmpdir, i);
			f = fopen(path, "r");
			n = 0;
			if (f != NULL) {
				n = fread(buf, 1, sizeof buf - 1, f);
				fclose(f);
			}
			buf[n] = '\0';
			a = strstr(buf, "ACCEPT 127.0.0.1:");
			if (a != NULL && strchr(a, '\n') != NULL) {
				servers[i].port = atoi(a + 17);
				up[i] = true;
			} else
				pending++;
		}
		if (pending == 0)
			break;
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < NSERVERS; i++) {
		if (!up[i])
			servers[i].port = 0;
	}
}

static void
servers_stop(void)
{
	size_t	i;

	for (i = 0; i < NSERVERS; i++) {
		if (servers[i].pid == -1)
			continue;
		kill(servers[i].pid, SIGTERM);
		waitpid(servers[i].pid, NULL, 0);
		servers[i].pid = -1;
	}
}

static int
ms_left(const struct timespec *start)
{
	struct timespec	now;
	long		used;

	clock_gettime(CLOCK_MONOTONIC, &now);
	used = (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
	return used >= CASE_MS ? 0 : (int)(CASE_MS - used);
}

static bool
wait_fd(int fd, short events, const struct timespec *start)
{
	struct pollfd	pfd = { fd, events, 0 };
	int		left, r;

	for (;;) {
		left = ms_left(start);
		if (left == 0)
			return false;
		r = poll(&pfd, 1, left);
		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR)
			return false;
	}
}

/* Our handshake with the server on port; f receives the facts. */
static enum io_res
ours(struct tlswrap_config *cfg, int port, struct tls_facts *f)
{
	struct sockaddr_in	 sin;
	struct timespec		 start;
	struct tlswrap		*tw;
	enum io_res		 r = IO_ERR;
	int			 fd;

	clock_gettime(CLOCK_MONOTONIC, &start);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return IO_ERR;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if ((connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 &&
	    errno != EINPROGRESS) || !wait_fd(fd, POLLOUT, &start)) {
		close(fd);
		return IO_ERR;
	}
	tw = tlswrap_new(cfg, fd, HOST, NULL, 0);
	for (;;) {
		r = tlswrap_handshake(tw);
		if (r != IO_WANT_READ && r != IO_WANT_WRITE)
			break;
		if (!wait_fd(fd, r == IO_WANT_READ ? POLLIN : POLLOUT,
		    &start)) {
			r = IO_ERR;
			break;
		}
	}
	tlswrap_get_facts(tw, f, (int64_t)time(NULL));
	tlswrap_close_notify(tw);
	tlswrap_free(tw);
	close(fd);
	return r;
}

/* openssl s_client's verdict against the same server. */
struct theirs {
	bool	ok;		/* handshake done */
	bool	verified;	/* "Verification: OK" */
	char	version[16];	/* "TLSv1.2" */
	char	sig[32];	/* the server's "Signature type" */
};

static void
s_client(int port, struct theirs *t)
{
	char	 cmd[800], line[512];
	FILE	*fp;

	memset(t, 0, sizeof *t);
	snprintf(cmd, sizeof cmd, "openssl s_client -brief -connect "
	    "127.0.0.1:%d -servername %s -verify_hostname %s "
	    "-verify_return_error -CAfile '%s/ca.pem' </dev/null 2>&1",
	    port, HOST, HOST, tmpdir);
	fp = popen(cmd, "r");
	if (fp == NULL)
		return;
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "CONNECTION ESTABLISHED", 22) == 0)
			t->ok = true;
		else if (strcmp(line, "Verification: OK") == 0)
			t->verified = true;
		else if (strncmp(line, "Protocol version: ", 18) == 0)
			snprintf(t->version, sizeof t->version, "%.15s",
			    line + 18);
		else if (strncmp(line, "Signature type: ", 16) == 0)
			snprintf(t->sig, sizeof t->sig, "%.31s", line + 16);
	}
	pclose(fp);
}

static void
test_server(struct tlswrap_config *cfg, struct server *s)
{
	struct probe_facts	pf;
	struct theirs		t;
	enum io_res		r;
	bool			mine, theirs_ok;

	if (s->port == 0) {
		tap_skip(3, "%s did not start", s->name);
		return;
	}
	facts_init(&pf);
	r = ours(cfg, s->port, &pf.tls);
	s_client(s->port, &t);
	mine = r == IO_DONE && pf.tls.established && pf.tls.verified &&
	    strcmp(pf.tls.version, s->version) == 0;
	theirs_ok = t.ok && t.verified && strcmp(t.version, s->version) == 0;
	tap_ok(mine, "%s: ours %s %s%s%s", s->name, r == IO_DONE ?
	    "established" : "FAILED", pf.tls.version,
	    pf.tls.verified ? ", verified" : "", pf.tls.failure != NULL ?
	    pf.tls.failure : "");
	tap_ok(theirs_ok, "%s: s_client %s %s%s, signature %s", s->name,
	    t.ok ? "established" : "FAILED", t.version,
	    t.verified ? ", verified" : "", t.sig[0] != '\0' ? t.sig : "-");
	/* The server really used the signature the row is about (PSS vs
	 * PKCS#1); s_client says "RSA-PSS" or "RSA". */
	if (s->sig != NULL)
		tap_ok(mine == theirs_ok && strcmp(t.sig, s->sig) == 0,
		    "%s: both agree, signature %s", s->name, t.sig);
	else
		tap_ok(mine == theirs_ok, "%s: both agree", s->name);
	facts_clear(&pf);
}

int
main(void)
{
	struct tlswrap_config	*cfg;
	char			 path[600], cmd[800], *err = NULL;
	size_t			 i;
	bool			 gnutls;
	FILE			*f;

	signal(SIGPIPE, SIG_IGN);
	if (!have("openssl"))
		tap_skip_all("no openssl");
	gnutls = have("gnutls-serv");
	snprintf(tmpdir, sizeof tmpdir, "%s/t_tlsinterop.XXXXXX",
	    getenv("TMPDIR") != NULL && *getenv("TMPDIR") != '\0' ?
	    getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	snprintf(path, sizeof path, "%s/certs.sh", tmpdir);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs(certs_sh, f);
		fclose(f);
	}
	snprintf(cmd, sizeof cmd, "cd '%s' && sh ./certs.sh >gen.log 2>&1",
	    tmpdir);
	if (f == NULL || system(cmd) != 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			tap_diag("cannot remove %s", tmpdir);
		tap_skip_all("openssl cannot make the test certificates");
	}
	for (i = 0; i < NSERVERS; i++) {
		if (servers[i].tool == T_OPENSSL || gnutls)
			server_start(&servers[i], i);
	}
	snprintf(path, sizeof path, "%s/ca.pem", tmpdir);
	cfg = tlswrap_config_new(path, NULL, &err);
	tap_ok(cfg != NULL, "configuration with the test CA (%s)",
	    err != NULL ? err : "ok");
	free(err);
	servers_wait(5000);
	for (i = 0; cfg != NULL && i < NSERVERS; i++) {
		if (servers[i].tool == T_GNUTLS && !gnutls)
			tap_skip(3, "%s: no gnutls-serv", servers[i].name);
		else
			test_server(cfg, &servers[i]);
	}
	servers_stop();
	tlswrap_config_free(cfg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", tmpdir);
	return tap_done_testing();
}
