/* SPDX-License-Identifier: ISC */
/*
 * The reply parsers of SMTP, POP3 and IMAP through the shared pingpong
 * engine: each canned reply is fed whole, split at every byte offset and
 * byte by byte, and must give the same reply, capabilities and leftover.
 * Replies are tied to their command: expected codes per command, one code
 * per SMTP reply, only our own IMAP tag, closing notices, and bytes that
 * came before a command are never its reply (and are logged in order).
 * The capability tokenizer the three parsers share is tested on its own.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "pingpong.h"
#include "tap.h"
#include "transcript.h"

enum expect_feed {
	EF_REPLY,		/* a complete reply */
	EF_MORE,		/* still incomplete */
	EF_ERROR		/* PP_ERROR */
};

struct pp_case {
	const char		*name;		/* test label */
	const struct dialect	*d;		/* protocol */
	enum dialect_cmd	 cmd;		/* command answered */
	const char		*in;		/* bytes from the server */
	size_t			 inlen;		/* 0: strlen(in) */
	enum expect_feed	 feed;		/* outcome of feeding */
	enum dialect_outcome	 outcome;	/* when EF_REPLY */
	int			 nlines;	/* lines in the reply */
	int			 code;		/* SMTP code */
	size_t			 left;		/* bytes left buffered */
	int			 flags;		/* TR_F_* expected */
	const char		*caps;		/* "A|B|C" or NULL: unchecked */
	const char		*auth;		/* "PLAIN|LOGIN" or NULL */
	int			 starttls;	/* -1 unchecked, 0, 1 */
	int			 logindisabled;	/* -1 unchecked, 0, 1 */
	const char		*error;		/* prefix of the error text */
};

#define S	&dialect_smtp
#define P	&dialect_pop3
#define I	&dialect_imap

static const struct pp_case cases[] = {
	{ "smtp greeting", S, DC_GREETING, "220 mx.example ESMTP\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 220, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp multi-line greeting", S, DC_GREETING,
	    "220-mx.example ESMTP\r\n220-wait for it\r\n220 go\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 3, 220, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp bare code", S, DC_GREETING, "220\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 220, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 421 greeting", S, DC_GREETING, "421 busy, try later\r\n", 0,
	    EF_REPLY, DO_BYE, 1, 421, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 554 greeting", S, DC_GREETING, "554 go away\r\n", 0,
	    EF_REPLY, DO_NEGATIVE, 1, 554, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp not smtp", S, DC_GREETING, "+OK pop3 ready\r\n", 0,
	    EF_REPLY, DO_MALFORMED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp bad separator", S, DC_GREETING, "220x\r\n", 0,
	    EF_REPLY, DO_MALFORMED, 1, 220, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp bare LF", S, DC_GREETING, "220-a\n220 b\n", 0,
	    EF_REPLY, DO_POSITIVE, 2, 220, 0, TR_F_BARE_LF, NULL, NULL, -1, -1,
	    NULL },
	{ "smtp NUL kept", S, DC_GREETING, "220 a\0b\r\n", 9,
	    EF_REPLY, DO_POSITIVE, 1, 220, 0, TR_F_NUL, NULL, NULL, -1, -1,
	    NULL },
	{ "smtp ehlo", S, DC_CAPA,
	    "250-mx.example Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
	    "250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=LOGIN\r\n"
	    "250 8BITMIME\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 7, 250, 0, 0,
	    "PIPELINING|SIZE 10240000|STARTTLS|AUTH PLAIN LOGIN|AUTH=LOGIN|"
	    "8BITMIME", "PLAIN|LOGIN", 1, -1, NULL },
	{ "smtp ehlo starttls twice", S, DC_CAPA,
	    "250-mx\r\n250-STARTTLS\r\n250 starttls\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 3, 250, 0, 0, "STARTTLS", "", 1, -1, NULL },
	{ "smtp ehlo refused", S, DC_CAPA, "502 5.5.2 no EHLO\r\n", 0,
	    EF_REPLY, DO_NEGATIVE, 1, 502, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp starttls go", S, DC_STARTTLS, "220 2.0.0 Ready\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 220, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp starttls injection", S, DC_STARTTLS,
	    "220 Ready\r\n250-evil\r\n250 more\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 220, 20, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp starttls 454", S, DC_STARTTLS, "454 4.7.0 TLS not available\r\n",
	    0, EF_REPLY, DO_NEGATIVE, 1, 454, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp starttls 354", S, DC_STARTTLS, "354 go ahead\r\n", 0,
	    EF_REPLY, DO_INTERMEDIATE, 1, 354, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp incomplete", S, DC_GREETING, "220-one\r\n220 two", 0,
	    EF_MORE, DO_POSITIVE, 0, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "pop3 greeting", P, DC_GREETING, "+OK POP3 ready <1.2@x>\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "pop3 bare +OK", P, DC_GREETING, "+OK\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "pop3 -ERR greeting", P, DC_GREETING, "-ERR go away\r\n", 0,
	    EF_REPLY, DO_NEGATIVE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "pop3 not pop3", P, DC_GREETING, "220 smtp here\r\n", 0,
	    EF_REPLY, DO_MALFORMED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "pop3 +OKAY is not +OK", P, DC_GREETING, "+OKAY\r\n", 0,
	    EF_REPLY, DO_MALFORMED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "pop3 capa", P, DC_CAPA,
	    "+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL PLAIN LOGIN\r\n"
	    "STLS\r\n..odd\r\n.\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 7, 0, 0, 0,
	    "TOP|USER|SASL PLAIN LOGIN|STLS|.odd", "PLAIN|LOGIN", 1, -1, NULL },
	{ "pop3 capa refused", P, DC_CAPA, "-ERR unknown command\r\n", 0,
	    EF_REPLY, DO_NEGATIVE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "pop3 capa without end", P, DC_CAPA, "+OK\r\nUSER\r\nSTLS\r\n", 0,
	    EF_MORE, DO_POSITIVE, 0, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "pop3 stls", P, DC_STARTTLS, "+OK Begin TLS negotiation\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "pop3 stls refused", P, DC_STARTTLS, "-ERR not now\r\n", 0,
	    EF_REPLY, DO_NEGATIVE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap greeting with caps", I, DC_GREETING,
	    "* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS LOGINDISABLED "
	    "AUTH=PLAIN] Dovecot ready.\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 0, 0,
	    "IMAP4rev1|SASL-IR|STARTTLS|LOGINDISABLED|AUTH=PLAIN", "PLAIN", 1,
	    1, NULL },
	{ "imap greeting plain", I, DC_GREETING, "* OK ready\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap preauth", I, DC_GREETING, "* PREAUTH welcome back\r\n", 0,
	    EF_REPLY, DO_PREAUTH, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap bye greeting", I, DC_GREETING, "* BYE too many\r\n", 0,
	    EF_REPLY, DO_BYE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap not imap", I, DC_GREETING, "220 smtp\r\n", 0,
	    EF_REPLY, DO_MALFORMED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap capability", I, DC_CAPA,
	    "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN AUTH=LOGIN\r\n"
	    "a1 OK Capability completed.\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 2, 0, 0, 0,
	    "IMAP4rev1|STARTTLS|AUTH=PLAIN|AUTH=LOGIN", "PLAIN|LOGIN", 1, 0,
	    NULL },
	{ "imap capability in tagged code", I, DC_CAPA,
	    "a1 OK [CAPABILITY IMAP4rev1 IDLE] done\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 0, 0, "IMAP4rev1|IDLE", "", 0, 0,
	    NULL },
	{ "imap literal in capability", I, DC_CAPA,
	    "* CAPABILITY {9}\r\nIMAP4rev1 STARTTLS\r\na1 OK\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 3, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap huge literal", I, DC_CAPA, "* X {4294967295}\r\n", 0,
	    EF_ERROR, DO_POSITIVE, 0, 0, 0, 0, NULL, NULL, -1, -1,
	    "literal too large" },
	{ "imap 20-digit literal", I, DC_CAPA,
	    "* X {99999999999999999999}\r\n", 0,
	    EF_ERROR, DO_POSITIVE, 0, 0, 0, 0, NULL, NULL, -1, -1,
	    "literal too large" },
	{ "imap {-1} is text", I, DC_CAPA, "* X {-1}\r\na1 OK\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 2, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap alert before tagged", I, DC_STARTTLS,
	    "* OK [ALERT] system going down\r\na1 OK Begin TLS\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 2, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap starttls NO", I, DC_STARTTLS, "a1 NO not now\r\n", 0,
	    EF_REPLY, DO_NEGATIVE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap starttls BAD", I, DC_STARTTLS, "a1 BAD what\r\n", 0,
	    EF_REPLY, DO_NEGATIVE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap starttls continuation", I, DC_STARTTLS, "+ go ahead\r\n", 0,
	    EF_REPLY, DO_INTERMEDIATE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap bye mid-command", I, DC_STARTTLS, "* BYE shutting down\r\n", 0,
	    EF_REPLY, DO_BYE, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap other tag", I, DC_CAPA, "zz OK who\r\n", 0,
	    EF_REPLY, DO_UNSOLICITED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap tag that starts with ours", I, DC_CAPA, "a1x OK who\r\n", 0,
	    EF_REPLY, DO_UNSOLICITED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap next tag guessed", I, DC_CAPA, "a2 OK early\r\n", 0,
	    EF_REPLY, DO_UNSOLICITED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap tag glued to status", I, DC_CAPA, "a1OK\r\n", 0,
	    EF_REPLY, DO_MALFORMED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap not a status", I, DC_CAPA, "hello there\r\n", 0,
	    EF_REPLY, DO_MALFORMED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap tagged greeting", I, DC_GREETING, "a1 OK hi\r\n", 0,
	    EF_REPLY, DO_UNSOLICITED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap bye after untagged data", I, DC_CAPA,
	    "* CAPABILITY IMAP4rev1\r\n* BYE going\r\na1 OK\r\n", 0,
	    EF_REPLY, DO_BYE, 2, 0, 7, 0, NULL, NULL, -1, -1, NULL },
	/* Each SMTP command has the one positive code that answers it. */
	{ "smtp 250 to STARTTLS", S, DC_STARTTLS, "250 2.0.0 ok\r\n", 0,
	    EF_REPLY, DO_UNEXPECTED, 1, 250, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 220 to EHLO", S, DC_CAPA, "220 mx.example ESMTP\r\n", 0,
	    EF_REPLY, DO_UNEXPECTED, 1, 220, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 220 to HELO", S, DC_HELO, "220 mx.example ESMTP\r\n", 0,
	    EF_REPLY, DO_UNEXPECTED, 1, 220, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 250 to HELO", S, DC_HELO, "250 mx.example\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 250, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 250 greeting", S, DC_GREETING, "250 hello\r\n", 0,
	    EF_REPLY, DO_UNEXPECTED, 1, 250, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 221 to QUIT", S, DC_QUIT, "221 2.0.0 bye\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 221, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 250 to QUIT", S, DC_QUIT, "250 ok\r\n", 0,
	    EF_REPLY, DO_UNEXPECTED, 1, 250, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 1yz", S, DC_CAPA, "150 what\r\n", 0,
	    EF_REPLY, DO_UNEXPECTED, 1, 150, 0, 0, NULL, NULL, -1, -1, NULL },
	/* RFC 5321 4.2.1: one code for every line of a reply. */
	{ "smtp mixed 250/550", S, DC_CAPA, "250-ok\r\n550 no\r\n", 0,
	    EF_REPLY, DO_MIXED, 2, 250, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp mixed 454/220", S, DC_STARTTLS,
	    "454-4.7.0 TLS not available\r\n220 go ahead\r\n", 0,
	    EF_REPLY, DO_MIXED, 2, 454, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp mixed 550/250", S, DC_CAPA,
	    "550-mx STARTTLS\r\n250 ok\r\n", 0,
	    EF_REPLY, DO_MIXED, 2, 550, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp mixed in the middle", S, DC_CAPA,
	    "250-a\r\n251-b\r\n250 c\r\n", 0,
	    EF_REPLY, DO_MIXED, 3, 250, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp mixed greeting", S, DC_GREETING, "220-hi\r\n554 no\r\n", 0,
	    EF_REPLY, DO_MIXED, 2, 220, 0, 0, NULL, NULL, -1, -1, NULL },
	/* RFC 5321 3.8: 421 closes, as the answer to anything. */
	{ "smtp 421 to EHLO", S, DC_CAPA, "421 4.3.2 shutting down\r\n", 0,
	    EF_REPLY, DO_BYE, 1, 421, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 421 to STARTTLS", S, DC_STARTTLS, "421-4.3.2 going\r\n"
	    "421 down\r\n", 0,
	    EF_REPLY, DO_BYE, 2, 421, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "smtp 550 to EHLO", S, DC_CAPA, "550 no\r\n", 0,
	    EF_REPLY, DO_NEGATIVE, 1, 550, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap starttls injection", I, DC_STARTTLS,
	    "a1 OK Begin TLS\r\n* CAPABILITY IMAP4rev1\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 24, 0, NULL, NULL, -1, -1, NULL },
	{ "imap logout", I, DC_QUIT, "* BYE Logging out\r\na1 OK Logout\r\n",
	    0, EF_REPLY, DO_POSITIVE, 2, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	/* The shared tokenizer as each parser uses it: only SP separates
	 * (a tab stays inside its token), runs of SP are one separator. */
	{ "smtp auth runs of spaces and a tab", S, DC_CAPA,
	    "250-mx\r\n250-AUTH   PLAIN\tX  LOGIN \r\n250 AUTH \r\n", 0,
	    EF_REPLY, DO_POSITIVE, 3, 250, 0, 0,
	    "AUTH   PLAIN\tX  LOGIN |AUTH ", "PLAIN\tX|LOGIN", 0, -1, NULL },
	{ "smtp auth= form", S, DC_CAPA,
	    "250-mx\r\n250-AUTH=CRAM-MD5 PLAIN\r\n250 8BITMIME\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 3, 250, 0, 0,
	    "AUTH=CRAM-MD5 PLAIN|8BITMIME", "CRAM-MD5|PLAIN", 0, -1, NULL },
	{ "pop3 sasl runs of spaces and a tab", P, DC_CAPA,
	    "+OK\r\nSASL  PLAIN\t  LOGIN   \r\nSASL \r\n.\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 4, 0, 0, 0,
	    "SASL  PLAIN\t  LOGIN   |SASL ", "PLAIN\t|LOGIN", 0, -1, NULL },
	{ "imap caps runs of spaces, a tab, stop at ]", I, DC_GREETING,
	    "* OK [CAPABILITY  IMAP4rev1   AUTH=PLAIN\tX STARTTLS]IDLE x] hi"
	    "\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 0, 0,
	    "IMAP4rev1|AUTH=PLAIN\tX|STARTTLS", "PLAIN\tX", 1, 0, NULL },
	{ "imap empty capability code", I, DC_GREETING,
	    "* OK [CAPABILITY ] hi\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 0, 0, "", "", 0, 0, NULL },
	{ "imap capability data trailing spaces", I, DC_CAPA,
	    "* CAPABILITY IMAP4rev1  LOGINDISABLED  \r\na1 OK\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 2, 0, 0, 0,
	    "IMAP4rev1|LOGINDISABLED", "", 0, 1, NULL },
};

struct pp_result {
	enum pp_feed		 feed;		/* last feed result */
	enum dialect_outcome	 outcome;	/* reply outcome */
	int			 nlines;	/* reply lines */
	int			 code;		/* SMTP code */
	int			 flags;		/* reply flags */
	size_t			 left;		/* bytes buffered after */
	char			 caps[1024];	/* "A|B" */
	char			 auth[256];	/* "A|B" */
	int			 starttls;	/* capability seen */
	int			 logindisabled;	/* capability seen */
	char			 lines[4096];	/* all lines joined by | */
	char			 error[128];	/* error text */
};

static void
join(char *out, size_t size, const struct mstr_list *l)
{
	size_t	i, off = 0;

	out[0] = '\0';
	for (i = 0; i < l->n && off < size; i++)
		off += (size_t)snprintf(out + off, size - off, "%s%s",
		    i > 0 ? "|" : "", l->v[i].p);
}

/* Feed the case split into pieces at the given offsets. */
static void
run_case(const struct pp_case *c, const size_t *cuts, size_t ncuts,
    struct pp_result *res)
{
	struct transcript	*tr;
	struct pingpong		*pp;
	const struct pp_reply	*r;
	struct dialect_caps	 dc;
	size_t			 n, i, from = 0, to, off = 0;
	enum pp_feed		 f = PP_NEED_MORE;

	memset(res, 0, sizeof *res);
	tr = transcript_new(1 << 20, 10000);
	pp = pingpong_new(c->d, tr, "client.example");
	pingpong_set_tag_prefix(pp, "a");
	pingpong_send(pp, c->cmd);
	n = c->inlen != 0 ? c->inlen : strlen(c->in);
	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : n;
		if (to < from)
			continue;
		f = pingpong_feed(pp, c->in + from, to - from);
		from = to;
		if (f != PP_NEED_MORE)
			break;
	}
	res->feed = f;
	if (f == PP_REPLY) {
		r = pingpong_reply(pp);
		res->outcome = r->outcome;
		res->nlines = (int)r->nlines;
		res->code = r->code;
		res->flags = r->flags;
		res->left = pingpong_buffered(pp, NULL) + (n - from);
		for (i = 0; i < r->nlines && off < sizeof res->lines; i++)
			off += (size_t)snprintf(res->lines + off,
			    sizeof res->lines - off, "%s|", r->lines[i].p);
		memset(&dc, 0, sizeof dc);
		c->d->caps(c->cmd, r->lines, r->nlines, &dc);
		join(res->caps, sizeof res->caps, &dc.caps);
		join(res->auth, sizeof res->auth, &dc.auth);
		res->starttls = dc.starttls;
		res->logindisabled = dc.login_disabled;
		dialect_caps_clear(&dc);
	}
	if (f == PP_ERROR)
		snprintf(res->error, sizeof res->error, "%s",
		    pingpong_error(pp));
	pingpong_free(pp);
	transcript_free(tr);
}

static bool
same(const struct pp_result *a, const struct pp_result *b)
{
	return a->feed == b->feed && a->outcome == b->outcome &&
	    a->nlines == b->nlines && a->code == b->code &&
	    a->flags == b->flags && a->left == b->left &&
	    strcmp(a->caps, b->caps) == 0 && strcmp(a->auth, b->auth) == 0 &&
	    strcmp(a->lines, b->lines) == 0 &&
	    strcmp(a->error, b->error) == 0;
}

static void
check_case(const struct pp_case *c)
{
	struct pp_result	 whole, split;
	size_t			 n, k, *cuts;
	bool			 ok = true;

	run_case(c, NULL, 0, &whole);
	tap_is_int(whole.feed, c->feed == EF_REPLY ? PP_REPLY :
	    c->feed == EF_MORE ? PP_NEED_MORE : PP_ERROR, "%s: feed result",
	    c->name);
	if (c->feed == EF_REPLY) {
		tap_is_int(whole.outcome, c->outcome, "%s: outcome", c->name);
		tap_is_int(whole.nlines, c->nlines, "%s: lines", c->name);
		if (c->d == &dialect_smtp)
			tap_is_int(whole.code, c->code, "%s: code", c->name);
		tap_is_int((long long)whole.left, (long long)c->left,
		    "%s: bytes left after the reply", c->name);
		tap_is_int(whole.flags & (TR_F_BARE_LF | TR_F_NUL), c->flags,
		    "%s: line flags", c->name);
		if (c->caps != NULL)
			tap_is_str(whole.caps, c->caps, "%s: capabilities",
			    c->name);
		if (c->auth != NULL)
			tap_is_str(whole.auth, c->auth, "%s: auth", c->name);
		if (c->starttls != -1)
			tap_is_int(whole.starttls, c->starttls,
			    "%s: starttls", c->name);
		if (c->logindisabled != -1)
			tap_is_int(whole.logindisabled, c->logindisabled,
			    "%s: logindisabled", c->name);
	}
	if (c->error != NULL)
		tap_ok(strncmp(whole.error, c->error, strlen(c->error)) == 0,
		    "%s: error '%s'", c->name, whole.error);
	n = c->inlen != 0 ? c->inlen : strlen(c->in);
	for (k = 1; k < n && ok; k++) {
		run_case(c, &k, 1, &split);
		if (!same(&whole, &split)) {
			tap_diag("split at %zu differs", k);
			ok = false;
		}
	}
	tap_ok(ok, "%s: same result split at every offset", c->name);
	cuts = calloc(n + 1, sizeof *cuts);
	for (k = 0; k < n; k++)
		cuts[k] = k + 1;
	run_case(c, cuts, n, &split);
	free(cuts);
	tap_ok(same(&whole, &split), "%s: same result byte by byte", c->name);
}

/* Caps from the dialect tables: a line over the cap, too many lines. */
static void
check_caps(void)
{
	struct transcript	*tr;
	struct pingpong		*pp;
	char			*big;
	size_t			 i, n;
	enum pp_feed		 f = PP_NEED_MORE;

	tr = transcript_new(1 << 16, 1000);
	pp = pingpong_new(&dialect_smtp, tr, "x");
	pingpong_send(pp, DC_GREETING);
	n = 100000;
	big = malloc(n);
	memset(big, 'A', n);
	memcpy(big, "220 ", 4);
	for (i = 0; i < n && f == PP_NEED_MORE; i += 1000) {
		if (pingpong_room(pp) == 0)
			break;
		f = pingpong_feed(pp, big + i, 1000 < pingpong_room(pp) ?
		    1000 : pingpong_room(pp));
	}
	tap_is_int(f, PP_ERROR, "line without CRLF hits the line cap");
	tap_ok(strncmp(pingpong_error(pp), "line too long", 13) == 0,
	    "error says line too long: %s", pingpong_error(pp));
	pingpong_free(pp);

	pp = pingpong_new(&dialect_smtp, tr, "x");
	pingpong_send(pp, DC_CAPA);
	f = PP_NEED_MORE;
	for (i = 0; i < 1000 && f == PP_NEED_MORE; i++)
		f = pingpong_feed(pp, "250-X\r\n", 7);
	tap_is_int(f, PP_ERROR, "endless multi-line reply is cut");
	tap_ok(strstr(pingpong_error(pp), "too many lines") != NULL,
	    "error says too many lines: %s", pingpong_error(pp));
	tap_ok(i <= dialect_smtp.lines_max + 1, "stopped after %zu lines", i);
	pingpong_free(pp);
	free(big);
	transcript_free(tr);
}

/* Commands on the wire, with IMAP tags counting up. */
static void
check_commands(void)
{
	struct transcript	*tr;
	struct pingpong		*pp;
	const char		*out;
	size_t			 len;

	tr = transcript_new(1 << 16, 1000);
	pp = pingpong_new(&dialect_imap, tr, "x");
	pingpong_set_tag_prefix(pp, "a");
	pingpong_send(pp, DC_GREETING);
	pingpong_send(pp, DC_CAPA);
	pingpong_send(pp, DC_STARTTLS);
	out = pingpong_out(pp, &len);
	tap_is_int((long long)len, 28, "imap commands queued");
	tap_ok(len == 28 && memcmp(out, "a1 CAPABILITY\r\na2 STARTTLS\r\n",
	    28) == 0, "imap tags count up");
	tap_is_int(pingpong_send(pp, DC_HELO), -1, "imap has no HELO");
	pingpong_free(pp);
	pp = pingpong_new(&dialect_smtp, tr, "client.example");
	pingpong_send(pp, DC_CAPA);
	out = pingpong_out(pp, &len);
	tap_ok(len == 21 && memcmp(out, "EHLO client.example\r\n", 21) == 0,
	    "smtp EHLO carries our name");
	pingpong_free(pp);
	pp = pingpong_new(&dialect_pop3, tr, "x");
	pingpong_send(pp, DC_STARTTLS);
	out = pingpong_out(pp, &len);
	tap_ok(len == 6 && memcmp(out, "STLS\r\n", 6) == 0, "pop3 says STLS");
	pingpong_free(pp);
	transcript_free(tr);
}

/*
 * Bytes that arrive after a reply and before the next command: fed after
 * the reply at a later time, then judged as the next command goes out.
 */
struct early_case {
	const char		*name;		/* test label */
	const struct dialect	*d;		/* protocol */
	enum dialect_cmd	 cmd;		/* command answered first */
	const char		*in;		/* its reply, then the rest */
	enum dialect_outcome	 outcome;	/* of the reply */
	enum pp_early		 early;		/* what the rest is */
	const char		*line;		/* the line behind it */
	const char		*next;		/* reply to the next command:
						 * EHLO after the greeting,
						 * STARTTLS after EHLO, QUIT
						 * after STARTTLS */
	enum dialect_outcome	 next_outcome;	/* its outcome */
	int			 next_lines;	/* and lines */
};

static const struct early_case early_cases[] = {
	{ "smtp second greeting", S, DC_GREETING,
	    "220 mx ESMTP\r\n220 mx again\r\n", DO_POSITIVE,
	    PP_EARLY_UNSOLICITED, "220 mx again",
	    "250-mx\r\n250 STARTTLS\r\n", DO_POSITIVE, 2 },
	{ "smtp go-ahead before STARTTLS", S, DC_CAPA,
	    "250-mx\r\n250 STARTTLS\r\n220 go ahead\r\n", DO_POSITIVE,
	    PP_EARLY_UNSOLICITED, "220 go ahead",
	    "220 2.0.0 ready\r\n", DO_POSITIVE, 1 },
	{ "smtp 421 unasked", S, DC_GREETING,
	    "220 mx\r\n421 4.3.2 bye\r\n", DO_POSITIVE,
	    PP_EARLY_CLOSING, "421 4.3.2 bye",
	    "250 mx\r\n", DO_POSITIVE, 1 },
	{ "smtp 421 outranks an unasked reply", S, DC_GREETING,
	    "220 mx\r\n250 x\r\n421 bye\r\n", DO_POSITIVE,
	    PP_EARLY_CLOSING, "421 bye", "250 mx\r\n", DO_POSITIVE, 1 },
	{ "smtp start of a line unasked", S, DC_GREETING,
	    "220 mx\r\n25", DO_POSITIVE, PP_EARLY_UNSOLICITED, "25",
	    "250 mx\r\n", DO_POSITIVE, 1 },
	{ "smtp nothing unasked", S, DC_GREETING, "220 mx\r\n", DO_POSITIVE,
	    PP_EARLY_NONE, NULL, "250 mx\r\n", DO_POSITIVE, 1 },
	{ "pop3 second +OK", P, DC_GREETING, "+OK hi\r\n+OK again\r\n",
	    DO_POSITIVE, PP_EARLY_UNSOLICITED, "+OK again",
	    "+OK\r\nSTLS\r\n.\r\n", DO_POSITIVE, 3 },
	{ "imap tagged OK before any command", I, DC_GREETING,
	    "* OK hi\r\na1 OK CAPABILITY completed\r\n", DO_POSITIVE,
	    PP_EARLY_UNSOLICITED, "a1 OK CAPABILITY completed",
	    "a1 OK done\r\n", DO_POSITIVE, 1 },
	{ "imap continuation before any command", I, DC_GREETING,
	    "* OK hi\r\n+ go\r\n", DO_POSITIVE, PP_EARLY_UNSOLICITED,
	    "+ go", "a1 OK done\r\n", DO_POSITIVE, 1 },
	{ "imap untagged data may come any time", I, DC_GREETING,
	    "* OK hi\r\n* OK [ALERT] x\r\n", DO_POSITIVE, PP_EARLY_NONE,
	    NULL, "* CAPABILITY IMAP4rev1\r\na1 OK done\r\n", DO_POSITIVE,
	    2 },
	{ "imap untagged literal is skipped", I, DC_GREETING,
	    "* OK hi\r\n* X {5}\r\na1 OK\r\n", DO_POSITIVE, PP_EARLY_NONE,
	    NULL, "a1 OK done\r\n", DO_POSITIVE, 1 },
	{ "imap start of untagged data stays", I, DC_GREETING,
	    "* OK hi\r\n* CAPA", DO_POSITIVE, PP_EARLY_NONE, NULL,
	    "BILITY IMAP4rev1\r\na1 OK done\r\n", DO_POSITIVE, 2 },
	{ "imap BYE unasked", I, DC_GREETING, "* OK hi\r\n* BYE going\r\n",
	    DO_POSITIVE, PP_EARLY_CLOSING, "* BYE going",
	    "a1 OK done\r\n", DO_POSITIVE, 1 },
	{ "imap BYE after STARTTLS OK", I, DC_STARTTLS,
	    "a1 OK begin TLS\r\n* BYE no\r\n", DO_POSITIVE, PP_EARLY_CLOSING,
	    "* BYE no", "a2 OK done\r\n", DO_POSITIVE, 1 },
};

struct early_result {
	enum pp_feed		 feed;		/* of the first reply */
	enum dialect_outcome	 outcome;	/* its outcome */
	enum pp_early		 early;		/* finding */
	char			 line[256];	/* line behind it */
	enum pp_feed		 next_feed;	/* of the next reply */
	enum dialect_outcome	 next_outcome;	/* its outcome */
	int			 next_lines;	/* its lines */
	char			 order[512];	/* transcript: "dir@t|..." */
};

/* The probe's way: feed until a reply, then the rest arrives at a later
 * time (a new read each piece), then the next command goes out. */
static void
run_early(const struct early_case *c, const size_t *cuts, size_t ncuts,
    struct early_result *res)
{
	struct transcript	*tr;
	struct pingpong		*pp;
	const struct tr_event	*e;
	const struct mstr	*m;
	size_t			 n, i, from = 0, to, off = 0;
	enum pp_feed		 f = PP_NEED_MORE;
	uint64_t		 t = 100;

	memset(res, 0, sizeof *res);
	tr = transcript_new(1 << 20, 10000);
	pp = pingpong_new(c->d, tr, "client.example");
	pingpong_set_tag_prefix(pp, "a");
	pingpong_send(pp, DC_GREETING);
	pingpong_send(pp, c->cmd);		/* IMAP: tag a1 */
	n = strlen(c->in);
	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : n;
		if (to < from)
			continue;
		pingpong_set_time(pp, t++);
		if (f == PP_REPLY)
			pingpong_append(pp, c->in + from, to - from);
		else
			f = pingpong_feed(pp, c->in + from, to - from);
		if (f == PP_REPLY && res->feed != PP_REPLY) {
			res->feed = f;
			res->outcome = pingpong_reply(pp)->outcome;
			/* What the probe does when it takes a reply. */
			(void)pingpong_early(pp, false);
		}
		from = to;
	}
	pingpong_set_time(pp, 1000);
	res->early = pingpong_early(pp, true);
	m = pingpong_early_line(pp);
	snprintf(res->line, sizeof res->line, "%s", m != NULL ? m->p : "");
	/* The next command of the dialogue (IMAP: tag a1 or a2). */
	pingpong_send(pp, c->cmd == DC_GREETING ? DC_CAPA :
	    c->cmd == DC_CAPA ? DC_STARTTLS : DC_QUIT);
	pingpong_set_time(pp, 2000);
	res->next_feed = pingpong_feed(pp, c->next, strlen(c->next));
	if (res->next_feed == PP_REPLY) {
		res->next_outcome = pingpong_reply(pp)->outcome;
		res->next_lines = (int)pingpong_reply(pp)->nlines;
	}
	/* Every event in order with its time: server lines before 1000,
	 * then our command at 1000, then the next reply at 2000. */
	for (i = 0; i < transcript_count(tr) && off < sizeof res->order;
	    i++) {
		e = transcript_get(tr, i);
		off += (size_t)snprintf(res->order + off,
		    sizeof res->order - off, "%s%s@%s|",
		    transcript_dir_tag(e->dir),
		    (e->flags & TR_F_UNSOLICITED) ? "!" : "",
		    e->t_us < 1000 ? "early" : e->t_us == 1000 ? "send" :
		    "late");
	}
	pingpong_free(pp);
	transcript_free(tr);
}

/* The transcript order: no server line is logged after our command at a
 * time before it, and the command's line comes after every early line. */
static bool
early_ordered(const char *order)
{
	const char	*send, *early;

	send = strstr(order, "C>@send");
	if (send == NULL)
		return false;
	early = strstr(send, "@early");
	return early == NULL;
}

static void
check_early(const struct early_case *c)
{
	struct early_result	 whole, split;
	size_t			 n, k, *cuts;
	bool			 ok = true;

	run_early(c, NULL, 0, &whole);
	tap_is_int(whole.feed, PP_REPLY, "%s: first reply", c->name);
	tap_is_int(whole.outcome, c->outcome, "%s: its outcome", c->name);
	tap_is_int(whole.early, c->early, "%s: early finding", c->name);
	tap_is_str(whole.line, c->line != NULL ? c->line : "",
	    "%s: the line behind it", c->name);
	tap_is_int(whole.next_feed, PP_REPLY, "%s: next reply", c->name);
	tap_is_int(whole.next_outcome, c->next_outcome,
	    "%s: next outcome (early bytes are not part of it)", c->name);
	tap_is_int(whole.next_lines, c->next_lines, "%s: next reply lines",
	    c->name);
	tap_ok(early_ordered(whole.order), "%s: early lines before our "
	    "command: %s", c->name, whole.order);
	tap_ok(c->early == PP_EARLY_NONE || strstr(whole.order, "S<!@early")
	    != NULL, "%s: unasked line flagged at its arrival", c->name);
	n = strlen(c->in);
	for (k = 1; k < n && ok; k++) {
		run_early(c, &k, 1, &split);
		if (split.feed != whole.feed ||
		    split.outcome != whole.outcome ||
		    split.early != whole.early ||
		    strcmp(split.line, whole.line) != 0 ||
		    split.next_outcome != whole.next_outcome ||
		    split.next_lines != whole.next_lines ||
		    !early_ordered(split.order)) {
			tap_diag("split at %zu differs: %s", k, split.order);
			ok = false;
		}
	}
	tap_ok(ok, "%s: same finding split at every offset", c->name);
	cuts = calloc(n + 1, sizeof *cuts);
	for (k = 0; k < n; k++)
		cuts[k] = k + 1;
	run_early(c, cuts, n, &split);
	free(cuts);
	tap_ok(split.early == whole.early && strcmp(split.line, whole.line)
	    == 0 && split.next_outcome == whole.next_outcome &&
	    early_ordered(split.order), "%s: same finding byte by byte",
	    c->name);
}

/* Each event keeps its exact bytes; arrival time, not parse time. */
static void
check_exact_bytes(void)
{
	struct transcript	*tr;
	struct pingpong		*pp;
	const struct tr_event	*e;

	tr = transcript_new(1 << 16, 1000);
	pp = pingpong_new(&dialect_smtp, tr, "client.example");
	pingpong_send(pp, DC_GREETING);
	pingpong_set_time(pp, 10);
	tap_is_int(pingpong_feed(pp, "220-a\n220 b", 11), PP_NEED_MORE,
	    "greeting not complete yet");
	pingpong_set_time(pp, 20);
	tap_is_int(pingpong_feed(pp, "\r\n", 2), PP_REPLY,
	    "greeting complete");
	pingpong_set_time(pp, 30);
	pingpong_send(pp, DC_CAPA);
	tap_is_int((long long)transcript_count(tr), 3, "three events");
	e = transcript_get(tr, 0);
	tap_is_mem(e->data, e->len, "220-a\n", 6, "bare LF line kept exact");
	tap_ok(e->term == 1 && transcript_event_text_len(e) == 5 &&
	    e->t_us == 10, "bare LF: terminator 1, text 5, arrived at 10");
	e = transcript_get(tr, 1);
	tap_is_mem(e->data, e->len, "220 b\r\n", 7, "CRLF line kept exact");
	tap_ok(e->term == 2 && transcript_event_text_len(e) == 5 &&
	    e->t_us == 20, "CRLF: terminator 2, text 5, completed at 20");
	e = transcript_get(tr, 2);
	tap_is_mem(e->data, e->len, "EHLO client.example\r\n", 21,
	    "our line kept with its CR LF");
	tap_ok(e->dir == TR_CLIENT && e->term == 2 && e->t_us == 30,
	    "our line: terminator 2 at 30");
	pingpong_free(pp);
	transcript_free(tr);
}

/* Tags carry a random part per connection: not guessable in advance. */
static void
check_tags(void)
{
	struct transcript	*tr;
	struct pingpong		*a, *b;
	const char		*oa, *ob;
	size_t			 la, lb, i;
	bool			 shape = true;

	tr = transcript_new(1 << 16, 1000);
	a = pingpong_new(&dialect_imap, tr, "x");
	b = pingpong_new(&dialect_imap, tr, "x");
	pingpong_send(a, DC_CAPA);
	pingpong_send(b, DC_CAPA);
	oa = pingpong_out(a, &la);
	ob = pingpong_out(b, &lb);
	tap_ok(la == 2 + DIALECT_TAG_RANDOM + 1 + 13 &&
	    memcmp(oa + 2 + DIALECT_TAG_RANDOM, "1 CAPABILITY\r\n", 14) == 0,
	    "tag is mp + %d letters + 1: %.*s", DIALECT_TAG_RANDOM,
	    (int)(la > 2 ? la - 2 : 0), oa);
	for (i = 0; i < 2 + DIALECT_TAG_RANDOM && i < la; i++)
		if (i < 2 ? oa[i] != "mp"[i] : (oa[i] < 'a' || oa[i] > 'z'))
			shape = false;
	tap_ok(shape, "tag prefix is mp and lower-case letters");
	tap_ok(la != lb || memcmp(oa, ob, la) != 0,
	    "two connections get different tags: %.*s / %.*s",
	    (int)(la > 2 ? la - 2 : 0), oa, (int)(lb > 2 ? lb - 2 : 0), ob);
	pingpong_out_consume(a, la);
	pingpong_send(a, DC_STARTTLS);
	ob = pingpong_out(a, &lb);
	tap_ok(lb == la - 13 + 11 && memcmp(ob, oa, 2 + DIALECT_TAG_RANDOM)
	    == 0 && ob[2 + DIALECT_TAG_RANDOM] == '2',
	    "the same prefix counts up on one connection");
	/* The guess "a1" of a naive server does not complete our command. */
	tap_is_int(pingpong_feed(a, "a1 OK done\r\n", 12), PP_REPLY,
	    "a guessed tag ends the reply");
	tap_is_int(pingpong_reply(a)->outcome, DO_UNSOLICITED,
	    "and is a reply to a command we did not send");
	pingpong_free(a);
	pingpong_free(b);
	transcript_free(tr);
}

/* The SMTP codes behind a mixed reply, for the reason sentence. */
static void
check_mixed_codes(void)
{
	struct transcript	*tr;
	struct pingpong		*pp;

	tr = transcript_new(1 << 16, 1000);
	pp = pingpong_new(&dialect_smtp, tr, "x");
	pingpong_send(pp, DC_CAPA);
	tap_is_int(pingpong_feed(pp, "250-ok\r\n550 no\r\n", 16), PP_REPLY,
	    "mixed reply complete at its last line");
	tap_ok(pingpong_reply(pp)->code == 250 &&
	    pingpong_reply(pp)->code2 == 550, "codes 250 and 550 kept");
	pingpong_free(pp);
	transcript_free(tr);
}

/* dialect_next_token() on its own, over exactly n allocated bytes so that
 * ASan sees any read past the end. */
struct tok_case {
	const char	*name;		/* test label */
	const char	*in;		/* the bytes */
	size_t		 inlen;		/* 0: strlen(in) */
	size_t		 from;		/* starting *pos */
	const char	*stops;		/* stop bytes or NULL */
	const char	*want;		/* tokens joined by "|" */
	size_t		 end;		/* *pos after the last call */
};

static const struct tok_case tok_cases[] = {
	{ "empty", "", 0, 0, NULL, "", 0 },
	{ "only spaces", "    ", 0, 0, NULL, "", 4 },
	{ "one token", "abc", 0, 0, NULL, "abc", 3 },
	{ "runs of spaces", "  a   bb    c  ", 0, 0, NULL, "a|bb|c", 15 },
	{ "a tab is part of a token", "a\tb \t c", 0, 0, NULL,
	    "a\tb|\t|c", 7 },
	{ "start in the middle", "AUTH  PLAIN LOGIN", 0, 5, NULL,
	    "PLAIN|LOGIN", 17 },
	{ "stop byte ends token and list", "A B]C D", 0, 0, "]", "A|B", 3 },
	{ "stop byte first", "]A", 0, 0, "]", "", 0 },
	{ "stop after spaces", "A  ] B", 0, 0, "]", "A", 3 },
	{ "two stop bytes", "AUTH=PLAIN]", 0, 0, "=]", "AUTH", 4 },
	{ "no stops: ] is a byte", "A]B C", 0, 0, NULL, "A]B|C", 5 },
	{ "NUL is never a stop", "a\0b c", 5, 0, "]", "a\\0b|c", 5 },
	{ "bounded by n", "ab cd", 4, 0, NULL, "ab|c", 4 },
	{ "pos at the end", "ab", 0, 2, NULL, "", 2 },
};

static void
check_tok_case(const struct tok_case *c)
{
	char		*buf, got[256];
	const char	*t;
	size_t		 n, pos, tn, i, off = 0, calls = 0;
	bool		 in_bounds = true;

	n = c->inlen != 0 ? c->inlen : strlen(c->in);
	buf = malloc(n > 0 ? n : 1);
	memcpy(buf, c->in, n);
	got[0] = '\0';
	pos = c->from;
	for (;;) {
		t = dialect_next_token(buf, n, &pos, c->stops, &tn);
		if (t == NULL || ++calls > n + 1)
			break;
		if (t < buf || t + tn > buf + n || tn == 0) {
			in_bounds = false;
			break;
		}
		if (off > 0 && off + 1 < sizeof got)
			got[off++] = '|';
		/* A NUL byte is shown as \0. */
		for (i = 0; i < tn && off + 3 < sizeof got; i++) {
			if (t[i] == '\0') {
				got[off++] = '\\';
				got[off++] = '0';
			} else
				got[off++] = t[i];
		}
		got[off] = '\0';
	}
	tap_ok(t == NULL && tn == 0, "tokenizer %s: ends with NULL, length 0",
	    c->name);
	tap_ok(in_bounds, "tokenizer %s: tokens inside the bytes", c->name);
	tap_is_str(got, c->want, "tokenizer %s: tokens", c->name);
	tap_is_int((long long)pos, (long long)c->end,
	    "tokenizer %s: position after", c->name);
	/* Called again at the end: still nothing, position unchanged. */
	t = dialect_next_token(buf, n, &pos, c->stops, &tn);
	tap_ok(t == NULL && pos == c->end, "tokenizer %s: idempotent at the "
	    "end", c->name);
	free(buf);
}

/* Over-long tokens: the tokenizer returns them whole (the parser caps what
 * it keeps, and carries on after the whole token). */
static void
check_tok_long(void)
{
	struct dialect_caps	 dc;
	struct mstr		 line;
	char			*big, *l;
	const char		*t;
	size_t			 n = 100000, pos = 0, tn, k;

	big = malloc(n);
	memset(big, 'x', n);
	big[0] = ' ';
	t = dialect_next_token(big, n, &pos, "]", &tn);
	tap_ok(t == big + 1 && tn == n - 1 && pos == n,
	    "tokenizer: a %zu-byte token comes whole", n - 1);
	free(big);

	/* An IMAP CAPABILITY atom over the per-entry cap is cut; the next
	 * atom is still parsed. */
	k = DIALECT_CAP_LEN_MAX + 100;
	l = malloc(13 + k + 9);
	memcpy(l, "* CAPABILITY ", 13);
	memset(l + 13, 'Y', k);
	memcpy(l + 13 + k, " STARTTLS", 9);
	line.p = l;
	line.n = 13 + k + 9;
	memset(&dc, 0, sizeof dc);
	dialect_imap.caps(DC_CAPA, &line, 1, &dc);
	tap_is_int((long long)dc.caps.n, 2, "imap: long atom and the next");
	tap_is_int(dc.caps.n > 0 ? (long long)dc.caps.v[0].n : -1,
	    DIALECT_CAP_LEN_MAX, "imap: long atom cut at the cap");
	tap_ok(dc.starttls, "imap: STARTTLS after a long atom is seen");
	dialect_caps_clear(&dc);
	free(l);
}

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	for (i = 0; i < sizeof early_cases / sizeof early_cases[0]; i++)
		check_early(&early_cases[i]);
	check_caps();
	check_commands();
	check_exact_bytes();
	check_tags();
	check_mixed_codes();
	for (i = 0; i < sizeof tok_cases / sizeof tok_cases[0]; i++)
		check_tok_case(&tok_cases[i]);
	check_tok_long();
	return tap_done_testing();
}
