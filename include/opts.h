/* SPDX-License-Identifier: ISC */
#ifndef mailports_OPTS_H
#define mailports_OPTS_H

#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "out_advice.h"
#include "run.h"

enum opts_output {
	OUT_AUTO,		/* TUI on a terminal, else text */
	OUT_TEXT,		/* --text */
	OUT_JSON,		/* --json */
	OUT_TUI			/* --tui: insist on the screen */
};

/* Everything the command line decides. */
struct opts {
	enum opts_output	 output;	/* report kind */
	int			 verbose;	/* -v count */
	bool			 no_color;	/* --no-color or NO_COLOR */
	bool			 ascii;		/* --ascii */
	bool			 no_mouse;	/* --no-mouse */
	bool			 exit_when_done; /* TUI test seam */
	unsigned		 watch_s;	/* TUI watch interval */
	const char		*log_file;	/* -L debug log */
	char			**hosts;	/* positional hosts */
	size_t			 nhosts;	/* number of hosts */
	struct port_row		*rows;		/* --ports or defaults */
	size_t			 nrows;		/* number of rows */
	struct resolve_override	*overrides;	/* --resolve */
	size_t			 noverrides;	/* number of overrides */
	struct run_config	 run;		/* engine settings */
	char			 ehlo[256];	/* our EHLO name */
	struct out_advice_opts	 advice;	/* --setting, --check */
	bool			 demo;		/* --demo */
	const char		*lab;		/* --lab NAME[:SERVICE] */
	struct sockaddr_storage	 listen;	/* --listen ADDR:PORT */
	socklen_t		 listen_len;	/* its length, 0: not given */
	char			**own_hosts;	/* hosts set by opts_targets() */
};

/* Parse argv into o.  Returns 0 to go on, 1 when --help/--version was
 * printed (exit 0), -1 after printing a one-line error (exit 2). */
int	opts_parse(struct opts *, int argc, char **argv);
void	opts_free(struct opts *);
/* --demo: the hosts, rows and name map that the demo chose (owned by o
 * from now on, see lab_demo_targets()); binds --setting to the rows.
 * Returns 0, or -1 after printing a one-line error. */
int	opts_targets(struct opts *, char **hosts, size_t nhosts,
	    struct port_row *rows, size_t nrows, struct resolve_override *ov,
	    size_t nov);
void	opts_usage(FILE *);

#endif
