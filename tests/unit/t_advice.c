/* SPDX-License-Identifier: ISC */
/*
 * The answer module with canned cells: best settings and alternatives,
 * the user's own setting, every finding id, and the --setting parser.
 * Facts are built by hand (facts_init + fields); no network.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advice.h"
#include "dialect.h"
#include "evloop.h"
#include "facts.h"
#include "run.h"
#include "tap.h"
#include "target.h"

#define NOW		1780000000	/* the probes' Unix time */
#define DAY		86400
#define CELLS_MAX	96

struct cellset {
	struct advice_cell	 c[CELLS_MAX];	/* input cells */
	struct probe_facts	 f[CELLS_MAX];	/* their facts */
	size_t			 n;		/* cells used */
	struct advice_given	 g[8];		/* --setting */
	size_t			 ng;		/* settings used */
	int			 expiring;	/* expiring_days */
	unsigned		 slow_ms;	/* slow threshold */
	struct advice		*a;		/* the result */
};

static const char *
proto_of(uint16_t port)
{
	switch (port) {
	case 25:
	case 465:
	case 587:
		return "smtp";
	case 110:
	case 995:
		return "pop3";
	default:
		return "imap";
	}
}

static const char *
service_of(uint16_t port)
{
	switch (port) {
	case 25:
		return "smtp";
	case 465:
		return "submissions";
	case 587:
		return "submission";
	case 110:
		return "pop3";
	case 995:
		return "pop3s";
	case 143:
		return "imap";
	case 993:
		return "imaps";
	default:
		return NULL;
	}
}

/* A cell of host at address, with the given status. */
static struct probe_facts *
add(struct cellset *s, const char *host, const char *addr, uint16_t port,
    enum probe_mode mode, enum probe_status st)
{
	struct advice_cell	*c;
	struct probe_facts	*f;

	if (s->n == CELLS_MAX)
		abort();
	c = &s->c[s->n];
	f = &s->f[s->n];
	s->n++;
	facts_init(f);
	f->status = st;
	f->phase = st == ST_OK ? PS_DONE : PS_FAILED;
	c->host = host;
	c->address = addr;
	c->family = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	c->port = port;
	c->service = service_of(port);
	c->protocol = proto_of(port);
	c->mode = mode;
	c->facts = f;
	return f;
}

static void
word(struct mstr_list *l, const char *w)
{
	mstr_list_add(l, w, strlen(w), 128);
}

/* TLS established with the leaf expiring in days. */
static void
tls(struct probe_facts *f, bool verified, unsigned problems, int64_t days)
{
	f->tls.attempted = true;
	f->tls.established = true;
	f->tls.server_spoke_tls = true;
	snprintf(f->tls.version, sizeof f->tls.version, "TLSv1.3");
	f->tls.verified = verified;
	f->tls.problems = problems;
	f->tls.chain_len = 2;
	f->tls.chain_sent = 2;
	f->tls.chain[0].not_before = NOW - 30 * DAY;
	f->tls.chain[0].not_after = NOW + days * DAY;
	f->tls.chain[0].days_left = days;
	f->tls.chain[1].not_after = NOW + 900 * DAY;
	f->tls.chain[1].days_left = 900;
	f->tls.chain[1].self_issued = false;
}

/* Capabilities inside TLS with a login (AUTH PLAIN, USER, IMAP LOGIN). */
static void
login_after(struct probe_facts *f, uint16_t port)
{
	f->caps_after_known = true;
	if (strcmp(proto_of(port), "pop3") == 0)
		word(&f->caps_after, "USER");
	else if (strcmp(proto_of(port), "smtp") == 0)
		word(&f->auth_after, "PLAIN");
	else
		word(&f->caps_after, "IMAP4rev1");
}

/* Capabilities before TLS: STARTTLS offered, login only inside TLS. */
static void
careful_before(struct probe_facts *f, uint16_t port)
{
	f->caps_before_known = true;
	f->starttls_offered = true;
	if (strcmp(proto_of(port), "imap") == 0)
		f->login_disabled_before = true;
}

static struct probe_facts *
ok_tls(struct cellset *s, const char *host, const char *addr, uint16_t port,
    enum probe_mode mode)
{
	struct probe_facts	*f;

	f = add(s, host, addr, port, mode, ST_OK);
	if (mode == MODE_STARTTLS)
		careful_before(f, port);
	tls(f, true, 0, 200);
	login_after(f, port);
	return f;
}

/* A well-run provider on one address: implicit TLS and STARTTLS verified,
 * plaintext sessions offer no login, port 25 is an MX without AUTH. */
static void
well_run(struct cellset *s, const char *host, const char *addr)
{
	static const uint16_t	 tls_ports[] = { 465, 995, 993 };
	static const uint16_t	 stt_ports[] = { 25, 587, 110, 143 };
	struct probe_facts	*f;
	size_t			 i;

	for (i = 0; i < 3; i++) {
		ok_tls(s, host, addr, tls_ports[i], MODE_TLS);
		add(s, host, addr, tls_ports[i], MODE_PLAIN, ST_WRONG_MODE);
		add(s, host, addr, tls_ports[i], MODE_STARTTLS,
		    ST_WRONG_MODE);
	}
	for (i = 0; i < 4; i++) {
		f = ok_tls(s, host, addr, stt_ports[i], MODE_STARTTLS);
		if (stt_ports[i] == 25) {
			mstr_list_clear(&f->auth_after);
		}
		f = add(s, host, addr, stt_ports[i], MODE_PLAIN, ST_OK);
		careful_before(f, stt_ports[i]);
		add(s, host, addr, stt_ports[i], MODE_TLS, ST_WRONG_MODE);
	}
}

static void
dump_setting(const char *what, const struct advice_setting *v)
{
	tap_diag("  %s %s %u %s secure=%d relay=%d login=%s problems=%#x: %s",
	    what, advice_proto_name(v->proto), v->port,
	    advice_security_id(v->security), v->secure, v->relay,
	    advice_login_name(v->login), v->problems, v->why);
}

/* T_ADVICE_DUMP=1 prints every answer as TAP diagnostics, to read the
 * sentences as a user would. */
static void
dump(const struct advice *a)
{
	const struct advice_host	*h;
	const struct advice_check	*c;
	const struct advice_finding	*f;
	size_t				 i, j, k;
	int				 p;

	for (i = 0; i < advice_host_count(a); i++) {
		h = advice_get_host(a, i);
		tap_diag("host %s complete=%d", h->host, h->complete);
		for (p = 0; p < ADVICE_PROTO_LAST; p++) {
			tap_diag(" %s: %s", advice_proto_name(p),
			    h->rec[p].why != NULL ? h->rec[p].why : "");
			for (j = 0; j < h->rec[p].n; j++)
				dump_setting(j == 0 ? "best" : "alt",
				    &h->rec[p].v[j]);
			for (j = 0; j < h->rec[p].nexcluded; j++)
				dump_setting("excluded",
				    &h->rec[p].excluded[j]);
		}
		for (j = 0; j < h->nchecks; j++) {
			c = &h->checks[j];
			tap_diag(" check %s: works=%d status=%s why=%s "
			    "change=%s ninstead=%zu", c->given.text, c->works,
			    c->status, c->why, c->change != NULL ? c->change :
			    "-", c->ninstead);
		}
		for (j = 0; j < h->nfindings; j++) {
			f = &h->findings[j];
			tap_diag(" finding %s %s cells=%zu: %s / fix: %s",
			    advice_finding_name(f->id),
			    advice_severity_name(f->severity), f->ncells,
			    f->text, f->fix);
			for (k = 0; k < f->names.n; k++)
				tap_diag("   name %s", f->names.v[k].p);
		}
	}
}

static const struct advice_host *
run(struct cellset *s)
{
	struct advice_input	in;

	memset(&in, 0, sizeof in);
	in.cells = s->c;
	in.ncells = s->n;
	in.given = s->g;
	in.ngiven = s->ng;
	in.now = NOW;
	in.expiring_days = s->expiring;
	in.slow_ms = s->slow_ms;
	s->a = advice_new(&in);
	if (getenv("T_ADVICE_DUMP") != NULL)
		dump(s->a);
	return advice_get_host(s->a, 0);
}

static void
done(struct cellset *s)
{
	size_t	i;

	advice_free(s->a);
	for (i = 0; i < s->n; i++)
		facts_clear(&s->f[i]);
	memset(s, 0, sizeof *s);
}

static void
given(struct cellset *s, const char *text)
{
	char	*err = NULL;

	if (advice_parse_setting(text, &s->g[s->ng], &err) != 0) {
		tap_diag("parse %s: %s", text, err);
		free(err);
		abort();
	}
	s->ng++;
}

static const struct advice_finding *
finding(const struct advice_host *h, enum advice_finding_id id)
{
	size_t	i;

	for (i = 0; i < h->nfindings; i++) {
		if (h->findings[i].id == id)
			return &h->findings[i];
	}
	return NULL;
}

static bool
has_cell(const struct advice_finding *f, const char *addr, uint16_t port,
    enum probe_mode mode)
{
	size_t	i;

	if (f == NULL)
		return false;
	for (i = 0; i < f->ncells; i++) {
		if (strcmp(f->cells[i].address, addr) == 0 &&
		    f->cells[i].port == port && f->cells[i].mode == mode)
			return true;
	}
	return false;
}

static bool
contains(const char *s, const char *want)
{
	return s != NULL && strstr(s, want) != NULL;
}

/* The best setting is port/security (secure or not). */
static void
is_best(const struct advice_host *h, enum advice_proto p, uint16_t port,
    enum probe_mode sec, bool secure, const char *what)
{
	const struct advice_setting	*b = advice_rec_best(&h->rec[p]);

	if (!tap_ok(b != NULL && b->port == port && b->security == sec &&
	    b->secure == secure, "%s: best %s is %u %s%s", what,
	    advice_proto_name(p), port, advice_security_id(sec),
	    secure ? " (secure)" : " (not secure)")) {
		if (b == NULL)
			tap_diag("no best: %s", h->rec[p].why);
		else
			tap_diag("got %u %s secure=%d", b->port,
			    advice_security_id(b->security), b->secure);
	}
}

static void
t_well_run(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_rec		*r;
	size_t				 i;
	bool				 no25 = true, login = true;

	memset(&s, 0, sizeof s);
	well_run(&s, "mail.example.net", "192.0.2.1");
	h = run(&s);
	tap_is_int((long long)advice_host_count(s.a), 1, "well run: one host");
	tap_is_str(h->host, "mail.example.net", "well run: host name");
	tap_ok(h->complete, "well run: complete");
	is_best(h, ADVICE_IMAP, 993, MODE_TLS, true, "well run");
	is_best(h, ADVICE_POP3, 995, MODE_TLS, true, "well run");
	is_best(h, ADVICE_SMTP, 465, MODE_TLS, true, "well run");
	r = &h->rec[ADVICE_SMTP];
	tap_ok(r->n == 2 && r->v[1].port == 587 &&
	    r->v[1].security == MODE_STARTTLS && r->v[1].secure,
	    "well run: SMTP 465 then 587 STARTTLS (RFC 8314 order)");
	for (i = 0; i < r->n; i++) {
		if (r->v[i].port == 25)
			no25 = false;
	}
	tap_ok(no25, "well run: port 25 is not offered for sending");
	tap_is_int((long long)r->nexcluded, 3,
	    "well run: 25 (both modes) and plaintext 587 are left out");
	for (i = 0; i < r->nexcluded; i++) {
		if (r->excluded[i].port == 587)
			tap_ok(r->excluded[i].security == MODE_PLAIN &&
			    contains(r->excluded[i].why, "no login before TLS"),
			    "well run: plaintext 587 has no login before TLS");
	}
	r = &h->rec[ADVICE_IMAP];
	tap_ok(r->n == 1 + 1 && r->v[1].port == 143 &&
	    r->v[1].security == MODE_STARTTLS,
	    "well run: IMAP alternative 143 STARTTLS");
	tap_is_str(r->v[0].server, "mail.example.net", "well run: server");
	for (i = 0; i < r->n; i++) {
		if (r->v[i].login != ADVICE_LOGIN_OFFERED)
			login = false;
	}
	tap_ok(login, "well run: login offered on the IMAP settings");
	tap_ok(contains(r->v[0].why, "verified certificate"),
	    "well run: why names the verified certificate");
	tap_ok(h->rec[ADVICE_POP3].n == 2 &&
	    h->rec[ADVICE_POP3].v[1].port == 110,
	    "well run: POP3 alternative 110 STARTTLS");
	if (!tap_is_int((long long)h->nfindings, 0, "well run: no findings"))
		tap_diag("first: %s", advice_finding_name(h->findings[0].id));
	tap_is_int(advice_host_worst(h), -1, "well run: worst is none");
	done(&s);
}

/* Equal settings otherwise, the port meant for the security wins over
 * the lower port: 587 STARTTLS before a 465 that wrongly speaks plain SMTP
 * with STARTTLS (the "bad" lab of tests/real). */
static void
t_native_first(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	struct probe_facts		*p;
	const char			*host = "mail.example.net";
	const char			*ip = "192.0.2.7";
	uint16_t			 port[] = { 465, 587 };
	size_t				 i;

	memset(&s, 0, sizeof s);
	for (i = 0; i < 2; i++) {
		p = ok_tls(&s, host, ip, port[i], MODE_STARTTLS);
		p->tls.verified = false;
		p->tls.problems = TLS_PROB_BIT(TLS_PROB_HOSTNAME_MISMATCH);
		p = add(&s, host, ip, port[i], MODE_PLAIN, ST_OK);
		careful_before(p, port[i]);
		add(&s, host, ip, port[i], MODE_TLS, ST_WRONG_MODE);
	}
	h = run(&s);
	is_best(h, ADVICE_SMTP, 587, MODE_STARTTLS, false, "native first");
	tap_ok(h->rec[ADVICE_SMTP].n == 2 &&
	    h->rec[ADVICE_SMTP].v[1].port == 465 &&
	    !h->rec[ADVICE_SMTP].v[1].native && h->rec[ADVICE_SMTP].v[0].native,
	    "native first: 465 STARTTLS is the alternative, not meant for it");
	done(&s);
}

static void
t_legacy(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_finding	*f;
	struct probe_facts		*p;
	const char			*host = "old.example.net";
	const char			*ip = "192.0.2.7";
	static const uint16_t		 closed[] = { 465, 995, 993 };
	size_t				 i;

	memset(&s, 0, sizeof s);
	p = add(&s, host, ip, 143, MODE_PLAIN, ST_OK);
	p->caps_before_known = true;
	p->login_in_clear = true;
	add(&s, host, ip, 143, MODE_STARTTLS, ST_STARTTLS_NOT_OFFERED)
	    ->caps_before_known = true;
	p = add(&s, host, ip, 110, MODE_PLAIN, ST_OK);
	p->caps_before_known = true;
	word(&p->caps_before, "USER");
	add(&s, host, ip, 110, MODE_STARTTLS, ST_STARTTLS_NOT_OFFERED)
	    ->caps_before_known = true;
	p = add(&s, host, ip, 587, MODE_PLAIN, ST_OK);
	p->caps_before_known = true;
	word(&p->auth_before, "PLAIN");
	word(&p->auth_before, "LOGIN");
	add(&s, host, ip, 587, MODE_STARTTLS, ST_STARTTLS_NOT_OFFERED)
	    ->caps_before_known = true;
	add(&s, host, ip, 25, MODE_PLAIN, ST_OK)->caps_before_known = true;
	for (i = 0; i < 3; i++) {
		add(&s, host, ip, closed[i], MODE_TLS, ST_REFUSED);
		add(&s, host, ip, closed[i], MODE_PLAIN, ST_REFUSED);
	}
	given(&s, "imap:143:starttls");
	h = run(&s);

	is_best(h, ADVICE_IMAP, 143, MODE_PLAIN, false, "legacy");
	is_best(h, ADVICE_POP3, 110, MODE_PLAIN, false, "legacy");
	is_best(h, ADVICE_SMTP, 587, MODE_PLAIN, false, "legacy");
	tap_ok(contains(h->rec[ADVICE_IMAP].v[0].why, "no encryption") &&
	    !contains(h->rec[ADVICE_IMAP].v[0].why, "verified"),
	    "legacy: the None setting says it is not encrypted");
	tap_ok(h->rec[ADVICE_IMAP].v[0].login == ADVICE_LOGIN_OFFERED,
	    "legacy: login offered on 143 (in clear)");
	f = finding(h, ADVICE_F_NO_ENCRYPTION);
	tap_ok(f != NULL && f->severity == ADVICE_CRITICAL,
	    "legacy: no_encryption, critical");
	tap_ok(f != NULL && contains(f->text, "ask your provider") &&
	    contains(f->text, "IMAP") && contains(f->text, "POP3") &&
	    contains(f->text, "SMTP"),
	    "legacy: no_encryption names the protocols and the provider");
	tap_ok(has_cell(f, ip, 143, MODE_PLAIN) &&
	    has_cell(f, ip, 110, MODE_PLAIN) &&
	    has_cell(f, ip, 587, MODE_PLAIN),
	    "legacy: no_encryption lists the plaintext cells");
	f = finding(h, ADVICE_F_LOGIN_BEFORE_TLS);
	tap_ok(has_cell(f, ip, 143, MODE_PLAIN) &&
	    has_cell(f, ip, 110, MODE_PLAIN) &&
	    has_cell(f, ip, 587, MODE_PLAIN) &&
	    !has_cell(f, ip, 25, MODE_PLAIN),
	    "legacy: login_before_tls on 143, 110, 587, not on 25 (no AUTH)");
	f = finding(h, ADVICE_F_STARTTLS_MISSING);
	tap_ok(f != NULL && f->severity == ADVICE_WARNING &&
	    has_cell(f, ip, 143, MODE_STARTTLS) &&
	    has_cell(f, ip, 587, MODE_STARTTLS),
	    "legacy: starttls_missing lists the STARTTLS cells");
	tap_ok(h->nfindings > 0 &&
	    h->findings[0].severity == ADVICE_CRITICAL &&
	    h->findings[h->nfindings - 1].severity <= ADVICE_WARNING,
	    "legacy: findings sorted most severe first");
	tap_is_int(advice_host_worst(h), ADVICE_CRITICAL,
	    "legacy: worst is critical");
	tap_is_int(h->nchecks, 1, "legacy: one check");
	tap_ok(!h->checks[0].works, "legacy: imap:143:starttls fails");
	tap_is_str(h->checks[0].status, "starttls_not_offered",
	    "legacy: imap:143:starttls status");
	tap_ok(contains(h->checks[0].why, "does not offer STARTTLS"),
	    "legacy: why says STARTTLS is not offered");
	tap_ok(contains(h->checks[0].change, "keep 143 and choose None") &&
	    contains(h->checks[0].change, "readable"),
	    "legacy: change to None warns that it is readable");
	done(&s);
}

/* 465 plaintext, expired 587, self-signed 993 with another name, STARTTLS
 * advertised but 454 on 110, login before TLS on 143. */
static void
t_misconfigured(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_finding	*f;
	const struct advice_setting	*b;
	struct probe_facts		*p;
	const char			*host = "bad.example.net";
	const char			*ip = "192.0.2.9";
	unsigned			 ss;

	memset(&s, 0, sizeof s);
	p = add(&s, host, ip, 465, MODE_PLAIN, ST_OK);
	p->caps_before_known = true;
	p->implicit_port_plaintext = true;
	p->login_in_clear = true;
	word(&p->auth_before, "PLAIN");
	add(&s, host, ip, 465, MODE_TLS, ST_WRONG_MODE);
	p = ok_tls(&s, host, ip, 587, MODE_STARTTLS);
	p->tls.verified = false;
	p->tls.problems = TLS_PROB_BIT(TLS_PROB_EXPIRED);
	p->tls.chain[0].not_after = NOW - 3 * DAY;
	p->tls.chain[0].days_left = -3;
	ss = TLS_PROB_BIT(TLS_PROB_SELF_SIGNED) |
	    TLS_PROB_BIT(TLS_PROB_UNTRUSTED) |
	    TLS_PROB_BIT(TLS_PROB_HOSTNAME_MISMATCH);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->tls.verified = false;
	p->tls.problems = ss;
	p->tls.chain_len = p->tls.chain_sent = 1;
	p->tls.chain[0].self_issued = true;
	word(&p->tls.chain[0].san, "other.example.org");
	word(&p->tls.chain[0].san, "www.other.example.org");
	p = add(&s, host, ip, 110, MODE_STARTTLS, ST_STARTTLS_REJECTED);
	p->caps_before_known = true;
	p->starttls_offered = true;
	p = add(&s, host, ip, 110, MODE_PLAIN, ST_OK);
	p->caps_before_known = true;
	p->starttls_offered = true;
	word(&p->caps_before, "USER");
	add(&s, host, ip, 995, MODE_TLS, ST_REFUSED);
	p = add(&s, host, ip, 143, MODE_PLAIN, ST_OK);
	p->caps_before_known = true;
	p->starttls_offered = true;
	p = ok_tls(&s, host, ip, 143, MODE_STARTTLS);
	p->login_disabled_before = false;
	p->tls.verified = false;
	p->tls.problems = ss;
	p->tls.chain_len = p->tls.chain_sent = 1;
	p->tls.chain[0].self_issued = true;
	word(&p->tls.chain[0].san, "other.example.org");
	h = run(&s);

	b = advice_rec_best(&h->rec[ADVICE_SMTP]);
	tap_ok(b != NULL && b->port == 587 && !b->secure &&
	    b->problems == TLS_PROB_BIT(TLS_PROB_EXPIRED),
	    "misconfigured: SMTP best is 587 with its problem named");
	tap_ok(b != NULL && contains(b->why, "expired"),
	    "misconfigured: why names the expired certificate");
	tap_ok(h->rec[ADVICE_SMTP].n == 2 &&
	    h->rec[ADVICE_SMTP].v[1].port == 465 &&
	    h->rec[ADVICE_SMTP].v[1].security == MODE_PLAIN &&
	    !h->rec[ADVICE_SMTP].v[1].secure,
	    "misconfigured: 465 None ranks last, never secure");
	is_best(h, ADVICE_IMAP, 993, MODE_TLS, false, "misconfigured");
	is_best(h, ADVICE_POP3, 110, MODE_PLAIN, false, "misconfigured");

	f = finding(h, ADVICE_F_IMPLICIT_TLS_PORT_PLAINTEXT);
	tap_ok(f != NULL && has_cell(f, ip, 465, MODE_PLAIN) &&
	    has_cell(f, ip, 465, MODE_TLS) && contains(f->text, "SMTP 465") &&
	    contains(f->text, "RFC 8314"),
	    "misconfigured: implicit_tls_port_plaintext on 465");
	f = finding(h, ADVICE_F_CERT_EXPIRED);
	tap_ok(f != NULL && f->severity == ADVICE_CRITICAL &&
	    f->ncells == 1 && has_cell(f, ip, 587, MODE_STARTTLS),
	    "misconfigured: certificate_expired on 587 only");
	tap_ok(f != NULL && f->days == -3 &&
	    contains(f->text, "expired 3 days ago"),
	    "misconfigured: expired 3 days ago");
	f = finding(h, ADVICE_F_CERT_SELF_SIGNED);
	tap_ok(has_cell(f, ip, 993, MODE_TLS) &&
	    has_cell(f, ip, 143, MODE_STARTTLS) && f->ncells == 2,
	    "misconfigured: one certificate_self_signed for 993 and 143");
	tap_ok(finding(h, ADVICE_F_CERT_UNTRUSTED) == NULL,
	    "misconfigured: self-signed is not also reported untrusted");
	f = finding(h, ADVICE_F_CERT_HOSTNAME_MISMATCH);
	tap_ok(f != NULL && f->names.n == 2 &&
	    mstr_list_has(&f->names, "other.example.org") &&
	    mstr_list_has(&f->names, "www.other.example.org"),
	    "misconfigured: mismatch carries the certificate's names");
	tap_ok(f != NULL && contains(f->text, "bad.example.net") &&
	    !contains(f->text, "other.example.org"),
	    "misconfigured: mismatch text is ours (names kept apart, raw)");
	f = finding(h, ADVICE_F_STARTTLS_BROKEN);
	tap_ok(f != NULL && has_cell(f, ip, 110, MODE_STARTTLS) &&
	    contains(f->text, "refuses it"),
	    "misconfigured: starttls_broken on 110 (454)");
	f = finding(h, ADVICE_F_LOGIN_BEFORE_TLS);
	tap_ok(has_cell(f, ip, 143, MODE_PLAIN) &&
	    has_cell(f, ip, 143, MODE_STARTTLS) &&
	    has_cell(f, ip, 110, MODE_PLAIN) &&
	    has_cell(f, ip, 465, MODE_PLAIN),
	    "misconfigured: login_before_tls on 143, 110 and 465");
	tap_ok(finding(h, ADVICE_F_NO_ENCRYPTION) != NULL &&
	    has_cell(finding(h, ADVICE_F_NO_ENCRYPTION), ip, 110,
	    MODE_PLAIN) && !has_cell(finding(h, ADVICE_F_NO_ENCRYPTION), ip,
	    465, MODE_PLAIN),
	    "misconfigured: no_encryption for POP3 only");
	done(&s);
}

/* The classic: pop3:110:ssl on a server with 110 plain+STARTTLS, 995 TLS. */
static void
t_check_classic(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_check	*c;

	memset(&s, 0, sizeof s);
	well_run(&s, "mail.example.net", "192.0.2.1");
	given(&s, "pop3:110:ssl");
	given(&s, "imap:993:ssl/tls");
	given(&s, "imap:993:starttls");
	given(&s, "smtp:25:ssl");
	given(&s, "smtp:2525:starttls");
	given(&s, "smtp:587:none");
	h = run(&s);

	tap_is_int((long long)h->nchecks, 6, "check: one per --setting");
	c = &h->checks[0];
	tap_is_str(c->given.text, "pop3:110:ssl", "check: given text");
	tap_ok(!c->works, "check pop3:110:ssl: does not work");
	tap_is_str(c->status, "wrong_mode", "check pop3:110:ssl: wrong_mode");
	tap_is_str(c->why, "port 110 speaks plaintext and STARTTLS; a mail "
	    "program set to SSL/TLS waits for a TLS handshake that never "
	    "comes", "check pop3:110:ssl: why");
	tap_is_str(c->change, "use 995 with SSL/TLS, or keep 110 and choose "
	    "STARTTLS", "check pop3:110:ssl: what to change");
	tap_ok(c->ninstead == 2 && c->instead[0]->port == 995 &&
	    c->instead[0]->security == MODE_TLS &&
	    c->instead[1]->port == 110 &&
	    c->instead[1]->security == MODE_STARTTLS,
	    "check pop3:110:ssl: instead 995 SSL/TLS, 110 STARTTLS");

	c = &h->checks[1];
	tap_ok(c->works && strcmp(c->status, "ok") == 0 &&
	    c->ninstead == 0 && c->change == NULL,
	    "check imap:993:ssl/tls: works, nothing to change");

	c = &h->checks[2];
	tap_is_str(c->why, "port 993 speaks SSL/TLS from the first byte; a "
	    "mail program set to STARTTLS waits for a greeting that only "
	    "comes inside TLS", "check imap:993:starttls: why");
	tap_is_str(c->change, "keep 993 and choose SSL/TLS, or use 143 with "
	    "STARTTLS", "check imap:993:starttls: change");

	c = &h->checks[3];
	tap_ok(!c->works && contains(c->why, "port 25 speaks plaintext and "
	    "STARTTLS; a mail program set to SSL/TLS"),
	    "check smtp:25:ssl: the port-25 mistake");
	tap_is_str(c->change, "use 465 with SSL/TLS",
	    "check smtp:25:ssl: use 465 (25 is relay, not offered)");

	c = &h->checks[4];
	tap_ok(!c->works && strcmp(c->status, "not_probed") == 0 &&
	    c->ninstead == 2, "check smtp:2525: not probed, instead listed");

	c = &h->checks[5];
	tap_ok(!c->works && strcmp(c->status, "no_login") == 0 &&
	    contains(c->why, "no login"),
	    "check smtp:587:none: no login before TLS");
	tap_is_str(c->change, "use 465 with SSL/TLS, or keep 587 and choose "
	    "STARTTLS", "check smtp:587:none: change");
	done(&s);
}

/* Every mode mismatch on every standard port gets its sentence. */
static void
t_check_mismatches(void)
{
	static const struct {
		const char	*given;		/* --setting */
		const char	*why;		/* start of the sentence */
	} t[] = {
		{ "smtp:25:ssl", "port 25 speaks plaintext and STARTTLS; " },
		{ "smtp:587:tls", "port 587 speaks plaintext and STARTTLS; " },
		{ "pop3:110:ssl", "port 110 speaks plaintext and STARTTLS; " },
		{ "imap:143:ssl", "port 143 speaks plaintext and STARTTLS; " },
		{ "smtp:465:none", "port 465 speaks SSL/TLS from the first " },
		{ "smtp:465:starttls", "port 465 speaks SSL/TLS from the " },
		{ "pop3:995:none", "port 995 speaks SSL/TLS from the first " },
		{ "pop3:995:starttls", "port 995 speaks SSL/TLS from the " },
		{ "imap:993:none", "port 993 speaks SSL/TLS from the first " },
		{ "imap:993:starttls", "port 993 speaks SSL/TLS from the " },
	};
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_check	*c;
	size_t				 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(&s, 0, sizeof s);
		well_run(&s, "mail.example.net", "192.0.2.1");
		given(&s, t[i].given);
		h = run(&s);
		c = &h->checks[0];
		if (!tap_ok(!c->works && strcmp(c->status, "wrong_mode") == 0 &&
		    strncmp(c->why, t[i].why, strlen(t[i].why)) == 0 &&
		    c->change != NULL && c->ninstead > 0,
		    "mismatch %s: wrong_mode with its sentence", t[i].given))
			tap_diag("status %s why %s", c->status, c->why);
		done(&s);
	}
}

static void
t_dual_stack(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_finding	*f;
	const struct advice_rec		*r;
	struct probe_facts		*p;
	const char			*host = "dual.example.net";

	memset(&s, 0, sizeof s);
	ok_tls(&s, host, "192.0.2.1", 993, MODE_TLS);
	p = add(&s, host, "2001:db8::1", 993, MODE_TLS, ST_TIMEOUT);
	p->phase = PS_CONNECTING;
	ok_tls(&s, host, "192.0.2.1", 143, MODE_STARTTLS);
	ok_tls(&s, host, "2001:db8::1", 143, MODE_STARTTLS);
	given(&s, "imap:993:ssl");
	h = run(&s);

	is_best(h, ADVICE_IMAP, 143, MODE_STARTTLS, true, "dual stack");
	r = &h->rec[ADVICE_IMAP];
	tap_ok(r->n == 1, "dual stack: 993 is not a working setting");
	tap_ok(r->nexcluded == 1 && r->excluded[0].port == 993 &&
	    contains(r->excluded[0].why, "2001:db8::1 (IPv6") &&
	    contains(r->excluded[0].why, "192.0.2.1 (IPv4)"),
	    "dual stack: excluded 993 names the failing IPv6 address");
	f = finding(h, ADVICE_F_ADDRESS_MISMATCH);
	tap_ok(f != NULL && f->severity == ADVICE_WARNING &&
	    has_cell(f, "192.0.2.1", 993, MODE_TLS) &&
	    has_cell(f, "2001:db8::1", 993, MODE_TLS) &&
	    !has_cell(f, "192.0.2.1", 143, MODE_STARTTLS),
	    "dual stack: address_mismatch on the 993 cells");
	tap_ok(f != NULL && contains(f->text, "2001:db8::1") &&
	    contains(f->text, "(IPv6: timed out)"),
	    "dual stack: the finding says which address fails and how");
	tap_ok(!h->checks[0].works &&
	    strcmp(h->checks[0].status, "timeout") == 0 &&
	    contains(h->checks[0].why, "2001:db8::1"),
	    "dual stack: imap:993:ssl fails on the IPv6 address");
	done(&s);

	/* Both addresses work, but only one has a trusted certificate. */
	memset(&s, 0, sizeof s);
	ok_tls(&s, host, "192.0.2.1", 993, MODE_TLS);
	p = ok_tls(&s, host, "2001:db8::1", 993, MODE_TLS);
	p->tls.verified = false;
	p->tls.problems = TLS_PROB_BIT(TLS_PROB_EXPIRED);
	h = run(&s);
	f = finding(h, ADVICE_F_ADDRESS_MISMATCH);
	tap_ok(f != NULL && contains(f->text, "trusted certificate on "
	    "192.0.2.1"), "dual stack: certificate differs per address");
	is_best(h, ADVICE_IMAP, 993, MODE_TLS, false, "dual stack cert");
	done(&s);
}

static void
t_port25(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_finding	*f;
	const struct advice_setting	*b;
	struct probe_facts		*p;
	const char			*host = "mx.example.net";
	const char			*ip = "192.0.2.5";

	/* 25 times out while 465 and 587 answer. */
	memset(&s, 0, sizeof s);
	p = add(&s, host, ip, 25, MODE_STARTTLS, ST_TIMEOUT);
	p->phase = PS_CONNECTING;
	p = add(&s, host, ip, 25, MODE_PLAIN, ST_TIMEOUT);
	p->phase = PS_CONNECTING;
	ok_tls(&s, host, ip, 465, MODE_TLS);
	ok_tls(&s, host, ip, 587, MODE_STARTTLS);
	given(&s, "smtp:25:starttls");
	h = run(&s);
	f = finding(h, ADVICE_F_PORT25_BLOCKED);
	tap_ok(f != NULL && f->severity == ADVICE_INFO && f->ncells == 2 &&
	    has_cell(f, ip, 25, MODE_STARTTLS),
	    "port 25 blocked: info finding on the 25 cells");
	tap_ok(f != NULL && contains(f->text, "465 and 587 answer"),
	    "port 25 blocked: names the ports that answer");
	tap_ok(contains(h->checks[0].why, "block outgoing port 25"),
	    "port 25 blocked: check says networks block 25");
	tap_is_str(h->checks[0].change, "use 465 with SSL/TLS",
	    "port 25 blocked: change to 465");
	done(&s);

	/* 25 times out and so does everything else: not this finding. */
	memset(&s, 0, sizeof s);
	p = add(&s, host, ip, 25, MODE_STARTTLS, ST_TIMEOUT);
	p->phase = PS_CONNECTING;
	p = add(&s, host, ip, 587, MODE_STARTTLS, ST_TIMEOUT);
	p->phase = PS_CONNECTING;
	h = run(&s);
	tap_ok(finding(h, ADVICE_F_PORT25_BLOCKED) == NULL,
	    "port 25 blocked: not when submission times out too");
	done(&s);

	/* Only 25 works (with AUTH after TLS): last resort, said so. */
	memset(&s, 0, sizeof s);
	ok_tls(&s, host, ip, 25, MODE_STARTTLS);
	add(&s, host, ip, 587, MODE_STARTTLS, ST_REFUSED);
	add(&s, host, ip, 465, MODE_TLS, ST_REFUSED);
	h = run(&s);
	b = advice_rec_best(&h->rec[ADVICE_SMTP]);
	tap_ok(b != NULL && b->port == 25 && b->relay &&
	    contains(b->why, "last resort") && contains(b->why, "relay"),
	    "port 25: recommended only as the last resort, and said so");
	done(&s);

	/* 25 and 587 work: 25 is left out with its reason. */
	memset(&s, 0, sizeof s);
	ok_tls(&s, host, ip, 25, MODE_STARTTLS);
	ok_tls(&s, host, ip, 587, MODE_STARTTLS);
	h = run(&s);
	tap_ok(h->rec[ADVICE_SMTP].n == 1 &&
	    h->rec[ADVICE_SMTP].v[0].port == 587 &&
	    h->rec[ADVICE_SMTP].nexcluded == 1 &&
	    h->rec[ADVICE_SMTP].excluded[0].relay &&
	    contains(h->rec[ADVICE_SMTP].excluded[0].why, "relay"),
	    "port 25: left out when a submission port works");
	done(&s);
}

static void
t_no_login(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	struct probe_facts		*p;
	const char			*host = "nologin.example.net";
	const char			*ip = "192.0.2.3";

	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 587, MODE_STARTTLS);
	mstr_list_clear(&p->auth_after);
	add(&s, host, ip, 465, MODE_TLS, ST_REFUSED);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->login_disabled_after = true;
	ok_tls(&s, host, ip, 143, MODE_STARTTLS);
	p = ok_tls(&s, host, ip, 995, MODE_TLS);
	mstr_list_clear(&p->caps_after);
	h = run(&s);
	tap_ok(advice_rec_best(&h->rec[ADVICE_SMTP]) == NULL &&
	    contains(h->rec[ADVICE_SMTP].why, "no AUTH after TLS") &&
	    contains(h->rec[ADVICE_SMTP].why, "cannot send"),
	    "no login: SMTP 587 without AUTH is not recommended, and why");
	is_best(h, ADVICE_IMAP, 143, MODE_STARTTLS, true, "no login");
	tap_ok(h->rec[ADVICE_IMAP].nexcluded == 1 &&
	    contains(h->rec[ADVICE_IMAP].excluded[0].why,
	    "LOGINDISABLED inside TLS"),
	    "no login: IMAP 993 with LOGINDISABLED left out, and why");
	tap_ok(advice_rec_best(&h->rec[ADVICE_POP3]) == NULL &&
	    contains(h->rec[ADVICE_POP3].why, "neither USER nor SASL"),
	    "no login: POP3 without USER or SASL");
	done(&s);

	/* Capabilities unknown: recommended, login unknown. */
	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 465, MODE_TLS);
	p->caps_after_known = false;
	mstr_list_clear(&p->auth_after);
	h = run(&s);
	tap_ok(advice_rec_best(&h->rec[ADVICE_SMTP]) != NULL &&
	    h->rec[ADVICE_SMTP].v[0].login == ADVICE_LOGIN_UNKNOWN &&
	    contains(h->rec[ADVICE_SMTP].v[0].why, "unknown"),
	    "no login: unknown capabilities give login unknown");
	tap_ok(h->rec[ADVICE_IMAP].why != NULL &&
	    contains(h->rec[ADVICE_IMAP].why, "no IMAP port was probed"),
	    "no login: a protocol not probed says so");
	done(&s);
}

static void
t_certificates(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_finding	*f;
	struct probe_facts		*p;
	const char			*host = "cert.example.net";
	const char			*ip = "192.0.2.4";

	/* Expiring in 5 days: a warning with the days. */
	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->tls.chain[0].not_after = NOW + 5 * DAY + 100;
	ok_tls(&s, host, ip, 995, MODE_TLS)->tls.chain[0].not_after =
	    NOW + 9 * DAY;
	h = run(&s);
	f = finding(h, ADVICE_F_CERT_EXPIRING_SOON);
	tap_ok(f != NULL && f->severity == ADVICE_WARNING && f->days == 5 &&
	    f->ncells == 2 && contains(f->text, "expires in 5 days"),
	    "expiring soon: warning, soonest 5 days, both cells");
	is_best(h, ADVICE_IMAP, 993, MODE_TLS, true, "expiring soon");
	done(&s);

	/* The threshold is a parameter. */
	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->tls.chain[0].not_after = NOW + 5 * DAY + 100;
	s.expiring = 3;
	h = run(&s);
	tap_ok(finding(h, ADVICE_F_CERT_EXPIRING_SOON) == NULL,
	    "expiring soon: threshold 3 days, 5 left: none");
	done(&s);

	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->tls.chain[0].not_after = NOW + 20 * DAY;
	h = run(&s);
	tap_ok(finding(h, ADVICE_F_CERT_EXPIRING_SOON) == NULL,
	    "expiring soon: default 14 days, 20 left: none");
	done(&s);

	/* Not yet valid. */
	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->tls.verified = false;
	p->tls.problems = TLS_PROB_BIT(TLS_PROB_NOT_YET_VALID);
	p->tls.chain[0].not_before = 1790000000;	/* 2026-09-21 */
	h = run(&s);
	f = finding(h, ADVICE_F_CERT_NOT_YET_VALID);
	tap_ok(f != NULL && f->severity == ADVICE_CRITICAL &&
	    contains(f->text, "2026-09-21"),
	    "not yet valid: critical, with the start date");
	done(&s);

	/* Untrusted, only the leaf sent: the intermediate is missing. */
	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->tls.verified = false;
	p->tls.problems = TLS_PROB_BIT(TLS_PROB_UNTRUSTED);
	p->tls.chain_len = p->tls.chain_sent = 1;
	h = run(&s);
	f = finding(h, ADVICE_F_CERT_UNTRUSTED);
	tap_ok(f != NULL && f->missing_intermediate &&
	    contains(f->text, "the server does not send its intermediate "
	    "certificate"), "untrusted: missing intermediate told");
	tap_ok(finding(h, ADVICE_F_CERT_SELF_SIGNED) == NULL,
	    "untrusted: not self-signed");
	done(&s);

	/* Untrusted, the chain ends at a root: an unknown authority. */
	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->tls.verified = false;
	p->tls.problems = TLS_PROB_BIT(TLS_PROB_UNTRUSTED);
	p->tls.chain[1].self_issued = true;
	h = run(&s);
	f = finding(h, ADVICE_F_CERT_UNTRUSTED);
	tap_ok(f != NULL && !f->missing_intermediate &&
	    contains(f->text, "does not trust"),
	    "untrusted: a private root is not a missing intermediate");
	done(&s);

	/* A mismatch without SANs gives the subject's CN. */
	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->tls.verified = false;
	p->tls.problems = TLS_PROB_BIT(TLS_PROB_HOSTNAME_MISMATCH);
	mstr_set(&p->tls.chain[0].subject, "C=XX, O=Other, CN=mx.other.test",
	    strlen("C=XX, O=Other, CN=mx.other.test"));
	h = run(&s);
	f = finding(h, ADVICE_F_CERT_HOSTNAME_MISMATCH);
	tap_ok(f != NULL && f->names.n == 1 &&
	    mstr_list_has(&f->names, "mx.other.test"),
	    "hostname mismatch: CN when there are no SANs");
	done(&s);

	/* One finding per id per host, all its cells. */
	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 993, MODE_TLS);
	p->tls.verified = false;
	p->tls.problems = TLS_PROB_BIT(TLS_PROB_EXPIRED);
	p->tls.chain[0].not_after = NOW - 1 * DAY;
	p = ok_tls(&s, host, ip, 995, MODE_TLS);
	p->tls.verified = false;
	p->tls.problems = TLS_PROB_BIT(TLS_PROB_EXPIRED);
	p->tls.chain[0].not_after = NOW - 1 * DAY;
	p = ok_tls(&s, host, ip, 587, MODE_STARTTLS);
	p->tls.verified = false;
	p->tls.problems = TLS_PROB_BIT(TLS_PROB_EXPIRED);
	p->tls.chain[0].not_after = NOW - 1 * DAY;
	h = run(&s);
	tap_is_int((long long)h->nfindings, 1, "expired: one finding");
	f = finding(h, ADVICE_F_CERT_EXPIRED);
	tap_ok(f != NULL && f->ncells == 3 && contains(f->text,
	    "IMAP 993 SSL/TLS, POP3 995 SSL/TLS and SMTP 587 STARTTLS") &&
	    contains(f->text, "expired 1 day ago"),
	    "expired: one finding lists 993, 995 and 587");
	tap_ok(f != NULL && f->fix != NULL && contains(f->fix, "renew"),
	    "expired: a fix");
	done(&s);
}

static void
t_starttls_tls(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_finding	*f;
	struct probe_facts		*p;
	const char			*host = "tls.example.net";
	const char			*ip = "192.0.2.6";

	/* The handshake after the go-ahead fails. */
	memset(&s, 0, sizeof s);
	p = add(&s, host, ip, 143, MODE_STARTTLS, ST_TLS_FAILED);
	p->starttls_offered = true;
	p->caps_before_known = true;
	p->phase = PS_TLS_UPGRADE;
	h = run(&s);
	f = finding(h, ADVICE_F_STARTTLS_BROKEN);
	tap_ok(f != NULL && f->severity == ADVICE_CRITICAL &&
	    contains(f->text, "handshake after it fails"),
	    "starttls_broken: handshake fails after the go-ahead");
	done(&s);

	/* STARTTLS not offered on an implicit-TLS port is not "missing". */
	memset(&s, 0, sizeof s);
	add(&s, host, ip, 993, MODE_STARTTLS, ST_STARTTLS_NOT_OFFERED);
	h = run(&s);
	tap_ok(finding(h, ADVICE_F_STARTTLS_MISSING) == NULL,
	    "starttls_missing: not on port 993");
	done(&s);

	/* Legacy TLS: named as such, not as a broken STARTTLS. */
	memset(&s, 0, sizeof s);
	p = add(&s, host, ip, 993, MODE_TLS, ST_TLS_FAILED);
	p->tls.legacy_suspected = true;
	p = add(&s, host, ip, 143, MODE_STARTTLS, ST_TLS_FAILED);
	p->tls.legacy_suspected = true;
	p->starttls_offered = true;
	p->phase = PS_TLS_UPGRADE;
	given(&s, "imap:993:ssl");
	h = run(&s);
	f = finding(h, ADVICE_F_TLS_LEGACY);
	tap_ok(f != NULL && f->ncells == 2 && contains(f->text, "RFC 8996"),
	    "tls_legacy: both cells, RFC 8996");
	tap_ok(finding(h, ADVICE_F_STARTTLS_BROKEN) == NULL,
	    "tls_legacy: not starttls_broken");
	tap_ok(contains(h->checks[0].why, "older than 1.2"),
	    "tls_legacy: the check says why");
	tap_ok(h->checks[0].change != NULL &&
	    contains(h->checks[0].change, "ask your provider"),
	    "tls_legacy: nothing works, ask the provider");
	done(&s);

	/* A completed handshake at TLS 1.1 is legacy as well. */
	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 995, MODE_TLS);
	snprintf(p->tls.version, sizeof p->tls.version, "TLSv1.1");
	h = run(&s);
	tap_ok(finding(h, ADVICE_F_TLS_LEGACY) != NULL,
	    "tls_legacy: TLSv1.1 established");
	done(&s);
}

static void
t_slow_protocol(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	const struct advice_finding	*f;
	struct probe_facts		*p;
	const char			*host = "slow.example.net";
	const char			*ip = "192.0.2.8";

	memset(&s, 0, sizeof s);
	p = ok_tls(&s, host, ip, 587, MODE_STARTTLS);
	p->timing.greeting_us = 7200000;
	ok_tls(&s, host, ip, 465, MODE_TLS)->timing.tls_us = 300000;
	h = run(&s);
	f = finding(h, ADVICE_F_SLOW_SERVICE);
	tap_ok(f != NULL && f->severity == ADVICE_WARNING && f->ncells == 1 &&
	    has_cell(f, ip, 587, MODE_STARTTLS) && contains(f->text, "7.2 s"),
	    "slow_service: 7.2 s greeting over the 5 s default");
	done(&s);

	memset(&s, 0, sizeof s);
	ok_tls(&s, host, ip, 587, MODE_STARTTLS)->timing.greeting_us = 7200000;
	s.slow_ms = 10000;
	h = run(&s);
	tap_ok(finding(h, ADVICE_F_SLOW_SERVICE) == NULL,
	    "slow_service: threshold is a parameter");
	done(&s);

	/* No greeting before the deadline; but a greeting that never comes on
	 * 993 in plaintext is the wrong mode, not slowness. */
	memset(&s, 0, sizeof s);
	add(&s, host, ip, 110, MODE_PLAIN, ST_TIMEOUT)->phase = PS_GREETING;
	add(&s, host, ip, 993, MODE_PLAIN, ST_TIMEOUT)->phase = PS_GREETING;
	h = run(&s);
	f = finding(h, ADVICE_F_SLOW_SERVICE);
	tap_ok(f != NULL && has_cell(f, ip, 110, MODE_PLAIN) &&
	    !has_cell(f, ip, 993, MODE_PLAIN) && contains(f->text, "in time"),
	    "slow_service: greeting timeout, not on a TLS port");
	done(&s);

	/* Protocol errors: a warning; injection: critical. */
	memset(&s, 0, sizeof s);
	add(&s, host, ip, 25, MODE_STARTTLS, ST_PROTOCOL_ERROR);
	h = run(&s);
	f = finding(h, ADVICE_F_PROTOCOL_VIOLATION);
	tap_ok(f != NULL && f->severity == ADVICE_WARNING &&
	    contains(f->text, "nobody asked for"),
	    "protocol_violation: warning for a reply nobody asked for");
	done(&s);

	memset(&s, 0, sizeof s);
	p = add(&s, host, ip, 587, MODE_STARTTLS, ST_PROTOCOL_ERROR);
	mstr_set(&p->injected, "250 ok\r\n", 8);
	given(&s, "smtp:587:starttls");
	h = run(&s);
	f = finding(h, ADVICE_F_PROTOCOL_VIOLATION);
	tap_ok(f != NULL && f->severity == ADVICE_CRITICAL &&
	    contains(f->text, "injection") && !contains(f->text, "250 ok"),
	    "protocol_violation: injection is critical, no server bytes");
	tap_ok(h->findings[0].id == ADVICE_F_PROTOCOL_VIOLATION,
	    "protocol_violation: critical sorts first");
	tap_ok(contains(h->checks[0].why, "response injection"),
	    "protocol_violation: the check names the injection");
	done(&s);
}

static void
t_hosts(void)
{
	struct cellset			 s;
	const struct advice_host	*h;
	struct probe_facts		*p;

	memset(&s, 0, sizeof s);
	ok_tls(&s, "b.example.net", "192.0.2.2", 993, MODE_TLS);
	ok_tls(&s, "a.example.net", "192.0.2.1", 993, MODE_TLS);
	add(&s, "a.example.net", "192.0.2.1", 995, MODE_TLS, ST_PENDING);
	p = add(&s, "c.invalid", "-", 993, MODE_TLS, ST_RESOLVE_FAILED);
	s.c[s.n - 1].family = AF_UNSPEC;
	(void)p;
	given(&s, "imap:993:tls");
	run(&s);
	tap_is_int((long long)advice_host_count(s.a), 3, "hosts: three");
	h = advice_get_host(s.a, 0);
	tap_ok(h != NULL && strcmp(h->host, "b.example.net") == 0 &&
	    h->complete, "hosts: in the order given, first complete");
	h = advice_get_host(s.a, 1);
	tap_ok(h != NULL && strcmp(h->host, "a.example.net") == 0 &&
	    !h->complete && h->nchecks == 1 && h->checks[0].works,
	    "hosts: second pending, its check works");
	h = advice_get_host(s.a, 2);
	tap_ok(h != NULL && advice_rec_best(&h->rec[ADVICE_IMAP]) == NULL &&
	    contains(h->rec[ADVICE_IMAP].why, "does not resolve") &&
	    strcmp(h->checks[0].status, "resolve_failed") == 0,
	    "hosts: a name that does not resolve");
	tap_ok(advice_get_host(s.a, 3) == NULL, "hosts: out of range");
	done(&s);
}

static void
t_parser_good(void)
{
	static const struct {
		const char	*in;		/* --setting */
		enum advice_proto proto;	/* want */
		unsigned	 port;		/* want */
		enum probe_mode	 sec;		/* want */
	} t[] = {
		{ "pop3:110:none", ADVICE_POP3, 110, MODE_PLAIN },
		{ "pop3:110:plain", ADVICE_POP3, 110, MODE_PLAIN },
		{ "imap:143:starttls", ADVICE_IMAP, 143, MODE_STARTTLS },
		{ "IMAP:143:STARTTLS", ADVICE_IMAP, 143, MODE_STARTTLS },
		{ "pop3:110:ssl", ADVICE_POP3, 110, MODE_TLS },
		{ "pop3:995:tls", ADVICE_POP3, 995, MODE_TLS },
		{ "imap:993:ssl/tls", ADVICE_IMAP, 993, MODE_TLS },
		{ "imap:993:SSL/TLS", ADVICE_IMAP, 993, MODE_TLS },
		{ "imap:993:ssl_tls", ADVICE_IMAP, 993, MODE_TLS },
		{ "smtp:submission:starttls", ADVICE_SMTP, 587, MODE_STARTTLS },
		{ "smtp:submissions:ssl", ADVICE_SMTP, 465, MODE_TLS },
		{ "smtp:smtps:ssl", ADVICE_SMTP, 465, MODE_TLS },
		{ "smtp:25:none", ADVICE_SMTP, 25, MODE_PLAIN },
		{ "imap:imaps:ssl", ADVICE_IMAP, 993, MODE_TLS },
		{ "pop3:pop3s:ssl", ADVICE_POP3, 995, MODE_TLS },
		{ "smtp:2525:starttls", ADVICE_SMTP, 2525, MODE_STARTTLS },
		{ "smtp:65535:tls", ADVICE_SMTP, 65535, MODE_TLS },
	};
	struct advice_given	g;
	char			*err;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		err = NULL;
		rc = advice_parse_setting(t[i].in, &g, &err);
		if (!tap_ok(rc == 0 && err == NULL && g.proto == t[i].proto &&
		    g.port == t[i].port && g.security == t[i].sec &&
		    strcmp(g.text, t[i].in) == 0, "parse %s", t[i].in))
			tap_diag("rc %d err %s port %u", rc,
			    err != NULL ? err : "-", g.port);
		free(err);
	}
	tap_is_str(advice_security_id(MODE_TLS), "ssl_tls", "id ssl_tls");
	tap_is_str(advice_security_id(MODE_STARTTLS), "starttls",
	    "id starttls");
	tap_is_str(advice_security_id(MODE_PLAIN), "none", "id none");
	tap_is_str(advice_security_words(MODE_TLS), "SSL/TLS", "words SSL/TLS");
	tap_is_str(advice_security_words(MODE_PLAIN), "None", "words None");
	tap_is_str(advice_login_name(ADVICE_LOGIN_NOT_OFFERED), "not_offered",
	    "login not_offered");
	tap_is_str(advice_finding_name(ADVICE_F_PORT25_BLOCKED),
	    "port25_blocked", "finding id port25_blocked");
	tap_is_str(advice_severity_name(ADVICE_CRITICAL), "critical",
	    "severity critical");
}

static void
t_parser_bad(void)
{
	static const struct {
		const char	*in;		/* --setting */
		const char	*want;		/* in the error */
	} t[] = {
		{ "", "expected PROTOCOL:PORT:SECURITY" },
		{ "pop3", "expected PROTOCOL:PORT:SECURITY" },
		{ "pop3:110", "expected PROTOCOL:PORT:SECURITY" },
		{ "pop3:110:", "expected PROTOCOL:PORT:SECURITY" },
		{ ":110:ssl", "expected PROTOCOL:PORT:SECURITY" },
		{ "pop3::ssl", "expected PROTOCOL:PORT:SECURITY" },
		{ "pop3:110:ssl:x", "expected PROTOCOL:PORT:SECURITY" },
		{ "pop4:110:ssl", "unknown protocol \"pop4\"" },
		{ "submission:587:tls", "unknown protocol" },
		{ "pop3:0:ssl", "bad port \"0\"" },
		{ "pop3:65536:ssl", "bad port" },
		{ "pop3:110x:ssl", "bad port" },
		{ "pop3:-1:ssl", "bad port" },
		{ "pop3:0000110:ssl", "bad port" },
		{ "pop3:nosuch:ssl", "bad port \"nosuch\"" },
		{ "pop3:imaps:ssl", "is a service of IMAP, not of POP3" },
		{ "pop3:110:ssx", "unknown security \"ssx\"" },
		{ "pop3:110:tls1.2", "unknown security" },
		{ "pop3:110:\033[2J", "unknown security \"^[[2J\"" },
		{ "po\033]0;x\007:1:ssl", "unknown protocol" },
	};
	struct advice_given	g;
	char			*err;
	const char		*p;
	size_t			 i;
	bool			 clean;
	int			 rc;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		err = NULL;
		rc = advice_parse_setting(t[i].in, &g, &err);
		clean = err != NULL && strncmp(err, "--setting ", 10) == 0;
		for (p = err; clean && *p != '\0'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				clean = false;
		}
		if (!tap_ok(rc == -1 && clean && contains(err, t[i].want),
		    "bad --setting #%zu gives one clean line: %s", i,
		    t[i].want))
			tap_diag("rc %d err %s", rc, err != NULL ? err : "-");
		free(err);
	}
}

/* A loopback port nothing listens on (bound, then closed). */
static uint16_t
closed_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	uint16_t		port = 0;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
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

/* advice_cells_dup() over a real run: POP3 on a closed loopback port in
 * two modes gives two refused cells the advice can read. */
static void
t_cells_from_run(void)
{
	static char		 host[] = "127.0.0.1";
	char *const		 hosts[] = { host };
	struct port_row		 row;
	struct run_config	 cfg;
	struct advice_input	 in;
	struct advice_cell	*cells;
	struct evloop		*ev;
	struct run		*r;
	struct advice		*a;
	const struct advice_host *h;
	char			*err = NULL;
	uint64_t		 until;
	size_t			 n = 0, i;
	bool			 ok = true;

	memset(&row, 0, sizeof row);
	row.service = "pop3";
	row.dialect = &dialect_pop3;
	row.port = closed_port();
	row.native = MODE_STARTTLS;
	memset(&cfg, 0, sizeof cfg);
	cfg.hosts = hosts;
	cfg.nhosts = 1;
	cfg.rows = &row;
	cfg.nrows = 1;
	cfg.modes = (1u << MODE_PLAIN) | (1u << MODE_TLS);
	cfg.family = AF_UNSPEC;
	cfg.limits.connect_us = cfg.limits.step_us = 2000000;
	cfg.limits.total_us = 6000000;
	cfg.limits.transcript_bytes = 65536;
	cfg.limits.transcript_events = 200;
	cfg.jobs = 4;
	cfg.per_port = 3;
	if (row.port == 0) {
		tap_skip(3, "no loopback socket");
		return;
	}
	ev = evloop_new();
	r = run_new(ev, &cfg, &err);
	if (r == NULL) {
		tap_skip(3, "run_new: %s", err != NULL ? err : "?");
		free(err);
		evloop_free(ev);
		return;
	}
	run_start(r, NULL, NULL);
	until = evloop_clock_us() + 10000000;
	while (!run_is_done(r) && evloop_clock_us() < until)
		evloop_run_once(ev, 100000);
	cells = advice_cells_dup(r, &n);
	tap_is_int((long long)n, 2, "cells from a run: one per mode");
	for (i = 0; i < n; i++) {
		if (strcmp(cells[i].host, "127.0.0.1") != 0 ||
		    strcmp(cells[i].address, "127.0.0.1") != 0 ||
		    cells[i].family != AF_INET ||
		    strcmp(cells[i].protocol, "pop3") != 0 ||
		    cells[i].port != row.port ||
		    cells[i].facts->status != ST_REFUSED)
			ok = false;
	}
	tap_ok(ok && n == 2 && cells[0].mode != cells[1].mode,
	    "cells from a run: host, address, protocol, port, refused");
	memset(&in, 0, sizeof in);
	in.cells = cells;
	in.ncells = n;
	a = advice_new(&in);
	h = advice_get_host(a, 0);
	tap_ok(h != NULL && advice_rec_best(&h->rec[ADVICE_POP3]) == NULL &&
	    contains(h->rec[ADVICE_POP3].why, "connection refused"),
	    "cells from a run: no POP3 setting, refused named");
	advice_free(a);
	free(cells);
	run_free(r);
	evloop_free(ev);
}

int
main(void)
{
	t_well_run();
	t_legacy();
	t_native_first();
	t_misconfigured();
	t_check_classic();
	t_check_mismatches();
	t_dual_stack();
	t_port25();
	t_no_login();
	t_certificates();
	t_starttls_tls();
	t_slow_protocol();
	t_hosts();
	t_parser_good();
	t_parser_bad();
	t_cells_from_run();
	return tap_done_testing();
}
