/* SPDX-License-Identifier: ISC */
/*
 * The server side of tlswrap (the built-in lab servers' TLS) against the
 * client side, in-process over a non-blocking socketpair driven from one
 * poll loop: every leaf kind of the demo PKI with the client's verdict,
 * TLS 1.2 with RSA-PSS and with PKCS#1, TLS 1.3, RSA and ECDSA, a
 * client-certificate request, session tickets, the misbehaviours (alert
 * mid-handshake, close without close_notify, data after close_notify).
 * With openssl present, its view of the generated certificates too.
 * T_TLSSERVER_VERBOSE=1 prints both transcripts of every session;
 * T_TLSSERVER_KEEP=1 keeps the certificates written for openssl.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

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
#include "transcript.h"

#define HOST		"mail.good.demo"
#define CASE_MS		5000	/* deadline of one session */

static struct tlswrap_pki	*pki;
static struct tlswrap_config	*ccfg;		/* trusts the demo root */

static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* One client and one server session on the two ends of a socketpair. */
struct pair {
	int			 fd[2];		/* client, server */
	struct transcript	*ctr, *str;
	struct tlswrap		*c, *s;
	struct tlswrap_cred	*cred;
	struct tlswrap_srv_config *scfg;
	enum io_res		 cr, sr;	/* handshake results */
	bool			 timeout;
	uint64_t		 deadline;
	size_t			 after_hs;	/* bytes waiting for the
						 * client after both
						 * handshakes (tickets) */
	struct probe_facts	 pf;		/* pf.tls: the client's */
};

static bool
pair_wait(struct pair *p, short ev0, short ev1)
{
	struct pollfd	pfd[2];
	uint64_t	t = now_us();
	int		n;

	if (t >= p->deadline) {
		p->timeout = true;
		return false;
	}
	pfd[0].fd = ev0 != 0 ? p->fd[0] : -1;
	pfd[0].events = ev0;
	pfd[1].fd = ev1 != 0 ? p->fd[1] : -1;
	pfd[1].events = ev1;
	do {
		n = poll(pfd, 2, (int)((p->deadline - t) / 1000 + 1));
	} while (n < 0 && errno == EINTR);
	if (n <= 0) {
		p->timeout = true;
		return false;
	}
	return true;
}

static short
want_ev(enum io_res r)
{
	return r == IO_WANT_READ ? POLLIN : r == IO_WANT_WRITE ? POLLOUT : 0;
}

static bool
waiting(enum io_res r)
{
	return r == IO_WANT_READ || r == IO_WANT_WRITE;
}

/* Make the pair and run both handshakes to their ends.  A side that
 * fails shuts its end down, as a server or probe would close it. */
static bool
pair_start(struct pair *p, const struct tlswrap_cred_spec *spec,
    const struct tlswrap_srv_opts *o, const char *host)
{
	char	*err = NULL;
	int	 i, fl, navail;

	memset(p, 0, sizeof *p);
	p->fd[0] = p->fd[1] = -1;
	facts_init(&p->pf);
	p->cred = tlswrap_cred_new(pki, spec, &err);
	if (p->cred == NULL) {
		tap_diag("cred: %s", err != NULL ? err : "?");
		free(err);
		return false;
	}
	p->scfg = tlswrap_srv_config_new(p->cred, o, &err);
	if (p->scfg == NULL) {
		tap_diag("server config: %s", err != NULL ? err : "?");
		free(err);
		return false;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, p->fd) != 0)
		return false;
	for (i = 0; i < 2; i++) {
		fl = fcntl(p->fd[i], F_GETFL);
		(void)fcntl(p->fd[i], F_SETFL, fl | O_NONBLOCK);
	}
	p->ctr = transcript_new(1 << 20, 1000);
	p->str = transcript_new(1 << 20, 1000);
	p->deadline = now_us() + CASE_MS * 1000u;
	p->c = tlswrap_new(ccfg, p->fd[0], host, p->ctr, now_us());
	p->s = tlswrap_srv_new(p->scfg, p->fd[1], p->str, now_us());
	p->cr = p->sr = IO_WANT_READ;
	for (;;) {
		if (waiting(p->cr)) {
			p->cr = tlswrap_handshake(p->c);
			if (!waiting(p->cr) && p->cr != IO_DONE)
				(void)shutdown(p->fd[0], SHUT_WR);
		}
		if (waiting(p->sr)) {
			p->sr = tlswrap_handshake(p->s);
			if (!waiting(p->sr) && p->sr != IO_DONE)
				(void)shutdown(p->fd[1], SHUT_WR);
		}
		if (!waiting(p->cr) && !waiting(p->sr))
			break;
		if (!pair_wait(p, waiting(p->cr) ? want_ev(p->cr) : 0,
		    waiting(p->sr) ? want_ev(p->sr) : 0))
			break;
	}
	if (ioctl(p->fd[0], FIONREAD, &navail) == 0 && navail > 0)
		p->after_hs = (size_t)navail;
	tlswrap_get_facts(p->c, &p->pf.tls, (int64_t)time(NULL));
	return !p->timeout;
}

static bool
tr_has(const struct transcript *tr, const char *needle)
{
	const struct tr_event	*e;
	size_t			 i;

	for (i = 0; i < transcript_count(tr); i++) {
		e = transcript_get(tr, i);
		if (e->data != NULL &&
		    memmem(e->data, e->len, needle, strlen(needle)) != NULL)
			return true;
	}
	return false;
}

static void
tr_dump(const char *who, const struct transcript *tr)
{
	const struct tr_event	*e;
	size_t			 i;

	for (i = 0; i < transcript_count(tr); i++) {
		e = transcript_get(tr, i);
		tap_diag("  %s %s %.*s", who, transcript_dir_tag(e->dir),
		    (int)e->len, e->data != NULL ? e->data : "");
	}
}

static void
pair_end(struct pair *p)
{
	if (getenv("T_TLSSERVER_VERBOSE") != NULL) {
		if (p->ctr != NULL)
			tr_dump("client", p->ctr);
		if (p->str != NULL)
			tr_dump("server", p->str);
	}
	tlswrap_free(p->c);
	tlswrap_free(p->s);
	if (p->fd[0] != -1)
		close(p->fd[0]);
	if (p->fd[1] != -1)
		close(p->fd[1]);
	transcript_free(p->ctr);
	transcript_free(p->str);
	tlswrap_srv_config_free(p->scfg);
	tlswrap_cred_free(p->cred);
	facts_clear(&p->pf);
}

/* Server writes msg; the client reads until it has it all. */
static bool
pair_exchange(struct pair *p, const char *msg)
{
	char		buf[256];
	size_t		have = 0, put = 0, n, len = strlen(msg);
	enum io_res	r;

	while (put < len) {
		r = tlswrap_write(p->s, msg + put, len - put, &n);
		if (r == IO_DONE)
			put += n;
		else if (!waiting(r) || !pair_wait(p, 0, want_ev(r)))
			return false;
	}
	while (have < len) {
		r = tlswrap_read(p->c, buf + have, sizeof buf - 1 - have, &n);
		if (r == IO_DONE)
			have += n;
		else if (!waiting(r) || !pair_wait(p, want_ev(r), 0))
			return false;
	}
	buf[have] = '\0';
	return strcmp(buf, msg) == 0;
}

/* The server ends the dialogue (close_notify as configured, then the
 * close); the client's read result until the end. */
static enum io_res
pair_close(struct pair *p)
{
	char		buf[256];
	size_t		n;
	enum io_res	r;

	tlswrap_close_notify(p->s);
	(void)shutdown(p->fd[1], SHUT_WR);
	for (;;) {
		r = tlswrap_read(p->c, buf, sizeof buf, &n);
		if (r == IO_DONE)
			continue;
		if (!waiting(r) || !pair_wait(p, want_ev(r), 0))
			return r;
	}
}

static bool
has_prob(const struct tls_facts *f, enum tls_problem pr)
{
	return (f->problems & TLS_PROB_BIT(pr)) != 0;
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "(null)";
}

static const char *const good_names[] = { HOST, "imap.good.demo", NULL };

static void
test_pki_speed(void)
{
	struct tlswrap_pki		*p;
	struct tlswrap_cred		*c[8];
	struct tlswrap_cred_spec	 sp;
	uint64_t			 t0, t1, t2;
	size_t				 i;
	char				*err = NULL;

	/* The demo: a PKI and a credential of every kind, ECDSA, then one
	 * RSA credential (the RSA key is made once per process). */
	t0 = now_us();
	p = tlswrap_pki_new(&err);
	tap_ok(p != NULL, "PKI made (%s)", nz(err));
	free(err);
	if (p == NULL)
		return;
	memset(&sp, 0, sizeof sp);
	sp.names = good_names;
	for (i = 0; i <= TLSWRAP_CRED_UNTRUSTED_ROOT; i++) {
		sp.kind = (enum tlswrap_cred_kind)i;
		c[i] = tlswrap_cred_new(p, &sp, NULL);
	}
	t1 = now_us();
	sp.kind = TLSWRAP_CRED_GOOD;
	sp.key = TLSWRAP_KEY_RSA;
	c[i] = tlswrap_cred_new(p, &sp, NULL);
	t2 = now_us();
	for (i = 0; i <= TLSWRAP_CRED_UNTRUSTED_ROOT + 1; i++) {
		if (c[i] == NULL)
			break;
	}
	tap_is_int((long long)i, TLSWRAP_CRED_UNTRUSTED_ROOT + 2,
	    "every credential made");
	tap_diag("PKI and 7 ECDSA credentials: %llu ms; RSA 2048 credential "
	    "(key made once): %llu ms", (unsigned long long)(t1 - t0) / 1000,
	    (unsigned long long)(t2 - t1) / 1000);
	/* Well under a second without RSA; a bound with room for a loaded
	 * machine and the sanitiser build. */
	tap_ok(t1 - t0 < 500000, "PKI and ECDSA credentials in under 0.5 s "
	    "(%llu ms)", (unsigned long long)(t1 - t0) / 1000);
	t0 = now_us();
	tlswrap_cred_free(tlswrap_cred_new(p, &sp, NULL));
	t1 = now_us();
	tap_ok(t1 - t0 < 100000, "a second RSA credential reuses the key "
	    "(%llu ms)", (unsigned long long)(t1 - t0) / 1000);
	for (i = 0; i <= TLSWRAP_CRED_UNTRUSTED_ROOT + 1; i++)
		tlswrap_cred_free(c[i]);
	tlswrap_pki_free(p);
}

static void
test_bad_input(void)
{
	struct tlswrap_cred_spec	 sp;
	struct tlswrap_srv_opts		 o;
	struct tlswrap_cred		*c;
	struct tlswrap_srv_config	*sc;
	struct tlswrap_config		*cfg;
	static const char *const	 bad[] = { "a,CN=evil", NULL };
	char				*err = NULL;

	memset(&sp, 0, sizeof sp);
	sp.names = bad;
	c = tlswrap_cred_new(pki, &sp, &err);
	tap_ok(c == NULL && err != NULL && strstr(err, "not a DNS name"),
	    "a name with DN syntax is refused (%s)", nz(err));
	tlswrap_cred_free(c);
	free(err);
	err = NULL;

	sp.names = NULL;
	c = tlswrap_cred_new(pki, &sp, NULL);
	memset(&o, 0, sizeof o);
	o.sig = TLSWRAP_SIG_RSA_PSS;
	sc = c != NULL ? tlswrap_srv_config_new(c, &o, &err) : NULL;
	tap_ok(c != NULL && sc == NULL && err != NULL,
	    "RSA-PSS with an ECDSA key is refused (%s)", nz(err));
	tlswrap_srv_config_free(sc);
	free(err);
	err = NULL;
	o.sig = TLSWRAP_SIG_DEFAULT;
	o.tls_min = 13;
	o.tls_max = 12;
	sc = c != NULL ? tlswrap_srv_config_new(c, &o, &err) : NULL;
	tap_ok(sc == NULL && err != NULL, "TLS 1.3 to 1.2 is refused (%s)",
	    nz(err));
	tlswrap_srv_config_free(sc);
	tlswrap_cred_free(c);
	free(err);
	err = NULL;

	cfg = tlswrap_config_new_pem("-----BEGIN CERTIFICATE-----\nnope\n"
	    "-----END CERTIFICATE-----\n", &err);
	tap_ok(cfg == NULL && err != NULL, "a CA PEM that does not parse "
	    "is refused (%s)", nz(err));
	tlswrap_config_free(cfg);
	free(err);
}

/* Every leaf kind, ECDSA, TLS 1.3 (and MISSING_INTERMEDIATE in 1.2). */
static void
test_kinds(void)
{
	struct tlswrap_cred_spec	 sp;
	struct tlswrap_srv_opts		 o;
	struct pair			 p;
	const struct tls_facts		*f = &p.pf.tls;
	bool				 ok;

	memset(&sp, 0, sizeof sp);
	sp.names = good_names;

	sp.kind = TLSWRAP_CRED_GOOD;
	ok = pair_start(&p, &sp, NULL, HOST);
	tap_ok(ok && p.cr == IO_DONE && p.sr == IO_DONE, "GOOD: handshake");
	tap_ok(f->verified && f->problems == 0, "GOOD: verified (problems "
	    "0x%x)", f->problems);
	tap_is_int((long long)f->chain_sent, 2, "GOOD: leaf and "
	    "intermediate sent");
	tap_is_str(f->version, "TLSv1.3", "GOOD: TLS 1.3 by default");
	tap_ok(tr_has(p.ctr, "SNI " HOST) && tr_has(p.str, "ClientHello "
	    "received, SNI " HOST), "GOOD: SNI sent and seen by the server");
	tap_ok(pair_exchange(&p, "* OK hello\r\n"), "GOOD: data from the "
	    "server reaches the client");
	pair_end(&p);

	ok = pair_start(&p, &sp, NULL, "imap.good.demo");
	tap_ok(ok && f->verified, "GOOD: the second SAN verifies too");
	pair_end(&p);

	sp.kind = TLSWRAP_CRED_EXPIRED;
	ok = pair_start(&p, &sp, NULL, HOST);
	tap_ok(ok && p.cr == IO_DONE && !f->verified &&
	    f->problems == TLS_PROB_BIT(TLS_PROB_EXPIRED),
	    "EXPIRED: expired, nothing else (0x%x)", f->problems);
	tap_ok(f->chain_len > 0 && f->chain[0].days_left < 0,
	    "EXPIRED: days left negative");
	pair_end(&p);

	sp.kind = TLSWRAP_CRED_NOT_YET_VALID;
	ok = pair_start(&p, &sp, NULL, HOST);
	tap_ok(ok && p.cr == IO_DONE &&
	    f->problems == TLS_PROB_BIT(TLS_PROB_NOT_YET_VALID),
	    "NOT_YET_VALID: not_yet_valid, nothing else (0x%x)", f->problems);
	pair_end(&p);

	sp.kind = TLSWRAP_CRED_WRONG_NAME;
	ok = pair_start(&p, &sp, NULL, HOST);
	tap_ok(ok && p.cr == IO_DONE &&
	    f->problems == TLS_PROB_BIT(TLS_PROB_HOSTNAME_MISMATCH),
	    "WRONG_NAME: hostname_mismatch, nothing else (0x%x)",
	    f->problems);
	tap_ok(f->chain_len > 0 && f->chain[0].san.n == 1 &&
	    f->chain[0].san.v[0].n == strlen("wrong-name.invalid") &&
	    memcmp(f->chain[0].san.v[0].p, "wrong-name.invalid",
	    f->chain[0].san.v[0].n) == 0, "WRONG_NAME: SAN is "
	    "wrong-name.invalid");
	pair_end(&p);

	sp.kind = TLSWRAP_CRED_SELF_SIGNED;
	ok = pair_start(&p, &sp, NULL, HOST);
	tap_ok(ok && p.cr == IO_DONE && has_prob(f, TLS_PROB_SELF_SIGNED) &&
	    has_prob(f, TLS_PROB_UNTRUSTED) &&
	    !has_prob(f, TLS_PROB_HOSTNAME_MISMATCH),
	    "SELF_SIGNED: self_signed (0x%x)", f->problems);
	tap_ok(f->chain_sent == 1 && f->chain[0].self_issued,
	    "SELF_SIGNED: one self-issued certificate");
	pair_end(&p);

	sp.kind = TLSWRAP_CRED_MISSING_INTERMEDIATE;
	ok = pair_start(&p, &sp, NULL, HOST);
	tap_ok(ok && p.cr == IO_DONE &&
	    f->problems == TLS_PROB_BIT(TLS_PROB_UNTRUSTED),
	    "MISSING_INTERMEDIATE: untrusted, not self-signed (0x%x)",
	    f->problems);
	tap_ok(f->chain_sent == 1 && !f->chain[0].self_issued,
	    "MISSING_INTERMEDIATE: only the leaf sent, issued by another");
	pair_end(&p);

	memset(&o, 0, sizeof o);
	o.tls_max = 12;
	ok = pair_start(&p, &sp, &o, HOST);
	tap_ok(ok && p.cr == IO_DONE && strcmp(f->version, "TLSv1.2") == 0 &&
	    f->problems == TLS_PROB_BIT(TLS_PROB_UNTRUSTED),
	    "MISSING_INTERMEDIATE over TLS 1.2: untrusted (0x%x, %s)",
	    f->problems, f->version);
	pair_end(&p);

	sp.kind = TLSWRAP_CRED_UNTRUSTED_ROOT;
	ok = pair_start(&p, &sp, NULL, HOST);
	tap_ok(ok && p.cr == IO_DONE &&
	    f->problems == TLS_PROB_BIT(TLS_PROB_UNTRUSTED),
	    "UNTRUSTED_ROOT: untrusted, not self-signed (0x%x)", f->problems);
	tap_ok(f->chain_sent == 2 && f->chain_len == 2 &&
	    f->chain[1].self_issued, "UNTRUSTED_ROOT: leaf and the unrelated "
	    "root sent (not a missing intermediate)");
	pair_end(&p);
}

/* TLS 1.2 and 1.3, RSA and ECDSA, PSS and PKCS#1. */
static void
test_versions(void)
{
	static const struct {
		enum tlswrap_key	 key;
		int			 max;
		enum tlswrap_sig	 sig;
		const char		*version;
		const char		*sigpfx;	/* TLS 1.2 scheme */
		const char		*what;
	} t[] = {
		{ TLSWRAP_KEY_RSA, 12, TLSWRAP_SIG_RSA_PSS, "TLSv1.2",
		    "rsa_pss_rsae_", "TLS 1.2, RSA, PSS" },
		{ TLSWRAP_KEY_RSA, 12, TLSWRAP_SIG_PKCS1, "TLSv1.2",
		    "rsa_pkcs1_", "TLS 1.2, RSA, PKCS#1" },
		{ TLSWRAP_KEY_RSA, 12, TLSWRAP_SIG_DEFAULT, "TLSv1.2",
		    "rsa_pkcs1_", "TLS 1.2, RSA, mbedTLS's default" },
		{ TLSWRAP_KEY_RSA, 13, TLSWRAP_SIG_DEFAULT, "TLSv1.3", NULL,
		    "TLS 1.3, RSA" },
		{ TLSWRAP_KEY_ECDSA, 12, TLSWRAP_SIG_DEFAULT, "TLSv1.2",
		    "ecdsa_", "TLS 1.2, ECDSA" },
		{ TLSWRAP_KEY_ECDSA, 13, TLSWRAP_SIG_DEFAULT, "TLSv1.3", NULL,
		    "TLS 1.3, ECDSA" },
	};
	struct tlswrap_cred_spec	 sp;
	struct tlswrap_srv_opts		 o;
	struct pair			 p;
	const struct tls_facts		*f = &p.pf.tls;
	size_t				 i;
	bool				 ok;

	memset(&sp, 0, sizeof sp);
	sp.names = good_names;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		sp.key = t[i].key;
		memset(&o, 0, sizeof o);
		o.tls_max = t[i].max;
		o.tls_min = t[i].max;
		o.sig = t[i].sig;
		ok = pair_start(&p, &sp, &o, HOST);
		tap_ok(ok && p.cr == IO_DONE && p.sr == IO_DONE &&
		    f->verified && strcmp(f->version, t[i].version) == 0,
		    "%s: verified, %s (%s, %s)", t[i].what, t[i].version,
		    f->version, nz(f->failure));
		if (t[i].sigpfx != NULL)
			tap_ok(strncmp(f->signature, t[i].sigpfx,
			    strlen(t[i].sigpfx)) == 0, "%s: signed with %s* "
			    "(%s)", t[i].what, t[i].sigpfx, f->signature);
		tap_ok(f->chain_len > 0 && strstr(f->chain[0].key_type,
		    t[i].key == TLSWRAP_KEY_RSA ? "RSA" : "EC") != NULL,
		    "%s: key type %s", t[i].what, f->chain_len > 0 ?
		    f->chain[0].key_type : "-");
		tap_ok(pair_exchange(&p, "+OK data\r\n"), "%s: data flows",
		    t[i].what);
		pair_end(&p);
	}
}

static void
test_client_cert(void)
{
	struct tlswrap_cred_spec	 sp;
	struct tlswrap_srv_opts		 o;
	struct pair			 p;
	const struct tls_facts		*f = &p.pf.tls;
	bool				 ok;
	int				 v;

	memset(&sp, 0, sizeof sp);
	sp.names = good_names;
	for (v = 12; v <= 13; v++) {
		memset(&o, 0, sizeof o);
		o.tls_min = o.tls_max = v;
		o.request_client_cert = true;
		ok = pair_start(&p, &sp, &o, HOST);
		tap_ok(ok && p.cr == IO_DONE && p.sr == IO_DONE &&
		    f->verified, "client cert request, TLS 1.%d: the "
		    "handshake completes without one", v - 10);
		tap_ok(f->client_cert_requested, "client cert request, TLS "
		    "1.%d: noticed by the client", v - 10);
		tap_ok(tr_has(p.str, "client sent no certificate"),
		    "client cert request, TLS 1.%d: the server logs none "
		    "came", v - 10);
		pair_end(&p);

		o.request_client_cert = false;
		ok = pair_start(&p, &sp, &o, HOST);
		tap_ok(ok && p.cr == IO_DONE && !f->client_cert_requested,
		    "no request, TLS 1.%d: none noticed", v - 10);
		pair_end(&p);
	}
}

static void
test_tickets(void)
{
	struct tlswrap_cred_spec	 sp;
	struct tlswrap_srv_opts		 o;
	struct pair			 p;
	size_t				 base = 0;
	bool				 ok;
	int				 n;

	memset(&sp, 0, sizeof sp);
	sp.names = good_names;
	for (n = 0; n <= 4; n += 4) {
		memset(&o, 0, sizeof o);
		o.tickets = n;
		ok = pair_start(&p, &sp, &o, HOST);
		tap_ok(ok && p.cr == IO_DONE && p.sr == IO_DONE &&
		    p.pf.tls.verified, "%d tickets: handshake", n);
		if (n == 0) {
			base = p.after_hs;
			tap_is_int((long long)base, 0, "no tickets: nothing "
			    "follows the handshake");
		} else
			tap_ok(p.after_hs > base + 4 * 50, "%d tickets: %zu "
			    "bytes of them follow the handshake", n,
			    p.after_hs);
		tap_ok(pair_exchange(&p, "220 after tickets\r\n"),
		    "%d tickets: data read after them", n);
		tap_ok(pair_close(&p) == IO_EOF && !tlswrap_get_failure(p.c),
		    "%d tickets: clean end, no spurious error (%s)", n,
		    nz(tlswrap_get_failure(p.c)));
		tap_ok(tr_has(p.ctr, "close_notify received") &&
		    !tr_has(p.ctr, "without close_notify") &&
		    !tr_has(p.ctr, "data after close_notify"),
		    "%d tickets: close_notify, nothing after", n);
		pair_end(&p);
	}
}

static void
test_misbehave(void)
{
	struct tlswrap_cred_spec	 sp;
	struct tlswrap_srv_opts		 o;
	struct pair			 p;
	bool				 ok;
	int				 v;

	memset(&sp, 0, sizeof sp);
	sp.names = good_names;
	for (v = 12; v <= 13; v++) {
		memset(&o, 0, sizeof o);
		o.tls_max = v;
		o.misbehave = TLSWRAP_MIS_ALERT_MID_HANDSHAKE;
		ok = pair_start(&p, &sp, &o, HOST);
		tap_ok(ok && p.cr == IO_ERR && p.sr == IO_ERR, "alert, max "
		    "TLS 1.%d: both handshakes fail", v - 10);
		tap_ok(strstr(nz(tlswrap_get_failure(p.c)),
		    "handshake alert: handshake failure") != NULL,
		    "alert, max TLS 1.%d: the client names it (%s)", v - 10,
		    nz(tlswrap_get_failure(p.c)));
		tap_ok(strstr(nz(tlswrap_get_failure(p.s)),
		    "after the ClientHello") != NULL && !tr_has(p.ctr,
		    "ServerHello"), "alert, max TLS 1.%d: sent after the "
		    "ClientHello, before any ServerHello", v - 10);
		pair_end(&p);
	}

	memset(&o, 0, sizeof o);
	o.misbehave = TLSWRAP_MIS_ALERT_MID_HANDSHAKE;
	o.alert = 70;
	ok = pair_start(&p, &sp, &o, HOST);
	tap_ok(ok && strstr(nz(tlswrap_get_failure(p.c)),
	    "protocol version") != NULL, "alert 70: the client names it (%s)",
	    nz(tlswrap_get_failure(p.c)));
	pair_end(&p);

	memset(&o, 0, sizeof o);
	o.misbehave = TLSWRAP_MIS_CLOSE_NO_NOTIFY;
	ok = pair_start(&p, &sp, &o, HOST);
	tap_ok(ok && p.cr == IO_DONE && pair_exchange(&p, "221 bye\r\n"),
	    "close without close_notify: dialogue");
	tap_ok(pair_close(&p) == IO_EOF, "close without close_notify: EOF");
	tap_ok(tr_has(p.ctr, "connection closed without close_notify") &&
	    !tr_has(p.ctr, "close_notify received"),
	    "close without close_notify: named by the client");
	pair_end(&p);

	memset(&o, 0, sizeof o);
	o.misbehave = TLSWRAP_MIS_DATA_AFTER_NOTIFY;
	ok = pair_start(&p, &sp, &o, HOST);
	tap_ok(ok && p.cr == IO_DONE && pair_exchange(&p, "221 bye\r\n"),
	    "data after close_notify: dialogue");
	tap_ok(pair_close(&p) == IO_EOF, "data after close_notify: EOF");
	tap_ok(tr_has(p.ctr, "close_notify received") &&
	    tr_has(p.ctr, "data after close_notify") &&
	    !tr_has(p.ctr, "without close_notify"),
	    "data after close_notify: named by the client, distinctly");
	pair_end(&p);

	/* The well-behaved end, for contrast. */
	ok = pair_start(&p, &sp, NULL, HOST);
	tap_ok(ok && pair_exchange(&p, "221 bye\r\n") &&
	    pair_close(&p) == IO_EOF && tr_has(p.ctr, "close_notify "
	    "received") && !tr_has(p.ctr, "data after close_notify") &&
	    !tr_has(p.ctr, "without close_notify"),
	    "normal end: close_notify and nothing else");
	pair_end(&p);
}

/* A client trusting another PKI's root does not trust this one. */
static void
test_own_ca_only(void)
{
	struct tlswrap_pki		*other;
	struct tlswrap_config		*keep = ccfg;
	struct tlswrap_cred_spec	 sp;
	struct pair			 p;
	bool				 ok;

	other = tlswrap_pki_new(NULL);
	ccfg = other != NULL ?
	    tlswrap_config_new_pem(tlswrap_pki_ca_pem(other), NULL) : NULL;
	if (ccfg == NULL) {
		tap_ok(false, "a second PKI and its client config");
		ccfg = keep;
		tlswrap_pki_free(other);
		return;
	}
	memset(&sp, 0, sizeof sp);
	sp.names = good_names;
	ok = pair_start(&p, &sp, NULL, HOST);
	tap_ok(ok && p.cr == IO_DONE && !p.pf.tls.verified &&
	    has_prob(&p.pf.tls, TLS_PROB_UNTRUSTED), "another demo's root "
	    "does not verify this one's certificate");
	pair_end(&p);
	tlswrap_config_free(ccfg);
	ccfg = keep;
	tlswrap_pki_free(other);
}

/* openssl's view of the certificates. */
static bool
have_openssl(void)
{
	return system("openssl version >/dev/null 2>&1") == 0;
}

static bool
write_file(const char *dir, const char *name, const char *text)
{
	char	path[600];
	FILE	*fp;
	bool	ok;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp == NULL)
		return false;
	ok = fputs(text, fp) >= 0;
	return fclose(fp) == 0 && ok;
}

static int
sh(const char *dir, const char *cmd)
{
	char	buf[1400];

	snprintf(buf, sizeof buf, "cd '%s' && %s >/dev/null 2>&1", dir, cmd);
	return system(buf);
}

static void
test_openssl(void)
{
	static const struct {
		enum tlswrap_cred_kind	 kind;
		const char		*file;
	} k[] = {
		{ TLSWRAP_CRED_GOOD, "good.pem" },
		{ TLSWRAP_CRED_EXPIRED, "expired.pem" },
		{ TLSWRAP_CRED_NOT_YET_VALID, "future.pem" },
		{ TLSWRAP_CRED_SELF_SIGNED, "self.pem" },
		{ TLSWRAP_CRED_UNTRUSTED_ROOT, "untrusted.pem" },
	};
	struct tlswrap_cred_spec	 sp;
	struct tlswrap_cred		*c;
	char				 dir[512];
	size_t				 i;
	bool				 ok = true;

	if (!have_openssl()) {
		tap_skip(9, "no openssl");
		return;
	}
	snprintf(dir, sizeof dir, "%s/t_tlsserver.XXXXXX",
	    getenv("TMPDIR") != NULL && *getenv("TMPDIR") != '\0' ?
	    getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		tap_skip(9, "cannot make a temporary directory");
		return;
	}
	memset(&sp, 0, sizeof sp);
	sp.names = good_names;
	sp.key = TLSWRAP_KEY_RSA;
	for (i = 0; i < sizeof k / sizeof k[0]; i++) {
		sp.kind = k[i].kind;
		c = tlswrap_cred_new(pki, &sp, NULL);
		ok = ok && c != NULL && write_file(dir, k[i].file,
		    tlswrap_cred_pem(c));
		tlswrap_cred_free(c);
	}
	ok = ok && write_file(dir, "root.pem", tlswrap_pki_ca_pem(pki));
	ok = ok && write_file(dir, "inter.pem",
	    tlswrap_pki_intermediate_pem(pki));
	tap_ok(ok, "certificates written to %s", dir);

	tap_ok(sh(dir, "openssl verify -CAfile root.pem -untrusted "
	    "inter.pem -purpose sslserver -verify_hostname " HOST
	    " good.pem") == 0, "openssl: GOOD verifies, name and purpose");
	tap_ok(sh(dir, "openssl verify -CAfile root.pem -untrusted "
	    "inter.pem -verify_hostname imap.good.demo good.pem") == 0,
	    "openssl: GOOD verifies for its second SAN");
	tap_ok(sh(dir, "openssl verify -CAfile root.pem -untrusted "
	    "inter.pem -verify_hostname other.demo good.pem") != 0,
	    "openssl: GOOD does not verify for another name");
	tap_ok(sh(dir, "openssl verify -CAfile root.pem good.pem") != 0,
	    "openssl: GOOD without the intermediate does not verify");
	tap_ok(sh(dir, "openssl verify -CAfile root.pem -untrusted "
	    "inter.pem expired.pem 2>&1 | grep -q 'has expired'") == 0,
	    "openssl: EXPIRED has expired");
	tap_ok(sh(dir, "openssl verify -CAfile root.pem -untrusted "
	    "inter.pem future.pem 2>&1 | grep -q 'not yet valid'") == 0,
	    "openssl: NOT_YET_VALID is not yet valid");
	tap_ok(sh(dir, "openssl verify -CAfile root.pem self.pem") != 0 &&
	    sh(dir, "openssl verify -CAfile root.pem untrusted.pem") != 0,
	    "openssl: SELF_SIGNED and UNTRUSTED_ROOT do not verify");
	tap_ok(sh(dir, "openssl x509 -noout -text -in good.pem | grep -q "
	    "'DNS:" HOST ", DNS:imap.good.demo' && openssl x509 -noout "
	    "-text -in good.pem | grep -q 'TLS Web Server Authentication' "
	    "&& openssl x509 -noout -text -in good.pem | grep -q "
	    "'Public-Key: (2048 bit)' && openssl x509 -noout -text -in "
	    "root.pem | grep -q 'CA:TRUE'") == 0,
	    "openssl: SANs, serverAuth, RSA 2048, CA:TRUE on the root");
	if (getenv("T_TLSSERVER_KEEP") != NULL) {
		tap_diag("certificates kept in %s", dir);
		return;
	}
	(void)sh(dir, "rm -f good.pem expired.pem future.pem self.pem "
	    "untrusted.pem root.pem inter.pem");
	if (rmdir(dir) != 0)
		tap_diag("cannot remove %s", dir);
}

int
main(void)
{
	char	*err = NULL;

	signal(SIGPIPE, SIG_IGN);
	pki = tlswrap_pki_new(&err);
	tap_ok(pki != NULL, "demo PKI (%s)", nz(err));
	free(err);
	err = NULL;
	if (pki == NULL)
		return tap_done_testing();
	ccfg = tlswrap_config_new_pem(tlswrap_pki_ca_pem(pki), &err);
	tap_ok(ccfg != NULL, "client config trusting the demo root (%s)",
	    nz(err));
	free(err);
	if (ccfg == NULL) {
		tlswrap_pki_free(pki);
		return tap_done_testing();
	}

	test_pki_speed();
	test_bad_input();
	test_kinds();
	test_versions();
	test_client_cert();
	test_tickets();
	test_misbehave();
	test_own_ca_only();
	test_openssl();

	tlswrap_config_free(ccfg);
	tlswrap_pki_free(pki);
	return tap_done_testing();
}
