/* SPDX-License-Identifier: ISC */
#ifndef mailports_IO_H
#define mailports_IO_H

/* What a non-blocking step needs next; shared by sock and tlswrap so the
 * probe can treat plaintext and TLS alike.  TLS can invert direction: a
 * read may return IO_WANT_WRITE and a write IO_WANT_READ. */
enum io_res {
	IO_DONE,		/* completed: bytes moved, handshake done */
	IO_WANT_READ,		/* wait for POLLIN, then call again */
	IO_WANT_WRITE,		/* wait for POLLOUT, then call again */
	IO_EOF,			/* peer closed the connection */
	IO_ERR			/* failed; the module records why */
};

#endif
