/* SPDX-License-Identifier: ISC */
/*
 * The answer on the screen (issue 8): a pane under the matrix that says in
 * a mail program's words what to type for incoming and outgoing mail and
 * counts the findings, and a full view with every recommended setting, the
 * user's own settings and each finding with its cells and fix.  It reads
 * the advice through ui_state (computed when the run changed, never here)
 * and passes every sentence through the sanitiser: most are our words, but
 * names from certificates are not.  It never calls the controller or
 * another view.
 */
#include "config.h"

#include <sys/socket.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "advice.h"
#include "facts.h"
#include "opts.h"
#include "run.h"
#include "sanitize.h"
#include "ui_view.h"

#define UA_TEXT_OUT	600	/* sanitised bytes per sentence */
#define UA_NAME_OUT	100	/* sanitised bytes per certificate name */
#define UA_LABEL	" %-9s "	/* pane labels: " Incoming  " */

/* Order of importance when a setting has several certificate problems,
 * and the few words a matrix cell uses for each (report.c). */
static const struct {
	enum tls_problem	 p;		/* problem */
	const char		*word;		/* as in a cell */
} ua_problems[] = {
	{ TLS_PROB_EXPIRED, "expired" },
	{ TLS_PROB_HOSTNAME_MISMATCH, "wrong name" },
	{ TLS_PROB_SELF_SIGNED, "self-signed" },
	{ TLS_PROB_UNTRUSTED, "untrusted" },
	{ TLS_PROB_NOT_YET_VALID, "not yet valid" },
	{ TLS_PROB_REVOKED, "revoked" },
	{ TLS_PROB_NO_CERTIFICATE, "no certificate" },
	{ TLS_PROB_BAD_USAGE, "wrong key usage" },
	{ TLS_PROB_WEAK_KEY, "weak key" },
	{ TLS_PROB_WEAK_SIGNATURE, "weak signature" },
	{ TLS_PROB_OTHER, "unverified" },
};

/* Each finding as a heading a newcomer can read; the id follows it for
 * docs/findings.md. */
static const char *const ua_titles[ADVICE_F_LAST] = {
	[ADVICE_F_CERT_EXPIRED] = "certificate expired",
	[ADVICE_F_CERT_NOT_YET_VALID] = "certificate not yet valid",
	[ADVICE_F_CERT_HOSTNAME_MISMATCH] = "certificate for another name",
	[ADVICE_F_CERT_SELF_SIGNED] = "self-signed certificate",
	[ADVICE_F_CERT_UNTRUSTED] = "certificate not trusted",
	[ADVICE_F_NO_ENCRYPTION] = "no encryption at all",
	[ADVICE_F_STARTTLS_BROKEN] = "STARTTLS offered but broken",
	[ADVICE_F_IMPLICIT_TLS_PORT_PLAINTEXT] = "plaintext on a TLS port",
	[ADVICE_F_TLS_LEGACY] = "outdated TLS version",
	[ADVICE_F_PROTOCOL_VIOLATION] = "protocol violation",
	[ADVICE_F_LOGIN_BEFORE_TLS] = "password in clear",
	[ADVICE_F_STARTTLS_MISSING] = "no STARTTLS",
	[ADVICE_F_CERT_EXPIRING_SOON] = "certificate expires soon",
	[ADVICE_F_ADDRESS_MISMATCH] = "IPv4 and IPv6 differ",
	[ADVICE_F_SLOW_SERVICE] = "slow server",
	[ADVICE_F_PORT25_BLOCKED] = "port 25 blocked",
};

static const char *
ua_problem_word(unsigned problems)
{
	size_t	i;

	for (i = 0; i < sizeof ua_problems / sizeof ua_problems[0]; i++) {
		if (problems & TLS_PROB_BIT(ua_problems[i].p))
			return ua_problems[i].word;
	}
	return "unverified";
}

static const char *
ua_title(enum advice_finding_id id)
{
	if (id < ADVICE_F_LAST && ua_titles[id] != NULL)
		return ua_titles[id];
	return advice_finding_name(id);
}

/* "…" where the cells that decide are still probing. */
static const char *
ua_ellipsis(const struct ui *ui)
{
	return ui->utf8 ? "\xe2\x80\xa6" : "...";
}

/* A sentence of the advice: through the sanitiser like server text. */
static void
ua_raw(const struct ui *ui, struct ui_lbuf *lb, unsigned attr,
    const char *s)
{
	if (s != NULL)
		ui_lb_raw(ui, lb, attr, s, strlen(s),
		    ui->san_flags | SAN_TAB_SPACE, UA_TEXT_OUT);
}

/* The tone of a setting: secure, a certificate problem, no encryption. */
static void
ua_tone(const struct ui *ui, const struct advice_setting *s,
    unsigned *attr, const char **glyph, const char **word)
{
	if (s->secure) {
		*attr = ui_attr(ui, UI_E_GOOD);
		*glyph = ui_glyph(ui, UI_G_OK);
		*word = "secure";
	} else if (s->security == MODE_PLAIN) {
		*attr = ui_attr(ui, UI_E_BAD);
		*glyph = ui_glyph(ui, UI_G_BAD);
		*word = "not encrypted";
	} else {
		*attr = ui_attr(ui, UI_E_WARN);
		*glyph = ui_glyph(ui, UI_G_WARN);
		*word = ua_problem_word(s->problems);
	}
}

/*
 * "993 SSL/TLS ✓ secure": the port and the security as a mail program
 * labels them, then the glyph; the word "secure" only when words is set,
 * a problem always (it is the point).
 */
static void
ua_setting(const struct ui *ui, struct ui_lbuf *lb,
    const struct advice_setting *s, bool words)
{
	const char	*glyph, *word;
	unsigned	 a;

	ua_tone(ui, s, &a, &glyph, &word);
	ui_lb_printf(lb, 0, "%u %s ", (unsigned)s->port,
	    advice_security_words(s->security));
	ui_lb_add(lb, a, glyph);
	if (words || !s->secure) {
		ui_lb_add(lb, a, " ");
		ui_lb_add(lb, a, word);
	}
	if (words && s->relay)
		ui_lb_add(lb, ui_attr(ui, UI_E_DIM), " (relay port)");
}

/* How much of a protocol the pane says, from most to least. */
struct ua_fit {
	bool	 alts;		/* "(or 587 STARTTLS)" */
	bool	 words_first;	/* "secure" after the first protocol */
	bool	 words_rest;	/* and after the others */
};

static const struct ua_fit ua_fits[] = {
	{ true, true, true }, { false, true, true }, { false, true, false },
	{ false, false, false }
};

/* "IMAP 993 SSL/TLS ✓ secure (or 143 STARTTLS) …" */
static void
ua_proto(struct ui *ui, struct ui_lbuf *lb, const struct advice_host *h,
    size_t hostidx, enum advice_proto p, bool words, bool alts)
{
	const struct advice_rec		*r = h != NULL ? &h->rec[p] : NULL;
	const struct advice_setting	*best, *alt;
	bool				 pending;

	pending = ui_state_answer_pending(ui, hostidx, p);
	best = r != NULL ? advice_rec_best(r) : NULL;
	ui_lb_add(lb, ui_attr(ui, UI_E_COLHEAD), advice_proto_label(p));
	ui_lb_add(lb, 0, " ");
	if (best == NULL) {
		if (pending)
			ui_lb_add(lb, ui_attr(ui, UI_E_PENDING),
			    ua_ellipsis(ui));
		else {
			ui_lb_add(lb, ui_attr(ui, UI_E_BAD),
			    ui_glyph(ui, UI_G_BAD));
			ui_lb_add(lb, ui_attr(ui, UI_E_BAD),
			    " nothing works");
		}
		return;
	}
	ua_setting(ui, lb, best, words);
	/* The alternative a mail program offers next to it: as good, and
	 * not plaintext beside an encrypted best. */
	alt = r->n > 1 ? &r->v[1] : NULL;
	if (alts && alt != NULL && alt->secure == best->secure &&
	    (alt->security == MODE_PLAIN) == (best->security == MODE_PLAIN))
		ui_lb_printf(lb, ui_attr(ui, UI_E_DIM), " (or %u %s)",
		    (unsigned)alt->port, advice_security_words(alt->security));
	if (words && !best->secure && best->security == MODE_PLAIN)
		ui_lb_add(lb, ui_attr(ui, UI_E_BAD), " - ask your provider");
	if (pending) {
		ui_lb_add(lb, 0, " ");
		ui_lb_add(lb, ui_attr(ui, UI_E_PENDING), ua_ellipsis(ui));
	}
}

/* "Incoming  IMAP ... · POP3 ...": the most that fits in w. */
static void
ua_line(struct ui *ui, struct ui_lbuf *lb, const char *label,
    const struct advice_host *h, size_t hostidx,
    const enum advice_proto *protos, size_t nprotos, int w)
{
	const struct ua_fit	*f;
	size_t			 i, k, shown;
	char			 head[32];

	snprintf(head, sizeof head, UA_LABEL, label);
	for (k = 0; k < sizeof ua_fits / sizeof ua_fits[0]; k++) {
		f = &ua_fits[k];
		lb->n = 0;
		ui_lb_add(lb, ui_attr(ui, UI_E_TITLE), head);
		shown = 0;
		for (i = 0; i < nprotos; i++) {
			if (!ui_state_answer_probed(ui, protos[i]))
				continue;
			if (shown++ > 0) {
				ui_lb_add(lb, 0, " ");
				ui_lb_add(lb, ui_attr(ui, UI_E_DIM),
				    ui_glyph(ui, UI_G_SEP));
				ui_lb_add(lb, 0, " ");
			}
			ua_proto(ui, lb, h, hostidx, protos[i], shown == 1 ?
			    f->words_first : f->words_rest, f->alts);
		}
		if (shown == 0) {
			ui_lb_add(lb, ui_attr(ui, UI_E_DIM), "no ");
			for (i = 0; i < nprotos; i++)
				ui_lb_printf(lb, ui_attr(ui, UI_E_DIM), "%s%s",
				    i > 0 ? " or " : "",
				    advice_proto_label(protos[i]));
			ui_lb_add(lb, ui_attr(ui, UI_E_DIM), " port probed");
		}
		if (ui_lb_width(lb) <= w)
			return;
	}
}

/* The words of a check's status: "works", "wrong mode", ... */
static void
ua_check_status(const struct ui *ui, const struct advice_check *c,
    bool compact, struct ui_lbuf *lb)
{
	const char	*w = c->status;
	unsigned	 a = ui_attr(ui, UI_E_BAD);
	const char	*g = ui_glyph(ui, UI_G_BAD);
	int		 s;

	if (strcmp(c->status, facts_status_name(ST_PENDING)) == 0) {
		ui_lb_add(lb, ui_attr(ui, UI_E_PENDING), ua_ellipsis(ui));
		ui_lb_add(lb, ui_attr(ui, UI_E_PENDING), " still probing");
		return;
	}
	if (c->works && c->given.security == MODE_PLAIN) {
		a = ui_attr(ui, UI_E_WARN);
		g = ui_glyph(ui, UI_G_WARN);
		w = "works, not encrypted";
	} else if (c->works) {
		a = ui_attr(ui, UI_E_GOOD);
		g = ui_glyph(ui, UI_G_OK);
		w = "works";
	} else if (strcmp(c->status, "not_probed") == 0) {
		a = ui_attr(ui, UI_E_NEUTRAL);
		g = ui_glyph(ui, UI_G_NO);
		w = "not probed";
	} else if (strcmp(c->status, "no_login") == 0)
		w = compact ? "no login there" :
		    "does not work: no login there";
	else if (strcmp(c->status, "certificate_problem") == 0) {
		a = ui_attr(ui, UI_E_WARN);
		g = ui_glyph(ui, UI_G_WARN);
		w = "certificate problem";
	} else {
		for (s = 0; s < ST_LAST; s++) {
			if (strcmp(c->status, facts_status_name(
			    (enum probe_status)s)) == 0)
				break;
		}
		ui_lb_add(lb, a, g);
		ui_lb_add(lb, a, compact ? " " : " does not work: ");
		ui_lb_add(lb, a, s < ST_LAST ?
		    facts_status_words((enum probe_status)s) : c->status);
		return;
	}
	ui_lb_add(lb, a, g);
	ui_lb_add(lb, a, " ");
	ui_lb_add(lb, a, w);
}

/* The setting to show in the pane: the one checked from the keyboard,
 * else the first --setting. */
static const struct advice_check *
ua_pane_check(struct ui *ui, const struct advice_host *h)
{
	const struct advice_check	*c = ui_state_answer_mine(ui);

	if (c == NULL && h != NULL && h->nchecks > 0)
		c = &h->checks[0];
	return c;
}

static void
ua_counts(const struct advice_host *h, size_t *crit, size_t *warn,
    size_t *info)
{
	size_t	i;

	*crit = *warn = *info = 0;
	for (i = 0; h != NULL && i < h->nfindings; i++) {
		if (h->findings[i].severity == ADVICE_CRITICAL)
			(*crit)++;
		else if (h->findings[i].severity == ADVICE_WARNING)
			(*warn)++;
		else
			(*info)++;
	}
}

/* "2 critical, 1 warning" in their tones; "none" when there are none. */
static void
ua_counts_text(const struct ui *ui, struct ui_lbuf *lb,
    const struct advice_host *h, bool pending)
{
	size_t	crit, warn, info;
	bool	any = false;

	ua_counts(h, &crit, &warn, &info);
	if (crit > 0) {
		ui_lb_printf(lb, ui_attr(ui, UI_E_BAD), "%zu critical", crit);
		any = true;
	}
	if (warn > 0) {
		ui_lb_printf(lb, ui_attr(ui, UI_E_WARN), "%s%zu warning%s",
		    any ? ", " : "", warn, warn == 1 ? "" : "s");
		any = true;
	}
	if (info > 0) {
		ui_lb_printf(lb, 0, "%s%zu info", any ? ", " : "", info);
		any = true;
	}
	if (!any)
		ui_lb_add(lb, pending ? 0 : ui_attr(ui, UI_E_GOOD),
		    pending ? "none so far" : "none");
	if (pending) {
		ui_lb_add(lb, 0, " ");
		ui_lb_add(lb, ui_attr(ui, UI_E_PENDING), ua_ellipsis(ui));
	}
}

static bool
ua_host_pending(const struct ui *ui, size_t hostidx)
{
	int	p;

	for (p = 0; p < ADVICE_PROTO_LAST; p++) {
		if (ui_state_answer_pending(ui, hostidx,
		    (enum advice_proto)p))
			return true;
	}
	return false;
}

void
ui_answer_pane_draw(struct ui *ui, int y, int x, int h, int w)
{
	static const enum advice_proto	 in[] = { ADVICE_IMAP, ADVICE_POP3 };
	static const enum advice_proto	 out[] = { ADVICE_SMTP };
	const struct advice_host	*ah;
	const struct advice_check	*c;
	const struct run_host		*rh;
	struct ui_lbuf			 lb;
	size_t				 hostidx;
	char				 head[32];
	int				 line = 0;

	if (h <= 0 || w <= 0)
		return;
	ah = ui_state_answer(ui, &hostidx);
	if (h >= 3) {
		ua_line(ui, &lb, "Incoming", ah, hostidx, in, 2, w);
		ui_lb_draw(ui, y + line++, x, w, &lb, 0, 0, true);
		ua_line(ui, &lb, "Outgoing", ah, hostidx, out, 1, w);
		ui_lb_draw(ui, y + line++, x, w, &lb, 0, 0, true);
	}
	if (h >= 4 && (c = ua_pane_check(ui, ah)) != NULL) {
		lb.n = 0;
		snprintf(head, sizeof head, UA_LABEL, "Yours");
		ui_lb_add(&lb, ui_attr(ui, UI_E_TITLE), head);
		ua_raw(ui, &lb, ui_attr(ui, UI_E_COLHEAD), c->given.text);
		ui_lb_add(&lb, 0, " ");
		ua_check_status(ui, c, true, &lb);
		if (c->change != NULL) {
			ui_lb_add(&lb, 0, ": ");
			ua_raw(ui, &lb, 0, c->change);
		}
		ui_lb_draw(ui, y + line++, x, w, &lb, 0, 0, true);
	}
	if (line >= h)
		return;
	lb.n = 0;
	snprintf(head, sizeof head, UA_LABEL, "Findings");
	ui_lb_add(&lb, ui_attr(ui, UI_E_TITLE), head);
	ua_counts_text(ui, &lb, ah, ua_host_pending(ui, hostidx));
	ui_lb_add(&lb, ui_attr(ui, UI_E_DIM), " - ");
	ui_lb_add(&lb, ui_attr(ui, UI_E_COLHEAD), "a");
	ui_lb_add(&lb, ui_attr(ui, UI_E_DIM), " for details");
	/* With several hosts, the pane follows the selection: say whose. */
	rh = run_get_host(ui->run, hostidx);
	if (run_host_count(ui->run) > 1 && rh != NULL) {
		ui_lb_add(&lb, ui_attr(ui, UI_E_DIM), "  (");
		ui_lb_raw(ui, &lb, ui_attr(ui, UI_E_DIM), rh->name,
		    strlen(rh->name), SAN_TAB_SPACE, 80);
		ui_lb_add(&lb, ui_attr(ui, UI_E_DIM), ")");
	}
	ui_lb_draw(ui, y + line, x, w, &lb, 0, 0, true);
}

/* ------------------------------------------------------------------ */
/* The full view. */

static void
ua_doc_title(struct ui_doc *d, const char *title)
{
	if (d->line > 0)
		ui_doc_end_line(d);
	ui_lb_add(&d->lb, ui_attr(d->ui, UI_E_TITLE), title);
	ui_doc_end_line(d);
}

/* A labelled sentence, wrapped at words under the label column. */
static void
ua_doc_sentence(struct ui_doc *d, const char *label, unsigned attr,
    const char *s)
{
	struct ui_lbuf	lb;

	if (s == NULL || s[0] == '\0')
		return;
	lb.n = 0;
	ua_raw(d->ui, &lb, attr, s);
	ui_doc_label(d, label);
	ui_doc_words(d, &lb);
	ui_doc_end_line(d);
}

/*
 * "Use  mail.example.net  port 993  SSL/TLS  ✓ secure", every problem and
 * the why with full set; else "port 143  STARTTLS  ✓ secure" on one line
 * (the server is the same).
 */
static void
ua_doc_setting(struct ui_doc *d, const char *label,
    const struct advice_setting *s, bool full)
{
	struct ui	*ui = d->ui;
	struct ui_lbuf	 it;
	const char	*glyph, *word;
	unsigned	 a;
	char		 buf[64];
	int		 i;

	ua_tone(ui, s, &a, &glyph, &word);
	ui_doc_label(d, label);
	if (full && s->server != NULL) {
		it.n = 0;
		ua_raw(ui, &it, ui_attr(ui, UI_E_COLHEAD), s->server);
		ui_doc_flow(d, &it, "  ");
	}
	snprintf(buf, sizeof buf, "port %u", (unsigned)s->port);
	ui_doc_item(d, ui_attr(ui, UI_E_COLHEAD), buf);
	ui_doc_item(d, ui_attr(ui, UI_E_COLHEAD),
	    advice_security_words(s->security));
	it.n = 0;
	ui_lb_add(&it, a, glyph);
	ui_lb_add(&it, a, " ");
	ui_lb_add(&it, a, !full || s->secure || s->security == MODE_PLAIN ?
	    word : "not secure:");
	ui_doc_flow(d, &it, "  ");
	if (full && !s->secure && s->security != MODE_PLAIN) {
		/* Every problem of the certificate, not only the first. */
		it.n = 0;
		for (i = 0; i < TLS_PROB_LAST; i++) {
			if (!(s->problems & TLS_PROB_BIT(i)))
				continue;
			ui_lb_printf(&it, a, "%s%s", it.n > 0 ? ", " : "",
			    facts_problem_words((enum tls_problem)i));
		}
		ui_doc_words(d, &it);
	}
	if (s->relay)
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "(relay port)");
	if (s->login == ADVICE_LOGIN_NOT_OFFERED)
		ui_doc_item(d, ui_attr(ui, UI_E_WARN), "no login offered");
	ui_doc_end_line(d);
	if (full)
		ua_doc_sentence(d, "", ui_attr(ui, UI_E_DIM), s->why);
}

static void
ua_doc_rec(struct ui_doc *d, const char *title, const struct advice_rec *r,
    bool pending)
{
	struct ui	*ui = d->ui;
	size_t		 i;

	ua_doc_title(d, title);
	if (r->n == 0) {
		ui_doc_label(d, "Use");
		if (pending) {
			ui_doc_item(d, ui_attr(ui, UI_E_PENDING),
			    ua_ellipsis(ui));
			ui_doc_item(d, ui_attr(ui, UI_E_DIM), "still probing");
			ui_doc_end_line(d);
		} else {
			ui_doc_item(d, ui_attr(ui, UI_E_BAD), "nothing works");
			ui_doc_end_line(d);
			ua_doc_sentence(d, "", 0, r->why);
		}
	}
	for (i = 0; i < r->n; i++)
		ua_doc_setting(d, i == 0 ? "Use" : "Or", &r->v[i], i == 0);
	if (pending && r->n > 0) {
		ui_doc_label(d, "");
		ui_doc_item(d, ui_attr(ui, UI_E_PENDING), ua_ellipsis(ui));
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "cells still probing: "
		    "this may change");
		ui_doc_end_line(d);
	}
}

static void
ua_doc_check(struct ui_doc *d, const struct advice_check *c,
    const char *origin)
{
	struct ui	*ui = d->ui;
	struct ui_lbuf	 it;
	size_t		 i;

	ui_doc_label(d, origin);
	it.n = 0;
	ua_raw(ui, &it, ui_attr(ui, UI_E_COLHEAD), c->given.text);
	ui_lb_add(&it, 0, "  ");
	ua_check_status(ui, c, false, &it);
	ui_doc_words(d, &it);
	ui_doc_end_line(d);
	ua_doc_sentence(d, "Why", 0, c->why);
	ua_doc_sentence(d, "Change", ui_attr(ui, UI_E_GOOD), c->change);
	for (i = 0; i < c->ninstead && i < 3; i++)
		ua_doc_setting(d, i == 0 ? "Instead" : "", c->instead[i],
		    false);
}

static void
ua_doc_finding(struct ui_doc *d, const struct advice_finding *f)
{
	struct ui			*ui = d->ui;
	const struct advice_cellref	*c;
	struct ui_lbuf			 it;
	unsigned			 a;
	const char			*g;
	size_t				 i;

	if (f->severity == ADVICE_CRITICAL) {
		a = ui_attr(ui, UI_E_BAD);
		g = ui_glyph(ui, UI_G_BAD);
	} else if (f->severity == ADVICE_WARNING) {
		a = ui_attr(ui, UI_E_WARN);
		g = ui_glyph(ui, UI_G_WARN);
	} else {
		a = 0;
		g = ui_glyph(ui, UI_G_NO);
	}
	it.n = 0;
	ui_lb_printf(&it, a, "%s %s", g, advice_severity_name(f->severity));
	ui_lb_pad(&it, 0, 12);
	ui_lb_add(&it, a, ua_title(f->id));
	ui_lb_add(&it, 0, "  ");
	ui_lb_add(&it, ui_attr(ui, UI_E_DIM), advice_finding_name(f->id));
	ui_lb_add(&d->lb, 0, " ");
	ui_lb_cat(&d->lb, &it);
	ui_doc_end_line(d);
	ua_doc_sentence(d, "What", 0, f->text);
	if (f->names.n > 0) {
		ui_doc_label(d, "Names");
		for (i = 0; i < f->names.n; i++) {
			it.n = 0;
			ui_lb_raw(ui, &it, ui_attr(ui, UI_E_COLHEAD),
			    f->names.v[i].p, f->names.v[i].n,
			    ui->san_flags | SAN_TAB_SPACE, UA_NAME_OUT);
			ui_doc_flow(d, &it, "  ");
		}
		ui_doc_end_line(d);
	}
	if (f->ncells > 0) {
		ui_doc_label(d, "Cells");
		for (i = 0; i < f->ncells; i++) {
			c = &f->cells[i];
			it.n = 0;
			ui_lb_printf(&it, 0, "%s %u %s", advice_proto_label(
			    c->proto), (unsigned)c->port,
			    facts_mode_client(c->mode));
			if (c->family != AF_UNSPEC)
				ui_lb_printf(&it, ui_attr(ui, UI_E_DIM),
				    " on %s", c->address);
			if (i + 1 < f->ncells)
				ui_lb_add(&it, 0, ",");
			ui_doc_flow(d, &it, " ");
		}
		ui_doc_end_line(d);
	}
	ua_doc_sentence(d, "Fix", ui_attr(ui, UI_E_GOOD), f->fix);
}

/* The whole answer of one host; *mine_line gets the line of "Your
 * settings" (-1 when there is none). */
static void
ua_doc(struct ui *ui, struct ui_doc *d, int *mine_line)
{
	const struct advice_host	*ah;
	const struct advice_check	*mine;
	const struct run_host		*rh;
	struct ui_lbuf			 it;
	size_t				 hostidx, i, n;
	bool				 pending;
	int				 p;
	static const char *const	 titles[ADVICE_PROTO_LAST] = {
		"Incoming mail: IMAP", "Incoming mail: POP3",
		"Outgoing mail: SMTP"
	};

	*mine_line = -1;
	ah = ui_state_answer(ui, &hostidx);
	mine = ui_state_answer_mine(ui);
	rh = run_get_host(ui->run, hostidx);
	pending = ua_host_pending(ui, hostidx);

	ui_lb_add(&d->lb, ui_attr(ui, UI_E_TITLE), "Answer for ");
	if (rh != NULL)
		ui_lb_raw(ui, &d->lb, ui_attr(ui, UI_E_TITLE), rh->name,
		    strlen(rh->name), SAN_TAB_SPACE, 200);
	if (pending) {
		ui_lb_add(&d->lb, 0, "  ");
		ui_lb_add(&d->lb, ui_attr(ui, UI_E_PENDING), ua_ellipsis(ui));
		ui_lb_add(&d->lb, ui_attr(ui, UI_E_DIM), " probes not "
		    "finished: the answer may still change");
	}
	ui_doc_end_line(d);
	if (run_host_count(ui->run) > 1) {
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "Tab: the next host");
		ui_doc_end_line(d);
	}
	if (ah == NULL) {
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "nothing probed yet");
		ui_doc_end_line(d);
		return;
	}
	for (p = 0; p < ADVICE_PROTO_LAST; p++) {
		if (ui_state_answer_probed(ui, (enum advice_proto)p))
			ua_doc_rec(d, titles[p], &ah->rec[p],
			    ui_state_answer_pending(ui, hostidx,
			    (enum advice_proto)p));
	}

	if (d->line > 0)
		ui_doc_end_line(d);
	*mine_line = d->line;
	ui_lb_add(&d->lb, ui_attr(ui, UI_E_TITLE), "Your settings");
	ui_lb_add(&d->lb, ui_attr(ui, UI_E_DIM), "  (m checks the one your "
	    "mail program uses)");
	ui_doc_end_line(d);
	if (mine != NULL)
		ua_doc_check(d, mine, "Checked");
	for (i = 0; i < ah->nchecks; i++)
		ua_doc_check(d, &ah->checks[i], "--setting");
	if (mine == NULL && ah->nchecks == 0) {
		ui_doc_item(d, ui_attr(ui, UI_E_DIM), "none checked yet");
		ui_doc_end_line(d);
	}

	if (d->line > 0)
		ui_doc_end_line(d);
	it.n = 0;
	ui_lb_add(&it, ui_attr(ui, UI_E_TITLE), "Findings: ");
	ua_counts_text(ui, &it, ah, pending);
	ui_lb_cat(&d->lb, &it);
	ui_doc_end_line(d);
	for (i = 0; i < ah->nfindings; i++)
		ua_doc_finding(d, &ah->findings[i]);

	/* Last, what works but is not for a mail program, and why. */
	for (p = 0, n = 0; p < ADVICE_PROTO_LAST; p++)
		n += ah->rec[p].nexcluded;
	if (n == 0)
		return;
	ui_doc_end_line(d);
	ui_lb_add(&d->lb, ui_attr(ui, UI_E_TITLE), "Not recommended");
	ui_lb_add(&d->lb, ui_attr(ui, UI_E_DIM), "  (they answer, but not "
	    "for a mail program)");
	ui_doc_end_line(d);
	for (p = 0; p < ADVICE_PROTO_LAST; p++) {
		for (i = 0; i < ah->rec[p].nexcluded; i++) {
			ua_doc_setting(d, advice_proto_label(
			    (enum advice_proto)p), &ah->rec[p].excluded[i],
			    false);
			ua_doc_sentence(d, "", ui_attr(ui, UI_E_DIM),
			    ah->rec[p].excluded[i].why);
		}
	}
}

void
ui_answer_draw(struct ui *ui)
{
	struct ui_doc	 d;
	char		 right[32];
	int		 h = LINES - 2, mine_line;

	ui_chrome_header(ui, "answer");
	if (h < 1)
		return;
	/* Measure first (nothing is visible at height 0): the scroll
	 * position is clamped, or moved to the user's setting. */
	ui_doc_begin(&d, ui, 1, 1, COLS - 2, 0, 0, 0);
	ua_doc(ui, &d, &mine_line);
	ui->a_lines = d.line;
	if (ui->a_to_mine && mine_line >= 0) {
		ui->a_top = mine_line;
		ui->a_to_mine = false;
	}
	if (ui->a_top > ui->a_lines - h)
		ui->a_top = ui->a_lines - h;
	if (ui->a_top < 0)
		ui->a_top = 0;
	ui_doc_begin(&d, ui, 1, 1, COLS - 2, h, ui->a_top, 0);
	ua_doc(ui, &d, &mine_line);
	snprintf(right, sizeof right, "%d-%d/%d", ui->a_top + 1,
	    ui->a_top + h < d.line ? ui->a_top + h : d.line, d.line);
	ui_chrome_footer(ui, UI_IN_ANSWER, right);
}
