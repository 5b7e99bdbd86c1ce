/* SPDX-License-Identifier: ISC */
/*
 * The one gate between server bytes and any output: raw bytes become runs
 * of printable text and visible escapes ("How server text is shown" in
 * hostile-servers.md).  It never writes anywhere, reads the locale only via
 * the caller's flags, and never passes C0, DEL, C1 or bidi/invisible text.
 */
#include "config.h"

#include "sanitize.h"

#include <langinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

#define SAN_ESCBUF		128	/* bytes of adjacent escapes batched */
#define SAN_COMBINING_MAX	2	/* combining marks shown per cell */

/* Code point ranges; inclusive on both ends. */
struct san_range {
	uint32_t	 lo;		/* first code point */
	uint32_t	 hi;		/* last code point */
};

/*
 * Shown as <U+XXXX>: C1 controls (a terminal may act on them), bidi
 * overrides and isolates (they reorder what follows, "Trojan Source"),
 * and invisible or line-breaking format characters (they hide or fake
 * text).  The table row lists U+200B..U+200F, U+202A..U+202E,
 * U+2066..U+2069 and U+FEFF; the others are of the same kind.
 */
static const struct san_range san_format[] = {
	{ 0x0080, 0x009f },	/* C1 controls */
	{ 0x00ad, 0x00ad },	/* soft hyphen: invisible */
	{ 0x061c, 0x061c },	/* arabic letter mark: bidi */
	{ 0x180e, 0x180e },	/* mongolian vowel separator: invisible */
	{ 0x200b, 0x200f },	/* zero-width space/joiners, LRM, RLM */
	{ 0x2028, 0x202e },	/* line/paragraph separators, bidi embeddings */
	{ 0x2060, 0x2064 },	/* word joiner, invisible operators */
	{ 0x2066, 0x2069 },	/* bidi isolates */
	{ 0xfeff, 0xfeff },	/* zero-width no-break space, BOM */
	{ 0xfff9, 0xfffb },	/* interlinear annotation controls */
	{ 0xe0000, 0xe007f }	/* tag characters: invisible ASCII */
};

/*
 * Combining marks, by block rather than by wcwidth() so the result does
 * not depend on the C library's locale tables.
 */
static const struct san_range san_combining[] = {
	{ 0x0300, 0x036f },	/* combining diacritical marks */
	{ 0x1ab0, 0x1aff },	/* ... extended */
	{ 0x1dc0, 0x1dff },	/* ... supplement */
	{ 0x20d0, 0x20ff },	/* ... for symbols */
	{ 0xfe20, 0xfe2f }	/* combining half marks */
};

/* One input unit (a byte or a UTF-8 sequence) and how it is shown. */
struct san_unit {
	size_t			 step;		/* input bytes consumed */
	enum sanitize_run	 kind;		/* text or escape */
	const char		*out;		/* the output bytes */
	size_t			 len;		/* output length */
	bool			 in_input;	/* out points into the input */
	char			 tmp[16];	/* room for an escape */
};

/* Walk state: pending runs are batched until the kind changes. */
struct san_state {
	sanitize_cb	 cb;			/* consumer */
	void		*arg;			/* its argument */
	size_t		 out;			/* output bytes so far */
	const char	*text;			/* pending text run, in input */
	size_t		 textlen;		/* its length */
	char		 esc[SAN_ESCBUF];	/* pending escape run */
	size_t		 esclen;		/* its length */
};

/* sanitize_dup() collects the runs here. */
struct san_dup {
	char		*s;			/* NUL-terminated result */
	size_t		 len;			/* bytes before the NUL */
	size_t		 size;			/* bytes allocated */
};

static bool
san_in(const struct san_range *r, size_t nr, uint32_t cp)
{
	size_t	i;

	for (i = 0; i < nr; i++) {
		if (cp >= r[i].lo && cp <= r[i].hi)
			return true;
	}
	return false;
}

/*
 * Decode one UTF-8 sequence at s (s[0] >= 0x80).  Returns its length, or
 * 0 if it is not well-formed (Unicode Standard table 3-7): overlongs,
 * surrogates, code points past U+10FFFF, stray continuation bytes and
 * sequences cut short all give 0, so each of their bytes is escaped alone.
 */
static size_t
san_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 need, i;
	uint32_t	 c;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 1;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else
		return 0;
	if (n < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*cp = c;
	return need + 1;
}

/* The escape was just formatted into u->tmp; r is snprintf's result. */
static void
san_escape_tmp(struct san_unit *u, int r)
{
	u->kind = SAN_ESCAPE;
	u->out = u->tmp;
	u->len = (r > 0) ? (size_t)r : 0;
	u->in_input = false;
}

static void
san_escape_str(struct san_unit *u, const char *s)
{
	u->kind = SAN_ESCAPE;
	u->out = s;
	u->len = strlen(s);
	u->in_input = false;
}

/*
 * Classify the unit at s.  *ncomb counts combining marks since the last
 * other unit, so that a flood of them cannot stack up on one cell.
 */
static void
san_classify(const unsigned char *s, size_t n, int flags, unsigned int *ncomb,
    struct san_unit *u)
{
	unsigned char	 c = s[0];
	uint32_t	 cp = 0;
	size_t		 len;

	u->step = 1;
	if (c >= 0x20 && c < 0x7f) {
		*ncomb = 0;
		u->kind = SAN_TEXT;
		u->out = (const char *)s;
		u->len = 1;
		u->in_input = true;
		return;
	}
	if (c < 0x80) {
		*ncomb = 0;
		if (c == '\t' && (flags & SAN_TAB_SPACE)) {
			u->kind = SAN_TEXT;
			u->out = " ";
			u->len = 1;
			u->in_input = false;
		} else if (c == '\t')
			san_escape_str(u, "\\t");
		else if (c == '\r')
			san_escape_str(u, "\\r");
		else if (c == '\n')
			san_escape_str(u, "\\n");
		else if (c == 0x7f)
			san_escape_str(u, "^?");
		else
			san_escape_tmp(u, snprintf(u->tmp, sizeof u->tmp,
			    "^%c", c + 0x40));
		return;
	}

	len = 0;
	if (flags & SAN_UTF8)
		len = san_utf8(s, n, &cp);
	if (len == 0) {
		*ncomb = 0;
		san_escape_tmp(u, snprintf(u->tmp, sizeof u->tmp, "\\x%02X",
		    (unsigned int)c));
		return;
	}
	u->step = len;
	if (san_in(san_format, sizeof san_format / sizeof san_format[0], cp)) {
		*ncomb = 0;
		san_escape_tmp(u, snprintf(u->tmp, sizeof u->tmp,
		    "<U+%04X>", (unsigned int)cp));
		return;
	}
	if (san_in(san_combining,
	    sizeof san_combining / sizeof san_combining[0], cp)) {
		if (*ncomb < SAN_COMBINING_MAX + 1)
			(*ncomb)++;
		if (*ncomb > SAN_COMBINING_MAX) {
			san_escape_tmp(u, snprintf(u->tmp, sizeof u->tmp,
			    "<U+%04X>", (unsigned int)cp));
			return;
		}
	} else
		*ncomb = 0;
	u->kind = SAN_TEXT;
	u->out = (const char *)s;
	u->len = len;
	u->in_input = true;
}

static void
san_flush(struct san_state *st)
{
	if (st->textlen > 0)
		st->cb(st->text, st->textlen, SAN_TEXT, st->arg);
	st->textlen = 0;
	if (st->esclen > 0)
		st->cb(st->esc, st->esclen, SAN_ESCAPE, st->arg);
	st->esclen = 0;
}

static void
san_emit(struct san_state *st, const struct san_unit *u)
{
	st->out += u->len;
	if (u->kind == SAN_ESCAPE) {
		if (st->textlen > 0 || st->esclen + u->len > sizeof st->esc)
			san_flush(st);
		memcpy(st->esc + st->esclen, u->out, u->len);
		st->esclen += u->len;
		return;
	}
	if (!u->in_input) {
		/* A TAB shown as a space: its own text run. */
		san_flush(st);
		st->cb(u->out, u->len, SAN_TEXT, st->arg);
		return;
	}
	if (st->esclen > 0)
		san_flush(st);
	if (st->textlen > 0 && st->text + st->textlen == u->out)
		st->textlen += u->len;
	else {
		san_flush(st);
		st->text = u->out;
		st->textlen = u->len;
	}
}

/*
 * Text runs point into p and cover as many adjacent text units as
 * possible; only a TAB shown as a space (SAN_TAB_SPACE) is a text run of
 * its own.  Adjacent escapes are batched into one escape run.  A unit
 * (an escape or a UTF-8 character) is never split: output stops before
 * the first unit that would take it past max_out, and the "...[+N bytes]"
 * marker, always a run of its own, comes on top of max_out.  A final CRLF
 * dropped under SAN_KEEP_CRLF does not count in N.
 */
void
sanitize_walk(const char *p, size_t n, int flags, size_t max_out,
    sanitize_cb cb, void *arg)
{
	struct san_state	 st;
	struct san_unit		 u;
	const unsigned char	*s = (const unsigned char *)p;
	unsigned int		 ncomb = 0;
	size_t			 i;
	char			 mark[48];
	int			 r;

	if ((flags & SAN_KEEP_CRLF) && n >= 2 && p[n - 2] == '\r' &&
	    p[n - 1] == '\n')
		n -= 2;

	memset(&st, 0, sizeof st);
	st.cb = cb;
	st.arg = arg;

	for (i = 0; i < n; i += u.step) {
		san_classify(s + i, n - i, flags, &ncomb, &u);
		if (max_out != 0 && u.len > max_out - st.out)
			break;
		san_emit(&st, &u);
	}
	san_flush(&st);
	if (i < n) {
		r = snprintf(mark, sizeof mark, "...[+%zu bytes]", n - i);
		if (r > 0)
			cb(mark, (size_t)r, SAN_ESCAPE, arg);
	}
}

static void
san_dup_cb(const char *text, size_t len, enum sanitize_run kind, void *arg)
{
	struct san_dup	*d = arg;
	size_t		 want;

	(void)kind;
	want = d->len + len + 1;
	if (want > d->size) {
		while (d->size < want)
			d->size *= 2;
		d->s = xreallocarray(d->s, d->size, 1);
	}
	memcpy(d->s + d->len, text, len);
	d->len += len;
	d->s[d->len] = '\0';
}

char *
sanitize_dup(const char *p, size_t n, int flags, size_t max_out)
{
	struct san_dup	d;

	d.size = 64;
	d.len = 0;
	d.s = xmalloc(d.size);
	d.s[0] = '\0';
	sanitize_walk(p, n, flags, max_out, san_dup_cb, &d);
	return d.s;
}

int
sanitize_locale_flags(void)
{
	const char	*cs;

	cs = nl_langinfo(CODESET);
	if (cs == NULL)
		return 0;
	if (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0)
		return SAN_UTF8;
	return 0;
}
