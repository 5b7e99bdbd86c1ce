/* SPDX-License-Identifier: ISC */
#ifndef mailports_OUT_CHECK_H
#define mailports_OUT_CHECK_H

#include <stdbool.h>
#include <stdio.h>

struct out_advice_opts;
struct run;

/* Exit statuses of a monitoring plugin (Nagios, Icinga, Zabbix). */
enum out_check_state {
	OUT_CHECK_OK,		/* 0: all is well */
	OUT_CHECK_WARNING,	/* 1: works, act soon */
	OUT_CHECK_CRITICAL,	/* 2: broken or unsafe */
	OUT_CHECK_UNKNOWN	/* 3: could not tell */
};

/* --check: one status line "MAILPORTS OK - ..." with performance data
 * after '|', then one line per problem; docs/monitoring.md.  Returns the
 * exit status (enum out_check_state). */
int	 out_check(FILE *, const struct run *, const struct out_advice_opts *);
/* Whether the command line asks for --check (before "--"), so that even
 * bad usage ends the plugin way. */
bool	 out_check_wanted(int argc, char *const argv[]);
/* "MAILPORTS UNKNOWN - why" (sanitised); returns OUT_CHECK_UNKNOWN. */
int	 out_check_unknown(FILE *, const char *why);

#endif
