/* SPDX-License-Identifier: ISC */
/*
 * Blocks of facts that more than one view shows: the TLS line, whether the
 * certificate was verified and why not, one certificate and its dates.
 * They write into a ui_doc through the drawing primitives; server bytes
 * only through the sanitiser.  Never calls a view or the controller.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "facts.h"
#include "sanitize.h"
#include "ui_view.h"

#define UI_BLOCK_OUT	600	/* sanitised bytes per failure text */

void
ui_blocks_date(char *buf, size_t size, int64_t t, bool with_time)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	strftime(buf, size, with_time ? "%Y-%m-%d %H:%M:%S UTC" :
	    "%Y-%m-%d", &tm);
}

void
ui_blocks_validity(struct ui_doc *d, const struct cert_info *ci)
{
	struct ui	*ui = d->ui;
	struct ui_lbuf	 it;
	char		 from[40], to[40];

	ui_doc_label(d, "Valid");
	ui_blocks_date(from, sizeof from, ci->not_before, false);
	ui_blocks_date(to, sizeof to, ci->not_after, false);
	it.n = 0;
	ui_lb_printf(&it, 0, "%s to %s", from, to);
	ui_doc_flow(d, &it, "  ");
	it.n = 0;
	if (ci->days_left < 0)
		ui_lb_printf(&it, ui_attr(ui, UI_E_BAD),
		    "(expired %lld day%s ago)", (long long)-ci->days_left,
		    ci->days_left == -1 ? "" : "s");
	else
		ui_lb_printf(&it, ci->days_left < 14 ? ui_attr(ui, UI_E_WARN) :
		    ui_attr(ui, UI_E_DIM), "(%lld day%s left)",
		    (long long)ci->days_left, ci->days_left == 1 ? "" : "s");
	ui_doc_flow(d, &it, "  ");
	ui_doc_end_line(d);
}

void
ui_blocks_verified(struct ui_doc *d, const struct tls_facts *t)
{
	struct ui	*ui = d->ui;
	int		 i;
	bool		 any = false;

	ui_doc_label(d, "Verified");
	if (t->verified) {
		ui_doc_item(d, ui_attr(ui, UI_E_GOOD), "yes: chain and name "
		    "check out");
		ui_doc_end_line(d);
		return;
	}
	ui_doc_item(d, ui_attr(ui, UI_E_WARN), "NO:");
	for (i = 0; i < TLS_PROB_LAST; i++) {
		if (t->problems & TLS_PROB_BIT(i)) {
			ui_doc_item(d, ui_attr(ui, UI_E_WARN),
			    facts_problem_words((enum tls_problem)i));
			any = true;
		}
	}
	if (!any)
		ui_doc_item(d, ui_attr(ui, UI_E_WARN), "not checked");
	ui_doc_end_line(d);
}

void
ui_blocks_tls(struct ui_doc *d, const struct tls_facts *t)
{
	struct ui	*ui = d->ui;
	struct ui_lbuf	 lb;

	ui_doc_label(d, "TLS");
	if (t->established) {
		ui_doc_item(d, ui_attr(ui, UI_E_GOOD), t->version);
		if (t->cipher[0] != '\0')
			ui_doc_item(d, 0, t->cipher);
		if (t->group[0] != '\0')
			ui_doc_item(d, ui_attr(ui, UI_E_DIM), t->group);
	} else if (t->failure != NULL) {
		ui_doc_item(d, ui_attr(ui, UI_E_BAD), "handshake failed:");
		lb.n = 0;
		ui_lb_raw(ui, &lb, ui_attr(ui, UI_E_BAD), t->failure,
		    strlen(t->failure), ui->san_flags | SAN_TAB_SPACE,
		    UI_BLOCK_OUT);
		ui_doc_words(d, &lb);
	} else
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "handshake not "
		    "finished");
	if (t->legacy_suspected)
		ui_doc_item(d, ui_attr(ui, UI_E_WARN), "(server seems to "
		    "speak only TLS 1.0/1.1)");
	if (t->client_cert_requested)
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "(asked for a client "
		    "certificate)");
	ui_doc_end_line(d);
}

void
ui_blocks_cert(struct ui_doc *d, const struct cert_info *ci, bool full)
{
	struct ui	*ui = d->ui;
	char		 s[160], date[40];
	size_t		 i;

	ui_doc_rawline(d, "Subject", 0, ci->subject.p, ci->subject.n);
	if (ci->san.n > 0 || full) {
		ui_doc_label(d, "SANs");
		if (ci->san.n == 0)
			ui_doc_item(d, ui_attr(ui, UI_E_DIM), "(none)");
		for (i = 0; i < ci->san.n; i++)
			ui_doc_rawitem(d, 0, &ci->san.v[i]);
		ui_doc_end_line(d);
	}
	ui_doc_rawline(d, "Issuer", 0, ci->issuer.p, ci->issuer.n);
	if (full) {
		ui_doc_label(d, "Serial");
		ui_doc_item(d, 0, ci->serial);
		ui_doc_end_line(d);
		ui_doc_label(d, "Not before");
		ui_blocks_date(date, sizeof date, ci->not_before, true);
		ui_doc_item(d, 0, date);
		ui_doc_end_line(d);
		ui_doc_label(d, "Not after");
		ui_blocks_date(date, sizeof date, ci->not_after, true);
		ui_doc_item(d, 0, date);
		ui_doc_end_line(d);
		ui_blocks_validity(d, ci);
	}
	ui_doc_label(d, "Key");
	snprintf(s, sizeof s, "%s %d bits", ci->key_type, ci->key_bits);
	ui_doc_item(d, 0, s);
	if (ci->sig_alg[0] != '\0') {
		snprintf(s, sizeof s, "signed %s", ci->sig_alg);
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), s);
	}
	if (ci->self_issued)
		ui_doc_item(d, ui_attr(ui, UI_E_WARN), "self-issued");
	ui_doc_end_line(d);
}
