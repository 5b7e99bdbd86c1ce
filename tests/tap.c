/* SPDX-License-Identifier: ISC */
/*
 * Tiny TAP emitter for the unit tests.  Test descriptions and diagnostics
 * are escaped so that a test feeding hostile bytes through cannot break
 * the TAP stream (or the terminal of whoever reads the log).
 */
#include "config.h"

#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	tap_planned = -1;	/* the plan, -1 before tap_plan() */
static int	tap_run;		/* test points so far */
static int	tap_failed;		/* of which failed */

/* Bytes as a quoted C-like string; NULL as (null). */
static void
tap_put_esc(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	if (s == NULL) {
		fputs("(null)", stdout);
		return;
	}
	putchar('"');
	for (i = 0; i < n; i++) {
		if (u[i] == '"' || u[i] == '\\')
			printf("\\%c", u[i]);
		else if (u[i] < 0x20 || u[i] >= 0x7f)
			printf("\\x%02X", u[i]);
		else
			putchar(u[i]);
	}
	putchar('"');
}

/*
 * The description: every '#' is escaped (preceded by an odd number of
 * backslashes) so that no text of ours reads as a SKIP/TODO directive,
 * and controls are escaped so the line stays one line.
 */
static void __attribute__((format(printf, 1, 0)))
tap_put_desc(const char *fmt, va_list ap)
{
	char			*s;
	const unsigned char	*u;
	int			 n, i, bs;

	n = vasprintf(&s, fmt, ap);
	if (n < 0) {
		fputs(" - (description lost: out of memory)", stdout);
		return;
	}
	if (n > 0)
		fputs(" - ", stdout);
	u = (const unsigned char *)s;
	bs = 0;
	for (i = 0; i < n; i++) {
		if (u[i] == '#' && bs % 2 == 0)
			putchar('\\');
		if (u[i] < 0x20 || u[i] >= 0x7f)
			printf("\\x%02X", u[i]);
		else
			putchar(u[i]);
		bs = (u[i] == '\\') ? bs + 1 : 0;
	}
	free(s);
}

static bool __attribute__((format(printf, 2, 0)))
tap_vresult(bool ok, const char *fmt, va_list ap)
{
	tap_run++;
	if (!ok)
		tap_failed++;
	printf("%sok %d", ok ? "" : "not ", tap_run);
	tap_put_desc(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

void
tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

bool
tap_ok(bool cond, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tap_vresult(cond, fmt, ap);
	va_end(ap);
	return cond;
}

bool
tap_is_int(long long got, long long want, const char *fmt, ...)
{
	va_list	ap;
	bool	ok = (got == want);

	va_start(ap, fmt);
	tap_vresult(ok, fmt, ap);
	va_end(ap);
	if (!ok) {
		printf("#   got: %lld\n#  want: %lld\n", got, want);
		fflush(stdout);
	}
	return ok;
}

bool
tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list	ap;
	bool	ok;

	if (got == NULL || want == NULL)
		ok = (got == want);
	else
		ok = (strcmp(got, want) == 0);
	va_start(ap, fmt);
	tap_vresult(ok, fmt, ap);
	va_end(ap);
	if (!ok) {
		fputs("#   got: ", stdout);
		tap_put_esc(got, got == NULL ? 0 : strlen(got));
		fputs("\n#  want: ", stdout);
		tap_put_esc(want, want == NULL ? 0 : strlen(want));
		putchar('\n');
		fflush(stdout);
	}
	return ok;
}

bool
tap_is_mem(const void *got, size_t gotlen, const void *want, size_t wantlen,
    const char *fmt, ...)
{
	va_list	ap;
	bool	ok;

	if (got == NULL || want == NULL)
		ok = (got == want);
	else
		ok = (gotlen == wantlen && memcmp(got, want, gotlen) == 0);
	va_start(ap, fmt);
	tap_vresult(ok, fmt, ap);
	va_end(ap);
	if (!ok) {
		fputs("#   got: ", stdout);
		tap_put_esc(got, gotlen);
		printf(" (%zu bytes)\n#  want: ", gotlen);
		tap_put_esc(want, wantlen);
		printf(" (%zu bytes)\n", wantlen);
		fflush(stdout);
	}
	return ok;
}

void
tap_skip(int n, const char *fmt, ...)
{
	va_list	ap;
	int	i;

	for (i = 0; i < n; i++) {
		tap_run++;
		printf("ok %d # SKIP ", tap_run);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	fflush(stdout);
}

void
tap_diag(const char *fmt, ...)
{
	va_list	ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void
tap_skip_all(const char *fmt, ...)
{
	va_list	ap;

	fputs("1..0 # SKIP ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(0);
}

int
tap_done(void)
{
	if (tap_planned < 0) {
		tap_diag("no plan: call tap_plan() or tap_done_testing()");
		return 1;
	}
	if (tap_run != tap_planned)
		tap_diag("planned %d tests but ran %d", tap_planned, tap_run);
	if (tap_failed > 0)
		tap_diag("failed %d of %d tests", tap_failed, tap_run);
	return (tap_failed == 0 && tap_run == tap_planned) ? 0 : 1;
}

int
tap_done_testing(void)
{
	if (tap_planned < 0)
		tap_plan(tap_run);
	return tap_done();
}
