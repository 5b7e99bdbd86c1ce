/* SPDX-License-Identifier: ISC */
/*
 * The answer (issue 8): from the cells of a host, the settings to type into
 * a mail program, the verdict on the user's own settings and findings with
 * their fixes.  Pure: no I/O, no clock ("now" is an input), no printing.
 * Sentences are our own words; only certificate names are kept raw (marked
 * in advice.h) for the outputs to sanitise.  Sentences start in lower case
 * and carry no final full stop, so outputs can place them after a label.
 */
#include "config.h"

#include "advice.h"

#include <sys/socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dialect.h"
#include "probe.h"
#include "run.h"
#include "sanitize.h"
#include "target.h"
#include "xmalloc.h"

#define ADV_NAMES_MAX	32	/* certificate names kept per finding */
#define ADV_WHERE_MAX	6	/* places named in a sentence */

static const char *const adv_proto_names[] = { "imap", "pop3", "smtp" };
static const char *const adv_proto_labels[] = { "IMAP", "POP3", "SMTP" };

static const struct {
	const char		*id;	/* stable id */
	enum advice_severity	 sev;	/* default severity */
} adv_finding_table[] = {
#define X(e, id, sev) { id, sev },
	ADVICE_FINDINGS(X)
#undef X
};

/* Cells of one (protocol, port, mode) over every address of a host. */
struct adv_group {
	enum advice_proto	 proto;		/* protocol */
	uint16_t		 port;		/* TCP port */
	enum probe_mode		 mode;		/* mode probed */
	const char		*service;	/* service name or NULL */
	size_t			*idx;		/* input cell indexes */
	size_t			 n;		/* cells (one per address) */
	size_t			 nok;		/* cells with status ok */
	size_t			 ok;		/* first ok cell */
	size_t			 fail;		/* first cell not ok */
	bool			 pending;	/* a cell has no verdict yet */
	bool			 secure;	/* TLS verified everywhere */
	bool			 verified_some;	/* some ok cell verified */
	unsigned		 problems;	/* union of ok cells */
	enum advice_login	 login;		/* over the ok cells */
	bool			 relay;		/* SMTP port 25 */
	int			 native;	/* the port's mode, or -1 */
};

/* Per-finding facts gathered before its sentence is written. */
struct adv_extra {
	bool		 have_days;	/* days is set */
	int64_t		 days;		/* soonest expiry */
	int64_t		 not_before;	/* not yet valid: latest start */
	uint64_t	 slow_us;	/* slowest greeting or handshake */
	bool		 timeout;	/* slow: a greeting/handshake timed out */
	bool		 injected;	/* protocol: bytes after the go-ahead */
	bool		 rejected;	/* starttls_broken: refused */
	bool		 failed;	/* starttls_broken: handshake failed */
	char		*detail;	/* address_mismatch: first case */
	size_t		 more;		/* address_mismatch: further cases */
	char		*answered;	/* port25_blocked: ports that answer */
	bool		 protos[ADVICE_PROTO_LAST]; /* no_encryption */
};

struct adv_build {
	const struct advice_input *in;		/* the input */
	struct advice_host	*h;		/* being filled */
	size_t			*cells;		/* this host's cells */
	size_t			 ncells;	/* number of them */
	struct adv_group	*g;		/* groups, first seen first */
	size_t			 ng;		/* number of groups */
	struct advice_finding	 f[ADVICE_F_LAST]; /* by id */
	struct adv_extra	 x[ADVICE_F_LAST]; /* by id */
};

struct advice {
	struct advice_host	*hosts;		/* in the order given */
	size_t			 nhosts;	/* number of hosts */
};

/* A bounded sentence builder: our sentences are short, and a cut one
 * still ends cleanly. */
struct adv_sb {
	char	 buf[768];	/* text */
	size_t	 off;		/* bytes used */
};

static void adv_sb_printf(struct adv_sb *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
adv_sb_printf(struct adv_sb *sb, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (sb->off >= sizeof sb->buf - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->off, sizeof sb->buf - sb->off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb->off += (size_t)n;
	if (sb->off > sizeof sb->buf - 1)
		sb->off = sizeof sb->buf - 1;
}

const char *
advice_proto_name(enum advice_proto p)
{
	return p < ADVICE_PROTO_LAST ? adv_proto_names[p] : "?";
}

const char *
advice_proto_label(enum advice_proto p)
{
	return p < ADVICE_PROTO_LAST ? adv_proto_labels[p] : "?";
}

int
advice_proto_from_name(const char *s)
{
	int	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < ADVICE_PROTO_LAST; i++) {
		if (strcasecmp(s, adv_proto_names[i]) == 0)
			return i;
	}
	return -1;
}

const char *
advice_security_id(enum probe_mode m)
{
	switch (m) {
	case MODE_PLAIN:
		return "none";
	case MODE_STARTTLS:
		return "starttls";
	case MODE_TLS:
		return "ssl_tls";
	default:
		return "?";
	}
}

const char *
advice_security_words(enum probe_mode m)
{
	return facts_mode_client(m);
}

const char *
advice_login_name(enum advice_login l)
{
	switch (l) {
	case ADVICE_LOGIN_OFFERED:
		return "offered";
	case ADVICE_LOGIN_NOT_OFFERED:
		return "not_offered";
	default:
		return "unknown";
	}
}

const char *
advice_finding_name(enum advice_finding_id id)
{
	return id < ADVICE_F_LAST ? adv_finding_table[id].id : "?";
}

const char *
advice_severity_name(enum advice_severity s)
{
	switch (s) {
	case ADVICE_CRITICAL:
		return "critical";
	case ADVICE_WARNING:
		return "warning";
	default:
		return "info";
	}
}

const struct advice_setting *
advice_rec_best(const struct advice_rec *r)
{
	return r->n > 0 ? &r->v[0] : NULL;
}

int
advice_host_worst(const struct advice_host *h)
{
	return h->nfindings > 0 ? (int)h->findings[0].severity : -1;
}

size_t
advice_host_count(const struct advice *a)
{
	return a->nhosts;
}

const struct advice_host *
advice_get_host(const struct advice *a, size_t i)
{
	return i < a->nhosts ? &a->hosts[i] : NULL;
}

/* Words for places and modes inside our sentences. */
static const char *
adv_mode_place(enum probe_mode m)
{
	return m == MODE_PLAIN ? "plaintext" : facts_mode_client(m);
}

/* "with SSL/TLS", "with STARTTLS", "without encryption" */
static const char *
adv_with(enum probe_mode m)
{
	switch (m) {
	case MODE_TLS:
		return "with SSL/TLS";
	case MODE_STARTTLS:
		return "with STARTTLS";
	default:
		return "without encryption";
	}
}

static const char *
adv_family(int family)
{
	return family == AF_INET6 ? "IPv6" : family == AF_INET ? "IPv4" :
	    "no address";
}

static const struct advice_cell *
adv_cell(const struct adv_build *b, size_t i)
{
	return &b->in->cells[i];
}

/* The address text of a cell; "-" when the caller gave none. */
static const char *
adv_addr(const struct advice_cell *c)
{
	return c->address != NULL ? c->address : "-";
}

static const struct probe_facts *
adv_facts(const struct adv_build *b, size_t i)
{
	return b->in->cells[i].facts;
}

/* The mode a port is meant for (its service, else its standard port), or
 * -1 when it is not a standard one. */
static int
adv_native(enum advice_proto proto, const char *service, uint16_t port)
{
	const struct dialect_service	*sv = NULL;
	const struct dialect		*d = NULL, *want;

	want = dialect_by_name(adv_proto_names[proto]);
	if (service != NULL)
		sv = dialect_service_by_name(service, &d);
	if (sv == NULL || d != want)
		sv = dialect_service_by_port(port, &d);
	if (sv == NULL || d != want)
		return -1;
	return (int)sv->native;
}

/* Port 25 carries mail between servers (RFC 5321), not from mail
 * programs (RFC 6409 submission). */
static bool
adv_is_relay(enum advice_proto proto, const char *service, uint16_t port)
{
	const struct dialect_service	*sv = NULL;
	const struct dialect		*d = NULL;

	if (proto != ADVICE_SMTP)
		return false;
	if (service != NULL)
		sv = dialect_service_by_name(service, &d);
	if (sv != NULL && d == &dialect_smtp)
		return sv->port == 25;
	return port == 25;
}

/* Whether a mail program can log in, from the capabilities before or
 * inside TLS. */
static enum advice_login
adv_login(enum advice_proto proto, const struct probe_facts *f, bool after)
{
	const struct mstr_list	*caps, *auth;
	bool			 known, disabled;

	if (!after && f->login_in_clear)
		return ADVICE_LOGIN_OFFERED;
	caps = after ? &f->caps_after : &f->caps_before;
	auth = after ? &f->auth_after : &f->auth_before;
	known = after ? f->caps_after_known : f->caps_before_known;
	disabled = after ? f->login_disabled_after : f->login_disabled_before;
	if (!known)
		return ADVICE_LOGIN_UNKNOWN;
	if (auth->n > 0)
		return ADVICE_LOGIN_OFFERED;
	switch (proto) {
	case ADVICE_IMAP:
		/* RFC 9051 6.2.3: LOGIN exists unless LOGINDISABLED. */
		return disabled ? ADVICE_LOGIN_NOT_OFFERED :
		    ADVICE_LOGIN_OFFERED;
	case ADVICE_POP3:
		/* RFC 2449 6.8: USER/PASS when CAPA lists USER. */
		return mstr_list_has(caps, "USER") ? ADVICE_LOGIN_OFFERED :
		    ADVICE_LOGIN_NOT_OFFERED;
	default:
		/* RFC 4954: no AUTH keyword, no login. */
		return ADVICE_LOGIN_NOT_OFFERED;
	}
}

static int64_t
adv_days(const struct adv_build *b, const struct cert_info *ci)
{
	int64_t	d;

	if (b->in->now == 0)
		return ci->days_left;
	d = ci->not_after - b->in->now;
	return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

static void
adv_date(int64_t t, char *buf, size_t size)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "an unknown date");
}

/* Groups. */

static struct adv_group *
adv_group_find(struct adv_build *b, enum advice_proto proto, uint16_t port,
    enum probe_mode mode)
{
	size_t	i;

	for (i = 0; i < b->ng; i++) {
		if (b->g[i].proto == proto && b->g[i].port == port &&
		    b->g[i].mode == mode)
			return &b->g[i];
	}
	return NULL;
}

static void
adv_group_add(struct adv_build *b, size_t ci, enum advice_proto proto)
{
	const struct advice_cell	*c = adv_cell(b, ci);
	struct adv_group		*g;

	g = adv_group_find(b, proto, c->port, c->mode);
	if (g == NULL) {
		b->g = xreallocarray(b->g, b->ng + 1, sizeof *b->g);
		g = &b->g[b->ng++];
		memset(g, 0, sizeof *g);
		g->proto = proto;
		g->port = c->port;
		g->mode = c->mode;
		g->service = c->service;
		g->relay = adv_is_relay(proto, c->service, c->port);
		g->native = adv_native(proto, c->service, c->port);
	}
	g->idx = xreallocarray(g->idx, g->n + 1, sizeof *g->idx);
	g->idx[g->n++] = ci;
}

static void
adv_group_judge(struct adv_build *b, struct adv_group *g)
{
	const struct probe_facts	*f;
	enum advice_login		 l;
	bool				 unknown = false, none = false;
	bool				 all_verified = true;
	size_t				 k;

	g->ok = g->fail = SIZE_MAX;
	for (k = 0; k < g->n; k++) {
		f = adv_facts(b, g->idx[k]);
		if (f->status == ST_PENDING)
			g->pending = true;
		if (f->status != ST_OK) {
			if (g->fail == SIZE_MAX)
				g->fail = g->idx[k];
			continue;
		}
		if (g->ok == SIZE_MAX)
			g->ok = g->idx[k];
		g->nok++;
		if (f->tls.established) {
			g->problems |= f->tls.problems;
			if (f->tls.verified)
				g->verified_some = true;
			else if (f->tls.problems == 0)
				g->problems |= TLS_PROB_BIT(TLS_PROB_OTHER);
		}
		if (!f->tls.established || !f->tls.verified)
			all_verified = false;
		l = adv_login(g->proto, f, g->mode != MODE_PLAIN);
		if (l == ADVICE_LOGIN_NOT_OFFERED)
			none = true;
		else if (l == ADVICE_LOGIN_UNKNOWN)
			unknown = true;
	}
	g->secure = g->mode != MODE_PLAIN && g->nok == g->n && g->n > 0 &&
	    all_verified;
	if (g->nok == 0 || (unknown && !none))
		g->login = ADVICE_LOGIN_UNKNOWN;
	else
		g->login = none ? ADVICE_LOGIN_NOT_OFFERED :
		    ADVICE_LOGIN_OFFERED;
}

/* "expired, name does not match" */
static void
adv_problem_words(unsigned problems, struct adv_sb *sb)
{
	int	i;
	bool	first = true;

	for (i = 0; i < TLS_PROB_LAST; i++) {
		if (problems & TLS_PROB_BIT(i)) {
			adv_sb_printf(sb, "%s%s", first ? "" : ", ",
			    facts_problem_words((enum tls_problem)i));
			first = false;
		}
	}
}

/* After a suggested setting: "" when it is secure, else what is wrong with
 * it: " (but its certificate is not trusted: expired)", " (not
 * encrypted)". */
static void
adv_caveat(const struct advice_setting *s, struct adv_sb *sb)
{
	sb->off = 0;
	sb->buf[0] = '\0';
	if (s == NULL || s->secure)
		return;
	if (s->security == MODE_PLAIN) {
		adv_sb_printf(sb, " (not encrypted)");
		return;
	}
	adv_sb_printf(sb, " (but its certificate is not trusted: ");
	if (s->problems != 0)
		adv_problem_words(s->problems, sb);
	else
		adv_sb_printf(sb, "not verified");
	adv_sb_printf(sb, ")");
}

/* What the port speaks: "plaintext and STARTTLS", "SSL/TLS"; "" when no
 * mode works there. */
static void
adv_speaks(struct adv_build *b, enum advice_proto proto, uint16_t port,
    struct adv_sb *sb)
{
	static const enum probe_mode	 order[] = {
		MODE_PLAIN, MODE_STARTTLS, MODE_TLS
	};
	const char			*w[3];
	struct adv_group		*g;
	size_t				 i, n = 0;

	for (i = 0; i < 3; i++) {
		g = adv_group_find(b, proto, port, order[i]);
		if (g != NULL && g->nok > 0)
			w[n++] = adv_mode_place(order[i]);
	}
	for (i = 0; i < n; i++)
		adv_sb_printf(sb, "%s%s", i == 0 ? "" : i + 1 == n ? " and " :
		    ", ", w[i]);
}

static const char *
adv_login_gap(enum advice_proto proto, enum probe_mode mode)
{
	if (mode == MODE_PLAIN)
		return "no login before TLS";
	switch (proto) {
	case ADVICE_IMAP:
		return "LOGINDISABLED inside TLS";
	case ADVICE_POP3:
		return "neither USER nor SASL inside TLS";
	default:
		return "no AUTH after TLS";
	}
}

/* Why a cell fails, for a mail program set to the cell's mode (or to
 * asked, the security the user gave). */
static void
adv_fail_sentence(struct adv_build *b, const struct adv_group *g,
    size_t ci, enum probe_mode asked, struct adv_sb *sb)
{
	const struct probe_facts	*f = adv_facts(b, ci);
	struct adv_sb			 speaks;
	unsigned			 port = g->port;

	memset(&speaks, 0, sizeof speaks);
	switch (f->status) {
	case ST_WRONG_MODE:
		if (asked == MODE_TLS) {
			adv_speaks(b, g->proto, g->port, &speaks);
			if (speaks.off > 0)
				adv_sb_printf(sb, "port %u speaks %s; a mail "
				    "program set to SSL/TLS waits for a TLS "
				    "handshake that never comes", port,
				    speaks.buf);
			else
				adv_sb_printf(sb, "port %u does not start "
				    "with a TLS handshake; a mail program set "
				    "to SSL/TLS waits for one that never "
				    "comes", port);
		} else
			adv_sb_printf(sb, "port %u speaks SSL/TLS from the "
			    "first byte; a mail program set to %s waits for a "
			    "greeting that only comes inside TLS", port,
			    facts_mode_client(asked));
		break;
	case ST_STARTTLS_NOT_OFFERED:
		if (f->preauth)
			adv_sb_printf(sb, "port %u logs every client in "
			    "before any command (PREAUTH), so STARTTLS is "
			    "impossible there", port);
		else
			adv_sb_printf(sb, "port %u speaks plaintext but does "
			    "not offer STARTTLS, so a mail program set to "
			    "STARTTLS cannot start encryption", port);
		break;
	case ST_STARTTLS_REJECTED:
		adv_sb_printf(sb, "port %u advertises STARTTLS but refuses it "
		    "when asked, so a mail program set to STARTTLS cannot "
		    "connect", port);
		break;
	case ST_TLS_FAILED:
		if (f->tls.legacy_suspected)
			adv_sb_printf(sb, "the server on port %u speaks only "
			    "TLS older than 1.2, which current mail programs "
			    "refuse (RFC 8996)", port);
		else
			adv_sb_printf(sb, "the TLS handshake on port %u fails, "
			    "so a mail program set to %s cannot connect",
			    port, facts_mode_client(asked));
		break;
	case ST_REFUSED:
		adv_sb_printf(sb, "nothing listens on port %u (connection "
		    "refused)", port);
		break;
	case ST_TIMEOUT:
		if (f->phase == PS_CONNECTING && g->relay)
			adv_sb_printf(sb, "port %u does not answer; many "
			    "networks block outgoing port 25", port);
		else if (f->phase == PS_CONNECTING ||
		    f->phase == PS_QUEUED || f->phase == PS_RESOLVING)
			adv_sb_printf(sb, "port %u does not answer (the "
			    "connection times out); a firewall may drop it",
			    port);
		else
			adv_sb_printf(sb, "the server on port %u accepts the "
			    "connection but does not answer in time (during "
			    "the %s)", port, f->phase == PS_GREETING ?
			    "greeting" : f->phase == PS_TLS_HANDSHAKE ||
			    f->phase == PS_TLS_UPGRADE ? "TLS handshake" :
			    "dialogue");
		break;
	case ST_UNREACHABLE:
		adv_sb_printf(sb, "the server cannot be reached on port %u "
		    "(no route to it)", port);
		break;
	case ST_RESOLVE_FAILED:
		adv_sb_printf(sb, "the name %s does not resolve, so no setting "
		    "can work", b->h->host);
		break;
	case ST_PROTOCOL_ERROR:
		if (f->injected.n > 0)
			adv_sb_printf(sb, "on port %u the server sent data "
			    "right after its STARTTLS go-ahead (response "
			    "injection), so the session was ended", port);
		else
			adv_sb_printf(sb, "on port %u the server breaks the "
			    "%s protocol, so mail programs fail "
			    "unpredictably", port, adv_proto_labels[g->proto]);
		break;
	case ST_SERVICE_REFUSED:
		adv_sb_printf(sb, "the server on port %u refuses the session",
		    port);
		break;
	case ST_PENDING:
		adv_sb_printf(sb, "the probe of port %u has not finished",
		    port);
		break;
	default:
		adv_sb_printf(sb, "port %u %s does not work (%s)", port,
		    adv_with(g->mode),
		    facts_status_words(f->status));
		break;
	}
}

/* "port 993 with SSL/TLS works on 192.0.2.1 (IPv4) but not on
 * 2001:db8::1 (IPv6: timed out), ..." */
static void
adv_partial_sentence(struct adv_build *b, const struct adv_group *g,
    struct adv_sb *sb)
{
	const struct advice_cell	*ok = adv_cell(b, g->ok);
	const struct advice_cell	*bad = adv_cell(b, g->fail);

	adv_sb_printf(sb, "port %u %s works on %s (%s) but not on %s (%s: "
	    "%s), so a mail program fails whenever it picks that address",
	    g->port, adv_with(g->mode), adv_addr(ok), adv_family(ok->family),
	    adv_addr(bad), adv_family(bad->family),
	    facts_status_words(bad->facts->status));
}

/* Recommendations. */

static int
adv_rank(const struct advice_setting *s)
{
	if (s->security == MODE_PLAIN)
		return 4;
	if (s->secure)
		return s->security == MODE_TLS ? 0 : 1;
	return s->security == MODE_TLS ? 2 : 3;
}

static int
adv_popcount(unsigned v)
{
	int	n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/* RFC 8314: verified implicit TLS, verified STARTTLS, TLS with problems,
 * plaintext; then a known login, fewer problems, the port meant for that
 * security (587 STARTTLS before a 465 that wrongly speaks STARTTLS), the
 * lower port. */
static int
adv_setting_cmp(const void *va, const void *vb)
{
	const struct advice_setting	*a = va, *b = vb;
	int				 d;

	if (a->relay != b->relay)
		return a->relay ? 1 : -1;
	d = adv_rank(a) - adv_rank(b);
	if (d != 0)
		return d;
	if (a->login != b->login)
		return (int)a->login - (int)b->login;
	d = adv_popcount(a->problems) - adv_popcount(b->problems);
	if (d != 0)
		return d;
	if (a->native != b->native)
		return a->native ? -1 : 1;
	return (int)a->port - (int)b->port;
}

static void
adv_setting_init(struct adv_build *b, const struct adv_group *g,
    struct advice_setting *s)
{
	memset(s, 0, sizeof *s);
	s->server = b->h->host;
	s->proto = g->proto;
	s->port = g->port;
	s->security = g->mode;
	s->secure = g->secure;
	s->relay = g->relay;
	s->native = g->native == (int)g->mode;
	s->login = g->login;
	s->problems = g->mode == MODE_PLAIN ? 0 : g->problems;
}

/* The one-sentence why of a recommended setting. */
static char *
adv_setting_why(const struct advice_setting *s, bool last_resort)
{
	struct adv_sb	sb;

	memset(&sb, 0, sizeof sb);
	if (last_resort)
		adv_sb_printf(&sb, "last resort: port %u is for relay between "
		    "mail servers and no submission port (465, 587) works "
		    "here; ", s->port);
	if (s->security == MODE_PLAIN) {
		if (s->login == ADVICE_LOGIN_OFFERED)
			adv_sb_printf(&sb, "no encryption: the password and "
			    "the mail travel readable by anyone on the path");
		else
			adv_sb_printf(&sb, "no encryption: everything travels "
			    "readable by anyone on the path");
	} else if (s->secure && s->security == MODE_TLS)
		adv_sb_printf(&sb, "SSL/TLS from the first byte with a "
		    "verified certificate (RFC 8314 prefers implicit TLS)");
	else if (s->secure)
		adv_sb_printf(&sb, "STARTTLS with a verified certificate: "
		    "encrypted before the login");
	else {
		adv_sb_printf(&sb, "encrypted, but the certificate is not "
		    "trusted (");
		adv_problem_words(s->problems, &sb);
		adv_sb_printf(&sb, "), so a mail program warns or refuses and "
		    "the connection could be intercepted");
	}
	if (s->login == ADVICE_LOGIN_UNKNOWN)
		adv_sb_printf(&sb, "; whether it offers a login is unknown");
	return xstrdup(sb.buf);
}

static void
adv_rec_push(struct advice_setting **v, size_t *n,
    const struct advice_setting *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = *s;
}

static void
adv_rec_build(struct adv_build *b, enum advice_proto proto)
{
	struct advice_rec	*r = &b->h->rec[proto];
	struct advice_setting	 s, *relay = NULL;
	struct adv_group	*g;
	struct adv_sb		 sb;
	size_t			 i, nrelay = 0, ngroups = 0, nresolve = 0;
	bool			 pending = false;

	for (i = 0; i < b->ng; i++) {
		g = &b->g[i];
		if (g->proto != proto)
			continue;
		ngroups++;
		if (g->pending)
			pending = true;
		if (g->nok == 0) {
			if (adv_facts(b, g->fail)->status ==
			    ST_RESOLVE_FAILED)
				nresolve++;
			continue;
		}
		adv_setting_init(b, g, &s);
		memset(&sb, 0, sizeof sb);
		if (g->nok < g->n) {
			adv_partial_sentence(b, g, &sb);
			s.why = xstrdup(sb.buf);
			adv_rec_push(&r->excluded, &r->nexcluded, &s);
		} else if (g->login == ADVICE_LOGIN_NOT_OFFERED) {
			adv_sb_printf(&sb, "port %u %s works, but the "
			    "server offers no login there (%s), so a mail "
			    "program cannot %s through it", g->port,
			    adv_with(g->mode),
			    adv_login_gap(proto, g->mode),
			    proto == ADVICE_SMTP ? "send mail" : "log in");
			s.why = xstrdup(sb.buf);
			adv_rec_push(&r->excluded, &r->nexcluded, &s);
		} else if (g->relay)
			adv_rec_push(&relay, &nrelay, &s);
		else
			adv_rec_push(&r->v, &r->n, &s);
	}

	/* Port 25 only when no submission setting works. */
	if (r->n > 0) {
		for (i = 0; i < nrelay; i++) {
			relay[i].why = xstrdup("port 25 is for relay between "
			    "mail servers; a submission port works, so a "
			    "mail program should use that");
			adv_rec_push(&r->excluded, &r->nexcluded, &relay[i]);
		}
		if (r->n > 1)
			qsort(r->v, r->n, sizeof *r->v, adv_setting_cmp);
		for (i = 0; i < r->n; i++)
			r->v[i].why = adv_setting_why(&r->v[i], false);
	} else {
		for (i = 0; i < nrelay; i++)
			adv_rec_push(&r->v, &r->n, &relay[i]);
		if (r->n > 1)
			qsort(r->v, r->n, sizeof *r->v, adv_setting_cmp);
		for (i = 0; i < r->n; i++)
			r->v[i].why = adv_setting_why(&r->v[i], true);
	}
	free(relay);
	if (r->n > 0)
		return;

	memset(&sb, 0, sizeof sb);
	if (ngroups == 0)
		adv_sb_printf(&sb, "no %s port was probed",
		    adv_proto_labels[proto]);
	else if (nresolve == ngroups)
		adv_sb_printf(&sb, "the name %s does not resolve, so no "
		    "setting can work", b->h->host);
	else if (r->nexcluded > 0)
		adv_sb_printf(&sb, "%s", r->excluded[0].why);
	else if (pending)
		adv_sb_printf(&sb, "the probes of %s have not finished",
		    adv_proto_labels[proto]);
	else {
		adv_sb_printf(&sb, "no %s setting works on this host (",
		    adv_proto_labels[proto]);
		ngroups = 0;
		for (i = 0; i < b->ng; i++) {
			g = &b->g[i];
			if (g->proto != proto)
				continue;
			if (ngroups++ == ADV_WHERE_MAX) {
				adv_sb_printf(&sb, ", ...");
				break;
			}
			adv_sb_printf(&sb, "%s%u %s: %s", ngroups > 1 ? ", " :
			    "", g->port, adv_mode_place(g->mode),
			    facts_status_words(adv_facts(b, g->fail)->status));
		}
		adv_sb_printf(&sb, ")");
	}
	r->why = xstrdup(sb.buf);
}

/* Checks of the user's own settings. */

static bool
adv_better(const struct advice_setting *s, const struct advice_setting *than)
{
	return adv_setting_cmp(s, than) < 0;
}

static void
adv_check(struct adv_build *b, const struct advice_given *gv,
    struct advice_check *c)
{
	const struct advice_rec	*r = &b->h->rec[gv->proto];
	const struct advice_setting *best, *same, *other, *s;
	struct advice_setting	 self;
	struct adv_group	*g;
	struct adv_sb		 sb, cb, cs;
	size_t			 i;
	bool			 insecure_ok = false;

	memset(c, 0, sizeof *c);
	memset(&sb, 0, sizeof sb);
	c->given = *gv;
	g = adv_group_find(b, gv->proto, gv->port, gv->security);
	if (g == NULL || g->n == 0) {
		c->status = "not_probed";
		adv_sb_printf(&sb, "%s on port %u %s was not probed; add the "
		    "port to the probe to check it",
		    adv_proto_labels[gv->proto], gv->port,
		    adv_with(gv->security));
	} else if (g->nok == g->n) {
		if (g->mode != MODE_PLAIN && !g->secure) {
			c->status = "certificate_problem";
			adv_sb_printf(&sb, "port %u with %s connects, but the "
			    "certificate is not trusted (", g->port,
			    facts_mode_client(g->mode));
			adv_problem_words(g->problems, &sb);
			adv_sb_printf(&sb, "), so a mail program warns or "
			    "refuses");
		} else if (g->login == ADVICE_LOGIN_NOT_OFFERED) {
			c->status = "no_login";
			adv_sb_printf(&sb, "port %u %s connects, but the "
			    "server offers no login there (%s), so a mail "
			    "program cannot %s", g->port, adv_with(g->mode),
			    adv_login_gap(g->proto, g->mode),
			    g->proto == ADVICE_SMTP ? "send mail" : "log in");
		} else {
			c->status = "ok";
			c->works = true;
			if (g->mode == MODE_PLAIN) {
				insecure_ok = true;
				adv_sb_printf(&sb, "port %u without encryption "
				    "works, but %s travels readable by anyone "
				    "on the path", g->port, g->login ==
				    ADVICE_LOGIN_OFFERED ? "the password" :
				    "everything");
			} else
				adv_sb_printf(&sb, "port %u with %s works: "
				    "encrypted with a verified certificate",
				    g->port, facts_mode_client(g->mode));
			if (g->relay)
				adv_sb_printf(&sb, "; port 25 is meant for "
				    "relay between servers, so prefer a "
				    "submission port");
		}
	} else if (g->nok > 0) {
		c->status = facts_status_name(adv_facts(b, g->fail)->status);
		adv_partial_sentence(b, g, &sb);
	} else {
		c->status = facts_status_name(adv_facts(b, g->fail)->status);
		adv_fail_sentence(b, g, g->fail, gv->security, &sb);
	}
	c->why = xstrdup(sb.buf);

	/* What to use instead: the recommendations, without the given one;
	 * for a setting that works unencrypted, only better ones. */
	if (c->works && !insecure_ok && !g->relay)
		return;
	memset(&self, 0, sizeof self);
	self.port = gv->port;
	self.security = gv->security;
	self.relay = g != NULL && g->relay;
	self.login = ADVICE_LOGIN_OFFERED;
	c->instead = xreallocarray(NULL, r->n + 1, sizeof *c->instead);
	for (i = 0; i < r->n; i++) {
		s = &r->v[i];
		if (s->port == gv->port && s->security == gv->security)
			continue;
		if (c->works && !adv_better(s, &self))
			continue;
		c->instead[c->ninstead++] = s;
	}
	if (c->ninstead == 0) {
		if (!c->works)
			xasprintf(&c->change, "no %s setting works on this "
			    "host; ask your provider which server name and "
			    "port to use", adv_proto_labels[gv->proto]);
		return;
	}
	best = c->instead[0];
	same = other = NULL;
	for (i = 0; i < c->ninstead; i++) {
		s = c->instead[i];
		if (s->port == gv->port && same == NULL)
			same = s;
		if (s->port != gv->port && other == NULL)
			other = s;
	}
	/* A way out that is not secure says so, so that nobody follows it
	 * blindly. */
	adv_caveat(best, &cb);
	adv_caveat(same != NULL && best->port != gv->port ? same : other,
	    &cs);
	if (best->security == MODE_PLAIN) {
		/* Everything is plaintext then; the sentence below says it
		 * once. */
		cb.buf[0] = cs.buf[0] = '\0';
	}
	if (best->port != gv->port) {
		if (same != NULL) {
			xasprintf(&c->change, "use %u with %s%s, or keep %u "
			    "and choose %s%s", best->port,
			    facts_mode_client(best->security), cb.buf,
			    gv->port, facts_mode_client(same->security),
			    cs.buf);
		} else
			xasprintf(&c->change, "use %u with %s%s", best->port,
			    facts_mode_client(best->security), cb.buf);
	} else if (other != NULL) {
		xasprintf(&c->change, "keep %u and choose %s%s, or use %u "
		    "with %s%s", gv->port, facts_mode_client(best->security),
		    cb.buf, other->port, facts_mode_client(other->security),
		    cs.buf);
	} else
		xasprintf(&c->change, "keep %u and choose %s%s", gv->port,
		    facts_mode_client(best->security), cb.buf);
	if (best->security == MODE_PLAIN) {
		/* Never steer a user into plaintext without saying so. */
		memset(&sb, 0, sizeof sb);
		adv_sb_printf(&sb, "%s, only if you accept that the password "
		    "travels readable; better ask your provider for an "
		    "encrypted setting", c->change);
		free(c->change);
		c->change = xstrdup(sb.buf);
	}
}

/* Findings. */

static void
adv_ref(struct adv_build *b, enum advice_finding_id id, size_t ci)
{
	struct advice_finding		*f = &b->f[id];
	const struct advice_cell	*c = adv_cell(b, ci);
	struct advice_cellref		*r;
	size_t				 i;

	for (i = 0; i < f->ncells; i++) {
		if (f->cells[i].cell == ci)
			return;
	}
	f->cells = xreallocarray(f->cells, f->ncells + 1, sizeof *f->cells);
	r = &f->cells[f->ncells++];
	memset(r, 0, sizeof *r);
	r->cell = ci;
	snprintf(r->address, sizeof r->address, "%s", adv_addr(c));
	r->family = c->family;
	r->proto = (enum advice_proto)advice_proto_from_name(c->protocol);
	r->port = c->port;
	r->mode = c->mode;
}

/* "IMAP 993 SSL/TLS and POP3 995 SSL/TLS" (with_mode) or "ports 465 and
 * 993" style places of a finding's cells. */
static void
adv_where(const struct advice_finding *f, bool with_mode, struct adv_sb *sb)
{
	struct {
		enum advice_proto	 proto;
		uint16_t		 port;
		int			 mode;
	}		 k[ADV_WHERE_MAX];
	size_t		 n = 0, more = 0, i, j;
	int		 mode;

	for (i = 0; i < f->ncells; i++) {
		mode = with_mode ? (int)f->cells[i].mode : -1;
		for (j = 0; j < n; j++) {
			if (k[j].proto == f->cells[i].proto &&
			    k[j].port == f->cells[i].port && k[j].mode == mode)
				break;
		}
		if (j < n)
			continue;
		if (n == ADV_WHERE_MAX) {
			more++;
			continue;
		}
		k[n].proto = f->cells[i].proto;
		k[n].port = f->cells[i].port;
		k[n].mode = mode;
		n++;
	}
	for (i = 0; i < n; i++) {
		adv_sb_printf(sb, "%s%s %u%s%s", i == 0 ? "" :
		    i + 1 == n && more == 0 ? " and " : ", ",
		    adv_proto_labels[k[i].proto], k[i].port,
		    k[i].mode == -1 ? "" : " ",
		    k[i].mode == -1 ? "" :
		    adv_mode_place((enum probe_mode)k[i].mode));
	}
	if (more > 0)
		adv_sb_printf(sb, " and %zu more", more);
}

static void
adv_days_note(struct adv_extra *x, int64_t days)
{
	if (!x->have_days || days < x->days)
		x->days = days;
	x->have_days = true;
}

/* The CN of a raw subject ("C=XX, O=Y, CN=name"), for a certificate
 * without SANs. */
static void
adv_subject_cn(const struct mstr *subj, struct mstr_list *names)
{
	size_t	i, start, end;

	if (subj->p == NULL)
		return;
	for (i = 0; i + 3 <= subj->n; i++) {
		if ((i == 0 || subj->p[i - 1] == ' ' ||
		    subj->p[i - 1] == ',') && strncmp(subj->p + i, "CN=", 3)
		    == 0) {
			start = i + 3;
			for (end = start; end < subj->n; end++) {
				if (subj->p[end] == ',')
					break;
			}
			if (end > start)
				mstr_list_add(names, subj->p + start,
				    end - start, ADV_NAMES_MAX);
			return;
		}
	}
}

static void
adv_cert_findings(struct adv_build *b, size_t ci)
{
	const struct probe_facts	*f = adv_facts(b, ci);
	const struct tls_facts		*t = &f->tls;
	const struct cert_info		*leaf, *last;
	struct advice_finding		*fd;
	int64_t				 days;
	size_t				 i;

	if (!t->established || t->chain_len == 0)
		return;
	leaf = &t->chain[0];
	days = adv_days(b, leaf);
	if (t->problems & TLS_PROB_BIT(TLS_PROB_EXPIRED)) {
		adv_ref(b, ADVICE_F_CERT_EXPIRED, ci);
		adv_days_note(&b->x[ADVICE_F_CERT_EXPIRED], days);
	} else if (days >= 0 && days < (b->in->expiring_days > 0 ?
	    b->in->expiring_days : ADVICE_EXPIRING_DAYS)) {
		adv_ref(b, ADVICE_F_CERT_EXPIRING_SOON, ci);
		adv_days_note(&b->x[ADVICE_F_CERT_EXPIRING_SOON], days);
	}
	if (t->problems & TLS_PROB_BIT(TLS_PROB_NOT_YET_VALID)) {
		adv_ref(b, ADVICE_F_CERT_NOT_YET_VALID, ci);
		if (leaf->not_before > b->x[ADVICE_F_CERT_NOT_YET_VALID]
		    .not_before)
			b->x[ADVICE_F_CERT_NOT_YET_VALID].not_before =
			    leaf->not_before;
	}
	if (t->problems & TLS_PROB_BIT(TLS_PROB_HOSTNAME_MISMATCH)) {
		fd = &b->f[ADVICE_F_CERT_HOSTNAME_MISMATCH];
		adv_ref(b, ADVICE_F_CERT_HOSTNAME_MISMATCH, ci);
		for (i = 0; i < leaf->san.n; i++)
			mstr_list_add(&fd->names, leaf->san.v[i].p,
			    leaf->san.v[i].n, ADV_NAMES_MAX);
		if (leaf->san.n == 0)
			adv_subject_cn(&leaf->subject, &fd->names);
	}
	if (t->problems & TLS_PROB_BIT(TLS_PROB_SELF_SIGNED))
		adv_ref(b, ADVICE_F_CERT_SELF_SIGNED, ci);
	else if (t->problems & TLS_PROB_BIT(TLS_PROB_UNTRUSTED)) {
		adv_ref(b, ADVICE_F_CERT_UNTRUSTED, ci);
		/* The last certificate sent is not a root: its issuer was
		 * neither sent nor trusted, so the chain is cut short. */
		last = &t->chain[t->chain_len - 1];
		if (t->chain_sent == t->chain_len && !last->self_issued)
			b->f[ADVICE_F_CERT_UNTRUSTED].missing_intermediate =
			    true;
	}
}

static bool
adv_version_legacy(const char *v)
{
	return strcmp(v, "TLSv1.0") == 0 || strcmp(v, "TLSv1") == 0 ||
	    strcmp(v, "TLSv1.1") == 0 || strncmp(v, "SSL", 3) == 0;
}

static void
adv_cell_findings(struct adv_build *b, size_t ci, const struct adv_group *g)
{
	const struct advice_cell	*c = adv_cell(b, ci);
	const struct probe_facts	*f = c->facts;
	struct adv_extra		*x;
	int64_t				 t, slow_us;

	adv_cert_findings(b, ci);

	if (c->mode != MODE_TLS && f->caps_before_known &&
	    adv_login(g->proto, f, false) == ADVICE_LOGIN_OFFERED)
		adv_ref(b, ADVICE_F_LOGIN_BEFORE_TLS, ci);

	if (c->mode == MODE_STARTTLS && f->status == ST_STARTTLS_NOT_OFFERED &&
	    g->native != MODE_TLS)
		adv_ref(b, ADVICE_F_STARTTLS_MISSING, ci);

	x = &b->x[ADVICE_F_STARTTLS_BROKEN];
	if (c->mode == MODE_STARTTLS && f->status == ST_STARTTLS_REJECTED) {
		adv_ref(b, ADVICE_F_STARTTLS_BROKEN, ci);
		x->rejected = true;
	} else if (c->mode == MODE_STARTTLS && f->status == ST_TLS_FAILED &&
	    !f->tls.legacy_suspected && (f->starttls_offered ||
	    f->phase == PS_TLS_UPGRADE)) {
		adv_ref(b, ADVICE_F_STARTTLS_BROKEN, ci);
		x->failed = true;
	}

	if ((c->mode == MODE_PLAIN && f->status == ST_OK &&
	    (f->implicit_port_plaintext || g->native == MODE_TLS)) ||
	    (c->mode == MODE_TLS && f->status == ST_WRONG_MODE &&
	    g->native == MODE_TLS))
		adv_ref(b, ADVICE_F_IMPLICIT_TLS_PORT_PLAINTEXT, ci);

	if ((f->status == ST_TLS_FAILED && f->tls.legacy_suspected) ||
	    (f->tls.established && adv_version_legacy(f->tls.version)))
		adv_ref(b, ADVICE_F_TLS_LEGACY, ci);

	if (f->status == ST_PROTOCOL_ERROR || f->injected.n > 0) {
		adv_ref(b, ADVICE_F_PROTOCOL_VIOLATION, ci);
		if (f->injected.n > 0)
			b->x[ADVICE_F_PROTOCOL_VIOLATION].injected = true;
	}

	x = &b->x[ADVICE_F_SLOW_SERVICE];
	slow_us = (int64_t)(b->in->slow_ms > 0 ? b->in->slow_ms :
	    ADVICE_SLOW_MS) * 1000;
	t = f->timing.greeting_us;
	if (f->timing.tls_us > t)
		t = f->timing.tls_us;
	if (f->timing.tls_upgrade_us > t)
		t = f->timing.tls_upgrade_us;
	if (t > slow_us) {
		adv_ref(b, ADVICE_F_SLOW_SERVICE, ci);
		if ((uint64_t)t > x->slow_us)
			x->slow_us = (uint64_t)t;
	}
	/* A greeting that never comes on a port meant for TLS is the wrong
	 * mode, not a slow server. */
	if (f->status == ST_TIMEOUT && (f->phase == PS_TLS_HANDSHAKE ||
	    f->phase == PS_TLS_UPGRADE || (f->phase == PS_GREETING &&
	    !(c->mode != MODE_TLS && g->native == MODE_TLS)))) {
		adv_ref(b, ADVICE_F_SLOW_SERVICE, ci);
		x->timeout = true;
	}
}

/* An SMTP cell's answer: did the server's TCP stack answer at all? */
static bool
adv_answered(const struct probe_facts *f)
{
	return f->status != ST_TIMEOUT && f->status != ST_UNREACHABLE &&
	    f->status != ST_RESOLVE_FAILED && f->status != ST_PENDING;
}

/* Port 25 times out on an address where a submission port answers: the
 * user's network blocks outgoing 25. */
static void
adv_port25(struct adv_build *b)
{
	const struct advice_cell	*c, *d;
	struct adv_sb			 sb;
	uint16_t			 seen[8];
	size_t				 nseen = 0, i, k, s;
	bool				 blocked, answered;

	/* Per address: every port-25 cell timed out while connecting and
	 * some submission cell answered. */
	for (i = 0; i < b->ncells; i++) {
		c = adv_cell(b, b->cells[i]);
		if (advice_proto_from_name(c->protocol) != ADVICE_SMTP ||
		    !adv_is_relay(ADVICE_SMTP, c->service, c->port))
			continue;
		blocked = true;
		answered = false;
		for (k = 0; k < b->ncells; k++) {
			d = adv_cell(b, b->cells[k]);
			if (strcmp(adv_addr(d), adv_addr(c)) != 0 ||
			    advice_proto_from_name(d->protocol) != ADVICE_SMTP)
				continue;
			if (adv_is_relay(ADVICE_SMTP, d->service, d->port)) {
				if (d->facts->status != ST_TIMEOUT ||
				    d->facts->phase != PS_CONNECTING)
					blocked = false;
			} else if (adv_answered(d->facts))
				answered = true;
		}
		if (!blocked || !answered)
			continue;
		adv_ref(b, ADVICE_F_PORT25_BLOCKED, b->cells[i]);
		for (k = 0; k < b->ncells; k++) {
			d = adv_cell(b, b->cells[k]);
			if (strcmp(adv_addr(d), adv_addr(c)) != 0 ||
			    advice_proto_from_name(d->protocol) !=
			    ADVICE_SMTP || adv_is_relay(ADVICE_SMTP,
			    d->service, d->port) || !adv_answered(d->facts))
				continue;
			for (s = 0; s < nseen; s++) {
				if (seen[s] == d->port)
					break;
			}
			if (s == nseen && nseen < sizeof seen / sizeof seen[0])
				seen[nseen++] = d->port;
		}
	}
	if (nseen == 0)
		return;
	memset(&sb, 0, sizeof sb);
	for (s = 0; s < nseen; s++)
		adv_sb_printf(&sb, "%s%u", s == 0 ? "" : s + 1 == nseen ?
		    " and " : ", ", seen[s]);
	b->x[ADVICE_F_PORT25_BLOCKED].answered = xstrdup(sb.buf);
}

/* IPv4 and IPv6 (or two addresses of a family) disagree on a setting. */
static void
adv_addresses(struct adv_build *b)
{
	struct adv_extra	*x = &b->x[ADVICE_F_ADDRESS_MISMATCH];
	const struct advice_cell *ok, *bad;
	struct adv_group	*g;
	struct adv_sb		 sb;
	size_t			 i, k;
	bool			 cert;

	for (i = 0; i < b->ng; i++) {
		g = &b->g[i];
		if (g->n < 2 || g->pending)
			continue;
		cert = g->nok == g->n && g->mode != MODE_PLAIN &&
		    g->verified_some && !g->secure;
		if (!(g->nok > 0 && g->nok < g->n) && !cert)
			continue;
		for (k = 0; k < g->n; k++)
			adv_ref(b, ADVICE_F_ADDRESS_MISMATCH, g->idx[k]);
		if (x->detail != NULL) {
			x->more++;
			continue;
		}
		memset(&sb, 0, sizeof sb);
		if (cert) {
			/* cert: some cells verified, some not. */
			ok = bad = adv_cell(b, g->idx[0]);
			for (k = g->n; k-- > 0;) {
				if (adv_facts(b, g->idx[k])->tls.verified)
					ok = adv_cell(b, g->idx[k]);
				else
					bad = adv_cell(b, g->idx[k]);
			}
			adv_sb_printf(&sb, "%s %u %s presents a trusted "
			    "certificate on %s (%s) but not on %s (%s)",
			    adv_proto_labels[g->proto], g->port,
			    adv_mode_place(g->mode), adv_addr(ok),
			    adv_family(ok->family), adv_addr(bad),
			    adv_family(bad->family));
		} else {
			adv_sb_printf(&sb, "%s ", adv_proto_labels[g->proto]);
			adv_partial_sentence(b, g, &sb);
		}
		x->detail = xstrdup(sb.buf);
	}
}

/* A protocol whose working settings are all plaintext. */
static void
adv_no_encryption(struct adv_build *b)
{
	struct adv_extra	*x = &b->x[ADVICE_F_NO_ENCRYPTION];
	struct adv_group	*g;
	size_t			 i, k;
	int			 p;
	bool			 tls, plain;

	for (p = 0; p < ADVICE_PROTO_LAST; p++) {
		tls = plain = false;
		for (i = 0; i < b->ng; i++) {
			g = &b->g[i];
			if (g->proto != (enum advice_proto)p || g->nok == 0)
				continue;
			if (g->mode == MODE_PLAIN)
				plain = true;
			else if (g->nok == g->n)
				tls = true;
		}
		if (!plain || tls)
			continue;
		x->protos[p] = true;
		for (i = 0; i < b->ng; i++) {
			g = &b->g[i];
			if (g->proto != (enum advice_proto)p ||
			    g->mode != MODE_PLAIN)
				continue;
			for (k = 0; k < g->n; k++) {
				if (adv_facts(b, g->idx[k])->status == ST_OK)
					adv_ref(b, ADVICE_F_NO_ENCRYPTION,
					    g->idx[k]);
			}
		}
	}
}

static const char *
adv_plural(int64_t n)
{
	return n == 1 || n == -1 ? "" : "s";
}

/* The sentences of a finding, once all its cells are known. */
static void
adv_finding_text(struct adv_build *b, enum advice_finding_id id)
{
	struct advice_finding	*f = &b->f[id];
	struct adv_extra	*x = &b->x[id];
	struct adv_sb		 w, t, fx;
	char			 date[32];
	const char		*host = b->h->host;
	int			 p, k, n;

	memset(&w, 0, sizeof w);
	memset(&t, 0, sizeof t);
	memset(&fx, 0, sizeof fx);
	/* Port-level findings name ports; the rest name port and mode. */
	adv_where(f, id != ADVICE_F_IMPLICIT_TLS_PORT_PLAINTEXT &&
	    id != ADVICE_F_PORT25_BLOCKED && id != ADVICE_F_STARTTLS_MISSING &&
	    id != ADVICE_F_STARTTLS_BROKEN, &w);
	f->days = x->have_days ? x->days : 0;

	switch (id) {
	case ADVICE_F_CERT_EXPIRED:
		if (x->days < 0)
			adv_sb_printf(&t, "the certificate on %s expired "
			    "%lld day%s ago", w.buf, (long long)-x->days,
			    adv_plural(x->days));
		else
			adv_sb_printf(&t, "the certificate on %s has expired",
			    w.buf);
		adv_sb_printf(&fx, "renew the certificate and reload every "
		    "service that uses it");
		break;
	case ADVICE_F_CERT_NOT_YET_VALID:
		adv_date(x->not_before, date, sizeof date);
		adv_sb_printf(&t, "the certificate on %s is valid only from "
		    "%s: it was installed too early, or a clock is wrong",
		    w.buf, date);
		adv_sb_printf(&fx, "check the clocks of the server and of "
		    "this computer, or install a certificate that is valid "
		    "now");
		break;
	case ADVICE_F_CERT_EXPIRING_SOON:
		adv_sb_printf(&t, "the certificate on %s expires in %lld "
		    "day%s", w.buf, (long long)x->days, adv_plural(x->days));
		adv_sb_printf(&fx, "renew it now and make sure automatic "
		    "renewal also reloads the mail services");
		break;
	case ADVICE_F_CERT_HOSTNAME_MISMATCH:
		adv_sb_printf(&t, "the certificate on %s is not valid for "
		    "%s: it carries other names", w.buf, host);
		adv_sb_printf(&fx, "type one of those names as the server "
		    "name if it belongs to the same provider, or have the "
		    "administrator install a certificate that includes %s",
		    host);
		break;
	case ADVICE_F_CERT_SELF_SIGNED:
		adv_sb_printf(&t, "the server presents a self-signed "
		    "certificate on %s, which no mail program trusts without "
		    "a manual exception", w.buf);
		adv_sb_printf(&fx, "install a certificate from a public "
		    "authority (Let's Encrypt, for instance)");
		break;
	case ADVICE_F_CERT_UNTRUSTED:
		if (f->missing_intermediate)
			adv_sb_printf(&t, "the certificate on %s is not "
			    "trusted: the server does not send its "
			    "intermediate certificate, so the chain does not "
			    "reach a trusted authority", w.buf);
		else
			adv_sb_printf(&t, "the certificate on %s is issued by "
			    "an authority this system does not trust", w.buf);
		adv_sb_printf(&fx, "configure the full chain (the certificate "
		    "followed by its intermediates), or use a certificate "
		    "from a public authority");
		break;
	case ADVICE_F_LOGIN_BEFORE_TLS:
		adv_sb_printf(&t, "on %s the server offers a password login "
		    "before TLS, so a mail program set to None, or one "
		    "pushed into plaintext by an attacker, sends the password "
		    "readable", w.buf);
		adv_sb_printf(&fx, "allow password logins only inside TLS");
		break;
	case ADVICE_F_STARTTLS_MISSING:
		adv_sb_printf(&t, "on %s the server speaks plaintext without "
		    "offering STARTTLS, so a mail program cannot encrypt "
		    "there", w.buf);
		adv_sb_printf(&fx, "enable STARTTLS on that service with a "
		    "certificate for %s", host);
		break;
	case ADVICE_F_STARTTLS_BROKEN:
		adv_sb_printf(&t, "on %s the server advertises STARTTLS but "
		    "%s, so a mail program set to STARTTLS cannot connect",
		    w.buf,
		    x->rejected && x->failed ? "refuses it or fails the "
		    "handshake" : x->rejected ? "refuses it when asked" :
		    "the TLS handshake after it fails");
		adv_sb_printf(&fx, "check that service's TLS certificate and "
		    "key files and its TLS settings, or stop advertising "
		    "STARTTLS until it works");
		break;
	case ADVICE_F_IMPLICIT_TLS_PORT_PLAINTEXT:
		adv_sb_printf(&t, "%s is meant for SSL/TLS (RFC 8314) but "
		    "speaks plaintext, so a mail program set to SSL/TLS "
		    "cannot connect and one set to None sends everything "
		    "readable", w.buf);
		adv_sb_printf(&fx, "turn on implicit TLS on that port "
		    "(wrapper mode), or stop listening there");
		break;
	case ADVICE_F_NO_ENCRYPTION:
		adv_sb_printf(&t, "no ");
		for (p = 0, k = 0; p < ADVICE_PROTO_LAST; p++)
			k += x->protos[p];
		for (p = 0, n = 0; p < ADVICE_PROTO_LAST; p++) {
			if (!x->protos[p])
				continue;
			n++;
			adv_sb_printf(&t, "%s%s", n == 1 ? "" : n == k ?
			    " or " : ", ", adv_proto_labels[p]);
		}
		adv_sb_printf(&t, " setting on this host is encrypted: "
		    "passwords and mail travel readable; ask your provider "
		    "for an encrypted setting");
		adv_sb_printf(&fx, "enable TLS: implicit TLS on 993, 995 and "
		    "465, and STARTTLS on 143, 110 and 587, with a "
		    "certificate for %s", host);
		break;
	case ADVICE_F_PORT25_BLOCKED:
		adv_sb_printf(&t, "port 25 times out while %s answer%s, as "
		    "on networks that block outgoing port 25; mail programs "
		    "should send on 465 or 587 anyway", x->answered != NULL ?
		    x->answered : "submission ports", x->answered != NULL &&
		    strchr(x->answered, ' ') == NULL ? "s" : "");
		adv_sb_printf(&fx, "nothing to change on the server for mail "
		    "programs; to test port 25, probe from a network that "
		    "allows it");
		break;
	case ADVICE_F_TLS_LEGACY:
		adv_sb_printf(&t, "on %s the server speaks only TLS older "
		    "than 1.2, which current mail programs refuse (RFC 8996)",
		    w.buf);
		adv_sb_printf(&fx, "enable TLS 1.2 and 1.3 on the server (a "
		    "current TLS library and settings)");
		break;
	case ADVICE_F_SLOW_SERVICE:
		if (x->timeout)
			adv_sb_printf(&t, "on %s the server accepts the "
			    "connection but does not greet or finish the TLS "
			    "handshake in time; mail programs give up too",
			    w.buf);
		else
			adv_sb_printf(&t, "on %s the server takes %.1f s to "
			    "greet or finish the TLS handshake; mail programs "
			    "with short timeouts give up intermittently",
			    w.buf, (double)x->slow_us / 1e6);
		adv_sb_printf(&fx, "look for reverse DNS lookups, greeting "
		    "delays or an overloaded server behind the delay");
		break;
	case ADVICE_F_ADDRESS_MISMATCH:
		if (x->more > 0)
			adv_sb_printf(&t, "the addresses of %s disagree: %s "
			    "(and %zu more setting%s)", host,
			    x->detail != NULL ? x->detail : "",
			    x->more, x->more == 1 ? "" : "s");
		else
			adv_sb_printf(&t, "the addresses of %s disagree: %s",
			    host, x->detail != NULL ? x->detail : "");
		adv_sb_printf(&fx, "make every address (A and AAAA records) "
		    "serve the same services with the same certificate, or "
		    "remove the record of the one that fails");
		break;
	case ADVICE_F_PROTOCOL_VIOLATION:
		if (x->injected) {
			f->severity = ADVICE_CRITICAL;
			adv_sb_printf(&t, "on %s the server sent data right "
			    "after its STARTTLS go-ahead, before the "
			    "handshake (response injection, the "
			    "CVE-2011-0411 class)", w.buf);
			adv_sb_printf(&fx, "update the mail server software; "
			    "if it is current, look for a middlebox on the "
			    "path that injects the bytes");
		} else {
			adv_sb_printf(&t, "on %s the server breaks the protocol "
			    "(replies nobody asked for, or malformed "
			    "replies), so mail programs may fail or misread "
			    "it", w.buf);
			adv_sb_printf(&fx, "update or fix the server "
			    "software, and turn off any firewall feature "
			    "that rewrites mail traffic");
		}
		break;
	default:
		break;
	}
	f->text = xstrdup(t.buf);
	f->fix = xstrdup(fx.buf);
}

static int
adv_finding_cmp(const void *va, const void *vb)
{
	const struct advice_finding	*a = va, *b = vb;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	return (int)a->id - (int)b->id;
}

static void
adv_findings(struct adv_build *b)
{
	struct advice_host	*h = b->h;
	size_t			 i, k;
	int			 id;

	for (id = 0; id < ADVICE_F_LAST; id++) {
		b->f[id].id = (enum advice_finding_id)id;
		b->f[id].severity = adv_finding_table[id].sev;
	}
	for (i = 0; i < b->ng; i++) {
		for (k = 0; k < b->g[i].n; k++)
			adv_cell_findings(b, b->g[i].idx[k], &b->g[i]);
	}
	adv_port25(b);
	adv_addresses(b);
	adv_no_encryption(b);

	h->findings = xreallocarray(NULL, ADVICE_F_LAST, sizeof *h->findings);
	for (id = 0; id < ADVICE_F_LAST; id++) {
		if (b->f[id].ncells == 0) {
			mstr_list_clear(&b->f[id].names);
			continue;
		}
		adv_finding_text(b, (enum advice_finding_id)id);
		h->findings[h->nfindings++] = b->f[id];
	}
	qsort(h->findings, h->nfindings, sizeof *h->findings,
	    adv_finding_cmp);
	for (id = 0; id < ADVICE_F_LAST; id++) {
		free(b->x[id].detail);
		free(b->x[id].answered);
	}
}

/* One host. */

static void
adv_host(const struct advice_input *in, const char *host, size_t *cells,
    size_t ncells, struct advice_host *h)
{
	struct adv_build	 b;
	int			 proto;
	size_t			 i;

	memset(&b, 0, sizeof b);
	memset(h, 0, sizeof *h);
	b.in = in;
	b.h = h;
	b.cells = cells;
	b.ncells = ncells;
	h->host = xstrdup(host);
	h->complete = true;
	for (i = 0; i < ncells; i++) {
		proto = advice_proto_from_name(in->cells[cells[i]].protocol);
		if (proto == -1 || in->cells[cells[i]].facts == NULL ||
		    in->cells[cells[i]].mode >= MODE_LAST)
			continue;
		adv_group_add(&b, cells[i], (enum advice_proto)proto);
	}
	for (i = 0; i < b.ng; i++) {
		adv_group_judge(&b, &b.g[i]);
		if (b.g[i].pending)
			h->complete = false;
	}
	for (proto = 0; proto < ADVICE_PROTO_LAST; proto++)
		adv_rec_build(&b, (enum advice_proto)proto);
	if (in->ngiven > 0) {
		h->checks = xreallocarray(NULL, in->ngiven, sizeof *h->checks);
		for (i = 0; i < in->ngiven; i++)
			adv_check(&b, &in->given[i], &h->checks[i]);
		h->nchecks = in->ngiven;
	}
	adv_findings(&b);
	for (i = 0; i < b.ng; i++)
		free(b.g[i].idx);
	free(b.g);
}

struct advice *
advice_new(const struct advice_input *in)
{
	struct advice	*a;
	const char	*host, **names = NULL;
	size_t		*cells, ncells, nnames = 0, i, j;

	a = xcalloc(1, sizeof *a);
	for (i = 0; i < in->ncells; i++) {
		host = in->cells[i].host != NULL ? in->cells[i].host : "";
		for (j = 0; j < nnames; j++) {
			if (strcmp(names[j], host) == 0)
				break;
		}
		if (j == nnames) {
			names = xreallocarray(names, nnames + 1,
			    sizeof *names);
			names[nnames++] = host;
		}
	}
	a->hosts = xcalloc(nnames > 0 ? nnames : 1, sizeof *a->hosts);
	cells = xcalloc(in->ncells > 0 ? in->ncells : 1, sizeof *cells);
	for (j = 0; j < nnames; j++) {
		ncells = 0;
		for (i = 0; i < in->ncells; i++) {
			host = in->cells[i].host != NULL ?
			    in->cells[i].host : "";
			if (strcmp(names[j], host) == 0)
				cells[ncells++] = i;
		}
		adv_host(in, names[j], cells, ncells, &a->hosts[j]);
	}
	a->nhosts = nnames;
	free(cells);
	free(names);
	return a;
}

static void
adv_rec_free(struct advice_rec *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].why);
	for (i = 0; i < r->nexcluded; i++)
		free(r->excluded[i].why);
	free(r->v);
	free(r->excluded);
	free(r->why);
}

void
advice_free(struct advice *a)
{
	struct advice_host	*h;
	size_t			 i, k;
	int			 p;

	if (a == NULL)
		return;
	for (i = 0; i < a->nhosts; i++) {
		h = &a->hosts[i];
		for (p = 0; p < ADVICE_PROTO_LAST; p++)
			adv_rec_free(&h->rec[p]);
		for (k = 0; k < h->nchecks; k++) {
			free(h->checks[k].why);
			free(h->checks[k].change);
			free(h->checks[k].instead);
		}
		for (k = 0; k < h->nfindings; k++) {
			free(h->findings[k].cells);
			free(h->findings[k].text);
			free(h->findings[k].fix);
			mstr_list_clear(&h->findings[k].names);
		}
		free(h->checks);
		free(h->findings);
		free(h->host);
	}
	free(a->hosts);
	free(a);
}

struct advice_cell *
advice_cells_dup(const struct run *r, size_t *n)
{
	const struct run_addr	*a;
	const struct run_host	*h;
	const struct port_row	*row;
	const struct probe	*p;
	struct advice_cell	*v = NULL, *c;
	size_t			 i, j, max;
	int			 m;

	*n = 0;
	max = run_addr_count(r) * run_row_count(r) * MODE_LAST;
	if (max == 0)
		return NULL;
	v = xcalloc(max, sizeof *v);
	for (i = 0; i < run_addr_count(r); i++) {
		a = run_get_addr(r, i);
		h = run_get_host(r, a->host);
		for (j = 0; j < run_row_count(r); j++) {
			row = run_get_row(r, j);
			for (m = 0; m < MODE_LAST; m++) {
				p = run_get_probe(r, i, j, (enum probe_mode)m);
				if (p == NULL)
					continue;
				c = &v[(*n)++];
				c->host = h->name;
				c->address = a->text;
				c->family = a->family;
				c->port = row->port;
				c->service = row->service;
				c->protocol = row->dialect->name;
				c->mode = (enum probe_mode)m;
				c->facts = probe_get_facts(p);
			}
		}
	}
	return v;
}

bool
advice_run_probed(const struct run *r, enum advice_proto p)
{
	const struct port_row	*row;
	size_t			 i;

	for (i = 0; i < run_row_count(r); i++) {
		row = run_get_row(r, i);
		if (row->dialect != NULL &&
		    strcmp(row->dialect->name, advice_proto_name(p)) == 0)
			return true;
	}
	return false;
}

/* --setting PROTOCOL:PORT:SECURITY */

static char *
adv_san(const char *p, size_t n)
{
	return sanitize_dup(p, n, 0, 40);
}

int
advice_parse_setting(const char *s, struct advice_given *gv, char **err)
{
	static const struct {
		const char	*word;		/* as typed */
		enum probe_mode	 mode;		/* what it means */
	} words[] = {
		{ "none", MODE_PLAIN }, { "plain", MODE_PLAIN },
		{ "starttls", MODE_STARTTLS },
		{ "ssl", MODE_TLS }, { "tls", MODE_TLS },
		{ "ssl/tls", MODE_TLS }, { "ssl_tls", MODE_TLS },
	};
	const struct dialect_service	*sv;
	const struct dialect		*d;
	const char			*c1, *c2;
	char				*all, *part, proto[16], port[32];
	char				*end;
	unsigned long			 num;
	size_t				 i, n;
	int				 pr;

	*err = NULL;
	memset(gv, 0, sizeof *gv);
	all = adv_san(s, strlen(s));
	c1 = strchr(s, ':');
	c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
	if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ':') != NULL ||
	    c1 == s || c2 == c1 + 1 || c2[1] == '\0') {
		xasprintf(err, "--setting %s: expected PROTOCOL:PORT:SECURITY, "
		    "e.g. pop3:110:ssl", all);
		goto fail;
	}

	n = (size_t)(c1 - s);
	pr = -1;
	if (n < sizeof proto) {
		memcpy(proto, s, n);
		proto[n] = '\0';
		pr = advice_proto_from_name(proto);
	}
	if (pr == -1) {
		part = adv_san(s, n);
		xasprintf(err, "--setting %s: unknown protocol \"%s\" (use "
		    "smtp, pop3 or imap)", all, part);
		free(part);
		goto fail;
	}
	gv->proto = (enum advice_proto)pr;

	n = (size_t)(c2 - c1 - 1);
	num = 0;
	if (n < sizeof port) {
		memcpy(port, c1 + 1, n);
		port[n] = '\0';
		if (port[0] >= '0' && port[0] <= '9') {
			num = strtoul(port, &end, 10);
			if (*end != '\0' || n > 5 || num > 65535)
				num = 0;
		} else {
			sv = dialect_service_by_name(port, &d);
			if (sv != NULL && d != dialect_by_name(proto)) {
				part = adv_san(port, n);
				xasprintf(err, "--setting %s: \"%s\" is a "
				    "service of %s, not of %s", all, part,
				    d->label, adv_proto_labels[pr]);
				free(part);
				goto fail;
			}
			if (sv != NULL)
				num = sv->port;
		}
	}
	if (num == 0) {
		part = adv_san(c1 + 1, n);
		xasprintf(err, "--setting %s: bad port \"%s\" (a number from "
		    "1 to 65535, or a service name such as submission or "
		    "imaps)", all, part);
		free(part);
		goto fail;
	}
	gv->port = (uint16_t)num;

	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcasecmp(c2 + 1, words[i].word) == 0)
			break;
	}
	if (i == sizeof words / sizeof words[0]) {
		part = adv_san(c2 + 1, strlen(c2 + 1));
		xasprintf(err, "--setting %s: unknown security \"%s\" (use "
		    "none, starttls, ssl, tls or ssl/tls)", all, part);
		free(part);
		goto fail;
	}
	gv->security = words[i].mode;
	snprintf(gv->text, sizeof gv->text, "%s", all);
	free(all);
	return 0;

fail:
	free(all);
	memset(gv, 0, sizeof *gv);
	return -1;
}
