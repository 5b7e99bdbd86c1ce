/* SPDX-License-Identifier: ISC */
#ifndef mailports_JSON_H
#define mailports_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Building blocks of the JSON report (out_json.c), apart so that the unit
 * tests and the fuzzer reach them.  Whatever the input bytes, what they
 * write is a valid JSON string in valid UTF-8. */

#define JSON_LINES	0x01	/* LF separates lines: each line is
				 * sanitised alone and the LF is kept as
				 * the JSON escape \n */

/* Write n bytes at p as a JSON string literal, quotes included.  The bytes
 * go through sanitize_walk(SAN_UTF8, no cap) first, then quotes,
 * backslashes, controls and DEL are escaped (\" \\ \u00XX). */
void	 json_escape_str(FILE *, const char *p, size_t n, int flags);
/* The same, into a new NUL-terminated string the caller frees. */
char	*json_escape_dup(const char *p, size_t n, int flags);

/* Write the base64 (RFC 4648 section 4, padded) of n bytes at p as a JSON
 * string literal, quotes included. */
void	 json_b64(FILE *, const void *p, size_t n);
/* The base64 text alone, no quotes, in a new string the caller frees. */
char	*json_b64_dup(const void *p, size_t n);

#endif
