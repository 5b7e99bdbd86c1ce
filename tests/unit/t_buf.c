/* SPDX-License-Identifier: ISC */
/*
 * The capped buffer and its line extractor: CRLF, bare LF, bare CR, NUL,
 * the cap, over-long lines, and the same lines whatever the split of the
 * input across appends.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"

#define S(x)		(x), (sizeof(x) - 1)

#define MAXLINES	32	/* lines kept per stream in the split test */

/* One extracted line, as the split test records it. */
struct line {
	char	 text[64];	/* the line, without terminator */
	size_t	 len;		/* its length */
	int	 flags;		/* BUF_LINE_* */
};

/* Append p to a fresh buffer and check the first line. */
static void
check_line(const char *p, size_t n, size_t maxline, int want_ret,
    size_t want_len, size_t want_used, int want_flags, const char *name)
{
	struct buf	b;
	size_t		len = 99, used = 99;
	int		flags = -1, ret;

	buf_init(&b, 1024);
	if (buf_append(&b, p, n) != 0)
		abort();
	ret = buf_line(&b, maxline, &len, &used, &flags);
	if (!tap_ok(ret == want_ret && (ret == 0 || (len == want_len &&
	    used == want_used)) && (ret == 0 || flags == want_flags),
	    "%s", name))
		tap_diag("ret %d len %zu used %zu flags 0x%x", ret, len, used,
		    (unsigned int)flags);
	buf_free(&b);
}

static void
test_framing(void)
{
	check_line(S("250 OK\r\n"), 512, 1, 6, 8, 0, "CRLF line");
	check_line(S("\r\n"), 512, 1, 0, 2, 0, "empty CRLF line");
	check_line(S("250 OK\n"), 512, 1, 6, 7, BUF_LINE_BARE_LF,
	    "bare LF line");
	check_line(S("\n"), 512, 1, 0, 1, BUF_LINE_BARE_LF, "lone LF");
	check_line(S("a\rb\r\n"), 512, 1, 3, 5, BUF_LINE_BARE_CR,
	    "bare CR inside a CRLF line");
	check_line(S("a\rb\n"), 512, 1, 3, 4,
	    BUF_LINE_BARE_CR | BUF_LINE_BARE_LF, "bare CR and bare LF");
	check_line(S("a\r\r\n"), 512, 1, 2, 4, BUF_LINE_BARE_CR,
	    "CR CR LF: one bare CR");
	check_line(S("a\rb"), 512, 0, 0, 0, 0, "bare CR, no LF: no line");
	check_line(S("abc\r"), 512, 0, 0, 0, 0,
	    "trailing CR waits for its LF");
	check_line(S("abc"), 512, 0, 0, 0, 0, "no LF: no line");
	check_line(S(""), 512, 0, 0, 0, 0, "empty buffer: no line");
	check_line(S("a\0b\r\n"), 512, 1, 3, 5, BUF_LINE_NUL, "NUL inside");
	check_line(S("\0\r\0\n"), 512, 1, 3, 4,
	    BUF_LINE_NUL | BUF_LINE_BARE_CR | BUF_LINE_BARE_LF,
	    "NUL, bare CR and bare LF together");
}

static void
test_trailing_cr(void)
{
	struct buf	b;
	size_t		len, used;
	int		flags, ret;

	buf_init(&b, 64);
	buf_append(&b, S("abc\r"));
	ret = buf_line(&b, 512, &len, &used, &flags);
	tap_is_int(ret, 0, "CR at the end of the data: wait");
	buf_append(&b, S("\nrest"));
	ret = buf_line(&b, 512, &len, &used, &flags);
	tap_ok(ret == 1 && len == 3 && used == 5 && flags == 0,
	    "the LF arrives: a CRLF line, no flags");
	buf_consume(&b, used);
	tap_is_mem(b.data, b.len, S("rest"), "consume keeps the rest");
	ret = buf_line(&b, 512, &len, &used, &flags);
	tap_is_int(ret, 0, "no second line yet");
	buf_free(&b);
}

static void
test_lines(void)
{
	struct buf	b;
	size_t		len, used;
	int		flags, ret, got;
	char		out[64];
	size_t		outlen;

	buf_init(&b, 256);
	buf_append(&b, S("250-a\r\n250-b\n250 c\r\npartial"));
	got = 0;
	outlen = 0;
	for (;;) {
		ret = buf_line(&b, 64, &len, &used, &flags);
		if (ret == 0)
			break;
		memcpy(out + outlen, b.data, len);
		outlen += len;
		out[outlen++] = '|';
		buf_consume(&b, used);
		got++;
	}
	tap_is_int(got, 3, "three lines from one append");
	tap_is_mem(out, outlen, S("250-a|250-b|250 c|"), "their text");
	tap_is_mem(b.data, b.len, S("partial"), "partial line stays");
	buf_reset(&b);
	tap_is_int((long long)b.len, 0, "reset empties");
	buf_free(&b);
	buf_free(&b);
	tap_ok(b.data == NULL && b.len == 0, "buf_free twice is safe");
}

static void
test_cap(void)
{
	struct buf	b;
	size_t		i;
	int		ok;

	buf_init(&b, 8);
	tap_is_int((long long)buf_room(&b), 8, "room is the cap at first");
	tap_is_int(buf_append(&b, S("12345678")), 0, "fill to the cap");
	tap_is_int((long long)buf_room(&b), 0, "no room at the cap");
	tap_is_int(buf_append(&b, S("9")), -1, "one byte past the cap fails");
	tap_is_mem(b.data, b.len, S("12345678"), "failed append adds nothing");
	tap_is_int(buf_append(&b, NULL, 0), 0, "empty append at the cap");
	buf_consume(&b, 4);
	tap_is_int((long long)buf_room(&b), 4, "consume frees room");
	tap_is_int(buf_append(&b, S("abcde")), -1,
	    "append past the cap fails whole");
	tap_is_mem(b.data, b.len, S("5678"), "nothing of it was added");
	tap_is_int(buf_append(&b, S("abcd")), 0, "append up to the cap");
	tap_is_mem(b.data, b.len, S("5678abcd"), "content after refill");
	tap_ok(b.size <= b.cap, "allocation never exceeds the cap");
	buf_consume(&b, 100);
	tap_is_int((long long)b.len, 0, "over-consume empties");
	buf_free(&b);

	buf_init(&b, 100000);
	ok = 1;
	for (i = 0; i < 100000; i++) {
		if (buf_append(&b, "x", 1) != 0 || b.size > b.cap ||
		    b.size < b.len)
			ok = 0;
	}
	tap_ok(ok && b.len == 100000 && b.size == 100000,
	    "byte-wise growth up to a cap that is not a power of two");
	tap_is_int(buf_append(&b, "x", 1), -1, "and no further");
	buf_free(&b);

	buf_init(&b, 0);
	tap_is_int(buf_append(&b, "x", 1), -1, "cap 0 takes nothing");
	buf_free(&b);
}

static void
test_too_long(void)
{
	check_line(S("abcd\r\n"), 4, 1, 4, 6, 0, "maxline bytes + CRLF fits");
	check_line(S("abcd\n"), 4, 1, 4, 5, BUF_LINE_BARE_LF,
	    "maxline bytes + LF fits");
	check_line(S("abcd"), 4, 0, 0, 0, 0, "maxline bytes, no LF: wait");
	check_line(S("abcd\r"), 4, 0, 0, 0, 0,
	    "maxline bytes + CR: wait for the LF");
	check_line(S("abcde"), 4, 1, 4, 0, BUF_LINE_TOO_LONG,
	    "maxline + 1 bytes without LF: too long");
	check_line(S("abcde\r\n"), 4, 1, 4, 0, BUF_LINE_TOO_LONG,
	    "maxline + 1 bytes with CRLF: too long");
	check_line(S("abcde\n"), 4, 1, 4, 0, BUF_LINE_TOO_LONG,
	    "maxline + 1 bytes with LF: too long");
	check_line(S("abcd\r\r"), 4, 1, 4, 0, BUF_LINE_TOO_LONG,
	    "maxline bytes, CR, CR: too long");
	check_line(S("a\0c\rxxxxxxxx"), 4, 1, 4, 0,
	    BUF_LINE_TOO_LONG | BUF_LINE_NUL | BUF_LINE_BARE_CR,
	    "too long, flags of the first maxline bytes");
	check_line(S("abcdefgh\r\n"), 4, 1, 4, 0, BUF_LINE_TOO_LONG,
	    "LF far past maxline: too long");
	check_line(S("\r\n"), 0, 1, 0, 2, 0, "maxline 0: empty line fits");
	check_line(S("a\r\n"), 0, 1, 0, 0, BUF_LINE_TOO_LONG,
	    "maxline 0: one byte is too long");
}

/* Extract every complete line; stop at a too-long one. */
static int
drain(struct buf *b, size_t maxline, struct line *out, int *nout)
{
	size_t	len, used;
	int	flags;

	while (buf_line(b, maxline, &len, &used, &flags) == 1) {
		if (*nout >= MAXLINES || len >= sizeof out[0].text)
			return -1;
		if (flags & BUF_LINE_TOO_LONG)
			used = len;	/* as a caller might: cut and go on */
		memcpy(out[*nout].text, b->data, len);
		out[*nout].len = len;
		out[*nout].flags = flags;
		(*nout)++;
		buf_consume(b, used);
	}
	return 0;
}

static int
same_lines(const struct line *a, int na, const struct line *b, int nb)
{
	int	i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		if (a[i].len != b[i].len || a[i].flags != b[i].flags ||
		    memcmp(a[i].text, b[i].text, a[i].len) != 0)
			return 0;
	}
	return 1;
}

/* Split at every offset (and byte by byte): the same lines each time. */
static void
test_split(void)
{
	static const char	 stream[] = "220-mx.example ESMTP\r\n"
	    "220-bare lf\n\r\n" "x\ry\r\n" "nul\0in\r\n" "cr\r\r\n"
	    "0123456789abcdefghijKLMN\r\n" "tail\r";
	struct line		 ref[MAXLINES], got[MAXLINES];
	struct buf		 b;
	size_t			 n = sizeof stream - 1, k, maxline = 20;
	int			 nref = 0, ngot, bad = 0, i;

	buf_init(&b, 4096);
	buf_append(&b, stream, n);
	if (drain(&b, maxline, ref, &nref) != 0)
		abort();
	buf_free(&b);
	tap_is_int(nref, 8, "reference: 8 lines (one cut at maxline)");
	tap_ok(nref == 8 && ref[0].flags == 0 && ref[0].len == 20 &&
	    ref[1].flags == BUF_LINE_BARE_LF &&
	    ref[2].len == 0 && ref[2].flags == 0 &&
	    ref[3].flags == BUF_LINE_BARE_CR && ref[4].flags == BUF_LINE_NUL &&
	    ref[5].flags == BUF_LINE_BARE_CR &&
	    ref[6].flags == BUF_LINE_TOO_LONG && ref[6].len == maxline &&
	    ref[7].len == 4 && memcmp(ref[7].text, "KLMN", 4) == 0 &&
	    ref[7].flags == 0, "reference lines carry the expected flags");

	for (k = 0; k <= n; k++) {
		ngot = 0;
		buf_init(&b, 4096);
		buf_append(&b, stream, k);
		if (drain(&b, maxline, got, &ngot) != 0)
			bad++;
		buf_append(&b, stream + k, n - k);
		if (drain(&b, maxline, got, &ngot) != 0)
			bad++;
		if (!same_lines(ref, nref, got, ngot)) {
			if (bad == 0)
				tap_diag("split at %zu differs", k);
			bad++;
		}
		buf_free(&b);
	}
	tap_is_int(bad, 0, "split at each of %zu offsets: same lines", n + 1);

	ngot = 0;
	buf_init(&b, 4096);
	for (i = 0; i < (int)n; i++) {
		buf_append(&b, stream + i, 1);
		if (drain(&b, maxline, got, &ngot) != 0)
			break;
	}
	tap_ok(i == (int)n && same_lines(ref, nref, got, ngot),
	    "byte by byte: same lines");
	tap_is_mem(b.data, b.len, S("tail\r"), "unterminated tail stays");
	buf_free(&b);
}

int
main(void)
{
	test_framing();
	test_trailing_cr();
	test_lines();
	test_cap();
	test_too_long();
	test_split();
	return tap_done_testing();
}
