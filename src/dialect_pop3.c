/* SPDX-License-Identifier: ISC */
/*
 * POP3 as a table: "+OK"/"-ERR" replies (RFC 1939 3), the CAPA list ended
 * by a line holding "." (RFC 2449 5), STLS (RFC 2595 4) and SASL
 * mechanisms from the CAPA "SASL" line (RFC 2449 6.3).
 */
#include "config.h"

#include "dialect.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct dialect_service pop3_services[] = {
	{ "pop3", 110, MODE_STARTTLS },		/* RFC 1939, STLS 2595 */
	{ "pop3s", 995, MODE_TLS },		/* RFC 8314 3.3 */
	{ NULL, 0, MODE_PLAIN }
};

/* Every command is answered by "+OK" or "-ERR" (RFC 1939 3). */
static const struct dialect_command pop3_cmds[DC_LAST] = {
	[DC_GREETING] = { NULL, 0 },
	[DC_CAPA] = { "CAPA", 0 },		/* RFC 2449 5 */
	[DC_HELO] = { NULL, 0 },
	[DC_STARTTLS] = { "STLS", 0 },		/* RFC 2595 4 */
	[DC_QUIT] = { "QUIT", 0 },
};

static int
pop3_format(enum dialect_cmd cmd, struct dialect_state *st,
    const char *ehlo_name, char *buf, size_t size)
{
	if ((unsigned int)cmd >= DC_LAST)
		return -1;
	if (cmd == DC_GREETING)
		return 0;
	if (pop3_cmds[cmd].word == NULL)
		return -1;
	st->seq++;
	return snprintf(buf, size, "%s", pop3_cmds[cmd].word);
}

/* "+OK" or "-ERR", then a space or the end of the line. */
static int
pop3_status(const char *line, size_t len)
{
	if (len >= 3 && strncmp(line, "+OK", 3) == 0 &&
	    (len == 3 || line[3] == ' '))
		return 1;
	if (len >= 4 && strncmp(line, "-ERR", 4) == 0 &&
	    (len == 4 || line[4] == ' '))
		return 0;
	return -1;
}

static enum dialect_line
pop3_judge(enum dialect_cmd cmd, struct dialect_state *st, const char *line,
    size_t len, enum dialect_outcome *outcome, uint64_t *literal)
{
	int	ok;

	if (st->in_multi) {
		if (len == 1 && line[0] == '.') {
			st->in_multi = false;
			*outcome = DO_POSITIVE;
			return DL_FINAL;
		}
		return DL_MORE;
	}
	st->first_line = false;
	ok = pop3_status(line, len);
	if (ok == -1) {
		*outcome = DO_MALFORMED;
		return DL_FINAL;
	}
	if (ok == 1 && cmd == DC_CAPA) {
		st->in_multi = true;
		return DL_MORE;
	}
	*outcome = ok ? DO_POSITIVE : DO_NEGATIVE;
	return DL_FINAL;
}

/* POP3 has no unsolicited responses and no closing notice: a line
 * before its command answers nothing we sent. */
static enum dialect_early
pop3_early(const char *line, size_t len)
{
	(void)line;
	(void)len;
	return DE_UNSOLICITED;
}

static void
pop3_caps(enum dialect_cmd cmd, const struct mstr *lines, size_t nlines,
    struct dialect_caps *c)
{
	const char	*p;
	size_t		 i, n;

	if (cmd != DC_CAPA || nlines == 0)
		return;
	c->found = true;
	/* Between the "+OK" line and the terminating ".". */
	for (i = 1; i + 1 < nlines; i++) {
		p = lines[i].p;
		n = lines[i].n;
		if (n > 0 && p[0] == '.') {	/* dot-stuffed */
			p++;
			n--;
		}
		if (n == 0)
			continue;
		if (n > DIALECT_CAP_LEN_MAX)
			n = DIALECT_CAP_LEN_MAX;
		mstr_list_add(&c->caps, p, n, DIALECT_CAPS_MAX);
		if (n == 4 && strncasecmp(p, "STLS", 4) == 0)
			c->starttls = true;
		/* "SASL PLAIN LOGIN" (RFC 2449 6.3). */
		if (n > 5 && strncasecmp(p, "SASL ", 5) == 0)
			dialect_caps_add_auth(c, p, n, 5);
	}
}

const struct dialect dialect_pop3 = {
	.name = "pop3",
	.label = "POP3",
	.services = pop3_services,
	.line_max = 2048,		/* RFC 2449 4: 512 octets */
	.lines_max = 256,
	.reply_max = 64 * 1024,
	.starttls_name = "STLS",
	.cmds = pop3_cmds,
	.login_cap = "USER",
	.format = pop3_format,
	.judge = pop3_judge,
	.caps = pop3_caps,
	.early = pop3_early,
};
