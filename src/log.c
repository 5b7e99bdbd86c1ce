/* SPDX-License-Identifier: ISC */
/*
 * Debug log to a file and the fatal exits.  Nothing here writes to the
 * terminal while curses may be active: fatal*() run the cleanup hook (the
 * UI's endwin) before printing to stderr.
 */
#include "config.h"

#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static FILE		*log_file;
static log_cleanup_cb	 log_cleanup;

int
log_open(const char *path)
{
	if (log_file != NULL)
		fclose(log_file);
	/* Line-buffered: what was logged is there even after a crash. */
	log_file = fopen(path, "a");
	if (log_file == NULL)
		return -1;
	setvbuf(log_file, NULL, _IOLBF, 0);
	return 0;
}

bool
log_is_open(void)
{
	return log_file != NULL;
}

void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

void
log_debug(const char *fmt, ...)
{
	va_list		ap;
	struct timespec	ts;

	if (log_file == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(log_file, "%lld.%06ld ", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000);
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
}

void
log_set_cleanup(log_cleanup_cb cb)
{
	log_cleanup = cb;
}

static void __attribute__((noreturn, format(printf, 2, 0)))
log_die(int errnum, const char *fmt, va_list ap)
{
	log_cleanup_cb	cb;

	cb = log_cleanup;
	log_cleanup = NULL;
	if (cb != NULL)
		cb();
	fputs("mailports: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	errnum = errno;

	va_start(ap, fmt);
	log_die(errnum, fmt, ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_die(0, fmt, ap);
}
