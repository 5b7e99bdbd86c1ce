/* SPDX-License-Identifier: ISC */
/*
 * The full-screen view's lifecycle: curses set-up and the exact restore of
 * the terminal (also from fatal() and crash signals), the key table and
 * dispatch, dirty flags and the capped redraw hook, resize, timers that
 * run only while something moves, watch mode with per-cell history, and
 * saving the report.  It never blocks and never calls curses from a
 * signal handler.
 */
#include "config.h"

#include "ui.h"

#include <sys/ioctl.h>
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "dialect.h"
#include "evloop.h"
#include "log.h"
#include "opts.h"
#include "probe.h"
#include "report.h"
#include "run.h"
#include "sanitize.h"
#include "transcript.h"
#include "xmalloc.h"
#include "ui_view.h"

/* Last: <term.h> defines macros named like common words (lines, tab). */
#include <term.h>

#define UI_REDRAW_US	50000u		/* at most 20 frames a second */
#define UI_TICK_US	200000u		/* spinner while probes run */
#define UI_COUNT_US	1000000u	/* watch countdown */
#define UI_WATCH_S	30u		/* default watch interval */
#define UI_ESCDELAY_MS	50		/* a lone Esc, not a sequence */
#define UI_EMPTY_MAX	64		/* readable stdin without keys */
#define UI_HSTEP	8		/* columns per sideways step */

static struct ui		 ui_state;	/* the one screen */
static bool			 ui_alive;	/* ui_state in use */
static SCREEN			*ui_screen;	/* curses screen */
static volatile sig_atomic_t	 ui_curses_on;	/* between newterm, endwin */

/* Crash restore: saved before curses touched the terminal. */
static int			 ui_tty_fd = -1;
static struct termios		 ui_tio;
static bool			 ui_tio_ok;
static char			 ui_crash_seq[256];
static size_t			 ui_crash_len;
static const int		 ui_crash_sigs[] = {
	SIGSEGV, SIGABRT, SIGBUS, SIGFPE
};
#define UI_NCRASH	(sizeof ui_crash_sigs / sizeof ui_crash_sigs[0])
static struct sigaction		 ui_crash_old[UI_NCRASH];
static bool			 ui_crash_set;

enum ui_move {
	UI_MV_UP, UI_MV_DOWN, UI_MV_LEFT, UI_MV_RIGHT, UI_MV_HOME, UI_MV_END
};

enum ui_scroll {
	UI_SC_LINE_UP, UI_SC_LINE_DOWN, UI_SC_PAGE_UP, UI_SC_PAGE_DOWN,
	UI_SC_TOP, UI_SC_BOTTOM
};

static int	ui_k_move(struct ui *, int);
static int	ui_k_block(struct ui *, int);
static int	ui_k_open(struct ui *, int);
static int	ui_k_detail(struct ui *, int);
static int	ui_k_reprobe(struct ui *, int);
static int	ui_k_reprobe_all(struct ui *, int);
static int	ui_k_watch(struct ui *, int);
static int	ui_k_save(struct ui *, int);
static int	ui_k_help(struct ui *, int);
static int	ui_k_quit(struct ui *, int);
static int	ui_k_back(struct ui *, int);
static int	ui_k_redraw(struct ui *, int);
static int	ui_k_tscroll(struct ui *, int);
static int	ui_k_hscroll(struct ui *, int);
static int	ui_k_search(struct ui *, int);
static int	ui_k_next(struct ui *, int);
static int	ui_k_tmode(struct ui *, int);
static int	ui_k_hscroll_help(struct ui *, int);

#define K(x)	UI_FK(x)
#define UI_CTRL(c)	((c) & 0x1f)

/*
 * Every key: dispatch, the footer and the help all come from here.  Order
 * matters for the footer: what does not fit is dropped from the end.
 */
static const struct ui_key ui_keys[] = {
	{ UI_IN_MATRIX, { K(KEY_UP), 'k' }, "Up k", NULL, UI_G_ARROWS,
	    "move", "select the row above", ui_k_move, UI_MV_UP },
	{ UI_IN_MATRIX, { K(KEY_DOWN), 'j' }, "Down j", NULL, -1, NULL,
	    "select the row below", ui_k_move, UI_MV_DOWN },
	{ UI_IN_MATRIX, { K(KEY_LEFT), 'h' }, "Left h", NULL, -1, NULL,
	    "select the mode to the left", ui_k_move, UI_MV_LEFT },
	{ UI_IN_MATRIX, { K(KEY_RIGHT), 'l' }, "Right l", NULL, -1, NULL,
	    "select the mode to the right", ui_k_move, UI_MV_RIGHT },
	{ UI_IN_MATRIX, { '\t' }, "Tab", NULL, -1, NULL,
	    "next address block (IPv4, IPv6, other hosts)", ui_k_block, 1 },
	{ UI_IN_MATRIX, { K(KEY_BTAB) }, "Shift-Tab", NULL, -1, NULL,
	    "previous address block", ui_k_block, -1 },
	{ UI_IN_MATRIX, { K(KEY_HOME), 'g' }, "Home g", NULL, -1, NULL,
	    "first row", ui_k_move, UI_MV_HOME },
	{ UI_IN_MATRIX, { K(KEY_END), 'G' }, "End G", NULL, -1, NULL,
	    "last row", ui_k_move, UI_MV_END },
	{ UI_IN_MATRIX, { '\r', '\n', K(KEY_ENTER) }, "Enter", "Enter", -1,
	    "transcript", "open the transcript of the selected cell",
	    ui_k_open, UI_T_TEXT },
	{ UI_IN_MATRIX, { '?', K(KEY_F(1)) }, "? F1", "?", -1, "help",
	    "this help: every key and what the screen means", ui_k_help, 0 },
	{ UI_IN_MATRIX, { 'q', UI_CTRL('c') }, "q", "q", -1, "quit",
	    "quit (also Q, Ctrl-C)", ui_k_quit, 0 },
	{ UI_IN_MATRIX, { 'c' }, "c", NULL, -1, NULL,
	    "certificate chain of the selected cell", ui_k_open, UI_T_CERT },
	{ UI_IN_MATRIX, { 'x' }, "x", NULL, -1, NULL,
	    "raw bytes (hex) of the selected cell", ui_k_open, UI_T_HEX },
	{ UI_IN_MATRIX, { 'r' }, "r", "r/R", -1, "re-probe",
	    "probe the selected cell again", ui_k_reprobe, 0 },
	{ UI_IN_MATRIX, { 'R' }, "R", NULL, -1, NULL,
	    "probe every cell again", ui_k_reprobe_all, 0 },
	{ UI_IN_MATRIX, { 'w' }, "w", "w", -1, "watch",
	    "watch: re-probe everything every N s (--watch N, default 30) "
	    "and keep per-cell history", ui_k_watch, 0 },
	{ UI_IN_MATRIX, { 's' }, "s", "s", -1, "save",
	    "save the report: a name ending in .json gives JSON, else text",
	    ui_k_save, 0 },
	{ UI_IN_MATRIX, { K(KEY_NPAGE), ' ' }, "PgDn Space", NULL, -1, NULL,
	    "scroll the detail pane down", ui_k_detail, 1 },
	{ UI_IN_MATRIX, { K(KEY_PPAGE), 'b' }, "PgUp b", NULL, -1, NULL,
	    "scroll the detail pane up", ui_k_detail, -1 },

	{ UI_IN_TRANSCRIPT, { K(KEY_UP), 'k' }, "Up k", NULL, UI_G_UPDOWN,
	    "scroll", "scroll up a line", ui_k_tscroll, UI_SC_LINE_UP },
	{ UI_IN_TRANSCRIPT, { K(KEY_DOWN), 'j' }, "Down j", NULL, -1, NULL,
	    "scroll down a line", ui_k_tscroll, UI_SC_LINE_DOWN },
	{ UI_IN_TRANSCRIPT, { K(KEY_PPAGE), 'b' }, "PgUp b", NULL, -1, NULL,
	    "scroll up a page", ui_k_tscroll, UI_SC_PAGE_UP },
	{ UI_IN_TRANSCRIPT, { K(KEY_NPAGE), ' ' }, "PgDn Space", NULL, -1,
	    NULL, "scroll down a page", ui_k_tscroll, UI_SC_PAGE_DOWN },
	{ UI_IN_TRANSCRIPT, { K(KEY_HOME), 'g' }, "Home g", NULL, -1, NULL,
	    "first line", ui_k_tscroll, UI_SC_TOP },
	{ UI_IN_TRANSCRIPT, { K(KEY_END), 'G' }, "End G", NULL, -1, NULL,
	    "last line, and follow new lines", ui_k_tscroll, UI_SC_BOTTOM },
	{ UI_IN_TRANSCRIPT, { K(KEY_LEFT), 'h' }, "Left h", NULL, -1, NULL,
	    "scroll long lines left", ui_k_hscroll, -UI_HSTEP },
	{ UI_IN_TRANSCRIPT, { K(KEY_RIGHT), 'l' }, "Right l", NULL, -1, NULL,
	    "scroll long lines right", ui_k_hscroll, UI_HSTEP },
	{ UI_IN_TRANSCRIPT, { '/' }, "/", "/", -1, "search",
	    "search (as you type; Enter keeps it, Esc cancels)", ui_k_search,
	    0 },
	{ UI_IN_TRANSCRIPT, { 'n' }, "n", "n/N", -1, "next",
	    "next match", ui_k_next, 1 },
	{ UI_IN_TRANSCRIPT, { 'N' }, "N", NULL, -1, NULL,
	    "previous match", ui_k_next, -1 },
	{ UI_IN_TRANSCRIPT, { 'x' }, "x", "x", -1, "hex",
	    "raw bytes in hex (offset, hex, text), again for the lines",
	    ui_k_tmode, UI_T_HEX },
	{ UI_IN_TRANSCRIPT, { 'c' }, "c", "c", -1, "certs",
	    "the certificate chain in full, again for the lines", ui_k_tmode,
	    UI_T_CERT },
	{ UI_IN_TRANSCRIPT, { 27, 'q', K(KEY_BACKSPACE) }, "Esc q", "q", -1,
	    "back", "back to the matrix", ui_k_back, 0 },
	{ UI_IN_TRANSCRIPT, { '?', K(KEY_F(1)) }, "? F1", "?", -1, "help",
	    "this help", ui_k_help, 0 },
	{ UI_IN_TRANSCRIPT, { 'r' }, "r", NULL, -1, NULL,
	    "probe this cell again", ui_k_reprobe, 0 },

	{ UI_IN_HELP, { K(KEY_UP), 'k' }, "Up k", NULL, UI_G_UPDOWN,
	    "scroll", "scroll up", ui_k_hscroll_help, UI_SC_LINE_UP },
	{ UI_IN_HELP, { K(KEY_DOWN), 'j' }, "Down j", NULL, -1, NULL,
	    "scroll down", ui_k_hscroll_help, UI_SC_LINE_DOWN },
	{ UI_IN_HELP, { K(KEY_PPAGE), 'b' }, "PgUp b", NULL, -1, NULL,
	    "scroll up a page", ui_k_hscroll_help, UI_SC_PAGE_UP },
	{ UI_IN_HELP, { K(KEY_NPAGE), ' ' }, "PgDn Space", NULL, -1, NULL,
	    "scroll down a page", ui_k_hscroll_help, UI_SC_PAGE_DOWN },
	{ UI_IN_HELP, { K(KEY_HOME), 'g' }, "Home g", NULL, -1, NULL,
	    "top", ui_k_hscroll_help, UI_SC_TOP },
	{ UI_IN_HELP, { K(KEY_END), 'G' }, "End G", NULL, -1, NULL,
	    "bottom", ui_k_hscroll_help, UI_SC_BOTTOM },
	{ UI_IN_HELP, { 27, 'q', '?', K(KEY_F(1)) }, "Esc q ?", "q", -1,
	    "back", "close the help", ui_k_back, 0 },

	{ UI_IN_ALL, { 'Q' }, "Q", NULL, -1, NULL, "quit from any view",
	    ui_k_quit, 0 },
	{ UI_IN_ALL, { UI_CTRL('l') }, "Ctrl-L", NULL, -1, NULL,
	    "repaint the whole screen", ui_k_redraw, 0 },
};
#define UI_NKEYS	(sizeof ui_keys / sizeof ui_keys[0])

const struct ui_key *
ui_key_table(size_t *n)
{
	*n = UI_NKEYS;
	return ui_keys;
}

/* ------------------------------------------------------------------ */
/* Terminal restore: ui_stop() and the crash path. */

/*
 * Runs in a crash signal: only async-signal-safe calls.  Puts the
 * terminal back as it was (termios saved before curses started, the
 * "leave alternate screen, show cursor" strings looked up in advance),
 * then lets the previous disposition (the default, or a sanitizer's)
 * take the signal again.
 */
static void
ui_crash(int signo)
{
	size_t	i;
	ssize_t	n;

	if (ui_curses_on) {
		ui_curses_on = 0;
		if (ui_crash_len > 0) {
			n = write(ui_tty_fd, ui_crash_seq, ui_crash_len);
			(void)n;
		}
		if (ui_tio_ok)
			tcsetattr(ui_tty_fd, TCSANOW, &ui_tio);
	}
	for (i = 0; i < UI_NCRASH; i++) {
		if (ui_crash_sigs[i] == signo)
			sigaction(signo, &ui_crash_old[i], NULL);
	}
	raise(signo);
}

static void
ui_crash_install(void)
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_crash;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < UI_NCRASH; i++)
		sigaction(ui_crash_sigs[i], &sa, &ui_crash_old[i]);
	ui_crash_set = true;
}

static void
ui_crash_remove(void)
{
	size_t	i;

	if (!ui_crash_set)
		return;
	for (i = 0; i < UI_NCRASH; i++)
		sigaction(ui_crash_sigs[i], &ui_crash_old[i], NULL);
	ui_crash_set = false;
}

static void
ui_crash_append(const char *s)
{
	size_t	i;

	if (s == NULL || s == (char *)-1)
		return;
	for (i = 0; s[i] != '\0'; i++) {
		/* Drop terminfo padding such as "$<5>". */
		if (s[i] == '$' && s[i + 1] == '<') {
			while (s[i] != '\0' && s[i] != '>')
				i++;
			if (s[i] == '\0')
				break;
			continue;
		}
		if (ui_crash_len < sizeof ui_crash_seq)
			ui_crash_seq[ui_crash_len++] = s[i];
	}
}

/* The strings endwin() would send, looked up now: no terminfo calls are
 * possible in a signal handler. */
static void
ui_crash_prepare(bool mouse)
{
	ui_crash_len = 0;
	if (mouse)
		ui_crash_append("\033[?1006l\033[?1002l\033[?1000l");
	ui_crash_append(tigetstr("sgr0"));
	ui_crash_append(tigetstr("rmkx"));
	ui_crash_append(tigetstr("cnorm"));
	ui_crash_append(tigetstr("rmcup"));
}

void
ui_stop(void)
{
	if (!ui_curses_on)
		return;
	ui_curses_on = 0;
	mousemask(0, NULL);
	curs_set(1);
	endwin();
	/* endwin() restores its own copy; ours makes it exact. */
	if (ui_tio_ok)
		tcsetattr(ui_tty_fd, TCSANOW, &ui_tio);
	ui_crash_remove();
}

int
ui_get_signal(void)
{
	return ui_state.signo;
}

int
ui_check(const struct opts *o, char **err)
{
	const char	*term = getenv("TERM");
	const char	*cup;
	int		 fd, e = 0;

	(void)o;
	*err = NULL;
	if (term == NULL || term[0] == '\0') {
		*err = xstrdup("TERM is not set: the screen needs a capable "
		    "terminal");
		return -1;
	}
	if (strcmp(term, "dumb") == 0) {
		*err = xstrdup("TERM=dumb: the screen needs a capable "
		    "terminal");
		return -1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*err = xstrdup("standard input or output is not a terminal");
		return -1;
	}
	/* A probe on a copy of stdout: setupterm() neither clears nor
	 * changes anything, and del_curterm() forgets it again. */
	fd = dup(STDOUT_FILENO);
	if (fd == -1) {
		xasprintf(err, "dup: %s", strerror(errno));
		return -1;
	}
	if (setupterm(NULL, fd, &e) != OK) {
		close(fd);
		if (e == 0)
			xasprintf(err, "TERM=%.64s is not known to terminfo or "
			    "is too simple for the screen", term);
		else
			*err = xstrdup("no terminfo database found");
		return -1;
	}
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		xasprintf(err, "TERM=%.64s cannot move the cursor", term);
		del_curterm(cur_term);
		close(fd);
		return -1;
	}
	del_curterm(cur_term);
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Model access and history. */

const struct probe *
ui_selected(const struct ui *ui)
{
	if (run_addr_count(ui->run) == 0 || ui->nmodes == 0)
		return NULL;
	return run_get_probe(ui->run, ui->sel_addr, ui->sel_row,
	    ui->modes[ui->sel_col]);
}

struct ui_hist *
ui_hist_get(struct ui *ui, size_t addr, size_t row, enum probe_mode m)
{
	size_t	nrows = run_row_count(ui->run);

	if (addr >= ui->hist_addrs || row >= nrows || m >= MODE_LAST)
		return NULL;
	return &ui->hist[(addr * nrows + row) * MODE_LAST + m];
}

static void
ui_hist_record(struct ui_hist *h, const struct probe *p)
{
	const struct probe_facts	*f = probe_get_facts(p);
	int64_t				 t = f->timing.total_us;

	h->seen = p;
	h->seen_start = probe_get_start_us(p);
	if (h->last_status != -1 && h->last_status != (int)f->status)
		h->flips++;
	h->last_status = (int)f->status;
	h->runs++;
	if (f->status != ST_OK) {
		h->fails++;
		return;
	}
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

/* After the run changed: count finished probes once each, follow the
 * run's end for watch mode, keep the selection valid. */
static void
ui_model_update(struct ui *ui)
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
		for (i = ui->hist_addrs * per; i < naddr * per; i++) {
			memset(&ui->hist[i], 0, sizeof ui->hist[i]);
			ui->hist[i].last_status = -1;
			ui->hist[i].last_us = -1;
		}
		ui->hist_addrs = naddr;
	}
	for (a = 0; a < naddr; a++) {
		for (row = 0; row < nrows; row++) {
			for (c = 0; c < ui->nmodes; c++) {
				p = run_get_probe(ui->run, a, row,
				    ui->modes[c]);
				if (p == NULL || !probe_is_done(p))
					continue;
				h = ui_hist_get(ui, a, row, ui->modes[c]);
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

static void
ui_on_change(void *arg)
{
	struct ui	*ui = arg;

	if (!ui_alive)
		return;
	ui->dirty |= UI_D_MODEL | UI_D_SCREEN;
}

/* ------------------------------------------------------------------ */
/* Timers: only while something moves. */

static void
ui_on_tick(void *arg)
{
	struct ui	*ui = arg;

	ui->tick_timer = 0;
	ui->spin++;
	ui->dirty |= UI_D_SCREEN;
}

static void
ui_on_redraw_timer(void *arg)
{
	struct ui	*ui = arg;

	ui->redraw_timer = 0;
}

static void
ui_on_watch(void *arg)
{
	struct ui	*ui = arg;

	ui->watch_timer = 0;
	if (!ui->watch || !run_is_done(ui->run))
		return;
	ui->rounds++;
	run_reprobe_all(ui->run);
	ui->dirty |= UI_D_MODEL | UI_D_SCREEN;
}

static void
ui_on_hold(void *arg)
{
	struct ui	*ui = arg;

	ui->hold_timer = 0;
	ui->quit = true;
}

static void
ui_timers_update(struct ui *ui)
{
	uint64_t	now = evloop_clock_us(), want = 0, at;

	if (!ui->run_done)
		want = UI_TICK_US;
	else if (ui->watch)
		want = UI_COUNT_US;
	if (want != 0 && ui->tick_timer == 0)
		ui->tick_timer = evloop_timer_at(ui->ev, now + want,
		    ui_on_tick, ui);
	else if (want == 0 && ui->tick_timer != 0) {
		evloop_timer_cancel(ui->ev, ui->tick_timer);
		ui->tick_timer = 0;
	}

	if (ui->watch && ui->run_done && ui->watch_timer == 0) {
		at = ui->round_end_us + (uint64_t)ui->watch_s * 1000000u;
		ui->watch_timer = evloop_timer_at(ui->ev, at > now ? at : now,
		    ui_on_watch, ui);
	} else if ((!ui->watch || !ui->run_done) && ui->watch_timer != 0) {
		evloop_timer_cancel(ui->ev, ui->watch_timer);
		ui->watch_timer = 0;
	}
}

/* ------------------------------------------------------------------ */
/* Drawing. */

static void
ui_prompt_draw(struct ui *ui)
{
	struct ui_lbuf	 lb;
	unsigned	 pa = ui_attr(ui, UI_E_PROMPT);
	int		 w;

	lb.n = 0;
	switch (ui->prompt) {
	case UI_P_SEARCH:
		ui_lb_add(&lb, pa, "/");
		break;
	case UI_P_SAVE:
		ui_lb_add(&lb, pa, "Save report to (.json: JSON, else text): ");
		break;
	case UI_P_OVERWRITE:
		ui_lb_raw(ui, &lb, pa, ui->input, ui->input_len,
		    ui->san_flags, 200);
		ui_lb_add(&lb, pa, " exists. Overwrite? (y/n) ");
		ui_lb_draw(ui, LINES - 1, 0, COLS, &lb, 0, 0, true);
		return;
	default:
		return;
	}
	ui_lb_raw(ui, &lb, 0, ui->input, ui->input_len,
	    ui->san_flags | SAN_TAB_SPACE, 0);
	ui_lb_add(&lb, A_REVERSE, " ");
	if (ui->prompt == UI_P_SEARCH && ui->input_len > 0 &&
	    ui->match == -1)
		ui_lb_add(&lb, ui_attr(ui, UI_E_MSG_ERR), "  not found");
	/* Keep the end of a long input in view. */
	w = ui_lb_width(&lb);
	ui_lb_draw(ui, LINES - 1, 0, COLS, &lb, w > COLS ? w - COLS : 0, 0,
	    false);
}

void
ui_footer_keys(struct ui *ui, unsigned where, const char *right)
{
	struct ui_lbuf	 lb, it;
	const struct ui_key *k;
	unsigned	 bar = ui_attr(ui, UI_E_BAR);
	unsigned	 key = ui_attr(ui, UI_E_BAR_KEY);
	size_t		 i;
	int		 rw, cur, y = LINES - 1;

	if (ui->prompt != UI_P_NONE) {
		ui_prompt_draw(ui);
		return;
	}
	lb.n = 0;
	if (ui->msg[0] != '\0') {
		ui_lb_add(&lb, 0, " ");
		ui_lb_raw(ui, &lb, ui_attr(ui, ui->msg_err ? UI_E_MSG_ERR :
		    UI_E_MSG_OK), ui->msg, strlen(ui->msg),
		    ui->san_flags | SAN_TAB_SPACE, 0);
		ui_lb_draw(ui, y, 0, COLS, &lb, 0, 0, true);
		return;
	}
	rw = right != NULL && right[0] != '\0' ?
	    ui_str_width(right, strlen(right)) + 2 : 0;
	for (i = 0; i < UI_NKEYS; i++) {
		k = &ui_keys[i];
		if (!(k->where & where) || k->foot == NULL)
			continue;
		it.n = 0;
		ui_lb_add(&it, key, " ");
		ui_lb_add(&it, key, k->foot_glyph >= 0 ?
		    ui_glyph(ui, (enum ui_glyph)k->foot_glyph) : k->foot_key);
		ui_lb_add(&it, bar, " ");
		ui_lb_add(&it, bar, k->foot);
		ui_lb_add(&it, bar, " ");
		cur = ui_lb_width(&lb);
		if (cur + ui_lb_width(&it) > COLS - rw)
			break;
		memcpy(lb.s + lb.n, it.s, it.n);
		memcpy(lb.a + lb.n, it.a, it.n * sizeof it.a[0]);
		lb.n += it.n;
	}
	ui_lb_draw(ui, y, 0, COLS - rw, &lb, 0, bar, false);
	if (rw > 0) {
		lb.n = 0;
		ui_lb_add(&lb, bar, " ");
		ui_lb_add(&lb, bar, right);
		ui_lb_add(&lb, bar, " ");
		ui_lb_draw(ui, y, COLS - rw, rw, &lb, 0, bar, false);
	}
}

static void
ui_draw(struct ui *ui)
{
	char	msg[128];

	if (ui->dirty & UI_D_CLEAR)
		clearok(curscr, TRUE);
	werase(stdscr);
	ui_layout(ui);
	if (ui->lay.too_small) {
		snprintf(msg, sizeof msg, "mailports: window too small "
		    "(%dx%d, needs 60x12); q quits", COLS, LINES);
		ui_put(ui, 0, 0, COLS, ui_attr(ui, UI_E_BAR), msg);
	} else if (ui->view == UI_VIEW_TRANSCRIPT)
		ui_transcript_draw(ui);
	else if (ui->view == UI_VIEW_HELP)
		ui_help_draw(ui);
	else {
		ui_header_draw(ui, NULL);
		ui_matrix_draw(ui);
		ui_footer_keys(ui, UI_IN_MATRIX, NULL);
	}
	wnoutrefresh(stdscr);
	doupdate();
	ui->dirty = 0;
	ui->key_pressed = false;
	ui->last_draw_us = evloop_clock_us();
}

static void
ui_resize(struct ui *ui)
{
	struct winsize	ws;

	ui->resize_pending = false;
	if (ioctl(ui_tty_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS))
		resize_term(ws.ws_row, ws.ws_col);
	ui->dirty |= UI_D_SCREEN | UI_D_CLEAR;
}

/* After every loop iteration: fold changes in, draw at most every 50 ms
 * (at once after a key), end the run for --exit-when-done. */
static void
ui_hook(void *arg)
{
	struct ui	*ui = arg;
	uint64_t	 now;
	const char	*hold;
	long		 ms;

	if (!ui_alive || ui->quit)
		return;
	if (ui->resize_pending)
		ui_resize(ui);
	if (ui->dirty & UI_D_MODEL) {
		ui->dirty &= ~UI_D_MODEL;
		ui_model_update(ui);
	}
	ui_timers_update(ui);
	if (ui->dirty == 0)
		return;
	now = evloop_clock_us();
	if (!ui->key_pressed && now < ui->last_draw_us + UI_REDRAW_US) {
		if (ui->redraw_timer == 0)
			ui->redraw_timer = evloop_timer_at(ui->ev,
			    ui->last_draw_us + UI_REDRAW_US,
			    ui_on_redraw_timer, ui);
		return;
	}
	ui_draw(ui);
	if (ui->opts->exit_when_done && ui->run_done && !ui->done_drawn) {
		ui->done_drawn = true;
		hold = getenv("MAILPORTS_HOLD_MS");
		ms = hold != NULL ? strtol(hold, NULL, 10) : 0;
		if (ms > 0 && ms <= 600000)
			ui->hold_timer = evloop_timer_at(ui->ev, now +
			    (uint64_t)ms * 1000u, ui_on_hold, ui);
		else
			ui->quit = true;
	}
}

/* ------------------------------------------------------------------ */
/* Keys. */

static void
ui_msg(struct ui *ui, bool err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ui_msg(struct ui *ui, bool err, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_err = err;
}

static int
ui_k_move(struct ui *ui, int dir)
{
	size_t	nrows = run_row_count(ui->run);
	size_t	naddr = run_addr_count(ui->run);

	if (naddr == 0 || nrows == 0)
		return UI_R_HANDLED;
	switch (dir) {
	case UI_MV_UP:
		if (ui->sel_row > 0)
			ui->sel_row--;
		else if (ui->sel_addr > 0) {
			ui->sel_addr--;
			ui->sel_row = nrows - 1;
		}
		break;
	case UI_MV_DOWN:
		if (ui->sel_row + 1 < nrows)
			ui->sel_row++;
		else if (ui->sel_addr + 1 < naddr) {
			ui->sel_addr++;
			ui->sel_row = 0;
		}
		break;
	case UI_MV_LEFT:
		if (ui->sel_col > 0)
			ui->sel_col--;
		break;
	case UI_MV_RIGHT:
		if (ui->sel_col + 1 < ui->nmodes)
			ui->sel_col++;
		break;
	case UI_MV_HOME:
		ui->sel_addr = 0;
		ui->sel_row = 0;
		break;
	case UI_MV_END:
		ui->sel_addr = naddr - 1;
		ui->sel_row = nrows - 1;
		break;
	}
	ui->det_top = 0;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_block(struct ui *ui, int dir)
{
	size_t	naddr = run_addr_count(ui->run);

	if (naddr == 0)
		return UI_R_HANDLED;
	ui->sel_addr = (ui->sel_addr + naddr + (size_t)(dir > 0 ? 1 :
	    naddr - 1)) % naddr;
	ui->det_top = 0;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_open(struct ui *ui, int mode)
{
	int	i;

	if (ui_selected(ui) == NULL)
		return UI_R_HANDLED;
	ui->view = UI_VIEW_TRANSCRIPT;
	ui->tmode = (enum ui_tmode)mode;
	for (i = 0; i < UI_T_LAST; i++) {
		ui->t_top[i] = 0;
		ui->t_hscroll[i] = 0;
	}
	ui->t_follow = false;
	ui->t_lines = 0;
	ui->match = -1;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_detail(struct ui *ui, int dir)
{
	int	page = ui->lay.det_h > 3 ? ui->lay.det_h - 2 : 1;

	ui->det_top += dir * page;
	if (ui->det_top > ui->det_lines - page)
		ui->det_top = ui->det_lines - page;
	if (ui->det_top < 0)
		ui->det_top = 0;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_reprobe(struct ui *ui, int arg)
{
	const struct port_row	*pr;

	(void)arg;
	if (ui_selected(ui) == NULL)
		return UI_R_HANDLED;
	pr = run_get_row(ui->run, ui->sel_row);
	run_reprobe(ui->run, ui->sel_addr, ui->sel_row,
	    ui->modes[ui->sel_col]);
	ui->match = -1;
	ui->t_follow = false;
	ui_msg(ui, false, "probing %s %u %s again", pr->dialect->label,
	    (unsigned)pr->port, facts_mode_client(ui->modes[ui->sel_col]));
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_reprobe_all(struct ui *ui, int arg)
{
	(void)arg;
	ui->rounds++;
	run_reprobe_all(ui->run);
	ui_msg(ui, false, "probing every cell again");
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_watch(struct ui *ui, int arg)
{
	(void)arg;
	ui->watch = !ui->watch;
	if (ui->watch)
		ui_msg(ui, false, "watch on: every cell again %u s after "
		    "each round; history in the detail pane", ui->watch_s);
	else
		ui_msg(ui, false, "watch off");
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_save(struct ui *ui, int arg)
{
	const struct run_host	*h;
	char			 name[128];
	size_t			 i;

	(void)arg;
	h = run_get_host(ui->run, 0);
	snprintf(name, sizeof name, "mailports-%s.txt", h != NULL ?
	    h->name : "report");
	for (i = 0; name[i] != '\0'; i++) {
		if (name[i] == '/' || (unsigned char)name[i] < 0x20)
			name[i] = '_';
	}
	ui->prompt = UI_P_SAVE;
	ui->input_len = strlen(name);
	memcpy(ui->input, name, ui->input_len + 1);
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_help(struct ui *ui, int arg)
{
	(void)arg;
	ui->help_back = ui->view;
	ui->view = UI_VIEW_HELP;
	ui->h_top = 0;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_quit(struct ui *ui, int arg)
{
	(void)ui;
	(void)arg;
	return UI_R_HANDLED | UI_R_QUIT;
}

static int
ui_k_back(struct ui *ui, int arg)
{
	(void)arg;
	if (ui->view == UI_VIEW_HELP)
		ui->view = ui->help_back;
	else
		ui->view = UI_VIEW_MATRIX;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_redraw(struct ui *ui, int arg)
{
	(void)ui;
	(void)arg;
	return UI_R_HANDLED | UI_R_RELAYOUT;
}

static void
ui_scroll(int *top, int nlines, int page, int how)
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

static int
ui_k_tscroll(struct ui *ui, int how)
{
	int	page = ui->t_page > 0 ? ui->t_page : 1;

	ui_scroll(&ui->t_top[ui->tmode], ui->t_lines, page, how);
	ui->t_follow = how == UI_SC_BOTTOM;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_hscroll_help(struct ui *ui, int how)
{
	ui_scroll(&ui->h_top, ui->h_lines, LINES - 2 > 1 ? LINES - 2 : 1,
	    how);
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_hscroll(struct ui *ui, int step)
{
	int	*h = &ui->t_hscroll[ui->tmode];

	*h += step;
	if (*h < 0)
		*h = 0;
	if (*h > 100000)
		*h = 100000;
	return UI_R_HANDLED | UI_R_REDRAW;
}

/* The event shown at the top of the transcript view. */
static int
ui_top_event(struct ui *ui)
{
	const struct probe	*p = ui_selected(ui);
	const struct transcript	*tr;
	size_t			 n;
	int			 ev, line, top = ui->t_top[ui->tmode];

	if (p == NULL || ui->tmode != UI_T_HEX)
		return ui->tmode == UI_T_TEXT ? top : 0;
	tr = probe_get_transcript(p);
	n = transcript_count(tr);
	for (ev = 0, line = 0; (size_t)ev + 1 < n; ev++) {
		/* An event takes its header line and a line per 16 bytes. */
		line += 1 + (int)((transcript_get(tr, (size_t)ev)->len + 15) /
		    16);
		if (line > top)
			break;
	}
	return ev;
}

/* Scroll so event ev shows, a third down the page. */
static void
ui_show_event(struct ui *ui, int ev)
{
	const struct probe	*p = ui_selected(ui);
	int			 line, page = ui->t_page > 0 ? ui->t_page : 1;
	int			*top = &ui->t_top[ui->tmode];

	if (p == NULL)
		return;
	line = ui_transcript_line_of(ui, p, ev);
	if (line < *top || line >= *top + page)
		*top = line - page / 3;
	if (*top < 0)
		*top = 0;
	ui->t_follow = false;
}

static int
ui_k_search(struct ui *ui, int arg)
{
	(void)arg;
	if (ui->tmode == UI_T_CERT)
		ui->tmode = UI_T_TEXT;
	memcpy(ui->search_saved, ui->search, sizeof ui->search);
	ui->top_saved = ui->t_top[ui->tmode];
	ui->match_saved = ui->match;
	ui->prompt = UI_P_SEARCH;
	ui->input_len = 0;
	ui->input[0] = '\0';
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_next(struct ui *ui, int dir)
{
	int	from, i;

	if (ui->search[0] == '\0') {
		ui_msg(ui, true, "no search yet: press / first");
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	if (ui->tmode == UI_T_CERT)
		ui->tmode = UI_T_TEXT;
	from = ui->match >= 0 ? ui->match + dir : ui_top_event(ui);
	i = ui_transcript_find(ui, from, dir);
	if (i < 0) {
		ui_msg(ui, true, "not found: %s", ui->search);
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	if (ui->match >= 0 && ((dir > 0 && i <= ui->match) ||
	    (dir < 0 && i >= ui->match)))
		ui_msg(ui, false, "search wrapped around");
	ui->match = i;
	ui_show_event(ui, i);
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_tmode(struct ui *ui, int mode)
{
	int	ev = ui->match >= 0 ? ui->match : ui_top_event(ui);

	ui->tmode = ui->tmode == (enum ui_tmode)mode ? UI_T_TEXT :
	    (enum ui_tmode)mode;
	if (ui->tmode != UI_T_CERT) {
		ui->t_top[ui->tmode] = ev;
		if (ui->tmode == UI_T_HEX && ui_selected(ui) != NULL)
			ui->t_top[ui->tmode] = ui_transcript_line_of(ui,
			    ui_selected(ui), ev);
	}
	ui->t_follow = false;
	return UI_R_HANDLED | UI_R_REDRAW;
}

/* Incremental search: every change of the pattern looks again from where
 * the search started [less]. */
static void
ui_search_update(struct ui *ui)
{
	int	i;

	memcpy(ui->search, ui->input, ui->input_len);
	ui->search[ui->input_len] = '\0';
	ui->t_top[ui->tmode] = ui->top_saved;
	ui->match = -1;
	if (ui->input_len == 0)
		return;
	i = ui_transcript_find(ui, ui_top_event(ui), 1);
	if (i < 0)
		return;
	ui->match = i;
	ui_show_event(ui, i);
}

static void
ui_save(struct ui *ui, bool overwrite)
{
	char		 path[PATH_MAX];
	const char	*home, *in = ui->input;
	FILE		*fp;
	size_t		 n;
	int		 fd, rc, e;
	bool		 json;

	ui->prompt = UI_P_NONE;
	if (ui->input_len == 0) {
		ui_msg(ui, true, "not saved: no file name");
		return;
	}
	home = getenv("HOME");
	if (in[0] == '~' && in[1] == '/' && home != NULL)
		snprintf(path, sizeof path, "%s%s", home, in + 1);
	else
		snprintf(path, sizeof path, "%s", in);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    (overwrite ? 0 : O_EXCL), 0666);
	if (fd == -1) {
		if (errno == EEXIST && !overwrite) {
			ui->prompt = UI_P_OVERWRITE;
			return;
		}
		ui_msg(ui, true, "cannot save to %s: %s", path,
		    strerror(errno));
		return;
	}
	if (isatty(fd)) {
		close(fd);
		ui_msg(ui, true, "not saved: %s is a terminal", path);
		return;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		e = errno;
		close(fd);
		ui_msg(ui, true, "cannot save to %s: %s", path, strerror(e));
		return;
	}
	n = strlen(path);
	json = n >= 5 && strcasecmp(path + n - 5, ".json") == 0;
	if (json)
		out_json(fp, ui->run);
	else
		out_text(fp, ui->run, true, sanitize_locale_flags());
	rc = ferror(fp);
	e = errno;
	if (fclose(fp) != 0 && rc == 0) {
		rc = 1;
		e = errno;
	}
	if (rc != 0)
		ui_msg(ui, true, "writing %s failed: %s", path, strerror(e));
	else
		ui_msg(ui, false, "saved the %s report to %s%s",
		    json ? "JSON" : "text", path, run_is_done(ui->run) ? "" :
		    " (some probes were still running)");
}

static void
ui_input_backspace(struct ui *ui)
{
	/* Remove one whole UTF-8 character. */
	while (ui->input_len > 0) {
		ui->input_len--;
		if (((unsigned char)ui->input[ui->input_len] & 0xc0) != 0x80)
			break;
	}
	ui->input[ui->input_len] = '\0';
}

static int
ui_prompt_key(struct ui *ui, int key)
{
	char		mb[MB_LEN_MAX];
	mbstate_t	st;
	size_t		n;

	if (ui->prompt == UI_P_OVERWRITE) {
		if (key == 'y' || key == 'Y')
			ui_save(ui, true);
		else {
			ui->prompt = UI_P_NONE;
			ui_msg(ui, true, "not saved");
		}
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	if (key == 27) {
		if (ui->prompt == UI_P_SEARCH) {
			memcpy(ui->search, ui->search_saved,
			    sizeof ui->search);
			ui->t_top[ui->tmode] = ui->top_saved;
			ui->match = ui->match_saved;
		}
		ui->prompt = UI_P_NONE;
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	if (key == '\r' || key == '\n' || key == UI_FK(KEY_ENTER)) {
		if (ui->prompt == UI_P_SAVE)
			ui_save(ui, false);
		else {
			ui->prompt = UI_P_NONE;
			if (ui->search[0] != '\0' && ui->match == -1)
				ui_msg(ui, true, "not found: %s", ui->search);
		}
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	if (key == UI_FK(KEY_BACKSPACE) || key == 127 || key == UI_CTRL('h'))
		ui_input_backspace(ui);
	else if (key == UI_CTRL('u')) {
		ui->input_len = 0;
		ui->input[0] = '\0';
	} else if (key >= 0x20 && key < UI_FK(0) && iswprint((wint_t)key)) {
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1)
			return UI_R_HANDLED;
		if (ui->input_len + n >= (ui->prompt == UI_P_SEARCH ?
		    UI_SEARCH_MAX : UI_INPUT_MAX))
			return UI_R_HANDLED;
		memcpy(ui->input + ui->input_len, mb, n);
		ui->input_len += n;
		ui->input[ui->input_len] = '\0';
	} else
		return UI_R_HANDLED;
	if (ui->prompt == UI_P_SEARCH)
		ui_search_update(ui);
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_key(struct ui *ui, int key)
{
	const struct ui_key	*k;
	unsigned		 where;
	size_t			 i, j;
	int			 res = 0;

	if (ui->prompt != UI_P_NONE)
		return ui_prompt_key(ui, key);
	if (ui->msg[0] != '\0') {
		ui->msg[0] = '\0';
		res |= UI_R_REDRAW;
	}
	if (ui->lay.too_small && key != 'q' && key != 'Q' &&
	    key != UI_CTRL('c') && key != UI_CTRL('l'))
		return res;
	where = ui->view == UI_VIEW_TRANSCRIPT ? UI_IN_TRANSCRIPT :
	    ui->view == UI_VIEW_HELP ? UI_IN_HELP : UI_IN_MATRIX;
	if (ui->lay.too_small && key == 'q')
		return UI_R_QUIT;
	for (i = 0; i < UI_NKEYS; i++) {
		k = &ui_keys[i];
		if (!(k->where & where))
			continue;
		for (j = 0; j < 4 && k->keys[j] != 0; j++) {
			if (k->keys[j] == key)
				return res | k->fn(ui, k->arg);
		}
	}
	return res;
}

static int
ui_mouse(struct ui *ui)
{
	MEVENT	me;

	if (getmouse(&me) != OK)
		return 0;
	if (!(me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return 0;
	if (ui->prompt != UI_P_NONE || ui->view != UI_VIEW_MATRIX)
		return 0;
	if (ui_matrix_hit(ui, me.y, me.x))
		return UI_R_HANDLED | UI_R_REDRAW;
	return 0;
}

/* stdin is readable: take every key there is [mtr]. */
static void
ui_on_stdin(int fd, short revents, void *arg)
{
	struct ui	*ui = arg;
	wint_t		 wc;
	int		 r, res = 0;
	bool		 got = false;

	(void)fd;
	if (!ui_alive)
		return;
	for (;;) {
		r = wget_wch(stdscr, &wc);
		if (r == ERR)
			break;
		got = true;
		if (r == KEY_CODE_YES) {
			if (wc == KEY_RESIZE) {
				ui->resize_pending = true;
				res |= UI_R_REDRAW;
			} else if (wc == KEY_MOUSE)
				res |= ui_mouse(ui);
			else
				res |= ui_key(ui, UI_FK((int)wc));
		} else
			res |= ui_key(ui, (int)wc);
		if (res & UI_R_QUIT)
			break;
	}
	if (got)
		ui->empty_reads = 0;
	else if ((revents & (POLLHUP | POLLERR | POLLNVAL)) ||
	    ++ui->empty_reads > UI_EMPTY_MAX) {
		/* The terminal is gone (SSH dropped): nothing to show. */
		ui->stdin_dead = true;
		evloop_io_del(ui->ev, STDIN_FILENO);
		res |= UI_R_QUIT;
	}
	if (res & UI_R_QUIT)
		ui->quit = true;
	if (res & (UI_R_HANDLED | UI_R_REDRAW | UI_R_RELAYOUT)) {
		ui->dirty |= UI_D_SCREEN;
		ui->key_pressed = true;
	}
	if (res & UI_R_RELAYOUT)
		ui->dirty |= UI_D_CLEAR;
}

/* In loop context (self-pipe), never in the handler. */
static void
ui_on_signal(int signo, void *arg)
{
	struct ui	*ui = arg;

	if (!ui_alive)
		return;
	if (signo == SIGWINCH) {
		ui->resize_pending = true;
		ui->dirty |= UI_D_SCREEN;
		return;
	}
	ui->signo = signo;
	ui->quit = true;
}

int
ui_run(struct evloop *ev, struct run *r, const struct opts *o)
{
	struct ui	*ui = &ui_state;
	bool		 mouse;
	int		 rc = 0;
	size_t		 m;

	memset(ui, 0, sizeof *ui);
	ui->ev = ev;
	ui->run = r;
	ui->opts = o;
	ui->watch_s = o->watch_s > 0 ? o->watch_s : UI_WATCH_S;
	ui->watch = o->watch_s > 0;
	ui->match = -1;
	for (m = 0; m < MODE_LAST; m++) {
		if (run_get_modes(r) & (1u << m))
			ui->modes[ui->nmodes++] = (enum probe_mode)m;
	}
	if (ui->nmodes == 0)
		return -2;

	ui_tty_fd = isatty(STDOUT_FILENO) ? STDOUT_FILENO : STDIN_FILENO;
	ui_tio_ok = tcgetattr(ui_tty_fd, &ui_tio) == 0;

	/* Ours first: curses then leaves these signals alone. */
	if (evloop_signal(ev, SIGWINCH, ui_on_signal, ui) == -1 ||
	    evloop_signal(ev, SIGINT, ui_on_signal, ui) == -1 ||
	    evloop_signal(ev, SIGTERM, ui_on_signal, ui) == -1 ||
	    evloop_signal(ev, SIGHUP, ui_on_signal, ui) == -1)
		log_debug("ui: cannot catch every signal");

	ui_screen = newterm(NULL, stdout, stdin);
	if (ui_screen == NULL) {
		log_debug("ui: newterm failed");
		return -2;
	}
	set_term(ui_screen);
	ui_curses_on = 1;
	ui_alive = true;
	log_set_cleanup(ui_stop);

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	leaveok(stdscr, TRUE);
	set_escdelay(UI_ESCDELAY_MS);
	curs_set(0);
	mouseinterval(0);
	mouse = mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL) != 0;
	ui_crash_prepare(mouse);
	ui_crash_install();
	ui_draw_init(ui);

	evloop_io_set(ev, STDIN_FILENO, POLLIN, ui_on_stdin, ui);
	evloop_hook_add(ev, ui_hook, ui);
	ui->dirty = UI_D_SCREEN | UI_D_MODEL | UI_D_CLEAR;
	ui->key_pressed = true;
	run_start(r, ui_on_change, ui);
	ui_hook(ui);

	while (!ui->quit) {
		if (evloop_run_once(ev, -1) == -1) {
			log_debug("ui: poll: %s", strerror(errno));
			rc = -1;
			break;
		}
	}

	evloop_timer_cancel(ev, ui->tick_timer);
	evloop_timer_cancel(ev, ui->redraw_timer);
	evloop_timer_cancel(ev, ui->watch_timer);
	evloop_timer_cancel(ev, ui->hold_timer);
	evloop_io_del(ev, STDIN_FILENO);
	ui_stop();
	log_set_cleanup(NULL);
	delscreen(ui_screen);
	ui_screen = NULL;
	ui_alive = false;
	free(ui->hist);
	ui->hist = NULL;
	if (ui->signo != 0)
		log_debug("ui: ended by signal %d", ui->signo);
	return rc;
}
