#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A TCP proxy on 127.0.0.1 that adds a one-way delay to every byte in both
directions, for measuring mailports over a simulated wide-area link where
the kernel has no netem.  The SYN/accept itself is not delayed, so connect
costs one extra delay on the first server bytes instead; the TLS and
command round trips are all 2 x DELAY.

  delayproxy.py DELAY_MS TARGET_PORT [TARGET_PORT...]

prints "LISTEN_PORT TARGET_PORT" per target, then serves until killed (at
most --lifetime seconds, default 600)."""
import asyncio
import sys
import time


async def pump(reader, writer, delay):
    """Copy reader to writer, each chunk delivered `delay` after it came."""
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            try:
                await writer.drain()
            except ConnectionError:
                break
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    task = asyncio.ensure_future(deliver())
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((time.monotonic() + delay, data or None))
            if not data:
                break
    except ConnectionError:
        queue.put_nowait((time.monotonic() + delay, None))
    await task


async def serve(delay, target):
    async def handle(creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1",
                                                             target)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pump(creader, swriter, delay),
                             pump(sreader, cwriter, delay))
        for w in (cwriter, swriter):
            try:
                w.close()
            except OSError:
                pass

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def main(argv):
    lifetime = 600.0
    if len(argv) >= 3 and argv[1] == "--lifetime":
        lifetime = float(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    delay = float(argv[1]) / 1000.0
    for t in argv[2:]:
        _, port = await serve(delay, int(t))
        print("%d %s" % (port, t), flush=True)
    await asyncio.sleep(lifetime)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main(sys.argv)))
    except KeyboardInterrupt:
        sys.exit(130)
