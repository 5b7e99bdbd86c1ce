/* SPDX-License-Identifier: ISC */
/*
 * The event loop: timers fire in deadline order (equal deadlines in the
 * order they were set) and cancelled ones never; socketpair readiness
 * reaches the watcher with the right bits; signals arrive through the
 * self-pipe in loop context; and a descriptor closed and reopened under
 * the same number inside one iteration never gets the old one's events.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "tap.h"

#define ORDER_MAX	8	/* timer firings recorded */

/* What the timer test records. */
struct order {
	int	 seen[ORDER_MAX];	/* tags in firing order */
	size_t	 n;			/* firings */
};

/* What an fd watcher records. */
struct hits {
	int	 calls;		/* callback runs */
	short	 revents;	/* last revents */
	int	 fd;		/* last fd */
};

/* The slot-reuse test: P's callback replaces the watcher of X. */
struct reuse {
	struct evloop	*ev;		/* the loop */
	int		 x;		/* the descriptor replaced */
	int		 xpeer;		/* its socketpair peer */
	int		 npeer;		/* peer of the new X */
	int		 mode;		/* REUSE_* */
	bool		 same_fd;	/* new X got X's number */
	struct hits	 old;		/* the old X's watcher */
	struct hits	 fresh;		/* the new X's watcher */
};

enum {
	REUSE_DEL,		/* io_del, close, reopen, io_set */
	REUSE_REPLACE		/* close, reopen, io_set without io_del */
};

struct order_tag {
	struct order	*o;	/* where to record */
	int		 tag;	/* what to record */
};

static void
timer_cb(void *arg)
{
	struct order_tag	*t = arg;

	if (t->o->n < ORDER_MAX)
		t->o->seen[t->o->n++] = t->tag;
}

static void
hits_cb(int fd, short revents, void *arg)
{
	struct hits	*h = arg;

	h->calls++;
	h->revents = revents;
	h->fd = fd;
}

/* Drain what is readable so a level-triggered watcher goes quiet. */
static void
drain_cb(int fd, short revents, void *arg)
{
	char	buf[64];

	hits_cb(fd, revents, arg);
	if (read(fd, buf, sizeof buf) < 0)
		tap_diag("read: %s", strerror(errno));
}

static void
test_timers(void)
{
	struct evloop		*ev;
	struct order		 o;
	struct order_tag	 t[5];
	uint64_t		 now, id;
	int			 i, spins = 0;

	memset(&o, 0, sizeof o);
	ev = evloop_new();
	now = evloop_clock_us();
	for (i = 0; i < 5; i++) {
		t[i].o = &o;
		t[i].tag = i;
	}
	evloop_timer_at(ev, now + 30000, timer_cb, &t[0]);
	evloop_timer_at(ev, now + 10000, timer_cb, &t[1]);
	evloop_timer_at(ev, now + 20000, timer_cb, &t[2]);
	evloop_timer_at(ev, now + 20000, timer_cb, &t[3]);
	id = evloop_timer_at(ev, now + 15000, timer_cb, &t[4]);
	tap_ok(id != 0, "a timer id is never 0");
	evloop_timer_cancel(ev, id);
	evloop_timer_cancel(ev, 0);
	while (o.n < 4 && spins++ < 1000)
		evloop_run_once(ev, 100000);
	tap_is_int((long long)o.n, 4, "four timers fired, the cancelled one "
	    "did not");
	tap_ok(o.n == 4 && o.seen[0] == 1 && o.seen[1] == 2 &&
	    o.seen[2] == 3 && o.seen[3] == 0, "timers fire by deadline, "
	    "equal deadlines in the order they were set");
	tap_ok(evloop_now_us(ev) >= now + 30000, "the cached clock moved "
	    "past the last deadline");
	tap_is_int(evloop_run(ev), 0, "evloop_run returns when nothing is "
	    "left");
	evloop_free(ev);
}

static void
test_socketpair(void)
{
	struct evloop	*ev;
	struct hits	 h;
	int		 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		tap_skip(5, "socketpair: %s", strerror(errno));
		return;
	}
	memset(&h, 0, sizeof h);
	ev = evloop_new();
	tap_is_int(evloop_io_set(ev, sv[0], POLLIN, drain_cb, &h), 0,
	    "watch a socket for reading");
	evloop_run_once(ev, 0);
	tap_is_int(h.calls, 0, "nothing to read: no callback");
	if (write(sv[1], "x", 1) != 1)
		tap_diag("write: %s", strerror(errno));
	evloop_run_once(ev, 1000000);
	tap_ok(h.calls == 1 && h.fd == sv[0] && (h.revents & POLLIN),
	    "a byte written: one POLLIN callback for that socket");
	/* The same fd again replaces the watcher: now writable only. */
	memset(&h, 0, sizeof h);
	evloop_io_set(ev, sv[0], POLLOUT, hits_cb, &h);
	if (write(sv[1], "y", 1) != 1)
		tap_diag("write: %s", strerror(errno));
	evloop_run_once(ev, 1000000);
	tap_ok(h.calls == 1 && (h.revents & POLLOUT) &&
	    !(h.revents & POLLIN), "after a change to POLLOUT only POLLOUT "
	    "is delivered, though a byte is waiting");
	memset(&h, 0, sizeof h);
	evloop_io_del(ev, sv[0]);
	evloop_run_once(ev, 0);
	tap_is_int(h.calls, 0, "a removed watcher gets nothing");
	evloop_free(ev);
	close(sv[0]);
	close(sv[1]);
}

static int	sig_seen;
static bool	sig_in_loop;
static bool	sig_running;

static void
sig_cb(int signo, void *arg)
{
	(void)arg;
	sig_seen = signo;
	sig_in_loop = sig_running;
}

static void
test_signal(void)
{
	struct evloop	*ev;
	int		 spins = 0;

	ev = evloop_new();
	tap_is_int(evloop_signal(ev, SIGUSR1, sig_cb, NULL), 0,
	    "handle SIGUSR1 through the self-pipe");
	raise(SIGUSR1);
	tap_is_int(sig_seen, 0, "the callback does not run in the handler");
	sig_running = true;
	while (sig_seen == 0 && spins++ < 100)
		evloop_run_once(ev, 100000);
	sig_running = false;
	tap_ok(sig_seen == SIGUSR1 && sig_in_loop, "SIGUSR1 reaches the "
	    "callback from inside evloop_run_once");
	evloop_free(ev);
	signal(SIGUSR1, SIG_DFL);
}

/* Runs first in the iteration: X is readable too, but X is replaced by a
 * fresh, idle socket under the same number before its turn comes. */
static void
reuse_p_cb(int fd, short revents, void *arg)
{
	struct reuse	*r = arg;
	int		 nv[2];
	char		 buf[8];

	(void)revents;
	if (read(fd, buf, sizeof buf) < 0)
		tap_diag("read: %s", strerror(errno));
	if (r->mode == REUSE_DEL)
		evloop_io_del(r->ev, r->x);
	close(r->x);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, nv) == -1) {
		tap_diag("socketpair: %s", strerror(errno));
		return;
	}
	if (nv[0] != r->x) {
		if (dup2(nv[0], r->x) == -1) {
			tap_diag("dup2: %s", strerror(errno));
			close(nv[0]);
			close(nv[1]);
			return;
		}
		close(nv[0]);
	}
	r->same_fd = true;
	r->npeer = nv[1];
	/* Nothing was written to the new socket: it must stay quiet. */
	evloop_io_set(r->ev, r->x, POLLIN, hits_cb, &r->fresh);
}

/* Watchers P then X; with_tail adds one after X, so X's slot is either
 * the last one (trimmed on delete, then allocated again) or in the middle. */
static void
test_reuse(int mode, bool with_tail, const char *what)
{
	struct evloop	*ev;
	struct reuse	 r;
	struct hits	 ph, tail;
	int		 p[2], x[2], t[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, x) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, t) == -1) {
		tap_skip(3, "socketpair: %s", strerror(errno));
		return;
	}
	memset(&r, 0, sizeof r);
	memset(&ph, 0, sizeof ph);
	memset(&tail, 0, sizeof tail);
	ev = evloop_new();
	r.ev = ev;
	r.x = x[0];
	r.xpeer = x[1];
	r.npeer = -1;
	r.mode = mode;
	/* P gets the lower slot, so its callback runs before X's. */
	evloop_io_set(ev, p[0], POLLIN, reuse_p_cb, &r);
	evloop_io_set(ev, x[0], POLLIN, hits_cb, &r.old);
	if (with_tail)
		evloop_io_set(ev, t[0], POLLIN, hits_cb, &tail);
	if (write(p[1], "p", 1) != 1 || write(x[1], "x", 1) != 1)
		tap_diag("write: %s", strerror(errno));
	evloop_run_once(ev, 1000000);
	tap_ok(r.same_fd, "%s: the new socket has the old number %d", what,
	    r.x);
	tap_is_int(r.old.calls, 0, "%s: the closed socket's watcher is not "
	    "called", what);
	tap_is_int(r.fresh.calls, 0, "%s: the new watcher does not get the "
	    "closed socket's POLLIN", what);
	evloop_free(ev);
	close(p[0]);
	close(p[1]);
	close(r.x);
	close(x[1]);
	if (r.npeer != -1)
		close(r.npeer);
	close(t[0]);
	close(t[1]);
}

/* A freed slot taken by a new descriptor: every field is the new one's. */
static void
test_slot_fields(void)
{
	struct evloop	*ev;
	struct hits	 a, b;
	int		 sv[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		tap_skip(1, "socketpair: %s", strerror(errno));
		return;
	}
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	ev = evloop_new();
	/* Grow the table past its first allocation, then free it all. */
	for (i = 0; i < 40; i++)
		evloop_io_set(ev, sv[0], POLLIN, hits_cb, &a);
	evloop_io_del(ev, sv[0]);
	evloop_io_set(ev, sv[1], POLLOUT, hits_cb, &b);
	evloop_run_once(ev, 1000000);
	tap_ok(a.calls == 0 && b.calls == 1 && b.fd == sv[1] &&
	    (b.revents & POLLOUT), "a reused slot carries the new fd, events "
	    "and callback only");
	evloop_free(ev);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	tap_plan(23);
	signal(SIGPIPE, SIG_IGN);
	test_timers();
	test_socketpair();
	test_signal();
	test_reuse(REUSE_DEL, false, "del+reopen, last slot");
	test_reuse(REUSE_DEL, true, "del+reopen, middle slot");
	test_reuse(REUSE_REPLACE, false, "reopen without del");
	test_slot_fields();
	return tap_done();
}
