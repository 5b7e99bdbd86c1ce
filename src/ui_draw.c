/* SPDX-License-Identifier: ISC */
/*
 * Screen primitives: semantic colours per scheme (colour or monochrome),
 * the glyph table (UTF-8 or ASCII), width-aware clipping of text and the
 * one path by which server bytes reach the screen (the sanitizer, escapes
 * in reverse video), also for transcript events and labelled document
 * lines.  Nothing here reads the model or decides layout.
 */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "opts.h"
#include "probe.h"
#include "report.h"
#include "sanitize.h"
#include "transcript.h"
#include "ui_view.h"

/* One semantic element: a colour pair and attributes per scheme. */
struct ui_scheme_row {
	short		 fg;		/* foreground, -1: terminal default */
	short		 bg;		/* background, -1: terminal default */
	unsigned	 cattr;		/* attributes with colour */
	unsigned	 mattr;		/* attributes in monochrome */
};

/*
 * Colour is a second channel, never the only one: every status also has
 * its glyph and its word, so the monochrome column only has to keep the
 * screen readable (bold, underline, dim, reverse) [htop].
 */
static const struct ui_scheme_row ui_scheme[UI_E_LAST] = {
	[UI_E_NORMAL] =		{ -1, -1, 0, 0 },
	[UI_E_BAR] =		{ -1, -1, A_REVERSE, A_REVERSE },
	[UI_E_BAR_KEY] =	{ -1, -1, A_REVERSE | A_BOLD,
				    A_REVERSE | A_BOLD },
	[UI_E_TITLE] =		{ COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[UI_E_COLHEAD] =	{ -1, -1, A_BOLD, A_BOLD },
	[UI_E_LABEL] =		{ COLOR_CYAN, -1, 0, A_BOLD },
	[UI_E_DIM] =		{ -1, -1, A_DIM, A_DIM },
	[UI_E_PENDING] =	{ COLOR_BLUE, -1, A_BOLD, A_DIM },
	[UI_E_GOOD] =		{ COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[UI_E_WARN] =		{ COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE },
	[UI_E_NEUTRAL] =	{ -1, -1, 0, 0 },
	[UI_E_BAD] =		{ COLOR_RED, -1, A_BOLD,
				    A_BOLD | A_UNDERLINE },
	[UI_E_ESCAPE] =		{ COLOR_MAGENTA, -1, A_REVERSE, A_REVERSE },
	[UI_E_CLIENT] =		{ COLOR_CYAN, -1, 0, A_BOLD },
	[UI_E_SERVER] =		{ -1, -1, 0, 0 },
	[UI_E_TLS] =		{ COLOR_MAGENTA, -1, 0, A_UNDERLINE },
	[UI_E_NET] =		{ COLOR_BLUE, -1, A_BOLD, A_DIM },
	[UI_E_NOTE] =		{ COLOR_YELLOW, -1, 0, A_DIM },
	[UI_E_STATE] =		{ -1, -1, A_DIM, A_DIM },
	[UI_E_SEC_PLAIN] =	{ COLOR_YELLOW, -1, 0, 0 },
	[UI_E_SEC_TLS] =	{ COLOR_MAGENTA, -1, 0, A_UNDERLINE },
	[UI_E_SEC_VERIFIED] =	{ COLOR_GREEN, -1, 0, A_BOLD },
	[UI_E_MATCH] =		{ COLOR_BLACK, COLOR_YELLOW, 0,
				    A_BOLD | A_UNDERLINE },
	[UI_E_ADDED] =		{ COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[UI_E_REMOVED] =	{ COLOR_RED, -1, 0, A_DIM },
	[UI_E_MSG_OK] =		{ COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[UI_E_MSG_ERR] =	{ COLOR_RED, -1, A_BOLD,
				    A_BOLD | A_UNDERLINE },
	[UI_E_PROMPT] =		{ -1, -1, A_BOLD, A_BOLD },
};

/* Glyphs: UTF-8 only with a UTF-8 locale and without --ascii; each UTF-8
 * form must measure one column (checked at start) or ASCII is used. */
struct ui_glyph_row {
	const char	*utf8;		/* UTF-8 form */
	const char	*ascii;		/* ASCII form */
};

static const struct ui_glyph_row ui_glyphs[UI_G_LAST] = {
	[UI_G_OK] =		{ "\xe2\x9c\x93", "+" },	/* U+2713 */
	[UI_G_WARN] =		{ "!", "!" },
	[UI_G_NO] =		{ "-", "-" },
	[UI_G_BAD] =		{ "\xe2\x9c\x97", "x" },	/* U+2717 */
	[UI_G_QUEUED] =		{ "\xc2\xb7", "." },		/* U+00B7 */
	[UI_G_HLINE] =		{ "\xe2\x94\x80", "-" },	/* U+2500 */
	[UI_G_VLINE] =		{ "\xe2\x94\x82", "|" },	/* U+2502 */
	[UI_G_SEP] =		{ "\xc2\xb7", "|" },		/* U+00B7 */
	[UI_G_MORE] =		{ "\xe2\x80\xa6", ">" },	/* U+2026 */
	[UI_G_VERIFIED] =	{ "tls\xe2\x9c\x93", "tlsV" },
	[UI_G_ARROWS] =		{ "\xe2\x86\x90\xe2\x86\x93\xe2\x86\x91"
				    "\xe2\x86\x92", "arrows" },
	[UI_G_UPDOWN] =		{ "\xe2\x86\x91\xe2\x86\x93", "Up/Dn" },
	[UI_G_LEFTRIGHT] =	{ "\xe2\x86\x90\xe2\x86\x92", "Lt/Rt" },
	[UI_G_UP] =		{ "\xe2\x86\x91", "^" },		/* U+2191 */
	[UI_G_DOWN] =		{ "\xe2\x86\x93", "v" },		/* U+2193 */
};

/* Braille dots turning; ASCII: the classic bar. */
static const char *const ui_spin_utf8[] = {
	"\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8",
	"\xe2\xa0\xbc", "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7",
	"\xe2\xa0\x87", "\xe2\xa0\x8f"
};
static const char *const ui_spin_ascii[] = { "|", "/", "-", "\\" };

/* Does every character of s take exactly one column here? */
static bool
ui_narrow(const char *s)
{
	mbstate_t	 st;
	wchar_t		 wc;
	size_t		 n = strlen(s), k;

	memset(&st, 0, sizeof st);
	while (n > 0) {
		k = mbrtowc(&wc, s, n, &st);
		if (k == 0 || k == (size_t)-1 || k == (size_t)-2 ||
		    wcwidth(wc) != 1)
			return false;
		s += k;
		n -= k;
	}
	return true;
}

void
ui_draw_init(struct ui *ui)
{
	const struct ui_scheme_row	*row;
	size_t				 i;
	short				 defbg = -1, deffg = -1;
	bool				 ok;

	ui->utf8 = !ui->opts->ascii &&
	    (sanitize_locale_flags() & SAN_UTF8) != 0;
	ui->san_flags = ui->utf8 ? SAN_UTF8 : 0;
	for (i = 0; i < UI_G_LAST; i++) {
		ui->glyph[i] = ui_glyphs[i].ascii;
		if (ui->utf8 && ui_narrow(ui_glyphs[i].utf8))
			ui->glyph[i] = ui_glyphs[i].utf8;
	}
	ok = ui->utf8;
	for (i = 0; ok && i < sizeof ui_spin_utf8 / sizeof ui_spin_utf8[0];
	    i++)
		ok = ui_narrow(ui_spin_utf8[i]);
	if (ok) {
		ui->spinner = ui_spin_utf8;
		ui->nspinner = sizeof ui_spin_utf8 / sizeof ui_spin_utf8[0];
	} else {
		ui->spinner = ui_spin_ascii;
		ui->nspinner = sizeof ui_spin_ascii / sizeof ui_spin_ascii[0];
	}

	ui->color = !ui->opts->no_color && has_colors() &&
	    start_color() == OK && COLORS >= 8 && COLOR_PAIRS > UI_E_LAST;
	if (ui->color && use_default_colors() == ERR) {
		deffg = COLOR_WHITE;
		defbg = COLOR_BLACK;
	}
	for (i = 0; i < UI_E_LAST; i++) {
		row = &ui_scheme[i];
		if (!ui->color) {
			ui->attr[i] = row->mattr;
			continue;
		}
		ui->attr[i] = row->cattr;
		if (row->fg == -1 && row->bg == -1)
			continue;
		init_pair((short)(i + 1), row->fg == -1 ? deffg : row->fg,
		    row->bg == -1 ? defbg : row->bg);
		ui->attr[i] |= (unsigned)COLOR_PAIR((int)i + 1);
	}
}

unsigned
ui_attr(const struct ui *ui, enum ui_elem e)
{
	return e < UI_E_LAST ? ui->attr[e] : 0;
}

const char *
ui_glyph(const struct ui *ui, enum ui_glyph g)
{
	return g < UI_G_LAST ? ui->glyph[g] : "?";
}

unsigned
ui_tone_attr(const struct ui *ui, int tone)
{
	switch (tone) {
	case TONE_PENDING:
		return ui->attr[UI_E_PENDING];
	case TONE_GOOD:
		return ui->attr[UI_E_GOOD];
	case TONE_WARN:
		return ui->attr[UI_E_WARN];
	case TONE_BAD:
		return ui->attr[UI_E_BAD];
	default:
		return ui->attr[UI_E_NEUTRAL];
	}
}

const char *
ui_tone_glyph(const struct ui *ui, const struct probe *p)
{
	const struct probe_facts	*f = probe_get_facts(p);

	if (f->status == ST_PENDING)
		return probe_is_started(p) ?
		    ui->spinner[ui->spin % ui->nspinner] :
		    ui->glyph[UI_G_QUEUED];
	return ui_status_glyph(ui, (int)f->status, report_cell_tone(p));
}

const char *
ui_status_glyph(const struct ui *ui, int status, int tone)
{
	switch (status) {
	case ST_PENDING:
		return ui->glyph[UI_G_QUEUED];
	case ST_OK:
		return tone == TONE_WARN ? ui->glyph[UI_G_WARN] :
		    ui->glyph[UI_G_OK];
	case ST_REFUSED:
	case ST_WRONG_MODE:
	case ST_STARTTLS_NOT_OFFERED:
	case ST_UNREACHABLE:
		return ui->glyph[UI_G_NO];
	default:
		return ui->glyph[UI_G_BAD];
	}
}

/* Display columns of n bytes of our own or sanitised text. */
int
ui_str_width(const char *s, size_t n)
{
	mbstate_t	 st;
	wchar_t		 wc;
	size_t		 i = 0, k;
	int		 w = 0, cw;

	memset(&st, 0, sizeof st);
	while (i < n) {
		k = mbrtowc(&wc, s + i, n - i, &st);
		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof st);
			w++;
			i++;
			continue;
		}
		if (k == 0)
			k = 1;
		cw = wcwidth(wc);
		w += cw < 0 ? 1 : cw;
		i += k;
	}
	return w;
}

void
ui_lb_addn(struct ui_lbuf *lb, unsigned attr, const char *s, size_t n)
{
	size_t	i;

	if (n > UI_LB_MAX - lb->n) {
		/* Cut before a UTF-8 continuation byte, never inside. */
		n = UI_LB_MAX - lb->n;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(lb->s + lb->n, s, n);
	for (i = 0; i < n; i++)
		lb->a[lb->n + i] = attr;
	lb->n += n;
}

void
ui_lb_add(struct ui_lbuf *lb, unsigned attr, const char *s)
{
	ui_lb_addn(lb, attr, s, strlen(s));
}

void
ui_lb_printf(struct ui_lbuf *lb, unsigned attr, const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;
	int	r;

	va_start(ap, fmt);
	r = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	ui_lb_addn(lb, attr, buf, (size_t)r < sizeof buf ? (size_t)r :
	    sizeof buf - 1);
}

struct ui_raw_arg {
	struct ui_lbuf	*lb;		/* destination */
	unsigned	 attr;		/* text attribute */
	unsigned	 esc;		/* escape attribute */
};

static void
ui_raw_cb(const char *text, size_t len, enum sanitize_run kind, void *arg)
{
	struct ui_raw_arg	*ra = arg;

	ui_lb_addn(ra->lb, kind == SAN_ESCAPE ? ra->esc : ra->attr, text,
	    len);
}

/*
 * The only way server bytes reach the screen (hostile-servers.md rule 1):
 * the sanitizer turns them into safe text and escapes, and escapes are
 * drawn in reverse video, which no server text can produce.
 */
void
ui_lb_raw(const struct ui *ui, struct ui_lbuf *lb, unsigned attr,
    const char *p, size_t n, int san_flags, size_t max_out)
{
	struct ui_raw_arg	ra;

	if (p == NULL)
		return;
	ra.lb = lb;
	ra.attr = attr;
	if (attr & A_REVERSE)
		ra.esc = (attr & ~(unsigned)A_REVERSE) | A_UNDERLINE;
	else
		ra.esc = ui->attr[UI_E_ESCAPE];
	if (!ui->utf8)
		san_flags &= ~SAN_UTF8;
	if (max_out == 0 || max_out > UI_LB_MAX / 2)
		max_out = UI_LB_MAX / 2;
	sanitize_walk(p, n, san_flags, max_out, ui_raw_cb, &ra);
}

void
ui_lb_pad(struct ui_lbuf *lb, unsigned attr, int width)
{
	int	w = ui_lb_width(lb);

	while (w < width && lb->n < UI_LB_MAX) {
		ui_lb_addn(lb, attr, " ", 1);
		w++;
	}
}

int
ui_lb_width(const struct ui_lbuf *lb)
{
	return ui_str_width(lb->s, lb->n);
}

bool
ui_memcasemem(const char *h, size_t hn, const char *pat, size_t pn,
    size_t *at)
{
	size_t	i;

	if (pn == 0 || pn > hn)
		return false;
	for (i = 0; i + pn <= hn; i++) {
		if (strncasecmp(h + i, pat, pn) == 0) {
			if (at != NULL)
				*at = i;
			return true;
		}
	}
	return false;
}

int
ui_lb_mark(struct ui_lbuf *lb, size_t from, const char *pat, unsigned attr)
{
	size_t	pn = strlen(pat), at, i, off = from;
	int	n = 0;

	if (pn == 0)
		return 0;
	while (off < lb->n && ui_memcasemem(lb->s + off, lb->n - off, pat, pn,
	    &at)) {
		for (i = 0; i < pn; i++) {
			/* The match colour replaces the text's colour. */
			lb->a[off + at + i] = (lb->a[off + at + i] &
			    ~(unsigned)A_COLOR) | attr;
		}
		off += at + pn;
		n++;
	}
	return n;
}

static void
ui_addwc(wchar_t wc, unsigned attr)
{
	wattrset(stdscr, (int)attr);
	waddnwstr(stdscr, &wc, 1);
}

/*
 * Draw a line buffer clipped to w columns: wide characters never straddle
 * the edge, combining marks never start a line, and nothing is left for
 * the terminal to wrap.
 */
void
ui_lb_draw(const struct ui *ui, int y, int x, int w,
    const struct ui_lbuf *lb, int hscroll, unsigned fill, bool more)
{
	mbstate_t	 st;
	wchar_t		 wc;
	size_t		 i = 0, k;
	int		 col = 0, out = 0, cw, limit, total;
	unsigned	 a;
	bool		 cut;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	if (hscroll < 0)
		hscroll = 0;
	total = ui_lb_width(lb);
	cut = more && total - hscroll > w && w > 1;
	limit = cut ? w - 1 : w;
	if (move(y, x) == ERR)
		return;
	memset(&st, 0, sizeof st);
	while (i < lb->n) {
		a = lb->a[i];
		k = mbrtowc(&wc, lb->s + i, lb->n - i, &st);
		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof st);
			wc = L'?';
			k = 1;
		} else if (k == 0)
			k = 1;
		i += k;
		cw = wcwidth(wc);
		if (cw < 0) {
			wc = L'?';
			cw = 1;
		}
		if (cw == 0) {
			if (col > hscroll && out > 0 && out <= limit)
				ui_addwc(wc, a);
			continue;
		}
		if (col + cw <= hscroll) {
			col += cw;
			continue;
		}
		if (col < hscroll) {
			/* A wide character cut by the left edge. */
			col += cw;
			while (out < col - hscroll && out < limit) {
				ui_addwc(L' ', a);
				out++;
			}
			continue;
		}
		if (out + cw > limit)
			break;
		ui_addwc(wc, a);
		out += cw;
		col += cw;
	}
	wattrset(stdscr, (int)fill);
	while (out < limit) {
		waddch(stdscr, ' ');
		out++;
	}
	if (cut) {
		a = ui->attr[UI_E_DIM] | (fill & A_REVERSE);
		move(y, x + w - 1);
		wattrset(stdscr, (int)a);
		waddstr(stdscr, ui->glyph[UI_G_MORE]);
	}
	wattrset(stdscr, 0);
}

void
ui_put(const struct ui *ui, int y, int x, int w, unsigned attr,
    const char *s)
{
	struct ui_lbuf	lb;

	lb.n = 0;
	ui_lb_add(&lb, attr, s);
	ui_lb_draw(ui, y, x, w, &lb, 0, attr, false);
}

/* "-- title ------" across w columns. */
void
ui_rule(const struct ui *ui, int y, int x, int w, unsigned attr,
    const char *title)
{
	struct ui_lbuf	 lb;
	const char	*h = ui->glyph[UI_G_HLINE];

	lb.n = 0;
	ui_lb_add(&lb, ui->attr[UI_E_DIM], h);
	ui_lb_add(&lb, ui->attr[UI_E_DIM], h);
	if (title != NULL && title[0] != '\0') {
		ui_lb_add(&lb, attr, " ");
		ui_lb_add(&lb, attr, title);
		ui_lb_add(&lb, attr, " ");
	}
	while (ui_lb_width(&lb) < w && lb.n + strlen(h) < UI_LB_MAX)
		ui_lb_add(&lb, ui->attr[UI_E_DIM], h);
	ui_lb_draw(ui, y, x, w, &lb, 0, 0, false);
}

/* A duration for people: "0.31 ms", "4.2 ms", "380 ms", "2.4 s". */
const char *
ui_fmt_us(char *buf, size_t size, int64_t us)
{
	if (us < 0)
		snprintf(buf, size, "-");
	else if (us < 1000)
		snprintf(buf, size, "%.2f ms", (double)us / 1e3);
	else if (us < 10000)
		snprintf(buf, size, "%.1f ms", (double)us / 1e3);
	else if (us < 1000000)
		snprintf(buf, size, "%.0f ms", (double)us / 1e3);
	else if (us < 100000000)
		snprintf(buf, size, "%.1f s", (double)us / 1e6);
	else
		snprintf(buf, size, "%.0f s", (double)us / 1e6);
	return buf;
}

void
ui_doc_begin(struct ui_doc *d, struct ui *ui, int y, int x, int w, int h,
    int top, int hscroll)
{
	d->ui = ui;
	d->y = y;
	d->x = x;
	d->w = w;
	d->h = h;
	d->top = top < 0 ? 0 : top;
	d->line = 0;
	d->hscroll = hscroll;
	d->indent = 0;
	d->lb.n = 0;
}

bool
ui_doc_visible(const struct ui_doc *d)
{
	return d->line >= d->top && d->line < d->top + d->h;
}

void
ui_doc_end_line(struct ui_doc *d)
{
	if (ui_doc_visible(d))
		ui_lb_draw(d->ui, d->y + d->line - d->top, d->x, d->w, &d->lb,
		    d->hscroll, 0, true);
	d->line++;
	d->lb.n = 0;
}

#define UI_LABEL_W	12	/* label column of detail lines */
#define UI_CAP_OUT	120	/* sanitised bytes per list item */
#define UI_TEXT_OUT	600	/* sanitised bytes per labelled line */
#define UI_TLINE_OUT	1000	/* sanitised bytes per transcript line */

void
ui_doc_label(struct ui_doc *d, const char *label)
{
	ui_lb_add(&d->lb, d->ui->attr[UI_E_LABEL], label);
	ui_lb_pad(&d->lb, 0, UI_LABEL_W);
	d->indent = ui_lb_width(&d->lb);
}

void
ui_lb_cat(struct ui_lbuf *dst, const struct ui_lbuf *src)
{
	size_t	n = src->n;

	if (n > UI_LB_MAX - dst->n)
		n = UI_LB_MAX - dst->n;
	memcpy(dst->s + dst->n, src->s, n);
	memcpy(dst->a + dst->n, src->a, n * sizeof src->a[0]);
	dst->n += n;
}

void
ui_doc_flow(struct ui_doc *d, const struct ui_lbuf *item, const char *sep)
{
	int	cur = ui_lb_width(&d->lb);
	int	iw = ui_lb_width(item);
	int	sw = sep != NULL ? ui_str_width(sep, strlen(sep)) : 0;

	if (cur > d->indent) {
		if (cur + sw + iw > d->w) {
			ui_doc_end_line(d);
			ui_lb_pad(&d->lb, 0, d->indent);
		} else if (sep != NULL)
			ui_lb_add(&d->lb, 0, sep);
	}
	ui_lb_cat(&d->lb, item);
}

/* Break a line buffer into words and flow them (reasons, subjects). */
void
ui_doc_words(struct ui_doc *d, const struct ui_lbuf *src)
{
	struct ui_lbuf	w;
	size_t		i = 0, j;

	while (i < src->n) {
		while (i < src->n && src->s[i] == ' ')
			i++;
		j = i;
		while (j < src->n && src->s[j] != ' ')
			j++;
		if (j == i)
			break;
		w.n = j - i;
		memcpy(w.s, src->s + i, w.n);
		memcpy(w.a, src->a + i, w.n * sizeof w.a[0]);
		ui_doc_flow(d, &w, " ");
		i = j;
	}
}

void
ui_lb_cstr(const struct ui_lbuf *lb, char *buf, size_t size)
{
	size_t	n = lb->n < size - 1 ? lb->n : size - 1;

	memcpy(buf, lb->s, n);
	buf[n] = '\0';
}

void
ui_doc_item(struct ui_doc *d, unsigned attr, const char *s)
{
	struct ui_lbuf	it;

	it.n = 0;
	ui_lb_add(&it, attr, s);
	ui_doc_flow(d, &it, "  ");
}

void
ui_doc_rawitem(struct ui_doc *d, unsigned attr, const struct mstr *m)
{
	struct ui_lbuf	it;

	it.n = 0;
	ui_lb_raw(d->ui, &it, attr, m->p, m->n,
	    d->ui->san_flags | SAN_TAB_SPACE, UI_CAP_OUT);
	ui_doc_flow(d, &it, "  ");
}

void
ui_doc_rawline(struct ui_doc *d, const char *label, unsigned attr,
    const char *p, size_t n)
{
	struct ui_lbuf	lb;

	lb.n = 0;
	ui_lb_raw(d->ui, &lb, attr, p, n, d->ui->san_flags | SAN_TAB_SPACE,
	    UI_TEXT_OUT);
	ui_doc_label(d, label);
	ui_doc_words(d, &lb);
	ui_doc_end_line(d);
}

/* ------------------------------------------------------------------ */
/* Transcript events. */

unsigned
ui_tr_attr(const struct ui *ui, enum tr_dir dir)
{
	switch (dir) {
	case TR_CLIENT:
		return ui->attr[UI_E_CLIENT];
	case TR_SERVER:
		return ui->attr[UI_E_SERVER];
	case TR_TLS:
		return ui->attr[UI_E_TLS];
	case TR_NET:
		return ui->attr[UI_E_NET];
	case TR_NOTE:
		return ui->attr[UI_E_NOTE];
	default:
		return ui->attr[UI_E_STATE];
	}
}

void
ui_tr_flags(const struct ui *ui, struct ui_lbuf *lb, int flags)
{
	unsigned	esc = ui->attr[UI_E_ESCAPE];

	if (flags & TR_F_BARE_LF)
		ui_lb_add(lb, esc, "[bare LF]");
	if (flags & TR_F_BARE_CR)
		ui_lb_add(lb, esc, "[bare CR]");
	if (flags & TR_F_CUT)
		ui_lb_add(lb, esc, "[line cut]");
	if (flags & TR_F_INJECTED)
		ui_lb_add(lb, esc, "[after STARTTLS go-ahead]");
	if (flags & TR_F_TRUNCATED)
		ui_lb_add(lb, esc, "[transcript cap reached]");
}

/*
 * Line events keep their exact terminator bytes (the hex view shows them);
 * the text view ends each event at its own line, so the terminator is
 * dropped here and only here (a bare LF is still marked "[bare LF]").
 */
void
ui_tr_text(const struct ui *ui, struct ui_lbuf *lb, const struct tr_event *e)
{
	unsigned	a = ui_tr_attr(ui, e->dir);

	if (e->flags & TR_F_ERROR)
		a = ui->attr[UI_E_BAD];
	ui_lb_raw(ui, lb, a, e->data, transcript_event_text_len(e),
	    ui->san_flags, UI_TLINE_OUT);
	if (e->flags & ~TR_F_ERROR) {
		ui_lb_add(lb, 0, " ");
		ui_tr_flags(ui, lb, e->flags);
	}
}
