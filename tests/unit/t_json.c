/* SPDX-License-Identifier: ISC */
/*
 * The JSON string escaper and base64 of json.c: quotes, backslashes and
 * controls, valid UTF-8 kept, invalid bytes escaped by the sanitiser,
 * JSON_LINES, RFC 4648 section 10 vectors, and a random-input check that
 * every output is one valid JSON string in valid UTF-8.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

/* A string literal as (pointer, length), so embedded NULs count. */
#define S(x)		(x), (sizeof(x) - 1)

#define RANDOM_ROUNDS	2000	/* random inputs for the property check */
#define RANDOM_LEN	64	/* longest random input */

/* Length of the well-formed UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

/*
 * True if s is exactly one JSON string literal (RFC 8259 section 7) in
 * valid UTF-8, with no raw control byte and no DEL.
 */
static bool
json_string_ok(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n = strlen(str), i = 1, k, len;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return false;
	while (i < n - 1) {
		if (s[i] == '"' || s[i] < 0x20 || s[i] == 0x7f)
			return false;
		if (s[i] == '\\') {
			if (i + 1 >= n - 1)
				return false;
			if (strchr("\"\\/bfnrt", s[i + 1]) != NULL) {
				i += 2;
				continue;
			}
			if (s[i + 1] != 'u' || i + 6 > n - 1)
				return false;
			for (k = 2; k < 6; k++) {
				if (strchr("0123456789abcdefABCDEF",
				    s[i + k]) == NULL)
					return false;
			}
			i += 6;
			continue;
		}
		len = utf8_len(s + i, n - 1 - i);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

/* Escape p and compare with want (the literal, quotes included). */
static void
check_esc(const char *p, size_t n, int flags, const char *want,
    const char *what)
{
	char	*got;

	got = json_escape_dup(p, n, flags);
	tap_is_str(got, want, "escape: %s", what);
	free(got);
}

static void
test_escape(void)
{
	check_esc(S(""), 0, "\"\"", "empty");
	check_esc(NULL, 5, 0, "\"\"", "NULL is the empty string");
	check_esc(S("220 mx.example.com ESMTP"), 0,
	    "\"220 mx.example.com ESMTP\"", "printable ASCII as is");
	check_esc(S("say \"hi\""), 0, "\"say \\\"hi\\\"\"", "quotes");
	check_esc(S("a\\b"), 0, "\"a\\\\b\"", "backslash");
	check_esc(S("\x1b[2J\x07"), 0, "\"^[[2J^G\"",
	    "ESC and BEL in caret form, never raw");
	check_esc(S("a\0b"), 0, "\"a^@b\"", "NUL in caret form");
	check_esc(S("\x7f"), 0, "\"^?\"", "DEL in caret form");
	check_esc(S("a\tb"), 0, "\"a\\\\tb\"",
	    "TAB is the sanitiser's \\t, its backslash escaped");
	check_esc(S("a\r\nb"), 0, "\"a\\\\r\\\\nb\"",
	    "CR LF are visible escapes without JSON_LINES");
	check_esc(S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), 0,
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
	    "valid UTF-8 (2, 3 and 4 bytes) kept");
	check_esc(S("\xc0\xaf"), 0, "\"\\\\xC0\\\\xAF\"",
	    "overlong UTF-8 escaped per byte");
	check_esc(S("\xed\xa0\x80"), 0, "\"\\\\xED\\\\xA0\\\\x80\"",
	    "UTF-16 surrogate escaped per byte");
	check_esc(S("x\xff"), 0, "\"x\\\\xFF\"", "stray 0xFF escaped");
	check_esc(S("\xe2\x82"), 0, "\"\\\\xE2\\\\x82\"",
	    "cut sequence escaped");
	check_esc(S("\xe2\x80\xae" "abc"), 0, "\"<U+202E>abc\"",
	    "bidi override shown as <U+202E>");
	check_esc(S("\xe2\x80\xa8"), 0, "\"<U+2028>\"",
	    "U+2028 (a JavaScript line break) escaped");
	check_esc(S("\xc2\x9b"), 0, "\"<U+009B>\"", "C1 CSI escaped");
	check_esc(S("220-a\n220 b"), JSON_LINES, "\"220-a\\n220 b\"",
	    "JSON_LINES keeps LF as \\n");
	check_esc(S("a\x1b\nb\"\n"), JSON_LINES, "\"a^[\\nb\\\"\\n\"",
	    "JSON_LINES sanitises each line");
	check_esc(S("a\r\nb"), JSON_LINES, "\"a\\\\r\\nb\"",
	    "JSON_LINES: a CR before the LF stays visible");
}

static void
check_b64(const char *in, const char *want)
{
	char	*got;

	got = json_b64_dup(in, strlen(in));
	tap_is_str(got, want, "base64 \"%s\" (RFC 4648 section 10)", in);
	free(got);
}

static void
test_b64(void)
{
	char	*got;

	check_b64("", "");
	check_b64("f", "Zg==");
	check_b64("fo", "Zm8=");
	check_b64("foo", "Zm9v");
	check_b64("foob", "Zm9vYg==");
	check_b64("fooba", "Zm9vYmE=");
	check_b64("foobar", "Zm9vYmFy");

	got = json_b64_dup(S("\0\xff\xfe\x1b"));
	tap_is_str(got, "AP/+Gw==", "base64 of NUL, 0xFF, 0xFE, ESC");
	free(got);
	got = json_b64_dup(NULL, 3);
	tap_is_str(got, "", "base64 of NULL is empty");
	free(got);
}

/* Read back what a FILE function wrote. */
static char *
slurp(FILE *fp)
{
	char	*s;
	long	 n;

	fflush(fp);
	n = ftell(fp);
	if (n < 0)
		return NULL;
	rewind(fp);
	s = calloc(1, (size_t)n + 1);
	if (s != NULL && fread(s, 1, (size_t)n, fp) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(fp);
	return s;
}

static void
test_stream(void)
{
	FILE	*fp;
	char	*got, *want;

	fp = tmpfile();
	if (fp == NULL) {
		tap_skip(2, "tmpfile() failed");
		return;
	}
	json_escape_str(fp, S("a\"\x1b\xc3\xa9\xc0\nz"), JSON_LINES);
	got = slurp(fp);
	want = json_escape_dup(S("a\"\x1b\xc3\xa9\xc0\nz"), JSON_LINES);
	tap_is_str(got, want, "json_escape_str writes what json_escape_dup "
	    "returns");
	free(got);
	free(want);

	fp = tmpfile();
	if (fp == NULL) {
		tap_skip(1, "tmpfile() failed");
		return;
	}
	json_b64(fp, S("foobar"));
	got = slurp(fp);
	tap_is_str(got, "\"Zm9vYmFy\"", "json_b64 writes a quoted string");
	free(got);
}

/* Decode base64 (our alphabet, padded) for the round trip check. */
static size_t
b64_decode(const char *s, unsigned char *out)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*c;
	unsigned long		 v = 0;
	size_t			 n = 0;
	int			 bits = 0;

	for (; *s != '\0' && *s != '='; s++) {
		c = strchr(a, *s);
		if (c == NULL)
			return (size_t)-1;
		v = (v << 6) | (unsigned long)(c - a);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)((v >> bits) & 0xff);
		}
	}
	return n;
}

/*
 * Random bytes, biased towards the interesting ones: every escape is one
 * valid JSON string and every base64 text decodes to the input.
 */
static void
test_random(void)
{
	static const unsigned char	 pick[] = {
		0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x22, 0x5c, 0x7f, 0x80,
		0x9b, 0xc0, 0xc3, 0xa9, 0xe2, 0x80, 0xae, 0xed, 0xf0, 0x9f,
		0xf4, 0xff, 0x41, 0x20
	};
	unsigned char			 in[RANDOM_LEN], back[RANDOM_LEN];
	char				*got;
	size_t				 n, j, dn;
	int				 i, bad_json = 0, bad_b64 = 0;
	uint32_t			 seed = 0x6d61696c;

	for (i = 0; i < RANDOM_ROUNDS; i++) {
		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % (RANDOM_LEN + 1);
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) & 1)
				in[j] = pick[(seed >> 17) % sizeof pick];
			else
				in[j] = (unsigned char)(seed >> 20);
		}
		got = json_escape_dup((const char *)in, n,
		    (i & 1) ? JSON_LINES : 0);
		if (!json_string_ok(got) && bad_json++ == 0)
			tap_diag("not a valid JSON string: %s", got);
		free(got);
		got = json_b64_dup(in, n);
		dn = b64_decode(got, back);
		if ((dn != n || memcmp(in, back, n) != 0 ||
		    strlen(got) != (n + 2) / 3 * 4) && bad_b64++ == 0)
			tap_diag("base64 round trip failed: %s", got);
		free(got);
	}
	tap_is_int(bad_json, 0, "%d random inputs: each escape is one valid "
	    "JSON string in UTF-8", RANDOM_ROUNDS);
	tap_is_int(bad_b64, 0, "%d random inputs: base64 round-trips, "
	    "padded length", RANDOM_ROUNDS);
}

int
main(void)
{
	tap_plan(21 + 9 + 2 + 2);
	test_escape();
	test_b64();
	test_stream();
	test_random();
	return tap_done();
}
