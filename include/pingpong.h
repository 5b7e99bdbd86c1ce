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

struct pp_reply {
	struct mstr	*lines;		/* raw lines without terminators */
	size_t		 nlines;	/* lines kept */
	enum dialect_outcome outcome;	/* judged on the final line */
	int		 code;		/* SMTP reply code, else 0 */
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

/* Queue cmd (logged as a client line) and expect its reply; DC_GREETING
 * queues nothing.  Returns -1 if the dialect has no such command. */
int		 pingpong_send(struct pingpong *, enum dialect_cmd);
/* Bytes waiting to be written, and how many were written. */
const char	*pingpong_out(const struct pingpong *, size_t *len);
void		 pingpong_out_consume(struct pingpong *, size_t);

/* Room left in the input buffer: never read more than this. */
size_t		 pingpong_room(const struct pingpong *);
/* Add bytes read from the server and parse. */
enum pp_feed	 pingpong_feed(struct pingpong *, const void *, size_t);
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
