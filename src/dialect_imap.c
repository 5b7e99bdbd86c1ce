/* SPDX-License-Identifier: ISC */
/*
 * IMAP as a table: greeting "* OK/PREAUTH/BYE" (RFC 9051 7.1), tagged
 * completion for exactly the tag we sent (tags carry a random part per
 * connection, so a server cannot answer in advance), untagged data and
 * "+" continuations, literals "{n}" parsed with an overflow check and
 * never allocated by size, capabilities from CAPABILITY data or a
 * [CAPABILITY ...] response code (RFC 9051 7.1).
 */
#include "config.h"

#include "dialect.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define IMAP_PREAUTH	"PREAUTH"	/* greeting: logged in already */

static const struct dialect_service imap_services[] = {
	{ "imap", 143, MODE_STARTTLS },		/* RFC 9051, STARTTLS 2595 */
	{ "imaps", 993, MODE_TLS },		/* RFC 8314 3.3 */
	{ NULL, 0, MODE_PLAIN }
};

/* Each command is completed by a tagged OK, NO or BAD (RFC 9051 2.2.2). */
static const struct dialect_command imap_cmds[DC_LAST] = {
	[DC_GREETING] = { NULL, 0 },
	[DC_CAPA] = { "CAPABILITY", 0 },
	[DC_HELO] = { NULL, 0 },
	[DC_STARTTLS] = { "STARTTLS", 0 },	/* RFC 9051 6.2.1 */
	[DC_QUIT] = { "LOGOUT", 0 },
};

static int
imap_format(enum dialect_cmd cmd, struct dialect_state *st,
    const char *ehlo_name, char *buf, size_t size)
{
	if ((unsigned int)cmd >= DC_LAST)
		return -1;
	if (cmd == DC_GREETING)
		return 0;
	if (imap_cmds[cmd].word == NULL)
		return -1;
	st->seq++;
	snprintf(st->tag, sizeof st->tag, "%s%u", st->tag_prefix, st->seq);
	return snprintf(buf, size, "%s %s", st->tag, imap_cmds[cmd].word);
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

/* A tagged status response "TAG OK|NO|BAD|BYE|PREAUTH ...": returns the
 * tag length (the bytes before the first space), 0 if the line is not one.
 * Whether the tag is ours is for the caller to decide. */
static size_t
imap_tagged(const char *p, size_t n)
{
	const char	*sp;
	size_t		 tl;

	sp = memchr(p, ' ', n);
	if (sp == NULL || sp == p)
		return 0;
	tl = (size_t)(sp - p);
	p += tl + 1;
	n -= tl + 1;
	if (imap_word(p, n, "OK") || imap_word(p, n, "NO") ||
	    imap_word(p, n, "BAD") || imap_word(p, n, "BYE") ||
	    imap_word(p, n, IMAP_PREAUTH))
		return tl;
	return 0;
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
			if (imap_word(line + 2, len - 2, IMAP_PREAUTH)) {
				*outcome = DO_PREAUTH;
				return DL_FINAL;
			}
			if (imap_word(line + 2, len - 2, "BYE")) {
				*outcome = DO_BYE;
				return DL_FINAL;
			}
		}
		*outcome = imap_tagged(line, len) > 0 ? DO_UNSOLICITED :
		    DO_MALFORMED;
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
	/* The whole tag must be ours: "a1x OK" does not complete "a1". */
	tl = strlen(st->tag);
	if (tl > 0 && len > tl && memcmp(line, st->tag, tl) == 0 &&
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
	*outcome = imap_tagged(line, len) > 0 ? DO_UNSOLICITED : DO_MALFORMED;
	return DL_FINAL;
}

/* RFC 9051 7: untagged data may come at any time, * BYE too (a closing
 * notice); a tagged response or a continuation cannot precede its
 * command.  line may be only the start of a line. */
static enum dialect_early
imap_early(const char *line, size_t len)
{
	if (len >= 1 && line[0] == '*') {
		if (len >= 2 && line[1] != ' ')
			return DE_UNSOLICITED;
		if (len >= 2 && imap_word(line + 2, len - 2, "BYE"))
			return DE_CLOSING;
		return DE_ALLOWED;
	}
	return DE_UNSOLICITED;
}

/* The capability atoms of CAPABILITY data or of a [CAPABILITY ...]
 * response code, which its "]" ends (RFC 9051 7.1). */
static void
imap_tokens(const char *p, size_t n, struct dialect_caps *c)
{
	const char	*t;
	size_t		 pos = 0, tn;

	c->found = true;
	for (;;) {
		t = dialect_next_token(p, n, &pos, "]", &tn);
		if (t == NULL)
			break;
		if (tn > DIALECT_CAP_LEN_MAX)
			tn = DIALECT_CAP_LEN_MAX;
		mstr_list_add(&c->caps, t, tn, DIALECT_CAPS_MAX);
		if (tn == 8 && strncasecmp(t, "STARTTLS", 8) == 0)
			c->starttls = true;
		if (tn == 13 && strncasecmp(t, "LOGINDISABLED", 13) == 0)
			c->login_disabled = true;
		if (tn > 5 && strncasecmp(t, "AUTH=", 5) == 0)
			mstr_list_add(&c->auth, t + 5, tn - 5,
			    DIALECT_CAPS_MAX);
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
	.preauth_word = IMAP_PREAUTH,
	.cmds = imap_cmds,
	.login_builtin = true,
	.format = imap_format,
	.judge = imap_judge,
	.caps = imap_caps,
	.early = imap_early,
	.literal = imap_literal,
};
