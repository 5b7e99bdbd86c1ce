/* SPDX-License-Identifier: ISC */
#ifndef mailports_LAB_CLI_H
#define mailports_LAB_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct evloop;
struct lab_demo;
struct opts;

/* --lab NAME --listen ADDR:PORT: serve in the foreground, say where on
 * stdout (with the lab's CA in PEM when the port speaks TLS), stop on
 * SIGINT, SIGTERM or SIGHUP.  Returns the exit status. */
int		 lab_cli_serve(const struct opts *);

/* --demo: start the three providers on ev and point o's hosts, rows,
 * name map, CA and (unless --setting was given) settings at them.
 * Returns NULL after one line on stderr. */
struct lab_demo	*lab_cli_demo(struct evloop *, struct opts *);
/* What the demo is, in a few lines, for the text report. */
void		 lab_cli_demo_preface(FILE *, const struct lab_demo *,
		    const struct opts *);

#endif
