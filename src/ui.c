/* SPDX-License-Identifier: ISC */
/*
 * The controller: curses set-up and the exact restore of the terminal
 * (also from fatal() and crash signals), input (keys to ui_keys, the
 * mouse), dirty flags and the capped redraw hook that picks the view,
 * resize, timers that run only while something moves, and the actions keys
 * ask for (probe again, save the report).  It never blocks and never calls
 * curses from a signal handler.  Nothing below it calls back into it.
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
#define UI_WHEEL_LINES	3		/* lines per wheel notch */
#define UI_WHEEL_UP	BUTTON4_PRESSED
#if defined(BUTTON5_PRESSED)
#define UI_WHEEL_DOWN	BUTTON5_PRESSED
#else
#define UI_WHEEL_DOWN	0
#endif

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
ui_on_hold(void *arg)
{
	struct ui	*ui = arg;

	ui->hold_timer = 0;
	ui->quit = true;
}

static void
ui_timers_update(struct ui *ui)
{
	uint64_t	now = evloop_clock_us(), want = 0;

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
	ui_state_watch_arm(ui);
}

/* The controller picks the view; views never call each other. */
static void
ui_draw(struct ui *ui)
{
	const struct ui_layout	*l = &ui->lay;

	if (ui->dirty & UI_D_CLEAR)
		clearok(curscr, TRUE);
	werase(stdscr);
	ui_matrix_layout(ui);
	if (l->too_small)
		ui_chrome_too_small(ui, UI_MIN_COLS, UI_MIN_LINES);
	else if (ui->view == UI_VIEW_TRANSCRIPT)
		ui_transcript_draw(ui);
	else if (ui->view == UI_VIEW_HELP)
		ui_help_draw(ui);
	else if (ui->view == UI_VIEW_ANSWER)
		ui_answer_draw(ui);
	else {
		ui_chrome_header(ui, NULL);
		ui_matrix_draw(ui);
		ui_answer_pane_draw(ui, l->ans_y, l->ans_x, l->ans_h,
		    l->ans_w);
		ui_detail_draw(ui, l->det_y, l->det_x, l->det_h, l->det_w);
		ui_chrome_footer(ui, UI_IN_MATRIX, NULL);
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
		ui_state_update(ui);
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

static void
ui_save(struct ui *ui, bool overwrite)
{
	char		 path[PATH_MAX];
	const char	*home, *in = ui->input;
	FILE		*fp;
	size_t		 n;
	int		 fd, rc, e;
	bool		 json;

	if (ui->input_len == 0) {
		ui_state_msg(ui, true, "not saved: no file name");
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
		ui_state_msg(ui, true, "cannot save to %s: %s", path,
		    strerror(errno));
		return;
	}
	if (isatty(fd)) {
		close(fd);
		ui_state_msg(ui, true, "not saved: %s is a terminal", path);
		return;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		e = errno;
		close(fd);
		ui_state_msg(ui, true, "cannot save to %s: %s", path,
		    strerror(e));
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
		ui_state_msg(ui, true, "writing %s failed: %s", path,
		    strerror(e));
	else
		ui_state_msg(ui, false, "saved the %s report to %s%s",
		    json ? "JSON" : "text", path, run_is_done(ui->run) ? "" :
		    " (some probes were still running)");
}

/* What keys asked for and only the controller does: probe again, save. */
static void
ui_actions(struct ui *ui)
{
	const struct port_row	*pr;
	unsigned		 act = ui->act;
	enum probe_mode		 m;

	ui->act = 0;
	if ((act & UI_A_REPROBE) && ui_state_selected(ui) != NULL) {
		m = ui->modes[ui->sel_col];
		pr = run_get_row(ui->run, ui->sel_row);
		log_debug("ui: probe %s %u %s again", pr->dialect->label,
		    (unsigned)pr->port, facts_mode_name(m));
		run_reprobe(ui->run, ui->sel_addr, ui->sel_row, m);
		ui_state_msg(ui, false, "probing %s %u %s again",
		    pr->dialect->label, (unsigned)pr->port,
		    facts_mode_client(m));
	}
	if (act & UI_A_REPROBE_ALL) {
		log_debug("ui: probe every cell again");
		ui->rounds++;
		run_reprobe_all(ui->run);
		ui_state_msg(ui, false, "probing every cell again");
	}
	if (act & UI_A_SAVE)
		ui_save(ui, (act & UI_A_OVERWRITE) != 0);
}

static int
ui_mouse(struct ui *ui)
{
	MEVENT	me;

	int	i, res = 0, key;

	if (getmouse(&me) != OK || ui->prompt != UI_P_NONE)
		return 0;
	if (me.bstate & (UI_WHEEL_UP | UI_WHEEL_DOWN)) {
		/*
		 * The wheel scrolls what is under it: the detail pane, or
		 * else the selection in the matrix; the transcript and the
		 * help by three lines.
		 */
		key = UI_FK((me.bstate & UI_WHEEL_UP) ? KEY_UP : KEY_DOWN);
		if (ui->view == UI_VIEW_MATRIX && me.y >= ui->lay.det_y &&
		    me.x >= ui->lay.det_x)
			return ui_state_detail_scroll(ui, (me.bstate &
			    UI_WHEEL_UP) ? -UI_WHEEL_LINES : UI_WHEEL_LINES) ?
			    UI_R_HANDLED | UI_R_REDRAW : UI_R_HANDLED;
		for (i = 0; i < (ui->view == UI_VIEW_MATRIX ? 1 :
		    UI_WHEEL_LINES); i++)
			res |= ui_keys_dispatch(ui, key);
		return res;
	}
	if (!(me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return 0;
	if (ui->view != UI_VIEW_MATRIX)
		return 0;
	/* A click on the answer pane opens the answer in full. */
	if (ui->lay.ans_h > 0 && me.y >= ui->lay.ans_y &&
	    me.y < ui->lay.ans_y + ui->lay.ans_h && me.x >= ui->lay.ans_x &&
	    me.x < ui->lay.ans_x + ui->lay.ans_w)
		return ui_keys_dispatch(ui, 'a');
	if (ui_state_hit(ui, me.y, me.x))
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
				res |= ui_keys_dispatch(ui, UI_FK((int)wc));
		} else
			res |= ui_keys_dispatch(ui, (int)wc);
		if (ui->act != 0)
			ui_actions(ui);
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
	/* --no-mouse leaves the mouse to the terminal, for selecting text
	 * (with the mouse ours, Shift-drag selects in most terminals). */
	mouse = !o->no_mouse && mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED |
	    UI_WHEEL_UP | UI_WHEEL_DOWN, NULL) != 0;
	ui_crash_prepare(mouse);
	log_debug("ui: %dx%d, mouse %s, watch %s every %u s", COLS, LINES,
	    mouse ? "on" : "off", ui->watch ? "on" : "off", ui->watch_s);
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
	ui_state_answer_free(ui);
	if (ui->signo != 0)
		log_debug("ui: ended by signal %d", ui->signo);
	return rc;
}
