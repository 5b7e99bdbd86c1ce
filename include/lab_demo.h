/* SPDX-License-Identifier: ISC */
#ifndef mailports_LAB_DEMO_H
#define mailports_LAB_DEMO_H

#include <stddef.h>
#include <stdint.h>

struct evloop;
struct lab;
struct lab_demo;
struct lab_personality;
struct port_row;
struct resolve_override;

#define LAB_DEMO_PROVIDERS	3	/* good, legacy, broken */

/*
 * `mailports --demo`: the three demo providers, each on its own loopback
 * address (127.0.N.1, .2, .3), all on the same port numbers: the standard
 * ones when they can be bound (root, or a low
 * net.ipv4.ip_unprivileged_port_start), else the standard ones plus
 * 10000, 20000, ...; the first N whose ports are all free is taken, so
 * demos run side by side.  Returns NULL with *err (caller frees).
 */
struct lab_demo	*lab_demo_new(struct evloop *, char **err);
void		 lab_demo_free(struct lab_demo *);

/* What was added to the standard port numbers (0: standard). */
unsigned	 lab_demo_offset(const struct lab_demo *);
/* Provider i (< LAB_DEMO_PROVIDERS) and its address ("127.0.1.1"). */
const struct lab_personality *lab_demo_provider(const struct lab_demo *,
		    size_t, const char **addr);
/* The demo root CA in PEM (borrowed). */
const char	*lab_demo_ca_pem(const struct lab_demo *);
/* The --setting examples with the ports in use ("pop3:10110:ssl"),
 * NULL-terminated (borrowed). */
char *const	*lab_demo_settings(const struct lab_demo *);
/* Copies the caller owns (free() each, each host name and each
 * override's host too): the provider names, the matrix rows, the name
 * map. */
void		 lab_demo_targets(const struct lab_demo *, char ***hosts,
		    size_t *nhosts, struct port_row **rows, size_t *nrows,
		    struct resolve_override **ov, size_t *nov);
/* The servers (for counts in tests). */
struct lab	*lab_demo_lab(const struct lab_demo *);

#endif
