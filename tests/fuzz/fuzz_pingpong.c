/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: server bytes through the pingpong engine and every
 * dialect's judge and capability parser, for every command, fed in pieces
 * whose sizes come from the input; after each reply the rest is judged as
 * bytes that came before the next command (pingpong_early), as the probe
 * does.  Any crash, leak or UB is a bug.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dialect.h"
#include "pingpong.h"
#include "transcript.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_one(const struct dialect *d, enum dialect_cmd cmd, const uint8_t *p,
    size_t n, size_t step)
{
	struct transcript	*tr;
	struct pingpong		*pp;
	struct dialect_caps	 c;
	const struct pp_reply	*r;
	enum pp_feed		 f = PP_NEED_MORE;
	size_t			 off = 0, k;
	int			 replies = 0;

	tr = transcript_new(64 * 1024, 500);
	pp = pingpong_new(d, tr, "fuzz.example");
	pingpong_set_tag_prefix(pp, "a");	/* guessable on purpose */
	pingpong_send(pp, cmd);
	while (off < n && f != PP_ERROR && replies < 8) {
		k = n - off < step ? n - off : step;
		if (k > pingpong_room(pp))
			k = pingpong_room(pp);
		if (k == 0)
			break;
		f = pingpong_feed(pp, p + off, k);
		off += k;
		while (f == PP_REPLY && replies++ < 8) {
			r = pingpong_reply(pp);
			memset(&c, 0, sizeof c);
			d->caps(cmd, r->lines, r->nlines, &c);
			dialect_caps_clear(&c);
			(void)pingpong_early(pp, false);
			(void)pingpong_early_line(pp);
			if ((replies & 1) == 0)
				(void)pingpong_early(pp, true);
			pingpong_send(pp, cmd);
			f = pingpong_process(pp);
		}
	}
	(void)pingpong_partial(pp);
	pingpong_free(pp);
	transcript_free(tr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t	i, step;
	int	cmd;

	if (size < 2)
		return 0;
	step = (size_t)data[0] + 1;
	cmd = data[1] % DC_LAST;
	for (i = 0; dialect_all[i] != NULL; i++)
		fuzz_one(dialect_all[i], (enum dialect_cmd)cmd, data + 2,
		    size - 2, step);
	return 0;
}
