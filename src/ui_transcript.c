/* SPDX-License-Identifier: ISC */
/*
 * The full-screen view of one cell: its transcript line by line, the exact
 * bytes in hex (what was received and sent, terminators included; our own
 * notes are not traffic and are not dumped), and the certificate chain in
 * full.  Server bytes only through the sanitiser; never calls the
 * controller or another view.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "report.h"
#include "run.h"
#include "sanitize.h"
#include "transcript.h"
#include "ui_view.h"

#define UI_TEXT_OUT	600	/* sanitised bytes of the reason line */

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
	ui_lb_printf(lb, ui_tr_attr(ui, e->dir) | A_BOLD, "%-3s",
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

static void
ui_hex_line(struct ui *ui, struct ui_lbuf *lb, const struct tr_event *e,
    size_t off)
{
	const unsigned char	*b = (const unsigned char *)e->data;
	unsigned		 a = ui_tr_attr(ui, e->dir);
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
	ui_blocks_tls(d, t);
	ui_blocks_verified(d, t);
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
		ui_blocks_cert(d, &t->chain[i], true);
	}
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
	ui_chrome_probe_title(ui, &lb, ui->sel_addr, ui->sel_row,
	    ui->modes[ui->sel_col], 0);
	ui_lb_cstr(&lb, buf, size);
}

void
ui_transcript_draw(struct ui *ui)
{
	const struct probe	*p = ui_state_selected(ui);
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
	ui_chrome_header(ui, title);
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
	ui_lb_add(&pre, ta, report_cell_line(p, word, sizeof word,
	    sizeof word));
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

	lines = ui_state_t_lines(ui, p);
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
			ui_tr_text(ui, &data, e);
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
		if (lines + ui_state_hex_lines(e) > top)
			break;
		lines += ui_state_hex_lines(e);
	}
	ev = (int)i;
	sub = top - lines;
	for (y = 0; y < h && (size_t)ev < n; ) {
		e = transcript_get(tr, (size_t)ev);
		for (; sub < ui_state_hex_lines(e) && y < h; sub++, y++) {
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
	ui_chrome_footer(ui, UI_IN_TRANSCRIPT, title);
}
