/* SPDX-License-Identifier: ISC */
/*
 * What the screen is showing: the selection and its scroll positions, the
 * history of every cell across re-probes (watch mode, like mtr), the watch
 * timer, the status message, where the transcript's events fall in its
 * sub-views, and the answer (issue 8) with the setting the user checks,
 * cached by the run's change counter so that it is computed when the run
 * changed and never once per frame.  It reads the model and draws
 * nothing; it never calls the controller, a view, the chrome or the key
 * table.
 */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "dialect.h"
#include "evloop.h"
#include "log.h"
#include "opts.h"
#include "out_advice.h"
#include "probe.h"
#include "report.h"
#include "run.h"
#include "transcript.h"
#include "xmalloc.h"
#include "ui_view.h"

const struct probe *
ui_state_selected(const struct ui *ui)
{
	if (run_addr_count(ui->run) == 0 || ui->nmodes == 0)
		return NULL;
	return run_get_probe(ui->run, ui->sel_addr, ui->sel_row,
	    ui->modes[ui->sel_col]);
}

struct ui_hist *
ui_state_hist(struct ui *ui, size_t addr, size_t row, enum probe_mode m)
{
	size_t	nrows = run_row_count(ui->run);

	if (addr >= ui->hist_addrs || row >= nrows || m >= MODE_LAST)
		return NULL;
	return &ui->hist[(addr * nrows + row) * MODE_LAST + m];
}

static void
ui_hist_init(struct ui_hist *h)
{
	memset(h, 0, sizeof *h);
	h->last_status = -1;
	h->last_us = -1;
	h->last_total_us = -1;
}

static void
ui_hist_record(struct ui_hist *h, const struct probe *p)
{
	const struct probe_facts	*f = probe_get_facts(p);
	enum report_tone		 tone = report_cell_tone(p);
	int64_t				 t = f->timing.total_us;

	h->seen = p;
	h->seen_start = probe_get_start_us(p);
	if (h->last_status != -1 && (h->last_status != (int)f->status ||
	    h->last_tone != (int)tone))
		h->flips++;
	h->last_status = (int)f->status;
	h->last_tone = (int)tone;
	report_cell_summary(p, h->last_sum, sizeof h->last_sum);
	report_cell_more(p, h->last_more, sizeof h->last_more);
	h->last_total_us = t;
	h->runs++;
	/* A certificate problem or a password in clear is a problem in
	 * every round, not a success [issue 7]; a mode that is simply not
	 * offered here (wrong mode, no STARTTLS) is not. */
	if (tone == TONE_WARN || tone == TONE_BAD || f->status == ST_REFUSED ||
	    f->status == ST_UNREACHABLE)
		h->fails++;
	if (f->status != ST_OK)
		return;
	if (t < 0)
		return;
	h->last_us = t;
	if (h->ok_runs == 0 || t < h->best_us)
		h->best_us = t;
	if (h->ok_runs == 0 || t > h->worst_us)
		h->worst_us = t;
	h->sum_us += t;
	h->ok_runs++;
}

void
ui_state_hist_reset(struct ui *ui)
{
	struct ui_hist	*h;
	size_t		 i, n = ui->hist_addrs * run_row_count(ui->run) *
			    MODE_LAST;

	/* Counters only: the probe already counted stays counted (it is
	 * not a new run), and its verdict stays on screen. */
	for (i = 0; i < n; i++) {
		h = &ui->hist[i];
		h->runs = h->fails = h->flips = h->ok_runs = 0;
		h->last_us = -1;
		h->best_us = h->worst_us = h->sum_us = 0;
	}
}

void
ui_state_update(struct ui *ui)
{
	struct ui_hist		*h;
	const struct probe	*p;
	size_t			 naddr = run_addr_count(ui->run);
	size_t			 nrows = run_row_count(ui->run);
	size_t			 a, row, c, i, per = nrows * MODE_LAST;
	bool			 done;

	if (naddr > ui->hist_addrs) {
		ui->hist = xreallocarray(ui->hist, naddr * per,
		    sizeof *ui->hist);
		for (i = ui->hist_addrs * per; i < naddr * per; i++)
			ui_hist_init(&ui->hist[i]);
		ui->hist_addrs = naddr;
	}
	for (a = 0; a < naddr; a++) {
		for (row = 0; row < nrows; row++) {
			for (c = 0; c < ui->nmodes; c++) {
				p = run_get_probe(ui->run, a, row,
				    ui->modes[c]);
				if (p == NULL || !probe_is_done(p))
					continue;
				h = ui_state_hist(ui, a, row, ui->modes[c]);
				if (h != NULL && (h->seen != p ||
				    h->seen_start != probe_get_start_us(p)))
					ui_hist_record(h, p);
			}
		}
	}
	done = run_is_done(ui->run);
	if (done && !ui->run_done) {
		ui->round_end_us = evloop_clock_us();
		/* The finished matrix is the frame people wait for: draw it
		 * now, not at the next redraw slot. */
		ui->key_pressed = true;
	}
	ui->run_done = done;
	if (naddr > 0 && ui->sel_addr >= naddr)
		ui->sel_addr = naddr - 1;
	if (nrows > 0 && ui->sel_row >= nrows)
		ui->sel_row = nrows - 1;
}

/* The watch timer fired: the next round, if the last one has ended. */
static void
ui_state_on_watch(void *arg)
{
	struct ui	*ui = arg;

	ui->watch_timer = 0;
	if (!ui->watch || ui->paused || !run_is_done(ui->run))
		return;
	ui->rounds++;
	log_debug("ui: watch round %u", ui->rounds + 1);
	run_reprobe_all(ui->run);
	ui->dirty |= UI_D_MODEL | UI_D_SCREEN;
}

void
ui_state_watch_arm(struct ui *ui)
{
	uint64_t	now = evloop_clock_us(), at;
	bool		want = ui->watch && !ui->paused && ui->run_done;

	if (want && ui->watch_timer == 0) {
		at = ui->round_end_us + (uint64_t)ui->watch_s * 1000000u;
		ui->watch_timer = evloop_timer_at(ui->ev, at > now ? at : now,
		    ui_state_on_watch, ui);
	} else if (!want && ui->watch_timer != 0) {
		evloop_timer_cancel(ui->ev, ui->watch_timer);
		ui->watch_timer = 0;
	}
}

void
ui_state_watch_set(struct ui *ui, unsigned seconds)
{
	ui->watch_s = seconds;
	if (ui->watch_timer != 0) {
		evloop_timer_cancel(ui->ev, ui->watch_timer);
		ui->watch_timer = 0;
	}
	ui_state_watch_arm(ui);
}

int
ui_state_watch_left(const struct ui *ui)
{
	uint64_t	now, next;

	if (!ui->watch || ui->paused || !ui->run_done ||
	    ui->watch_timer == 0 ||
	    ui->round_end_us == 0)
		return -1;
	now = evloop_clock_us();
	next = ui->round_end_us + (uint64_t)ui->watch_s * 1000000u;
	return next > now ? (int)((next - now + 999999) / 1000000u) : 0;
}

void
ui_state_msg(struct ui *ui, bool err, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_err = err;
}

bool
ui_state_hit(struct ui *ui, int y, int x)
{
	const struct ui_layout	*l = &ui->lay;
	size_t			 nrows = run_row_count(ui->run);
	long			 v;
	int			 c;

	if (nrows == 0 || y < ui->hit_y0 || y >= ui->hit_y0 + ui->hit_n)
		return false;
	v = ui->hit[y - ui->hit_y0];
	if (v < 0)
		return false;
	ui->sel_addr = (size_t)v / nrows;
	ui->sel_row = (size_t)v % nrows;
	if (x >= ui->hit_x0 && l->cell_w > 0) {
		c = (x - ui->hit_x0) / l->cell_w;
		if (c >= 0 && (size_t)c < ui->nmodes)
			ui->sel_col = (size_t)c;
	}
	ui->det_top = 0;
	return true;
}

bool
ui_state_detail_scroll(struct ui *ui, int lines)
{
	int	page = ui->lay.det_h > 1 ? ui->lay.det_h - 1 : 1;
	int	top = ui->det_top + lines;

	if (top > ui->det_lines - page)
		top = ui->det_lines - page;
	if (top < 0)
		top = 0;
	if (top == ui->det_top)
		return false;
	ui->det_top = top;
	return true;
}

void
ui_state_scroll(int *top, int nlines, int page, int how)
{
	switch (how) {
	case UI_SC_LINE_UP:
		(*top)--;
		break;
	case UI_SC_LINE_DOWN:
		(*top)++;
		break;
	case UI_SC_PAGE_UP:
		*top -= page > 1 ? page - 1 : 1;
		break;
	case UI_SC_PAGE_DOWN:
		*top += page > 1 ? page - 1 : 1;
		break;
	case UI_SC_TOP:
		*top = 0;
		break;
	case UI_SC_BOTTOM:
		*top = nlines;
		break;
	}
	if (*top > nlines - page)
		*top = nlines - page;
	if (*top < 0)
		*top = 0;
}

/* ------------------------------------------------------------------ */
/* Where the transcript's events fall in its sub-views. */

bool
ui_state_is_wire(const struct tr_event *e)
{
	return e->dir == TR_CLIENT || e->dir == TR_SERVER;
}

int
ui_state_hex_lines(const struct tr_event *e)
{
	/* Our own notes (state changes, NET, TLS and NOTE events) are not
	 * traffic: the hex view leaves them out. */
	if (!ui_state_is_wire(e))
		return 0;
	return 1 + (int)((e->len + UI_HEX_PER_LINE - 1) / UI_HEX_PER_LINE);
}

int
ui_state_t_lines(const struct ui *ui, const struct probe *p)
{
	const struct transcript	*tr = probe_get_transcript(p);
	size_t			 i, n = transcript_count(tr);
	int			 lines = 0;

	if (ui->tmode == UI_T_TEXT)
		return (int)n;
	if (ui->tmode == UI_T_CERT)
		return ui->t_lines;
	for (i = 0; i < n; i++)
		lines += ui_state_hex_lines(transcript_get(tr, i));
	return lines;
}

int
ui_state_t_line_of(const struct ui *ui, const struct probe *p, int ev)
{
	const struct transcript	*tr = probe_get_transcript(p);
	int			 i, lines = 0;

	if (ui->tmode == UI_T_TEXT)
		return ev;
	if (ui->tmode == UI_T_CERT)
		return 0;
	for (i = 0; i < ev && (size_t)i < transcript_count(tr); i++)
		lines += ui_state_hex_lines(transcript_get(tr, (size_t)i));
	return lines;
}

int
ui_state_t_top_event(const struct ui *ui)
{
	const struct probe	*p = ui_state_selected(ui);
	const struct transcript	*tr;
	size_t			 n;
	int			 ev, line, top = ui->t_top[ui->tmode];

	if (p == NULL || ui->tmode != UI_T_HEX)
		return ui->tmode == UI_T_TEXT ? top : 0;
	tr = probe_get_transcript(p);
	n = transcript_count(tr);
	for (ev = 0, line = 0; (size_t)ev + 1 < n; ev++) {
		line += ui_state_hex_lines(transcript_get(tr, (size_t)ev));
		if (line > top)
			break;
	}
	return ev;
}

int
ui_state_t_find(const struct ui *ui, int from, int dir)
{
	const struct probe	*p = ui_state_selected(ui);
	const struct transcript	*tr;
	struct ui_lbuf		 lb;
	int			 n, k, i;
	size_t			 pn = strlen(ui->search);

	if (p == NULL || pn == 0)
		return -1;
	tr = probe_get_transcript(p);
	n = (int)transcript_count(tr);
	for (k = 0; k < n; k++) {
		i = ((from + dir * k) % n + n) % n;
		lb.n = 0;
		ui_tr_text(ui, &lb, transcript_get(tr, (size_t)i));
		if (ui_memcasemem(lb.s, lb.n, ui->search, pn, NULL))
			return i;
	}
	return -1;
}

void
ui_state_t_show(struct ui *ui, int ev)
{
	const struct probe	*p = ui_state_selected(ui);
	int			 line, page = ui->t_page > 0 ? ui->t_page : 1;
	int			*top = &ui->t_top[ui->tmode];

	if (p == NULL)
		return;
	line = ui_state_t_line_of(ui, p, ev);
	if (line < *top || line >= *top + page)
		*top = line - page / 3;
	if (*top < 0)
		*top = 0;
	ui->t_follow = false;
}

/* ------------------------------------------------------------------ */
/* The answer. */

/* The host of the selected cell; the first before any address. */
static size_t
ui_state_sel_host(const struct ui *ui)
{
	const struct run_addr	*a;

	if (run_addr_count(ui->run) == 0)
		return 0;
	a = run_get_addr(ui->run, ui->sel_addr);
	return a != NULL ? a->host : 0;
}

static const struct advice_host *
ui_state_advice_host(const struct ui *ui, const struct advice *a,
    size_t hostidx)
{
	const struct run_host		*rh = run_get_host(ui->run, hostidx);
	const struct advice_host	*h;
	size_t				 i;

	if (a == NULL || rh == NULL)
		return NULL;
	for (i = 0; i < advice_host_count(a); i++) {
		h = advice_get_host(a, i);
		if (strcmp(h->host, rh->name) == 0)
			return h;
	}
	return NULL;
}

const struct advice_host *
ui_state_answer(struct ui *ui, size_t *hostidx)
{
	uint64_t	ch = run_get_changes(ui->run);
	size_t		hi = ui_state_sel_host(ui);

	if (hostidx != NULL)
		*hostidx = hi;
	/* The same settings and thresholds as the reports. */
	if (ui->answer == NULL || ui->answer_changes != ch) {
		advice_free(ui->answer);
		ui->answer = out_advice_dup(ui->run);
		ui->answer_changes = ch;
		log_debug("ui: answer computed at change %llu",
		    (unsigned long long)ch);
	}
	return ui_state_advice_host(ui, ui->answer, hi);
}

const struct advice_check *
ui_state_answer_mine(struct ui *ui)
{
	const struct advice_host	*h;
	struct advice_input		 in;
	struct advice_cell		*cells;
	uint64_t			 ch = run_get_changes(ui->run);
	size_t				 n;

	if (!ui->mine_set)
		return NULL;
	if (ui->mine_adv == NULL || ui->mine_changes != ch) {
		/* What out_advice_dup() does, with the one setting typed
		 * here instead of those of --setting. */
		advice_free(ui->mine_adv);
		memset(&in, 0, sizeof in);
		cells = advice_cells_dup(ui->run, &n);
		in.cells = cells;
		in.ncells = n;
		in.given = &ui->mine;
		in.ngiven = 1;
		in.expiring_days = ui->opts->advice.warn_days;
		in.now = 0;
		ui->mine_adv = advice_new(&in);
		ui->mine_changes = ch;
		free(cells);
	}
	h = ui_state_advice_host(ui, ui->mine_adv, ui_state_sel_host(ui));
	return h != NULL && h->nchecks > 0 ? &h->checks[0] : NULL;
}

void
ui_state_answer_check(struct ui *ui, const struct advice_given *g)
{
	ui->mine = *g;
	ui->mine_set = true;
	advice_free(ui->mine_adv);
	ui->mine_adv = NULL;
}

static bool
ui_state_row_is(const struct port_row *pr, enum advice_proto p)
{
	return pr != NULL && pr->dialect != NULL &&
	    strcmp(pr->dialect->name, advice_proto_name(p)) == 0;
}

bool
ui_state_answer_pending(const struct ui *ui, size_t hostidx,
    enum advice_proto p)
{
	const struct run_host	*rh = run_get_host(ui->run, hostidx);
	const struct probe	*pb;
	size_t			 a, row;
	int			 m;

	if (rh == NULL || !rh->resolved)
		return true;
	for (a = 0; a < run_addr_count(ui->run); a++) {
		if (run_get_addr(ui->run, a)->host != hostidx)
			continue;
		for (row = 0; row < run_row_count(ui->run); row++) {
			if (!ui_state_row_is(run_get_row(ui->run, row), p))
				continue;
			for (m = 0; m < MODE_LAST; m++) {
				pb = run_get_probe(ui->run, a, row,
				    (enum probe_mode)m);
				if (pb != NULL && probe_get_facts(pb)->status ==
				    ST_PENDING)
					return true;
			}
		}
	}
	return false;
}

bool
ui_state_answer_probed(const struct ui *ui, enum advice_proto p)
{
	size_t	row;

	for (row = 0; row < run_row_count(ui->run); row++) {
		if (ui_state_row_is(run_get_row(ui->run, row), p))
			return true;
	}
	return false;
}

void
ui_state_answer_free(struct ui *ui)
{
	advice_free(ui->answer);
	advice_free(ui->mine_adv);
	ui->answer = ui->mine_adv = NULL;
}

/* The first probed port of p meant for mode m, else the first of p, else
 * the standard port of m (0 when the run has no such protocol). */
static unsigned
ui_state_port_for(const struct ui *ui, enum advice_proto p,
    enum probe_mode m)
{
	const struct dialect_service	*sv;
	const struct port_row		*pr;
	const struct dialect		*d;
	unsigned			 first = 0;
	size_t				 row;

	for (row = 0; row < run_row_count(ui->run); row++) {
		pr = run_get_row(ui->run, row);
		if (!ui_state_row_is(pr, p))
			continue;
		if (pr->native == m)
			return pr->port;
		if (first == 0)
			first = pr->port;
	}
	if (first != 0)
		return first;
	d = dialect_by_name(advice_proto_name(p));
	for (sv = d != NULL ? d->services : NULL; sv != NULL &&
	    sv->name != NULL; sv++) {
		/* 25 is relay, never the port to suggest for sending. */
		if (sv->native == m && !(p == ADVICE_SMTP && sv->port == 25))
			return sv->port;
	}
	return 0;
}

void
ui_state_setting_init(struct ui *ui)
{
	const struct port_row	*pr;
	int			 p;

	ui->set_field = UI_SF_PROTO;
	ui->set_typed = false;
	if (ui->mine_set) {
		/* Where the last check left off: a second try changes one
		 * field. */
		ui->set_proto = ui->mine.proto;
		ui->set_port = ui->mine.port;
		ui->set_mode = ui->mine.security;
		return;
	}
	pr = ui_state_selected(ui) != NULL ?
	    run_get_row(ui->run, ui->sel_row) : NULL;
	p = pr != NULL ? advice_proto_from_name(pr->dialect->name) : -1;
	if (p == -1) {
		ui->set_proto = ADVICE_IMAP;
		ui->set_mode = MODE_TLS;
		ui->set_port = ui_state_port_for(ui, ui->set_proto,
		    ui->set_mode);
		return;
	}
	/* The selected cell is the likeliest question: "this one?" */
	ui->set_proto = (enum advice_proto)p;
	ui->set_port = pr->port;
	ui->set_mode = ui->modes[ui->sel_col];
}

void
ui_state_setting_step(struct ui *ui, int dir)
{
	const struct port_row	*pr;
	unsigned		 ports[64];
	size_t			 row, n = 0, i;

	switch (ui->set_field) {
	case UI_SF_PROTO:
		ui->set_proto = (enum advice_proto)(((int)ui->set_proto +
		    ADVICE_PROTO_LAST + (dir > 0 ? 1 : -1)) %
		    ADVICE_PROTO_LAST);
		ui->set_port = ui_state_port_for(ui, ui->set_proto,
		    ui->set_mode);
		break;
	case UI_SF_PORT:
		/* Through the ports probed for the protocol: any other
		 * port can be typed, but was not probed. */
		for (row = 0; row < run_row_count(ui->run) &&
		    n < sizeof ports / sizeof ports[0]; row++) {
			pr = run_get_row(ui->run, row);
			if (ui_state_row_is(pr, ui->set_proto))
				ports[n++] = pr->port;
		}
		if (n == 0)
			break;
		for (i = 0; i < n && ports[i] != ui->set_port; i++)
			continue;
		if (i == n)
			i = dir > 0 ? n - 1 : 0;
		ui->set_port = ports[(i + n + (dir > 0 ? 1 : n - 1)) % n];
		ui->set_typed = false;
		break;
	default:
		ui->set_mode = (enum probe_mode)(((int)ui->set_mode +
		    MODE_LAST + (dir > 0 ? 1 : -1)) % MODE_LAST);
		break;
	}
}
