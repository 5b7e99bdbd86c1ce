/* SPDX-License-Identifier: ISC */
#ifndef mailports_RUN_H
#define mailports_RUN_H

#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "probe.h"
#include "target.h"

struct evloop;
struct run;

/* What to probe and how; strings are borrowed for the run's lifetime. */
struct run_config {
	char *const		*hosts;		/* names or literals */
	size_t			 nhosts;	/* number of hosts */
	const struct port_row	*rows;		/* matrix rows */
	size_t			 nrows;		/* number of rows */
	unsigned		 modes;		/* bit (1 << MODE_*) set */
	int			 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	const struct resolve_override *overrides; /* --resolve */
	size_t			 noverrides;	/* number of overrides */
	const char		*ca_file;	/* --ca-file or NULL */
	const char		*ca_path;	/* --ca-path or NULL */
	const char		*ca_pem;	/* trust only these PEM CAs
						 * (--demo), or NULL */
	struct probe_limits	 limits;	/* deadlines and caps */
	unsigned		 jobs;		/* connections per address */
	unsigned		 per_port;	/* connections per port */
	uint64_t		 stagger_us;	/* between starts per address */
	const char		*ehlo_name;	/* our FQDN for EHLO */
};

/* A host as given on the command line. */
struct run_host {
	const char	*name;		/* as given */
	bool		 resolved;	/* lookup finished */
	char		*error;		/* lookup failure in words, or NULL */
	size_t		 naddrs;	/* addresses found */
};

/* One address of a host: a block of the matrix. */
struct run_addr {
	size_t			 host;		/* index into hosts */
	char			 text[64];	/* "127.0.0.1", "::1", "-" */
	int			 family;	/* AF_INET, AF_INET6, AF_UNSPEC
						 * (resolve failed) */
	struct sockaddr_storage	 addr;		/* port 0 */
	socklen_t		 addrlen;	/* 0 when resolve failed */
};

typedef void (*run_change_cb)(void *arg);

/* Returns NULL with *err set (caller frees) when the TLS configuration
 * cannot be built (unreadable --ca-file). */
struct run	*run_new(struct evloop *, const struct run_config *,
		    char **err);
void		 run_free(struct run *);
/* Start resolving and probing; cb runs after every change. */
void		 run_start(struct run *, run_change_cb, void *arg);
bool		 run_is_done(const struct run *);
/* Done, and every connection has ended too (the goodbyes are bounded by
 * the QUIT deadline): the facts of how each server closed are in. */
bool		 run_is_closed(const struct run *);
/* Incremented on every change of any probe, address or host. */
uint64_t	 run_get_changes(const struct run *);
uint64_t	 run_get_start_us(const struct run *);
/* Time from start to the end of the last probe (or until now). */
uint64_t	 run_get_elapsed_us(const struct run *);
void		 run_get_counts(const struct run *, size_t *done,
		    size_t *total);

size_t			 run_host_count(const struct run *);
const struct run_host	*run_get_host(const struct run *, size_t);
size_t			 run_addr_count(const struct run *);
const struct run_addr	*run_get_addr(const struct run *, size_t);
size_t			 run_row_count(const struct run *);
const struct port_row	*run_get_row(const struct run *, size_t);
unsigned		 run_get_modes(const struct run *);
/* The probe of a cell; NULL when the mode is not selected. */
const struct probe	*run_get_probe(const struct run *, size_t addr,
			    size_t row, enum probe_mode);

/* Probe one cell, or every cell, again (for the UI's r and R). */
void		 run_reprobe(struct run *, size_t addr, size_t row,
		    enum probe_mode);
void		 run_reprobe_all(struct run *);

#endif
