/* SPDX-License-Identifier: ISC */
#ifndef mailports_LOG_H
#define mailports_LOG_H

#include <stdbool.h>

/* Debug log to a file (never to the terminal while curses runs).  Returns
 * 0, or -1 with errno when the file cannot be opened. */
int	log_open(const char *path);
bool	log_is_open(void);
void	log_close(void);
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Hook run before fatal exits (the UI sets it to restore the terminal). */
typedef void (*log_cleanup_cb)(void);
void	log_set_cleanup(log_cleanup_cb);

/* Print "mailports: msg[: strerror]" to stderr after cleanup, exit 1. */
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

#endif
