/* SPDX-License-Identifier: ISC */
#ifndef mailports_SOCK_H
#define mailports_SOCK_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stddef.h>

#include "io.h"

/* Start a non-blocking connect; *fd receives the socket (the caller closes
 * it on every path, also after IO_ERR when *fd != -1).  IO_WANT_WRITE: wait
 * for POLLOUT, then sock_connect_finish().  IO_ERR: errno says why. */
enum io_res	 sock_connect(const struct sockaddr *, socklen_t, int *fd);
/* After POLLOUT: IO_DONE, or IO_ERR with errno = the connect error. */
enum io_res	 sock_connect_finish(int fd);
/* Read up to n bytes: IO_DONE with *got > 0, IO_WANT_READ, IO_EOF, IO_ERR
 * (errno set). */
enum io_res	 sock_read(int fd, void *, size_t n, size_t *got);
/* Acknowledge received data at once instead of after the delayed-ACK
 * timer: a server that writes a reply in two segments under Nagle would
 * otherwise hold the second one for about 40 ms (Linux; a no-op
 * elsewhere).  The kernel clears it again, so call it after each read. */
void		 sock_quickack(int fd);
/* Write up to n bytes without SIGPIPE: IO_DONE with *put > 0,
 * IO_WANT_WRITE, IO_ERR (errno set). */
enum io_res	 sock_write(int fd, const void *, size_t n, size_t *put);
/* Close and set *fd to -1; a no-op when *fd is -1. */
void		 sock_close(int *fd);
/* Numeric text of an address ("127.0.0.1", "::1") into buf. */
const char	*sock_addr_str(const struct sockaddr *, char *buf, size_t);

#endif
