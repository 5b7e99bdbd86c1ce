/* SPDX-License-Identifier: ISC */
/*
 * JSON strings and base64 for the JSON report.  Every byte of a string
 * passes the sanitiser before it is escaped, so the output is valid UTF-8
 * JSON for any input; nothing here knows the report's schema.
 */
#include "config.h"

#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "xmalloc.h"

/* Where output goes: a stream, or a growing string. */
struct json_sink {
	FILE	*fp;		/* stream, or NULL to collect */
	char	*s;		/* collected text, NUL-terminated */
	size_t	 len;		/* bytes before the NUL */
	size_t	 size;		/* bytes allocated */
};

static const char json_b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
json_sink_init(struct json_sink *k, FILE *fp)
{
	k->fp = fp;
	k->len = 0;
	k->size = 0;
	k->s = NULL;
	if (fp == NULL) {
		k->size = 64;
		k->s = xmalloc(k->size);
		k->s[0] = '\0';
	}
}

static void
json_put(struct json_sink *k, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (k->fp != NULL) {
		fwrite(p, 1, n, k->fp);
		return;
	}
	if (k->len + n + 1 > k->size) {
		while (k->len + n + 1 > k->size)
			k->size *= 2;
		k->s = xreallocarray(k->s, k->size, 1);
	}
	memcpy(k->s + k->len, p, n);
	k->len += n;
	k->s[k->len] = '\0';
}

/*
 * Escape one run of sanitised text.  The sanitiser already turned every
 * control into a visible escape; this still escapes any byte < 0x20 and
 * DEL so that the JSON stays valid should that ever change.
 */
static void
json_escape_run(const char *text, size_t len, enum sanitize_run kind,
    void *arg)
{
	struct json_sink	*k = arg;
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 i, start = 0;
	char			 esc[8];

	(void)kind;
	for (i = 0; i < len; i++) {
		if (s[i] != '"' && s[i] != '\\' && s[i] >= 0x20 &&
		    s[i] != 0x7f)
			continue;
		json_put(k, text + start, i - start);
		if (s[i] == '"')
			json_put(k, "\\\"", 2);
		else if (s[i] == '\\')
			json_put(k, "\\\\", 2);
		else {
			snprintf(esc, sizeof esc, "\\u%04x",
			    (unsigned int)s[i]);
			json_put(k, esc, 6);
		}
		start = i + 1;
	}
	json_put(k, text + start, len - start);
}

static void
json_escape_sink(struct json_sink *k, const char *p, size_t n, int flags)
{
	const char	*nl;
	size_t		 seg;

	json_put(k, "\"", 1);
	if (p == NULL)
		n = 0;
	while (n > 0) {
		seg = n;
		if (flags & JSON_LINES) {
			nl = memchr(p, '\n', n);
			if (nl != NULL)
				seg = (size_t)(nl - p);
		}
		sanitize_walk(p, seg, SAN_UTF8, 0, json_escape_run, k);
		if (seg == n)
			break;
		json_put(k, "\\n", 2);
		p += seg + 1;
		n -= seg + 1;
	}
	json_put(k, "\"", 1);
}

void
json_escape_str(FILE *fp, const char *p, size_t n, int flags)
{
	struct json_sink	k;

	json_sink_init(&k, fp);
	json_escape_sink(&k, p, n, flags);
}

char *
json_escape_dup(const char *p, size_t n, int flags)
{
	struct json_sink	k;

	json_sink_init(&k, NULL);
	json_escape_sink(&k, p, n, flags);
	return k.s;
}

/* RFC 4648 section 4: three bytes make four characters; "=" pads. */
static void
json_b64_sink(struct json_sink *k, const void *p, size_t n)
{
	const unsigned char	*s = p;
	char			 q[4];
	unsigned long		 v;
	size_t			 i;

	for (i = 0; i + 3 <= n; i += 3) {
		v = ((unsigned long)s[i] << 16) |
		    ((unsigned long)s[i + 1] << 8) | s[i + 2];
		q[0] = json_b64_alphabet[(v >> 18) & 0x3f];
		q[1] = json_b64_alphabet[(v >> 12) & 0x3f];
		q[2] = json_b64_alphabet[(v >> 6) & 0x3f];
		q[3] = json_b64_alphabet[v & 0x3f];
		json_put(k, q, 4);
	}
	if (n - i == 0)
		return;
	v = (unsigned long)s[i] << 16;
	if (n - i == 2)
		v |= (unsigned long)s[i + 1] << 8;
	q[0] = json_b64_alphabet[(v >> 18) & 0x3f];
	q[1] = json_b64_alphabet[(v >> 12) & 0x3f];
	q[2] = n - i == 2 ? json_b64_alphabet[(v >> 6) & 0x3f] : '=';
	q[3] = '=';
	json_put(k, q, 4);
}

void
json_b64(FILE *fp, const void *p, size_t n)
{
	struct json_sink	k;

	json_sink_init(&k, fp);
	json_put(&k, "\"", 1);
	if (p != NULL)
		json_b64_sink(&k, p, n);
	json_put(&k, "\"", 1);
}

char *
json_b64_dup(const void *p, size_t n)
{
	struct json_sink	k;

	json_sink_init(&k, NULL);
	if (p != NULL)
		json_b64_sink(&k, p, n);
	return k.s;
}
