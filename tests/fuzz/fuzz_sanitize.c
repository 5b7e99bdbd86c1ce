/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: the sanitiser and the JSON escaper on arbitrary bytes.
 * Checks the promises, not just the absence of crashes: no control byte
 * and, in UTF-8 mode, valid UTF-8 without C1 controls in the output.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sanitize.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check(const char *s, int utf8)
{
	const unsigned char	*p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			abort();
		if (!utf8 && *p >= 0x80)
			abort();
		/* C1 controls encode as C2 80..C2 9F. */
		if (utf8 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;
	int	 flags;

	if (size < 1)
		return 0;
	flags = data[0] & (SAN_UTF8 | SAN_TAB_SPACE | SAN_KEEP_CRLF);
	s = sanitize_dup((const char *)data + 1, size - 1, flags,
	    data[0] & 0x80 ? 64 : 0);
	fuzz_check(s, flags & SAN_UTF8);
	free(s);
	s = json_escape_dup((const char *)data + 1, size - 1, 0);
	fuzz_check(s, 1);
	free(s);
	return 0;
}
