/* SPDX-License-Identifier: ISC */
/*
 * Byte buffer with a hard cap, and line extraction that reports how a
 * line was framed (CRLF, bare LF, bare CR, NUL, over-long).  The cap is
 * what keeps a flooding server from growing memory; nothing here ever
 * allocates more than cap bytes or interprets what the bytes mean.
 */
#include "config.h"

#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define BUF_MIN_SIZE	256	/* first allocation, unless cap is smaller */

void
buf_init(struct buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	b->cap = cap;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->size = 0;
}

/* Grow geometrically so appends are amortised O(1), but never past cap. */
int
buf_append(struct buf *b, const void *p, size_t n)
{
	size_t	size;

	if (n == 0)
		return 0;
	if (b->len > b->cap || n > b->cap - b->len)
		return -1;
	if (n > b->size - b->len) {
		size = (b->size == 0) ? BUF_MIN_SIZE : b->size;
		while (size < b->len + n && size <= b->cap / 2)
			size *= 2;
		if (size < b->len + n || size > b->cap)
			size = b->cap;
		b->data = xreallocarray(b->data, size, 1);
		b->size = size;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

size_t
buf_room(const struct buf *b)
{
	if (b->len >= b->cap)
		return 0;
	return b->cap - b->len;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
}

static int
buf_scan_flags(const char *p, size_t n)
{
	int	flags = 0;

	/* Every CR inside a line is bare: the first LF ends the line. */
	if (n > 0 && memchr(p, '\r', n) != NULL)
		flags |= BUF_LINE_BARE_CR;
	if (n > 0 && memchr(p, '\0', n) != NULL)
		flags |= BUF_LINE_NUL;
	return flags;
}

/*
 * A line ends at the first LF (RFC 5321 2.3.8 asks for CRLF; a bare LF is
 * accepted but flagged).  The search stops after maxline + 2 bytes, the
 * most a line of maxline bytes plus CRLF can take.  A CR as the last
 * buffered byte may be the start of CRLF, so it does not yet make a line
 * too long.  For an over-long line the flags describe its first maxline
 * bytes.
 */
int
buf_line(const struct buf *b, size_t maxline, size_t *len, size_t *used,
    int *flags)
{
	const char	*lf;
	size_t		 win, i, n;

	*len = 0;
	*used = 0;
	*flags = 0;

	win = b->len;
	if (maxline <= SIZE_MAX - 2 && win > maxline + 2)
		win = maxline + 2;
	lf = NULL;
	if (win > 0)
		lf = memchr(b->data, '\n', win);

	if (lf != NULL) {
		i = (size_t)(lf - b->data);
		if (i > 0 && b->data[i - 1] == '\r')
			n = i - 1;
		else {
			n = i;
			*flags |= BUF_LINE_BARE_LF;
		}
		if (n <= maxline) {
			*flags |= buf_scan_flags(b->data, n);
			*len = n;
			*used = i + 1;
			return 1;
		}
	} else {
		n = b->len;
		if (n > 0 && b->data[n - 1] == '\r')
			n--;
		if (n <= maxline)
			return 0;
	}

	*flags = BUF_LINE_TOO_LONG | buf_scan_flags(b->data, maxline);
	*len = maxline;
	*used = 0;
	return 1;
}
