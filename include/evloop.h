/* SPDX-License-Identifier: ISC */
#ifndef mailports_EVLOOP_H
#define mailports_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

struct evloop;

/* revents are poll(2) bits (POLLIN, POLLOUT, POLLERR, POLLHUP). */
typedef void (*evloop_io_cb)(int fd, short revents, void *arg);
typedef void (*evloop_timer_cb)(void *arg);
typedef void (*evloop_hook_cb)(void *arg);
typedef void (*evloop_signal_cb)(int signo, void *arg);

struct evloop	*evloop_new(void);
void		 evloop_free(struct evloop *);

/* Monotonic clock in microseconds: evloop_now_us() is cached once per
 * iteration, evloop_clock_us() reads the clock afresh. */
uint64_t	 evloop_now_us(struct evloop *);
uint64_t	 evloop_clock_us(void);

/* Watch fd for events (POLLIN|POLLOUT); a second call for the same fd
 * replaces events, cb and arg.  events 0 keeps the fd registered but idle.
 * Returns 0, or -1 when the table is full. */
int		 evloop_io_set(struct evloop *, int fd, short events,
		    evloop_io_cb, void *arg);
void		 evloop_io_del(struct evloop *, int fd);

/* One-shot timer firing at the absolute monotonic time when_us.  Returns an
 * id (never 0) for evloop_timer_cancel(); cancelling 0 or a fired id is a
 * no-op. */
uint64_t	 evloop_timer_at(struct evloop *, uint64_t when_us,
		    evloop_timer_cb, void *arg);
void		 evloop_timer_cancel(struct evloop *, uint64_t id);

/* Called after every iteration, in registration order. */
void		 evloop_hook_add(struct evloop *, evloop_hook_cb, void *arg);

/* Deliver signo through a self-pipe: cb runs in loop context, never in the
 * handler.  Returns 0 or -1. */
int		 evloop_signal(struct evloop *, int signo, evloop_signal_cb,
		    void *arg);

/* Run one iteration: wait at most max_wait_us (-1: until the next timer or
 * event), dispatch, run hooks.  Returns 0, or -1 on a poll(2) error other
 * than EINTR. */
int		 evloop_run_once(struct evloop *, int64_t max_wait_us);
/* Loop until evloop_break() or until nothing (no fd, no timer) is left. */
int		 evloop_run(struct evloop *);
void		 evloop_break(struct evloop *);
bool		 evloop_is_broken(const struct evloop *);

#endif
