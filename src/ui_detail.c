/* SPDX-License-Identifier: ISC */
/*
 * The detail pane of the selected cell, under or beside the matrix: its
 * title rule, status, reason, greeting, capabilities before and after TLS,
 * certificate, timings and history.  Every server byte goes through
 * ui_lb_raw(); nothing here acts on what a server said, and it never calls
 * the controller or another view.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"
#include "opts.h"
#include "probe.h"
#include "report.h"
#include "run.h"
#include "sanitize.h"
#include "transcript.h"
#include "ui_view.h"

#define UI_CAP_OUT	120	/* sanitised bytes per capability */
#define UI_TEXT_OUT	600	/* sanitised bytes per summary text */
#define UI_GREET_LINES	4	/* greeting lines in the pane */

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
ui_doc_timing(struct ui_doc *d, const char *name, int64_t us)
{
	char	t[32], s[64];

	if (us < 0)
		return;
	snprintf(s, sizeof s, "%s %s", name, ui_fmt_us(t, sizeof t, us));
	ui_doc_item(d, 0, s);
}

static void
ui_doc_history(struct ui_doc *d, const struct ui_hist *h)
{
	char	s[64], t[32];

	ui_doc_label(d, "History");
	snprintf(s, sizeof s, "%u run%s", h->runs, h->runs == 1 ? "" : "s");
	ui_doc_item(d, 0, s);
	snprintf(s, sizeof s, "%u with a problem", h->fails);
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

/* Everything known of the selected cell, in h x w at (y, x). */
static void
ui_detail_body(struct ui *ui, int y, int x, int h, int w)
{
	const struct probe		*p = ui_state_selected(ui);
	const struct probe_facts	*f;
	const struct probe_spec		*spec;
	const struct port_row		*pr;
	const struct ui_hist		*hi;
	struct ui_doc			 d;
	struct ui_lbuf			 it;
	const char			*g, *e;
	char				 word[64], t[32];
	unsigned			 ta;
	size_t				 n, i;
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
	hi = ui_state_hist(ui, ui->sel_addr, ui->sel_row, spec->mode);
	if (f->status == ST_PENDING) {
		ui_lb_printf(&it, ta, "%s: %s, %.1f s",
		    probe_is_started(p) ? "probing" : "queued",
		    facts_state_name(probe_get_state(p)),
		    (double)probe_get_elapsed_us(p) / 1e6);
		if (hi != NULL && hi->last_sum[0] != '\0')
			ui_lb_printf(&it, ui_attr(ui, UI_E_DIM),
			    "  (last: %s)", hi->last_sum);
	} else {
		report_cell_line(p, word, sizeof word, sizeof word);
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
	/* The dates right under the reason: at 80x24 they are seen without
	 * scrolling, and "expired" wants its date. */
	if (f->tls.chain_len > 0)
		ui_blocks_validity(&d, &f->tls.chain[0]);

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
		ui_blocks_tls(&d, &f->tls);
		if (f->tls.chain_len > 0) {
			ui_blocks_verified(&d, &f->tls);
			ui_blocks_cert(&d, &f->tls.chain[0], false);
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
	for (i = 0; i < facts_ntimings; i++)
		ui_doc_timing(&d, facts_timings[i].label,
		    facts_timing_get(&f->timing, i));
	ui_doc_end_line(&d);

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

/* The pane under (or beside) the matrix: everything known of a cell. */
void
ui_detail_draw(struct ui *ui, int y, int x, int h, int w)
{
	struct ui_lbuf	title;

	title.n = 0;
	if (run_addr_count(ui->run) > 0)
		ui_chrome_probe_title(ui, &title, ui->sel_addr, ui->sel_row,
		    ui->modes[ui->sel_col], ui_attr(ui, UI_E_TITLE));
	else
		ui_lb_add(&title, ui_attr(ui, UI_E_TITLE), "details");
	ui_chrome_rule(ui, y, x, w, &title);
	ui_detail_body(ui, y + 1, x + 1, h - 1, w - 1);
}
