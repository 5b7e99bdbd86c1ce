/* SPDX-License-Identifier: ISC */
/*
 * What the lab servers say: the server's half of SMTP, POP3 and IMAP as
 * far as a probe or a mail program's first steps go (greeting,
 * capabilities, STARTTLS, login refused, quit).  Pure: lines in, reply
 * bytes and an action out; no I/O, no clock.  The port's flags decide
 * what is offered, so personalities stay data.
 */
#include "config.h"

#include "lab_proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dialect.h"
#include "lab.h"

#define LAB_WORD_MAX	32	/* longest command word or IMAP tag kept */

static void	lab_say(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* One reply line with CRLF; a reply that would pass the output cap is
 * dropped whole (the connection checks the cap before each command). */
static void
lab_say(struct buf *out, const char *fmt, ...)
{
	char	line[LAB_LINE_MAX + 3];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 3)
		n = (int)(sizeof line - 3);
	line[n++] = '\r';
	line[n++] = '\n';
	(void)buf_append(out, line, (size_t)n);
}

/* The next space-separated word of line into w (cut, NUL-terminated). */
static void
lab_word(const char *line, size_t len, size_t *pos, char *w, size_t size)
{
	size_t	n = 0;

	while (*pos < len && line[*pos] == ' ')
		(*pos)++;
	while (*pos < len && line[*pos] != ' ') {
		if (n + 1 < size)
			w[n++] = line[*pos];
		(*pos)++;
	}
	w[n] = '\0';
}

int
lab_proto_init(struct lab_dialogue *d, const struct lab_port *pt,
    const char *host)
{
	const struct dialect	*dl;

	memset(d, 0, sizeof *d);
	if (dialect_service_by_name(pt->service, &dl) == NULL)
		return -1;
	if (dl == &dialect_smtp)
		d->proto = LAB_SMTP;
	else if (dl == &dialect_pop3)
		d->proto = LAB_POP3;
	else
		d->proto = LAB_IMAP;
	d->port = pt;
	d->host = host;
	return 0;
}

/* STARTTLS is offered on a STARTTLS port until TLS is up. */
static bool
lab_offers_tls(const struct lab_dialogue *d)
{
	return !d->tls && d->port->speak == LAB_STARTTLS;
}

/* A password login is offered inside TLS, or before it when the port is
 * set up that way (the classic mistake). */
static bool
lab_offers_login(const struct lab_dialogue *d)
{
	return d->tls || (d->port->flags & LAB_F_AUTH_PLAIN);
}

void
lab_proto_greeting(struct lab_dialogue *d, struct buf *out)
{
	switch (d->proto) {
	case LAB_SMTP:
		lab_say(out, "220 %s ESMTP mailports lab", d->host);
		break;
	case LAB_POP3:
		lab_say(out, "+OK %s POP3 mailports lab ready", d->host);
		break;
	case LAB_IMAP:
		lab_say(out, "* OK %s IMAP4rev1 mailports lab ready",
		    d->host);
		break;
	}
}

void
lab_proto_bye(struct lab_dialogue *d, const char *why, struct buf *out)
{
	switch (d->proto) {
	case LAB_SMTP:
		lab_say(out, "421 4.7.0 %s closing: %s", d->host, why);
		break;
	case LAB_POP3:
		lab_say(out, "-ERR closing: %s", why);
		break;
	case LAB_IMAP:
		lab_say(out, "* BYE closing: %s", why);
		break;
	}
}

/* RFC 5321 4.1.1, RFC 3207 4, RFC 4954 for AUTH. */
static enum lab_act
lab_smtp(struct lab_dialogue *d, const char *line, size_t len,
    struct buf *out)
{
	char	cmd[LAB_WORD_MAX];
	size_t	pos = 0;

	lab_word(line, len, &pos, cmd, sizeof cmd);
	if (strcasecmp(cmd, "EHLO") == 0) {
		lab_say(out, "250-%s greets you", d->host);
		lab_say(out, "250-PIPELINING");
		lab_say(out, "250-SIZE 10240000");
		if (lab_offers_tls(d))
			lab_say(out, "250-STARTTLS");
		if (lab_offers_login(d))
			lab_say(out, "250-AUTH PLAIN LOGIN");
		lab_say(out, "250 8BITMIME");
	} else if (strcasecmp(cmd, "HELO") == 0)
		lab_say(out, "250 %s", d->host);
	else if (strcasecmp(cmd, "STARTTLS") == 0) {
		if (d->tls)
			lab_say(out, "503 5.5.1 TLS already active");
		else if (!lab_offers_tls(d))
			lab_say(out, "502 5.5.1 STARTTLS not supported");
		else if (d->port->flags & LAB_F_STARTTLS_FAIL)
			lab_say(out, "454 4.7.0 TLS not available due to "
			    "temporary reason");
		else {
			lab_say(out, "220 2.0.0 Ready to start TLS");
			return LAB_ACT_STARTTLS;
		}
	} else if (strcasecmp(cmd, "QUIT") == 0) {
		lab_say(out, "221 2.0.0 Bye");
		return LAB_ACT_CLOSE;
	} else if (strcasecmp(cmd, "NOOP") == 0 ||
	    strcasecmp(cmd, "RSET") == 0)
		lab_say(out, "250 2.0.0 OK");
	else if (strcasecmp(cmd, "AUTH") == 0) {
		if (!lab_offers_login(d))
			lab_say(out, "530 5.7.0 Must issue a STARTTLS command "
			    "first");
		else
			lab_say(out, "535 5.7.8 a lab server has no "
			    "accounts");
	} else if (strcasecmp(cmd, "MAIL") == 0 ||
	    strcasecmp(cmd, "RCPT") == 0 || strcasecmp(cmd, "DATA") == 0)
		lab_say(out, "554 5.7.1 a lab server takes no mail");
	else
		lab_say(out, "500 5.5.2 command not recognised");
	return LAB_ACT_NONE;
}

/* RFC 1939, RFC 2449 (CAPA), RFC 2595 4 (STLS). */
static enum lab_act
lab_pop3(struct lab_dialogue *d, const char *line, size_t len,
    struct buf *out)
{
	char	cmd[LAB_WORD_MAX];
	size_t	pos = 0;

	lab_word(line, len, &pos, cmd, sizeof cmd);
	if (strcasecmp(cmd, "CAPA") == 0 &&
	    !(d->port->flags & LAB_F_NO_CAPA)) {
		lab_say(out, "+OK Capability list follows");
		lab_say(out, "TOP");
		lab_say(out, "UIDL");
		lab_say(out, "RESP-CODES");
		lab_say(out, "PIPELINING");
		if (lab_offers_tls(d))
			lab_say(out, "STLS");
		if (lab_offers_login(d)) {
			lab_say(out, "USER");
			lab_say(out, "SASL PLAIN");
		}
		lab_say(out, ".");
	} else if (strcasecmp(cmd, "STLS") == 0) {
		if (d->tls)
			lab_say(out, "-ERR TLS already active");
		else if (!lab_offers_tls(d))
			lab_say(out, "-ERR unknown command");
		else if (d->port->flags & LAB_F_STARTTLS_FAIL)
			lab_say(out, "-ERR [IN-USE] TLS not available now");
		else {
			lab_say(out, "+OK Begin TLS negotiation");
			return LAB_ACT_STARTTLS;
		}
	} else if (strcasecmp(cmd, "QUIT") == 0) {
		lab_say(out, "+OK Bye");
		return LAB_ACT_CLOSE;
	} else if (strcasecmp(cmd, "NOOP") == 0)
		lab_say(out, "+OK");
	else if (strcasecmp(cmd, "USER") == 0) {
		if (!lab_offers_login(d))
			lab_say(out, "-ERR [AUTH] Plaintext authentication "
			    "disallowed on non-secure connections");
		else {
			d->pop3_user = true;
			lab_say(out, "+OK");
		}
	} else if (strcasecmp(cmd, "PASS") == 0 ||
	    strcasecmp(cmd, "AUTH") == 0) {
		if (!lab_offers_login(d))
			lab_say(out, "-ERR [AUTH] Plaintext authentication "
			    "disallowed on non-secure connections");
		else
			lab_say(out, "-ERR [AUTH] a lab server has no "
			    "mailboxes");
		d->pop3_user = false;
	} else
		lab_say(out, "-ERR unknown command");
	return LAB_ACT_NONE;
}

/* RFC 9051 (and 3501): 6.1.1 CAPABILITY, 6.2.1 STARTTLS, 6.1.3
 * LOGOUT; LOGINDISABLED until TLS unless the port offers login in the
 * clear (RFC 9051 7.2.2). */
static enum lab_act
lab_imap(struct lab_dialogue *d, const char *line, size_t len,
    struct buf *out)
{
	char	tag[LAB_WORD_MAX], cmd[LAB_WORD_MAX];
	size_t	pos = 0;

	lab_word(line, len, &pos, tag, sizeof tag);
	lab_word(line, len, &pos, cmd, sizeof cmd);
	/* A tag is one atom; anything else gets an untagged BAD. */
	if (tag[0] == '\0' || strcmp(tag, "*") == 0 || strchr(tag, '+') !=
	    NULL || cmd[0] == '\0') {
		lab_say(out, "* BAD missing tag or command");
		return LAB_ACT_NONE;
	}
	if (strcasecmp(cmd, "CAPABILITY") == 0) {
		lab_say(out, "* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ "
		    "ID%s%s", lab_offers_tls(d) ? " STARTTLS" : "",
		    lab_offers_login(d) ? " AUTH=PLAIN" : " LOGINDISABLED");
		lab_say(out, "%s OK CAPABILITY completed", tag);
	} else if (strcasecmp(cmd, "STARTTLS") == 0) {
		if (d->tls)
			lab_say(out, "%s BAD TLS already active", tag);
		else if (!lab_offers_tls(d))
			lab_say(out, "%s BAD unknown command", tag);
		else if (d->port->flags & LAB_F_STARTTLS_FAIL)
			lab_say(out, "%s NO [UNAVAILABLE] TLS not available "
			    "now", tag);
		else {
			lab_say(out, "%s OK Begin TLS negotiation now", tag);
			return LAB_ACT_STARTTLS;
		}
	} else if (strcasecmp(cmd, "LOGOUT") == 0) {
		lab_say(out, "* BYE Logging out");
		lab_say(out, "%s OK LOGOUT completed", tag);
		return LAB_ACT_CLOSE;
	} else if (strcasecmp(cmd, "NOOP") == 0)
		lab_say(out, "%s OK NOOP completed", tag);
	else if (strcasecmp(cmd, "LOGIN") == 0 ||
	    strcasecmp(cmd, "AUTHENTICATE") == 0) {
		if (!lab_offers_login(d))
			lab_say(out, "%s NO [PRIVACYREQUIRED] login only "
			    "after STARTTLS", tag);
		else
			lab_say(out, "%s NO [AUTHENTICATIONFAILED] a lab "
			    "server has no accounts", tag);
	} else
		lab_say(out, "%s BAD unknown command", tag);
	return LAB_ACT_NONE;
}

enum lab_act
lab_proto_line(struct lab_dialogue *d, const char *line, size_t len,
    struct buf *out)
{
	switch (d->proto) {
	case LAB_SMTP:
		return lab_smtp(d, line, len, out);
	case LAB_POP3:
		return lab_pop3(d, line, len, out);
	case LAB_IMAP:
		return lab_imap(d, line, len, out);
	}
	return LAB_ACT_CLOSE;
}
