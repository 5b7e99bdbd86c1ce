/* SPDX-License-Identifier: ISC */
#ifndef mailports_XMALLOC_H
#define mailports_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Allocation wrappers: on out-of-memory they call fatalx() and never return
 * NULL, so callers do not check. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
/* Copy n bytes and add a NUL (the copy may contain NUL bytes itself). */
char	*xmemdup0(const void *, size_t);
/* Format into a new string in *ret (the caller frees it); returns its
 * length.  Never fails: out of memory ends the program as above. */
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
