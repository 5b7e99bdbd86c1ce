/* SPDX-License-Identifier: ISC */
/*
 * The sanitiser against hostile-servers.md: one assertion per row of "How
 * server text is shown" and per terminal-safety catalogue item (16, 17),
 * the max_out marker, run kinds, and a random-input property check.
 */
#include "config.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "tap.h"

/* A string literal as (pointer, length), so embedded NULs count. */
#define S(x)		(x), (sizeof(x) - 1)

#define RUNS_MAX	8192	/* room for a run description */

/* Runs collected from sanitize_walk(), as "T:text|E:escape|". */
struct runs {
	char	 repr[RUNS_MAX];	/* description of every run */
	size_t	 reprlen;		/* its length */
	char	 cat[RUNS_MAX];		/* runs concatenated */
	size_t	 catlen;		/* its length */
	int	 nruns;			/* runs seen */
	int	 ntext;			/* text runs */
	int	 nempty;		/* runs of length 0 */
	int	 adjacent_text;		/* text runs right after text runs */
	int	 last_kind;		/* kind of the last run, -1 if none */
	size_t	 lastlen;		/* length of the last run */
	size_t	 laststart;		/* its offset in cat */
	int	 overflow;		/* repr or cat ran out of room */
};

static void
runs_cb(const char *text, size_t len, enum sanitize_run kind, void *arg)
{
	struct runs	*r = arg;

	if (len == 0)
		r->nempty++;
	if (kind == SAN_TEXT) {
		r->ntext++;
		if (r->last_kind == SAN_TEXT)
			r->adjacent_text++;
	}
	r->nruns++;
	r->last_kind = kind;
	r->lastlen = len;
	r->laststart = r->catlen;
	if (r->reprlen + len + 4 >= sizeof r->repr ||
	    r->catlen + len + 1 >= sizeof r->cat) {
		r->overflow = 1;
		return;
	}
	r->repr[r->reprlen++] = (kind == SAN_TEXT) ? 'T' : 'E';
	r->repr[r->reprlen++] = ':';
	memcpy(r->repr + r->reprlen, text, len);
	r->reprlen += len;
	r->repr[r->reprlen++] = '|';
	r->repr[r->reprlen] = '\0';
	memcpy(r->cat + r->catlen, text, len);
	r->catlen += len;
	r->cat[r->catlen] = '\0';
}

static void
runs_collect(struct runs *r, const char *p, size_t n, int flags,
    size_t max_out)
{
	memset(r, 0, sizeof *r);
	r->last_kind = -1;
	sanitize_walk(p, n, flags, max_out, runs_cb, r);
}

static void
check(const char *p, size_t n, int flags, size_t max_out, const char *want,
    const char *name)
{
	char	*got;

	got = sanitize_dup(p, n, flags, max_out);
	tap_is_str(got, want, "%s", name);
	free(got);
}

static void
check_runs(const char *p, size_t n, int flags, size_t max_out,
    const char *want, const char *name)
{
	struct runs	r;

	runs_collect(&r, p, n, flags, max_out);
	tap_is_str(r.repr, want, "runs: %s", name);
}

/* Encode cp as UTF-8 into out (5 bytes); returns the length. */
static size_t
utf8_put(uint32_t cp, char *out)
{
	unsigned char	*u = (unsigned char *)out;

	if (cp < 0x80) {
		u[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	u[0] = 0xf0 | (cp >> 18);
	u[1] = 0x80 | ((cp >> 12) & 0x3f);
	u[2] = 0x80 | ((cp >> 6) & 0x3f);
	u[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* The table: printable ASCII, CRLF, bare CR/LF, TAB, C0, DEL, >= 0x80. */
static void
test_table(void)
{
	char	in[256], want[256], *got;
	int	c, bad;
	size_t	n;

	n = 0;
	for (c = 0x20; c < 0x7f; c++)
		in[n++] = (char)c;
	in[n] = '\0';
	check(in, n, 0, 0, in, "printable ASCII as is");
	check(in, n, SAN_UTF8, 0, in, "printable ASCII as is (UTF-8)");

	check(S("250 OK\r\n"), SAN_KEEP_CRLF, 0, "250 OK",
	    "final CRLF dropped with SAN_KEEP_CRLF");
	check(S("250 OK\r\n"), 0, 0, "250 OK\\r\\n",
	    "CRLF shown without SAN_KEEP_CRLF");
	check(S("a\r\nb\r\n"), SAN_KEEP_CRLF, 0, "a\\r\\nb",
	    "only the final CRLF is dropped");
	check(S("\r\n"), SAN_KEEP_CRLF, 0, "", "a lone CRLF is empty");
	check(S("a\rb"), 0, 0, "a\\rb", "bare CR marker");
	check(S("a\r"), SAN_KEEP_CRLF, 0, "a\\r", "final bare CR marker");
	check(S("a\nb"), 0, 0, "a\\nb", "bare LF marker");
	check(S("a\n"), SAN_KEEP_CRLF, 0, "a\\n",
	    "final bare LF still marked with SAN_KEEP_CRLF");
	check(S("a\n\r"), SAN_KEEP_CRLF, 0, "a\\n\\r", "LF CR is not CRLF");
	check_runs(S("a\rb\nc"), 0, 0, "T:a|E:\\r|T:b|E:\\n|T:c|",
	    "CR and LF markers are escapes");

	check(S("a\tb"), 0, 0, "a\\tb", "TAB as \\t");
	check(S("a\tb"), SAN_TAB_SPACE, 0, "a b", "TAB as a space");
	check_runs(S("a\tb"), 0, 0, "T:a|E:\\t|T:b|", "TAB escape kind");
	check_runs(S("a\tb"), SAN_TAB_SPACE, 0, "T:a|T: |T:b|",
	    "TAB space is text");

	check(S("a\0b"), 0, 0, "a^@b", "NUL as ^@");
	check(S("\x1b"), 0, 0, "^[", "ESC as ^[");
	check(S("\x7f"), 0, 0, "^?", "DEL as ^?");
	bad = 0;
	for (c = 0; c < 0x20; c++) {
		if (c == '\t' || c == '\r' || c == '\n')
			continue;
		in[0] = (char)c;
		snprintf(want, sizeof want, "^%c", c + 0x40);
		got = sanitize_dup(in, 1, SAN_UTF8, 0);
		if (strcmp(got, want) != 0) {
			tap_diag("0x%02x -> %s", c, got);
			bad++;
		}
		free(got);
	}
	tap_is_int(bad, 0, "every other C0 byte in caret form");
	check_runs(S("\x01\x1f\x7f"), 0, 0, "E:^A^_^?|",
	    "caret forms are escapes");

	check(S("\xc0\xaf"), SAN_UTF8, 0, "\\xC0\\xAF",
	    "invalid UTF-8 as \\xHH per byte");
	check(S("caf\xc3\xa9"), 0, 0, "caf\\xC3\\xA9",
	    "non-UTF-8 locale: bytes >= 0x80 as \\xHH");
	check(S("caf\xc3\xa9"), SAN_UTF8, 0, "caf\xc3\xa9",
	    "UTF-8 locale: valid UTF-8 as is");
	bad = 0;
	for (c = 0x80; c < 0x100; c++) {
		in[0] = (char)c;
		snprintf(want, sizeof want, "\\x%02X", c);
		got = sanitize_dup(in, 1, 0, 0);
		if (strcmp(got, want) != 0)
			bad++;
		free(got);
	}
	tap_is_int(bad, 0, "non-UTF-8 locale: every byte >= 0x80 as \\xHH");
	check_runs(S("\xc3\xa9"), 0, 0, "E:\\xC3\\xA9|", "\\xHH is an escape");

	check(S("\xc2\x80"), SAN_UTF8, 0, "<U+0080>", "C1 U+0080");
	check(S("\xc2\x9b" "2J"), SAN_UTF8, 0, "<U+009B>2J", "C1 CSI U+009B");
	check(S("\xc2\x9f"), SAN_UTF8, 0, "<U+009F>", "C1 U+009F");
	check(S("\x9b" "2J"), SAN_UTF8, 0, "\\x9B2J",
	    "raw 8-bit CSI byte is invalid UTF-8");
	check(S("\xc2\xa0"), SAN_UTF8, 0, "\xc2\xa0", "U+00A0 is not C1");
}

/* Bidi and invisible format characters, one assertion each. */
static void
test_format(void)
{
	static const uint32_t	 esc[] = {
		0x00ad, 0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f,
		0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
		0x2066, 0x2067, 0x2068, 0x2069, 0xfeff
	};
	static const uint32_t	 pass[] = {
		0x200a, 0x2010, 0x2027, 0x202f, 0x2065, 0x206a, 0xfefe
	};
	char			 in[16], want[32];
	size_t			 i, n;

	for (i = 0; i < sizeof esc / sizeof esc[0]; i++) {
		n = utf8_put(esc[i], in + 1);
		in[0] = 'a';
		in[n + 1] = 'b';
		snprintf(want, sizeof want, "a<U+%04X>b", (unsigned int)esc[i]);
		check(in, n + 2, SAN_UTF8, 0, want, want);
	}
	for (i = 0; i < sizeof pass / sizeof pass[0]; i++) {
		n = utf8_put(pass[i], in);
		in[n] = '\0';
		snprintf(want, sizeof want, "U+%04X passes",
		    (unsigned int)pass[i]);
		check(in, n, SAN_UTF8, 0, in, want);
	}
	check_runs(S("x\xe2\x80\xae" "y"), SAN_UTF8, 0, "T:x|E:<U+202E>|T:y|",
	    "U+202E RLO is an escape");
}

/* Combining marks: two per cell, the rest as <U+XXXX>. */
static void
test_combining(void)
{
	static const uint32_t	 blocks[] = {
		0x0300, 0x036f, 0x1ab0, 0x1aff, 0x1dc0, 0x1dff, 0x20d0,
		0x20ff, 0xfe20, 0xfe2f
	};
	char			 in[128], want[128], mark[8];
	size_t			 i, n, m, w;

	check(S("e\xcc\x81\xcc\x82"), SAN_UTF8, 0, "e\xcc\x81\xcc\x82",
	    "two combining marks pass");
	check(S("e\xcc\x81\xcc\x82\xcc\x83"), SAN_UTF8, 0,
	    "e\xcc\x81\xcc\x82<U+0303>", "the third combining mark escaped");
	check(S("e\xcc\x81\xcc\x81" "a\xcc\x81\xcc\x81"), SAN_UTF8, 0,
	    "e\xcc\x81\xcc\x81" "a\xcc\x81\xcc\x81",
	    "a base character resets the count");

	for (i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
		m = utf8_put(blocks[i], mark);
		n = 0;
		w = 0;
		in[n++] = 'o';
		want[w++] = 'o';
		memcpy(in + n, mark, m);
		n += m;
		memcpy(want + w, mark, m);
		w += m;
		memcpy(in + n, mark, m);
		n += m;
		memcpy(want + w, mark, m);
		w += m;
		memcpy(in + n, mark, m);
		n += m;
		w += snprintf(want + w, sizeof want - w, "<U+%04X>",
		    (unsigned int)blocks[i]);
		check(in, n, SAN_UTF8, 0, want, want);
	}
}

/* Catalogue 16: terminal control sequences in banners. */
static void
test_catalogue16(void)
{
	check(S("\x1b[2J"), SAN_UTF8, 0, "^[[2J", "16: ESC[2J");
	check_runs(S("\x1b[2J"), SAN_UTF8, 0, "E:^[|T:[2J|",
	    "16: ESC[2J is escape then text");
	check(S("220 \x1b]0;pwned\x07 ESMTP"), SAN_UTF8, 0,
	    "220 ^[]0;pwned^G ESMTP", "16: OSC 0 title with BEL");
	check(S("\x1b]52;c;cm0gLXJmIH4K\x07"), SAN_UTF8, 0,
	    "^[]52;c;cm0gLXJmIH4K^G", "16: OSC 52 clipboard");
	check(S("\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"),
	    SAN_UTF8, 0, "^[]8;;http://evil.example/^[\\click^[]8;;^[\\",
	    "16: OSC 8 link");
	check(S("\x1bP1$qm\x1b\\"), SAN_UTF8, 0, "^[P1$qm^[\\",
	    "16: DCS string");
	check(S("\xc2\x9d" "0;t\xc2\x9c"), SAN_UTF8, 0, "<U+009D>0;t<U+009C>",
	    "16: C1 OSC/ST as code points");
}

/* Catalogue 17: invalid and overlong UTF-8, floods, wide characters. */
static void
test_catalogue17(void)
{
	char	in[128], want[512];
	size_t	n, w;
	int	i;

	check(S("\xc0\xaf"), SAN_UTF8, 0, "\\xC0\\xAF", "17: overlong C0 AF");
	check(S("\xc1\xbf"), SAN_UTF8, 0, "\\xC1\\xBF", "17: overlong C1 BF");
	check(S("\xe0\x80\xaf"), SAN_UTF8, 0, "\\xE0\\x80\\xAF",
	    "17: overlong E0 80 AF");
	check(S("\xf0\x80\x80\xaf"), SAN_UTF8, 0, "\\xF0\\x80\\x80\\xAF",
	    "17: overlong F0 80 80 AF");
	check(S("\xed\xa0\x80"), SAN_UTF8, 0, "\\xED\\xA0\\x80",
	    "17: surrogate ED A0 80");
	check(S("\xf4\x90\x80\x80"), SAN_UTF8, 0, "\\xF4\\x90\\x80\\x80",
	    "17: past U+10FFFF F4 90 80 80");
	check(S("\xf5\x80\x80\x80"), SAN_UTF8, 0, "\\xF5\\x80\\x80\\x80",
	    "17: lead byte F5");
	check(S("\xfe\xff"), SAN_UTF8, 0, "\\xFE\\xFF", "17: FE FF");
	check(S("ok\xe2\x82"), SAN_UTF8, 0, "ok\\xE2\\x82",
	    "17: sequence cut at the end");
	check(S("\xe2\x82" "A"), SAN_UTF8, 0, "\\xE2\\x82A",
	    "17: sequence cut by ASCII");
	check(S("\x80\xbf"), SAN_UTF8, 0, "\\x80\\xBF",
	    "17: stray continuation bytes");
	check(S("\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf"), SAN_UTF8, 0,
	    "\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf",
	    "17: U+D7FF, U+E000, U+10FFFF are valid");

	n = 0;
	w = 0;
	in[n++] = 'a';
	want[w++] = 'a';
	for (i = 0; i < 20; i++) {
		in[n++] = (char)0xcc;
		in[n++] = (char)0x81;
		if (i < 2) {
			want[w++] = (char)0xcc;
			want[w++] = (char)0x81;
		} else
			w += snprintf(want + w, sizeof want - w, "<U+0301>");
	}
	want[w] = '\0';
	check(in, n, SAN_UTF8, 0, want, "17: 20 combining marks capped at 2");

	check(S("\xf0\x9f\x98\x80 \xe4\xb8\xad"), SAN_UTF8, 0,
	    "\xf0\x9f\x98\x80 \xe4\xb8\xad", "17: wide emoji and CJK pass");
	check_runs(S("\xf0\x9f\x98\x80 ok"), SAN_UTF8, 0,
	    "T:\xf0\x9f\x98\x80 ok|", "17: wide emoji is text");
	check(S("\xf0\x9f\x98\x80"), 0, 0, "\\xF0\\x9F\\x98\\x80",
	    "17: wide emoji escaped in a non-UTF-8 locale");
}

/* max_out: whole units only, then "...[+N bytes]" of input not shown. */
static void
test_max_out(void)
{
	char	*in, *want, *got;

	check(S("abcdef"), 0, 4, "abcd...[+2 bytes]",
	    "max_out cuts with marker");
	check_runs(S("abcdef"), 0, 4, "T:abcd|E:...[+2 bytes]|",
	    "the marker is an escape run of its own");
	check_runs(S("ab\x01\x02" "cdef"), 0, 6, "T:ab|E:^A^B|E:...[+4 bytes]|",
	    "the marker follows an escape as its own run");
	check(S("abcd"), 0, 4, "abcd", "exactly max_out: no marker");
	check(S("ab\x01" "cd"), 0, 3, "ab...[+3 bytes]",
	    "an escape is not split");
	check(S("a\xc3\xa9" "b"), SAN_UTF8, 2, "a...[+3 bytes]",
	    "a UTF-8 character is not split");
	check(S("ab\xe2\x80\xae" "cd"), SAN_UTF8, 9, "ab...[+5 bytes]",
	    "<U+XXXX> is not split");
	check(S("abcdef\r\n"), SAN_KEEP_CRLF, 4, "abcd...[+2 bytes]",
	    "a dropped CRLF is not counted");
	check(S("abcd\r\n"), SAN_KEEP_CRLF, 4, "abcd",
	    "a dropped CRLF does not cause the marker");

	in = malloc(10000);
	want = malloc(200);
	if (in == NULL || want == NULL)
		abort();
	memset(in, 'x', 10000);
	memset(want, 'x', 80);
	snprintf(want + 80, 120, "...[+9920 bytes]");
	check(in, 10000, SAN_UTF8, 80, want, "10000-byte line at max_out 80");
	got = sanitize_dup(in, 10000, SAN_UTF8, 0);
	tap_ok(strlen(got) == 10000 && strspn(got, "x") == 10000,
	    "max_out 0 is no limit");
	free(got);
	free(in);
	free(want);
}

/* Runs: adjacent text in one run; escapes batched. */
static void
test_runs(void)
{
	struct runs	 r;
	char		 in[300];
	size_t		 i;
	int		 ok;

	check_runs(S("hello world"), 0, 0, "T:hello world|",
	    "adjacent ASCII is one run");
	check_runs(S("caf\xc3\xa9 \xe2\x82\xac 5"), SAN_UTF8, 0,
	    "T:caf\xc3\xa9 \xe2\x82\xac 5|", "ASCII and UTF-8 text is one run");
	check_runs(S("ab\x01\x02" "cd"), 0, 0, "T:ab|E:^A^B|T:cd|",
	    "adjacent escapes are batched");
	check_runs(S(""), 0, 0, "", "empty input gives no runs");
	check(NULL, 0, 0, 0, "", "NULL with length 0 is empty");

	memset(in, 0, sizeof in);
	runs_collect(&r, in, sizeof in, 0, 0);
	ok = (r.ntext == 0 && r.nempty == 0 && r.catlen == 2 * sizeof in &&
	    !r.overflow);
	for (i = 0; ok && i < r.catlen; i += 2)
		ok = (r.cat[i] == '^' && r.cat[i + 1] == '@');
	tap_ok(ok, "300 NULs: all escape runs, 600 bytes of ^@ (%d runs)",
	    r.nruns);
}

static void
test_locale(void)
{
	if (setlocale(LC_CTYPE, "C") == NULL)
		tap_skip(1, "no C locale");
	else
		tap_is_int(sanitize_locale_flags(), 0, "C locale: no SAN_UTF8");
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL &&
	    setlocale(LC_CTYPE, "C.utf8") == NULL &&
	    setlocale(LC_CTYPE, "en_US.UTF-8") == NULL)
		tap_skip(1, "no UTF-8 locale installed");
	else
		tap_is_int(sanitize_locale_flags(), SAN_UTF8,
		    "UTF-8 locale: SAN_UTF8");
	setlocale(LC_CTYPE, "C");
}

/* xorshift64*: the same sequence on every platform. */
static uint64_t	rng_state = 0x6d61696c706f7274ULL;

static uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

/*
 * Strict UTF-8 check written independently of the sanitiser: decode by
 * bit pattern, then reject overlongs, surrogates and > U+10FFFF.  Also
 * rejects what must never be shown as text: C1, the format characters
 * of the table, and more than two combining marks in a row.
 */
static const char *
utf8_bad(const unsigned char *s, size_t n)
{
	size_t		i, k, len;
	uint32_t	cp, min;
	int		comb = 0;

	for (i = 0; i < n; i += len) {
		if (s[i] < 0x80) {
			len = 1;
			comb = 0;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return "bad lead byte";
		if (i + len > n)
			return "cut sequence";
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return "bad continuation";
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min)
			return "overlong";
		if (cp >= 0xd800 && cp <= 0xdfff)
			return "surrogate";
		if (cp > 0x10ffff)
			return "past U+10FFFF";
		if (cp <= 0x9f)
			return "C1 control";
		if (cp == 0xad || cp == 0x61c ||
		    (cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x2028 && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff)
			return "format character";
		if ((cp >= 0x300 && cp <= 0x36f) ||
		    (cp >= 0x1ab0 && cp <= 0x1aff) ||
		    (cp >= 0x1dc0 && cp <= 0x1dff) ||
		    (cp >= 0x20d0 && cp <= 0x20ff) ||
		    (cp >= 0xfe20 && cp <= 0xfe2f)) {
			comb++;
			if (comb > 2)
				return "three combining marks";
		} else
			comb = 0;
	}
	return NULL;
}

static void
hexdump_diag(const char *what, const unsigned char *p, size_t n, int flags,
    size_t max_out)
{
	char	hex[3 * 64 + 1];
	size_t	i, w = 0;

	for (i = 0; i < n && i < 64; i++)
		w += snprintf(hex + w, sizeof hex - w, "%02x ", p[i]);
	hex[w] = '\0';
	tap_diag("%s: flags %d max_out %zu input %s", what, flags, max_out,
	    hex);
}

/* Pieces that make random input hit the interesting paths often. */
static const char *const pieces[] = {
	"\x1b[", "\x1b]0;", "\x07", "\r\n", "\r", "\n", "\t", "\xc3\xa9",
	"\xe2\x80\xae", "\xe2\x80\x8b", "\xef\xbb\xbf", "\xcc\x81",
	"\xe1\xaa\xb0", "\xf0\x9f\x98\x80", "\xc2\x85", "\xc2\x9b",
	"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\xe0\xa0",
	"\xf0\x9f", "\x80", "\xbf", "\xff", "\x7f"
};

static void
test_property(void)
{
	enum { P_C0, P_ASCII, P_UTF8, P_RUNS, P_EMPTY, P_ADJ, P_MAX, P_LAST };
	static const char *const names[P_LAST] = {
		"no byte < 0x20 and no 0x7f in any output",
		"non-UTF-8 mode: output is printable ASCII only",
		"UTF-8 mode: valid UTF-8, no C1, format or 3+ combining",
		"runs concatenate to sanitize_dup()",
		"no empty runs",
		"no adjacent text runs (without SAN_TAB_SPACE)",
		"max_out respected, marker well-formed and last"
	};
	unsigned char	 in[96];
	int		 fails[P_LAST] = { 0 };
	struct runs	 r;
	char		*dup, mark[48], tail[48];
	const char	*why, *pc;
	size_t		 n, len, max_out, body, i, k;
	unsigned long	 nshown;
	int		 iter, flags, m;

	for (iter = 0; iter < 20000; iter++) {
		len = rng() % 64;
		n = 0;
		while (n < len) {
			k = rng() % 4;
			if (k == 0)
				in[n++] = (unsigned char)rng();
			else if (k == 1)
				in[n++] = 0x20 + rng() % 0x5f;
			else {
				pc = pieces[rng() %
				    (sizeof pieces / sizeof pieces[0])];
				k = strlen(pc);
				if (n + k > sizeof in)
					break;
				memcpy(in + n, pc, k);
				n += k;
			}
		}
		flags = (int)(rng() % 8);
		max_out = (rng() % 2) ? 0 : 1 + rng() % 40;

		runs_collect(&r, (const char *)in, n, flags, max_out);
		dup = sanitize_dup((const char *)in, n, flags, max_out);

		for (i = 0; i < r.catlen; i++) {
			if ((unsigned char)r.cat[i] < 0x20 || r.cat[i] == 0x7f)
				break;
		}
		if (i != r.catlen && fails[P_C0]++ == 0)
			hexdump_diag(names[P_C0], in, n, flags, max_out);

		if (!(flags & SAN_UTF8)) {
			for (i = 0; i < r.catlen; i++) {
				if ((unsigned char)r.cat[i] >= 0x7f)
					break;
			}
			if (i != r.catlen && fails[P_ASCII]++ == 0)
				hexdump_diag(names[P_ASCII], in, n, flags,
				    max_out);
		} else {
			why = utf8_bad((const unsigned char *)r.cat, r.catlen);
			if (why != NULL && fails[P_UTF8]++ == 0) {
				tap_diag("%s", why);
				hexdump_diag(names[P_UTF8], in, n, flags,
				    max_out);
			}
		}

		if ((r.overflow || strcmp(dup, r.cat) != 0) &&
		    fails[P_RUNS]++ == 0)
			hexdump_diag(names[P_RUNS], in, n, flags, max_out);
		if (r.nempty != 0 && fails[P_EMPTY]++ == 0)
			hexdump_diag(names[P_EMPTY], in, n, flags, max_out);
		if (!(flags & SAN_TAB_SPACE) && r.adjacent_text != 0 &&
		    fails[P_ADJ]++ == 0)
			hexdump_diag(names[P_ADJ], in, n, flags, max_out);

		/* The marker, if any, is the last run and counts input. */
		body = r.catlen;
		m = 0;
		if (r.nruns > 0 && r.last_kind == SAN_ESCAPE &&
		    r.lastlen < sizeof mark) {
			memcpy(mark, r.cat + r.laststart, r.lastlen);
			mark[r.lastlen] = '\0';
			if (sscanf(mark, "...[+%lu bytes%47s", &nshown,
			    tail) == 2 && strcmp(tail, "]") == 0) {
				m = 1;
				body = r.laststart;
			}
		}
		if (max_out == 0 && m)
			m = -1;		/* no marker without a limit */
		if (m == 1 && (nshown == 0 || nshown > n))
			m = -1;
		if ((m < 0 || (max_out != 0 && body > max_out)) &&
		    fails[P_MAX]++ == 0)
			hexdump_diag(names[P_MAX], in, n, flags, max_out);
		free(dup);
	}
	for (k = 0; k < P_LAST; k++) {
		if (!tap_ok(fails[k] == 0, "20000 random inputs: %s",
		    names[k]))
			tap_diag("%d failures", fails[k]);
	}
}

int
main(void)
{
	test_table();
	test_format();
	test_combining();
	test_catalogue16();
	test_catalogue17();
	test_max_out();
	test_runs();
	test_locale();
	test_property();
	return tap_done_testing();
}
