/* SPDX-License-Identifier: ISC */
/*
 * The key table and its handlers: dispatch, the footer and the help all
 * read the one table [tig, htop].  Handlers change what the screen shows
 * (ui_state) and return UI_R_* bits; what touches the world (probing
 * again, writing a file) they only ask for in ui->act, and the controller
 * does it.  Nothing here draws or calls a view.
 */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "advice.h"
#include "dialect.h"
#include "probe.h"
#include "run.h"
#include "ui_view.h"

#define UI_HSTEP	8		/* columns per sideways step */

enum ui_move {
	UI_MV_UP, UI_MV_DOWN, UI_MV_LEFT, UI_MV_RIGHT, UI_MV_HOME, UI_MV_END
};

static int	ui_k_move(struct ui *, int);
static int	ui_k_block(struct ui *, int);
static int	ui_k_open(struct ui *, int);
static int	ui_k_detail(struct ui *, int);
static int	ui_k_reprobe(struct ui *, int);
static int	ui_k_reprobe_all(struct ui *, int);
static int	ui_k_watch(struct ui *, int);
static int	ui_k_pause(struct ui *, int);
static int	ui_k_interval(struct ui *, int);
static int	ui_k_zero(struct ui *, int);
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
static int	ui_k_answer(struct ui *, int);
static int	ui_k_ascroll(struct ui *, int);
static int	ui_k_ahost(struct ui *, int);
static int	ui_k_setting(struct ui *, int);

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
	{ UI_IN_MATRIX, { 'a' }, "a", "a", -1, "answer",
	    "the answer in full: the settings to type into a mail program, "
	    "your setting's verdict, every finding with its cells and fix",
	    ui_k_answer, 0 },
	{ UI_IN_MATRIX, { 'm' }, "m", NULL, -1, NULL,
	    "check my setting: pick protocol, port and security (Tab, "
	    "arrows, digits), Enter shows whether it works and what to "
	    "change (Esc cancels)", ui_k_setting, 0 },
	{ UI_IN_MATRIX, { '?', K(KEY_F(1)) }, "? F1", "?", -1, "help",
	    "this help: every key and what the screen means", ui_k_help, 0 },
	{ UI_IN_MATRIX, { 'q', UI_CTRL('c') }, "q", "q", -1, "quit",
	    "quit (also Q, Ctrl-C)", ui_k_quit, 0 },
	{ UI_IN_MATRIX, { 'c' }, "c", NULL, -1, NULL,
	    "certificate chain of the selected cell", ui_k_open, UI_T_CERT },
	{ UI_IN_MATRIX, { 'x' }, "x", NULL, -1, NULL,
	    "the exact bytes sent and received by the selected cell, in hex "
	    "(CR LF included; our own notes left out)", ui_k_open,
	    UI_T_HEX },
	{ UI_IN_MATRIX, { 'r' }, "r", "r/R", -1, "re-probe",
	    "probe the selected cell again", ui_k_reprobe, 0 },
	{ UI_IN_MATRIX, { 'R' }, "R", NULL, -1, NULL,
	    "probe every cell again", ui_k_reprobe_all, 0 },
	{ UI_IN_MATRIX, { 'w' }, "w", "w", -1, "watch",
	    "watch: probe everything again N s after each round (--watch N, "
	    "default 30) like mtr; cells keep their last verdict while they "
	    "probe again and count problems/runs", ui_k_watch, 0 },
	{ UI_IN_MATRIX, { 'p' }, "p", NULL, -1, NULL,
	    "watch: pause the rounds, again to resume", ui_k_pause, 0 },
	{ UI_IN_MATRIX, { '+', '=' }, "+", NULL, -1, NULL,
	    "watch: a longer interval between rounds", ui_k_interval, 1 },
	{ UI_IN_MATRIX, { '-' }, "-", NULL, -1, NULL,
	    "watch: a shorter interval between rounds", ui_k_interval, -1 },
	{ UI_IN_MATRIX, { 'z' }, "z", NULL, -1, NULL,
	    "watch: zero every cell's history (runs, problems, times)",
	    ui_k_zero, 0 },
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
	    "the exact bytes in hex (offset, hex, text), again for the lines",
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

	{ UI_IN_ANSWER, { K(KEY_UP), 'k' }, "Up k", NULL, UI_G_UPDOWN,
	    "scroll", "scroll up a line", ui_k_ascroll, UI_SC_LINE_UP },
	{ UI_IN_ANSWER, { K(KEY_DOWN), 'j' }, "Down j", NULL, -1, NULL,
	    "scroll down a line", ui_k_ascroll, UI_SC_LINE_DOWN },
	{ UI_IN_ANSWER, { K(KEY_PPAGE), 'b' }, "PgUp b", NULL, -1, NULL,
	    "scroll up a page", ui_k_ascroll, UI_SC_PAGE_UP },
	{ UI_IN_ANSWER, { K(KEY_NPAGE), ' ' }, "PgDn Space", NULL, -1, NULL,
	    "scroll down a page", ui_k_ascroll, UI_SC_PAGE_DOWN },
	{ UI_IN_ANSWER, { K(KEY_HOME), 'g' }, "Home g", NULL, -1, NULL,
	    "top", ui_k_ascroll, UI_SC_TOP },
	{ UI_IN_ANSWER, { K(KEY_END), 'G' }, "End G", NULL, -1, NULL,
	    "bottom", ui_k_ascroll, UI_SC_BOTTOM },
	{ UI_IN_ANSWER, { 'm' }, "m", "m", -1, "check my setting",
	    "check my setting: pick protocol, port and security, see the "
	    "verdict", ui_k_setting, 0 },
	{ UI_IN_ANSWER, { '\t' }, "Tab", NULL, -1, NULL,
	    "the answer for the next host (several hosts)", ui_k_ahost, 1 },
	{ UI_IN_ANSWER, { 27, 'q', 'a', K(KEY_BACKSPACE) }, "Esc q a", "q",
	    -1, "back", "back to the matrix", ui_k_back, 0 },
	{ UI_IN_ANSWER, { '?', K(KEY_F(1)) }, "? F1", "?", -1, "help",
	    "this help", ui_k_help, 0 },

	{ UI_IN_ALL, { 'Q' }, "Q", NULL, -1, NULL, "quit from any view",
	    ui_k_quit, 0 },
	{ UI_IN_ALL, { UI_CTRL('l') }, "Ctrl-L", NULL, -1, NULL,
	    "repaint the whole screen", ui_k_redraw, 0 },
};
#define UI_NKEYS	(sizeof ui_keys / sizeof ui_keys[0])

const struct ui_key *
ui_keys_table(size_t *n)
{
	*n = UI_NKEYS;
	return ui_keys;
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

	if (ui_state_selected(ui) == NULL)
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
	(void)arg;
	if (ui_state_selected(ui) == NULL)
		return UI_R_HANDLED;
	ui->act |= UI_A_REPROBE;
	ui->match = -1;
	ui->t_follow = false;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_reprobe_all(struct ui *ui, int arg)
{
	(void)arg;
	ui->act |= UI_A_REPROBE_ALL;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_watch(struct ui *ui, int arg)
{
	(void)arg;
	ui->watch = !ui->watch;
	ui->paused = false;
	if (ui->watch)
		ui_state_msg(ui, false, "watch on: every cell again %u s "
		    "after each round; history in the detail pane",
		    ui->watch_s);
	else
		ui_state_msg(ui, false, "watch off");
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_pause(struct ui *ui, int arg)
{
	(void)arg;
	if (!ui->watch) {
		ui_state_msg(ui, true, "not watching: w starts watch mode");
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	ui->paused = !ui->paused;
	ui_state_msg(ui, false, ui->paused ? "watch paused: p resumes" :
	    "watch resumed");
	return UI_R_HANDLED | UI_R_REDRAW;
}

/* Intervals people pick; + and - step through them. */
static const unsigned ui_intervals[] = {
	1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600
};
#define UI_NINTERVALS	(sizeof ui_intervals / sizeof ui_intervals[0])

static int
ui_k_interval(struct ui *ui, int dir)
{
	size_t		i;
	unsigned	s = ui->watch_s;

	if (dir > 0) {
		for (i = 0; i < UI_NINTERVALS && ui_intervals[i] <= s; i++)
			continue;
		s = i < UI_NINTERVALS ? ui_intervals[i] :
		    ui_intervals[UI_NINTERVALS - 1];
	} else {
		for (i = UI_NINTERVALS; i > 0 && ui_intervals[i - 1] >= s; i--)
			continue;
		s = i > 0 ? ui_intervals[i - 1] : ui_intervals[0];
	}
	ui_state_watch_set(ui, s);
	ui_state_msg(ui, false, "watch interval %u s%s", s, ui->watch ? "" :
	    " (w starts watch mode)");
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_zero(struct ui *ui, int arg)
{
	(void)arg;
	ui_state_hist_reset(ui);
	ui_state_msg(ui, false, "history cleared");
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

static int
ui_k_tscroll(struct ui *ui, int how)
{
	int	page = ui->t_page > 0 ? ui->t_page : 1;

	ui_state_scroll(&ui->t_top[ui->tmode], ui->t_lines, page, how);
	ui->t_follow = how == UI_SC_BOTTOM;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_hscroll_help(struct ui *ui, int how)
{
	ui_state_scroll(&ui->h_top, ui->h_lines, LINES - 2 > 1 ? LINES - 2 :
	    1, how);
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
		ui_state_msg(ui, true, "no search yet: press / first");
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	if (ui->tmode == UI_T_CERT)
		ui->tmode = UI_T_TEXT;
	from = ui->match >= 0 ? ui->match + dir : ui_state_t_top_event(ui);
	i = ui_state_t_find(ui, from, dir);
	if (i < 0) {
		ui_state_msg(ui, true, "not found: %s", ui->search);
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	if (ui->match >= 0 && ((dir > 0 && i <= ui->match) ||
	    (dir < 0 && i >= ui->match)))
		ui_state_msg(ui, false, "search wrapped around");
	ui->match = i;
	ui_state_t_show(ui, i);
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_tmode(struct ui *ui, int mode)
{
	const struct probe	*p = ui_state_selected(ui);
	int			 ev = ui->match >= 0 ? ui->match :
				    ui_state_t_top_event(ui);

	ui->tmode = ui->tmode == (enum ui_tmode)mode ? UI_T_TEXT :
	    (enum ui_tmode)mode;
	if (ui->tmode != UI_T_CERT) {
		ui->t_top[ui->tmode] = ev;
		if (ui->tmode == UI_T_HEX && p != NULL)
			ui->t_top[ui->tmode] = ui_state_t_line_of(ui, p, ev);
	}
	ui->t_follow = false;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_answer(struct ui *ui, int arg)
{
	(void)arg;
	ui->view = UI_VIEW_ANSWER;
	ui->a_top = 0;
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_ascroll(struct ui *ui, int how)
{
	ui_state_scroll(&ui->a_top, ui->a_lines, LINES - 2 > 1 ? LINES - 2 :
	    1, how);
	return UI_R_HANDLED | UI_R_REDRAW;
}

/* The answer follows the selected cell's host: select the first address
 * of the next host (addresses are in host order). */
static int
ui_k_ahost(struct ui *ui, int arg)
{
	size_t	naddr = run_addr_count(ui->run), k, a, host;

	(void)arg;
	if (naddr == 0)
		return UI_R_HANDLED;
	host = run_get_addr(ui->run, ui->sel_addr)->host;
	for (k = 1; k < naddr; k++) {
		a = (ui->sel_addr + k) % naddr;
		if (run_get_addr(ui->run, a)->host != host) {
			ui->sel_addr = a;
			ui->a_top = 0;
			ui->det_top = 0;
			return UI_R_HANDLED | UI_R_REDRAW;
		}
	}
	ui_state_msg(ui, false, "one host only");
	return UI_R_HANDLED | UI_R_REDRAW;
}

static int
ui_k_setting(struct ui *ui, int arg)
{
	(void)arg;
	ui_state_setting_init(ui);
	ui->prompt = UI_P_SETTING;
	return UI_R_HANDLED | UI_R_REDRAW;
}

/*
 * A key in the setting prompt: Tab and Left/Right move between the three
 * fields, Up/Down (and Space) change the one with focus, digits type a
 * port, i/p/s pick a protocol; Enter checks with the same advice_check as
 * --setting, Esc cancels.
 */
static int
ui_setting_key(struct ui *ui, int key)
{
	struct advice_given	g;

	if (key == 27) {
		ui->prompt = UI_P_NONE;
		ui_state_msg(ui, false, "check cancelled");
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	if (key == '\r' || key == '\n' || key == UI_FK(KEY_ENTER)) {
		if (ui->set_port == 0 || ui->set_port > 65535)
			return UI_R_HANDLED;
		memset(&g, 0, sizeof g);
		g.proto = ui->set_proto;
		g.port = (uint16_t)ui->set_port;
		g.security = ui->set_mode;
		snprintf(g.text, sizeof g.text, "%s:%u:%s",
		    advice_proto_name(g.proto), ui->set_port,
		    g.security == MODE_PLAIN ? "none" :
		    g.security == MODE_STARTTLS ? "starttls" : "ssl");
		ui_state_answer_check(ui, &g);
		ui->prompt = UI_P_NONE;
		ui->view = UI_VIEW_ANSWER;
		ui->a_to_mine = true;
		return UI_R_HANDLED | UI_R_REDRAW;
	}
	if (key == '\t' || key == UI_FK(KEY_RIGHT)) {
		ui->set_field = (enum ui_set_field)((ui->set_field + 1) %
		    UI_SF_LAST);
		ui->set_typed = false;
	} else if (key == UI_FK(KEY_BTAB) || key == UI_FK(KEY_LEFT)) {
		ui->set_field = (enum ui_set_field)((ui->set_field +
		    UI_SF_LAST - 1) % UI_SF_LAST);
		ui->set_typed = false;
	} else if (key == UI_FK(KEY_UP))
		ui_state_setting_step(ui, -1);
	else if (key == UI_FK(KEY_DOWN) || key == ' ')
		ui_state_setting_step(ui, 1);
	else if (key >= '0' && key <= '9') {
		/* Typing a number goes to the port, whatever has focus;
		 * the first digit replaces the port shown. */
		if (ui->set_field != UI_SF_PORT || !ui->set_typed)
			ui->set_port = 0;
		ui->set_field = UI_SF_PORT;
		ui->set_typed = true;
		if (ui->set_port * 10 + (unsigned)(key - '0') <= 65535)
			ui->set_port = ui->set_port * 10 +
			    (unsigned)(key - '0');
	} else if ((key == UI_FK(KEY_BACKSPACE) || key == 127 ||
	    key == UI_CTRL('h')) && ui->set_field == UI_SF_PORT) {
		ui->set_port /= 10;
		ui->set_typed = true;
	} else if (key == 'i' || key == 'I' || key == 'p' || key == 'P' ||
	    key == 's' || key == 'S') {
		ui->set_proto = key == 'i' || key == 'I' ? ADVICE_IMAP :
		    key == 'p' || key == 'P' ? ADVICE_POP3 : ADVICE_SMTP;
		/* Step there and back: the port follows the protocol. */
		ui->set_field = UI_SF_PROTO;
		ui_state_setting_step(ui, 1);
		ui_state_setting_step(ui, -1);
	} else
		return UI_R_HANDLED;
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
	i = ui_state_t_find(ui, ui_state_t_top_event(ui), 1);
	if (i < 0)
		return;
	ui->match = i;
	ui_state_t_show(ui, i);
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

/* A key while a prompt is open: edit the input, or finish the prompt. */
static int
ui_prompt_key(struct ui *ui, int key)
{
	char		mb[MB_LEN_MAX];
	mbstate_t	st;
	size_t		n;

	if (ui->prompt == UI_P_SETTING)
		return ui_setting_key(ui, key);
	if (ui->prompt == UI_P_OVERWRITE) {
		ui->prompt = UI_P_NONE;
		if (key == 'y' || key == 'Y')
			ui->act |= UI_A_SAVE | UI_A_OVERWRITE;
		else
			ui_state_msg(ui, true, "not saved");
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
		if (ui->prompt == UI_P_SAVE) {
			ui->prompt = UI_P_NONE;
			ui->act |= UI_A_SAVE;
		} else {
			ui->prompt = UI_P_NONE;
			if (ui->search[0] != '\0' && ui->match == -1)
				ui_state_msg(ui, true, "not found: %s",
				    ui->search);
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

int
ui_keys_dispatch(struct ui *ui, int key)
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
	    ui->view == UI_VIEW_HELP ? UI_IN_HELP :
	    ui->view == UI_VIEW_ANSWER ? UI_IN_ANSWER : UI_IN_MATRIX;
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
