/* SPDX-License-Identifier: ISC */
/*
 * The probe set: hosts are resolved inside the loop, each address gets a
 * block of cells (rows x modes), and probes start under a per-port and a
 * per-address connection cap with a small stagger.  A finished implicit-TLS cell tells
 * its siblings on the same port, so silent plaintext probes end early with
 * the right reason.  Outputs read the result matrix through accessors.
 */
#include "config.h"

#include "run.h"

#include <sys/resource.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evloop.h"
#include "resolve.h"
#include "sock.h"
#include "tlswrap.h"
#include "xmalloc.h"

#define RUN_FD_RESERVE	16	/* descriptors kept for the rest */
#define RUN_FD_MAX	1024	/* connections in flight at most */
#define RUN_GRACE_MULT	2	/* x handshake time before wrong mode */
#define RUN_FD_RETRY_US	20000	/* retry after running out of fds */

/* What a probe's change callback needs to find its cell at once. */
struct run_cellref {
	struct run		*run;		/* owner */
	struct run_block	*block;		/* the address */
	size_t			 cell;		/* row * MODE_LAST + mode */
};

struct run_block {
	struct run_addr	 pub;		/* what outputs see */
	struct run_cellref *refs;	/* one per cell, callback arguments */
	struct probe	**cells;	/* nrows x MODE_LAST, NULL if the
					 * mode is not selected */
	uint64_t	*tls_grace;	/* per row: grace once implicit TLS
					 * worked, 0 if not known */
	unsigned	 running;	/* probes in flight */
	unsigned	*row_running;	/* per row (port): probes in flight */
	uint64_t	 last_start_us;	/* for the stagger */
};

struct run_hostent {
	struct run_host	 pub;		/* what outputs see */
	struct run	*run;		/* owner */
};

struct run {
	struct evloop		*ev;		/* the loop */
	struct run_config	 cfg;		/* borrowed strings */
	struct tlswrap_config	*tls;		/* shared TLS config */
	struct resolve		*res;		/* c-ares channel */
	struct run_hostent	*hosts;		/* one per name */
	struct run_block	**blocks;	/* one per address */
	size_t			 nblocks;	/* addresses */
	run_change_cb		 cb;		/* change notification */
	void			*cb_arg;	/* its argument */
	uint64_t		 changes;	/* change counter */
	uint64_t		 start_us;	/* run start */
	uint64_t		 end_us;	/* last probe end, 0: running */
	uint64_t		 sched_timer;	/* deferred scheduling */
	unsigned		 running;	/* probes in flight overall */
	unsigned		 fd_cap;	/* most probes in flight */
	size_t			 unresolved;	/* lookups in flight */
};

static void	run_schedule(void *);

static void
run_changed(struct run *r)
{
	r->changes++;
	if (r->cb != NULL)
		r->cb(r->cb_arg);
}

/* Schedule from the loop, never from inside a probe callback. */
static void
run_kick(struct run *r)
{
	if (r->sched_timer == 0)
		r->sched_timer = evloop_timer_at(r->ev, 0, run_schedule, r);
}

struct run *
run_new(struct evloop *ev, const struct run_config *cfg, char **err)
{
	struct run	*r;
	struct rlimit	 rl;
	size_t		 i;
	unsigned	 reserve;

	*err = NULL;
	r = xcalloc(1, sizeof *r);
	r->ev = ev;
	r->cfg = *cfg;
	if (r->cfg.jobs == 0)
		r->cfg.jobs = 1;
	if (r->cfg.per_port == 0)
		r->cfg.per_port = 1;
	/* The demo trusts its own CA and nothing else. */
	if (cfg->ca_pem != NULL)
		r->tls = tlswrap_config_new_pem(cfg->ca_pem, err);
	else
		r->tls = tlswrap_config_new(cfg->ca_file, cfg->ca_path, err);
	if (r->tls == NULL) {
		free(r);
		return NULL;
	}
	r->res = resolve_new(ev, err);
	if (r->res == NULL) {
		tlswrap_config_free(r->tls);
		free(r);
		return NULL;
	}
	/* Leave descriptors for stdio, the loop, c-ares and a saved file:
	 * at most RUN_FD_RESERVE, a quarter under a small limit.  Should
	 * the guess be short, EMFILE re-queues (run_schedule). */
	r->fd_cap = RUN_FD_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur !=
	    RLIM_INFINITY) {
		reserve = rl.rlim_cur / 4 < RUN_FD_RESERVE ?
		    (unsigned)(rl.rlim_cur / 4) : RUN_FD_RESERVE;
		if (rl.rlim_cur < (rlim_t)RUN_FD_MAX + reserve)
			r->fd_cap = rl.rlim_cur > reserve + 1 ?
			    (unsigned)(rl.rlim_cur - reserve) : 1;
	}
	r->hosts = xcalloc(cfg->nhosts, sizeof *r->hosts);
	for (i = 0; i < cfg->nhosts; i++) {
		r->hosts[i].pub.name = cfg->hosts[i];
		r->hosts[i].run = r;
	}
	return r;
}

static void
run_block_free(struct run *r, struct run_block *b)
{
	size_t	i;

	for (i = 0; i < r->cfg.nrows * MODE_LAST; i++)
		probe_free(b->cells[i]);
	free(b->cells);
	free(b->refs);
	free(b->tls_grace);
	free(b->row_running);
	free(b);
}

void
run_free(struct run *r)
{
	size_t	i;

	if (r == NULL)
		return;
	/* Lookups first: their cancelled callbacks see a live run. */
	resolve_free(r->res);
	evloop_timer_cancel(r->ev, r->sched_timer);
	for (i = 0; i < r->nblocks; i++)
		run_block_free(r, r->blocks[i]);
	free(r->blocks);
	for (i = 0; i < r->cfg.nhosts; i++)
		free(r->hosts[i].pub.error);
	free(r->hosts);
	tlswrap_config_free(r->tls);
	free(r);
}

static void
run_check_done(struct run *r)
{
	size_t	i, j;

	if (r->unresolved > 0)
		return;
	for (i = 0; i < r->nblocks; i++) {
		for (j = 0; j < r->cfg.nrows * MODE_LAST; j++) {
			if (r->blocks[i]->cells[j] != NULL &&
			    !probe_is_done(r->blocks[i]->cells[j]))
				return;
		}
	}
	if (r->end_us == 0)
		r->end_us = evloop_clock_us();
}

/* Tell the other cells of a port that implicit TLS works there. */
static void
run_hint(struct run *r, struct run_block *b, size_t row)
{
	size_t	m;

	for (m = 0; m < MODE_LAST; m++) {
		if (m != MODE_TLS && b->cells[row * MODE_LAST + m] != NULL)
			probe_hint_implicit_tls(b->cells[row * MODE_LAST + m],
			    b->tls_grace[row]);
	}
}

static void
run_probe_changed(struct probe *p, void *arg)
{
	struct run_cellref		*ref = arg;
	struct run			*r = ref->run;
	struct run_block		*b = ref->block;
	const struct probe_facts	*f;
	size_t				 cell = ref->cell, row;
	int64_t				 hs;

	row = cell / MODE_LAST;
	f = probe_get_facts(p);
	/* The port speaks TLS from the first byte if the handshake worked
	 * or the server at least answered in TLS (an alert, an old
	 * version): a silent plaintext cell there waits for a ClientHello. */
	if (cell % MODE_LAST == MODE_TLS && b->tls_grace[row] == 0 &&
	    (f->tls.established || (probe_is_done(p) &&
	    f->tls.server_spoke_tls))) {
		hs = f->timing.tls_us > 0 ? f->timing.tls_us :
		    (int64_t)probe_get_elapsed_us(p);
		if (hs <= 0)
			hs = 1;
		b->tls_grace[row] = (uint64_t)hs * RUN_GRACE_MULT;
		run_hint(r, b, row);
	}
	run_kick(r);
	run_changed(r);
}

static struct probe *
run_make_probe(struct run *r, struct run_block *b, size_t row,
    enum probe_mode m)
{
	struct probe_spec	 spec;
	const struct port_row	*pr = &r->cfg.rows[row];
	struct probe		*p;

	memset(&spec, 0, sizeof spec);
	spec.host = r->hosts[b->pub.host].pub.name;
	spec.addr = b->pub.addr;
	spec.addrlen = b->pub.addrlen;
	if (spec.addr.ss_family == AF_INET)
		((struct sockaddr_in *)&spec.addr)->sin_port = htons(pr->port);
	else if (spec.addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&spec.addr)->sin6_port =
		    htons(pr->port);
	spec.port = pr->port;
	spec.service = pr->service;
	spec.dialect = pr->dialect;
	spec.mode = m;
	spec.ehlo_name = r->cfg.ehlo_name;
	spec.limits = r->cfg.limits;
	spec.tls = r->tls;
	p = probe_new(r->ev, &spec, run_probe_changed,
	    &b->refs[row * MODE_LAST + m]);
	if (b->tls_grace[row] != 0)
		probe_hint_implicit_tls(p, b->tls_grace[row]);
	return p;
}

static void
run_add_block(struct run *r, size_t host, const struct sockaddr_storage *ss,
    socklen_t len, const char *err)
{
	struct run_block	*b;
	size_t			 row, m, i;
	struct probe		*p;

	b = xcalloc(1, sizeof *b);
	b->pub.host = host;
	b->cells = xcalloc(r->cfg.nrows * MODE_LAST, sizeof *b->cells);
	b->refs = xcalloc(r->cfg.nrows * MODE_LAST, sizeof *b->refs);
	for (i = 0; i < r->cfg.nrows * MODE_LAST; i++) {
		b->refs[i].run = r;
		b->refs[i].block = b;
		b->refs[i].cell = i;
	}
	b->tls_grace = xcalloc(r->cfg.nrows, sizeof *b->tls_grace);
	b->row_running = xcalloc(r->cfg.nrows, sizeof *b->row_running);
	if (ss != NULL) {
		b->pub.addr = *ss;
		b->pub.addrlen = len;
		b->pub.family = ss->ss_family;
		sock_addr_str((const struct sockaddr *)ss, b->pub.text,
		    sizeof b->pub.text);
	} else {
		b->pub.family = AF_UNSPEC;
		snprintf(b->pub.text, sizeof b->pub.text, "-");
	}
	r->blocks = xreallocarray(r->blocks, r->nblocks + 1,
	    sizeof *r->blocks);
	r->blocks[r->nblocks++] = b;
	for (row = 0; row < r->cfg.nrows; row++) {
		for (m = 0; m < MODE_LAST; m++) {
			if (!(r->cfg.modes & (1u << m)))
				continue;
			p = run_make_probe(r, b, row, (enum probe_mode)m);
			b->cells[row * MODE_LAST + m] = p;
			if (ss == NULL)
				probe_finish(p, ST_RESOLVE_FAILED, err);
		}
	}
}

static bool
run_family_ok(const struct run *r, int family)
{
	return r->cfg.family == AF_UNSPEC || r->cfg.family == family;
}

static void
run_resolved(const struct resolve_addr *addrs, size_t n, const char *err,
    void *arg)
{
	struct run_hostent	*h = arg;
	struct run		*r = h->run;
	size_t			 i, host = (size_t)(h - r->hosts);
	char			*msg;

	h->pub.resolved = true;
	r->unresolved--;
	for (i = 0; i < n; i++) {
		if (!run_family_ok(r, addrs[i].addr.ss_family))
			continue;
		run_add_block(r, host, &addrs[i].addr, addrs[i].addrlen, NULL);
		h->pub.naddrs++;
	}
	if (h->pub.naddrs == 0) {
		if (err == NULL)
			err = r->cfg.family == AF_INET ? "no IPv4 address" :
			    r->cfg.family == AF_INET6 ? "no IPv6 address" :
			    "no address";
		xasprintf(&msg, "cannot resolve %s: %s", h->pub.name, err);
		h->pub.error = msg;
		run_add_block(r, host, NULL, 0, msg);
	}
	run_kick(r);
	run_changed(r);
}

void
run_start(struct run *r, run_change_cb cb, void *arg)
{
	struct sockaddr_storage	 ss;
	struct resolve_addr	 a[16];
	socklen_t		 len;
	size_t			 i, j, n;
	const char		*name;

	r->cb = cb;
	r->cb_arg = arg;
	r->start_us = evloop_clock_us();
	r->unresolved = r->cfg.nhosts;
	for (i = 0; i < r->cfg.nhosts; i++) {
		name = r->cfg.hosts[i];
		n = 0;
		if (target_parse_literal(name, &ss, &len) == 0) {
			a[0].addr = ss;
			a[0].addrlen = len;
			n = 1;
		}
		for (j = 0; n == 0 && j < r->cfg.noverrides; j++) {
			if (strcasecmp(r->cfg.overrides[j].host, name) != 0)
				continue;
			/* Every --resolve for the name, like curl. */
			for (; j < r->cfg.noverrides && n < 16; j++) {
				if (strcasecmp(r->cfg.overrides[j].host,
				    name) != 0)
					continue;
				a[n].addr = r->cfg.overrides[j].addr;
				a[n].addrlen = r->cfg.overrides[j].addrlen;
				n++;
			}
			break;
		}
		if (n > 0)
			run_resolved(a, n, NULL, &r->hosts[i]);
		else
			resolve_lookup(r->res, name, r->cfg.family,
			    run_resolved, &r->hosts[i]);
	}
	run_kick(r);
}

/* Start order, in passes: first every port in the mode it is meant for
 * (the longest chains, STARTTLS, start at once, and implicit TLS on the
 * TLS ports soon explains their silent plaintext cells), then the other
 * modes: TLS (short where the port greets in plaintext), STARTTLS, plain. */
#define RUN_PASSES	(1 + MODE_LAST)

static bool
run_in_pass(const struct port_row *row, enum probe_mode m, unsigned pass)
{
	static const enum probe_mode others[MODE_LAST] = {
		MODE_TLS, MODE_STARTTLS, MODE_PLAIN
	};

	if (pass == 0)
		return m == row->native;
	return m != row->native && m == others[pass - 1];
}

static void
run_schedule(void *arg)
{
	struct run		*r = arg;
	struct run_block	*b;
	struct probe		*p;
	uint64_t		 now, next = 0, at;
	size_t			 i, row, k, cell;
	unsigned		 running;

	r->sched_timer = 0;
	now = evloop_clock_us();
	r->running = 0;
	for (i = 0; i < r->nblocks; i++) {
		b = r->blocks[i];
		running = 0;
		memset(b->row_running, 0, r->cfg.nrows *
		    sizeof *b->row_running);
		for (cell = 0; cell < r->cfg.nrows * MODE_LAST; cell++) {
			p = b->cells[cell];
			if (p == NULL || !probe_is_started(p))
				continue;
			/* A cell saying goodbye no longer counts against
			 * the server's connections, but still holds a
			 * descriptor. */
			if (!probe_is_done(p)) {
				running++;
				b->row_running[cell / MODE_LAST]++;
			}
			if (!probe_is_closed(p))
				r->running++;
		}
		b->running = running;
	}
	for (i = 0; i < r->nblocks; i++) {
		b = r->blocks[i];
		for (k = 0; k < RUN_PASSES; k++) {
			for (cell = 0; cell < r->cfg.nrows * MODE_LAST;
			    cell++) {
				row = cell / MODE_LAST;
				p = b->cells[cell];
				if (p == NULL || probe_is_started(p) ||
				    !run_in_pass(&r->cfg.rows[row],
				    (enum probe_mode)(cell % MODE_LAST), k))
					continue;
				if (b->running >= r->cfg.jobs ||
				    r->running >= r->fd_cap)
					goto next_block;
				/* A full port waits; the next port may
				 * start. */
				if (b->row_running[row] >= r->cfg.per_port)
					continue;
				at = b->last_start_us + r->cfg.stagger_us;
				if (b->last_start_us != 0 && at > now) {
					if (next == 0 || at < next)
						next = at;
					goto next_block;
				}
				if (probe_start(p) == -1 &&
				    r->running == 0) {
					/* Nothing will free a descriptor. */
					probe_finish(p, ST_UNREACHABLE,
					    "cannot open a socket: no free "
					    "file descriptor (ulimit -n)");
					continue;
				}
				if (!probe_is_started(p)) {
					/* Fewer descriptors than the limit
					 * said: wait for running probes to
					 * end and never ask for more. */
					r->fd_cap = r->running;
					if (next == 0 || now +
					    RUN_FD_RETRY_US < next)
						next = now + RUN_FD_RETRY_US;
					goto out;
				}
				b->last_start_us = now;
				b->row_running[row]++;
				b->running++;
				r->running++;
			}
		}
next_block:
		;
	}
out:
	if (next != 0 && r->sched_timer == 0)
		r->sched_timer = evloop_timer_at(r->ev, next, run_schedule, r);
	run_check_done(r);
}

bool
run_is_done(const struct run *r)
{
	return r->end_us != 0;
}

bool
run_is_closed(const struct run *r)
{
	size_t	i, j;

	if (!run_is_done(r))
		return false;
	for (i = 0; i < r->nblocks; i++) {
		for (j = 0; j < r->cfg.nrows * MODE_LAST; j++) {
			if (r->blocks[i]->cells[j] != NULL &&
			    probe_is_started(r->blocks[i]->cells[j]) &&
			    !probe_is_closed(r->blocks[i]->cells[j]))
				return false;
		}
	}
	return true;
}

uint64_t
run_get_changes(const struct run *r)
{
	return r->changes;
}

uint64_t
run_get_start_us(const struct run *r)
{
	return r->start_us;
}

uint64_t
run_get_elapsed_us(const struct run *r)
{
	if (r->start_us == 0)
		return 0;
	if (r->end_us != 0)
		return r->end_us - r->start_us;
	return evloop_clock_us() - r->start_us;
}

void
run_get_counts(const struct run *r, size_t *done, size_t *total)
{
	size_t	i, j;

	*done = *total = 0;
	for (i = 0; i < r->nblocks; i++) {
		for (j = 0; j < r->cfg.nrows * MODE_LAST; j++) {
			if (r->blocks[i]->cells[j] == NULL)
				continue;
			(*total)++;
			if (probe_is_done(r->blocks[i]->cells[j]))
				(*done)++;
		}
	}
}

size_t
run_host_count(const struct run *r)
{
	return r->cfg.nhosts;
}

const struct run_host *
run_get_host(const struct run *r, size_t i)
{
	return i < r->cfg.nhosts ? &r->hosts[i].pub : NULL;
}

size_t
run_addr_count(const struct run *r)
{
	return r->nblocks;
}

const struct run_addr *
run_get_addr(const struct run *r, size_t i)
{
	return i < r->nblocks ? &r->blocks[i]->pub : NULL;
}

size_t
run_row_count(const struct run *r)
{
	return r->cfg.nrows;
}

const struct port_row *
run_get_row(const struct run *r, size_t i)
{
	return i < r->cfg.nrows ? &r->cfg.rows[i] : NULL;
}

unsigned
run_get_modes(const struct run *r)
{
	return r->cfg.modes;
}

const struct probe *
run_get_probe(const struct run *r, size_t addr, size_t row,
    enum probe_mode m)
{
	if (addr >= r->nblocks || row >= r->cfg.nrows || m >= MODE_LAST)
		return NULL;
	return r->blocks[addr]->cells[row * MODE_LAST + m];
}

void
run_reprobe(struct run *r, size_t addr, size_t row, enum probe_mode m)
{
	struct run_block	*b;
	struct probe		**cell;

	if (addr >= r->nblocks || row >= r->cfg.nrows || m >= MODE_LAST)
		return;
	b = r->blocks[addr];
	cell = &b->cells[row * MODE_LAST + m];
	if (*cell == NULL || b->pub.addrlen == 0)
		return;
	probe_free(*cell);
	if (m == MODE_TLS)
		b->tls_grace[row] = 0;
	*cell = run_make_probe(r, b, row, m);
	r->end_us = 0;
	run_kick(r);
	run_changed(r);
}

void
run_reprobe_all(struct run *r)
{
	size_t	i, row, m;

	for (i = 0; i < r->nblocks; i++) {
		memset(r->blocks[i]->tls_grace, 0,
		    r->cfg.nrows * sizeof *r->blocks[i]->tls_grace);
		for (row = 0; row < r->cfg.nrows; row++) {
			for (m = 0; m < MODE_LAST; m++)
				run_reprobe(r, i, row, (enum probe_mode)m);
		}
	}
	r->start_us = evloop_clock_us();
}
