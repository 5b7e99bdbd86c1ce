/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target: the TLS observer (src/tls_observe.c) fed the bytes of
 * one connection as direction-tagged chunks, then again with the
 * directions swapped, every getter called after each chunk and the
 * promises of its header checked (caps, borrowed pointers in bounds).
 * Input: chunks of [h, n] then n + 1 bytes; h bit 0: from the client,
 * bit 1: the handshake completes before this chunk, bit 2: as TLS 1.3.
 * Any crash, leak, UB or abort is a bug.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_observe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A broken promise: abort so that libFuzzer and the replay both fail. */
static void
fuzz_check(int cond)
{
	if (!cond)
		abort();
}

static void
fuzz_drain(struct tls_observe *o)
{
	struct tls_observe_event	 ev;
	char				 name[48];
	volatile size_t			 sum = 0;
	size_t				 i;

	while (tls_observe_next_event(o, &ev)) {
		fuzz_check(ev.sni_len <= sizeof ev.sni);
		fuzz_check(ev.has_sni || ev.sni_len == 0);
		for (i = 0; i < ev.sni_len; i++)
			sum += ev.sni[i];
		tls_observe_group_name(ev.value, name, sizeof name);
		tls_observe_signature_name(ev.value, name, sizeof name);
		(void)tls_observe_alert_words((int)ev.value);
		(void)tls_observe_version_name(ev.value);
	}
}

static void
fuzz_look(struct tls_observe *o)
{
	const struct tls_observe_seen	*s;
	const unsigned char		*p, *der;
	size_t				 n, pos = 0, len, room, certs = 0;
	volatile size_t			 sum = 0;
	char				 name[48];

	s = tls_observe_get_seen(o);
	fuzz_check(s->alert_desc >= -1 && s->alert_desc <= 255);
	fuzz_check(!s->plain || s->got_first);
	tls_observe_group_name(s->group, name, sizeof name);
	tls_observe_signature_name(s->signature, name, sizeof name);
	room = tls_observe_plain_room(o);
	if (tls_observe_get_plain(o, &p, &n)) {
		fuzz_check(n <= TLS_OBSERVE_PLAIN_MAX);
		fuzz_check(p[n] == '\0');
		fuzz_check(room <= TLS_OBSERVE_PLAIN_MAX - n);
		if (n > 0)
			sum += p[0] + p[n - 1];
	} else
		fuzz_check(room == 0);
	while (tls_observe_next_cert(o, &pos, &der, &len)) {
		fuzz_check(certs++ < 65536);
		if (len > 0)
			sum += der[0] + der[len - 1];
	}
}

static void
fuzz_run(const uint8_t *data, size_t size, bool swap)
{
	struct tls_observe	*o;
	size_t			 off = 0, k;
	unsigned		 h;
	bool			 done = false;

	o = tls_observe_new();
	while (off + 2 <= size) {
		h = data[off];
		k = (size_t)data[off + 1] + 1;
		off += 2;
		if (k > size - off)
			k = size - off;
		if ((h & 2) != 0 && !done) {
			tls_observe_established(o, (h & 4) != 0 ? 0x0304 :
			    0x0303);
			done = true;
		}
		if (((h & 1) != 0) != swap)
			tls_observe_out(o, data + off, k);
		else
			(void)tls_observe_in(o, data + off, k);
		off += k;
		fuzz_drain(o);
		fuzz_look(o);
	}
	tls_observe_free(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run(data, size, false);
	fuzz_run(data, size, true);
	return 0;
}
