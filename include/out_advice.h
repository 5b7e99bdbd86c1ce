/* SPDX-License-Identifier: ISC */
#ifndef mailports_OUT_ADVICE_H
#define mailports_OUT_ADVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "advice.h"
#include "facts.h"

struct port_row;
struct run;

#define OUT_CHECK_WARN_DAYS	ADVICE_EXPIRING_DAYS /* --warn-days default */
#define OUT_CHECK_CRIT_DAYS	3	/* --crit-days default */

/* A cell --expect names: PORT:MODE (or SERVICE:MODE). */
struct out_check_expect {
	char			 text[48];	/* as given, sanitised, cut */
	char			 service[16];	/* service name given, or "" */
	uint16_t		 port;		/* TCP port */
	enum probe_mode		 mode;		/* plain, starttls, tls */
};

/* What the command line says about the answer: --setting, --check,
 * --warn-days, --crit-days, --expect.  Filled by out_advice_opt(). */
struct out_advice_opts {
	struct advice_given	*given;		/* --setting, in order */
	const char		**given_args;	/* each as typed (argv) */
	size_t			 ngiven;	/* number of settings */
	bool			 check;		/* --check: plugin output */
	int			 warn_days;	/* --warn-days (default 14) */
	int			 crit_days;	/* --crit-days (default 3) */
	bool			 warn_given;	/* --warn-days was given */
	bool			 crit_given;	/* --crit-days was given */
	struct out_check_expect	*expect;	/* --expect, in order */
	size_t			 nexpect;	/* number of entries */
};

/* One option of the table above (name without "--", arg or NULL) into o.
 * Returns 0, or -1 with *err set to one sanitised sentence (caller
 * frees). */
int	 out_advice_opt(struct out_advice_opts *, const char *name,
	    const char *arg, char **err);
/* After every option: bind service names of --setting and --expect to
 * the --ports rows (imaps=10993 makes "imap:imaps:ssl" port 10993), add a
 * row for each --setting port not probed yet (smtp:2525:starttls) and for
 * standard --expect ports, and make o the settings the outputs judge.  o
 * must live as long as the outputs run.  Returns 0, or -1 with *err. */
int	 out_advice_opts_finish(struct out_advice_opts *, struct port_row **,
	    size_t *, char **err);
void	 out_advice_opts_free(struct out_advice_opts *);

/* The advice of a run for the settings and thresholds of the options
 * finished last (none: no settings, default thresholds).  Free with
 * advice_free(). */
struct advice	*out_advice_dup(const struct run *);
/* JSON: the value of the top-level "advice" member (an array, one object
 * per host), indented for nesting depth (docs/json.md). */
void	 out_advice_json(FILE *, const struct run *, int depth);
/* Text: the answer per host in the words of mail programs, findings with
 * their fixes; at most 80 columns; raw names through the sanitiser with
 * san_flags. */
void	 out_advice_text(FILE *, const struct run *, int san_flags);

#endif
