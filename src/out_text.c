/* SPDX-License-Identifier: ISC */
/*
 * The line-oriented report for pipes and --text: per address a matrix of
 * short cells, then one line per cell with its reason, and with -v the
 * details and transcript.  It only reads the model, and server bytes
 * reach the output only through the sanitiser.
 */
#include "config.h"

#include "report.h"

#include <sys/socket.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dialect.h"
#include "facts.h"
#include "log.h"
#include "out_advice.h"
#include "probe.h"
#include "run.h"
#include "sanitize.h"
#include "target.h"
#include "tlswrap.h"
#include "transcript.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION	"0.1.0"
#endif

#define OT_WIDTH	80	/* columns the matrix and wrapped lists keep */
#define OT_CELL		19	/* matrix cell width (report_cell_line) */
#define OT_REASON_MAX	200	/* output bytes of a reason */
#define OT_LINE_MAX	300	/* output bytes of a transcript line */
#define OT_ITEM_MAX	100	/* output bytes of one list item */
#define OT_NAME_MAX	200	/* output bytes of a name or DN */
#define OT_HOSTS_MAX	32	/* output bytes of hosts in the header */

/* What every function needs. */
struct ot {
	FILE		*fp;		/* output */
	int		 san;		/* caller's sanitiser flags */
	unsigned	 modes;		/* selected modes */
	int		 nmodes;	/* how many */
	int		 svc_w;		/* service column width, 0: none */
};

static void
ot_write_cb(const char *text, size_t len, enum sanitize_run kind, void *arg)
{
	(void)kind;
	fwrite(text, 1, len, arg);
}

/* Server bytes (or text that may quote them) through the sanitiser. */
static void
ot_san(struct ot *o, const char *p, size_t n, int flags, size_t max)
{
	if (p == NULL)
		return;
	sanitize_walk(p, n, flags, max, ot_write_cb, o->fp);
}

static void
ot_san_str(struct ot *o, const char *s, int flags, size_t max)
{
	if (s != NULL)
		ot_san(o, s, strlen(s), flags, max);
}

/* Microseconds as "12.345" milliseconds, in integers (no locale). */
static void
ot_ms(char *buf, size_t size, uint64_t us)
{
	snprintf(buf, size, "%" PRIu64 ".%03" PRIu64, us / 1000, us % 1000);
}

static const char *
ot_family(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

static const char *
ot_label(const struct port_row *row)
{
	return row->dialect != NULL ? row->dialect->label : "?";
}

/*
 * The matrix: a protocol heading line, then one line per port: 2 + 11
 * (service) + 1 + 5 (port) + 1 columns, then one cell per mode, 19 wide
 * with one space between, so three modes fit in 80 columns.  Column heads
 * are the words mail programs use ("None", "STARTTLS", "SSL/TLS").
 */
static void
ot_layout(struct ot *o, const struct run *run)
{
	(void)run;
	o->svc_w = 11;
}

/* When and how this report was made: a saved report says it itself. */
static void
ot_invocation(struct ot *o)
{
	char *const	*argv;
	char		 now[32];
	int		 argc, i;

	argv = report_get_args(&argc);
	fprintf(o->fp, "written %s, command: mailports",
	    report_time_now(now, sizeof now));
	for (i = 0; i < argc; i++) {
		fputc(' ', o->fp);
		ot_san_str(o, argv[i], o->san | SAN_TAB_SPACE, OT_NAME_MAX);
	}
	fputc('\n', o->fp);
}

static void
ot_header(struct ot *o, const struct run *run)
{
	const struct run_host	*h;
	size_t			 i, len, used = 0, nh = run_host_count(run);
	size_t			 done, total;
	uint64_t		 el;
	char			*s;

	fprintf(o->fp, "mailports %s:", PACKAGE_VERSION);
	for (i = 0; i < nh; i++) {
		h = run_get_host(run, i);
		if (h == NULL || h->name == NULL)
			continue;
		s = sanitize_dup(h->name, strlen(h->name),
		    o->san | SAN_TAB_SPACE, OT_HOSTS_MAX);
		len = strlen(s);
		if (used > 0 && used + 1 + len > OT_HOSTS_MAX) {
			free(s);
			fprintf(o->fp, " +%zu more", nh - i);
			break;
		}
		fprintf(o->fp, " %s", s);
		used += 1 + len;
		free(s);
	}
	run_get_counts(run, &done, &total);
	el = run_get_elapsed_us(run);
	fprintf(o->fp, "  (%" PRIu64 ".%03" PRIu64 " s, %zu/%zu done)\n",
	    el / 1000000, el / 1000 % 1000, done, total);
	ot_invocation(o);
}

static void
ot_matrix(struct ot *o, const struct run *run, size_t ai)
{
	const struct port_row	*row;
	const struct probe	*p;
	const struct dialect	*last = NULL;
	size_t			 r, off;
	int			 m, col;
	bool			 first;
	char			 cell[OT_CELL + 1], head[160];

	for (r = 0; r < run_row_count(run); r++) {
		row = run_get_row(run, r);
		if (row == NULL)
			continue;
		if (row->dialect != last) {
			/* The first heading also names the columns. */
			first = last == NULL;
			last = row->dialect;
			off = (size_t)snprintf(head, sizeof head, "  %-*s %5s ",
			    o->svc_w, ot_label(row), first ? "port" : "");
			for (m = 0; first && m < MODE_LAST; m++) {
				if (o->modes & (1u << m))
					off += (size_t)snprintf(head + off,
					    sizeof head - off, " %-*s", OT_CELL,
					    facts_mode_client(
					    (enum probe_mode)m));
			}
			while (off > 0 && head[off - 1] == ' ')
				head[--off] = '\0';
			fprintf(o->fp, "%s\n", head);
		}
		fprintf(o->fp, "  %-*.*s %5u ", o->svc_w, o->svc_w,
		    row->service != NULL ? row->service : "",
		    (unsigned int)row->port);
		for (m = 0, col = 0; m < MODE_LAST; m++) {
			if (!(o->modes & (1u << m)))
				continue;
			p = run_get_probe(run, ai, r, (enum probe_mode)m);
			if (p != NULL)
				report_cell_line(p, cell, sizeof cell,
				    OT_CELL);
			else
				snprintf(cell, sizeof cell, "-");
			if (++col < o->nmodes)
				fprintf(o->fp, " %-*s", OT_CELL, cell);
			else
				fprintf(o->fp, " %s", cell);
		}
		fputc('\n', o->fp);
	}
}

/* "    label: a b c", wrapped at 80 columns under the first item. */
static void
ot_list(struct ot *o, const char *label, const struct mstr_list *l,
    bool known)
{
	char	*s;
	size_t	 i, len, col, start;

	col = start = (size_t)fprintf(o->fp, "    %s:", label);
	if (!known && l->n == 0) {
		fputs(" (unknown)\n", o->fp);
		return;
	}
	if (l->n == 0) {
		fputs(" (none)\n", o->fp);
		return;
	}
	for (i = 0; i < l->n; i++) {
		s = sanitize_dup(l->v[i].p, l->v[i].n, o->san | SAN_TAB_SPACE,
		    OT_ITEM_MAX);
		len = strlen(s);
		if (col > start && col + 1 + len > OT_WIDTH) {
			fprintf(o->fp, "\n%*s", (int)start, "");
			col = start;
		}
		fprintf(o->fp, " %s", s);
		col += 1 + len;
		free(s);
	}
	fputc('\n', o->fp);
}

/* Lines joined with LF (a greeting, a reply), each on its own line. */
static void
ot_lines(struct ot *o, const char *label, const struct mstr *m)
{
	const char	*p = m->p, *nl;
	size_t		 n = m->n, seg;
	int		 w;

	if (p == NULL)
		return;
	w = fprintf(o->fp, "    %s: ", label);
	for (;;) {
		nl = memchr(p, '\n', n);
		seg = nl != NULL ? (size_t)(nl - p) : n;
		ot_san(o, p, seg, o->san, OT_LINE_MAX);
		fputc('\n', o->fp);
		if (nl == NULL)
			break;
		p += seg + 1;
		n -= seg + 1;
		fprintf(o->fp, "%*s", w, "");
	}
}

static void
ot_time(char *buf, size_t size, int64_t v)
{
	time_t		 t = (time_t)v;
	struct tm	 tm;

	if ((int64_t)t != v || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "?");
}

static void
ot_cert(struct ot *o, size_t i, const struct cert_info *c)
{
	char	nb[32], na[32];
	size_t	j;

	fprintf(o->fp, "    certificate %zu%s: ", i,
	    c->self_issued ? " (self-issued)" : "");
	ot_san(o, c->subject.p, c->subject.n, o->san | SAN_TAB_SPACE,
	    OT_NAME_MAX);
	fputs("\n      issuer: ", o->fp);
	ot_san(o, c->issuer.p, c->issuer.n, o->san | SAN_TAB_SPACE,
	    OT_NAME_MAX);
	fputc('\n', o->fp);
	if (c->san.n > 0) {
		fputs("      names:", o->fp);
		for (j = 0; j < c->san.n; j++) {
			fputc(' ', o->fp);
			ot_san(o, c->san.v[j].p, c->san.v[j].n,
			    o->san | SAN_TAB_SPACE, OT_ITEM_MAX);
		}
		fputc('\n', o->fp);
	}
	ot_time(nb, sizeof nb, c->not_before);
	ot_time(na, sizeof na, c->not_after);
	fprintf(o->fp, "      valid: %s to %s, %" PRId64 " days left\n",
	    nb, na, c->days_left);
	fprintf(o->fp, "      key: %s %d bits, signature %s, serial %s\n",
	    c->key_type[0] != '\0' ? c->key_type : "?", c->key_bits,
	    c->sig_alg[0] != '\0' ? c->sig_alg : "?",
	    c->serial[0] != '\0' ? c->serial : "?");
}

static void
ot_tls(struct ot *o, const struct tls_facts *t)
{
	size_t	i;
	bool	first = true;

	if (!t->attempted)
		return;
	fprintf(o->fp, "    TLS: %s", t->established ? "established" :
	    "failed");
	if (t->version[0] != '\0')
		fprintf(o->fp, ", %s", t->version);
	if (t->cipher[0] != '\0')
		fprintf(o->fp, ", %s", t->cipher);
	if (t->group[0] != '\0')
		fprintf(o->fp, ", %s", t->group);
	if (t->established)
		fprintf(o->fp, ", %s", t->verified ? "verified" :
		    "NOT verified");
	fputc('\n', o->fp);
	if (t->problems != 0) {
		fputs("    certificate problems:", o->fp);
		for (i = 0; i < TLS_PROB_LAST; i++) {
			if (!(t->problems & TLS_PROB_BIT(i)))
				continue;
			fprintf(o->fp, "%s %s", first ? "" : ",",
			    facts_problem_words((enum tls_problem)i));
			first = false;
		}
		fprintf(o->fp, " (flags 0x%08" PRIx32 ")\n", t->verify_flags);
	}
	if (t->failure != NULL) {
		fputs("    TLS failure: ", o->fp);
		ot_san_str(o, t->failure, o->san | SAN_TAB_SPACE,
		    OT_REASON_MAX);
		if (t->legacy_suspected)
			fputs(" (looks like a TLS 1.0/1.1-only server)",
			    o->fp);
		fputc('\n', o->fp);
	}
	if (t->client_cert_requested)
		fputs("    server asked for a client certificate "
		    "(none sent)\n", o->fp);
	if (t->chain_sent > t->chain_len)
		fprintf(o->fp, "    chain: %zu certificates sent, first %zu "
		    "shown\n", t->chain_sent, t->chain_len);
	for (i = 0; i < t->chain_len && i < TLS_CHAIN_MAX; i++)
		ot_cert(o, i, &t->chain[i]);
}

/* One timing entry, skipped when the phase was not reached. */
static void
ot_timing_one(struct ot *o, const char *name, int64_t us, bool *first)
{
	char	ms[32];

	if (us < 0)
		return;
	ot_ms(ms, sizeof ms, (uint64_t)us);
	fprintf(o->fp, "%s %s %s", *first ? "    timing (ms):" : ",", name,
	    ms);
	*first = false;
}

static void
ot_timing(struct ot *o, const struct probe_timing *t)
{
	size_t	i;
	bool	first = true;

	for (i = 0; i < facts_ntimings; i++)
		ot_timing_one(o, facts_timings[i].text, facts_timing_get(t, i),
		    &first);
	if (!first)
		fputc('\n', o->fp);
}

/* How an event travelled (hostile-servers.md rule 9), 3 columns. */
static const char *
ot_sec_mark(enum tr_sec sec)
{
	switch (sec) {
	case TR_SEC_PLAIN:
		return "pln";
	case TR_SEC_TLS:
		return "tls";
	case TR_SEC_TLS_VERIFIED:
		return "TLS";
	default:
		return "   ";
	}
}

/* Drop trailing spaces (an event without text). */
static void
ot_rtrim(char *s)
{
	size_t	n = strlen(s);

	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

static void
ot_transcript(struct ot *o, const struct transcript *tr)
{
	const struct tr_event	*e;
	size_t			 i, n;
	char			 ms[32], t[40], head[80];

	n = tr != NULL ? transcript_count(tr) : 0;
	if (n == 0)
		return;
	fputs("    transcript:\n", o->fp);
	for (i = 0; i < n; i++) {
		e = transcript_get(tr, i);
		if (e == NULL)
			continue;
		ot_ms(ms, sizeof ms, e->t_us);
		snprintf(t, sizeof t, "+%sms", ms);
		snprintf(head, sizeof head, "    %11s %-3s %s%s", t,
		    transcript_dir_tag(e->dir), ot_sec_mark(e->sec),
		    (e->flags & TR_F_INJECTED) ? " [injected]" :
		    (e->flags & TR_F_UNSOLICITED) ? " [unasked]" : "");
		if (transcript_event_text_len(e) == 0)
			ot_rtrim(head);
		fputs(head, o->fp);
		if (transcript_event_text_len(e) > 0) {
			fputc(' ', o->fp);
			ot_san(o, e->data, transcript_event_text_len(e), o->san,
			    OT_LINE_MAX);
		}
		if (e->flags & TR_F_CUT)
			fputs(" [cut]", o->fp);
		if (e->flags & TR_F_BARE_LF)
			fputs(" [bare LF]", o->fp);
		fputc('\n', o->fp);
	}
}

static void
ot_details(struct ot *o, const struct probe *p)
{
	const struct probe_facts	*f = probe_get_facts(p);

	ot_lines(o, "greeting", &f->greeting);
	if (f->preauth)
		fputs("    PREAUTH greeting: STARTTLS impossible\n", o->fp);
	if (f->helo_fallback)
		fputs("    EHLO refused, HELO used\n", o->fp);
	if (f->caps_before_known || f->caps_before.n > 0) {
		ot_list(o, "capabilities", &f->caps_before,
		    f->caps_before_known);
		ot_list(o, "AUTH", &f->auth_before, true);
	}
	if (f->caps_after_known || f->caps_after.n > 0) {
		ot_list(o, "capabilities (TLS)", &f->caps_after,
		    f->caps_after_known);
		ot_list(o, "AUTH (TLS)", &f->auth_after, true);
	}
	if (f->login_disabled_before || f->login_disabled_after)
		fprintf(o->fp, "    LOGINDISABLED:%s%s\n",
		    f->login_disabled_before ? " before TLS" : "",
		    f->login_disabled_after ? " after TLS" : "");
	ot_lines(o, "STARTTLS reply", &f->starttls_reply);
	if (f->injected.p != NULL) {
		fprintf(o->fp, "    injected (%zu bytes): ", f->injected.n);
		ot_san(o, f->injected.p, f->injected.n, o->san, OT_LINE_MAX);
		fputc('\n', o->fp);
	}
	if (f->non_tls_data.p != NULL) {
		fprintf(o->fp, "    non-TLS data (%zu bytes): ",
		    f->non_tls_data.n);
		ot_san(o, f->non_tls_data.p, f->non_tls_data.n, o->san,
		    OT_LINE_MAX);
		fputc('\n', o->fp);
	}
	if (f->line_flags & (TR_F_BARE_LF | TR_F_BARE_CR | TR_F_NUL |
	    TR_F_CUT))
		fprintf(o->fp, "    protocol violations:%s%s%s%s\n",
		    f->line_flags & TR_F_BARE_LF ? " bare-LF" : "",
		    f->line_flags & TR_F_BARE_CR ? " bare-CR" : "",
		    f->line_flags & TR_F_NUL ? " NUL" : "",
		    f->line_flags & TR_F_CUT ? " line-cut" : "");
	ot_tls(o, &f->tls);
	ot_timing(o, &f->timing);
	ot_transcript(o, probe_get_transcript(p));
}

/* "  SMTP   587 submission  STARTTLS ok: reason" */
static void
ot_cell_line(struct ot *o, const struct port_row *row,
    const struct probe *p, enum probe_mode m, bool verbose)
{
	const struct probe_facts	*f = probe_get_facts(p);

	fprintf(o->fp, "  %-4.4s %5u %-11s %-8s %s", ot_label(row),
	    (unsigned int)row->port, row->service != NULL ? row->service : "",
	    facts_mode_label(m), facts_status_name(f->status));
	if (f->reason != NULL && f->reason[0] != '\0') {
		fputs(": ", o->fp);
		ot_san_str(o, f->reason, o->san | SAN_TAB_SPACE,
		    OT_REASON_MAX);
	}
	fputc('\n', o->fp);
	if (verbose) {
		ot_details(o, p);
		fputc('\n', o->fp);
	}
}

static void
ot_block(struct ot *o, const struct run *run, size_t ai, bool verbose)
{
	const struct run_addr	*a = run_get_addr(run, ai);
	const struct run_host	*h;
	const struct port_row	*row;
	const struct probe	*p;
	size_t			 r;
	int			 m;

	if (a == NULL)
		return;
	h = run_get_host(run, a->host);
	fputc('\n', o->fp);
	ot_san_str(o, h != NULL ? h->name : "?", o->san | SAN_TAB_SPACE,
	    OT_NAME_MAX);
	if (a->family == AF_UNSPEC) {
		fputs(": ", o->fp);
		ot_san_str(o, h != NULL && h->error != NULL ? h->error :
		    "no address", o->san | SAN_TAB_SPACE, OT_REASON_MAX);
		fputc('\n', o->fp);
		return;
	}
	fprintf(o->fp, " (%s %s)\n", ot_family(a->family), a->text);
	ot_matrix(o, run, ai);
	fputc('\n', o->fp);
	for (r = 0; r < run_row_count(run); r++) {
		row = run_get_row(run, r);
		if (row == NULL)
			continue;
		for (m = 0; m < MODE_LAST; m++) {
			if (!(o->modes & (1u << m)))
				continue;
			p = run_get_probe(run, ai, r, (enum probe_mode)m);
			if (p != NULL)
				ot_cell_line(o, row, p, (enum probe_mode)m,
				    verbose);
		}
	}
}

/* The status words, wrapped at 80 columns. */
static void
ot_legend(struct ot *o, bool verbose)
{
	char	item[80];
	size_t	col, len;
	int	s;

	fputc('\n', o->fp);
	col = (size_t)fprintf(o->fp, "status:");
	for (s = 0; s < ST_LAST; s++) {
		if (s == ST_PENDING)
			continue;
		len = (size_t)snprintf(item, sizeof item, " %s = %s%s",
		    facts_status_name((enum probe_status)s),
		    facts_status_words((enum probe_status)s),
		    s + 1 < ST_LAST ? ";" : "");
		if (col + len > OT_WIDTH) {
			fputs("\n       ", o->fp);
			col = 7;
		}
		fputs(item, o->fp);
		col += len;
	}
	fputc('\n', o->fp);
	if (verbose)
		fputs("transcript: C> sent, S< received, pln plaintext, "
		    "tls TLS not verified,\n            TLS TLS verified\n",
		    o->fp);
	fprintf(o->fp, "TLS library: %s\n", tlswrap_runtime_version());
}

void
out_text(FILE *fp, const struct run *run, bool verbose, int san_flags)
{
	struct ot	o;
	size_t		i;
	int		m;

	memset(&o, 0, sizeof o);
	o.fp = fp;
	o.san = san_flags & ~SAN_TAB_SPACE;
	o.modes = run_get_modes(run);
	for (m = 0; m < MODE_LAST; m++) {
		if (o.modes & (1u << m))
			o.nmodes++;
	}
	ot_layout(&o, run);
	ot_header(&o, run);
	for (i = 0; i < run_addr_count(run); i++)
		ot_block(&o, run, i, verbose);
	ot_legend(&o, verbose);
	out_advice_text(fp, run, o.san);
	fflush(fp);
}

void
out_text_progress(FILE *fp, const struct run *run, bool last)
{
	const struct run_host	*h;
	size_t			 done, total;
	uint64_t		 el;
	char			*name, line[96];

	if (last) {
		fprintf(fp, "\r%*s\r", 79, "");
		fflush(fp);
		return;
	}
	run_get_counts(run, &done, &total);
	el = run_get_elapsed_us(run);
	h = run_get_host(run, 0);
	name = sanitize_dup(h != NULL && h->name != NULL ? h->name : "",
	    h != NULL && h->name != NULL ? strlen(h->name) : 0,
	    SAN_TAB_SPACE, 32);
	snprintf(line, sizeof line, "mailports: probing %s%s: %zu/%zu "
	    "done, %" PRIu64 ".%" PRIu64 " s", name, run_host_count(run) > 1 ?
	    " and more" : "", done, total, el / 1000000, el / 100000 % 10);
	free(name);
	fprintf(fp, "\r%-79.79s", line);
	fflush(fp);
}

/* A line for the log, server bytes escaped. */
static void
ot_log_raw(const char *what, const char *p, size_t n)
{
	char	*s;

	s = sanitize_dup(p != NULL ? p : "", p != NULL ? n : 0,
	    SAN_TAB_SPACE, OT_LINE_MAX);
	log_debug("%s%s", what, s);
	free(s);
}

static void
ot_log_event(const struct tr_event *e)
{
	char	head[64];

	snprintf(head, sizeof head, "  +%" PRIu64 "us %s %s ", e->t_us,
	    transcript_dir_tag(e->dir), ot_sec_mark(e->sec));
	ot_log_raw(head, e->data, transcript_event_text_len(e));
}

void
out_text_log_start(void)
{
	char *const	*argv;
	char		 now[32];
	int		 argc, i;

	if (!log_is_open())
		return;
	argv = report_get_args(&argc);
	log_debug("mailports %s, %s, started %s with %d argument%s",
	    PACKAGE_VERSION, tlswrap_runtime_version(),
	    report_time_now(now, sizeof now), argc, argc == 1 ? "" : "s");
	for (i = 0; i < argc; i++)
		ot_log_raw("  argument: ", argv[i], strlen(argv[i]));
}

void
out_text_log(const struct run *run)
{
	const struct run_addr	*a;
	const struct port_row	*row;
	const struct probe	*p;
	const struct probe_facts *f;
	const struct transcript	*tr;
	char			 head[160], sum[32];
	size_t			 ai, r, i;
	int			 m;

	if (!log_is_open())
		return;
	for (ai = 0; ai < run_addr_count(run); ai++) {
		a = run_get_addr(run, ai);
		for (r = 0; r < run_row_count(run); r++) {
			row = run_get_row(run, r);
			for (m = 0; m < MODE_LAST; m++) {
				p = run_get_probe(run, ai, r,
				    (enum probe_mode)m);
				if (p == NULL)
					continue;
				f = probe_get_facts(p);
				snprintf(head, sizeof head, "cell %s %s %u %s: "
				    "%s (%s): ", a->text, ot_label(row),
				    (unsigned)row->port,
				    facts_mode_name((enum probe_mode)m),
				    facts_status_name(f->status),
				    report_cell_summary(p, sum, sizeof sum));
				ot_log_raw(head, f->reason, f->reason != NULL ?
				    strlen(f->reason) : 0);
				tr = probe_get_transcript(p);
				for (i = 0; i < transcript_count(tr); i++)
					ot_log_event(transcript_get(tr, i));
			}
		}
	}
}
