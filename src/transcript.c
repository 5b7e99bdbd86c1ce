/* SPDX-License-Identifier: ISC */
/*
 * Append-only, timestamped record of one probe: what was sent, received,
 * and observed.  It keeps raw bytes (sanitising is for whoever shows
 * them) and is capped in bytes and events; reaching a cap leaves one
 * explicit "truncated" note, never a silent gap in the middle.
 */
#include "config.h"

#include "transcript.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

struct transcript {
	struct tr_event	*ev;		/* events, oldest first */
	size_t		 count;		/* events held */
	size_t		 alloc;		/* events allocated */
	size_t		 bytes;		/* data bytes held */
	size_t		 max_bytes;	/* data byte cap */
	size_t		 max_events;	/* event cap */
	bool		 truncated;	/* a cap was hit; drop the rest */
	size_t		 drop_bytes;	/* data bytes dropped since */
	size_t		 drop_events;	/* events dropped since */
};

static const char *const tr_dir_names[] = {
#define X(e, name, tag) name,
	TRANSCRIPT_DIRS(X)
#undef X
};

static const char *const tr_dir_tags[] = {
#define X(e, name, tag) tag,
	TRANSCRIPT_DIRS(X)
#undef X
};

static const char *const tr_sec_names[] = {
	"none",			/* TR_SEC_NONE */
	"plain",		/* TR_SEC_PLAIN */
	"tls",			/* TR_SEC_TLS */
	"tls_verified"		/* TR_SEC_TLS_VERIFIED */
};

/* Caps of 0 mean exactly that: the first event is already too much. */
struct transcript *
transcript_new(size_t max_bytes, size_t max_events)
{
	struct transcript	*t;

	t = xcalloc(1, sizeof *t);
	t->max_bytes = max_bytes;
	t->max_events = max_events;
	return t;
}

void
transcript_free(struct transcript *t)
{
	size_t	i;

	if (t == NULL)
		return;
	if (t->drop_events > 0)
		log_debug("transcript: dropped %zu events, %zu bytes past cap",
		    t->drop_events, t->drop_bytes);
	for (i = 0; i < t->count; i++)
		free(t->ev[i].data);
	free(t->ev);
	free(t);
}

/* Store an event; data (len bytes + NUL) is now owned by t. */
static void
tr_push(struct transcript *t, uint64_t t_us, enum tr_dir dir,
    enum tr_sec sec, int flags, char *data, size_t len, size_t term)
{
	struct tr_event	*e;
	size_t		 n;

	if (t->count == t->alloc) {
		n = (t->alloc == 0) ? 16 : t->alloc * 2;
		t->ev = xreallocarray(t->ev, n, sizeof *t->ev);
		t->alloc = n;
	}
	e = &t->ev[t->count++];
	e->t_us = t_us;
	e->dir = dir;
	e->sec = sec;
	e->flags = flags;
	e->data = data;
	e->len = len;
	e->term = term <= len ? term : 0;
	t->bytes += len;
}

/*
 * Decide whether an event of len bytes may be added.  The add that would
 * pass a cap is replaced by the one truncation note (which may itself go
 * past the caps); every later add is counted and dropped.
 */
static bool
tr_admit(struct transcript *t, uint64_t t_us, size_t len)
{
	char	*note;
	int	 n;

	if (t->truncated) {
		t->drop_events++;
		t->drop_bytes += len;
		return false;
	}
	if (t->count < t->max_events && t->bytes <= t->max_bytes &&
	    len <= t->max_bytes - t->bytes)
		return true;

	n = xasprintf(&note, "transcript truncated: %zu bytes / %zu events cap",
	    t->max_bytes, t->max_events);
	tr_push(t, t_us, TR_NOTE, TR_SEC_NONE, TR_F_TRUNCATED, note,
	    (size_t)n, 0);
	t->truncated = true;
	t->drop_events = 1;
	t->drop_bytes = len;
	return false;
}

void
transcript_add(struct transcript *t, uint64_t t_us, enum tr_dir dir,
    enum tr_sec sec, int flags, const void *data, size_t len)
{
	if (!tr_admit(t, t_us, len))
		return;
	tr_push(t, t_us, dir, sec, flags, xmemdup0(data, len), len, 0);
}

void
transcript_add_line(struct transcript *t, uint64_t t_us, enum tr_dir dir,
    enum tr_sec sec, int flags, const void *data, size_t len, size_t term)
{
	if (!tr_admit(t, t_us, len))
		return;
	tr_push(t, t_us, dir, sec, flags, xmemdup0(data, len), len, term);
}

/* Formatted events are ours, not wire bytes: always TR_SEC_NONE. */
void
transcript_addf(struct transcript *t, uint64_t t_us, enum tr_dir dir,
    int flags, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	if (t->truncated) {
		t->drop_events++;	/* bytes not counted: not formatted */
		return;
	}
	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	if (!tr_admit(t, t_us, (size_t)n)) {
		free(s);
		return;
	}
	tr_push(t, t_us, dir, TR_SEC_NONE, flags, s, (size_t)n, 0);
}

size_t
transcript_count(const struct transcript *t)
{
	return t->count;
}

/* Borrowed; valid until the next add or transcript_free(). */
const struct tr_event *
transcript_get(const struct transcript *t, size_t i)
{
	if (i >= t->count)
		return NULL;
	return &t->ev[i];
}

size_t
transcript_bytes(const struct transcript *t)
{
	return t->bytes;
}

size_t
transcript_event_text_len(const struct tr_event *e)
{
	if (e == NULL)
		return 0;
	return e->term <= e->len ? e->len - e->term : e->len;
}

const char *
transcript_dir_name(enum tr_dir dir)
{
	if ((unsigned int)dir >= TR_DIR_LAST)
		return "?";
	return tr_dir_names[dir];
}

const char *
transcript_dir_tag(enum tr_dir dir)
{
	if ((unsigned int)dir >= TR_DIR_LAST)
		return "?";
	return tr_dir_tags[dir];
}

const char *
transcript_sec_name(enum tr_sec sec)
{
	if ((unsigned int)sec >= sizeof tr_sec_names / sizeof tr_sec_names[0])
		return "?";
	return tr_sec_names[sec];
}
