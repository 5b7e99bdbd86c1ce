/* SPDX-License-Identifier: ISC */
/*
 * SMTP as a table: commands with the code that answers each, the reply
 * judge (RFC 5321 4.2: "ddd-" lines continue a reply, "ddd " or a bare
 * "ddd" ends it, every line carries the same code) and the EHLO keyword
 * parser (RFC 5321 4.1.1.1, RFC 3207 STARTTLS, RFC 4954 AUTH).
 */
#include "config.h"

#include "dialect.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct dialect_service smtp_services[] = {
	{ "smtp", 25, MODE_STARTTLS },		/* RFC 5321, STARTTLS 3207 */
	{ "submissions", 465, MODE_TLS },	/* RFC 8314 3.3 */
	{ "submission", 587, MODE_STARTTLS },	/* RFC 6409 */
	{ NULL, 0, MODE_PLAIN }
};

/* The one positive code that answers each command (RFC 5321 4.3.2,
 * RFC 3207 4): any other 2xx/3xx is not a go-ahead. */
static const struct dialect_command smtp_cmds[DC_LAST] = {
	[DC_GREETING] = { NULL, 220 },
	[DC_CAPA] = { "EHLO", 250 },
	[DC_HELO] = { "HELO", 250 },
	[DC_STARTTLS] = { "STARTTLS", 220 },
	[DC_QUIT] = { "QUIT", 221 },
};

static int
smtp_format(enum dialect_cmd cmd, struct dialect_state *st,
    const char *ehlo_name, char *buf, size_t size)
{
	int	n;

	if ((unsigned int)cmd >= DC_LAST)
		return -1;
	if (cmd == DC_GREETING)
		return 0;
	if (smtp_cmds[cmd].word == NULL)
		return -1;
	if (cmd == DC_CAPA || cmd == DC_HELO)
		n = snprintf(buf, size, "%s %s", smtp_cmds[cmd].word,
		    ehlo_name);
	else
		n = snprintf(buf, size, "%s", smtp_cmds[cmd].word);
	st->seq++;
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}

static int
smtp_code(const char *line, size_t len)
{
	if (len < 3 || line[0] < '1' || line[0] > '5' ||
	    line[1] < '0' || line[1] > '9' || line[2] < '0' || line[2] > '9')
		return -1;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

static enum dialect_line
smtp_judge(enum dialect_cmd cmd, struct dialect_state *st, const char *line,
    size_t len, enum dialect_outcome *outcome, uint64_t *literal)
{
	int	code;

	code = smtp_code(line, len);
	if (code == -1) {
		*outcome = DO_MALFORMED;
		return DL_FINAL;
	}
	if (st->first_line) {
		st->code = code;
		st->code2 = 0;
	} else if (code != st->code && st->code2 == 0)
		st->code2 = code;
	st->first_line = false;
	if (len > 3 && line[3] == '-')
		return DL_MORE;
	if (len > 3 && line[3] != ' ') {
		*outcome = DO_MALFORMED;
		return DL_FINAL;
	}
	/* RFC 5321 4.2.1: every line of a reply carries the same code; a
	 * change means we cannot tell which one is the answer. */
	if (st->code2 != 0) {
		*outcome = DO_MIXED;
		return DL_FINAL;
	}
	/* RFC 5321 3.8: 421 closes the channel, as an answer to anything. */
	if (code == 421) {
		*outcome = DO_BYE;
		return DL_FINAL;
	}
	switch (code / 100) {
	case 2:
		*outcome = (unsigned int)cmd < DC_LAST &&
		    smtp_cmds[cmd].code != 0 && smtp_cmds[cmd].code != code ?
		    DO_UNEXPECTED : DO_POSITIVE;
		break;
	case 3:
		*outcome = DO_INTERMEDIATE;
		break;
	case 4:
	case 5:
		*outcome = DO_NEGATIVE;
		break;
	default:
		*outcome = DO_UNEXPECTED;	/* 1yz: not used by SMTP */
		break;
	}
	return DL_FINAL;
}

/* A reply line before its command: only a 421 may come unasked. */
static enum dialect_early
smtp_early(const char *line, size_t len)
{
	if (smtp_code(line, len) == 421)
		return DE_CLOSING;
	return DE_UNSOLICITED;
}

static void
smtp_caps(enum dialect_cmd cmd, const struct mstr *lines, size_t nlines,
    struct dialect_caps *c)
{
	const char	*p;
	size_t		 i, n;

	if (cmd != DC_CAPA)
		return;
	c->found = true;
	/* The first line is the server's name and greeting text. */
	for (i = 1; i < nlines; i++) {
		if (lines[i].n < 4)
			continue;
		p = lines[i].p + 4;
		n = lines[i].n - 4;
		if (n == 0)
			continue;
		if (n > DIALECT_CAP_LEN_MAX)
			n = DIALECT_CAP_LEN_MAX;
		mstr_list_add(&c->caps, p, n, DIALECT_CAPS_MAX);
		if (n == 8 && strncasecmp(p, "STARTTLS", 8) == 0)
			c->starttls = true;
		/* "AUTH PLAIN LOGIN" or the pre-RFC 4954 "AUTH=PLAIN
		 * LOGIN" form. */
		if (n > 5 && (strncasecmp(p, "AUTH ", 5) == 0 ||
		    strncasecmp(p, "AUTH=", 5) == 0))
			dialect_caps_add_auth(c, p, n, 5);
	}
}

const struct dialect dialect_smtp = {
	.name = "smtp",
	.label = "SMTP",
	.services = smtp_services,
	.line_max = 2048,		/* RFC 5321 4.5.3.1.5 says 512 */
	.lines_max = 256,
	.reply_max = 64 * 1024,
	.starttls_name = "STARTTLS",
	.cmds = smtp_cmds,
	.has_helo = true,
	.format = smtp_format,
	.judge = smtp_judge,
	.caps = smtp_caps,
	.early = smtp_early,
};
