/* SPDX-License-Identifier: ISC */
/*
 * The command/response engine shared by SMTP, POP3 and IMAP [curl
 * pingpong]: an output queue of formatted commands and a reply assembler
 * that extracts lines under per-dialect caps and asks the dialect's judge
 * when a reply ends.  No I/O: the probe feeds bytes and drains output.
 * Every server line is logged raw (terminator included) to the transcript
 * at the time its bytes arrived; nothing is printed.  Bytes received
 * before a command are never taken as its reply.
 */
#include "config.h"

#include "pingpong.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

#define PP_OUT_CAP	4096		/* our commands are short */
#define PP_IN_MIN	16384		/* input buffer cap at least */

/* When input bytes arrived: every byte up to stream offset end (and after
 * the previous mark) came at t_us. */
struct pp_mark {
	uint64_t	 end;		/* stream offset past the last byte */
	uint64_t	 t_us;		/* arrival time */
};

struct pingpong {
	const struct dialect	*d;		/* protocol tables */
	struct dialect_state	 st;		/* tags, multi-line state */
	struct transcript	*tr;		/* where lines are logged */
	char			*ehlo_name;	/* our name for EHLO/HELO */
	enum tr_sec		 sec;		/* provenance of new lines */
	uint64_t		 t_us;		/* time stamp of new lines */
	struct buf		 in;		/* bytes not yet parsed */
	uint64_t		 in_off;	/* stream offset of in.data */
	struct pp_mark		*marks;		/* arrival times of in */
	size_t			 nmarks;	/* marks held */
	size_t			 amarks;	/* marks allocated */
	struct buf		 out;		/* bytes not yet written */
	enum dialect_cmd	 expect;	/* command being answered */
	struct pp_reply		 reply;		/* reply being assembled */
	bool			 complete;	/* reply is complete */
	uint64_t		 literal_left;	/* IMAP literal bytes due */
	enum pp_early		 early;		/* worst early finding */
	struct mstr		 early_line;	/* the line behind it */
	uint64_t		 early_literal;	/* IMAP literal bytes due in
						 * early untagged data */
	bool			 early_cont;	/* the next early line continues
						 * one after a literal */
	char			 error[128];	/* why PP_ERROR */
};

struct pingpong *
pingpong_new(const struct dialect *d, struct transcript *tr,
    const char *ehlo_name)
{
	struct pingpong	*pp;
	size_t		 cap;

	pp = xcalloc(1, sizeof *pp);
	pp->d = d;
	pp->tr = tr;
	pp->ehlo_name = xstrdup(ehlo_name != NULL ? ehlo_name : "localhost");
	pp->sec = TR_SEC_PLAIN;
	cap = d->line_max + 2 > PP_IN_MIN ? d->line_max + 2 : PP_IN_MIN;
	buf_init(&pp->in, cap);
	buf_init(&pp->out, PP_OUT_CAP);
	pp->expect = DC_GREETING;
	dialect_state_init(&pp->st);
	return pp;
}

static void
pingpong_reply_clear(struct pingpong *pp)
{
	size_t	i;

	for (i = 0; i < pp->reply.nlines; i++)
		free(pp->reply.lines[i].p);
	free(pp->reply.lines);
	memset(&pp->reply, 0, sizeof pp->reply);
	pp->complete = false;
}

void
pingpong_free(struct pingpong *pp)
{
	if (pp == NULL)
		return;
	pingpong_reply_clear(pp);
	buf_free(&pp->in);
	buf_free(&pp->out);
	free(pp->marks);
	mstr_clear(&pp->early_line);
	free(pp->ehlo_name);
	free(pp);
}

void
pingpong_set_sec(struct pingpong *pp, enum tr_sec sec)
{
	pp->sec = sec;
}

void
pingpong_set_time(struct pingpong *pp, uint64_t t_us)
{
	pp->t_us = t_us;
}

void
pingpong_set_tag_prefix(struct pingpong *pp, const char *prefix)
{
	snprintf(pp->st.tag_prefix, sizeof pp->st.tag_prefix, "%s", prefix);
}

static int
pingpong_tr_flags(int bflags)
{
	int	f = 0;

	if (bflags & BUF_LINE_BARE_LF)
		f |= TR_F_BARE_LF;
	if (bflags & BUF_LINE_BARE_CR)
		f |= TR_F_BARE_CR;
	if (bflags & BUF_LINE_NUL)
		f |= TR_F_NUL;
	if (bflags & BUF_LINE_TOO_LONG)
		f |= TR_F_CUT;
	return f;
}

/* When the byte before stream offset end arrived. */
static uint64_t
pingpong_arrival(const struct pingpong *pp, uint64_t end)
{
	size_t	i;

	for (i = 0; i < pp->nmarks; i++) {
		if (pp->marks[i].end >= end)
			return pp->marks[i].t_us;
	}
	return pp->t_us;
}

/* Drop n parsed bytes and the arrival marks they no longer need. */
static void
pingpong_consume(struct pingpong *pp, size_t n)
{
	size_t	i;

	if (n > pp->in.len)
		n = pp->in.len;
	buf_consume(&pp->in, n);
	pp->in_off += n;
	for (i = 0; i < pp->nmarks && pp->marks[i].end <= pp->in_off; i++)
		;
	if (i > 0) {
		memmove(pp->marks, pp->marks + i,
		    (pp->nmarks - i) * sizeof *pp->marks);
		pp->nmarks -= i;
	}
}

/* Log a server line of used bytes (len without its terminator). */
static void
pingpong_log_line(struct pingpong *pp, size_t used, size_t len, int flags)
{
	transcript_add_line(pp->tr, pingpong_arrival(pp, pp->in_off + used),
	    TR_SERVER, pp->sec, flags, pp->in.data, used, used - len);
}

static void
pingpong_expect(struct pingpong *pp, enum dialect_cmd cmd)
{
	pingpong_reply_clear(pp);
	pp->expect = cmd;
	pp->st.first_line = true;
	pp->st.in_multi = false;
	pp->st.literal_cont = false;
	pp->st.code = 0;
	pp->st.code2 = 0;
	pp->literal_left = 0;
}

int
pingpong_send(struct pingpong *pp, enum dialect_cmd cmd)
{
	char	line[512];
	int	n;

	n = pp->d->format(cmd, &pp->st, pp->ehlo_name, line, sizeof line - 2);
	if (n < 0)
		return -1;
	/* What came before the command is logged in its place and never
	 * answers it. */
	(void)pingpong_early(pp, true);
	pingpong_expect(pp, cmd);
	pp->literal_left = pp->early_literal;
	pp->st.literal_cont = pp->early_cont;
	pp->early_literal = 0;
	pp->early_cont = false;
	pp->early = PP_EARLY_NONE;
	mstr_clear(&pp->early_line);
	if (n == 0)
		return 0;
	line[n++] = '\r';
	line[n++] = '\n';
	transcript_add_line(pp->tr, pp->t_us, TR_CLIENT, pp->sec, 0, line,
	    (size_t)n, 2);
	if (buf_append(&pp->out, line, (size_t)n) == -1)
		return -1;
	return 0;
}

/* Keep the worst early finding and the line behind it. */
static void
pingpong_early_note(struct pingpong *pp, enum dialect_early de,
    const char *p, size_t n)
{
	enum pp_early	e;

	if (de == DE_ALLOWED)
		return;
	e = de == DE_CLOSING ? PP_EARLY_CLOSING : PP_EARLY_UNSOLICITED;
	if (pp->early != PP_EARLY_NONE &&
	    !(e == PP_EARLY_CLOSING && pp->early != PP_EARLY_CLOSING))
		return;
	pp->early = e;
	mstr_set(&pp->early_line, p, n);
}

enum pp_early
pingpong_early(struct pingpong *pp, bool final)
{
	const struct dialect	*d = pp->d;
	enum dialect_early	 de;
	uint64_t		 lit;
	size_t			 len, used, take;
	int			 bflags, flags;

	for (;;) {
		if (pp->early_literal > 0) {
			if (pp->in.len == 0)
				break;
			take = pp->in.len < pp->early_literal ?
			    pp->in.len : (size_t)pp->early_literal;
			transcript_add(pp->tr, pingpong_arrival(pp,
			    pp->in_off + take), TR_SERVER, pp->sec, 0,
			    pp->in.data, take);
			pp->early_literal -= take;
			pingpong_consume(pp, take);
			continue;
		}
		if (buf_line(&pp->in, d->line_max, &len, &used, &bflags) == 0)
			break;
		flags = pingpong_tr_flags(bflags);
		de = pp->early_cont ? DE_ALLOWED : d->early(pp->in.data, len);
		if (bflags & BUF_LINE_TOO_LONG) {
			if (de == DE_ALLOWED)
				break;	/* the reply parser names it */
			transcript_add(pp->tr, pingpong_arrival(pp,
			    pp->in_off + len), TR_SERVER, pp->sec,
			    flags | TR_F_UNSOLICITED, pp->in.data, len);
			pingpong_early_note(pp, de, pp->in.data, len);
			pingpong_consume(pp, pp->in.len);
			break;
		}
		pp->early_cont = false;
		if (de != DE_ALLOWED)
			flags |= TR_F_UNSOLICITED;
		pingpong_log_line(pp, used, len, flags);
		pingpong_early_note(pp, de, pp->in.data, len);
		if (de == DE_ALLOWED && d->literal != NULL &&
		    d->literal(pp->in.data, len, &lit)) {
			/* Skipped as it comes, never allocated. */
			pp->early_literal = lit;
			pp->early_cont = true;
		}
		pingpong_consume(pp, used);
	}
	/* The start of a line that was sent before the command. */
	if (final && pp->in.len > 0 && pp->early_literal == 0 &&
	    !pp->early_cont) {
		len = pp->in.len > d->line_max ? d->line_max : pp->in.len;
		de = d->early(pp->in.data, len);
		if (de != DE_ALLOWED) {
			transcript_add(pp->tr, pingpong_arrival(pp,
			    pp->in_off + pp->in.len), TR_SERVER, pp->sec,
			    TR_F_UNSOLICITED | TR_F_CUT, pp->in.data,
			    pp->in.len);
			pingpong_early_note(pp, de, pp->in.data, len);
			pingpong_consume(pp, pp->in.len);
		}
	}
	return pp->early;
}

const struct mstr *
pingpong_early_line(const struct pingpong *pp)
{
	return pp->early == PP_EARLY_NONE ? NULL : &pp->early_line;
}

const char *
pingpong_out(const struct pingpong *pp, size_t *len)
{
	*len = pp->out.len;
	return pp->out.data;
}

void
pingpong_out_consume(struct pingpong *pp, size_t n)
{
	buf_consume(&pp->out, n);
}

size_t
pingpong_room(const struct pingpong *pp)
{
	return buf_room(&pp->in);
}

/* Record why parsing stopped: "WHAT (over N UNIT)". */
static enum pp_feed
pingpong_fail(struct pingpong *pp, const char *what, size_t n,
    const char *unit)
{
	snprintf(pp->error, sizeof pp->error, "%s (over %zu %s)", what, n,
	    unit);
	transcript_addf(pp->tr, pp->t_us, TR_NOTE, TR_F_ERROR, "%s",
	    pp->error);
	return PP_ERROR;
}

/* Keep a line of the reply being assembled (bounded by lines_max). */
static void
pingpong_keep(struct pingpong *pp, const char *p, size_t n, int flags)
{
	struct pp_reply	*r = &pp->reply;

	r->lines = xreallocarray(r->lines, r->nlines + 1, sizeof *r->lines);
	r->lines[r->nlines].p = xmemdup0(p, n);
	r->lines[r->nlines].n = n;
	r->nlines++;
	r->flags |= flags;
}

enum pp_feed
pingpong_process(struct pingpong *pp)
{
	const struct dialect	*d = pp->d;
	enum dialect_outcome	 outcome = DO_MALFORMED;
	enum dialect_line	 dl;
	uint64_t		 literal = 0;
	size_t			 len, used, take;
	int			 bflags, flags;

	if (pp->complete)
		pingpong_expect(pp, pp->expect);
	for (;;) {
		if (pp->literal_left > 0) {
			if (pp->in.len == 0)
				return PP_NEED_MORE;
			take = pp->in.len < pp->literal_left ?
			    pp->in.len : (size_t)pp->literal_left;
			transcript_add(pp->tr, pingpong_arrival(pp,
			    pp->in_off + take), TR_SERVER, pp->sec, 0,
			    pp->in.data, take);
			pp->reply.bytes += take;
			pp->literal_left -= take;
			pingpong_consume(pp, take);
			continue;
		}
		if (buf_line(&pp->in, d->line_max, &len, &used, &bflags) == 0)
			return PP_NEED_MORE;
		flags = pingpong_tr_flags(bflags);
		if (bflags & BUF_LINE_TOO_LONG) {
			transcript_add(pp->tr, pingpong_arrival(pp,
			    pp->in_off + len), TR_SERVER, pp->sec, flags,
			    pp->in.data, len);
			return pingpong_fail(pp, "line too long",
			    d->line_max, "bytes");
		}
		pingpong_log_line(pp, used, len, flags);
		pp->reply.bytes += used;
		if (pp->reply.nlines >= d->lines_max)
			return pingpong_fail(pp, "reply has too many lines",
			    d->lines_max, "lines");
		if (pp->reply.bytes > d->reply_max)
			return pingpong_fail(pp, "reply too large",
			    d->reply_max, "bytes");
		pingpong_keep(pp, pp->in.data, len, flags);
		dl = d->judge(pp->expect, &pp->st, pp->in.data, len, &outcome,
		    &literal);
		pingpong_consume(pp, used);
		if (dl == DL_LITERAL) {
			/* Never allocate what the server declares. */
			if (literal > d->reply_max - pp->reply.bytes)
				return pingpong_fail(pp, "literal too large",
				    d->reply_max, "bytes");
			pp->literal_left = literal;
			continue;
		}
		if (dl == DL_FINAL) {
			pp->reply.outcome = outcome;
			pp->reply.code = pp->st.code;
			pp->reply.code2 = pp->st.code2;
			pp->complete = true;
			return PP_REPLY;
		}
	}
}

int
pingpong_append(struct pingpong *pp, const void *p, size_t n)
{
	uint64_t	end;

	if (buf_append(&pp->in, p, n) == -1)
		return -1;
	if (n == 0)
		return 0;
	end = pp->in_off + pp->in.len;
	if (pp->nmarks > 0 && pp->marks[pp->nmarks - 1].t_us == pp->t_us) {
		pp->marks[pp->nmarks - 1].end = end;
		return 0;
	}
	if (pp->nmarks == pp->amarks) {
		pp->amarks = pp->amarks == 0 ? 8 : pp->amarks * 2;
		pp->marks = xreallocarray(pp->marks, pp->amarks,
		    sizeof *pp->marks);
	}
	pp->marks[pp->nmarks].end = end;
	pp->marks[pp->nmarks].t_us = pp->t_us;
	pp->nmarks++;
	return 0;
}

enum pp_feed
pingpong_feed(struct pingpong *pp, const void *p, size_t n)
{
	if (pingpong_append(pp, p, n) == -1)
		return pingpong_fail(pp, "input buffer full", pp->in.cap,
		    "bytes");
	if (pp->complete)
		return PP_NEED_MORE;	/* the caller takes the reply first */
	return pingpong_process(pp);
}

const struct pp_reply *
pingpong_reply(const struct pingpong *pp)
{
	return &pp->reply;
}

const struct pp_reply *
pingpong_partial(struct pingpong *pp)
{
	/* An unterminated last line is shown too (cut short by a close). */
	if (pp->in.len > 0 && pp->literal_left == 0) {
		transcript_add(pp->tr, pingpong_arrival(pp,
		    pp->in_off + pp->in.len), TR_SERVER, pp->sec, TR_F_CUT,
		    pp->in.data, pp->in.len);
		if (pp->reply.nlines < pp->d->lines_max)
			pingpong_keep(pp, pp->in.data,
			    pp->in.len > pp->d->line_max ?
			    pp->d->line_max : pp->in.len, TR_F_CUT);
		pingpong_consume(pp, pp->in.len);
	}
	return &pp->reply;
}

const char *
pingpong_error(const struct pingpong *pp)
{
	return pp->error;
}

size_t
pingpong_buffered(const struct pingpong *pp, const char **p)
{
	if (p != NULL)
		*p = pp->in.data;
	return pp->in.len;
}

void
pingpong_discard(struct pingpong *pp)
{
	pingpong_consume(pp, pp->in.len);
	pp->literal_left = 0;
	pp->early_literal = 0;
	pp->early_cont = false;
}

enum dialect_cmd
pingpong_expecting(const struct pingpong *pp)
{
	return pp->expect;
}

const struct dialect *
pingpong_dialect(const struct pingpong *pp)
{
	return pp->d;
}
