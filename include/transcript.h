/* SPDX-License-Identifier: ISC */
#ifndef mailports_TRANSCRIPT_H
#define mailports_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

/* Who produced an event. */
#define TRANSCRIPT_DIRS(X)						\
	X(TR_CLIENT, "client", "C>")	/* a line we sent */		\
	X(TR_SERVER, "server", "S<")	/* a line the server sent */	\
	X(TR_TLS, "tls", "TLS")		/* a TLS event */		\
	X(TR_NET, "net", "NET")		/* connect, close, reset */	\
	X(TR_NOTE, "note", "--")	/* an observation of ours */	\
	X(TR_STATE, "state", "..")	/* a state change */

enum tr_dir {
#define X(e, name, tag) e,
	TRANSCRIPT_DIRS(X)
#undef X
	TR_DIR_LAST
};

/* How the bytes travelled. */
enum tr_sec {
	TR_SEC_NONE,		/* not a wire event */
	TR_SEC_PLAIN,		/* in plaintext */
	TR_SEC_TLS,		/* inside TLS, certificate not verified */
	TR_SEC_TLS_VERIFIED	/* inside TLS, certificate verified */
};

#define TR_F_BARE_LF	0x01	/* line ended by a bare LF */
#define TR_F_BARE_CR	0x02	/* line holds a bare CR */
#define TR_F_NUL	0x04	/* line holds a NUL byte */
#define TR_F_CUT	0x08	/* line was cut at the line cap */
#define TR_F_TRUNCATED	0x10	/* the transcript cap was reached here */
#define TR_F_ERROR	0x20	/* an error or failure event */
#define TR_F_INJECTED	0x40	/* bytes sent after a STARTTLS go-ahead */
#define TR_F_UNSOLICITED 0x80	/* server bytes that arrived before the
				 * command they would answer was sent */

struct tr_event {
	uint64_t	 t_us;		/* since the probe started */
	enum tr_dir	 dir;		/* producer */
	enum tr_sec	 sec;		/* provenance */
	int		 flags;		/* TR_F_* */
	char		*data;		/* raw bytes (+ NUL); never sanitised */
	size_t		 len;		/* bytes in data, exactly as on the
					 * wire (a line keeps its CR LF) */
	size_t		 term;		/* of which line terminator (CR LF,
					 * LF) at the end; 0 if none */
};

struct transcript;

/* Caps: bytes of event data and number of events; past either, one
 * TR_F_TRUNCATED note is added and everything after is dropped. */
struct transcript	*transcript_new(size_t max_bytes, size_t max_events);
void			 transcript_free(struct transcript *);
void			 transcript_add(struct transcript *, uint64_t t_us,
			    enum tr_dir, enum tr_sec, int flags,
			    const void *data, size_t len);
/* A line as on the wire: len bytes of data, of which the last term are
 * its terminator (2 for CR LF, 1 for a bare LF, 0 for a cut line). */
void			 transcript_add_line(struct transcript *,
			    uint64_t t_us, enum tr_dir, enum tr_sec,
			    int flags, const void *data, size_t len,
			    size_t term);
void			 transcript_addf(struct transcript *, uint64_t t_us,
			    enum tr_dir, int flags, const char *fmt, ...)
			    __attribute__((format(printf, 5, 6)));
size_t			 transcript_count(const struct transcript *);
const struct tr_event	*transcript_get(const struct transcript *, size_t);
size_t			 transcript_bytes(const struct transcript *);
/* Bytes of an event's text without its line terminator: what text views
 * show (the hex view shows all e->len bytes). */
size_t			 transcript_event_text_len(const struct tr_event *);

const char		*transcript_dir_name(enum tr_dir);	/* "client" */
const char		*transcript_dir_tag(enum tr_dir);	/* "C>" */
const char		*transcript_sec_name(enum tr_sec);	/* "tls" */

#endif
