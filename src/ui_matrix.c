/* SPDX-License-Identifier: ISC */
/*
 * The main view: one block of port rows per address with a cell per
 * security mode; the layout of the screen (the answer pane under the
 * matrix, the detail pane below or beside) comes from LINES x COLS on
 * every draw.  It reads the
 * model only through run/probe accessors and never calls the controller
 * or another view.
 */
#include "config.h"

#include <sys/socket.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "dialect.h"
#include "opts.h"
#include "probe.h"
#include "report.h"
#include "run.h"
#include "sanitize.h"
#include "ui_view.h"

#define UI_SVC_MAX	12	/* service name column at most */
#define UI_DET_MIN	9	/* detail pane lines kept when stacked */
#define UI_SIDE_COLS	160	/* detail beside the matrix from here */
#define UI_REASON_W	44	/* cells this wide also show the reason */
#define UI_CELL_WANT	20	/* " ! password in clear" */
#define UI_STATS_COLS	100	/* watch: failures/runs per cell from here */
#define UI_ANS_LINES	3	/* answer pane: incoming, outgoing, findings */
#define UI_ANS_ROOM	10	/* lines left for matrix and detail, else
				 * the answer pane keeps one line */

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

/* Title lines of a block: the address and mode headings, and above them
 * the host's name when there are several hosts. */
static int
ui_block_head(const struct ui *ui)
{
	return run_host_count(ui->run) > 1 ? 2 : 1;
}

/* Lines of the matrix body (below the column heading). */
static int
ui_matrix_body_lines(const struct ui *ui)
{
	const struct run	*r = ui->run;

	return (int)(run_addr_count(r) * ((size_t)ui_block_head(ui) +
	    run_row_count(r)) + ui_pending_hosts(r));
}

void
ui_matrix_layout(struct ui *ui)
{
	struct ui_layout	*l = &ui->lay;
	const struct port_row	*pr;
	size_t			 i;
	int			 need, avail, n, det_min, ans;

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
	l->port_w = 2;
	for (i = 0; i < run_row_count(ui->run); i++) {
		pr = run_get_row(ui->run, i);
		n = pr->port >= 10000 ? 5 : pr->port >= 1000 ? 4 :
		    pr->port >= 100 ? 3 : 2;
		if (n > l->port_w)
			l->port_w = n;
	}
	need = ui_matrix_body_lines(ui);
	if (need < 1)
		need = 1;
	avail = LINES - 2;
	/*
	 * The answer pane under the matrix is always there [issue 8]: three
	 * lines, a fourth for the user's setting; on a short screen one (the
	 * findings), so that matrix and detail keep some room.
	 */
	ans = UI_ANS_LINES + (ui->mine_set || ui->opts->advice.ngiven > 0 ?
	    1 : 0);
	if (avail < ans + UI_ANS_ROOM)
		ans = avail >= UI_ANS_ROOM ? 1 : 0;
	l->side = COLS >= UI_SIDE_COLS || (COLS >= 120 && need > avail / 2);
	if (l->side) {
		l->det_w = COLS * 2 / 5;
		if (l->det_w < 50)
			l->det_w = 50;
		l->mat_w = COLS - l->det_w - 1;
		l->mat_y = l->det_y = 1;
		/* The answer right under the matrix, not at the bottom. */
		l->mat_h = need < avail - ans ? need : avail - ans;
		l->det_h = avail;
		l->det_x = l->mat_w + 1;
		l->ans_y = l->mat_y + l->mat_h;
		l->ans_w = l->mat_w;
	} else {
		/* The detail pane gets what the matrix and the answer
		 * leave, but at least det_min lines. */
		det_min = avail - ans >= 2 * UI_DET_MIN ? UI_DET_MIN :
		    (avail - ans) / 2;
		l->mat_w = l->det_w = COLS;
		l->mat_y = 1;
		l->mat_h = need < avail - ans - det_min ? need :
		    avail - ans - det_min;
		l->ans_y = l->mat_y + l->mat_h;
		l->ans_w = COLS;
		l->det_y = l->ans_y + ans;
		l->det_h = avail - l->mat_h - ans;
	}
	l->ans_x = 0;
	l->ans_h = ans;
	/*
	 * "SMTP 465 submissions" then cells of " ! password in clear": each
	 * cell starts with the space that separates it from the one before.
	 * Where the cells would be narrower than that, the label gives up
	 * first its leading space, then the protocol (the service names it:
	 * smtp, submissions, imaps, pop3s).
	 */
	n = ui->nmodes > 0 ? (int)ui->nmodes : 1;
	for (i = 0; i < 3; i++) {
		l->lead = i == 0 ? 1 : 0;
		l->proto_w = i < 2 ? 4 : 0;
		l->label_w = l->lead + (l->proto_w > 0 ? l->proto_w + 1 : 0) +
		    l->port_w + 1 + l->svc_w;
		if ((l->mat_w - l->label_w) / n >= UI_CELL_WANT)
			break;
	}
	l->cell_w = (l->mat_w - l->label_w) / n;
	if (l->cell_w < 8)
		l->cell_w = 8;
}

/*
 * One cell: " glyph summary" and, as room allows, what more there is (the
 * TLS version after a certificate problem, the phase of a timeout), then
 * the time, or the reason in a wide cell.  The status and its problem
 * word come first and are never cut for the rest.  In watch mode a cell
 * probing again keeps its last verdict, marked by the spinner in front,
 * and wide cells show failures/runs [mtr].  Glyph and word carry the
 * status; colour only repeats it.
 */
static void
ui_cell_text(struct ui *ui, const struct probe *p, const struct ui_hist *h,
    struct ui_lbuf *lb, int width, bool selected)
{
	const struct probe_facts	*f = probe_get_facts(p);
	unsigned			 a, dim, mark;
	char				 word[64], more[32], t[32], st[32];
	int				 tw, used, tone;
	bool				 stale, stats;

	stale = f->status == ST_PENDING && h != NULL &&
	    h->last_sum[0] != '\0';
	tone = stale ? h->last_tone : (int)report_cell_tone(p);
	a = ui_tone_attr(ui, tone);
	dim = ui_attr(ui, UI_E_DIM);
	mark = ui_attr(ui, UI_E_PENDING);
	if (selected) {
		a |= A_REVERSE;
		dim = mark = a;
	}
	if (stale) {
		/* Being refreshed: the spinner where the gap would be. */
		ui_lb_add(lb, mark, ui->spinner[ui->spin % ui->nspinner]);
		ui_lb_add(lb, a, ui_status_glyph(ui, h->last_status, tone));
		ui_lb_add(lb, a, " ");
		snprintf(word, sizeof word, "%s", h->last_sum);
		snprintf(more, sizeof more, "%s", h->last_more);
		ui_fmt_us(t, sizeof t, h->last_total_us);
	} else {
		ui_lb_add(lb, a, " ");
		ui_lb_add(lb, a, ui_tone_glyph(ui, p));
		ui_lb_add(lb, a, " ");
		more[0] = '\0';
		t[0] = '\0';
		if (f->status == ST_PENDING && probe_is_started(p)) {
			snprintf(word, sizeof word, "%s",
			    ui_state_short(probe_get_state(p)));
			snprintf(t, sizeof t, "%.1fs",
			    (double)probe_get_elapsed_us(p) / 1e6);
		} else {
			report_cell_summary(p, word, sizeof word);
			report_cell_more(p, more, sizeof more);
			if (f->status != ST_PENDING &&
			    f->timing.total_us >= 0)
				ui_fmt_us(t, sizeof t, f->timing.total_us);
		}
	}
	ui_lb_add(lb, a, word);
	used = ui_lb_width(lb);
	if (more[0] != '\0' && used + 1 + (int)strlen(more) <= width) {
		ui_lb_add(lb, a, " ");
		ui_lb_add(lb, a, more);
		used = ui_lb_width(lb);
	}
	stats = ui->watch && h != NULL && COLS >= UI_STATS_COLS;
	if (stats) {
		/* failures/runs, right-aligned, before anything else. */
		snprintf(st, sizeof st, "%u/%u", h->fails, h->runs);
		tw = (int)strlen(st);
		if (used + 1 + tw <= width) {
			ui_lb_pad(lb, a, width - tw);
			ui_lb_add(lb, h->fails > 0 && !selected ?
			    ui_attr(ui, UI_E_BAD) : dim, st);
			return;
		}
	}
	if (!stale && width >= UI_REASON_W && f->status != ST_OK &&
	    f->status != ST_PENDING && f->reason != NULL) {
		ui_lb_add(lb, dim, "  ");
		ui_lb_raw(ui, lb, dim, f->reason, strlen(f->reason),
		    ui->san_flags | SAN_TAB_SPACE, 160);
		return;
	}
	tw = (int)strlen(t);
	if (tw > 0 && t[0] != '-' && used + 2 + tw + 1 <= width) {
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
}

/* With several hosts a block opens with its host's name on a line of
 * its own, so that the name is not cut to the label column. */
static void
ui_host_line(struct ui *ui, int y, size_t addr)
{
	const struct run_addr	*a = run_get_addr(ui->run, addr);
	const struct run_host	*h = run_get_host(ui->run, a->host);
	struct ui_lbuf		 lb;
	unsigned		 ta = ui_attr(ui, UI_E_TITLE);

	lb.n = 0;
	ui_lb_add(&lb, ta, " ");
	ui_lb_raw(ui, &lb, ta, h->name, strlen(h->name), SAN_TAB_SPACE, 200);
	if (h->naddrs > 1)
		ui_lb_printf(&lb, ui_attr(ui, UI_E_DIM), "  (%zu addresses)",
		    h->naddrs);
	ui_lb_draw(ui, y, 0, ui->lay.mat_w, &lb, 0, 0, true);
}

/* Keep the selected row in view, with its block title when possible. */
static void
ui_matrix_scroll(struct ui *ui, int h, int total)
{
	int	nrows = (int)run_row_count(ui->run);
	int	head = ui_block_head(ui);
	int	sel = (int)ui->sel_addr * (head + nrows) + head +
		    (int)ui->sel_row;

	if (sel - head < ui->mat_top)
		ui->mat_top = sel - head;
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
	ui_lb_printf(lb, la, "%*s", l->lead, "");
	if (l->proto_w > 0)
		ui_lb_printf(lb, la, "%-4.4s ", pr->dialect->label);
	ui_lb_printf(lb, na, "%*u ", l->port_w, (unsigned)pr->port);
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
	ui_lb_draw(ui, y, 0, l->label_w, &lb, 0, 0, true);
	for (c = 0; c < ui->nmodes; c++) {
		lb.n = 0;
		ui_lb_add(&lb, 0, "   ");
		ui_lb_add(&lb, ui_attr(ui, UI_E_COLHEAD) |
		    (c == ui->sel_col && addr == ui->sel_addr ?
		    A_UNDERLINE : 0), facts_mode_client(ui->modes[c]));
		ui_lb_draw(ui, y, l->label_w + (int)c * l->cell_w,
		    l->cell_w, &lb, 0, 0, true);
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
	size_t			 head = (size_t)ui_block_head(ui);
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
		addr = (size_t)line / (head + nrows);
		if (addr >= naddr) {
			/* Hosts still being looked up. */
			ui_pending_line(ui, l->mat_y + y,
			    (size_t)line - naddr * (head + nrows));
			continue;
		}
		row = (size_t)line % (head + nrows);
		if (row + 1 < head) {
			ui_host_line(ui, l->mat_y + y, addr);
			continue;
		}
		if (row + 1 == head) {
			ui_block_title(ui, l->mat_y + y, addr);
			continue;
		}
		row -= head;
		if (y < UI_HITS_MAX)
			ui->hit[y] = (long)(addr * nrows + row);
		sel = addr == ui->sel_addr && row == ui->sel_row;
		lb.n = 0;
		ui_row_label(ui, &lb, row, sel);
		ui_lb_draw(ui, l->mat_y + y, 0, l->label_w, &lb, 0, 0, true);
		for (c = 0; c < ui->nmodes; c++) {
			x = l->label_w + (int)c * l->cell_w;
			p = run_get_probe(ui->run, addr, row, ui->modes[c]);
			lb.n = 0;
			if (p == NULL)
				continue;
			ui_cell_text(ui, p, ui_state_hist(ui, addr, row,
			    ui->modes[c]), &lb, l->cell_w,
			    sel && c == ui->sel_col);
			ui_lb_draw(ui, l->mat_y + y, x, l->cell_w,
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
