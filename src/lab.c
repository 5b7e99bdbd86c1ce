/* SPDX-License-Identifier: ISC */
/*
 * The lab servers' sockets: listeners and connections on the program's
 * event loop, non-blocking throughout, with caps on line length, buffered
 * bytes, commands and connections, and a deadline per connection.  What is
 * said comes from lab_proto.c and the personality tables; certificates and
 * every TLS call from tlswrap.  Never blocks, prints or exits.
 */
#include "config.h"

#include "lab.h"

#include <sys/socket.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "evloop.h"
#include "lab_proto.h"
#include "sock.h"
#include "xmalloc.h"

#define LAB_CONN_MAX	64		/* connections at once per port */
#define LAB_CONN_US	30000000ULL	/* a connection's whole life */
#define LAB_LINGER_US	2000000ULL	/* wait for the client to close */
#define LAB_CMDS_MAX	200		/* commands per connection */
#define LAB_IN_MAX	(16 * 1024)	/* buffered input */
#define LAB_OUT_MAX	(64 * 1024)	/* buffered output */
#define LAB_OUT_HIGH	(8 * 1024)	/* answer no more commands above */
#define LAB_BURST	16		/* accepts or reads per event */
#define LAB_STEPS	64		/* steps per wake-up */

struct lab_srv {
	struct lab			*lab;	/* owner */
	const struct lab_personality	*pers;	/* who it plays */
	const struct lab_port		*port;	/* which service */
	int				 fd;	/* bound socket */
	struct tlswrap_cred		*cred;	/* certificate, or NULL */
	struct tlswrap_srv_config	*tls;	/* TLS config, or NULL */
	size_t				 nconns; /* open connections */
	struct lab_srv			*next;	/* list */
};

enum lab_cstate {
	LC_HANDSHAKE,		/* TLS handshake in progress */
	LC_TALK,		/* commands and replies */
	LC_LINGER		/* we closed: drain until the client does */
};

struct lab_conn {
	struct lab_srv		*srv;		/* listener */
	int			 fd;		/* accepted socket */
	struct tlswrap		*tls;		/* TLS session, or NULL */
	enum lab_cstate		 state;		/* see above */
	struct lab_dialogue	 dlg;		/* protocol state */
	struct buf		 in;		/* received, unanswered */
	struct buf		 out;		/* replies not yet written */
	bool			 greeted;	/* greeting queued */
	bool			 upgrade;	/* STARTTLS once out is empty */
	bool			 quit;		/* close once out is empty */
	unsigned		 ncmds;		/* commands answered */
	uint64_t		 timer;		/* deadline timer */
	uint64_t		 greet_timer;	/* delayed greeting */
	struct lab_conn		*prev, *next;	/* list */
};

struct lab {
	struct evloop		*ev;		/* the loop */
	struct tlswrap_pki	*pki;		/* made on first use */
	struct lab_srv		*srvs;		/* listeners */
	struct lab_conn		*conns;		/* connections */
	size_t			 accepted;	/* connections so far */
	size_t			 open;		/* connections now */
};

static void	lab_conn_pump(struct lab_conn *);
static void	lab_conn_io(int, short, void *);
static void	lab_conn_close(struct lab_conn *);

struct lab *
lab_new(struct evloop *ev)
{
	struct lab	*l;

	l = xcalloc(1, sizeof *l);
	l->ev = ev;
	return l;
}

static void
lab_conn_free(struct lab_conn *c)
{
	struct lab	*l = c->srv->lab;

	evloop_timer_cancel(l->ev, c->timer);
	evloop_timer_cancel(l->ev, c->greet_timer);
	if (c->fd != -1)
		evloop_io_del(l->ev, c->fd);
	tlswrap_free(c->tls);
	sock_close(&c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->srv->nconns--;
	l->open--;
	free(c);
}

void
lab_free(struct lab *l)
{
	struct lab_srv	*s;

	if (l == NULL)
		return;
	while (l->conns != NULL)
		lab_conn_free(l->conns);
	while ((s = l->srvs) != NULL) {
		l->srvs = s->next;
		if (s->fd != -1)
			evloop_io_del(l->ev, s->fd);
		sock_close(&s->fd);
		tlswrap_srv_config_free(s->tls);
		tlswrap_cred_free(s->cred);
		free(s);
	}
	tlswrap_pki_free(l->pki);
	free(l);
}

const char *
lab_ca_pem(struct lab *l, char **err)
{
	*err = NULL;
	if (l->pki == NULL)
		l->pki = tlswrap_pki_new(err);
	if (l->pki == NULL)
		return NULL;
	return tlswrap_pki_ca_pem(l->pki);
}

size_t
lab_accepted(const struct lab *l)
{
	return l->accepted;
}

size_t
lab_open(const struct lab *l)
{
	return l->open;
}

int
lab_bind(const struct sockaddr *sa, socklen_t len)
{
	int	fd, one = 1, saved;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return -1;
	/* A port left in TIME_WAIT by the last run is free to take again;
	 * a listener (ours or another's) still makes bind fail. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
	    bind(fd, sa, len) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The deadline of a connection: talking ones get a last word and are
 * closed, lingering ones are dropped. */
static void
lab_conn_deadline(void *arg)
{
	struct lab_conn	*c = arg;

	c->timer = 0;
	if (c->state == LC_LINGER) {
		lab_conn_free(c);
		return;
	}
	if (c->state == LC_HANDSHAKE) {
		lab_conn_close(c);
		return;
	}
	lab_proto_bye(&c->dlg, "connection too long", &c->out);
	c->quit = true;
	c->upgrade = false;
	lab_conn_pump(c);
}

/* We are done: close_notify inside TLS (or what the personality's
 * misbehaviour makes of it), FIN, then drain until the client closes
 * too, so that a reset never overtakes our last reply. */
static void
lab_conn_close(struct lab_conn *c)
{
	struct lab	*l = c->srv->lab;

	if (c->tls != NULL && c->dlg.tls)
		tlswrap_close_notify(c->tls);
	(void)shutdown(c->fd, SHUT_WR);
	c->state = LC_LINGER;
	evloop_timer_cancel(l->ev, c->timer);
	c->timer = evloop_timer_at(l->ev, evloop_clock_us() + LAB_LINGER_US,
	    lab_conn_deadline, c);
	if (evloop_io_set(l->ev, c->fd, POLLIN, lab_conn_io, c) == -1) {
		lab_conn_free(c);
		return;
	}
	lab_conn_pump(c);
}

static void
lab_conn_greet(struct lab_conn *c)
{
	c->greeted = true;
	lab_proto_greeting(&c->dlg, &c->out);
}

static void
lab_conn_greet_timer(void *arg)
{
	struct lab_conn	*c = arg;

	c->greet_timer = 0;
	if (c->state != LC_TALK)
		return;
	lab_conn_greet(c);
	lab_conn_pump(c);
}

/* Answer the complete lines buffered; returns true if anything changed. */
static bool
lab_conn_lines(struct lab_conn *c)
{
	enum lab_act	 act;
	size_t		 len, used;
	int		 flags;
	bool		 did = false;

	while (c->out.len < LAB_OUT_HIGH && !c->upgrade && !c->quit) {
		if (buf_line(&c->in, LAB_LINE_MAX, &len, &used, &flags) == 0)
			break;
		did = true;
		if (flags & BUF_LINE_TOO_LONG) {
			lab_proto_bye(&c->dlg, "line too long", &c->out);
			c->quit = true;
			break;
		}
		if (++c->ncmds > LAB_CMDS_MAX) {
			lab_proto_bye(&c->dlg, "too many commands", &c->out);
			c->quit = true;
			break;
		}
		act = lab_proto_line(&c->dlg, c->in.data, len, &c->out);
		buf_consume(&c->in, used);
		/* RFC 3207 4.2, RFC 2595 3.1: what the client pipelined
		 * after STARTTLS is thrown away, never answered. */
		if (act == LAB_ACT_STARTTLS)
			c->upgrade = true;
		else if (act == LAB_ACT_CLOSE)
			c->quit = true;
	}
	if (c->upgrade || c->quit)
		buf_reset(&c->in);
	return did;
}

static enum io_res
lab_conn_read(struct lab_conn *c)
{
	char		tmp[4096];
	size_t		got = 0, want;
	enum io_res	r;

	want = buf_room(&c->in);
	if (want > sizeof tmp)
		want = sizeof tmp;
	if (want == 0) {
		/* Cannot happen while lines are capped below the buffer;
		 * end rather than spin. */
		return IO_ERR;
	}
	if (c->tls != NULL)
		r = tlswrap_read(c->tls, tmp, want, &got);
	else
		r = sock_read(c->fd, tmp, want, &got);
	if (r == IO_DONE && buf_append(&c->in, tmp, got) == -1)
		return IO_ERR;
	return r;
}

static enum io_res
lab_conn_write(struct lab_conn *c)
{
	size_t		put = 0;
	enum io_res	r;

	if (c->tls != NULL)
		r = tlswrap_write(c->tls, c->out.data, c->out.len, &put);
	else
		r = sock_write(c->fd, c->out.data, c->out.len, &put);
	if (r == IO_DONE)
		buf_consume(&c->out, put);
	return r;
}

/* After our close: read and drop until the client closes too. */
static void
lab_conn_drain(struct lab_conn *c)
{
	char		tmp[4096];
	size_t		got;
	enum io_res	r;
	int		i;

	for (i = 0; i < LAB_BURST; i++) {
		r = sock_read(c->fd, tmp, sizeof tmp, &got);
		if (r == IO_WANT_READ)
			return;
		if (r != IO_DONE) {
			lab_conn_free(c);
			return;
		}
	}
}

static int
lab_conn_start_tls(struct lab_conn *c)
{
	c->tls = tlswrap_srv_new(c->srv->tls, c->fd, NULL, evloop_clock_us());
	if (c->tls == NULL)
		return -1;
	c->state = LC_HANDSHAKE;
	return 0;
}

static void
lab_conn_io(int fd, short revents, void *arg)
{
	(void)fd;
	(void)revents;
	lab_conn_pump(arg);
}

/* Move the connection as far as it goes without waiting, then wait for
 * what the last step asked for (TLS may want a write to read). */
static void
lab_conn_pump(struct lab_conn *c)
{
	struct lab	*l = c->srv->lab;
	enum io_res	 r = IO_WANT_READ;
	int		 step;

	for (step = 0; step < LAB_STEPS; step++) {
		if (c->state == LC_LINGER) {
			lab_conn_drain(c);
			return;
		}
		if (c->state == LC_HANDSHAKE) {
			r = tlswrap_handshake(c->tls);
			if (r == IO_DONE) {
				c->state = LC_TALK;
				c->dlg.tls = true;
				if (!c->greeted && c->greet_timer == 0)
					lab_conn_greet(c);
				continue;
			}
			if (r == IO_WANT_READ || r == IO_WANT_WRITE)
				break;
			/* Failed (or the personality's alert was sent). */
			lab_conn_close(c);
			return;
		}
		if (c->out.len > 0) {
			r = lab_conn_write(c);
			if (r == IO_DONE)
				continue;
			if (r == IO_WANT_READ || r == IO_WANT_WRITE)
				break;
			lab_conn_free(c);
			return;
		}
		if (c->upgrade) {
			c->upgrade = false;
			if (lab_conn_start_tls(c) == -1) {
				lab_conn_close(c);
				return;
			}
			continue;
		}
		if (c->quit) {
			lab_conn_close(c);
			return;
		}
		if (c->greeted && lab_conn_lines(c))
			continue;
		r = lab_conn_read(c);
		if (r == IO_DONE)
			continue;
		if (r == IO_WANT_READ || r == IO_WANT_WRITE)
			break;
		lab_conn_free(c);
		return;
	}
	/* Out of steps with work left: come back when writable (soon). */
	if (step == LAB_STEPS)
		r = IO_WANT_WRITE;
	if (evloop_io_set(l->ev, c->fd, r == IO_WANT_WRITE ? POLLOUT : POLLIN,
	    lab_conn_io, c) == -1)
		lab_conn_free(c);
}

static void
lab_accept_one(struct lab_srv *s, int fd)
{
	struct lab	*l = s->lab;
	struct lab_conn	*c;
	uint64_t	 now = evloop_clock_us();

	l->accepted++;
	if (s->nconns >= LAB_CONN_MAX) {
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->srv = s;
	c->fd = fd;
	buf_init(&c->in, LAB_IN_MAX);
	buf_init(&c->out, LAB_OUT_MAX);
	(void)lab_proto_init(&c->dlg, s->port, s->pers->host);
	c->next = l->conns;
	if (l->conns != NULL)
		l->conns->prev = c;
	l->conns = c;
	s->nconns++;
	l->open++;
	c->timer = evloop_timer_at(l->ev, now + LAB_CONN_US,
	    lab_conn_deadline, c);
	c->state = LC_TALK;
	if (s->port->greet_delay_ms > 0)
		c->greet_timer = evloop_timer_at(l->ev, now +
		    s->port->greet_delay_ms * 1000ULL, lab_conn_greet_timer,
		    c);
	if (s->port->speak == LAB_TLS) {
		if (lab_conn_start_tls(c) == -1) {
			lab_conn_free(c);
			return;
		}
	} else if (c->greet_timer == 0)
		lab_conn_greet(c);
	lab_conn_pump(c);
}

static void
lab_accept(int fd, short revents, void *arg)
{
	struct lab_srv	*s = arg;
	int		 cfd, i;

	(void)revents;
	for (i = 0; i < LAB_BURST; i++) {
		cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd == -1)
			return;
		lab_accept_one(s, cfd);
	}
}

/* The certificate and TLS configuration of a port that speaks TLS. */
static int
lab_srv_tls(struct lab_srv *s, char **err)
{
	struct lab			*l = s->lab;
	struct tlswrap_cred_spec	 spec;
	const char			*names[2];

	if (lab_ca_pem(l, err) == NULL)
		return -1;
	names[0] = s->port->cert_name != NULL ? s->port->cert_name :
	    s->pers->host;
	names[1] = NULL;
	memset(&spec, 0, sizeof spec);
	spec.names = names;
	spec.kind = s->port->cert;
	spec.key = s->port->key;
	s->cred = tlswrap_cred_new(l->pki, &spec, err);
	if (s->cred == NULL)
		return -1;
	s->tls = tlswrap_srv_config_new(s->cred, &s->port->tls, err);
	return s->tls == NULL ? -1 : 0;
}

int
lab_serve(struct lab *l, const struct lab_personality *p,
    const struct lab_port *pt, int fd, char **err)
{
	struct lab_srv		*s;
	struct lab_dialogue	 d;

	*err = NULL;
	if (lab_proto_init(&d, pt, p->host) == -1) {
		xasprintf(err, "lab %s: unknown service %s", p->name,
		    pt->service);
		close(fd);
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->lab = l;
	s->pers = p;
	s->port = pt;
	s->fd = fd;
	if ((pt->speak == LAB_TLS || pt->speak == LAB_STARTTLS) &&
	    lab_srv_tls(s, err) == -1)
		goto fail;
	if (pt->speak != LAB_CLOSED) {
		if (listen(fd, LAB_CONN_MAX) == -1) {
			xasprintf(err, "lab %s %s: listen: %s", p->name,
			    pt->service, strerror(errno));
			goto fail;
		}
		if (evloop_io_set(l->ev, fd, POLLIN, lab_accept, s) == -1) {
			xasprintf(err, "lab %s %s: too many descriptors",
			    p->name, pt->service);
			goto fail;
		}
	}
	s->next = l->srvs;
	l->srvs = s;
	return 0;
fail:
	tlswrap_srv_config_free(s->tls);
	tlswrap_cred_free(s->cred);
	close(fd);
	free(s);
	return -1;
}
