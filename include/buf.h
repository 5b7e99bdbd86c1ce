/* SPDX-License-Identifier: ISC */
#ifndef mailports_BUF_H
#define mailports_BUF_H

#include <stdbool.h>
#include <stddef.h>

/* A byte buffer with a hard cap.  Reads from the network append; the line
 * extractor consumes from the front. */
struct buf {
	char	*data;		/* bytes, not NUL-terminated */
	size_t	 len;		/* bytes held */
	size_t	 size;		/* bytes allocated */
	size_t	 cap;		/* never grows past this many bytes */
};

/* Flags describing one extracted line. */
#define BUF_LINE_BARE_LF	0x01	/* ended by LF without CR */
#define BUF_LINE_BARE_CR	0x02	/* contains a CR not followed by LF */
#define BUF_LINE_NUL		0x04	/* contains a NUL byte */
#define BUF_LINE_TOO_LONG	0x08	/* longer than the line cap */

void	 buf_init(struct buf *, size_t cap);
void	 buf_free(struct buf *);
/* Append; returns -1 (appending nothing) when the cap would be exceeded. */
int	 buf_append(struct buf *, const void *, size_t);
/* Room left before the cap. */
size_t	 buf_room(const struct buf *);
void	 buf_consume(struct buf *, size_t);
void	 buf_reset(struct buf *);

/* Find the next line.  Returns 1 with *len set to the line length without
 * its terminator and *used to the bytes to consume, 0 if no full line is
 * buffered yet (or, when len exceeds maxline, 1 with BUF_LINE_TOO_LONG set
 * and *len = maxline, *used = 0), flags as above. */
int	 buf_line(const struct buf *, size_t maxline, size_t *len,
	    size_t *used, int *flags);

#endif
