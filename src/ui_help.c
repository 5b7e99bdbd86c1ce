/* SPDX-License-Identifier: ISC */
/*
 * The help view: every key, generated from the key table in ui_keys.c so the
 * two never disagree [tig], and a legend of what the cells, columns and
 * transcript markers mean.  Reads no model data.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "opts.h"
#include "report.h"
#include "transcript.h"
#include "ui_view.h"

#define UI_HELP_KEYS_W	16	/* key names column */

struct ui_section {
	unsigned	 where;		/* UI_IN_* as in the table */
	const char	*title;		/* heading */
};

static const struct ui_section ui_sections[] = {
	{ UI_IN_MATRIX, "Matrix" },
	{ UI_IN_TRANSCRIPT, "Transcript, hex and certificates" },
	{ UI_IN_ANSWER, "Answer (a): what to type into a mail program" },
	{ UI_IN_HELP, "This help" },
	{ UI_IN_ALL, "Everywhere" },
};

/* Example cells for the legend: glyph, word, tone, meaning. */
struct ui_legend {
	enum ui_glyph	 glyph;		/* its glyph, UI_G_LAST: spinner */
	const char	*word;		/* as in a cell */
	int		 tone;		/* TONE_* */
	const char	*meaning;	/* in words */
};

static const struct ui_legend ui_legend[] = {
	{ UI_G_LAST, "greeting 1.2s", TONE_PENDING,
	    "still probing: the phase and the time so far" },
	{ UI_G_QUEUED, "queued", TONE_PENDING,
	    "waiting for a free connection slot" },
	{ UI_G_OK, "ok TLS1.3", TONE_GOOD,
	    "works, encrypted, certificate verified" },
	{ UI_G_WARN, "expired", TONE_WARN,
	    "works, but the certificate has a problem, named first: "
	    "expired, untrusted, wrong name, self-signed, not yet valid; "
	    "the TLS version follows where there is room" },
	{ UI_G_WARN, "password in clear", TONE_WARN,
	    "works without encryption and the server offers a login: the "
	    "password would travel unencrypted" },
	{ UI_G_WARN, "plaintext on 465", TONE_WARN,
	    "plaintext on a port meant for TLS from the first byte (465, "
	    "993, 995)" },
	{ UI_G_OK, "ok plain", TONE_NEUTRAL,
	    "works without any encryption, no login offered" },
	{ UI_G_NO, "not offered", TONE_NEUTRAL,
	    "the server does not offer STARTTLS here" },
	{ UI_G_NO, "needs SSL/TLS", TONE_NEUTRAL,
	    "wrong mode: the port speaks TLS from the first byte" },
	{ UI_G_NO, "plaintext port", TONE_NEUTRAL,
	    "wrong mode: the port speaks plaintext first" },
	{ UI_G_NO, "refused", TONE_NEUTRAL,
	    "connection refused: nothing listens on this port" },
	{ UI_G_BAD, "timeout", TONE_BAD,
	    "no answer in time; the phase follows where there is room" },
	{ UI_G_BAD, "TLS failed", TONE_BAD,
	    "the TLS handshake failed (\"TLS too old\": the server seems "
	    "to speak only TLS 1.0/1.1)" },
	{ UI_G_BAD, "STARTTLS refused", TONE_BAD,
	    "STARTTLS is offered but the command is refused" },
	{ UI_G_BAD, "service refused", TONE_BAD,
	    "the server greets with a refusal (554, -ERR, BYE)" },
	{ UI_G_BAD, "protocol error", TONE_BAD,
	    "the server broke the protocol; see the reason" },
};


static void
ui_help_line(struct ui_doc *d, unsigned a1, const char *left, int leftw,
    unsigned a2, const char *right)
{
	struct ui_lbuf	text;

	ui_lb_add(&d->lb, 0, "  ");
	ui_lb_add(&d->lb, a1, left);
	ui_lb_pad(&d->lb, 0, 2 + leftw + 2);
	d->indent = ui_lb_width(&d->lb);
	text.n = 0;
	ui_lb_add(&text, a2, right);
	ui_doc_words(d, &text);
	ui_doc_end_line(d);
}

static void
ui_help_title(struct ui_doc *d, const char *title)
{
	if (d->line > 0)
		ui_doc_end_line(d);
	ui_lb_add(&d->lb, ui_attr(d->ui, UI_E_TITLE), title);
	ui_doc_end_line(d);
}

void
ui_help_draw(struct ui *ui)
{
	const struct ui_key	*k;
	const struct ui_legend	*lg;
	struct ui_doc		 d;
	char			 cell[64], right[32];
	size_t			 nkeys, i, s;
	int			 h = LINES - 2;
	unsigned		 w;

	ui_chrome_header(ui, "help");
	if (h < 1)
		return;
	if (ui->h_top > ui->h_lines - h)
		ui->h_top = ui->h_lines - h;
	if (ui->h_top < 0)
		ui->h_top = 0;
	ui_doc_begin(&d, ui, 1, 1, COLS - 2, h, ui->h_top, 0);
	k = ui_keys_table(&nkeys);
	for (s = 0; s < sizeof ui_sections / sizeof ui_sections[0]; s++) {
		w = ui_sections[s].where;
		ui_help_title(&d, ui_sections[s].title);
		for (i = 0; i < nkeys; i++) {
			if (w == UI_IN_ALL ? k[i].where != UI_IN_ALL :
			    !(k[i].where & w) || k[i].where == UI_IN_ALL)
				continue;
			ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), k[i].names,
			    UI_HELP_KEYS_W, 0, k[i].help);
		}
	}

	/* The setting prompt reads its keys itself (ui_keys.c). */
	ui_help_title(&d, "Check my setting (m)");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), "Tab Right",
	    UI_HELP_KEYS_W, 0, "next field: protocol, port, security "
	    "(Shift-Tab, Left: back)");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), "Up Down Space",
	    UI_HELP_KEYS_W, 0, "change the field: the protocol, the ports "
	    "probed for it, None / STARTTLS / SSL/TLS");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), "0-9 i p s",
	    UI_HELP_KEYS_W, 0, "type a port; pick IMAP, POP3 or SMTP");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), "Enter", UI_HELP_KEYS_W,
	    0, "check it as --setting does: works or not, why, what to "
	    "change");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), "Esc", UI_HELP_KEYS_W,
	    0, "cancel");

	ui_help_title(&d, "Answer pane (under the matrix)");
	snprintf(cell, sizeof cell, "%s secure", ui_glyph(ui, UI_G_OK));
	ui_help_line(&d, ui_tone_attr(ui, TONE_GOOD), cell,
	    UI_HELP_KEYS_W + 4, 0, "encrypted with a verified certificate: "
	    "type this setting into the mail program");
	snprintf(cell, sizeof cell, "%s expired", ui_glyph(ui, UI_G_WARN));
	ui_help_line(&d, ui_tone_attr(ui, TONE_WARN), cell,
	    UI_HELP_KEYS_W + 4, 0, "the best there is, but the certificate "
	    "has this problem: a mail program warns");
	snprintf(cell, sizeof cell, "%s not encrypted",
	    ui_glyph(ui, UI_G_BAD));
	ui_help_line(&d, ui_tone_attr(ui, TONE_BAD), cell,
	    UI_HELP_KEYS_W + 4, 0, "nothing encrypted works here: ask your "
	    "provider");
	snprintf(cell, sizeof cell, "%s", ui->utf8 ? "\xe2\x80\xa6" :
	    "...");
	ui_help_line(&d, ui_tone_attr(ui, TONE_PENDING), cell,
	    UI_HELP_KEYS_W + 4, 0, "cells that decide it are still probing");

	ui_help_title(&d, "Mouse");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), "click", UI_HELP_KEYS_W,
	    0, "select the cell under the pointer; on the answer pane: the "
	    "answer in full");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), "wheel", UI_HELP_KEYS_W,
	    0, "scroll the detail pane under the pointer, else move the "
	    "selection; scroll the transcript and this help");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), "select text",
	    UI_HELP_KEYS_W, 0, ui->opts->no_mouse ? "as usual: the mouse is "
	    "the terminal's (--no-mouse)" : "hold Shift while dragging (most "
	    "terminals), or start mailports with --no-mouse");

	ui_help_title(&d, "Cells: a glyph and a word; colour only repeats "
	    "them");
	for (i = 0; i < sizeof ui_legend / sizeof ui_legend[0]; i++) {
		lg = &ui_legend[i];
		snprintf(cell, sizeof cell, "%s %s", lg->glyph == UI_G_LAST ?
		    ui->spinner[0] : ui_glyph(ui, lg->glyph), lg->word);
		ui_help_line(&d, ui_tone_attr(ui, lg->tone), cell,
		    UI_HELP_KEYS_W + 4, 0, lg->meaning);
	}

	ui_help_title(&d, "Watch mode (w), like mtr");
	snprintf(cell, sizeof cell, "%s%s expired", ui->spinner[0],
	    ui_glyph(ui, UI_G_WARN));
	ui_help_line(&d, ui_tone_attr(ui, TONE_WARN), cell,
	    UI_HELP_KEYS_W + 4, 0, "probing again: the last verdict stays "
	    "until the new one is in");
	ui_help_line(&d, ui_attr(ui, UI_E_BAD), "2/9", UI_HELP_KEYS_W + 4, 0,
	    "100 columns and more: runs with a problem (failed, or a "
	    "certificate or password problem) / runs");

	ui_help_title(&d, "Columns: the words mail programs use");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), facts_mode_client(
	    MODE_PLAIN), UI_HELP_KEYS_W, 0, "plaintext, no encryption");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), facts_mode_client(
	    MODE_STARTTLS), UI_HELP_KEYS_W, 0, "plaintext first, then "
	    "upgraded to TLS (RFC 3207, 2595)");
	ui_help_line(&d, ui_attr(ui, UI_E_COLHEAD), facts_mode_client(
	    MODE_TLS), UI_HELP_KEYS_W, 0, "TLS from the first byte, "
	    "\"implicit TLS\" (RFC 8314)");

	ui_help_title(&d, "Transcript columns");
	ui_help_line(&d, ui_attr(ui, UI_E_CLIENT) | A_BOLD,
	    transcript_dir_tag(TR_CLIENT), UI_HELP_KEYS_W, 0,
	    "a line mailports sent");
	ui_help_line(&d, ui_attr(ui, UI_E_SERVER) | A_BOLD,
	    transcript_dir_tag(TR_SERVER), UI_HELP_KEYS_W, 0,
	    "a line the server sent (shown escaped)");
	ui_help_line(&d, ui_attr(ui, UI_E_TLS) | A_BOLD,
	    transcript_dir_tag(TR_TLS), UI_HELP_KEYS_W, 0,
	    "a TLS event (handshake, certificate)");
	ui_help_line(&d, ui_attr(ui, UI_E_NET) | A_BOLD,
	    transcript_dir_tag(TR_NET), UI_HELP_KEYS_W, 0,
	    "connect, close, reset");
	ui_help_line(&d, ui_attr(ui, UI_E_NOTE) | A_BOLD,
	    transcript_dir_tag(TR_NOTE), UI_HELP_KEYS_W, 0,
	    "an observation of mailports");
	ui_help_line(&d, ui_attr(ui, UI_E_STATE) | A_BOLD,
	    transcript_dir_tag(TR_STATE), UI_HELP_KEYS_W, 0,
	    "the probe moved to another phase");
	ui_help_line(&d, ui_attr(ui, UI_E_SEC_PLAIN), "plain",
	    UI_HELP_KEYS_W, 0, "travelled unencrypted");
	ui_help_line(&d, ui_attr(ui, UI_E_SEC_TLS), "tls", UI_HELP_KEYS_W, 0,
	    "inside TLS, certificate NOT verified");
	ui_help_line(&d, ui_attr(ui, UI_E_SEC_VERIFIED),
	    ui_glyph(ui, UI_G_VERIFIED), UI_HELP_KEYS_W, 0,
	    "inside TLS, certificate verified");

	ui_help_title(&d, "Server text");
	ui_help_line(&d, ui_attr(ui, UI_E_ESCAPE), "^[ ^@ ^?",
	    UI_HELP_KEYS_W, 0, "control bytes (ESC, NUL, DEL), never sent "
	    "to the terminal");
	ui_help_line(&d, ui_attr(ui, UI_E_ESCAPE), "\\xC0", UI_HELP_KEYS_W,
	    0, "a byte that is not valid text here");
	ui_help_line(&d, ui_attr(ui, UI_E_ESCAPE), "<U+202E>",
	    UI_HELP_KEYS_W, 0, "an invisible or reordering character");
	ui_help_line(&d, ui_attr(ui, UI_E_ESCAPE), "\\t \\r \\n",
	    UI_HELP_KEYS_W, 0, "tab, stray CR or LF inside a line");
	ui_help_line(&d, 0, "", UI_HELP_KEYS_W, ui_attr(ui, UI_E_DIM),
	    "Escapes are drawn in reverse video: no server can fake them.");
	ui->h_lines = d.line;

	snprintf(right, sizeof right, "%d-%d/%d", ui->h_top + 1,
	    ui->h_top + h < d.line ? ui->h_top + h : d.line, d.line);
	ui_chrome_footer(ui, UI_IN_HELP, right);
}
