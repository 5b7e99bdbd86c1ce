/* SPDX-License-Identifier: ISC */
#ifndef mailports_PINGPONG_H
#define mailports_PINGPONG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialect.h"
#include "transcript.h"

/* The shared command/response engine [curl pingpong]: formats commands
 * into an output queue, assembles reply lines from fed bytes and asks the
 * dialect's judge when a reply is complete.  It does no I/O: the probe
 * moves the bytes, so the parser can be fed byte by byte in tests. */

enum pp_feed {
	PP_NEED_MORE,		/* no complete reply yet */
	PP_REPLY,		/* a complete reply: pingpong_reply() */
	PP_ERROR		/* caps exceeded or malformed: *_error() */
};

/* What the bytes received before a command were (pingpong_early()). */
enum pp_early {
	PP_EARLY_NONE,		/* nothing, or only what may come at any time
				 * (IMAP untagged data) */
	PP_EARLY_UNSOLICITED,	/* a reply line nobody asked for */
	PP_EARLY_CLOSING	/* a closing notice: SMTP 421, IMAP * BYE */
};

struct pp_reply {
	struct mstr	*lines;		/* raw lines without terminators */
	size_t		 nlines;	/* lines kept */
	enum dialect_outcome outcome;	/* judged on the final line */
	int		 code;		/* SMTP reply code (of the first line),
					 * else 0 */
	int		 code2;		/* SMTP DO_MIXED: the first code that
					 * differed from it, else 0 */
	size_t		 bytes;		/* bytes of the reply on the wire */
	int		 flags;		/* TR_F_* seen on its lines */
};

struct pingpong;

struct pingpong	*pingpong_new(const struct dialect *, struct transcript *,
		    const char *ehlo_name);
void		 pingpong_free(struct pingpong *);

/* Provenance and time stamp for the next transcript events. */
void		 pingpong_set_sec(struct pingpong *, enum tr_sec);
void		 pingpong_set_time(struct pingpong *, uint64_t t_us);

/* Queue cmd (logged as a client line, CR LF included) and expect its
 * reply; DC_GREETING queues nothing.  Bytes received before are never
 * taken as its reply: pingpong_early(pp, true) runs first, and whatever it
 * found is forgotten, so call it yourself before to decide.  Returns -1
 * if the dialect has no such command. */
int		 pingpong_send(struct pingpong *, enum dialect_cmd);
/* Log (at the time they arrived) and judge the complete lines buffered
 * past the last reply: they came before the next command was sent.  Lines
 * the dialect allows at any time are logged and dropped; others are
 * flagged TR_F_UNSOLICITED.  final: the command goes out now, so a
 * trailing partial line counts too.  Returns the worst finding since the
 * last send (a closing notice outranks an unsolicited reply). */
enum pp_early	 pingpong_early(struct pingpong *, bool final);
/* The line behind pingpong_early()'s finding (raw, without terminator);
 * NULL when none.  Valid until the next send. */
const struct mstr *pingpong_early_line(const struct pingpong *);
/* Tests and fuzzing: a fixed IMAP tag prefix instead of a random one. */
void		 pingpong_set_tag_prefix(struct pingpong *, const char *);
/* Bytes waiting to be written, and how many were written. */
const char	*pingpong_out(const struct pingpong *, size_t *len);
void		 pingpong_out_consume(struct pingpong *, size_t);

/* Room left in the input buffer: never read more than this. */
size_t		 pingpong_room(const struct pingpong *);
/* Add bytes read from the server (they arrived at the time last set) and
 * parse. */
enum pp_feed	 pingpong_feed(struct pingpong *, const void *, size_t);
/* Add bytes without parsing (a drain before a command): -1 when they do
 * not fit. */
int		 pingpong_append(struct pingpong *, const void *, size_t);
/* Parse bytes already buffered (after taking a reply). */
enum pp_feed	 pingpong_process(struct pingpong *);
/* The complete reply; valid until the next send/feed/process. */
const struct pp_reply *pingpong_reply(const struct pingpong *);
/* The partial reply when the connection ended mid-reply. */
const struct pp_reply *pingpong_partial(struct pingpong *);
/* Why PP_ERROR: "line too long (over 2048 bytes)". */
const char	*pingpong_error(const struct pingpong *);
/* Bytes buffered past the last complete reply (pipelined or injected). */
size_t		 pingpong_buffered(const struct pingpong *, const char **p);
void		 pingpong_discard(struct pingpong *);
enum dialect_cmd pingpong_expecting(const struct pingpong *);
const struct dialect *pingpong_dialect(const struct pingpong *);

#endif
