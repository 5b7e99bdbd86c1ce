/* SPDX-License-Identifier: ISC */
/*
 * IMAP as a table: greeting "* OK/PREAUTH/BYE" (RFC 9051 7.1), tagged
 * completion, untagged data and "+" continuations, literals "{n}" parsed
 * with an overflow check and never allocated by size, capabilities from
 * CAPABILITY data or a [CAPABILITY ...] response code (RFC 9051 7.1).
 */
#include "config.h"

#include "dialect.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct dialect_service imap_services[] = {
	{ "imap", 143, MODE_STARTTLS },		/* RFC 9051, STARTTLS 2595 */
	{ "imaps", 993, MODE_TLS },		/* RFC 8314 3.3 */
	{ NULL, 0, MODE_PLAIN }
};

static int
imap_format(enum dialect_cmd cmd, struct dialect_state *st,
    const char *ehlo_name, char *buf, size_t size)
{
	const char	*c;

	switch (cmd) {
	case DC_GREETING:
		return 0;
	case DC_CAPA:
		c = "CAPABILITY";
		break;
	case DC_STARTTLS:
		c = "STARTTLS";
		break;
	case DC_QUIT:
		c = "LOGOUT";
		break;
	default:
		return -1;
	}
	st->seq++;
	snprintf(st->tag, sizeof st->tag, "a%u", st->seq);
	return snprintf(buf, size, "%s %s", st->tag, c);
}

/* Does the line start with word (case-insensitive) followed by a space,
 * '[' or its end? */
static bool
imap_word(const char *p, size_t n, const char *word)
{
	size_t	w = strlen(word);

	if (n < w || strncasecmp(p, word, w) != 0)
		return false;
	return n == w || p[w] == ' ' || p[w] == '[';
}

/* A trailing "{n}" or "{n+}" announces n literal bytes after the CRLF.
 * Returns true with *size set (UINT64_MAX on overflow). */
static bool
imap_literal(const char *p, size_t n, uint64_t *size)
{
	size_t		i, end;
	uint64_t	v = 0;

	if (n < 3 || p[n - 1] != '}')
		return false;
	end = n - 1;
	if (p[end - 1] == '+')
		end--;
	i = end;
	while (i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9')
		i--;
	if (i == end || i == 0 || p[i - 1] != '{')
		return false;
	for (; i < end; i++) {
		if (v > (UINT64_MAX - 9) / 10) {
			*size = UINT64_MAX;
			return true;
		}
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*size = v;
	return true;
}

static enum dialect_line
imap_judge(enum dialect_cmd cmd, struct dialect_state *st, const char *line,
    size_t len, enum dialect_outcome *outcome, uint64_t *literal)
{
	size_t	tl;
	bool	cont = st->literal_cont;

	st->literal_cont = false;
	if (imap_literal(line, len, literal)) {
		st->literal_cont = true;
		st->first_line = false;
		return DL_LITERAL;
	}
	if (cont)		/* the rest of a line after a literal */
		return DL_MORE;
	st->first_line = false;
	if (cmd == DC_GREETING) {
		if (len >= 2 && line[0] == '*' && line[1] == ' ') {
			if (imap_word(line + 2, len - 2, "OK")) {
				*outcome = DO_POSITIVE;
				return DL_FINAL;
			}
			if (imap_word(line + 2, len - 2, "PREAUTH")) {
				*outcome = DO_PREAUTH;
				return DL_FINAL;
			}
			if (imap_word(line + 2, len - 2, "BYE")) {
				*outcome = DO_BYE;
				return DL_FINAL;
			}
		}
		*outcome = DO_MALFORMED;
		return DL_FINAL;
	}
	if (len >= 2 && line[0] == '*' && line[1] == ' ') {
		/* RFC 9051 7.1.5: BYE may come at any time; after LOGOUT it
		 * is expected and the tagged OK follows. */
		if (cmd != DC_QUIT && imap_word(line + 2, len - 2, "BYE")) {
			*outcome = DO_BYE;
			return DL_FINAL;
		}
		return DL_MORE;
	}
	if (len >= 1 && line[0] == '+') {
		*outcome = DO_INTERMEDIATE;
		return DL_FINAL;
	}
	tl = strlen(st->tag);
	if (tl > 0 && len > tl && strncmp(line, st->tag, tl) == 0 &&
	    line[tl] == ' ') {
		line += tl + 1;
		len -= tl + 1;
		if (imap_word(line, len, "OK"))
			*outcome = DO_POSITIVE;
		else if (imap_word(line, len, "NO") ||
		    imap_word(line, len, "BAD"))
			*outcome = DO_NEGATIVE;
		else
			*outcome = DO_MALFORMED;
		return DL_FINAL;
	}
	*outcome = DO_MALFORMED;
	return DL_FINAL;
}

static void
imap_tokens(const char *p, size_t n, struct dialect_caps *c)
{
	size_t	i = 0, start, tn;

	c->found = true;
	while (i < n) {
		while (i < n && p[i] == ' ')
			i++;
		start = i;
		while (i < n && p[i] != ' ' && p[i] != ']')
			i++;
		tn = i - start;
		if (tn == 0)
			break;
		if (tn > DIALECT_CAP_LEN_MAX)
			tn = DIALECT_CAP_LEN_MAX;
		mstr_list_add(&c->caps, p + start, tn, DIALECT_CAPS_MAX);
		if (tn == 8 && strncasecmp(p + start, "STARTTLS", 8) == 0)
			c->starttls = true;
		if (tn == 13 && strncasecmp(p + start, "LOGINDISABLED", 13) == 0)
			c->login_disabled = true;
		if (tn > 5 && strncasecmp(p + start, "AUTH=", 5) == 0)
			mstr_list_add(&c->auth, p + start + 5, tn - 5,
			    DIALECT_CAPS_MAX);
		if (i < n && p[i] == ']')
			break;
	}
}

/* Find "[CAPABILITY " in a status line and parse up to the "]". */
static void
imap_code(const char *p, size_t n, struct dialect_caps *c)
{
	static const char	 key[] = "[CAPABILITY ";
	size_t			 k = sizeof key - 1, i;

	for (i = 0; i + k <= n; i++) {
		if (strncasecmp(p + i, key, k) == 0) {
			imap_tokens(p + i + k, n - i - k, c);
			return;
		}
	}
}

static void
imap_caps(enum dialect_cmd cmd, const struct mstr *lines, size_t nlines,
    struct dialect_caps *c)
{
	static const char	 data[] = "* CAPABILITY ";
	size_t			 i, k = sizeof data - 1;

	for (i = 0; i < nlines; i++) {
		if (lines[i].n >= k &&
		    strncasecmp(lines[i].p, data, k) == 0)
			imap_tokens(lines[i].p + k, lines[i].n - k, c);
		else
			imap_code(lines[i].p, lines[i].n, c);
	}
}

const struct dialect dialect_imap = {
	.name = "imap",
	.label = "IMAP",
	.services = imap_services,
	.line_max = 8192,		/* capability lines can be long */
	.lines_max = 256,
	.reply_max = 64 * 1024,
	.starttls_name = "STARTTLS",
	.login_builtin = true,
	.format = imap_format,
	.judge = imap_judge,
	.caps = imap_caps,
};
