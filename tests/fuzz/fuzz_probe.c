/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: one whole probe (src/probe.c), greeting to QUIT, against
 * a scripted server on 127.0.0.1 served from the probe's own event loop (no
 * threads, no other process).  The input picks the dialect, mode, port and
 * how the script ends; the rest is the server's turns: turn 0 goes out on
 * accept, turn k once the k-th client message (a line, or a TLS record) has
 * been read, so replies interleave with commands as on the wire.  Every
 * iteration ends within the probe's deadlines and must leave no descriptor
 * and no memory behind: a crash, leak, hang, abort or UB is a bug.
 *
 * Input: byte 0 dialect, byte 1 mode (each modulo the count); byte 2 bits
 * 0-1 the end of the script (FZ_END_*), bits 2-7 the service whose port
 * the probe is told (modulo the dialect's services + 1: the last one is a
 * port of no service); then the turns, separated by FZ_SEP.  "{tag}" in a
 * turn becomes the first word of the client's last line (the IMAP tag,
 * random per connection).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dialect.h"
#include "evloop.h"
#include "facts.h"
#include "probe.h"
#include "sanitize.h"
#include "tlswrap.h"

#define FZ_SEP		"\xff\xff\xff"	/* between two turns */
#define FZ_SEP_LEN	3
#define FZ_TAG		"{tag}"		/* replaced by the client's tag */
#define FZ_TAG_LEN	5
#define FZ_TURNS_MAX	32		/* turns of one script */
#define FZ_WORD_MAX	64		/* bytes kept of a client's tag */
#define FZ_STEP_US	50000		/* probe: connect, each phase */
#define FZ_TOTAL_US	150000		/* probe: the whole of it */
#define FZ_HANG_US	5000000		/* still open after this: a hang */
#define FZ_HOST		"mail.fuzz.example"

/* How the script ends once its last turn is out (or both sides wait). */
enum fz_end {
	FZ_END_FIN,		/* half-close, keep reading (catalogue 5) */
	FZ_END_CLOSE,		/* close (FIN; later writes get a reset) */
	FZ_END_RESET,		/* reset (SO_LINGER 0, catalogue 4) */
	FZ_END_HOLD		/* say nothing: the probe's deadlines end it */
};

/* Where the client message parser is. */
enum fz_msg {
	FZ_MSG_START,		/* between messages */
	FZ_MSG_LINE,		/* inside a command line */
	FZ_MSG_HEADER,		/* inside a TLS record header */
	FZ_MSG_BODY		/* inside a TLS record body */
};

struct fz_server {
	struct evloop	*ev;		/* the probe's loop */
	int		 fd;		/* accepted connection, -1: none */
	const uint8_t	*turn[FZ_TURNS_MAX]; /* the script (borrowed) */
	size_t		 turn_len[FZ_TURNS_MAX]; /* their lengths */
	size_t		 nturns;	/* turns in the script */
	size_t		 next;		/* next turn to send */
	enum fz_end	 end;		/* how the script ends */
	bool		 ended;		/* end action taken */
	uint8_t		*out;		/* bytes queued for the client */
	size_t		 out_len;	/* bytes in out */
	size_t		 out_off;	/* bytes of out already sent */
	size_t		 out_size;	/* out allocated */
	enum fz_msg	 msg;		/* client message parser state */
	uint8_t		 hdr[5];	/* TLS record header so far */
	size_t		 hdr_len;	/* bytes in hdr */
	size_t		 body_left;	/* record body bytes to come */
	char		 word[FZ_WORD_MAX]; /* first word of this line */
	size_t		 word_len;	/* bytes in word */
	bool		 word_done;	/* a space ended the word */
	char		 tag[FZ_WORD_MAX]; /* first word of the last line */
	size_t		 tag_len;	/* bytes in tag */
	uint64_t	 moved;		/* bytes read and written so far */
};

/*
 * The fallback trust anchor when the system has no CA bundle: any
 * certificate will do, the scripted handshakes never complete.
 */
static const char fz_ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBkDCCATWgAwIBAgIUNMuKQT45O60F/S4F+I3Bbw+xm54wCgYIKoZIzj0EAwIw\n"
    "HDEaMBgGA1UEAwwRbWFpbHBvcnRzIGZ1enogQ0EwIBcNMjYxMTMwMTYwMjI0WhgP\n"
    "MjEyNjExMDYxNjAyMjRaMBwxGjAYBgNVBAMMEW1haWxwb3J0cyBmdXp6IENBMFkw\n"
    "EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEzvNT4ynQnI/xNIAxNELVS5DJtcJ48OTr\n"
    "VYsG9Qj28KM7Db1XtX0QhSBPlpFV5L03pYES3FhFInkK7KO2dSCuEKNTMFEwHQYD\n"
    "VR0OBBYEFErYcugg3XVftuZlSjLeWKfjLebpMB8GA1UdIwQYMBaAFErYcugg3XVf\n"
    "tuZlSjLeWKfjLebpMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIh\n"
    "ALwqgSqR+RNE/NiZFLYCfzNofJVsAEtHL6UD7ugJIiYpAiEArE7XzOG6zwzNVnHC\n"
    "6wwoprkD10gff5le0hL0wbZ8E1A=\n"
    "-----END CERTIFICATE-----\n";

static struct tlswrap_config	*fz_tls;	/* made once */
static int			 fz_lfd = -1;	/* listener, made once */
static struct sockaddr_in	 fz_addr;	/* where it listens */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fz_flush(struct fz_server *);

/* Something the target promises broke: say what, then abort so that
 * libFuzzer and the replay both fail. */
static void
fz_fail(const char *what)
{
	fprintf(stderr, "fuzz_probe: %s\n", what);
	abort();
}

/* The client configuration of a real run: the system's CA bundle, else
 * the fallback anchor through a temporary file. */
static struct tlswrap_config *
fz_tls_config(void)
{
	struct tlswrap_config	*cfg;
	char			*err = NULL;
	char			 path[] = "/tmp/fuzz_probe_ca.XXXXXX";
	size_t			 n = sizeof fz_ca_pem - 1;
	int			 fd;

	cfg = tlswrap_config_new(NULL, NULL, &err);
	free(err);
	if (cfg != NULL)
		return cfg;
	fd = mkstemp(path);
	if (fd == -1)
		fz_fail("cannot make a CA file");
	if (write(fd, fz_ca_pem, n) != (ssize_t)n)
		fz_fail("cannot write the CA file");
	close(fd);
	err = NULL;
	cfg = tlswrap_config_new(path, NULL, &err);
	unlink(path);
	if (cfg == NULL) {
		fprintf(stderr, "fuzz_probe: %s\n", err != NULL ? err : "?");
		fz_fail("no TLS configuration");
	}
	free(err);
	return cfg;
}

/* Made once per process: the TLS configuration and the listener. */
static void
fz_init(void)
{
	socklen_t	len = sizeof fz_addr;
	int		one = 1;

	if (fz_lfd != -1)
		return;
	fz_tls = fz_tls_config();
	fz_lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fz_lfd == -1)
		fz_fail("socket");
	setsockopt(fz_lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&fz_addr, 0, sizeof fz_addr);
	fz_addr.sin_family = AF_INET;
	fz_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fz_lfd, (struct sockaddr *)&fz_addr, sizeof fz_addr) == -1 ||
	    listen(fz_lfd, 16) == -1 ||
	    getsockname(fz_lfd, (struct sockaddr *)&fz_addr, &len) == -1)
		fz_fail("cannot listen on 127.0.0.1");
}

/* Open descriptors of the process, or -1 without /proc. */
static int
fz_count_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

/* Close the connection; a reset leaves no TIME_WAIT behind, so that a
 * long fuzzing run does not use up the loopback ports. */
static void
fz_close(struct fz_server *s, bool reset)
{
	struct linger	l = { 1, 0 };

	if (s->fd == -1)
		return;
	evloop_io_del(s->ev, s->fd);
	if (reset)
		setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(s->fd);
	s->fd = -1;
	s->ended = true;
}

/* The script has nothing more to say. */
static void
fz_end(struct fz_server *s)
{
	if (s->ended || s->fd == -1)
		return;
	s->ended = true;
	switch (s->end) {
	case FZ_END_FIN:
		shutdown(s->fd, SHUT_WR);
		break;
	case FZ_END_CLOSE:
		fz_close(s, false);
		break;
	case FZ_END_RESET:
		fz_close(s, true);
		break;
	case FZ_END_HOLD:
		break;
	}
}

static void
fz_queue(struct fz_server *s, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (s->out_len + n > s->out_size) {
		s->out_size = (s->out_len + n) * 2;
		s->out = realloc(s->out, s->out_size);
		if (s->out == NULL)
			fz_fail("out of memory");
	}
	memcpy(s->out + s->out_len, p, n);
	s->out_len += n;
}

/* Queue the next turn, FZ_TAG replaced by the client's tag, and send. */
static void
fz_turn(struct fz_server *s)
{
	const uint8_t	*p, *t;
	size_t		 n;

	if (s->ended || s->next >= s->nturns)
		return;
	p = s->turn[s->next];
	n = s->turn_len[s->next];
	s->next++;
	while (n > 0) {
		t = memmem(p, n, FZ_TAG, FZ_TAG_LEN);
		if (t == NULL) {
			fz_queue(s, p, n);
			break;
		}
		fz_queue(s, p, (size_t)(t - p));
		fz_queue(s, s->tag, s->tag_len);
		n -= (size_t)(t - p) + FZ_TAG_LEN;
		p = t + FZ_TAG_LEN;
	}
	fz_flush(s);
}

static void	fz_io(int, short, void *);

/* Send what is queued; once the last turn is out, end the script. */
static void
fz_flush(struct fz_server *s)
{
	ssize_t	n;

	while (s->fd != -1 && s->out_off < s->out_len) {
		n = send(s->fd, s->out + s->out_off, s->out_len - s->out_off,
		    MSG_NOSIGNAL);
		if (n > 0) {
			s->out_off += (size_t)n;
			s->moved += (uint64_t)n;
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR)) {
			evloop_io_set(s->ev, s->fd, POLLIN | POLLOUT, fz_io, s);
			return;
		}
		fz_close(s, false);
		return;
	}
	s->out_off = s->out_len = 0;
	if (s->fd == -1)
		return;
	evloop_io_set(s->ev, s->fd, POLLIN, fz_io, s);
	if (s->next >= s->nturns && s->end != FZ_END_HOLD)
		fz_end(s);
}

/* One client message is complete: answer with the next turn. */
static void
fz_message(struct fz_server *s)
{
	s->msg = FZ_MSG_START;
	fz_turn(s);
}

/* Split the client's bytes into messages: a TLS record where a record
 * header can start (content types 20-24), else a line. */
static void
fz_parse(struct fz_server *s, const uint8_t *p, size_t n)
{
	size_t	i = 0, k;

	while (i < n && s->fd != -1) {
		switch (s->msg) {
		case FZ_MSG_START:
			/* Look at the byte again in its new state. */
			if (p[i] >= 20 && p[i] <= 24) {
				s->msg = FZ_MSG_HEADER;
				s->hdr_len = 0;
			} else {
				s->msg = FZ_MSG_LINE;
				s->word_len = 0;
				s->word_done = false;
			}
			continue;
		case FZ_MSG_LINE:
			if (p[i] == ' ' || p[i] == '\r' || p[i] == '\n')
				s->word_done = true;
			else if (!s->word_done && s->word_len < FZ_WORD_MAX)
				s->word[s->word_len++] = (char)p[i];
			if (p[i++] == '\n') {
				memcpy(s->tag, s->word, s->word_len);
				s->tag_len = s->word_len;
				fz_message(s);
			}
			break;
		case FZ_MSG_HEADER:
			s->hdr[s->hdr_len++] = p[i++];
			if (s->hdr_len < sizeof s->hdr)
				break;
			s->body_left = (size_t)s->hdr[3] << 8 | s->hdr[4];
			if (s->body_left == 0)
				fz_message(s);
			else
				s->msg = FZ_MSG_BODY;
			break;
		case FZ_MSG_BODY:
			k = n - i < s->body_left ? n - i : s->body_left;
			s->body_left -= k;
			i += k;
			if (s->body_left == 0)
				fz_message(s);
			break;
		}
	}
}

static void
fz_io(int fd, short revents, void *arg)
{
	struct fz_server	*s = arg;
	uint8_t			 buf[4096];
	ssize_t			 n;

	(void)fd;
	if (revents & POLLOUT)
		fz_flush(s);
	while (s->fd != -1 && (revents & (POLLIN | POLLHUP | POLLERR))) {
		n = recv(s->fd, buf, sizeof buf, 0);
		if (n > 0) {
			s->moved += (uint64_t)n;
			fz_parse(s, buf, (size_t)n);
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			break;
		/* The probe closed (it never half-closes): reset, so that
		 * its side leaves no TIME_WAIT either. */
		fz_close(s, true);
	}
}

static void
fz_accept(int lfd, short revents, void *arg)
{
	struct fz_server	*s = arg;
	int			 fd;

	(void)revents;
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1)
		return;
	if (s->fd != -1 || s->next > 0) {
		/* One connection per script. */
		close(fd);
		return;
	}
	s->fd = fd;
	s->moved++;
	evloop_io_set(s->ev, fd, POLLIN, fz_io, s);
	fz_turn(s);		/* the greeting, at once */
}

/* Split data into turns at FZ_SEP; the last turn takes what is left. */
static void
fz_script(struct fz_server *s, const uint8_t *p, size_t n)
{
	const uint8_t	*t;

	s->nturns = 0;
	while (s->nturns < FZ_TURNS_MAX) {
		t = s->nturns + 1 < FZ_TURNS_MAX ?
		    memmem(p, n, FZ_SEP, FZ_SEP_LEN) : NULL;
		s->turn[s->nturns] = p;
		s->turn_len[s->nturns] = t != NULL ? (size_t)(t - p) : n;
		s->nturns++;
		if (t == NULL)
			break;
		n -= (size_t)(t - p) + FZ_SEP_LEN;
		p = t + FZ_SEP_LEN;
	}
}

/* Accept and close whatever still waits in the listener's queue, so that
 * no connection outlives its iteration. */
static void
fz_drain_listener(void)
{
	int	fd;

	while ((fd = accept4(fz_lfd, NULL, NULL, SOCK_CLOEXEC)) != -1)
		close(fd);
}

/*
 * The promises of a closed probe: a verdict with its reason, and never
 * "ok" without TLS where TLS was asked for (fail closed: the scripted
 * handshakes cannot complete, so an ok there is a plaintext fallback).
 */
static void
fz_check(const struct probe *p)
{
	const struct probe_facts	*f = probe_get_facts(p);

	if (!probe_is_done(p) || f->reason == NULL)
		fz_fail("the probe closed without a verdict");
	if (probe_get_spec(p)->mode != MODE_PLAIN && f->status == ST_OK &&
	    !f->tls.established)
		fz_fail("ok without TLS in a TLS mode");
}

/* For whoever writes seeds: the verdict, server bytes escaped. */
static void
fz_verbose(const struct probe *p)
{
	const struct probe_facts	*f = probe_get_facts(p);
	char				*r;

	r = sanitize_dup(f->reason != NULL ? f->reason : "",
	    f->reason != NULL ? strlen(f->reason) : 0, 0, 0);
	fprintf(stderr, "%s %s %s: %s: %s\n", probe_get_spec(p)->dialect->name,
	    facts_mode_name(probe_get_spec(p)->mode),
	    facts_state_name(f->phase), facts_status_name(f->status), r);
	free(r);
}

/* What has moved so far; equal twice in a row means nothing is ready. */
struct fz_mark {
	uint64_t		 moved;		/* server's bytes */
	uint64_t		 bytes_in;	/* probe's bytes */
	enum probe_state	 state;		/* probe's state */
};

static bool
fz_moved(struct fz_mark *m, const struct probe *p, const struct fz_server *s)
{
	struct fz_mark	now;

	now.moved = s->moved;
	now.bytes_in = probe_get_bytes_in(p);
	now.state = probe_get_state(p);
	if (now.moved == m->moved && now.bytes_in == m->bytes_in &&
	    now.state == m->state)
		return false;
	*m = now;
	return true;
}

/*
 * Run the loop until the probe has closed.  Loopback delivers at once, so
 * two turns of the loop in which nothing was ready mean that both sides
 * wait for each other: the script has nothing more to say, and it ends
 * (unless it holds; then the probe's own deadlines end it).  No wall clock
 * decides, which keeps iterations fast and repeatable.
 */
static void
fz_run(struct evloop *ev, struct probe *p, struct fz_server *s)
{
	struct fz_mark	m;
	uint64_t	t0;
	int		idle = 0;

	memset(&m, 0, sizeof m);
	t0 = evloop_clock_us();
	while (!probe_is_closed(p)) {
		if (evloop_run_once(ev, idle >= 2 ? -1 : 0) == -1)
			fz_fail("poll failed");
		if (evloop_clock_us() - t0 > FZ_HANG_US)
			fz_fail("the probe is still open after its deadlines");
		if (fz_moved(&m, p, s)) {
			idle = 0;
			continue;
		}
		if (++idle == 2 && !s->ended && s->out_len == 0 &&
		    s->end != FZ_END_HOLD) {
			fz_end(s);
			idle = 0;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dialect_service	*sv;
	struct fz_server		 s;
	struct probe_spec		 spec;
	struct evloop			*ev;
	struct probe			*p;
	size_t				 nd, nsv;
	int				 fds;

	if (size < 3)
		return 0;
	fz_init();
	fds = fz_count_fds();

	memset(&spec, 0, sizeof spec);
	for (nd = 0; dialect_all[nd] != NULL; nd++)
		;
	spec.dialect = dialect_all[data[0] % nd];
	spec.mode = (enum probe_mode)(data[1] % MODE_LAST);
	for (nsv = 0; spec.dialect->services[nsv].name != NULL; nsv++)
		;
	sv = &spec.dialect->services[(data[2] >> 2) % (nsv + 1)];
	spec.service = sv->name != NULL ? sv->name : "fuzz";
	spec.port = sv->name != NULL ? sv->port : 2525;
	spec.host = FZ_HOST;
	memcpy(&spec.addr, &fz_addr, sizeof fz_addr);
	spec.addrlen = sizeof fz_addr;
	spec.ehlo_name = NULL;		/* our address literal */
	spec.limits.connect_us = FZ_STEP_US;
	spec.limits.step_us = FZ_STEP_US;
	spec.limits.total_us = FZ_TOTAL_US;
	spec.limits.transcript_bytes = 64 * 1024;
	spec.limits.transcript_events = 500;
	spec.tls = fz_tls;

	memset(&s, 0, sizeof s);
	s.fd = -1;
	s.end = (enum fz_end)(data[2] & 3);
	fz_script(&s, data + 3, size - 3);

	ev = evloop_new();
	s.ev = ev;
	if (evloop_io_set(ev, fz_lfd, POLLIN, fz_accept, &s) == -1)
		fz_fail("cannot watch the listener");
	p = probe_new(ev, &spec, NULL, NULL);
	if (probe_start(p) == 0) {
		fz_run(ev, p, &s);
		fz_check(p);
	}
	if (getenv("FUZZ_PROBE_VERBOSE") != NULL)
		fz_verbose(p);
	probe_free(p);
	fz_close(&s, true);
	evloop_io_del(ev, fz_lfd);
	fz_drain_listener();
	evloop_free(ev);
	free(s.out);

	if (fds != -1 && fz_count_fds() != fds)
		fz_fail("a descriptor was left open");
	return 0;
}
