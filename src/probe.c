/* SPDX-License-Identifier: ISC */
/*
 * One connection probing one cell: a state machine that owns its socket,
 * TLS session, pingpong and transcript for its whole life.  Modes differ
 * only in where the TLS step sits.  Every phase has an absolute deadline;
 * every failure becomes a status, a reason and a transcript event.  A
 * reply counts only for the command it answers: what the server says
 * before being asked ends the probe.  It never blocks, prints or exits,
 * and holds no protocol strings.
 */
#include "config.h"

#include "probe.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dialect.h"
#include "evloop.h"
#include "pingpong.h"
#include "sock.h"
#include "tlswrap.h"
#include "transcript.h"
#include "xmalloc.h"

#define PROBE_READ_CHUNK	16384	/* bytes per read call */
#define PROBE_READS_PER_WAKE	16	/* reads before yielding */
#define PROBE_QUIT_US		2000000	/* wait for the QUIT reply */
#define PROBE_GRACE_MIN_US	50000	/* wrong-mode grace floor */

struct probe {
	struct evloop		*ev;		/* the loop */
	struct probe_spec	 spec;		/* what to probe (owned copy) */
	probe_change_cb		 cb;		/* change notification */
	void			*cb_arg;	/* its argument */

	enum probe_state	 state;		/* where we are */
	struct probe_facts	 facts;		/* what we learnt */
	struct transcript	*tr;		/* what was said */
	struct pingpong		*pp;		/* dialogue engine */
	struct tlswrap		*tls;		/* TLS session, if any */
	int			 fd;		/* socket or -1 */
	short			 want;		/* poll events wanted */

	uint64_t		 start_us;	/* monotonic start, 0: queued */
	uint64_t		 end_us;	/* monotonic end, 0: running */
	uint64_t		 phase_us;	/* when the state was entered */
	uint64_t		 step_timer;	/* per-phase deadline timer */
	uint64_t		 total_timer;	/* whole-probe deadline timer */
	uint64_t		 bytes_in;	/* bytes received */
	bool			 tls_done;	/* TLS is active */
	bool			 implicit_hint;	/* sibling proved implicit TLS */
	uint64_t		 grace_us;	/* wait after the hint */
	bool			 grace_armed;	/* step timer is the grace */
	enum probe_status	 final_status;	/* status once QUIT is done */
	bool			 have_final;	/* final_status is set */
	bool			 closing;	/* QUIT answered inside TLS:
						 * reading until the server
						 * closes, to see how */
	bool			 after_notify;	/* close_notify came: drain
						 * until the TCP close */
	enum io_res		 pending_io;	/* EOF/error met by a drain,
						 * IO_DONE: none */
	int			 pending_errno;	/* its errno */
};

static void	probe_io(int, short, void *);
static void	probe_enter(struct probe *, enum probe_state);
static void	probe_pump(struct probe *);
static enum io_res probe_read(struct probe *, void *, size_t, size_t *);

static uint64_t
probe_t(const struct probe *p)
{
	uint64_t	now = evloop_clock_us();

	return now > p->start_us ? now - p->start_us : 0;
}

static void
probe_changed(struct probe *p)
{
	if (p->cb != NULL)
		p->cb(p, p->cb_arg);
}

/* The dialect's word for cmd ("EHLO", "STLS", "CAPABILITY"): reasons and
 * notes name what was sent on the wire, never a word of their own. */
static const char *
probe_word(const struct probe *p, enum dialect_cmd cmd)
{
	return dialect_cmd_word(p->spec.dialect, cmd);
}

static void
probe_note(struct probe *p, int flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
probe_note(struct probe *p, int flags, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	transcript_add(p->tr, probe_t(p), TR_NOTE, TR_SEC_NONE, flags, s,
	    (size_t)n);
	free(s);
}

struct probe *
probe_new(struct evloop *ev, const struct probe_spec *spec,
    probe_change_cb cb, void *arg)
{
	struct probe	*p;

	p = xcalloc(1, sizeof *p);
	p->ev = ev;
	p->spec = *spec;
	p->spec.host = xstrdup(spec->host);
	p->spec.service = xstrdup(spec->service);
	p->spec.ehlo_name = xstrdup(spec->ehlo_name != NULL ?
	    spec->ehlo_name : "");
	p->cb = cb;
	p->cb_arg = arg;
	p->fd = -1;
	p->state = PS_QUEUED;
	facts_init(&p->facts);
	p->tr = transcript_new(spec->limits.transcript_bytes,
	    spec->limits.transcript_events);
	return p;
}

static void
probe_teardown(struct probe *p)
{
	evloop_timer_cancel(p->ev, p->step_timer);
	evloop_timer_cancel(p->ev, p->total_timer);
	p->step_timer = p->total_timer = 0;
	if (p->fd != -1) {
		evloop_io_del(p->ev, p->fd);
		sock_close(&p->fd);
	}
	tlswrap_free(p->tls);
	p->tls = NULL;
	pingpong_free(p->pp);
	p->pp = NULL;
}

void
probe_free(struct probe *p)
{
	if (p == NULL)
		return;
	if (p->tls != NULL && p->tls_done)
		tlswrap_close_notify(p->tls);
	probe_teardown(p);
	facts_clear(&p->facts);
	transcript_free(p->tr);
	free((char *)(uintptr_t)p->spec.host);
	free((char *)(uintptr_t)p->spec.service);
	free((char *)(uintptr_t)p->spec.ehlo_name);
	free(p);
}

static enum tr_sec
probe_sec(const struct probe *p)
{
	if (!p->tls_done)
		return TR_SEC_PLAIN;
	return p->facts.tls.verified ? TR_SEC_TLS_VERIFIED : TR_SEC_TLS;
}

static void
probe_set_state(struct probe *p, enum probe_state s)
{
	if (p->state == s)
		return;
	transcript_addf(p->tr, probe_t(p), TR_STATE, 0, "%s -> %s",
	    facts_state_name(p->state), facts_state_name(s));
	p->state = s;
	p->phase_us = evloop_clock_us();
}

/* End the probe: record status and reason, close everything. */
static void
probe_end(struct probe *p, enum probe_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
probe_end(struct probe *p, enum probe_status st, const char *fmt, ...)
{
	va_list	ap;
	char	*reason;

	if (p->state == PS_DONE || p->state == PS_FAILED)
		return;
	va_start(ap, fmt);
	(void)xvasprintf(&reason, fmt, ap);
	va_end(ap);
	free(p->facts.reason);
	p->facts.reason = reason;
	p->facts.status = st;
	p->facts.phase = p->state;
	if (p->tls != NULL && !p->facts.tls.established &&
	    p->facts.tls.failure == NULL && p->facts.tls.chain_len == 0) {
		/* A handshake cut short by a deadline: keep what is known. */
		tlswrap_get_facts(p->tls, &p->facts.tls, (int64_t)time(NULL));
	}
	if (p->tls != NULL && p->tls_done)
		tlswrap_close_notify(p->tls);
	probe_teardown(p);
	p->end_us = evloop_clock_us();
	if (!p->have_final)
		p->facts.timing.total_us = (int64_t)(p->end_us - p->start_us);
	transcript_addf(p->tr, probe_t(p), TR_NOTE,
	    st == ST_OK ? 0 : TR_F_ERROR, "%s: %s", facts_status_name(st),
	    reason);
	probe_set_state(p, st == ST_OK ? PS_DONE : PS_FAILED);
	probe_changed(p);
}

void
probe_finish(struct probe *p, enum probe_status st, const char *reason)
{
	if (p->start_us == 0)
		p->start_us = evloop_clock_us();
	probe_end(p, st, "%s", reason);
}

/* The server's words for a reason: raw bytes up to the first line end,
 * capped (reasons may quote raw text; the outputs sanitise). */
static void
probe_quote_raw(const char *p, size_t n, char *buf, size_t size)
{
	const char	*nl;
	size_t		 i, o;

	buf[0] = '\0';
	if (p == NULL)
		return;
	nl = memchr(p, '\n', n);
	if (nl != NULL)
		n = (size_t)(nl - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > 160)
		n = 160;
	/* A reason is a C string: a NUL from the server would cut it, so
	 * it is written in caret form, as the sanitiser shows it
	 * (catalogue 10: later data not cut off). */
	for (i = 0, o = 0; i < n && o + 2 < size; i++) {
		if (p[i] == '\0') {
			buf[o++] = '^';
			buf[o++] = '@';
		} else
			buf[o++] = p[i];
	}
	buf[o] = '\0';
}

/* The last line of a reply, quoted. */
static void
probe_quote(const struct pp_reply *r, char *buf, size_t size)
{
	buf[0] = '\0';
	if (r == NULL || r->nlines == 0)
		return;
	probe_quote_raw(r->lines[r->nlines - 1].p, r->lines[r->nlines - 1].n,
	    buf, size);
}

static void
probe_watch(struct probe *p, short events)
{
	p->want = events;
	if (p->fd != -1)
		evloop_io_set(p->ev, p->fd, events, probe_io, p);
}

static void
probe_step_timeout(void *arg)
{
	struct probe	*p = arg;
	const char	*what;
	double		 s;

	p->step_timer = 0;
	s = (double)(evloop_clock_us() - p->phase_us) / 1e6;
	if (p->state == PS_QUIT) {
		/* The verdict was reached before QUIT. */
		probe_end(p, p->final_status, "%s", p->facts.reason != NULL ?
		    p->facts.reason : "");
		return;
	}
	if (p->state == PS_GREETING && p->bytes_in == 0 && p->grace_armed) {
		p->facts.wrong_mode_inferred = true;
		probe_end(p, ST_WRONG_MODE, "no greeting: port %u expects a TLS "
		    "handshake first (it answers in TLS); use %s here",
		    p->spec.port, facts_mode_client(MODE_TLS));
		return;
	}
	switch (p->state) {
	case PS_CONNECTING:
		what = "no answer to the connection attempt";
		break;
	case PS_GREETING:
		what = p->bytes_in == 0 ? "no greeting" :
		    "greeting not completed";
		break;
	case PS_TLS_HANDSHAKE:
	case PS_TLS_UPGRADE:
		what = "TLS handshake not completed";
		break;
	default:
		what = "no reply";
		break;
	}
	probe_end(p, ST_TIMEOUT, "%s in %.1f s (%s)", what, s,
	    facts_state_name(p->state));
}

static void
probe_total_timeout(void *arg)
{
	struct probe	*p = arg;

	p->total_timer = 0;
	if (p->state == PS_QUIT) {
		probe_end(p, p->final_status, "%s", p->facts.reason != NULL ?
		    p->facts.reason : "");
		return;
	}
	probe_end(p, ST_TIMEOUT, "probe did not finish in %.1f s (%s)",
	    (double)p->spec.limits.total_us / 1e6, facts_state_name(p->state));
}

static void
probe_arm_step(struct probe *p, uint64_t us)
{
	evloop_timer_cancel(p->ev, p->step_timer);
	p->step_timer = evloop_timer_at(p->ev, evloop_clock_us() + us,
	    probe_step_timeout, p);
	p->grace_armed = false;
}

static void
probe_arm_grace(struct probe *p)
{
	uint64_t	left = p->spec.limits.step_us;

	if (p->grace_us < left) {
		probe_arm_step(p, p->grace_us);
		p->grace_armed = true;
		probe_note(p, 0, "this port answers in TLS from the first byte: "
		    "waiting %.2f s for a greeting before concluding wrong mode",
		    (double)p->grace_us / 1e6);
	}
}

void
probe_hint_implicit_tls(struct probe *p, uint64_t grace_us)
{
	if (p->spec.mode == MODE_TLS || p->implicit_hint)
		return;
	p->implicit_hint = true;
	p->grace_us = grace_us < PROBE_GRACE_MIN_US ? PROBE_GRACE_MIN_US :
	    grace_us;
	if (p->state == PS_GREETING && p->bytes_in == 0)
		probe_arm_grace(p);
}

static void
probe_connect_failed(struct probe *p, int err)
{
	switch (err) {
	case ECONNREFUSED:
		probe_end(p, ST_REFUSED, "connection refused: nothing listens "
		    "on port %u", p->spec.port);
		break;
	case ETIMEDOUT:
		probe_end(p, ST_TIMEOUT, "connection attempt timed out");
		break;
	case ECONNRESET:
	case ECONNABORTED:
		/* A refusal to SYN is ECONNREFUSED; this was accepted. */
		probe_end(p, ST_SERVICE_REFUSED, "connection reset by server "
		    "right after it was accepted");
		break;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
	case ENETDOWN:
	case EHOSTDOWN:
		probe_end(p, ST_UNREACHABLE, "%s", strerror(err));
		break;
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
	case ENOMEM:
		probe_end(p, ST_UNREACHABLE, "cannot open a socket: %s",
		    strerror(err));
		break;
	default:
		probe_end(p, ST_UNREACHABLE, "cannot connect: %s",
		    strerror(err));
		break;
	}
}

int
probe_start(struct probe *p)
{
	enum io_res	r;
	char		addr[64];
	int		err;

	if (p->state != PS_QUEUED)
		return 0;
	p->start_us = evloop_clock_us();
	p->phase_us = p->start_us;
	r = sock_connect((const struct sockaddr *)&p->spec.addr,
	    p->spec.addrlen, &p->fd);
	err = errno;
	if (r == IO_ERR && p->fd == -1 && (err == EMFILE || err == ENFILE ||
	    err == ENOBUFS || err == ENOMEM)) {
		/* Out of descriptors: stay queued, the run tries later. */
		p->start_us = 0;
		return -1;
	}
	p->total_timer = evloop_timer_at(p->ev,
	    p->start_us + p->spec.limits.total_us, probe_total_timeout, p);
	sock_addr_str((const struct sockaddr *)&p->spec.addr, addr,
	    sizeof addr);
	probe_set_state(p, PS_CONNECTING);
	transcript_addf(p->tr, probe_t(p), TR_NET, 0,
	    "connecting to %s port %u (%s, %s, mode %s)", addr, p->spec.port,
	    p->spec.service, p->spec.dialect->label,
	    facts_mode_name(p->spec.mode));
	probe_arm_step(p, p->spec.limits.connect_us);
	if (r == IO_ERR) {
		probe_connect_failed(p, err);
		return 0;
	}
	if (r == IO_WANT_WRITE) {
		probe_watch(p, POLLOUT);
		probe_changed(p);
		return 0;
	}
	probe_enter(p, p->spec.mode == MODE_TLS ? PS_TLS_HANDSHAKE :
	    PS_GREETING);
	return 0;
}

/* Read what the server already sent, without waiting, so that bytes that
 * came before a command are seen as such.  Over TLS this reads records
 * mbedTLS may already hold too.  A close or an error is kept for the
 * dialogue to act on in its turn. */
static void
probe_drain(struct probe *p)
{
	char		buf[PROBE_READ_CHUNK];
	size_t		room, n;
	enum io_res	r;
	int		i;

	for (i = 0; i < PROBE_READS_PER_WAKE && p->pending_io == IO_DONE &&
	    p->fd != -1 && p->pp != NULL; i++) {
		room = pingpong_room(p->pp);
		if (room == 0)
			return;
		if (room > sizeof buf)
			room = sizeof buf;
		r = probe_read(p, buf, room, &n);
		if (r == IO_WANT_READ || r == IO_WANT_WRITE)
			return;
		if (r != IO_DONE) {
			p->pending_io = r;
			p->pending_errno = errno;
			return;
		}
		pingpong_set_time(p->pp, probe_t(p));
		(void)pingpong_append(p->pp, buf, n);
	}
}

/* Before cmd goes out: did the server speak before being asked (RFC 5321
 * 4.3.1 and 2.2 of RFC 9051: a reply answers a command we sent)?  Ends
 * the probe in state s and returns true if so. */
static bool
probe_unasked(struct probe *p, enum probe_state s, enum dialect_cmd cmd)
{
	const struct mstr	*m;
	enum pp_early		 e;
	char			 q[200];

	if (p->pp == NULL)
		return false;
	probe_drain(p);
	e = pingpong_early(p->pp, true);
	if (e == PP_EARLY_NONE)
		return false;
	m = pingpong_early_line(p->pp);
	probe_quote_raw(m != NULL ? m->p : NULL, m != NULL ? m->n : 0, q,
	    sizeof q);
	probe_set_state(p, s);
	if (e == PP_EARLY_CLOSING)
		probe_end(p, ST_SERVICE_REFUSED, "server closed the session: "
		    "%s", q);
	else
		probe_end(p, ST_PROTOCOL_ERROR, "reply to a command we did not "
		    "send: server sent \"%s\" before %s", q,
		    probe_word(p, cmd));
	return true;
}

/* Send cmd and wait for its reply in state s. */
static void
probe_command(struct probe *p, enum probe_state s, enum dialect_cmd cmd)
{
	/* QUIT was checked before the verdict was published. */
	if (s != PS_QUIT && probe_unasked(p, s, cmd))
		return;
	probe_set_state(p, s);
	probe_arm_step(p, s == PS_QUIT && p->spec.limits.step_us >
	    PROBE_QUIT_US ? PROBE_QUIT_US : p->spec.limits.step_us);
	pingpong_set_time(p->pp, probe_t(p));
	if (pingpong_send(p->pp, cmd) == -1) {
		probe_end(p, ST_PROTOCOL_ERROR, "cannot send %s",
		    probe_word(p, cmd));
		return;
	}
	probe_watch(p, POLLIN | POLLOUT);
}

/* A verdict is reached: say goodbye politely, then end with st. */
static void
probe_quit(struct probe *p, enum probe_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
probe_quit(struct probe *p, enum probe_status st, const char *fmt, ...)
{
	va_list	ap;
	char	*reason;

	/* The verdict stands only if nothing came unasked. */
	if (probe_unasked(p, p->state, DC_QUIT))
		return;
	va_start(ap, fmt);
	(void)xvasprintf(&reason, fmt, ap);
	va_end(ap);
	free(p->facts.reason);
	p->facts.reason = reason;
	p->final_status = st;
	p->have_final = true;
	/* The verdict stands now; QUIT only takes leave.  Outputs and the
	 * run see the cell as done while the goodbye is on the wire. */
	p->facts.status = st;
	p->facts.phase = p->state;
	p->facts.timing.total_us = (int64_t)(evloop_clock_us() -
	    p->start_us);
	probe_command(p, PS_QUIT, DC_QUIT);
	probe_changed(p);
}

static void
probe_tls_start(struct probe *p, enum probe_state s)
{
	probe_set_state(p, s);
	probe_arm_step(p, p->spec.limits.step_us);
	p->tls = tlswrap_new(p->spec.tls, p->fd, p->spec.host, p->tr,
	    p->start_us);
	p->facts.tls.attempted = true;
	probe_watch(p, POLLOUT);
}

/* Our EHLO name: the configured FQDN, else the address literal of our
 * end of the connection (RFC 5321 4.1.3, 4.1.4). */
static void
probe_ehlo_name(const struct probe *p, char *buf, size_t size)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;
	char			addr[64];

	if (p->spec.ehlo_name[0] != '\0') {
		snprintf(buf, size, "%s", p->spec.ehlo_name);
		return;
	}
	if (getsockname(p->fd, (struct sockaddr *)&ss, &len) == -1) {
		snprintf(buf, size, "localhost");
		return;
	}
	sock_addr_str((const struct sockaddr *)&ss, addr, sizeof addr);
	snprintf(buf, size, ss.ss_family == AF_INET6 ? "[IPv6:%s]" : "[%s]",
	    addr);
}

static void
probe_enter(struct probe *p, enum probe_state s)
{
	int64_t	took = (int64_t)(evloop_clock_us() - p->phase_us);
	char	name[128];

	if (p->state == PS_CONNECTING) {
		p->facts.timing.connect_us = took;
		transcript_addf(p->tr, probe_t(p), TR_NET, 0, "connected");
	}
	switch (s) {
	case PS_TLS_HANDSHAKE:
		probe_tls_start(p, s);
		probe_pump(p);
		break;
	case PS_GREETING:
		probe_ehlo_name(p, name, sizeof name);
		p->pp = pingpong_new(p->spec.dialect, p->tr, name);
		pingpong_set_sec(p->pp, probe_sec(p));
		probe_set_state(p, PS_GREETING);
		probe_arm_step(p, p->spec.limits.step_us);
		if (p->implicit_hint && p->bytes_in == 0)
			probe_arm_grace(p);
		pingpong_send(p->pp, DC_GREETING);
		probe_watch(p, POLLIN);
		probe_changed(p);
		probe_pump(p);
		break;
	default:
		break;
	}
}

/* Record the capabilities of a reply in the before/after-TLS sets. */
static bool
probe_caps(struct probe *p, enum dialect_cmd cmd, const struct pp_reply *r)
{
	struct dialect_caps	c;
	struct probe_facts	*f = &p->facts;
	size_t			i;

	memset(&c, 0, sizeof c);
	p->spec.dialect->caps(cmd, r->lines, r->nlines, &c);
	if (!c.found) {
		dialect_caps_clear(&c);
		return false;
	}
	for (i = 0; i < c.caps.n; i++)
		mstr_list_add(p->tls_done ? &f->caps_after : &f->caps_before,
		    c.caps.v[i].p, c.caps.v[i].n, DIALECT_CAPS_MAX);
	for (i = 0; i < c.auth.n; i++)
		mstr_list_add(p->tls_done ? &f->auth_after : &f->auth_before,
		    c.auth.v[i].p, c.auth.v[i].n, DIALECT_CAPS_MAX);
	if (p->tls_done) {
		f->caps_after_known = true;
		f->login_disabled_after = c.login_disabled;
	} else {
		f->caps_before_known = true;
		f->starttls_offered = c.starttls;
		f->login_disabled_before = c.login_disabled;
	}
	dialect_caps_clear(&c);
	return true;
}

/* The certificate problems in words: "expired, name does not match". */
static void
probe_problems(const struct probe_facts *f, char *buf, size_t size)
{
	size_t	off = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < TLS_PROB_LAST && off < size; i++) {
		if (f->tls.problems & TLS_PROB_BIT(i))
			off += (size_t)snprintf(buf + off, size - off, "%s%s",
			    off > 0 ? ", " : "",
			    facts_problem_words((enum tls_problem)i));
	}
}

/* Could a client log in before TLS, judging by the capabilities? */
static bool
probe_login_offered(const struct probe *p)
{
	const struct dialect	*d = p->spec.dialect;
	const struct probe_facts *f = &p->facts;

	if (!f->caps_before_known || f->auth_before.n > 0)
		return true;
	if (d->login_builtin)
		return !f->login_disabled_before;
	return d->login_cap != NULL && mstr_list_has(&f->caps_before,
	    d->login_cap);
}

/* Is this port meant for implicit TLS (RFC 8314 3.3: 465, 993, 995)? */
static bool
probe_implicit_port(const struct probe *p)
{
	const struct dialect_service	*sv;
	const struct dialect		*d;

	sv = dialect_service_by_name(p->spec.service, &d);
	if (sv == NULL || d != p->spec.dialect)
		sv = dialect_service_by_port(p->spec.port, &d);
	return sv != NULL && d == p->spec.dialect && sv->native == MODE_TLS;
}

/* What a mail client would get on this cell once capabilities are known:
 * plain and TLS cells are done; STARTTLS cells go on. */
static void
probe_after_caps(struct probe *p)
{
	struct probe_facts	*f = &p->facts;
	const struct dialect	*d = p->spec.dialect;
	const char		*login;
	char			 probs[160], port[96], why[96], offered[32];

	if (p->spec.mode == MODE_STARTTLS && !p->tls_done) {
		if (f->caps_before_known && !f->starttls_offered) {
			why[0] = '\0';
			if (f->helo_fallback)
				snprintf(why, sizeof why, " (%s refused, %s "
				    "has no extensions)",
				    probe_word(p, DC_CAPA),
				    probe_word(p, DC_HELO));
			probe_quit(p, ST_STARTTLS_NOT_OFFERED, "server does "
			    "not offer %s%s", d->starttls_name, why);
			return;
		}
		if (!f->caps_before_known)
			probe_note(p, 0, "capabilities unknown: trying %s "
			    "anyway", probe_word(p, DC_STARTTLS));
		probe_command(p, PS_STARTTLS, DC_STARTTLS);
		return;
	}
	if (!p->tls_done) {
		/* Issue 7: a password in clear is never a quiet ok. */
		f->login_in_clear = f->caps_before_known &&
		    probe_login_offered(p);
		f->implicit_port_plaintext = p->spec.mode == MODE_PLAIN &&
		    probe_implicit_port(p);
		port[0] = '\0';
		if (f->implicit_port_plaintext)
			snprintf(port, sizeof port, " on port %u, which is "
			    "meant for implicit TLS (RFC 8314 3.3)",
			    p->spec.port);
		if (f->login_in_clear)
			login = ", but the server offers a password login "
			    "without encryption: the password would travel "
			    "unencrypted";
		else if (f->login_disabled_before)
			login = "; login is disabled without TLS";
		else if (f->caps_before_known)
			login = "; no login offered without TLS";
		else
			login = "";
		offered[0] = '\0';
		if (f->starttls_offered)
			snprintf(offered, sizeof offered, " (%s offered)",
			    d->starttls_name);
		probe_quit(p, ST_OK, "plaintext session works%s%s%s", port,
		    login, offered);
		return;
	}
	probe_problems(f, probs, sizeof probs);
	/* The upgrade is named by its command (STLS for POP3); the mode name
	 * a mail client shows is the outputs' business. */
	probe_quit(p, ST_OK, "%s%s works: %s, certificate %s%s%s%s",
	    p->spec.mode == MODE_TLS ? "implicit TLS" :
	    probe_word(p, DC_STARTTLS),
	    f->caps_after_known ? "" : " (capabilities unknown)",
	    f->tls.version[0] != '\0' ? f->tls.version : "TLS",
	    f->tls.verified ? "verified" : "NOT trusted",
	    probs[0] != '\0' ? " (" : "", probs, probs[0] != '\0' ? ")" : "");
}

/* A reply that is not an answer to cmd: protocol_error with the cause. */
static void
probe_bad_reply(struct probe *p, const struct pp_reply *r,
    enum dialect_cmd cmd, const char *q)
{
	const char	*w = probe_word(p, cmd);

	switch (r->outcome) {
	case DO_MIXED:
		/* RFC 5321 4.2.1: one code per reply. */
		probe_end(p, ST_PROTOCOL_ERROR, "reply lines carry different "
		    "codes (%d, %d) in the answer to %s: %s", r->code,
		    r->code2, cmd == DC_GREETING ? "our connection" : w, q);
		break;
	case DO_UNSOLICITED:
		probe_end(p, ST_PROTOCOL_ERROR, "reply to a command we did not "
		    "send: server sent \"%s\" while %s was pending", q,
		    cmd == DC_GREETING ? "the greeting" : w);
		break;
	default:
		if (cmd == DC_GREETING)
			probe_end(p, ST_PROTOCOL_ERROR, "greeting is not %s: "
			    "%s", p->spec.dialect->label, q);
		else
			probe_end(p, ST_PROTOCOL_ERROR, "unexpected reply to "
			    "%s: %s", w, q);
		break;
	}
}

static void
probe_on_greeting(struct probe *p, const struct pp_reply *r)
{
	struct probe_facts	*f = &p->facts;
	char			 q[200];
	char			*joined;
	size_t			 i, n = 0, off = 0;

	f->timing.greeting_us = (int64_t)(evloop_clock_us() - p->phase_us);
	for (i = 0; i < r->nlines; i++)
		n += r->lines[i].n + 1;
	joined = xmalloc(n + 1);
	for (i = 0; i < r->nlines; i++) {
		memcpy(joined + off, r->lines[i].p, r->lines[i].n);
		off += r->lines[i].n;
		if (i + 1 < r->nlines)
			joined[off++] = '\n';
	}
	mstr_set(&f->greeting, joined, off);
	free(joined);
	probe_quote(r, q, sizeof q);
	switch (r->outcome) {
	case DO_POSITIVE:
		break;
	case DO_PREAUTH:
		f->preauth = true;
		if (p->spec.mode == MODE_STARTTLS && !p->tls_done) {
			probe_quit(p, ST_STARTTLS_NOT_OFFERED, "%s "
			    "greeting: already logged in without TLS, so "
			    "%s is impossible (RFC 9051 6.2.1)",
			    p->spec.dialect->preauth_word != NULL ?
			    p->spec.dialect->preauth_word : "pre-authenticated",
			    probe_word(p, DC_STARTTLS));
			return;
		}
		break;
	case DO_NEGATIVE:
	case DO_BYE:
		probe_end(p, ST_SERVICE_REFUSED, "server refuses service: %s",
		    q);
		return;
	default:
		probe_bad_reply(p, r, DC_GREETING, q);
		return;
	}
	/* IMAP may list capabilities in the greeting (RFC 9051 7.1). */
	if (probe_caps(p, DC_GREETING, r)) {
		probe_note(p, 0, "capabilities taken from the greeting");
		probe_after_caps(p);
		return;
	}
	probe_command(p, p->tls_done && p->spec.mode != MODE_TLS ?
	    PS_CAPA_TLS : PS_CAPA, DC_CAPA);
}

static void
probe_on_capa(struct probe *p, const struct pp_reply *r)
{
	struct probe_facts	*f = &p->facts;
	char			 q[200];
	int64_t			 took;

	took = (int64_t)(evloop_clock_us() - p->phase_us);
	if (p->state == PS_CAPA_TLS)
		f->timing.capa_tls_us = took;
	else
		f->timing.capa_us = took;
	probe_quote(r, q, sizeof q);
	switch (r->outcome) {
	case DO_POSITIVE:
		probe_caps(p, DC_CAPA, r);
		break;
	case DO_NEGATIVE:
		if (p->spec.dialect->has_helo && p->state != PS_HELO) {
			/* RFC 5321 4.1.4: fall back to HELO. */
			probe_command(p, PS_HELO, DC_HELO);
			return;
		}
		probe_note(p, 0, "capability command refused");
		break;
	case DO_BYE:
		probe_end(p, ST_SERVICE_REFUSED, "server closed the session: "
		    "%s", q);
		return;
	default:
		probe_bad_reply(p, r, DC_CAPA, q);
		return;
	}
	probe_after_caps(p);
}

static void
probe_on_helo(struct probe *p, const struct pp_reply *r)
{
	char	q[200];

	probe_quote(r, q, sizeof q);
	switch (r->outcome) {
	case DO_POSITIVE:
		break;
	case DO_NEGATIVE:
		probe_end(p, ST_SERVICE_REFUSED, "server refused %s and %s: %s",
		    probe_word(p, DC_CAPA), probe_word(p, DC_HELO), q);
		return;
	case DO_BYE:
		probe_end(p, ST_SERVICE_REFUSED, "server closed the session: "
		    "%s", q);
		return;
	default:
		probe_bad_reply(p, r, DC_HELO, q);
		return;
	}
	p->facts.helo_fallback = true;
	if (p->tls_done)
		p->facts.caps_after_known = true;
	else
		p->facts.caps_before_known = true;
	probe_after_caps(p);
}

static void
probe_on_starttls(struct probe *p, const struct pp_reply *r)
{
	struct probe_facts	*f = &p->facts;
	const char		*extra;
	char			 q[200];
	size_t			 n, i, off = 0;

	f->timing.starttls_us = (int64_t)(evloop_clock_us() - p->phase_us);
	probe_quote(r, q, sizeof q);
	if (r->nlines > 0)
		mstr_set(&f->starttls_reply, r->lines[r->nlines - 1].p,
		    r->lines[r->nlines - 1].n);
	switch (r->outcome) {
	case DO_POSITIVE:
		break;
	case DO_NEGATIVE:
		probe_quit(p, ST_STARTTLS_REJECTED, "server refused %s: %s",
		    probe_word(p, DC_STARTTLS), q);
		return;
	case DO_BYE:
		/* A closing notice (421, * BYE) ends the service. */
		probe_end(p, ST_SERVICE_REFUSED, "server closed the session "
		    "instead of starting TLS: %s", q);
		return;
	case DO_INTERMEDIATE:
		probe_end(p, ST_PROTOCOL_ERROR, "%s answered with a "
		    "continuation, not a go-ahead: %s",
		    probe_word(p, DC_STARTTLS), q);
		return;
	default:
		probe_bad_reply(p, r, DC_STARTTLS, q);
		return;
	}
	/* RFC 3207 4.2, CVE-2011-0411: nothing may cross the boundary. */
	n = pingpong_buffered(p->pp, &extra);
	if (n > 0) {
		mstr_set(&f->injected, extra, n);
		transcript_add(p->tr, probe_t(p), TR_SERVER, TR_SEC_PLAIN,
		    TR_F_INJECTED, extra, n);
		probe_quote_raw(extra, n, q, sizeof q);
		if (p->spec.dialect->early(q, strlen(q)) == DE_CLOSING) {
			/* RFC 9051 7.1.5: BYE may come at any time. */
			probe_end(p, ST_SERVICE_REFUSED, "server closed the "
			    "session right after the %s go-ahead: %s",
			    probe_word(p, DC_STARTTLS), q);
			return;
		}
		for (i = 0; i < n; i++)
			off += extra[i] == '\n';
		probe_end(p, ST_PROTOCOL_ERROR, "server sent data after the "
		    "%s reply (%zu bytes, %zu lines): response injection "
		    "risk; nothing of it was used", probe_word(p, DC_STARTTLS),
		    n, off);
		return;
	}
	probe_tls_start(p, PS_TLS_UPGRADE);
}

static void
probe_on_quit(struct probe *p)
{
	if (p->tls != NULL && p->tls_done)
		snprintf(p->facts.tls.close, sizeof p->facts.tls.close, "%s",
		    tlswrap_get_close(p->tls));
	probe_end(p, p->final_status, "%s", p->facts.reason != NULL ?
	    p->facts.reason : "");
}

/* A complete reply arrived in the current state. */
static void
probe_on_reply(struct probe *p)
{
	const struct pp_reply	*r = pingpong_reply(p->pp);

	switch (p->state) {
	case PS_GREETING:
		probe_on_greeting(p, r);
		break;
	case PS_CAPA:
	case PS_CAPA_TLS:
		probe_on_capa(p, r);
		break;
	case PS_HELO:
		probe_on_helo(p, r);
		break;
	case PS_STARTTLS:
		probe_on_starttls(p, r);
		break;
	case PS_QUIT:
		/* RFC 8446 6.1: a TLS server ends with close_notify; read
		 * on until it closes (bounded by the QUIT deadline) so that
		 * a close without it, or data after it, is seen. */
		if (p->tls != NULL && p->tls_done)
			p->closing = true;
		else
			probe_on_quit(p);
		break;
	default:
		break;
	}
}

static bool
probe_running(const struct probe *p)
{
	return p->state != PS_DONE && p->state != PS_FAILED &&
	    p->state != PS_QUEUED;
}

static void
probe_handshake_failed(struct probe *p, enum io_res r)
{
	struct probe_facts	*f = &p->facts;
	const char		*data, *why;
	size_t			 n;
	char			 q[200];

	tlswrap_get_facts(p->tls, &f->tls, (int64_t)time(NULL));
	why = tlswrap_get_failure(p->tls);
	if (tlswrap_got_plaintext(p->tls, &data, &n)) {
		mstr_set(&f->non_tls_data, data, n);
		probe_quote_raw(data, n > 64 ? 64 : n, q, sizeof q);
		/* A greeting is text; binary bytes that are not TLS either
		 * are no sign of a plaintext port. */
		if (n > 0 && ((unsigned char)data[0] < 0x20 ||
		    (unsigned char)data[0] > 0x7e)) {
			probe_end(p, ST_TLS_FAILED, "TLS handshake failed: "
			    "server sent non-TLS data (%s)", q);
			return;
		}
		if (p->state == PS_TLS_HANDSHAKE) {
			probe_end(p, ST_WRONG_MODE, "server greeted in "
			    "plaintext (%s) instead of a TLS handshake: this "
			    "port does not speak implicit TLS", q);
			return;
		}
		if (p->spec.dialect->early(q, strlen(q)) == DE_CLOSING) {
			probe_end(p, ST_SERVICE_REFUSED, "server closed the "
			    "session instead of starting TLS: %s", q);
			return;
		}
		probe_end(p, ST_TLS_FAILED, "server sent plaintext (%s) "
		    "after the %s go-ahead instead of a TLS handshake", q,
		    probe_word(p, DC_STARTTLS));
		return;
	}
	if (r == IO_EOF && p->state == PS_TLS_HANDSHAKE && p->bytes_in == 0 &&
	    why == NULL)
		why = "connection closed during handshake";
	probe_end(p, ST_TLS_FAILED, "TLS handshake failed: %s",
	    why != NULL ? why : "unknown error");
}

static void
probe_handshake(struct probe *p)
{
	enum io_res	r;
	int64_t		took;

	r = tlswrap_handshake(p->tls);
	switch (r) {
	case IO_WANT_READ:
		probe_watch(p, POLLIN);
		return;
	case IO_WANT_WRITE:
		probe_watch(p, POLLOUT);
		return;
	case IO_DONE:
		break;
	default:
		probe_handshake_failed(p, r);
		return;
	}
	took = (int64_t)(evloop_clock_us() - p->phase_us);
	tlswrap_get_facts(p->tls, &p->facts.tls, (int64_t)time(NULL));
	p->tls_done = true;
	if (p->state == PS_TLS_HANDSHAKE) {
		p->facts.timing.tls_us = took;
		probe_enter(p, PS_GREETING);
		return;
	}
	p->facts.timing.tls_upgrade_us = took;
	/* RFC 3207 4.2, RFC 2595 3.1: forget everything said before. */
	pingpong_discard(p->pp);
	pingpong_set_sec(p->pp, probe_sec(p));
	probe_command(p, PS_CAPA_TLS, DC_CAPA);
	probe_changed(p);
}

static enum io_res
probe_read(struct probe *p, void *buf, size_t n, size_t *got)
{
	enum io_res	r;

	if (p->tls != NULL && p->tls_done)
		r = tlswrap_read(p->tls, buf, n, got);
	else
		r = sock_read(p->fd, buf, n, got);
	if (r == IO_DONE)
		p->bytes_in += *got;
	return r;
}

static enum io_res
probe_write(struct probe *p, const void *buf, size_t n, size_t *put)
{
	if (p->tls != NULL && p->tls_done)
		return tlswrap_write(p->tls, buf, n, put);
	return sock_write(p->fd, buf, n, put);
}

static void
probe_closed(struct probe *p, enum io_res r)
{
	const struct pp_reply	*part;
	const char		*how;
	int			 err = errno;

	if (p->state == PS_QUIT) {
		probe_on_quit(p);
		return;
	}
	how = r == IO_EOF ? "closed by server" : "connection error";
	part = pingpong_partial(p->pp);
	/* Inside TLS, tlswrap names the cause: an alert, a renegotiation
	 * request, a bad record. */
	if (r == IO_ERR && p->tls != NULL && p->tls_done &&
	    tlswrap_get_failure(p->tls) != NULL) {
		probe_end(p, ST_TLS_FAILED, "%s during %s%s",
		    tlswrap_get_failure(p->tls), facts_state_name(p->state),
		    part->nlines > 0 ?
		    " (partial reply shown in the transcript)" : "");
		return;
	}
	if (r == IO_ERR && err == ECONNRESET)
		how = "connection reset by server";
	/* Accepted, then dropped: the server does not serve us. */
	if (p->state == PS_GREETING && p->bytes_in == 0) {
		probe_end(p, ST_SERVICE_REFUSED, "%s before any greeting", how);
		return;
	}
	probe_end(p, ST_PROTOCOL_ERROR, "%s during %s%s", how,
	    facts_state_name(p->state),
	    part->nlines > 0 ? " (partial reply shown in the transcript)" :
	    "");
}

/* Move bytes for the dialogue until something would block. */
static void
probe_dialogue(struct probe *p)
{
	char		 buf[PROBE_READ_CHUNK];
	const char	*out;
	size_t		 len, n, room;
	enum io_res	 r;
	enum pp_feed	 fr;
	int		 i;

	for (i = 0; i < PROBE_READS_PER_WAKE && probe_running(p) &&
	    p->pp != NULL && p->state != PS_TLS_UPGRADE &&
	    p->state != PS_TLS_HANDSHAKE; i++) {
		if (p->closing) {
			/* After the goodbye nothing is parsed and nothing
			 * changes the verdict: bytes are only shown.  After
			 * close_notify tlswrap drains the socket until the
			 * TCP close, to see data sent after it. */
			if (p->after_notify)
				r = tlswrap_drain_closed(p->tls);
			else
				r = probe_read(p, buf, sizeof buf, &n);
			if (r == IO_WANT_READ || r == IO_WANT_WRITE) {
				probe_watch(p, r == IO_WANT_READ ?
				    POLLIN : POLLOUT);
				return;
			}
			if (r == IO_EOF && !p->after_notify &&
			    strcmp(tlswrap_get_close(p->tls),
			    "close_notify") == 0) {
				p->after_notify = true;
				continue;
			}
			if (r != IO_DONE || p->after_notify) {
				probe_on_quit(p);
				return;
			}
			transcript_add(p->tr, probe_t(p), TR_SERVER,
			    probe_sec(p), TR_F_UNSOLICITED, buf, n);
			continue;
		}
		out = pingpong_out(p->pp, &len);
		if (len > 0) {
			r = probe_write(p, out, len, &n);
			if (r == IO_DONE) {
				pingpong_out_consume(p->pp, n);
				continue;
			}
			if (r == IO_WANT_WRITE || r == IO_WANT_READ) {
				probe_watch(p, r == IO_WANT_WRITE ?
				    POLLOUT : POLLIN);
				return;
			}
			probe_closed(p, r);
			return;
		}
		/* Parse what is buffered before reading more. */
		fr = pingpong_process(p->pp);
		if (fr == PP_NEED_MORE) {
			room = pingpong_room(p->pp);
			if (room == 0) {
				probe_end(p, ST_PROTOCOL_ERROR, "server sent "
				    "more than %s accepts unasked",
				    "the input buffer");
				return;
			}
			if (room > sizeof buf)
				room = sizeof buf;
			if (p->pending_io != IO_DONE) {
				/* Met by a drain: act on it now. */
				r = p->pending_io;
				errno = p->pending_errno;
			} else
				r = probe_read(p, buf, room, &n);
			if (r == IO_WANT_READ || r == IO_WANT_WRITE) {
				probe_watch(p, r == IO_WANT_READ ?
				    POLLIN : POLLOUT);
				return;
			}
			if (r != IO_DONE) {
				probe_closed(p, r);
				return;
			}
			pingpong_set_time(p->pp, probe_t(p));
			if (p->state == PS_GREETING && p->grace_armed) {
				/* Bytes came after all: normal deadline. */
				probe_arm_step(p, p->spec.limits.step_us);
			}
			fr = pingpong_feed(p->pp, buf, n);
		}
		if (fr == PP_ERROR) {
			probe_end(p, ST_PROTOCOL_ERROR, "%s",
			    pingpong_error(p->pp));
			return;
		}
		if (fr == PP_REPLY) {
			p->facts.line_flags |= pingpong_reply(p->pp)->flags;
			/* Log lines that came with the reply but answer nothing
			 * yet now, in their order; judged before the next
			 * command (after STARTTLS they are injected data). */
			if (p->state != PS_STARTTLS && p->state != PS_QUIT)
				(void)pingpong_early(p->pp, false);
			probe_on_reply(p);
			probe_changed(p);
			i = 0;	/* progress: a new phase */
		}
	}
	if (probe_running(p) && p->pp != NULL && i >= PROBE_READS_PER_WAKE)
		probe_watch(p, POLLIN | POLLOUT);
}

static void
probe_pump(struct probe *p)
{
	if (!probe_running(p))
		return;
	if (p->state == PS_TLS_HANDSHAKE || p->state == PS_TLS_UPGRADE) {
		probe_handshake(p);
		if (!probe_running(p) || p->state == PS_TLS_HANDSHAKE ||
		    p->state == PS_TLS_UPGRADE)
			return;
	}
	probe_dialogue(p);
}

static void
probe_io(int fd, short revents, void *arg)
{
	struct probe	*p = arg;
	enum io_res	 r;

	if (p->state == PS_CONNECTING) {
		r = sock_connect_finish(fd);
		if (r == IO_WANT_WRITE)
			return;
		if (r == IO_ERR) {
			probe_connect_failed(p, errno);
			return;
		}
		probe_enter(p, p->spec.mode == MODE_TLS ? PS_TLS_HANDSHAKE :
		    PS_GREETING);
		return;
	}
	probe_pump(p);
}

enum probe_state
probe_get_state(const struct probe *p)
{
	return p->state;
}

bool
probe_is_done(const struct probe *p)
{
	return p->facts.status != ST_PENDING;
}

bool
probe_is_closed(const struct probe *p)
{
	return p->state == PS_DONE || p->state == PS_FAILED;
}

bool
probe_is_started(const struct probe *p)
{
	return p->state != PS_QUEUED;
}

const struct probe_facts *
probe_get_facts(const struct probe *p)
{
	return &p->facts;
}

const struct transcript *
probe_get_transcript(const struct probe *p)
{
	return p->tr;
}

const struct probe_spec *
probe_get_spec(const struct probe *p)
{
	return &p->spec;
}

uint64_t
probe_get_start_us(const struct probe *p)
{
	return p->start_us;
}

uint64_t
probe_get_elapsed_us(const struct probe *p)
{
	if (p->start_us == 0)
		return 0;
	if (p->end_us != 0)
		return p->end_us - p->start_us;
	return evloop_clock_us() - p->start_us;
}

uint64_t
probe_get_bytes_in(const struct probe *p)
{
	return p->bytes_in;
}
