/* SPDX-License-Identifier: ISC */
/*
 * Non-blocking sockets: connect, read, write, close.  No protocol
 * knowledge and no waiting: each call says what it needs next.
 */
#include "config.h"

#include "sock.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum io_res
sock_connect(const struct sockaddr *sa, socklen_t len, int *fd)
{
	int	s, one = 1;

	*fd = -1;
	s = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (s == -1)
		return IO_ERR;
	*fd = s;
	/* Commands are small and each waits for its reply. */
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(s, sa, len) == 0)
		return IO_DONE;
	if (errno == EINPROGRESS || errno == EINTR)
		return IO_WANT_WRITE;
	return IO_ERR;
}

enum io_res
sock_connect_finish(int fd)
{
	int		err = 0;
	socklen_t	len = sizeof err;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return IO_ERR;
	if (err == 0)
		return IO_DONE;
	if (err == EINPROGRESS)
		return IO_WANT_WRITE;
	errno = err;
	return IO_ERR;
}

enum io_res
sock_read(int fd, void *buf, size_t n, size_t *got)
{
	ssize_t	r;

	*got = 0;
	r = recv(fd, buf, n, 0);
	if (r > 0) {
		*got = (size_t)r;
		sock_quickack(fd);
		return IO_DONE;
	}
	if (r == 0)
		return IO_EOF;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return IO_WANT_READ;
	return IO_ERR;
}

void
sock_quickack(int fd)
{
#ifdef TCP_QUICKACK
	int	one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#else
	(void)fd;
#endif
}

enum io_res
sock_write(int fd, const void *buf, size_t n, size_t *put)
{
	ssize_t	r;

	*put = 0;
	r = send(fd, buf, n, MSG_NOSIGNAL);
	if (r >= 0) {
		*put = (size_t)r;
		return IO_DONE;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return IO_WANT_WRITE;
	return IO_ERR;
}

void
sock_close(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

const char *
sock_addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	const void	*p;

	if (sa->sa_family == AF_INET)
		p = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		p = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else {
		snprintf(buf, len, "-");
		return buf;
	}
	if (inet_ntop(sa->sa_family, p, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}
