/* SPDX-License-Identifier: ISC */
#ifndef mailports_TAP_H
#define mailports_TAP_H

#include <stdbool.h>
#include <stddef.h>

/* A tiny TAP (version 12) emitter for the unit tests, read by automake's
 * tap-driver.sh.  Everything goes to stdout so diagnostics stay in order
 * with the results. */

/* Print the plan "1..n" up front.  Call it once, or not at all and end
 * with tap_done_testing(). */
void	tap_plan(int n);

/* One test point; returns cond so callers can add diagnostics. */
bool	tap_ok(bool cond, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Compare and, on failure, print "# got:" / "# want:" lines. */
bool	tap_is_int(long long got, long long want, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Strings, NULL-safe; non-printable bytes are escaped in diagnostics. */
bool	tap_is_str(const char *got, const char *want, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Byte strings that may hold NULs. */
bool	tap_is_mem(const void *got, size_t gotlen, const void *want,
	    size_t wantlen, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* n test points reported as skipped, with a reason. */
void	tap_skip(int n, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A "# ..." diagnostic line. */
void	tap_diag(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Print "1..0 # SKIP reason" and exit(0); only before any test point. */
void	tap_skip_all(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* The exit status: 0 if every test passed and the count matches the
 * plan, else 1. */
int	tap_done(void);
/* Without a plan up front: print "1..count" now, then as tap_done(). */
int	tap_done_testing(void);

#endif
