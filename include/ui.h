/* SPDX-License-Identifier: ISC */
#ifndef mailports_UI_H
#define mailports_UI_H

struct evloop;
struct opts;
struct run;

/* Can the full-screen view run here (TERM known to curses, size)?
 * Returns 0, or -1 with *err (caller frees) saying why not. */
int	ui_check(const struct opts *, char **err);
/* Drive the screen and the loop until the user quits (or, with
 * --exit-when-done, until every probe has ended).  Restores the terminal
 * on every path.  Returns 0, -1 on a fatal loop error, or -2 when the
 * screen could not start (nothing was probed yet: use the line report). */
int	ui_run(struct evloop *, struct run *, const struct opts *);
/* Restore the terminal; safe to call at any time, also twice. */
void	ui_stop(void);
/* The signal (SIGINT, SIGTERM, SIGHUP) that ended the last ui_run(), or 0
 * when the user quit or the run ended: main can exit 128 + signo. */
int	ui_get_signal(void);

#endif
