/* SPDX-License-Identifier: ISC */
/*
 * The main view: one block of port rows per address with a cell per
 * security mode; the layout of the screen (where the detail pane goes,
 * below or beside) comes from LINES x COLS on every draw.  It reads the
 * model only through run/probe accessors and never calls the controller
 * or another view.
 */
#include "config.h"

#include <sys/socket.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "dialect.h"
#include "probe.h"
#include "report.h"
#include "run.h"
#include "sanitize.h"
#include "ui_view.h"

#define UI_SVC_MAX	12	/* service name column at most */
#define UI_DET_MIN	9	/* detail pane lines kept when stacked */
#define UI_SIDE_COLS	160	/* detail beside the matrix from here */
#define UI_REASON_W	44	/* cells this wide also show the reason */

/* Short words for a probe still running, to fit a narrow cell. */
static const char *
ui_state_short(enum probe_state s)
{
	switch (s) {
	case PS_QUEUED:
		return "queued";
	case PS_RESOLVING:
		return "resolving";
	case PS_CONNECTING:
		return "connecting";
	case PS_TLS_HANDSHAKE:
		return "TLS hello";
	case PS_GREETING:
		return "greeting";
	case PS_CAPA:
		return "caps";
	case PS_HELO:
		return "HELO";
	case PS_STARTTLS:
		return "STARTTLS";
	case PS_TLS_UPGRADE:
		return "TLS upgrade";
	case PS_CAPA_TLS:
		return "caps (TLS)";
	case PS_QUIT:
		return "quit";
	default:
		return "done";
	}
}

static size_t
ui_pending_hosts(const struct run *r)
{
	size_t	i, n = 0;

	for (i = 0; i < run_host_count(r); i++) {
		if (!run_get_host(r, i)->resolved)
			n++;
	}
	return n;
}

/* Lines of the matrix body (below the column heading). */
static int
ui_matrix_body_lines(const struct ui *ui)
{
	const struct run	*r = ui->run;

	return (int)(run_addr_count(r) * (1 + run_row_count(r)) +
	    ui_pending_hosts(r));
}

void
ui_matrix_layout(struct ui *ui)
{
	struct ui_layout	*l = &ui->lay;
	const struct port_row	*pr;
	size_t			 i;
	int			 need, avail, n, det_min;

	memset(l, 0, sizeof *l);
	l->scr_lines = LINES;
	l->scr_cols = COLS;
	l->too_small = COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
	l->svc_w = 4;
	for (i = 0; i < run_row_count(ui->run); i++) {
		pr = run_get_row(ui->run, i);
		n = (int)strlen(pr->service);
		if (n > l->svc_w)
			l->svc_w = n;
	}
	if (l->svc_w > UI_SVC_MAX)
		l->svc_w = UI_SVC_MAX;
	/* " SMTP   587 submission " */
	l->label_w = 1 + 4 + 1 + 5 + 1 + l->svc_w + 1;
	need = ui_matrix_body_lines(ui);
	if (need < 1)
		need = 1;
	avail = LINES - 2;
	l->side = COLS >= UI_SIDE_COLS || (COLS >= 120 && need > avail / 2);
	if (l->side) {
		l->det_w = COLS * 2 / 5;
		if (l->det_w < 50)
			l->det_w = 50;
		l->mat_w = COLS - l->det_w - 1;
		l->mat_y = l->det_y = 1;
		l->mat_h = l->det_h = avail;
		l->det_x = l->mat_w + 1;
	} else {
		det_min = avail >= 2 * UI_DET_MIN ? UI_DET_MIN : avail / 2;
		l->mat_w = l->det_w = COLS;
		l->mat_y = 1;
		l->mat_h = need < avail - det_min ? need : avail - det_min;
		l->det_y = l->mat_y + l->mat_h;
		l->det_h = avail - l->mat_h;
	}
	n = ui->nmodes > 0 ? (int)ui->nmodes : 1;
	l->cell_w = (l->mat_w - l->label_w) / n;
	if (l->cell_w < 8)
		l->cell_w = 8;
}

/*
 * One cell: " glyph word" plus, as room allows, the time or the reason.
 * The word and glyph carry the status; colour only repeats it.
 */
static void
ui_cell_text(struct ui *ui, const struct probe *p, struct ui_lbuf *lb,
    int width, bool selected)
{
	const struct probe_facts	*f = probe_get_facts(p);
	unsigned			 a, dim;
	char				 word[64], t[32];
	int				 tw, used;

	a = ui_tone_attr(ui, report_cell_tone(p));
	dim = ui_attr(ui, UI_E_DIM);
	if (selected) {
		a |= A_REVERSE;
		dim = a;
	}
	ui_lb_add(lb, a, " ");
	ui_lb_add(lb, a, ui_tone_glyph(ui, p));
	ui_lb_add(lb, a, " ");
	if (f->status == ST_PENDING && probe_is_started(p)) {
		ui_lb_add(lb, a, ui_state_short(probe_get_state(p)));
		snprintf(t, sizeof t, "%.1fs",
		    (double)probe_get_elapsed_us(p) / 1e6);
	} else {
		report_cell_short(p, word, sizeof word);
		/* A narrow cell gets the short form rather than a cut one. */
		if (f->status == ST_REFUSED && ui_lb_width(lb) +
		    (int)strlen(word) >= width)
			snprintf(word, sizeof word, "refused");
		ui_lb_add(lb, a, word);
		t[0] = '\0';
		if (f->status != ST_PENDING && f->timing.total_us >= 0)
			ui_fmt_us(t, sizeof t, f->timing.total_us);
	}
	used = ui_lb_width(lb);
	if (width >= UI_REASON_W && f->status != ST_OK &&
	    f->status != ST_PENDING && f->reason != NULL) {
		ui_lb_add(lb, dim, "  ");
		ui_lb_raw(ui, lb, dim, f->reason, strlen(f->reason),
		    ui->san_flags | SAN_TAB_SPACE, 160);
		return;
	}
	tw = (int)strlen(t);
	if (tw > 0 && used + 2 + tw + 1 <= width) {
		ui_lb_pad(lb, a, width - tw - 1);
		ui_lb_add(lb, dim, t);
	}
}

static void
ui_addr_title(struct ui *ui, struct ui_lbuf *lb, size_t addr)
{
	const struct run_addr	*a = run_get_addr(ui->run, addr);
	const struct run_host	*h = run_get_host(ui->run, a->host);
	unsigned		 ta = ui_attr(ui, UI_E_TITLE);

	if (a->family == AF_UNSPEC) {
		ui_lb_raw(ui, lb, ui_attr(ui, UI_E_BAD), h->name,
		    strlen(h->name), SAN_TAB_SPACE, 80);
		ui_lb_add(lb, ui_attr(ui, UI_E_BAD), ": ");
		if (h->error != NULL)
			ui_lb_raw(ui, lb, ui_attr(ui, UI_E_BAD), h->error,
			    strlen(h->error), SAN_TAB_SPACE, 200);
		return;
	}
	ui_lb_add(lb, ta, a->text);
	ui_lb_add(lb, ui_attr(ui, UI_E_DIM),
	    a->family == AF_INET6 ? "  IPv6" : "  IPv4");
	if (run_host_count(ui->run) > 1) {
		ui_lb_add(lb, ui_attr(ui, UI_E_DIM), "  ");
		ui_lb_raw(ui, lb, ui_attr(ui, UI_E_DIM), h->name,
		    strlen(h->name), SAN_TAB_SPACE, 80);
	}
}

/* Keep the selected row in view, with its block title when possible. */
static void
ui_matrix_scroll(struct ui *ui, int h, int total)
{
	int	nrows = (int)run_row_count(ui->run);
	int	sel = (int)ui->sel_addr * (1 + nrows) + 1 + (int)ui->sel_row;

	if (sel - 1 < ui->mat_top)
		ui->mat_top = sel - 1;
	if (sel >= ui->mat_top + h)
		ui->mat_top = sel - h + 1;
	if (ui->mat_top > total - h)
		ui->mat_top = total - h;
	if (ui->mat_top < 0)
		ui->mat_top = 0;
}

static void
ui_row_label(struct ui *ui, struct ui_lbuf *lb, size_t row, bool selected)
{
	const struct port_row	*pr = run_get_row(ui->run, row);
	const struct ui_layout	*l = &ui->lay;
	unsigned		 la = ui_attr(ui, UI_E_LABEL);
	unsigned		 na = 0, da = ui_attr(ui, UI_E_DIM);
	char			 svc[UI_SVC_MAX + 1];

	if (selected) {
		la |= A_BOLD;
		na |= A_BOLD;
		da = A_BOLD;
	}
	ui_lb_printf(lb, la, "%-4.4s", pr->dialect->label);
	ui_lb_printf(lb, na, " %5u ", (unsigned)pr->port);
	snprintf(svc, sizeof svc, "%s", pr->service);
	ui_lb_printf(lb, da, "%-*s", l->svc_w, svc);
}

/* The line that opens a block: its address, then the mode headings in
 * the words mail programs use. */
static void
ui_block_title(struct ui *ui, int y, size_t addr)
{
	const struct ui_layout	*l = &ui->lay;
	const struct run_addr	*a = run_get_addr(ui->run, addr);
	struct ui_lbuf		 lb;
	size_t			 c;

	lb.n = 0;
	ui_lb_add(&lb, 0, " ");
	ui_addr_title(ui, &lb, addr);
	if (a->family == AF_UNSPEC) {
		ui_lb_draw(ui, y, 0, l->mat_w, &lb, 0, 0, true);
		return;
	}
	ui_lb_draw(ui, y, 0, l->label_w - 1, &lb, 0, 0, true);
	for (c = 0; c < ui->nmodes; c++) {
		lb.n = 0;
		ui_lb_add(&lb, 0, "   ");
		ui_lb_add(&lb, ui_attr(ui, UI_E_COLHEAD) |
		    (c == ui->sel_col && addr == ui->sel_addr ?
		    A_UNDERLINE : 0), facts_mode_client(ui->modes[c]));
		ui_lb_draw(ui, y, l->label_w + (int)c * l->cell_w,
		    l->cell_w - 1, &lb, 0, 0, true);
	}
}

static void
ui_pending_line(struct ui *ui, int y, size_t k)
{
	const struct run_host	*h;
	struct ui_lbuf		 lb;
	size_t			 j;

	for (j = 0; j < run_host_count(ui->run); j++) {
		h = run_get_host(ui->run, j);
		if (h->resolved || k-- > 0)
			continue;
		lb.n = 0;
		ui_lb_add(&lb, ui_attr(ui, UI_E_PENDING), " ");
		ui_lb_add(&lb, ui_attr(ui, UI_E_PENDING),
		    ui->spinner[ui->spin % ui->nspinner]);
		ui_lb_add(&lb, ui_attr(ui, UI_E_PENDING), " looking up ");
		ui_lb_raw(ui, &lb, 0, h->name, strlen(h->name),
		    SAN_TAB_SPACE, 80);
		ui_lb_draw(ui, y, 0, ui->lay.mat_w, &lb, 0, 0, true);
		return;
	}
}

void
ui_matrix_draw(struct ui *ui)
{
	const struct ui_layout	*l = &ui->lay;
	const struct probe	*p;
	struct ui_lbuf		 lb;
	size_t			 nrows = run_row_count(ui->run);
	size_t			 naddr = run_addr_count(ui->run);
	size_t			 c, i, addr, row;
	int			 y, h, total, line, x;
	bool			 sel;

	h = l->mat_h;
	total = ui_matrix_body_lines(ui);
	ui_matrix_scroll(ui, h, total);
	ui->hit_y0 = l->mat_y;
	ui->hit_x0 = l->label_w;
	ui->hit_n = h < UI_HITS_MAX ? h : UI_HITS_MAX;
	for (i = 0; i < (size_t)ui->hit_n; i++)
		ui->hit[i] = -1;

	for (y = 0; y < h; y++) {
		line = ui->mat_top + y;
		if (line >= total)
			break;
		addr = (size_t)line / (1 + nrows);
		if (addr >= naddr) {
			/* Hosts still being looked up. */
			ui_pending_line(ui, l->mat_y + y,
			    (size_t)line - naddr * (1 + nrows));
			continue;
		}
		row = (size_t)line % (1 + nrows);
		if (row == 0) {
			ui_block_title(ui, l->mat_y + y, addr);
			continue;
		}
		row--;
		if (y < UI_HITS_MAX)
			ui->hit[y] = (long)(addr * nrows + row);
		sel = addr == ui->sel_addr && row == ui->sel_row;
		lb.n = 0;
		ui_lb_add(&lb, 0, " ");
		ui_row_label(ui, &lb, row, sel);
		ui_lb_draw(ui, l->mat_y + y, 0, l->label_w, &lb, 0, 0, true);
		for (c = 0; c < ui->nmodes; c++) {
			x = l->label_w + (int)c * l->cell_w;
			p = run_get_probe(ui->run, addr, row, ui->modes[c]);
			lb.n = 0;
			if (p == NULL)
				continue;
			ui_cell_text(ui, p, &lb, l->cell_w - 1,
			    sel && c == ui->sel_col);
			ui_lb_draw(ui, l->mat_y + y, x, l->cell_w - 1,
			    &lb, 0, sel && c == ui->sel_col ?
			    lb.a[0] : 0, true);
		}
	}
	if (total == 0)
		ui_put(ui, l->mat_y, 0, l->mat_w, ui_attr(ui, UI_E_DIM),
		    " waiting for addresses");
	/* Rows out of view: a mark in the last column. */
	x = l->label_w + (int)ui->nmodes * l->cell_w - 1;
	if (x >= l->mat_w)
		x = l->mat_w - 1;
	if (ui->mat_top > 0)
		ui_put(ui, l->mat_y, x, 1, ui_attr(ui, UI_E_DIM),
		    ui_glyph(ui, UI_G_UP));
	if (ui->mat_top + h < total)
		ui_put(ui, l->mat_y + h - 1, x, 1, ui_attr(ui, UI_E_DIM),
		    ui_glyph(ui, UI_G_DOWN));
	/* The border to the detail pane beside. */
	if (l->side) {
		for (y = l->det_y; y < l->det_y + l->det_h; y++)
			ui_put(ui, y, l->mat_w, 1, ui_attr(ui, UI_E_DIM),
			    ui_glyph(ui, UI_G_VLINE));
	}
}
