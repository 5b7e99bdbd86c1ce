/* SPDX-License-Identifier: ISC */
/*
 * Allocation wrappers.  Running out of memory is not a condition the
 * program can report usefully per probe, so it ends the program through
 * fatalx(), which restores the terminal first.
 */
#include "config.h"

#include "xmalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	p = malloc(size);
	if (p == NULL)
		fatalx("out of memory (%zu bytes)", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	p = calloc(nmemb, size);
	if (p == NULL)
		fatalx("out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void	*p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		fatalx("allocation overflow (%zu x %zu)", nmemb, size);
	if (nmemb * size == 0)
		nmemb = size = 1;
	p = realloc(ptr, nmemb * size);
	if (p == NULL)
		fatalx("out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xmemdup0(s, strlen(s));
}

char *
xmemdup0(const void *src, size_t n)
{
	char	*p;

	if (n == SIZE_MAX)
		fatalx("allocation overflow");
	p = xmalloc(n + 1);
	if (n > 0)
		memcpy(p, src, n);
	p[n] = '\0';
	return p;
}

/* The one formatting rule: a vasprintf() failure ends the program like any
 * other allocation failure (it fails only on out-of-memory or on a result
 * longer than INT_MAX, which no caller can report usefully either). */
int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	n;

	n = vasprintf(ret, fmt, ap);
	if (n < 0)
		fatalx("out of memory (formatting)");
	return n;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}
