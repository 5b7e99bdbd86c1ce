/* SPDX-License-Identifier: ISC */
/*
 * Views of one cell: the detail pane under the matrix (status, greeting,
 * capabilities before and after TLS, certificate, timings, history) and
 * the full-screen transcript with its hex and certificate-chain forms and
 * search.  Every server byte goes through ui_lb_raw(); nothing here acts
 * on what a server said.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dialect.h"
#include "opts.h"
#include "probe.h"
#include "report.h"
#include "run.h"
#include "sanitize.h"
#include "transcript.h"
#include "ui_view.h"

#define UI_HEX_PER_LINE	16	/* bytes per hex dump line */
#define UI_CAP_OUT	120	/* sanitised bytes per capability */
#define UI_TEXT_OUT	600	/* sanitised bytes per summary text */
#define UI_GREET_LINES	4	/* greeting lines in the pane */
#define UI_TLINE_OUT	1000	/* sanitised bytes per transcript line */

/* A labelled line of sanitised server text, wrapped at words. */
static void
ui_doc_rawline(struct ui_doc *d, const char *label, unsigned attr,
    const char *p, size_t n)
{
	struct ui_lbuf	lb;

	lb.n = 0;
	ui_lb_raw(d->ui, &lb, attr, p, n, d->ui->san_flags | SAN_TAB_SPACE,
	    UI_TEXT_OUT);
	ui_doc_label(d, label);
	ui_doc_words(d, &lb);
	ui_doc_end_line(d);
}

static bool
ui_mstr_in(const struct mstr_list *l, const struct mstr *m)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].n == m->n && strncasecmp(l->v[i].p, m->p, m->n) ==
		    0)
			return true;
	}
	return false;
}

/*
 * A capability list; with other given, entries missing from it are
 * marked "+" (new) and entries only in other are listed as "-" (gone).
 */
static void
ui_doc_caps(struct ui_doc *d, const char *label, const struct mstr_list *l,
    const struct mstr_list *other)
{
	struct ui	*ui = d->ui;
	struct ui_lbuf	 it;
	size_t		 i;
	unsigned	 a;

	ui_doc_label(d, label);
	if (l->n == 0) {
		it.n = 0;
		ui_lb_add(&it, ui_attr(ui, UI_E_DIM), "(none)");
		ui_doc_flow(d, &it, "  ");
	}
	for (i = 0; i < l->n; i++) {
		it.n = 0;
		a = 0;
		if (other != NULL && !ui_mstr_in(other, &l->v[i])) {
			a = ui_attr(ui, UI_E_ADDED);
			ui_lb_add(&it, a, "+");
		}
		ui_lb_raw(ui, &it, a, l->v[i].p, l->v[i].n,
		    ui->san_flags | SAN_TAB_SPACE, UI_CAP_OUT);
		ui_doc_flow(d, &it, "  ");
	}
	for (i = 0; other != NULL && i < other->n; i++) {
		if (ui_mstr_in(l, &other->v[i]))
			continue;
		it.n = 0;
		a = ui_attr(ui, UI_E_REMOVED);
		ui_lb_add(&it, a, "-");
		ui_lb_raw(ui, &it, a, other->v[i].p, other->v[i].n,
		    ui->san_flags | SAN_TAB_SPACE, UI_CAP_OUT);
		ui_doc_flow(d, &it, "  ");
	}
	ui_doc_end_line(d);
}

static void
ui_doc_item(struct ui_doc *d, unsigned attr, const char *s)
{
	struct ui_lbuf	it;

	it.n = 0;
	ui_lb_add(&it, attr, s);
	ui_doc_flow(d, &it, "  ");
}

static void
ui_doc_timing(struct ui_doc *d, const char *name, int64_t us)
{
	char	t[32], s[64];

	if (us < 0)
		return;
	snprintf(s, sizeof s, "%s %s", name, ui_fmt_us(t, sizeof t, us));
	ui_doc_item(d, 0, s);
}

static void
ui_fmt_date(char *buf, size_t size, int64_t t, bool with_time)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	strftime(buf, size, with_time ? "%Y-%m-%d %H:%M:%S UTC" :
	    "%Y-%m-%d", &tm);
}

static void
ui_doc_expiry(struct ui_doc *d, const struct cert_info *ci)
{
	struct ui	*ui = d->ui;
	struct ui_lbuf	 it;
	char		 date[40];

	it.n = 0;
	ui_fmt_date(date, sizeof date, ci->not_after, false);
	if (ci->days_left < 0)
		ui_lb_printf(&it, ui_attr(ui, UI_E_BAD),
		    "expired %lld days ago (%s)", (long long)-ci->days_left,
		    date);
	else
		ui_lb_printf(&it, ci->days_left < 14 ? ui_attr(ui, UI_E_WARN) :
		    0, "in %lld days (%s)", (long long)ci->days_left, date);
	ui_doc_flow(d, &it, "  ");
}

static void
ui_doc_problems(struct ui_doc *d, const struct tls_facts *t)
{
	struct ui	*ui = d->ui;
	int		 i;
	bool		 any = false;

	ui_doc_label(d, "Verified");
	if (t->verified) {
		ui_doc_item(d, ui_attr(ui, UI_E_GOOD), "yes: chain and name "
		    "check out");
		ui_doc_end_line(d);
		return;
	}
	ui_doc_item(d, ui_attr(ui, UI_E_WARN), "NO:");
	for (i = 0; i < TLS_PROB_LAST; i++) {
		if (t->problems & TLS_PROB_BIT(i)) {
			ui_doc_item(d, ui_attr(ui, UI_E_WARN),
			    facts_problem_words((enum tls_problem)i));
			any = true;
		}
	}
	if (!any)
		ui_doc_item(d, ui_attr(ui, UI_E_WARN), "not checked");
	ui_doc_end_line(d);
}

static void
ui_doc_tls_line(struct ui_doc *d, const struct tls_facts *t)
{
	struct ui	*ui = d->ui;
	struct ui_lbuf	 lb;

	ui_doc_label(d, "TLS");
	if (t->established) {
		ui_doc_item(d, ui_attr(ui, UI_E_GOOD), t->version);
		if (t->cipher[0] != '\0')
			ui_doc_item(d, 0, t->cipher);
		if (t->group[0] != '\0')
			ui_doc_item(d, ui_attr(ui, UI_E_DIM), t->group);
	} else if (t->failure != NULL) {
		ui_doc_item(d, ui_attr(ui, UI_E_BAD), "handshake failed:");
		lb.n = 0;
		ui_lb_raw(ui, &lb, ui_attr(ui, UI_E_BAD), t->failure,
		    strlen(t->failure), ui->san_flags | SAN_TAB_SPACE,
		    UI_TEXT_OUT);
		ui_doc_words(d, &lb);
	} else
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "handshake not "
		    "finished");
	if (t->legacy_suspected)
		ui_doc_item(d, ui_attr(ui, UI_E_WARN), "(server seems to "
		    "speak only TLS 1.0/1.1)");
	if (t->client_cert_requested)
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "(asked for a client "
		    "certificate)");
	ui_doc_end_line(d);
}

static void
ui_doc_rawitem(struct ui_doc *d, unsigned attr, const struct mstr *m)
{
	struct ui_lbuf	it;

	it.n = 0;
	ui_lb_raw(d->ui, &it, attr, m->p, m->n,
	    d->ui->san_flags | SAN_TAB_SPACE, UI_CAP_OUT);
	ui_doc_flow(d, &it, "  ");
}

static void
ui_doc_cert(struct ui_doc *d, const struct cert_info *ci, bool full)
{
	struct ui	*ui = d->ui;
	char		 s[160], date[40];
	size_t		 i;

	ui_doc_rawline(d, "Subject", 0, ci->subject.p, ci->subject.n);
	if (ci->san.n > 0 || full) {
		ui_doc_label(d, "SANs");
		if (ci->san.n == 0)
			ui_doc_item(d, ui_attr(ui, UI_E_DIM), "(none)");
		for (i = 0; i < ci->san.n; i++)
			ui_doc_rawitem(d, 0, &ci->san.v[i]);
		ui_doc_end_line(d);
	}
	ui_doc_rawline(d, "Issuer", 0, ci->issuer.p, ci->issuer.n);
	if (full) {
		ui_doc_label(d, "Serial");
		ui_doc_item(d, 0, ci->serial);
		ui_doc_end_line(d);
		ui_doc_label(d, "Not before");
		ui_fmt_date(date, sizeof date, ci->not_before, true);
		ui_doc_item(d, 0, date);
		ui_doc_end_line(d);
		ui_doc_label(d, "Not after");
		ui_fmt_date(date, sizeof date, ci->not_after, true);
		ui_doc_item(d, 0, date);
		ui_doc_end_line(d);
	}
	ui_doc_label(d, "Expires");
	ui_doc_expiry(d, ci);
	ui_doc_end_line(d);
	ui_doc_label(d, "Key");
	snprintf(s, sizeof s, "%s %d bits", ci->key_type, ci->key_bits);
	ui_doc_item(d, 0, s);
	if (ci->sig_alg[0] != '\0') {
		snprintf(s, sizeof s, "signed %s", ci->sig_alg);
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), s);
	}
	if (ci->self_issued)
		ui_doc_item(d, ui_attr(ui, UI_E_WARN), "self-issued");
	ui_doc_end_line(d);
}

static void
ui_doc_history(struct ui_doc *d, const struct ui_hist *h)
{
	char	s[64], t[32];

	ui_doc_label(d, "History");
	snprintf(s, sizeof s, "%u run%s", h->runs, h->runs == 1 ? "" : "s");
	ui_doc_item(d, 0, s);
	snprintf(s, sizeof s, "%u failed", h->fails);
	ui_doc_item(d, h->fails > 0 ? ui_attr(d->ui, UI_E_BAD) : 0, s);
	if (h->flips > 0) {
		snprintf(s, sizeof s, "status changed %ux", h->flips);
		ui_doc_item(d, ui_attr(d->ui, UI_E_WARN), s);
	}
	if (h->ok_runs > 0) {
		snprintf(s, sizeof s, "last %s", ui_fmt_us(t, sizeof t,
		    h->last_us));
		ui_doc_item(d, 0, s);
		snprintf(s, sizeof s, "avg %s", ui_fmt_us(t, sizeof t,
		    h->sum_us / (int64_t)h->ok_runs));
		ui_doc_item(d, 0, s);
		snprintf(s, sizeof s, "best %s", ui_fmt_us(t, sizeof t,
		    h->best_us));
		ui_doc_item(d, 0, s);
		snprintf(s, sizeof s, "worst %s", ui_fmt_us(t, sizeof t,
		    h->worst_us));
		ui_doc_item(d, 0, s);
	}
	ui_doc_end_line(d);
}

/* The pane under (or beside) the matrix: everything known of a cell. */
void
ui_detail_draw(struct ui *ui, int y, int x, int h, int w)
{
	const struct probe		*p = ui_selected(ui);
	const struct probe_facts	*f;
	const struct probe_spec		*spec;
	const struct port_row		*pr;
	const struct ui_hist		*hi;
	struct ui_doc			 d;
	struct ui_lbuf			 it;
	const char			*g, *e;
	char				 word[64], t[32];
	unsigned			 ta;
	size_t				 n;
	int				 nl;

	if (h <= 0 || w <= 0)
		return;
	if (ui->det_top > 0 && ui->det_top > ui->det_lines - h)
		ui->det_top = ui->det_lines - h > 0 ? ui->det_lines - h : 0;
	ui_doc_begin(&d, ui, y, x, w, h, ui->det_top, 0);
	if (p == NULL) {
		ui_doc_item(&d, ui_attr(ui, UI_E_DIM), "looking up the "
		    "addresses");
		ui_doc_end_line(&d);
		ui->det_lines = d.line;
		return;
	}
	f = probe_get_facts(p);
	spec = probe_get_spec(p);
	pr = run_get_row(ui->run, ui->sel_row);
	ta = ui_tone_attr(ui, report_cell_tone(p));

	ui_doc_label(&d, "Status");
	it.n = 0;
	ui_lb_add(&it, ta, ui_tone_glyph(ui, p));
	ui_lb_add(&it, ta, " ");
	if (f->status == ST_PENDING)
		ui_lb_printf(&it, ta, "%s: %s, %.1f s",
		    probe_is_started(p) ? "probing" : "queued",
		    facts_state_name(probe_get_state(p)),
		    (double)probe_get_elapsed_us(p) / 1e6);
	else {
		report_cell_short(p, word, sizeof word);
		ui_lb_add(&it, ta, word);
		if (f->status != ST_OK && strcmp(word,
		    facts_status_words(f->status)) != 0)
			ui_lb_printf(&it, ta, " (%s)",
			    facts_status_words(f->status));
	}
	ui_doc_flow(&d, &it, "  ");
	if (f->timing.total_us >= 0 && f->status != ST_PENDING) {
		snprintf(word, sizeof word, "in %s", ui_fmt_us(t, sizeof t,
		    f->timing.total_us));
		ui_doc_item(&d, ui_attr(ui, UI_E_DIM), word);
	}
	if (pr != NULL && pr->native != spec->mode) {
		snprintf(word, sizeof word, "(this port is meant for %s)",
		    facts_mode_client(pr->native));
		ui_doc_item(&d, ui_attr(ui, UI_E_DIM), word);
	}
	ui_doc_end_line(&d);

	if (f->reason != NULL && f->status != ST_PENDING)
		ui_doc_rawline(&d, "Reason", 0, f->reason, strlen(f->reason));

	if (f->greeting.p != NULL) {
		/* Lines were joined with LF by us, not by the server. */
		g = f->greeting.p;
		n = f->greeting.n;
		nl = 0;
		while (n > 0 || nl == 0) {
			e = memchr(g, '\n', n);
			if (nl == UI_GREET_LINES) {
				ui_doc_label(&d, "");
				ui_doc_item(&d, ui_attr(ui, UI_E_DIM),
				    "(more lines: see the transcript)");
				ui_doc_end_line(&d);
				break;
			}
			ui_doc_label(&d, nl == 0 ? "Greeting" : "");
			it.n = 0;
			ui_lb_raw(ui, &it, 0, g, e != NULL ? (size_t)(e - g) :
			    n, ui->san_flags | SAN_TAB_SPACE, UI_TEXT_OUT);
			ui_doc_flow(&d, &it, NULL);
			ui_doc_end_line(&d);
			nl++;
			if (e == NULL)
				break;
			n -= (size_t)(e - g) + 1;
			g = e + 1;
		}
	}

	if (f->caps_before_known && f->caps_after_known) {
		ui_doc_caps(&d, "Before TLS", &f->caps_before, NULL);
		ui_doc_caps(&d, "After TLS", &f->caps_after, &f->caps_before);
	} else if (f->caps_before_known)
		ui_doc_caps(&d, "Caps", &f->caps_before, NULL);
	else if (f->caps_after_known)
		ui_doc_caps(&d, "Caps (TLS)", &f->caps_after, NULL);
	if (f->helo_fallback) {
		ui_doc_label(&d, "");
		ui_doc_item(&d, ui_attr(ui, UI_E_WARN), "EHLO refused: HELO "
		    "used, no extensions");
		ui_doc_end_line(&d);
	}
	if (f->caps_before_known || f->caps_after_known) {
		ui_doc_label(&d, "AUTH");
		if (f->caps_before_known) {
			ui_doc_item(&d, ui_attr(ui, UI_E_DIM),
			    f->caps_after_known ? "before TLS:" : "");
			if (f->auth_before.n == 0)
				ui_doc_item(&d, ui_attr(ui, UI_E_DIM),
				    "none");
			for (n = 0; n < f->auth_before.n; n++)
				ui_doc_rawitem(&d, spec->mode == MODE_PLAIN ?
				    ui_attr(ui, UI_E_WARN) : 0,
				    &f->auth_before.v[n]);
			if (f->login_disabled_before)
				ui_doc_item(&d, ui_attr(ui, UI_E_DIM),
				    "(LOGINDISABLED)");
		}
		if (f->caps_after_known) {
			if (f->caps_before_known)
				ui_doc_item(&d, ui_attr(ui, UI_E_DIM),
				    " after TLS:");
			if (f->auth_after.n == 0)
				ui_doc_item(&d, ui_attr(ui, UI_E_DIM),
				    "none");
			for (n = 0; n < f->auth_after.n; n++)
				ui_doc_rawitem(&d, ui_attr(ui, UI_E_GOOD),
				    &f->auth_after.v[n]);
			if (f->login_disabled_after)
				ui_doc_item(&d, ui_attr(ui, UI_E_DIM),
				    "(LOGINDISABLED)");
		}
		ui_doc_end_line(&d);
	}
	if (f->starttls_reply.p != NULL)
		ui_doc_rawline(&d, "STARTTLS", 0, f->starttls_reply.p,
		    f->starttls_reply.n);
	if (f->injected.p != NULL)
		ui_doc_rawline(&d, "Injected", ui_attr(ui, UI_E_BAD),
		    f->injected.p, f->injected.n);
	if (f->non_tls_data.p != NULL)
		ui_doc_rawline(&d, "Not TLS", ui_attr(ui, UI_E_BAD),
		    f->non_tls_data.p, f->non_tls_data.n);

	if (f->tls.attempted) {
		ui_doc_tls_line(&d, &f->tls);
		if (f->tls.chain_len > 0) {
			ui_doc_problems(&d, &f->tls);
			ui_doc_cert(&d, &f->tls.chain[0], false);
			if (f->tls.chain_sent > 1) {
				ui_doc_label(&d, "Chain");
				snprintf(word, sizeof word, "%zu certificates"
				    " sent (c shows all)", f->tls.chain_sent);
				ui_doc_item(&d, ui_attr(ui, UI_E_DIM), word);
				ui_doc_end_line(&d);
			}
		}
	}

	ui_doc_label(&d, "Timing");
	ui_doc_timing(&d, "connect", f->timing.connect_us);
	ui_doc_timing(&d, "TLS", f->timing.tls_us);
	ui_doc_timing(&d, "greeting", f->timing.greeting_us);
	ui_doc_timing(&d, "caps", f->timing.capa_us);
	ui_doc_timing(&d, "STARTTLS", f->timing.starttls_us);
	ui_doc_timing(&d, "TLS upgrade", f->timing.tls_upgrade_us);
	ui_doc_timing(&d, "caps (TLS)", f->timing.capa_tls_us);
	ui_doc_timing(&d, "total", f->timing.total_us);
	ui_doc_end_line(&d);

	hi = ui_hist_get(ui, ui->sel_addr, ui->sel_row, spec->mode);
	if (hi != NULL && (hi->runs > 1 || ui->watch))
		ui_doc_history(&d, hi);
	ui->det_lines = d.line;
	if (d.line > d.top + d.h || d.top > 0) {
		it.n = 0;
		ui_lb_printf(&it, ui_attr(ui, UI_E_DIM), " %s %d/%d ",
		    ui_glyph(ui, UI_G_UPDOWN), d.top + d.h < d.line ?
		    d.top + d.h : d.line, d.line);
		ui_lb_draw(ui, y - 1, x + w - ui_lb_width(&it) - 1,
		    ui_lb_width(&it), &it, 0, 0, false);
	}
}

/* ------------------------------------------------------------------ */
/* The transcript view. */

static unsigned
ui_dir_attr(const struct ui *ui, enum tr_dir dir)
{
	switch (dir) {
	case TR_CLIENT:
		return ui_attr(ui, UI_E_CLIENT);
	case TR_SERVER:
		return ui_attr(ui, UI_E_SERVER);
	case TR_TLS:
		return ui_attr(ui, UI_E_TLS);
	case TR_NET:
		return ui_attr(ui, UI_E_NET);
	case TR_NOTE:
		return ui_attr(ui, UI_E_NOTE);
	default:
		return ui_attr(ui, UI_E_STATE);
	}
}

/* "  +12.345 ms  S<  plain  " */
static void
ui_tr_prefix(struct ui *ui, struct ui_lbuf *lb, const struct tr_event *e,
    bool current)
{
	char		t[32];
	const char	*sec;
	unsigned	a = ui_attr(ui, UI_E_DIM), sa;

	if (current)
		a = ui_attr(ui, UI_E_MATCH);
	snprintf(t, sizeof t, "+%.3f", (double)e->t_us / 1e3);
	ui_lb_printf(lb, a, "%10s ms", t);
	ui_lb_add(lb, 0, " ");
	ui_lb_printf(lb, ui_dir_attr(ui, e->dir) | A_BOLD, "%-3s",
	    transcript_dir_tag(e->dir));
	ui_lb_add(lb, 0, " ");
	switch (e->sec) {
	case TR_SEC_PLAIN:
		sec = "plain";
		sa = ui_attr(ui, UI_E_SEC_PLAIN);
		break;
	case TR_SEC_TLS:
		sec = "tls";
		sa = ui_attr(ui, UI_E_SEC_TLS);
		break;
	case TR_SEC_TLS_VERIFIED:
		sec = ui_glyph(ui, UI_G_VERIFIED);
		sa = ui_attr(ui, UI_E_SEC_VERIFIED);
		break;
	default:
		sec = "";
		sa = 0;
		break;
	}
	ui_lb_add(lb, sa, sec);
	ui_lb_pad(lb, 0, 10 + 3 + 1 + 3 + 1 + 5 + 1);
}

/* Markers for what the sanitised text cannot show by itself. */
static void
ui_tr_flags(struct ui *ui, struct ui_lbuf *lb, int flags)
{
	unsigned	esc = ui_attr(ui, UI_E_ESCAPE);

	if (flags & TR_F_BARE_LF)
		ui_lb_add(lb, esc, "[bare LF]");
	if (flags & TR_F_BARE_CR)
		ui_lb_add(lb, esc, "[bare CR]");
	if (flags & TR_F_CUT)
		ui_lb_add(lb, esc, "[line cut]");
	if (flags & TR_F_INJECTED)
		ui_lb_add(lb, esc, "[after STARTTLS go-ahead]");
	if (flags & TR_F_TRUNCATED)
		ui_lb_add(lb, esc, "[transcript cap reached]");
}

static void
ui_tr_data(struct ui *ui, struct ui_lbuf *lb, const struct tr_event *e)
{
	unsigned	a = ui_dir_attr(ui, e->dir);

	if (e->flags & TR_F_ERROR)
		a = ui_attr(ui, UI_E_BAD);
	ui_lb_raw(ui, lb, a, e->data, e->len, ui->san_flags | SAN_KEEP_CRLF,
	    UI_TLINE_OUT);
	if (e->flags & ~TR_F_ERROR) {
		ui_lb_add(lb, 0, " ");
		ui_tr_flags(ui, lb, e->flags);
	}
}

static int
ui_hex_lines(const struct tr_event *e)
{
	return 1 + (int)((e->len + UI_HEX_PER_LINE - 1) / UI_HEX_PER_LINE);
}

static int
ui_transcript_lines(struct ui *ui, const struct probe *p)
{
	const struct transcript	*tr = probe_get_transcript(p);
	size_t			 i, n = transcript_count(tr);
	int			 lines = 0;

	if (ui->tmode == UI_T_TEXT)
		return (int)n;
	if (ui->tmode == UI_T_CERT)
		return ui->t_lines;
	for (i = 0; i < n; i++)
		lines += ui_hex_lines(transcript_get(tr, i));
	return lines;
}

int
ui_transcript_line_of(struct ui *ui, const struct probe *p, int ev)
{
	const struct transcript	*tr = probe_get_transcript(p);
	int			 i, lines = 0;

	if (ui->tmode == UI_T_TEXT)
		return ev;
	if (ui->tmode == UI_T_CERT)
		return 0;
	for (i = 0; i < ev && (size_t)i < transcript_count(tr); i++)
		lines += ui_hex_lines(transcript_get(tr, (size_t)i));
	return lines;
}

int
ui_transcript_find(struct ui *ui, int from, int dir)
{
	const struct probe	*p = ui_selected(ui);
	const struct transcript	*tr;
	const struct tr_event	*e;
	struct ui_lbuf		 lb;
	int			 n, k, i;
	size_t			 pn = strlen(ui->search);

	if (p == NULL || pn == 0)
		return -1;
	tr = probe_get_transcript(p);
	n = (int)transcript_count(tr);
	for (k = 0; k < n; k++) {
		i = ((from + dir * k) % n + n) % n;
		e = transcript_get(tr, (size_t)i);
		lb.n = 0;
		ui_tr_data(ui, &lb, e);
		if (ui_memcasemem(lb.s, lb.n, ui->search, pn, NULL))
			return i;
	}
	return -1;
}

static void
ui_hex_line(struct ui *ui, struct ui_lbuf *lb, const struct tr_event *e,
    size_t off)
{
	const unsigned char	*b = (const unsigned char *)e->data;
	unsigned		 a = ui_dir_attr(ui, e->dir);
	size_t			 i;
	char			 asc[UI_HEX_PER_LINE + 1];

	ui_lb_printf(lb, ui_attr(ui, UI_E_DIM), "  %04zx  ", off);
	for (i = 0; i < UI_HEX_PER_LINE; i++) {
		if (off + i < e->len)
			ui_lb_printf(lb, a, "%02x ", b[off + i]);
		else
			ui_lb_add(lb, 0, "   ");
		if (i == 7)
			ui_lb_add(lb, 0, " ");
		asc[i] = '\0';
		if (off + i < e->len)
			asc[i] = b[off + i] >= 0x20 && b[off + i] < 0x7f ?
			    (char)b[off + i] : '.';
	}
	asc[UI_HEX_PER_LINE] = '\0';
	ui_lb_add(lb, ui_attr(ui, UI_E_DIM), " |");
	ui_lb_add(lb, a, asc);
	ui_lb_add(lb, ui_attr(ui, UI_E_DIM), "|");
}

/* Every field of every certificate, and the TLS facts. */
static void
ui_cert_doc(struct ui *ui, const struct probe *p, struct ui_doc *d)
{
	const struct tls_facts	*t = &probe_get_facts(p)->tls;
	char			 s[128];
	size_t			 i;

	if (!t->attempted) {
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "No TLS in this cell: "
		    "the session stayed in plaintext (or never started).");
		ui_doc_end_line(d);
		return;
	}
	ui_doc_tls_line(d, t);
	ui_doc_problems(d, t);
	if (t->verify_flags != 0) {
		ui_doc_label(d, "mbedTLS");
		snprintf(s, sizeof s, "verify flags 0x%08x",
		    (unsigned)t->verify_flags);
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), s);
		ui_doc_end_line(d);
	}
	if (t->error != 0) {
		ui_doc_label(d, "Error");
		snprintf(s, sizeof s, "mbedTLS -0x%04x", (unsigned)-t->error);
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), s);
		ui_doc_end_line(d);
	}
	ui_doc_label(d, "Chain");
	snprintf(s, sizeof s, "%zu certificate%s sent, %zu shown",
	    t->chain_sent, t->chain_sent == 1 ? "" : "s", t->chain_len);
	ui_doc_item(d, 0, s);
	ui_doc_end_line(d);
	for (i = 0; i < t->chain_len && i < TLS_CHAIN_MAX; i++) {
		ui_doc_end_line(d);
		snprintf(s, sizeof s, "Certificate %zu of %zu%s", i + 1,
		    t->chain_len, i == 0 ? " (server)" : "");
		if (ui_doc_visible(d))
			ui_rule(ui, d->y + d->line - d->top, d->x, d->w,
			    ui_attr(ui, UI_E_TITLE), s);
		d->line++;
		ui_doc_cert(d, &t->chain[i], true);
	}
}

static void
ui_lb_cstr(const struct ui_lbuf *lb, char *buf, size_t size)
{
	size_t	n = lb->n < size - 1 ? lb->n : size - 1;

	memcpy(buf, lb->s, n);
	buf[n] = '\0';
}

static void
ui_transcript_title(struct ui *ui, char *buf, size_t size)
{
	static const char *const names[UI_T_LAST] = {
		"transcript", "hex", "certificates"
	};
	struct ui_lbuf	lb;

	lb.n = 0;
	ui_lb_add(&lb, 0, names[ui->tmode]);
	ui_lb_add(&lb, 0, ": ");
	ui_probe_title(ui, &lb, ui->sel_addr, ui->sel_row,
	    ui->modes[ui->sel_col], 0);
	ui_lb_cstr(&lb, buf, size);
}

void
ui_transcript_draw(struct ui *ui)
{
	const struct probe	*p = ui_selected(ui);
	const struct transcript	*tr;
	const struct tr_event	*e;
	const struct probe_facts *f;
	struct ui_lbuf		 pre, data;
	struct ui_doc		 d;
	char			 title[256], word[64];
	int			 top, h, y, lines, ev, pw, sub;
	size_t			 n, i;
	unsigned		 ta;

	ui_transcript_title(ui, title, sizeof title);
	ui_header_draw(ui, title);
	if (p == NULL)
		return;
	tr = probe_get_transcript(p);
	f = probe_get_facts(p);
	n = transcript_count(tr);

	/* Line 1: the cell in one line. */
	ta = ui_tone_attr(ui, report_cell_tone(p));
	pre.n = 0;
	ui_lb_add(&pre, ta, " ");
	ui_lb_add(&pre, ta, ui_tone_glyph(ui, p));
	ui_lb_add(&pre, ta, " ");
	ui_lb_add(&pre, ta, report_cell_short(p, word, sizeof word));
	if (f->reason != NULL) {
		ui_lb_add(&pre, 0, "  ");
		ui_lb_raw(ui, &pre, 0, f->reason, strlen(f->reason),
		    ui->san_flags | SAN_TAB_SPACE, UI_TEXT_OUT);
	}
	ui_lb_draw(ui, 1, 0, COLS, &pre, 0, 0, true);

	h = LINES - 4;
	if (h < 1)
		return;
	ui->t_page = h;
	top = ui->t_top[ui->tmode];

	if (ui->tmode == UI_T_CERT) {
		ui_rule(ui, 2, 0, COLS, ui_attr(ui, UI_E_DIM), NULL);
		if (ui->t_lines > 0 && top > ui->t_lines - h)
			top = ui->t_lines - h;
		if (top < 0)
			top = 0;
		ui_doc_begin(&d, ui, 3, 1, COLS - 1, h, top,
		    ui->t_hscroll[ui->tmode]);
		ui_cert_doc(ui, p, &d);
		ui->t_lines = d.line;
		ui->t_top[ui->tmode] = top;
		goto footer;
	}

	lines = ui_transcript_lines(ui, p);
	ui->t_lines = lines;
	if (ui->t_follow || top > lines - h)
		top = lines - h;
	if (top < 0)
		top = 0;
	ui->t_top[ui->tmode] = top;

	pre.n = 0;
	if (ui->tmode == UI_T_HEX)
		ui_lb_printf(&pre, ui_attr(ui, UI_E_DIM), "%10s    %-3s %-5s "
		    " / offset  bytes%39s", "time", "dir", "sec", "text");
	else
		ui_lb_printf(&pre, ui_attr(ui, UI_E_DIM), "%10s    %-3s %-5s "
		    " %s", "time", "dir", "sec", "data");
	ui_lb_draw(ui, 2, 0, COLS, &pre, 0, 0, false);

	if (ui->tmode == UI_T_TEXT) {
		for (y = 0; y < h && (size_t)(top + y) < n; y++) {
			e = transcript_get(tr, (size_t)(top + y));
			pre.n = data.n = 0;
			ui_tr_prefix(ui, &pre, e, top + y == ui->match &&
			    ui->search[0] != '\0');
			ui_tr_data(ui, &data, e);
			if (ui->search[0] != '\0')
				ui_lb_mark(&data, 0, ui->search,
				    ui_attr(ui, UI_E_MATCH));
			pw = ui_lb_width(&pre);
			ui_lb_draw(ui, 3 + y, 0, pw, &pre, 0, 0, false);
			ui_lb_draw(ui, 3 + y, pw, COLS - pw, &data,
			    ui->t_hscroll[ui->tmode], 0, true);
		}
		goto footer;
	}

	/* Hex: a line per event, then its bytes sixteen to a line. */
	ev = 0;
	lines = 0;
	for (i = 0; i < n; i++) {
		e = transcript_get(tr, i);
		if (lines + ui_hex_lines(e) > top)
			break;
		lines += ui_hex_lines(e);
	}
	ev = (int)i;
	sub = top - lines;
	for (y = 0; y < h && (size_t)ev < n; ) {
		e = transcript_get(tr, (size_t)ev);
		for (; sub < ui_hex_lines(e) && y < h; sub++, y++) {
			pre.n = 0;
			if (sub == 0) {
				ui_tr_prefix(ui, &pre, e, ev == ui->match &&
				    ui->search[0] != '\0');
				ui_lb_printf(&pre, ui_attr(ui, UI_E_DIM),
				    "%zu byte%s ", e->len, e->len == 1 ?
				    "" : "s");
				ui_tr_flags(ui, &pre, e->flags);
			} else
				ui_hex_line(ui, &pre, e,
				    (size_t)(sub - 1) * UI_HEX_PER_LINE);
			ui_lb_draw(ui, 3 + y, 0, COLS, &pre,
			    ui->t_hscroll[ui->tmode], 0, true);
		}
		sub = 0;
		ev++;
	}

footer:
	pre.n = 0;
	if (ui->t_lines > 0)
		ui_lb_printf(&pre, 0, "%d-%d/%d", ui->t_top[ui->tmode] + 1,
		    ui->t_top[ui->tmode] + h < ui->t_lines ?
		    ui->t_top[ui->tmode] + h : ui->t_lines, ui->t_lines);
	if (ui->t_hscroll[ui->tmode] > 0)
		ui_lb_printf(&pre, 0, " >%d", ui->t_hscroll[ui->tmode]);
	ui_lb_cstr(&pre, title, sizeof title);
	ui_footer_keys(ui, UI_IN_TRANSCRIPT, title);
}
