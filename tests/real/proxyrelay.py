#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""proxyrelay.py: a loopback TCP relay that prefixes each connection with a
PROXY protocol v1 header, for the real-server lab (tests/real/lab.sh).

Why: Dovecot treats every connection whose local and remote addresses are
equal (127.0.0.1 -> 127.0.0.1) as secured, so on loopback it never shows
LOGINDISABLED and offers AUTH=PLAIN before TLS, unlike on a real network.
A connection that arrives through a trusted haproxy listener is secured only
if the proxy says TLS was used, so relaying through this script makes the
lab's imap and pop3 ports behave as they do for a remote client.  The header
carries the client's real loopback addresses; nothing leaves 127.0.0.1.

Usage: proxyrelay.py LISTEN_PORT:UPSTREAM_PORT ...   (all on 127.0.0.1)
Prints "ready" on stdout once every listener is bound.  Bytes are relayed
unchanged in both directions; a half-close is passed on; each direction
buffers at most 256 KiB before it stops reading.  Ends on SIGTERM/SIGINT.
"""

import selectors
import signal
import socket
import sys

HOST = "127.0.0.1"
CAP = 256 * 1024

sel = selectors.DefaultSelector()
running = True


class Pipe:
    """One relayed connection: client socket c, upstream socket u."""

    def __init__(self, c, u):
        self.c = c
        self.u = u
        self.buf = {c: bytearray(), u: bytearray()}  # bytes waiting to go to key
        self.eof = {c: False, u: False}              # key sent EOF to us
        self.shut = {c: False, u: False}             # we shut key's write side
        self.closed = False

    def other(self, s):
        return self.u if s is self.c else self.c

    def update(self):
        if self.closed:
            return
        for s in (self.c, self.u):
            ev = 0
            if not self.eof[s] and len(self.buf[self.other(s)]) < CAP:
                ev |= selectors.EVENT_READ
            if self.buf[s]:
                ev |= selectors.EVENT_WRITE
            try:
                key = sel.get_key(s)
            except KeyError:
                key = None
            if ev == 0:
                if key is not None:
                    sel.unregister(s)
            elif key is None:
                sel.register(s, ev, self)
            elif key.events != ev:
                sel.modify(s, ev, self)
        done = all(self.eof[s] and not self.buf[self.other(s)] and
                   self.shut[self.other(s)] for s in (self.c, self.u))
        if done:
            self.close()

    def close(self):
        if self.closed:
            return
        self.closed = True
        for s in (self.c, self.u):
            try:
                sel.unregister(s)
            except (KeyError, ValueError):
                pass
            s.close()

    def on_event(self, s, mask):
        if mask & selectors.EVENT_READ:
            try:
                data = s.recv(65536)
            except (ConnectionError, OSError):
                self.close()
                return
            if data:
                self.buf[self.other(s)] += data
            else:
                self.eof[s] = True
        if mask & selectors.EVENT_WRITE and self.buf[s]:
            try:
                n = s.send(self.buf[s])
            except (BlockingIOError, InterruptedError):
                n = 0
            except (ConnectionError, OSError):
                self.close()
                return
            del self.buf[s][:n]
        # Pass a half-close on once everything before it went out.
        for src in (self.c, self.u):
            dst = self.other(src)
            if self.eof[src] and not self.buf[dst] and not self.shut[dst]:
                self.shut[dst] = True
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        self.update()


def accept(lsock, upstream_port):
    try:
        c, peer = lsock.accept()
    except (BlockingIOError, InterruptedError):
        return
    try:
        u = socket.create_connection((HOST, upstream_port), timeout=5)
    except OSError:
        c.close()
        return
    local = c.getsockname()
    hdr = "PROXY TCP4 %s %s %d %d\r\n" % (peer[0], local[0], peer[1], local[1])
    try:
        u.sendall(hdr.encode("ascii"))
    except OSError:
        c.close()
        u.close()
        return
    c.setblocking(False)
    u.setblocking(False)
    Pipe(c, u).update()


def stop(signum, frame):
    global running
    running = False


def main():
    pairs = []
    for arg in sys.argv[1:]:
        lp, up = arg.split(":")
        pairs.append((int(lp), int(up)))
    if not pairs:
        sys.exit("usage: proxyrelay.py LISTEN_PORT:UPSTREAM_PORT ...")
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for lp, up in pairs:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((HOST, lp))
        ls.listen(64)
        ls.setblocking(False)
        sel.register(ls, selectors.EVENT_READ, ("listen", up))
    print("ready", flush=True)
    while running:
        for key, mask in sel.select(timeout=0.5):
            if isinstance(key.data, tuple):
                accept(key.fileobj, key.data[1])
            else:
                key.data.on_event(key.fileobj, mask)


if __name__ == "__main__":
    main()
