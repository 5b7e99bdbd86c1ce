/* SPDX-License-Identifier: ISC */
/*
 * What frames every view: the header line (targets, progress, watch), the
 * footer (a prompt, a status message, or the keys of the view from the key
 * table), the title of a cell and the title rules.  It reads the model and
 * the state; it never calls the controller or a view.
 */
#include "config.h"

#include <sys/socket.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "advice.h"
#include "dialect.h"
#include "probe.h"
#include "run.h"
#include "sanitize.h"
#include "ui_view.h"

/* "SMTP 587 submission | STARTTLS | 127.0.0.1" */
void
ui_chrome_probe_title(struct ui *ui, struct ui_lbuf *lb, size_t addr,
    size_t row, enum probe_mode m, unsigned attr)
{
	const struct port_row	*pr = run_get_row(ui->run, row);
	const struct run_addr	*a = run_get_addr(ui->run, addr);
	const char		*sep = ui_glyph(ui, UI_G_SEP);

	if (pr == NULL)
		return;
	ui_lb_printf(lb, attr, "%s %u %s %s %s", pr->dialect->label,
	    (unsigned)pr->port, pr->service, sep, facts_mode_client(m));
	if (a != NULL)
		ui_lb_printf(lb, attr, " %s %s", sep, a->text);
}

void
ui_chrome_rule(struct ui *ui, int y, int x, int w,
    const struct ui_lbuf *title)
{
	struct ui_lbuf	 lb;
	const char	*h = ui_glyph(ui, UI_G_HLINE);
	unsigned	 dim = ui_attr(ui, UI_E_DIM);

	lb.n = 0;
	ui_lb_add(&lb, dim, h);
	ui_lb_add(&lb, dim, h);
	ui_lb_add(&lb, 0, " ");
	ui_lb_cat(&lb, title);
	ui_lb_add(&lb, 0, " ");
	while (ui_lb_width(&lb) < w && lb.n + strlen(h) < UI_LB_MAX)
		ui_lb_add(&lb, dim, h);
	ui_lb_draw(ui, y, x, w, &lb, 0, 0, true);
}

/*
 * The header: what is probed, how far it got, and the watch state.  With
 * a view title (transcript, help) that title replaces the targets.
 */
void
ui_chrome_header(struct ui *ui, const char *title)
{
	struct ui_lbuf	 lb, rt;
	const struct run_addr *a;
	const struct run_host *h;
	unsigned	 bar = ui_attr(ui, UI_E_BAR);
	unsigned	 key = ui_attr(ui, UI_E_BAR_KEY);
	size_t		 i, done, total;
	char		 t[32];
	int		 rw, left;

	lb.n = rt.n = 0;
	run_get_counts(ui->run, &done, &total);
	ui_fmt_us(t, sizeof t, (int64_t)run_get_elapsed_us(ui->run));
	if (ui->watch && ui->paused)
		ui_lb_printf(&rt, key, " watch %us paused ", ui->watch_s);
	else if (ui->watch)
		ui_lb_printf(&rt, key, " watch %us ", ui->watch_s);
	if (ui->watch) {
		left = ui_state_watch_left(ui);
		if (left >= 0)
			ui_lb_printf(&rt, bar, " next %ds ", left);
		ui_lb_add(&rt, bar, ui_glyph(ui, UI_G_SEP));
	}
	ui_lb_printf(&rt, bar, " %zu/%zu done ", done, total);
	ui_lb_add(&rt, bar, ui_glyph(ui, UI_G_SEP));
	ui_lb_printf(&rt, bar, " %s ", t);

	ui_lb_add(&lb, key, " mailports ");
	if (title != NULL) {
		ui_lb_add(&lb, bar, ui_glyph(ui, UI_G_SEP));
		ui_lb_add(&lb, bar, " ");
		ui_lb_add(&lb, bar, title);
	} else {
		for (i = 0; i < run_host_count(ui->run); i++) {
			h = run_get_host(ui->run, i);
			ui_lb_add(&lb, bar, i == 0 ? " " : ", ");
			ui_lb_raw(ui, &lb, bar, h->name, strlen(h->name),
			    SAN_TAB_SPACE, 80);
		}
		for (i = 0; i < run_addr_count(ui->run); i++) {
			a = run_get_addr(ui->run, i);
			if (a->family == AF_UNSPEC)
				continue;
			ui_lb_add(&lb, bar, " ");
			ui_lb_add(&lb, bar, ui_glyph(ui, UI_G_SEP));
			ui_lb_add(&lb, bar, " ");
			ui_lb_add(&lb, bar, a->text);
		}
	}
	rw = ui_lb_width(&rt);
	if (rw > COLS * 2 / 3) {
		rw = 0;
		rt.n = 0;
	}
	ui_lb_draw(ui, 0, 0, COLS - rw, &lb, 0, bar, true);
	if (rw > 0)
		ui_lb_draw(ui, 0, COLS - rw, rw, &rt, 0, bar, false);
}

/*
 * "My setting: POP3  port 110  SSL/TLS" with the field that has focus in
 * reverse video, then as many hints as fit (80 columns: all four, with a
 * five-digit port).
 */
static void
ui_chrome_setting(struct ui *ui)
{
	struct ui_lbuf	 lb, it;
	const char	*hints[4];
	unsigned	 pa = ui_attr(ui, UI_E_PROMPT);
	unsigned	 hi = ui_attr(ui, UI_E_DIM);
	char		 port[16];
	size_t		 i;

	hints[0] = "Tab next";
	hints[1] = "change";
	hints[2] = "Enter check";
	hints[3] = "Esc cancel";
	lb.n = 0;
	ui_lb_add(&lb, pa, "My setting: ");
	ui_lb_add(&lb, ui->set_field == UI_SF_PROTO ? A_REVERSE : A_BOLD,
	    advice_proto_label(ui->set_proto));
	ui_lb_add(&lb, pa, "  port ");
	if (ui->set_port > 0)
		snprintf(port, sizeof port, "%u", ui->set_port);
	else
		snprintf(port, sizeof port, "_");
	ui_lb_add(&lb, ui->set_field == UI_SF_PORT ? A_REVERSE : A_BOLD,
	    port);
	ui_lb_add(&lb, pa, "  ");
	ui_lb_add(&lb, ui->set_field == UI_SF_SECURITY ? A_REVERSE : A_BOLD,
	    facts_mode_client(ui->set_mode));
	ui_lb_add(&lb, pa, " ");
	for (i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		it.n = 0;
		ui_lb_add(&it, hi, " ");
		if (i == 1) {
			ui_lb_add(&it, hi, ui_glyph(ui, UI_G_UPDOWN));
			ui_lb_add(&it, hi, " ");
		}
		ui_lb_add(&it, hi, hints[i]);
		if (ui_lb_width(&lb) + ui_lb_width(&it) > COLS)
			break;
		ui_lb_cat(&lb, &it);
	}
	ui_lb_draw(ui, LINES - 1, 0, COLS, &lb, 0, 0, true);
}

static void
ui_chrome_prompt(struct ui *ui)
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
	case UI_P_SETTING:
		ui_chrome_setting(ui);
		return;
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
ui_chrome_footer(struct ui *ui, unsigned where, const char *right)
{
	struct ui_lbuf	 lb, it;
	const struct ui_key *keys, *k;
	unsigned	 bar = ui_attr(ui, UI_E_BAR);
	unsigned	 key = ui_attr(ui, UI_E_BAR_KEY);
	size_t		 i, nkeys;
	int		 rw, cur, y = LINES - 1;

	if (ui->prompt != UI_P_NONE) {
		ui_chrome_prompt(ui);
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
	keys = ui_keys_table(&nkeys);
	for (i = 0; i < nkeys; i++) {
		k = &keys[i];
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
		ui_lb_cat(&lb, &it);
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

/* The notice must itself fit: the longest form that does. */
void
ui_chrome_too_small(struct ui *ui, int min_cols, int min_lines)
{
	char	msg[128];
	int	i, n;

	for (i = 0; i < 4; i++) {
		switch (i) {
		case 0:
			n = snprintf(msg, sizeof msg, "mailports: window too "
			    "small (%dx%d, needs %dx%d); q quits", COLS, LINES,
			    min_cols, min_lines);
			break;
		case 1:
			n = snprintf(msg, sizeof msg, "too small: %dx%d, needs "
			    "%dx%d; q quits", COLS, LINES, min_cols,
			    min_lines);
			break;
		case 2:
			n = snprintf(msg, sizeof msg, "needs %dx%d; q quits",
			    min_cols, min_lines);
			break;
		default:
			n = snprintf(msg, sizeof msg, "%dx%d", min_cols,
			    min_lines);
			break;
		}
		if (n <= COLS)
			break;
	}
	ui_put(ui, 0, 0, COLS, ui_attr(ui, UI_E_BAR), msg);
}
