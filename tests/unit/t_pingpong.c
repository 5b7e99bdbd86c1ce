/* SPDX-License-Identifier: ISC */
/*
 * The reply parsers of SMTP, POP3 and IMAP through the shared pingpong
 * engine: each canned reply is fed whole, split at every byte offset and
 * byte by byte, and must give the same reply, capabilities and leftover.
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
	    EF_REPLY, DO_NEGATIVE, 1, 421, 0, 0, NULL, NULL, -1, -1, NULL },
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
	    EF_REPLY, DO_MALFORMED, 1, 0, 0, 0, NULL, NULL, -1, -1, NULL },
	{ "imap starttls injection", I, DC_STARTTLS,
	    "a1 OK Begin TLS\r\n* CAPABILITY IMAP4rev1\r\n", 0,
	    EF_REPLY, DO_POSITIVE, 1, 0, 24, 0, NULL, NULL, -1, -1, NULL },
	{ "imap logout", I, DC_QUIT, "* BYE Logging out\r\na1 OK Logout\r\n",
	    0, EF_REPLY, DO_POSITIVE, 2, 0, 0, 0, NULL, NULL, -1, -1, NULL },
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

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	check_caps();
	check_commands();
	return tap_done_testing();
}
