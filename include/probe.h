/* SPDX-License-Identifier: ISC */
#ifndef mailports_PROBE_H
#define mailports_PROBE_H

#include <sys/socket.h>
#include <stdbool.h>
#include <stdint.h>

#include "facts.h"

struct dialect;
struct evloop;
struct probe;
struct transcript;
struct tlswrap_config;

/* Deadlines of one probe, in microseconds (docs/mailports.1). */
struct probe_limits {
	uint64_t	 connect_us;	/* TCP connect */
	uint64_t	 step_us;	/* greeting, each command, handshake */
	uint64_t	 total_us;	/* the whole probe */
	size_t		 transcript_bytes; /* transcript data cap */
	size_t		 transcript_events; /* transcript event cap */
};

/* Everything a probe needs; copied by probe_new(). */
struct probe_spec {
	const char		*host;		/* name asked about (SNI) */
	struct sockaddr_storage	 addr;		/* where to connect */
	socklen_t		 addrlen;	/* 0: no address (resolve
						 * failed) */
	uint16_t		 port;		/* TCP port */
	const char		*service;	/* "submission" */
	const struct dialect	*dialect;	/* protocol tables */
	enum probe_mode		 mode;		/* plain, starttls, tls */
	const char		*ehlo_name;	/* our name for EHLO; "" or NULL:
						 * our address literal */
	struct probe_limits	 limits;	/* deadlines and caps */
	struct tlswrap_config	*tls;		/* shared TLS config */
};

/* Called on every change of the probe's facts or state (the run counts
 * changes and the UI marks itself dirty). */
typedef void (*probe_change_cb)(struct probe *, void *arg);

struct probe	*probe_new(struct evloop *, const struct probe_spec *,
		    probe_change_cb, void *arg);
/* Stop I/O and free everything; NULL is fine. */
void		 probe_free(struct probe *);
/* Start connecting now.  Returns 0, or -1 when no descriptor is free
 * (EMFILE and the like): the probe stays queued, try again later. */
int		 probe_start(struct probe *);
/* End at once with status and reason (a resolve failure, or a queued probe
 * that will never run).  No-op on a finished probe. */
void		 probe_finish(struct probe *, enum probe_status,
		    const char *reason);
/* Another cell of the same address and port completed a TLS handshake from
 * the first byte: if this probe still waits for a greeting with nothing
 * received, give it grace_us more and then end it as wrong_mode. */
void		 probe_hint_implicit_tls(struct probe *, uint64_t grace_us);

enum probe_state		 probe_get_state(const struct probe *);
/* The verdict is in (the status is final); the connection may still be
 * saying goodbye (QUIT/LOGOUT). */
bool				 probe_is_done(const struct probe *);
/* The connection is closed and nothing more will change. */
bool				 probe_is_closed(const struct probe *);
bool				 probe_is_started(const struct probe *);
const struct probe_facts	*probe_get_facts(const struct probe *);
const struct transcript		*probe_get_transcript(const struct probe *);
const struct probe_spec		*probe_get_spec(const struct probe *);
/* Monotonic start time (0 before start) and elapsed time so far. */
uint64_t			 probe_get_start_us(const struct probe *);
uint64_t			 probe_get_elapsed_us(const struct probe *);
/* Bytes received from the server so far. */
uint64_t			 probe_get_bytes_in(const struct probe *);

#endif
