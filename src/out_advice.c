/* SPDX-License-Identifier: ISC */
/*
 * The answer in the reports (issue 8): the options that shape it
 * (--setting, --warn-days, --check, --crit-days, --expect), the top-level
 * "advice" array of the JSON report and the answer at the end of the text
 * report.  It only reads the model through the advice module; names from
 * certificates, and anything typed by the user, reach the output only
 * through the sanitiser.
 */
#include "config.h"

#include "out_advice.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "advice.h"
#include "dialect.h"
#include "json.h"
#include "run.h"
#include "sanitize.h"
#include "target.h"
#include "xmalloc.h"

#define OA_WIDTH	80	/* columns of the text answer */
#define OA_TEXT_MAX	600	/* output bytes of one sentence */
#define OA_NAME_MAX	100	/* output bytes of one certificate name */
#define OA_NAMES_MAX	8	/* certificate names shown in text */
#define OA_DAYS_MAX	3650	/* --warn-days, --crit-days */
#define OA_EXPECT_MAX	64	/* --expect entries */
#define OA_DEPTH_MAX	16	/* JSON nesting, with room */

/* The options the outputs judge by (out_advice_opts_finish()). */
static const struct out_advice_opts	*oa_opts;

/* Option parsing. */

static int
oa_days(const char *name, const char *arg, int *v, char **err)
{
	char		*end, *safe;
	unsigned long	 n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' ||
	    !isdigit((unsigned char)*arg) || n > OA_DAYS_MAX) {
		safe = sanitize_dup(arg, strlen(arg), 0, 40);
		xasprintf(err, "--%s wants days from 0 to %d, not '%s'", name,
		    OA_DAYS_MAX, safe);
		free(safe);
		return -1;
	}
	*v = (int)n;
	return 0;
}

/* Security words of --expect: those of --setting and of --modes. */
static int
oa_mode_word(const char *s)
{
	if (strcasecmp(s, "none") == 0 || strcasecmp(s, "plain") == 0)
		return MODE_PLAIN;
	if (strcasecmp(s, "starttls") == 0)
		return MODE_STARTTLS;
	if (strcasecmp(s, "tls") == 0 || strcasecmp(s, "ssl") == 0 ||
	    strcasecmp(s, "ssl/tls") == 0 || strcasecmp(s, "ssl_tls") == 0)
		return MODE_TLS;
	return -1;
}

/* One PORT:MODE or SERVICE:MODE of --expect. */
static int
oa_expect_item(struct out_advice_opts *o, const char *item, char **err)
{
	const struct dialect_service	*sv;
	const struct dialect		*d;
	struct out_check_expect		 e;
	const char			*colon;
	char				 port[32], *end, *safe;
	unsigned long			 num = 0;
	size_t				 n;
	int				 mode;

	memset(&e, 0, sizeof e);
	safe = sanitize_dup(item, strlen(item), 0, 40);
	snprintf(e.text, sizeof e.text, "%s", safe);
	colon = strchr(item, ':');
	n = colon != NULL ? (size_t)(colon - item) : 0;
	if (colon == NULL || n == 0 || n >= sizeof port) {
		xasprintf(err, "--expect %s: want PORT:MODE, e.g. 993:tls or "
		    "587:starttls", safe);
		goto fail;
	}
	memcpy(port, item, n);
	port[n] = '\0';
	if (isdigit((unsigned char)port[0])) {
		errno = 0;
		num = strtoul(port, &end, 10);
		if (errno != 0 || *end != '\0' || num == 0 || num > 65535)
			num = 0;
	} else {
		sv = dialect_service_by_name(port, &d);
		if (sv != NULL) {
			num = sv->port;
			snprintf(e.service, sizeof e.service, "%s", sv->name);
		}
	}
	if (num == 0) {
		xasprintf(err, "--expect %s: bad port (a number from 1 to "
		    "65535, or a service name such as imaps)", safe);
		goto fail;
	}
	mode = oa_mode_word(colon + 1);
	if (mode == -1) {
		xasprintf(err, "--expect %s: unknown mode (use tls, starttls "
		    "or plain)", safe);
		goto fail;
	}
	e.port = (uint16_t)num;
	e.mode = (enum probe_mode)mode;
	if (o->nexpect >= OA_EXPECT_MAX) {
		xasprintf(err, "--expect: at most %d cells", OA_EXPECT_MAX);
		goto fail;
	}
	o->expect = xreallocarray(o->expect, o->nexpect + 1,
	    sizeof *o->expect);
	o->expect[o->nexpect++] = e;
	free(safe);
	return 0;
fail:
	free(safe);
	return -1;
}

static int
oa_expect(struct out_advice_opts *o, const char *arg, char **err)
{
	char	*copy, *item, *save;
	int	 rc = 0;

	copy = xstrdup(arg);
	for (item = strtok_r(copy, ",", &save); item != NULL && rc == 0;
	    item = strtok_r(NULL, ",", &save))
		rc = oa_expect_item(o, item, err);
	free(copy);
	if (rc == 0 && o->nexpect == 0) {
		xasprintf(err, "--expect lists no cell");
		rc = -1;
	}
	return rc;
}

int
out_advice_opt(struct out_advice_opts *o, const char *name, const char *arg,
    char **err)
{
	struct advice_given	gv;

	*err = NULL;
	if (strcmp(name, "setting") == 0) {
		if (advice_parse_setting(arg, &gv, err) == -1)
			return -1;
		o->given = xreallocarray(o->given, o->ngiven + 1,
		    sizeof *o->given);
		o->given_args = xreallocarray(o->given_args, o->ngiven + 1,
		    sizeof *o->given_args);
		o->given[o->ngiven] = gv;
		o->given_args[o->ngiven++] = arg;
		return 0;
	}
	if (strcmp(name, "check") == 0) {
		o->check = true;
		return 0;
	}
	if (strcmp(name, "warn-days") == 0) {
		o->warn_given = true;
		return oa_days(name, arg, &o->warn_days, err);
	}
	if (strcmp(name, "crit-days") == 0) {
		o->crit_given = true;
		return oa_days(name, arg, &o->crit_days, err);
	}
	if (strcmp(name, "expect") == 0)
		return oa_expect(o, arg, err);
	xasprintf(err, "internal: unknown answer option");
	return -1;
}

/* The service name typed as the PORT of PROTOCOL:PORT:SECURITY, or "". */
static void
oa_setting_service(const char *arg, char *buf, size_t size)
{
	const char	*c1, *c2;
	size_t		 n;

	buf[0] = '\0';
	c1 = strchr(arg, ':');
	c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
	if (c2 == NULL || isdigit((unsigned char)c1[1]))
		return;
	n = (size_t)(c2 - c1 - 1);
	if (n >= size)
		return;
	memcpy(buf, c1 + 1, n);
	buf[n] = '\0';
}

/* The row --ports bound a service name to (pop3s=10995), or NULL. */
static const struct port_row *
oa_row_by_service(const struct port_row *rows, size_t n, const char *svc)
{
	size_t	i;

	for (i = 0; svc[0] != '\0' && i < n; i++) {
		if (rows[i].service != NULL &&
		    strcasecmp(rows[i].service, svc) == 0)
			return &rows[i];
	}
	return NULL;
}

static size_t
oa_dialect_index(const struct dialect *d)
{
	size_t	i;

	for (i = 0; dialect_all[i] != NULL; i++) {
		if (dialect_all[i] == d)
			return i;
	}
	return i;
}

/*
 * Add a row for port of dialect d unless one exists, where target.c would
 * sort it (protocol, then port).  A port that is no standard one of d
 * borrows the service meant for the mode asked (submissions for SSL/TLS,
 * else submission; imaps or imap; pop3s or pop3), never "smtp", whose
 * name makes a port relay.
 */
static void
oa_add_row(struct port_row **rows, size_t *n, const struct dialect *d,
    uint16_t port, enum probe_mode mode)
{
	const struct dialect_service	*sv, *pick = NULL;
	const struct dialect		*sd;
	size_t				 i, at;

	for (i = 0; i < *n; i++) {
		if ((*rows)[i].dialect == d && (*rows)[i].port == port)
			return;
	}
	sv = dialect_service_by_port(port, &sd);
	if (sv != NULL && sd == d)
		pick = sv;
	for (sv = d->services; pick == NULL && sv->name != NULL; sv++) {
		if ((sv->native == MODE_TLS) == (mode == MODE_TLS) &&
		    !(d == &dialect_smtp && sv->port == 25))
			pick = sv;
	}
	if (pick == NULL)
		pick = d->services;
	for (at = 0; at < *n; at++) {
		if (oa_dialect_index((*rows)[at].dialect) > oa_dialect_index(d))
			break;
		if ((*rows)[at].dialect == d && (*rows)[at].port > port)
			break;
	}
	*rows = xreallocarray(*rows, *n + 1, sizeof **rows);
	memmove(*rows + at + 1, *rows + at, (*n - at) * sizeof **rows);
	(*rows)[at].service = pick->name;
	(*rows)[at].dialect = d;
	(*rows)[at].port = port;
	(*rows)[at].native = pick->native;
	(*n)++;
}

int
out_advice_opts_finish(struct out_advice_opts *o, struct port_row **rows,
    size_t *nrows, char **err)
{
	const struct port_row	*row;
	const struct dialect	*d, *sd;
	struct out_check_expect	*e;
	char			 svc[32];
	size_t			 i, k;

	*err = NULL;
	if (!o->warn_given)
		o->warn_days = OUT_CHECK_WARN_DAYS;
	if (!o->crit_given)
		o->crit_days = OUT_CHECK_CRIT_DAYS;
	if (!o->check && (o->crit_given || o->nexpect > 0)) {
		xasprintf(err, "--%s is for --check", o->crit_given ?
		    "crit-days" : "expect");
		return -1;
	}
	if (o->crit_days > o->warn_days) {
		xasprintf(err, "--crit-days %d is more than --warn-days %d",
		    o->crit_days, o->warn_days);
		return -1;
	}
	for (i = 0; i < o->ngiven; i++) {
		d = dialect_by_name(advice_proto_name(o->given[i].proto));
		if (d == NULL)
			continue;
		oa_setting_service(o->given_args[i], svc, sizeof svc);
		row = oa_row_by_service(*rows, *nrows, svc);
		if (row != NULL && row->dialect == d)
			o->given[i].port = row->port;
		oa_add_row(rows, nrows, d, o->given[i].port,
		    o->given[i].security);
	}
	for (i = 0; i < o->nexpect; i++) {
		e = &o->expect[i];
		row = oa_row_by_service(*rows, *nrows, e->service);
		if (row != NULL) {
			e->port = row->port;
			continue;
		}
		for (k = 0; k < *nrows; k++) {
			if ((*rows)[k].port == e->port)
				break;
		}
		if (k < *nrows)
			continue;
		if (dialect_service_by_port(e->port, &sd) == NULL) {
			xasprintf(err, "--expect %s: port %u is not probed; "
			    "add it with --ports (e.g. submission=%u)",
			    e->text, (unsigned)e->port, (unsigned)e->port);
			return -1;
		}
		oa_add_row(rows, nrows, sd, e->port, e->mode);
	}
	oa_opts = o;
	return 0;
}

void
out_advice_opts_free(struct out_advice_opts *o)
{
	if (oa_opts == o)
		oa_opts = NULL;
	free(o->given);
	free(o->given_args);
	free(o->expect);
	memset(o, 0, sizeof *o);
}

struct advice *
out_advice_dup(const struct run *run)
{
	struct advice_input	 in;
	struct advice_cell	*cells;
	struct advice		*a;
	size_t			 n;

	memset(&in, 0, sizeof in);
	cells = advice_cells_dup(run, &n);
	in.cells = cells;
	in.ncells = n;
	if (oa_opts != NULL) {
		in.given = oa_opts->given;
		in.ngiven = oa_opts->ngiven;
		in.expiring_days = oa_opts->warn_days;
	}
	/* The certificates' days_left were taken at probe time. */
	in.now = 0;
	a = advice_new(&in);
	free(cells);
	return a;
}

/* The advice of the host given at index i, or NULL when it has no cells
 * yet (an interrupted lookup). */
static const struct advice_host *
oa_host_of(const struct advice *a, const char *name)
{
	const struct advice_host	*h;
	size_t				 i;

	for (i = 0; i < advice_host_count(a); i++) {
		h = advice_get_host(a, i);
		if (strcmp(h->host, name != NULL ? name : "") == 0)
			return h;
	}
	return NULL;
}

/* JSON, in the layout of out_json.c: two spaces per level, arrays of
 * strings on one line. */

struct oa_json {
	FILE	*fp;			/* output */
	int	 depth;			/* open objects and arrays */
	bool	 empty[OA_DEPTH_MAX];	/* nothing written at this level */
};

static void
oaj_key(struct oa_json *j, const char *key)
{
	int	i;

	if (!j->empty[j->depth])
		fputc(',', j->fp);
	j->empty[j->depth] = false;
	fputc('\n', j->fp);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->fp);
	if (key != NULL)
		fprintf(j->fp, "\"%s\": ", key);
}

static void
oaj_open(struct oa_json *j, const char *key, char c)
{
	if (key != NULL || j->depth > 0)
		oaj_key(j, key);
	fputc(c, j->fp);
	if (j->depth + 1 < OA_DEPTH_MAX)
		j->depth++;
	j->empty[j->depth] = true;
}

static void
oaj_close(struct oa_json *j, char c)
{
	bool	empty = j->empty[j->depth];
	int	i;

	if (j->depth > 0)
		j->depth--;
	if (!empty) {
		fputc('\n', j->fp);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->fp);
	}
	fputc(c, j->fp);
}

/* Every string goes through the escaper, which sanitises: ours are plain
 * words, but a certificate name or a --setting text may not be. */
static void
oaj_str(struct oa_json *j, const char *key, const char *s)
{
	oaj_key(j, key);
	if (s == NULL)
		fputs("null", j->fp);
	else
		json_escape_str(j->fp, s, strlen(s), 0);
}

static void
oaj_int(struct oa_json *j, const char *key, long long v)
{
	oaj_key(j, key);
	fprintf(j->fp, "%lld", v);
}

static void
oaj_bool(struct oa_json *j, const char *key, bool v)
{
	oaj_key(j, key);
	fputs(v ? "true" : "false", j->fp);
}

static void
oaj_problems(struct oa_json *j, unsigned problems)
{
	int	i;
	bool	first = true;

	oaj_key(j, "problems");
	fputc('[', j->fp);
	for (i = 0; i < TLS_PROB_LAST; i++) {
		if (!(problems & TLS_PROB_BIT(i)))
			continue;
		fprintf(j->fp, "%s\"%s\"", first ? "" : ", ",
		    facts_problem_name((enum tls_problem)i));
		first = false;
	}
	fputc(']', j->fp);
}

static void
oaj_setting(struct oa_json *j, const char *key,
    const struct advice_setting *s)
{
	if (s == NULL) {
		oaj_key(j, key);
		fputs("null", j->fp);
		return;
	}
	oaj_open(j, key, '{');
	oaj_str(j, "server", s->server);
	oaj_int(j, "port", s->port);
	oaj_str(j, "security", advice_security_id(s->security));
	oaj_bool(j, "secure", s->secure);
	oaj_str(j, "login", advice_login_name(s->login));
	oaj_problems(j, s->problems);
	oaj_bool(j, "relay", s->relay);
	oaj_str(j, "why", s->why);
	oaj_close(j, '}');
}

static void
oaj_rec(struct oa_json *j, const char *key, const struct advice_rec *r)
{
	size_t	i;

	oaj_open(j, key, '{');
	oaj_setting(j, "best", advice_rec_best(r));
	oaj_open(j, "alternatives", '[');
	for (i = 1; i < r->n; i++)
		oaj_setting(j, NULL, &r->v[i]);
	oaj_close(j, ']');
	oaj_open(j, "excluded", '[');
	for (i = 0; i < r->nexcluded; i++)
		oaj_setting(j, NULL, &r->excluded[i]);
	oaj_close(j, ']');
	oaj_str(j, "why", r->why);
	oaj_close(j, '}');
}

static void
oaj_check(struct oa_json *j, const struct advice_check *c)
{
	size_t	i;

	oaj_open(j, NULL, '{');
	oaj_str(j, "given", c->given.text);
	oaj_str(j, "protocol", advice_proto_name(c->given.proto));
	oaj_int(j, "port", c->given.port);
	oaj_str(j, "security", advice_security_id(c->given.security));
	oaj_bool(j, "works", c->works);
	oaj_str(j, "status", c->status);
	oaj_str(j, "why", c->why);
	oaj_str(j, "change", c->change);
	oaj_open(j, "instead", '[');
	for (i = 0; i < c->ninstead; i++)
		oaj_setting(j, NULL, c->instead[i]);
	oaj_close(j, ']');
	oaj_close(j, '}');
}

static void
oaj_finding(struct oa_json *j, const struct advice_finding *f)
{
	const struct advice_cellref	*c;
	size_t				 i;

	oaj_open(j, NULL, '{');
	oaj_str(j, "id", advice_finding_name(f->id));
	oaj_str(j, "severity", advice_severity_name(f->severity));
	oaj_open(j, "cells", '[');
	for (i = 0; i < f->ncells; i++) {
		c = &f->cells[i];
		oaj_open(j, NULL, '{');
		oaj_str(j, "address", c->address);
		oaj_str(j, "protocol", advice_proto_name(c->proto));
		oaj_int(j, "port", c->port);
		oaj_str(j, "mode", facts_mode_name(c->mode));
		oaj_close(j, '}');
	}
	oaj_close(j, ']');
	oaj_str(j, "text", f->text);
	oaj_str(j, "fix", f->fix);
	if (f->id == ADVICE_F_CERT_HOSTNAME_MISMATCH) {
		oaj_key(j, "names");
		fputc('[', j->fp);
		for (i = 0; i < f->names.n; i++) {
			if (i > 0)
				fputs(", ", j->fp);
			json_escape_str(j->fp, f->names.v[i].p,
			    f->names.v[i].n, 0);
		}
		fputc(']', j->fp);
	}
	if (f->id == ADVICE_F_CERT_EXPIRED ||
	    f->id == ADVICE_F_CERT_EXPIRING_SOON)
		oaj_int(j, "days", (long long)f->days);
	if (f->id == ADVICE_F_CERT_UNTRUSTED)
		oaj_bool(j, "missing_intermediate", f->missing_intermediate);
	oaj_close(j, '}');
}

static void
oaj_host(struct oa_json *j, const char *name, const struct advice_host *h)
{
	static const struct advice_rec	 none;
	size_t				 i;

	oaj_open(j, NULL, '{');
	oaj_str(j, "host", name);
	oaj_bool(j, "complete", h != NULL && h->complete);
	oaj_open(j, "incoming", '{');
	oaj_rec(j, "imap", h != NULL ? &h->rec[ADVICE_IMAP] : &none);
	oaj_rec(j, "pop3", h != NULL ? &h->rec[ADVICE_POP3] : &none);
	oaj_close(j, '}');
	oaj_open(j, "outgoing", '{');
	oaj_rec(j, "smtp", h != NULL ? &h->rec[ADVICE_SMTP] : &none);
	oaj_close(j, '}');
	oaj_open(j, "settings", '[');
	for (i = 0; h != NULL && i < h->nchecks; i++)
		oaj_check(j, &h->checks[i]);
	oaj_close(j, ']');
	oaj_open(j, "findings", '[');
	for (i = 0; h != NULL && i < h->nfindings; i++)
		oaj_finding(j, &h->findings[i]);
	oaj_close(j, ']');
	oaj_close(j, '}');
}

void
out_advice_json(FILE *fp, const struct run *run, int depth)
{
	struct oa_json	 j;
	struct advice	*a;
	size_t		 i;

	memset(&j, 0, sizeof j);
	j.fp = fp;
	j.depth = depth >= 0 && depth < OA_DEPTH_MAX - 1 ? depth : 0;
	a = out_advice_dup(run);
	fputc('[', fp);
	j.depth++;
	j.empty[j.depth] = true;
	for (i = 0; i < run_host_count(run); i++)
		oaj_host(&j, run_get_host(run, i)->name,
		    oa_host_of(a, run_get_host(run, i)->name));
	oaj_close(&j, ']');
	advice_free(a);
}

/* Text. */

struct oa_text {
	FILE	*fp;		/* output */
	int	 san;		/* sanitiser flags for raw names */
};

/*
 * prefix, then s wrapped at OA_WIDTH with continuation lines indented by
 * indent columns.  s goes through the sanitiser first (our sentences pass
 * unchanged; a certificate name cannot move the cursor).  Widths count
 * bytes: our words are ASCII, and a long name only makes a line longer.
 */
static void
oa_wrap(struct oa_text *t, const char *prefix, const char *s, size_t indent)
{
	char	*safe, *p;
	size_t	 col, len;
	bool	 space;

	safe = sanitize_dup(s, strlen(s), t->san | SAN_TAB_SPACE, OA_TEXT_MAX);
	fputs(prefix, t->fp);
	col = strlen(prefix);
	space = col > 0 && prefix[col - 1] != ' ';
	for (p = safe; *p != '\0'; p += len) {
		if (*p == ' ') {
			len = 1;
			continue;
		}
		len = strcspn(p, " ");
		if (col > indent && col + (space ? 1 : 0) + len > OA_WIDTH) {
			fprintf(t->fp, "\n%*s", (int)indent, "");
			col = indent;
			space = false;
		}
		if (space) {
			fputc(' ', t->fp);
			col++;
		}
		fwrite(p, 1, len, t->fp);
		col += len;
		space = true;
	}
	fputc('\n', t->fp);
	free(safe);
}

/* "port 993, SSL/TLS, secure" and the like, in a mail program's words. */
static void
oa_setting_words(const struct advice_setting *s, char *buf, size_t size)
{
	char	probs[160];
	size_t	off = 0;
	int	i;

	probs[0] = '\0';
	for (i = 0; i < TLS_PROB_LAST; i++) {
		if ((s->problems & TLS_PROB_BIT(i)) && off < sizeof probs)
			off += (size_t)snprintf(probs + off, sizeof probs -
			    off, "%s%s", off > 0 ? ", " : "",
			    facts_problem_words((enum tls_problem)i));
	}
	snprintf(buf, size, "port %u, %s, %s%s%s%s%s", (unsigned)s->port,
	    advice_security_words(s->security), s->secure ? "secure" :
	    s->security == MODE_PLAIN ? "not encrypted" : "not secure",
	    probs[0] != '\0' ? " (" : "", probs, probs[0] != '\0' ? ")" : "",
	    s->login == ADVICE_LOGIN_NOT_OFFERED ? ", no login offered" :
	    s->login == ADVICE_LOGIN_UNKNOWN ? ", login unknown" : "");
}

static void
oa_text_rec(struct oa_text *t, const char *label, const struct advice_rec *r)
{
	const struct advice_setting	*best = advice_rec_best(r);
	char				 head[48], words[256], *line;
	size_t				 i;

	snprintf(head, sizeof head, "  %s: ", label);
	if (best == NULL) {
		xasprintf(&line, "nothing to recommend: %s", r->why != NULL ?
		    r->why : "no setting works");
		oa_wrap(t, head, line, 6);
		free(line);
		return;
	}
	oa_setting_words(best, words, sizeof words);
	xasprintf(&line, "server %s, %s", best->server, words);
	oa_wrap(t, head, line, 6);
	free(line);
	/* Say why only where the setting is less than it should be. */
	if (!best->secure || best->relay)
		oa_wrap(t, "      why:", best->why, 8);
	for (i = 1; i < r->n; i++) {
		oa_setting_words(&r->v[i], words, sizeof words);
		oa_wrap(t, "      or:", words, 8);
	}
}

static void
oa_text_check(struct oa_text *t, const struct advice_check *c)
{
	char	*head;

	if (c->works)
		xasprintf(&head, "  Your setting %s: works", c->given.text);
	else
		xasprintf(&head, "  Your setting %s: does not work (%s)",
		    c->given.text, c->status);
	oa_wrap(t, head, "", 6);
	free(head);
	oa_wrap(t, "      why:", c->why, 8);
	if (c->change != NULL)
		oa_wrap(t, "      change:", c->change, 8);
}

static void
oa_text_finding(struct oa_text *t, const struct advice_finding *f)
{
	char	*head, *names, *name;
	size_t	 i, off = 0, n, size;
	int	 w;

	xasprintf(&head, "    %s %s:", advice_severity_name(f->severity),
	    advice_finding_name(f->id));
	oa_wrap(t, head, f->text, 6);
	free(head);
	if (f->names.n > 0) {
		n = f->names.n < OA_NAMES_MAX ? f->names.n : OA_NAMES_MAX;
		size = n * (OA_NAME_MAX + 64);
		names = xcalloc(1, size);
		for (i = 0; i < n; i++) {
			name = sanitize_dup(f->names.v[i].p, f->names.v[i].n,
			    t->san | SAN_TAB_SPACE, OA_NAME_MAX);
			w = snprintf(names + off, size - off, "%s%s",
			    i > 0 ? ", " : "", name);
			free(name);
			if (w < 0 || (size_t)w >= size - off)
				break;
			off += (size_t)w;
		}
		oa_wrap(t, "      names in the certificate:", names, 8);
		free(names);
	}
	oa_wrap(t, "      fix:", f->fix, 8);
}

static void
oa_text_host(struct oa_text *t, const struct run *run, const char *name,
    const struct advice_host *h)
{
	static const char *const	 labels[] = {
		"Incoming (IMAP)", "Incoming (POP3)", "Outgoing (SMTP)"
	};
	size_t				 i, crit = 0, warn = 0, info = 0;
	int				 p;
	char				*head;

	xasprintf(&head, "Answer for %s%s", name, h != NULL && h->complete ?
	    "" : " (probes not finished)");
	fputc('\n', t->fp);
	oa_wrap(t, "", head, 2);
	free(head);
	if (h == NULL)
		return;
	for (p = 0; p < ADVICE_PROTO_LAST; p++) {
		if (advice_run_probed(run, (enum advice_proto)p))
			oa_text_rec(t, labels[p], &h->rec[p]);
	}
	for (i = 0; i < h->nchecks; i++)
		oa_text_check(t, &h->checks[i]);
	for (i = 0; i < h->nfindings; i++) {
		if (h->findings[i].severity == ADVICE_CRITICAL)
			crit++;
		else if (h->findings[i].severity == ADVICE_WARNING)
			warn++;
		else
			info++;
	}
	if (h->nfindings == 0) {
		fputs("  Findings: none\n", t->fp);
		return;
	}
	fprintf(t->fp, "  Findings: %zu critical, %zu warning, %zu info\n",
	    crit, warn, info);
	for (i = 0; i < h->nfindings; i++)
		oa_text_finding(t, &h->findings[i]);
}

void
out_advice_text(FILE *fp, const struct run *run, int san_flags)
{
	struct oa_text	 t;
	struct advice	*a;
	size_t		 i;

	t.fp = fp;
	t.san = san_flags & ~SAN_TAB_SPACE;
	a = out_advice_dup(run);
	for (i = 0; i < run_host_count(run); i++)
		oa_text_host(&t, run, run_get_host(run, i)->name,
		    oa_host_of(a, run_get_host(run, i)->name));
	advice_free(a);
}
