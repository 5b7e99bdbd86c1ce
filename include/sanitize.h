/* SPDX-License-Identifier: ISC */
#ifndef mailports_SANITIZE_H
#define mailports_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/* The one gate between server bytes and any output (hostile-servers.md,
 * "How server text is shown").  Input is raw bytes; output is text safe
 * for a terminal or a JSON string, split into runs of plain text and of
 * escapes (which the TUI shows in reverse video). */

#define SAN_UTF8	0x01	/* pass valid UTF-8 through (else \xHH) */
#define SAN_TAB_SPACE	0x02	/* TAB becomes a space (summaries), else \t */
#define SAN_KEEP_CRLF	0x04	/* a final CRLF is dropped silently */

enum sanitize_run {
	SAN_TEXT,		/* safe printable text */
	SAN_ESCAPE		/* an escape such as ^[ or \xC0 or <U+202E> */
};

/* Called for each run, in order; text is not NUL-terminated. */
typedef void (*sanitize_cb)(const char *text, size_t len,
    enum sanitize_run kind, void *arg);

/* Walk n bytes of p, calling cb with safe runs.  At most max_out bytes of
 * output are produced (0: no limit); if more would follow, the last run is
 * SAN_ESCAPE "...[+N bytes]" counting the input bytes not shown. */
void	 sanitize_walk(const char *p, size_t n, int flags, size_t max_out,
	    sanitize_cb cb, void *arg);

/* The same, collected into a new NUL-terminated string the caller frees. */
char	*sanitize_dup(const char *p, size_t n, int flags, size_t max_out);

/* Flags for the current locale: SAN_UTF8 when nl_langinfo(CODESET) is
 * UTF-8.  setlocale() must have run. */
int	 sanitize_locale_flags(void);

#endif
