# SPDX-License-Identifier: ISC
# tui_hex.py: the hex view shows exactly the bytes that crossed the wire,
# CR LF included, and none of mailports' own notes (state changes, NET,
# TLS and NOTE events).  A tiny inline SMTP server sends canned replies
# (a bare LF line among them) and records what it received; the bytes read
# back from the screen's hex dump, server events and client events apart,
# must equal what the server sent and received.
import os
import re
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import Tap, Term, mailports_args, require_binary, watchdog  # noqa

require_binary()
watchdog(60)
tap = Tap()

GREETING = b"220 hex.test ESMTP\r\n"
EHLO = b"250-hex.test\r\n250-8BITMIME\n250 SIZE 1000\r\n"
BYE = b"221 2.0.0 bye\r\n"


class Canned:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.sent = b""
        self.received = b""
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        c.settimeout(5)
        try:
            self.send(c, GREETING)
            buf = b""
            while True:
                data = c.recv(4096)
                if not data:
                    break
                self.received += data
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    verb = line[:4].upper()
                    if verb == b"EHLO":
                        self.send(c, EHLO)
                    elif verb == b"QUIT":
                        self.send(c, BYE)
                        c.close()
                        return
                    else:
                        self.send(c, b"500 what\r\n")
        except OSError:
            pass
        finally:
            c.close()

    def send(self, c, data):
        self.sent += data
        c.sendall(data)

    def close(self):
        self.sock.close()


HEADER = re.compile(r"^\s*\+[\d.]+ ms\s+(C>|S<|TLS|NET|--|\.\.)\s")
HEXLINE = re.compile(r"^\s+([0-9a-f]{4})  ((?:[0-9a-f]{2} {1,2}){1,16})")


def read_hex(t):
    """The bytes of the hex view by direction, and the event tags seen."""
    out = {"C>": b"", "S<": b""}
    tags = []
    cur = None
    for row in t.screen.display[3:-1]:
        m = HEADER.match(row)
        if m:
            cur = m.group(1)
            tags.append(cur)
            continue
        m = HEXLINE.match(row)
        if m and cur in out:
            out[cur] += bytes.fromhex(m.group(2).replace(" ", ""))
    return out, tags


srv = Canned()
term = Term(mailports_args(["smtp=%d" % srv.port], ["--modes", "plain"]),
            cols=100, rows=60)
try:
    tap.ok(term.wait_text("1/1 done", 10), "the cell finishes",
           term.text())
    term.wait_for(lambda t: srv.sent.endswith(BYE), 5)
    term.settle(0.3)
    term.send("x")
    tap.ok("hex" in term.line(0), "x opens the hex view", term.text())
    term.key("end")
    got, tags = read_hex(term)
    screen = term.text()
    tap.ok(got["S<"] == srv.sent,
           "server bytes in the hex view equal what the server sent, "
           "CR LF and the bare LF included",
           "hex: %r\nsent: %r\n%s" % (got["S<"], srv.sent, screen))
    tap.ok(got["C>"] == srv.received,
           "client bytes in the hex view equal what the server received",
           "hex: %r\nreceived: %r" % (got["C>"], srv.received))
    tap.ok(b"\r\n" in got["S<"] and b"0d 0a" in screen.encode(),
           "CR LF shown as 0d 0a", screen)
    tap.ok(tags and set(tags) <= {"C>", "S<"},
           "no note, state change or NET event dumped as traffic",
           tags)
    term.send("x")
    text = term.text()
    tap.ok("S<" in text and ".." in text and "EHLO" in text,
           "x again: the text view, notes included", text)
    tap.ok("250 SIZE 1000" in text and "\\r" not in text and
           "[bare LF]" in text,
           "the text view drops the terminators and marks the bare LF",
           text)
    term.send("q")
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
    srv.close()
tap.done()
