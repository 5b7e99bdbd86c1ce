/* SPDX-License-Identifier: ISC */
/*
 * The only poll(2) of the program: fd watchers, monotonic one-shot timers,
 * signals through a self-pipe and post-iteration hooks.  Callbacks may add
 * and remove watchers and timers freely; nothing here knows about probes.
 */
#include "config.h"

#include "evloop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xmalloc.h"

struct ev_io {
	int		 fd;		/* -1: free slot */
	short		 events;	/* POLLIN|POLLOUT */
	evloop_io_cb	 cb;		/* handler */
	void		*arg;		/* handler argument */
	uint64_t	 serial;	/* new per watcher, never reused */
};

struct ev_timer {
	uint64_t	 when_us;	/* absolute deadline */
	uint64_t	 id;		/* never 0 */
	evloop_timer_cb	 cb;		/* handler */
	void		*arg;		/* handler argument */
};

struct ev_hook {
	evloop_hook_cb	 cb;		/* handler */
	void		*arg;		/* handler argument */
};

struct ev_sig {
	int		 signo;		/* signal number */
	evloop_signal_cb cb;		/* handler */
	void		*arg;		/* handler argument */
};

#define EV_SIG_MAX	8		/* distinct signals handled */

struct evloop {
	struct ev_io	*io;		/* watchers, indexed by slot */
	size_t		 nio;		/* slots used (incl. free) */
	size_t		 sio;		/* slots allocated */
	struct pollfd	*pfd;		/* poll set, rebuilt per iteration */
	size_t		*pslot;		/* pfd index -> io slot */
	uint64_t	*pserial;	/* pfd index -> slot serial */
	struct ev_timer	*timers;	/* binary min-heap on when_us */
	size_t		 ntimers;	/* timers held */
	size_t		 stimers;	/* timers allocated */
	uint64_t	 next_id;	/* next timer id */
	uint64_t	 next_serial;	/* next watcher serial; grows */
	struct ev_hook	*hooks;		/* post-iteration hooks */
	size_t		 nhooks;	/* hooks held */
	struct ev_sig	 sigs[EV_SIG_MAX]; /* signal handlers */
	size_t		 nsigs;		/* signals handled */
	int		 sigpipe[2];	/* self-pipe, -1 until needed */
	uint64_t	 now_us;	/* cached clock */
	bool		 broken;	/* evloop_break() was called */
};

static int	evloop_sigpipe_w = -1;

uint64_t
evloop_clock_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct evloop *
evloop_new(void)
{
	struct evloop	*ev;

	ev = xcalloc(1, sizeof *ev);
	ev->next_id = 1;
	ev->next_serial = 1;
	ev->sigpipe[0] = ev->sigpipe[1] = -1;
	ev->now_us = evloop_clock_us();
	return ev;
}

void
evloop_free(struct evloop *ev)
{
	size_t	i;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->nsigs; i++)
		signal(ev->sigs[i].signo, SIG_DFL);
	if (ev->sigpipe[0] != -1) {
		evloop_sigpipe_w = -1;
		close(ev->sigpipe[0]);
		close(ev->sigpipe[1]);
	}
	free(ev->io);
	free(ev->pfd);
	free(ev->pslot);
	free(ev->pserial);
	free(ev->timers);
	free(ev->hooks);
	free(ev);
}

uint64_t
evloop_now_us(struct evloop *ev)
{
	return ev->now_us;
}

static struct ev_io *
evloop_io_find(struct evloop *ev, int fd)
{
	size_t	i;

	for (i = 0; i < ev->nio; i++) {
		if (ev->io[i].fd == fd)
			return &ev->io[i];
	}
	return NULL;
}

int
evloop_io_set(struct evloop *ev, int fd, short events, evloop_io_cb cb,
    void *arg)
{
	struct ev_io	*w;
	size_t		 i;

	if (fd < 0)
		return -1;
	w = evloop_io_find(ev, fd);
	if (w == NULL) {
		for (i = 0; i < ev->nio; i++) {
			if (ev->io[i].fd == -1) {
				w = &ev->io[i];
				break;
			}
		}
	}
	if (w == NULL) {
		if (ev->nio == ev->sio) {
			ev->sio = ev->sio == 0 ? 32 : ev->sio * 2;
			ev->io = xreallocarray(ev->io, ev->sio,
			    sizeof *ev->io);
			ev->pfd = xreallocarray(ev->pfd, ev->sio,
			    sizeof *ev->pfd);
			ev->pslot = xreallocarray(ev->pslot, ev->sio,
			    sizeof *ev->pslot);
			ev->pserial = xreallocarray(ev->pserial, ev->sio,
			    sizeof *ev->pserial);
		}
		w = &ev->io[ev->nio++];
		memset(w, 0, sizeof *w);
		w->fd = -1;
	}
	/*
	 * Another descriptor or another owner in this slot is a new watcher:
	 * it gets a serial no watcher of this loop ever had, so events that
	 * poll(2) reported for the old one (a descriptor closed and reopened
	 * under the same number within one iteration) never reach it.  A
	 * per-slot counter would not do: trailing slots are trimmed and come
	 * back with their old count.
	 */
	if (w->fd != fd || w->cb != cb || w->arg != arg)
		w->serial = ev->next_serial++;
	w->fd = fd;
	w->events = events;
	w->cb = cb;
	w->arg = arg;
	return 0;
}

void
evloop_io_del(struct evloop *ev, int fd)
{
	struct ev_io	*w;

	w = evloop_io_find(ev, fd);
	if (w == NULL)
		return;
	w->fd = -1;
	w->events = 0;
	w->cb = NULL;
	w->arg = NULL;
	w->serial = ev->next_serial++;
	while (ev->nio > 0 && ev->io[ev->nio - 1].fd == -1)
		ev->nio--;
}

static void
evloop_heap_swap(struct evloop *ev, size_t a, size_t b)
{
	struct ev_timer	t;

	t = ev->timers[a];
	ev->timers[a] = ev->timers[b];
	ev->timers[b] = t;
}

static bool
evloop_heap_less(const struct evloop *ev, size_t a, size_t b)
{
	const struct ev_timer	*x = &ev->timers[a], *y = &ev->timers[b];

	if (x->when_us != y->when_us)
		return x->when_us < y->when_us;
	return x->id < y->id;		/* equal deadlines fire in order */
}

static void
evloop_heap_up(struct evloop *ev, size_t i)
{
	while (i > 0 && evloop_heap_less(ev, i, (i - 1) / 2)) {
		evloop_heap_swap(ev, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
evloop_heap_down(struct evloop *ev, size_t i)
{
	size_t	l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < ev->ntimers && evloop_heap_less(ev, l, m))
			m = l;
		if (r < ev->ntimers && evloop_heap_less(ev, r, m))
			m = r;
		if (m == i)
			return;
		evloop_heap_swap(ev, i, m);
		i = m;
	}
}

static void
evloop_heap_remove(struct evloop *ev, size_t i)
{
	ev->ntimers--;
	if (i == ev->ntimers)
		return;
	ev->timers[i] = ev->timers[ev->ntimers];
	evloop_heap_down(ev, i);
	evloop_heap_up(ev, i);
}

uint64_t
evloop_timer_at(struct evloop *ev, uint64_t when_us, evloop_timer_cb cb,
    void *arg)
{
	struct ev_timer	*t;

	if (ev->ntimers == ev->stimers) {
		ev->stimers = ev->stimers == 0 ? 64 : ev->stimers * 2;
		ev->timers = xreallocarray(ev->timers, ev->stimers,
		    sizeof *ev->timers);
	}
	t = &ev->timers[ev->ntimers];
	t->when_us = when_us;
	t->id = ev->next_id++;
	t->cb = cb;
	t->arg = arg;
	ev->ntimers++;
	evloop_heap_up(ev, ev->ntimers - 1);
	return ev->next_id - 1;
}

void
evloop_timer_cancel(struct evloop *ev, uint64_t id)
{
	size_t	i;

	if (id == 0)
		return;
	/* Linear: timers per run are few (a handful per probe). */
	for (i = 0; i < ev->ntimers; i++) {
		if (ev->timers[i].id == id) {
			evloop_heap_remove(ev, i);
			return;
		}
	}
}

void
evloop_hook_add(struct evloop *ev, evloop_hook_cb cb, void *arg)
{
	ev->hooks = xreallocarray(ev->hooks, ev->nhooks + 1,
	    sizeof *ev->hooks);
	ev->hooks[ev->nhooks].cb = cb;
	ev->hooks[ev->nhooks].arg = arg;
	ev->nhooks++;
}

static void
evloop_sig_handler(int signo)
{
	unsigned char	c = (unsigned char)signo;
	int		saved = errno;
	ssize_t		n;

	if (evloop_sigpipe_w != -1) {
		n = write(evloop_sigpipe_w, &c, 1);
		(void)n;
	}
	errno = saved;
}

static void
evloop_sig_read(int fd, short revents, void *arg)
{
	struct evloop	*ev = arg;
	unsigned char	 buf[64];
	ssize_t		 n;
	ssize_t		 i;
	size_t		 j;

	n = read(fd, buf, sizeof buf);
	for (i = 0; i < n; i++) {
		for (j = 0; j < ev->nsigs; j++) {
			if (ev->sigs[j].signo == buf[i])
				ev->sigs[j].cb(buf[i], ev->sigs[j].arg);
		}
	}
}

int
evloop_signal(struct evloop *ev, int signo, evloop_signal_cb cb, void *arg)
{
	struct sigaction	sa;
	int			i;

	if (ev->nsigs == EV_SIG_MAX)
		return -1;
	if (ev->sigpipe[0] == -1) {
		if (pipe(ev->sigpipe) == -1)
			return -1;
		for (i = 0; i < 2; i++) {
			fcntl(ev->sigpipe[i], F_SETFL,
			    fcntl(ev->sigpipe[i], F_GETFL) | O_NONBLOCK);
			fcntl(ev->sigpipe[i], F_SETFD, FD_CLOEXEC);
		}
		evloop_sigpipe_w = ev->sigpipe[1];
		evloop_io_set(ev, ev->sigpipe[0], POLLIN, evloop_sig_read,
		    ev);
	}
	ev->sigs[ev->nsigs].signo = signo;
	ev->sigs[ev->nsigs].cb = cb;
	ev->sigs[ev->nsigs].arg = arg;
	ev->nsigs++;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = evloop_sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(signo, &sa, NULL);
}

static void
evloop_run_timers(struct evloop *ev)
{
	struct ev_timer	t;
	unsigned	n = 0;

	/* Bounded: timers added by callbacks for "now" run next time. */
	while (ev->ntimers > 0 && ev->timers[0].when_us <= ev->now_us &&
	    n++ < 4096) {
		t = ev->timers[0];
		evloop_heap_remove(ev, 0);
		t.cb(t.arg);
	}
}

int
evloop_run_once(struct evloop *ev, int64_t max_wait_us)
{
	int64_t		 wait_us = max_wait_us;
	size_t		 i, n = 0;
	int		 rc, timeout_ms;
	short		 revents;
	struct ev_io	*w;

	ev->now_us = evloop_clock_us();
	if (ev->ntimers > 0) {
		if (ev->timers[0].when_us <= ev->now_us)
			wait_us = 0;
		else if (wait_us < 0 ||
		    (int64_t)(ev->timers[0].when_us - ev->now_us) < wait_us)
			wait_us = (int64_t)(ev->timers[0].when_us -
			    ev->now_us);
	}
	for (i = 0; i < ev->nio; i++) {
		if (ev->io[i].fd == -1 || ev->io[i].events == 0)
			continue;
		ev->pfd[n].fd = ev->io[i].fd;
		ev->pfd[n].events = ev->io[i].events;
		ev->pfd[n].revents = 0;
		ev->pslot[n] = i;
		ev->pserial[n] = ev->io[i].serial;
		n++;
	}
	/* Round up so a timer 300us away does not spin with timeout 0. */
	timeout_ms = wait_us < 0 ? -1 : (int)((wait_us + 999) / 1000);
	rc = poll(ev->pfd, n, timeout_ms);
	if (rc == -1 && errno != EINTR)
		return -1;
	ev->now_us = evloop_clock_us();
	for (i = 0; rc > 0 && i < n; i++) {
		if (ev->pfd[i].revents == 0)
			continue;
		/* The watcher may have been removed or replaced by an
		 * earlier callback of this iteration: then these events
		 * belong to a descriptor that is gone. */
		if (ev->pslot[i] >= ev->nio)
			continue;
		w = &ev->io[ev->pslot[i]];
		if (w->fd != ev->pfd[i].fd || w->serial != ev->pserial[i] ||
		    w->cb == NULL || w->events == 0)
			continue;
		/* Only what it still asks for (errors always). */
		revents = ev->pfd[i].revents & (w->events | POLLERR |
		    POLLHUP | POLLNVAL);
		if (revents == 0)
			continue;
		w->cb(w->fd, revents, w->arg);
	}
	evloop_run_timers(ev);
	for (i = 0; i < ev->nhooks; i++)
		ev->hooks[i].cb(ev->hooks[i].arg);
	return 0;
}

int
evloop_run(struct evloop *ev)
{
	size_t	i, active;

	ev->broken = false;
	while (!ev->broken) {
		active = ev->ntimers;
		for (i = 0; i < ev->nio; i++) {
			if (ev->io[i].fd != -1 && ev->io[i].events != 0 &&
			    ev->io[i].fd != ev->sigpipe[0])
				active++;
		}
		if (active == 0)
			break;
		if (evloop_run_once(ev, -1) == -1)
			return -1;
	}
	return 0;
}

void
evloop_break(struct evloop *ev)
{
	ev->broken = true;
}

bool
evloop_is_broken(const struct evloop *ev)
{
	return ev->broken;
}
