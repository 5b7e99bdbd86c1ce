/* SPDX-License-Identifier: ISC */
/*
 * --check: the run as a monitoring plugin reports it (Monitoring Plugins
 * Development Guidelines): one status line, performance data after '|',
 * a few lines of detail, and the exit status 0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN.  It only reads the model and the advice; everything printed
 * goes through the sanitiser (plugin output is ASCII).
 */
#include "config.h"

#include "out_check.h"

#include <sys/socket.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "dialect.h"
#include "facts.h"
#include "out_advice.h"
#include "probe.h"
#include "run.h"
#include "sanitize.h"
#include "target.h"
#include "xmalloc.h"

#define OC_LINE_MAX	400	/* output bytes of one detail line */
#define OC_STATUS_ITEMS	3	/* problems named on the status line */

static const char *const oc_state_names[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN"
};

/* A problem, in the order found. */
struct oc_issue {
	enum out_check_state	 state;		/* WARNING and worse */
	const char		*host;		/* host it is about, or NULL */
	char			*text;		/* our words; sanitised when
						 * printed */
};

struct oc {
	const struct run		*run;	/* the model */
	const struct out_advice_opts	*o;	/* thresholds, --expect */
	struct oc_issue			*v;	/* problems */
	size_t				 n;	/* number of problems */
	char				*ok;	/* what works, for OK */
	int64_t				 min_days; /* soonest certificate
						 * expiry counted, or -1 */
};

/* CRITICAL outranks UNKNOWN, which outranks WARNING: a broken server
 * next to a name that does not resolve is still broken. */
static int
oc_rank(enum out_check_state s)
{
	switch (s) {
	case OUT_CHECK_OK:
		return 0;
	case OUT_CHECK_WARNING:
		return 1;
	case OUT_CHECK_UNKNOWN:
		return 2;
	default:
		return 3;
	}
}

static void oc_add(struct oc *, enum out_check_state, const char *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
oc_add(struct oc *c, enum out_check_state state, const char *host,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	c->v[c->n].state = state;
	c->v[c->n].host = host;
	c->v[c->n].text = s;
	c->n++;
}

static void
oc_ok(struct oc *c, const char *host, const char *what)
{
	char	*s;

	xasprintf(&s, "%s%s%s: %s", c->ok != NULL ? c->ok : "",
	    c->ok != NULL ? "; " : "", host, what);
	free(c->ok);
	c->ok = s;
}

/* A mode as a plugin line names it: "plaintext", "STARTTLS", "SSL/TLS". */
static const char *
oc_mode(enum probe_mode m)
{
	return m == MODE_PLAIN ? "plaintext" : facts_mode_client(m);
}

/* "993 SSL/TLS" */
static void
oc_cell_name(char *buf, size_t size, uint16_t port, enum probe_mode m)
{
	snprintf(buf, size, "%u %s", (unsigned)port, oc_mode(m));
}

static const struct advice_host *
oc_advice_host(const struct advice *a, const char *name)
{
	size_t	i;

	for (i = 0; i < advice_host_count(a); i++) {
		if (strcmp(advice_get_host(a, i)->host, name) == 0)
			return advice_get_host(a, i);
	}
	return NULL;
}

/* "IMAP 993 SSL/TLS, 143 STARTTLS" from a finding's cells, deduplicated
 * by port and mode. */
static void
oc_where(const struct advice_finding *f, char *buf, size_t size)
{
	const struct advice_cellref	*r;
	size_t				 i, k, off = 0, shown = 0;
	int				 n;

	buf[0] = '\0';
	for (i = 0; i < f->ncells; i++) {
		r = &f->cells[i];
		for (k = 0; k < i; k++) {
			if (f->cells[k].port == r->port &&
			    f->cells[k].mode == r->mode)
				break;
		}
		if (k < i)
			continue;
		if (shown++ == 4) {
			n = snprintf(buf + off, size - off, ", ...");
			break;
		}
		n = snprintf(buf + off, size - off, "%s%u %s", off > 0 ? ", " :
		    "", (unsigned)r->port, oc_mode(r->mode));
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
}

/* Default: every protocol probed has a best setting and it is secure;
 * no critical finding. */
static void
oc_host_default(struct oc *c, const char *name, const struct advice_host *h)
{
	const struct advice_setting	*best;
	const struct advice_finding	*f;
	char				 where[160], ok[256];
	size_t				 i, off = 0;
	int				 p, n;

	ok[0] = '\0';
	/* Findings first: they name the cause. */
	for (i = 0; i < h->nfindings; i++) {
		f = &h->findings[i];
		/* Days are judged against --warn-days/--crit-days below. */
		if (f->id == ADVICE_F_CERT_EXPIRING_SOON ||
		    f->severity == ADVICE_INFO)
			continue;
		oc_where(f, where, sizeof where);
		oc_add(c, f->severity == ADVICE_CRITICAL ? OUT_CHECK_CRITICAL :
		    OUT_CHECK_WARNING, name, "%s (%s)",
		    advice_finding_name(f->id), where);
	}
	for (p = 0; p < ADVICE_PROTO_LAST; p++) {
		if (!advice_run_probed(c->run, (enum advice_proto)p))
			continue;	/* not asked about */
		best = advice_rec_best(&h->rec[p]);
		if (best == NULL) {
			oc_add(c, OUT_CHECK_CRITICAL, name, "no working %s "
			    "setting (%s)",
			    advice_proto_label((enum advice_proto)p),
			    h->rec[p].why != NULL ? h->rec[p].why : "none");
			continue;
		}
		if (!best->secure) {
			oc_add(c, OUT_CHECK_CRITICAL, name, "best %s setting "
			    "is %u %s (not secure)",
			    advice_proto_label((enum advice_proto)p),
			    (unsigned)best->port, oc_mode(best->security));
			continue;
		}
		n = snprintf(ok + off, sizeof ok - off, "%s%s %u %s",
		    off > 0 ? ", " : "",
		    advice_proto_label((enum advice_proto)p),
		    (unsigned)best->port,
		    advice_security_words(best->security));
		if (n > 0 && (size_t)n < sizeof ok - off)
			off += (size_t)n;
	}
	if (ok[0] != '\0')
		oc_ok(c, name, ok);
}

/* Does the cell count for the certificate days and handshake times? */
static bool
oc_cell_counts(const struct oc *c, const struct port_row *row,
    enum probe_mode m, const struct probe_facts *f)
{
	size_t	i;

	if (c->o == NULL || c->o->nexpect == 0)
		return f->status == ST_OK;
	for (i = 0; i < c->o->nexpect; i++) {
		if (c->o->expect[i].port == row->port &&
		    c->o->expect[i].mode == m)
			return true;
	}
	return false;
}

/* --expect: each named cell works on every address, TLS verified. */
static void
oc_host_expect(struct oc *c, size_t host, const char *name)
{
	const struct out_check_expect	*e;
	const struct run_addr		*a;
	const struct port_row		*row;
	const struct probe		*p;
	const struct probe_facts	*f;
	char				 cell[48], ok[256], probs[160];
	size_t				 i, ai, r, found, off = 0, poff;
	int				 k, n;
	bool				 good;

	ok[0] = '\0';
	for (i = 0; i < c->o->nexpect; i++) {
		e = &c->o->expect[i];
		oc_cell_name(cell, sizeof cell, e->port, e->mode);
		found = 0;
		good = true;
		for (ai = 0; ai < run_addr_count(c->run); ai++) {
			a = run_get_addr(c->run, ai);
			if (a->host != host)
				continue;
			for (r = 0; r < run_row_count(c->run); r++) {
				row = run_get_row(c->run, r);
				if (row->port != e->port)
					continue;
				p = run_get_probe(c->run, ai, r, e->mode);
				if (p == NULL)
					continue;
				found++;
				f = probe_get_facts(p);
				if (f->status != ST_OK) {
					good = false;
					oc_add(c, OUT_CHECK_CRITICAL, name,
					    "%s on %s: %s", cell, a->text,
					    facts_status_words(f->status));
				} else if (e->mode != MODE_PLAIN &&
				    !f->tls.verified) {
					good = false;
					probs[0] = '\0';
					poff = 0;
					for (k = 0; k < TLS_PROB_LAST; k++) {
						if (!(f->tls.problems &
						    TLS_PROB_BIT(k)))
							continue;
						n = snprintf(probs + poff,
						    sizeof probs - poff,
						    "%s%s", poff > 0 ? ", " :
						    "", facts_problem_words(
						    (enum tls_problem)k));
						if (n > 0 && (size_t)n <
						    sizeof probs - poff)
							poff += (size_t)n;
					}
					oc_add(c, OUT_CHECK_CRITICAL, name,
					    "%s on %s: certificate not "
					    "trusted (%s)", cell, a->text,
					    probs[0] != '\0' ? probs :
					    "verification failed");
				}
			}
		}
		if (found == 0) {
			oc_add(c, OUT_CHECK_UNKNOWN, name, "%s was not "
			    "probed (see --modes)", cell);
			continue;
		}
		if (!good)
			continue;
		n = snprintf(ok + off, sizeof ok - off, "%s%s",
		    off > 0 ? ", " : "", cell);
		if (n > 0 && (size_t)n < sizeof ok - off)
			off += (size_t)n;
	}
	if (ok[0] != '\0')
		oc_ok(c, name, ok);
}

/* Certificate days against the thresholds, per host: one problem naming
 * the soonest, never one per cell. */
static void
oc_host_days(struct oc *c, size_t host, const char *name)
{
	const struct run_addr		*a;
	const struct port_row		*row;
	const struct probe		*p;
	const struct probe_facts	*f;
	char				 cell[48];
	size_t				 ai, r, under = 0;
	int64_t				 d, min = INT64_MAX;
	int				 m;

	cell[0] = '\0';
	for (ai = 0; ai < run_addr_count(c->run); ai++) {
		a = run_get_addr(c->run, ai);
		if (a->host != host)
			continue;
		for (r = 0; r < run_row_count(c->run); r++) {
			row = run_get_row(c->run, r);
			for (m = 0; m < MODE_LAST; m++) {
				p = run_get_probe(c->run, ai, r,
				    (enum probe_mode)m);
				if (p == NULL)
					continue;
				f = probe_get_facts(p);
				if (!f->tls.established ||
				    f->tls.chain_len == 0 ||
				    !oc_cell_counts(c, row,
				    (enum probe_mode)m, f))
					continue;
				d = f->tls.chain[0].days_left;
				if (d >= 0 && (c->min_days < 0 ||
				    d < c->min_days))
					c->min_days = d;
				/* Expired is a verification failure,
				 * reported as such. */
				if (d < 0 || d >= c->o->warn_days)
					continue;
				under++;
				if (d < min) {
					min = d;
					oc_cell_name(cell, sizeof cell,
					    row->port, (enum probe_mode)m);
				}
			}
		}
	}
	if (under == 0)
		return;
	oc_add(c, min < c->o->crit_days ? OUT_CHECK_CRITICAL :
	    OUT_CHECK_WARNING, name, "certificate of %s expires in %" PRId64
	    " day%s (%s %d)%s", cell, min, min == 1 ? "" : "s",
	    min < c->o->crit_days ? "--crit-days" : "--warn-days",
	    min < c->o->crit_days ? c->o->crit_days : c->o->warn_days,
	    under > 1 ? ", and other cells" : "");
}

/* A label safe inside '...' of perfdata: no quote, no '=', ASCII. */
static void
oc_label(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
oc_label(char *buf, size_t size, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	for (p = buf; *p != '\0'; p++) {
		if (*p == '\'' || *p == '=' || *p == '|' ||
		    (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '_';
	}
}

/* Performance data: TLS handshake time of each cell that has one, and
 * the days left of each certificate seen; labels name host and address
 * only when there is more than one. */
static void
oc_perfdata(struct oc *c, FILE *fp)
{
	const struct run_addr		*a;
	const struct port_row		*row;
	const struct probe		*p;
	const struct probe_facts	*f;
	char				 where[160], label[224];
	size_t				 ai, r, addrs_of_host;
	size_t				 k;
	int64_t				 us;
	int				 m;
	bool				 first = true, hosts;

	hosts = run_host_count(c->run) > 1;
	for (ai = 0; ai < run_addr_count(c->run); ai++) {
		a = run_get_addr(c->run, ai);
		addrs_of_host = 0;
		for (k = 0; k < run_addr_count(c->run); k++) {
			if (run_get_addr(c->run, k)->host == a->host)
				addrs_of_host++;
		}
		snprintf(where, sizeof where, "%s%s%s%s",
		    hosts ? run_get_host(c->run, a->host)->name : "",
		    hosts ? " " : "", addrs_of_host > 1 ? a->text : "",
		    addrs_of_host > 1 ? " " : "");
		for (r = 0; r < run_row_count(c->run); r++) {
			row = run_get_row(c->run, r);
			for (m = 0; m < MODE_LAST; m++) {
				p = run_get_probe(c->run, ai, r,
				    (enum probe_mode)m);
				if (p == NULL)
					continue;
				f = probe_get_facts(p);
				us = m == MODE_TLS ? f->timing.tls_us :
				    f->timing.tls_upgrade_us;
				if (m == MODE_PLAIN || !f->tls.established ||
				    us < 0)
					continue;
				oc_label(label, sizeof label, "%s%u/%s "
				    "handshake", where, (unsigned)row->port,
				    facts_mode_name((enum probe_mode)m));
				fprintf(fp, "%s'%s'=%" PRId64 ".%03" PRId64
				    "ms;;;0", first ? " | " : " ", label,
				    us / 1000, us % 1000);
				first = false;
				if (f->tls.chain_len == 0)
					continue;
				oc_label(label, sizeof label, "%s%u/%s "
				    "cert_days", where, (unsigned)row->port,
				    facts_mode_name((enum probe_mode)m));
				fprintf(fp, " '%s'=%" PRId64 ";%d:;%d:", label,
				    f->tls.chain[0].days_left,
				    c->o->warn_days, c->o->crit_days);
			}
		}
	}
}

/* A line of ours through the sanitiser: plugin output is one line each,
 * ASCII. */
static void
oc_puts(FILE *fp, const char *s, size_t max)
{
	char	*safe;

	safe = sanitize_dup(s, strlen(s), SAN_TAB_SPACE, max);
	fputs(safe, fp);
	free(safe);
}

int
out_check(FILE *fp, const struct run *run, const struct out_advice_opts *o)
{
	static const struct out_advice_opts	 defaults = {
		.warn_days = OUT_CHECK_WARN_DAYS,
		.crit_days = OUT_CHECK_CRIT_DAYS
	};
	const struct run_host	*rh;
	const struct advice_host *h;
	const char		*host;
	struct advice		*a;
	struct oc		 c;
	enum out_check_state	 state = OUT_CHECK_OK;
	size_t			 i, shown;
	int			 rank;

	memset(&c, 0, sizeof c);
	c.run = run;
	c.o = o != NULL ? o : &defaults;
	c.min_days = -1;
	a = out_advice_dup(run);
	if (!run_is_done(run))
		oc_add(&c, OUT_CHECK_UNKNOWN, NULL,
		    "the probes did not finish");
	for (i = 0; i < run_host_count(run); i++) {
		rh = run_get_host(run, i);
		if (rh->error != NULL) {
			oc_add(&c, OUT_CHECK_UNKNOWN, NULL, "%s", rh->error);
			continue;
		}
		h = oc_advice_host(a, rh->name);
		if (h == NULL) {
			oc_add(&c, OUT_CHECK_UNKNOWN, rh->name, "not probed");
			continue;
		}
		if (c.o->nexpect > 0)
			oc_host_expect(&c, i, rh->name);
		else
			oc_host_default(&c, rh->name, h);
		oc_host_days(&c, i, rh->name);
	}
	for (i = 0; i < c.n; i++) {
		if (oc_rank(c.v[i].state) > oc_rank(state))
			state = c.v[i].state;
	}

	fprintf(fp, "MAILPORTS %s - ", oc_state_names[state]);
	if (state == OUT_CHECK_OK) {
		oc_puts(fp, c.ok != NULL ? c.ok : "nothing to check",
		    OC_LINE_MAX);
		if (c.min_days >= 0)
			fprintf(fp, "; certificates valid %" PRId64 " more "
			    "day%s", c.min_days, c.min_days == 1 ? "" : "s");
	}
	shown = 0;
	host = NULL;
	for (i = 0; i < c.n && state != OUT_CHECK_OK; i++) {
		if (c.v[i].state != state)
			continue;
		if (shown == OC_STATUS_ITEMS) {
			fputs("; ...", fp);
			break;
		}
		if (shown++ > 0)
			fputs("; ", fp);
		/* The host once for its run of problems. */
		if (c.v[i].host != NULL && c.v[i].host != host) {
			oc_puts(fp, c.v[i].host, OC_LINE_MAX);
			fputs(": ", fp);
		}
		host = c.v[i].host;
		oc_puts(fp, c.v[i].text, OC_LINE_MAX);
	}
	oc_perfdata(&c, fp);
	fputc('\n', fp);
	/* The long output: every problem, worst first. */
	for (rank = 3; rank > 0; rank--) {
		for (i = 0; i < c.n; i++) {
			if (oc_rank(c.v[i].state) != rank)
				continue;
			fprintf(fp, "%s: ", oc_state_names[c.v[i].state]);
			if (c.v[i].host != NULL) {
				oc_puts(fp, c.v[i].host, OC_LINE_MAX);
				fputs(": ", fp);
			}
			oc_puts(fp, c.v[i].text, OC_LINE_MAX);
			fputc('\n', fp);
		}
	}
	for (i = 0; i < c.n; i++)
		free(c.v[i].text);
	free(c.v);
	free(c.ok);
	advice_free(a);
	fflush(fp);
	return (int)state;
}

bool
out_check_wanted(int argc, char *const argv[])
{
	int	i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		/* getopt_long takes unambiguous abbreviations: --ch... */
		if (strncmp(argv[i], "--ch", 4) == 0 &&
		    strncmp(argv[i], "--check", strlen(argv[i])) == 0)
			return true;
	}
	return false;
}

int
out_check_unknown(FILE *fp, const char *why)
{
	fputs("MAILPORTS UNKNOWN - ", fp);
	oc_puts(fp, why, OC_LINE_MAX);
	fputc('\n', fp);
	fflush(fp);
	return OUT_CHECK_UNKNOWN;
}
