#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""hostile.py: a scriptable fake mail server that misbehaves on purpose.

    hostile.py SCENARIO        bind 127.0.0.1:0, print the port, serve
    hostile.py --list          print the scenario names

Each connection plays SCENARIO (see docs in /work/shared/hostile-servers.md;
the catalogue number is in each scenario's comment).  Loopback only, stdlib
only, a thread per connection.  Everything is bounded: each connection ends
after CONN_LIFETIME seconds, each read waits at most READ_WAIT seconds, and
the whole server exits by itself after SERVER_LIFETIME seconds (in case the
test that started it dies without stopping it).
"""

import os
import select
import socket
import struct
import sys
import threading
import time

CONN_LIFETIME = 30.0        # seconds one connection may live
READ_WAIT = 20.0            # seconds one read may wait for the client
SERVER_LIFETIME = float(os.environ.get("HOSTILE_LIFETIME", "180"))
MAX_LINE = 64 * 1024        # client lines longer than this end the session
FLOOD_BYTES = 100 * 1024 * 1024

NAME = b"mail.test.example"


class Conn:
    """A client connection with a bounded line reader."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.start = time.monotonic()

    def left(self):
        return CONN_LIFETIME - (time.monotonic() - self.start)

    def send(self, data):
        self.sock.sendall(data)

    def readline(self, wait=READ_WAIT):
        """One client line (bytes, without the line end) or None on EOF,
        timeout or an over-long line."""
        deadline = time.monotonic() + min(wait, max(self.left(), 0))
        while b"\n" not in self.buf:
            if len(self.buf) > MAX_LINE:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            try:
                data = self.sock.recv(65536)
            except OSError:
                return None
            if not data:
                return None
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        return line.rstrip(b"\r")

    def hold(self, seconds):
        """Wait up to SECONDS; True if the client sent something (or
        closed) meanwhile.  Whatever it sent stays unread."""
        r, _, _ = select.select([self.sock], [], [], seconds)
        return bool(r)

    def drain(self, seconds):
        """Read and discard whatever arrives for up to SECONDS (so that a
        close does not turn into a reset because of unread data)."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return
            try:
                if not self.sock.recv(65536):
                    return
            except OSError:
                return


# ---------------------------------------------------------------- dialects

def smtp(c, greeting=b"220 " + NAME + b" ESMTP hostile\r\n",
         ehlo=b"250-" + NAME + b"\r\n250 PIPELINING\r\n",
         helo=b"250 " + NAME + b"\r\n",
         starttls=b"502 5.5.1 not here\r\n", after_starttls=None,
         quit_reply=b"221 2.0.0 bye\r\n"):
    """A small SMTP server.  STARTTLS answers STARTTLS; after_starttls(c)
    runs after it was sent (then the session ends)."""
    if greeting:
        c.send(greeting)
    while True:
        line = c.readline()
        if line is None:
            return
        verb = line.split(b" ", 1)[0].upper()
        if verb == b"EHLO":
            c.send(ehlo)
        elif verb == b"HELO":
            c.send(helo)
        elif verb == b"STARTTLS":
            c.send(starttls)
            if after_starttls is not None:
                after_starttls(c)
                return
        elif verb == b"QUIT":
            c.send(quit_reply)
            return
        elif verb in (b"NOOP", b"RSET"):
            c.send(b"250 2.0.0 ok\r\n")
        else:
            c.send(b"500 5.5.2 unknown command\r\n")


SMTP_EHLO_TLS = (b"250-" + NAME + b"\r\n250-PIPELINING\r\n"
                 b"250-STARTTLS\r\n250 8BITMIME\r\n")


def pop3(c, greeting=b"+OK hostile POP3 ready\r\n",
         capa=b"+OK\r\nUSER\r\nSTLS\r\n.\r\n",
         stls=b"-ERR not here\r\n", after_stls=None):
    if greeting:
        c.send(greeting)
    while True:
        line = c.readline()
        if line is None:
            return
        verb = line.split(b" ", 1)[0].upper()
        if verb == b"CAPA":
            c.send(capa)
        elif verb == b"STLS":
            c.send(stls)
            if after_stls is not None:
                after_stls(c)
                return
        elif verb == b"QUIT":
            c.send(b"+OK bye\r\n")
            return
        else:
            c.send(b"-ERR unknown command\r\n")


def imap(c, greeting=b"* OK [CAPABILITY IMAP4rev1 STARTTLS] hostile\r\n",
         capability=b"* CAPABILITY IMAP4rev1 STARTTLS\r\n{tag} OK done\r\n",
         starttls=b"{tag} NO not here\r\n", after_starttls=None):
    """Replies are templates: {tag} becomes the client's tag."""
    if greeting:
        c.send(greeting)
    while True:
        line = c.readline()
        if line is None:
            return
        parts = line.split(b" ", 2)
        tag = parts[0]
        cmd = parts[1].upper() if len(parts) > 1 else b""

        def fill(t):
            return t.replace(b"{tag}", tag)
        if cmd == b"CAPABILITY":
            c.send(fill(capability))
        elif cmd == b"STARTTLS":
            c.send(fill(starttls))
            if after_starttls is not None:
                after_starttls(c)
                return
        elif cmd == b"LOGOUT":
            c.send(b"* BYE bye\r\n" + tag + b" OK LOGOUT done\r\n")
            return
        elif cmd == b"NOOP":
            c.send(tag + b" OK NOOP done\r\n")
        else:
            c.send(tag + b" BAD unknown command\r\n")


# --------------------------------------------------------------- scenarios

def sc_silent(c):
    # 2: accept, never greet (until the client goes away).
    c.drain(c.left())


def sc_close(c):
    # 4: close right after accept.
    pass


def sc_reset(c):
    # 4: reset right after accept (SO_LINGER 0, then close).
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                      struct.pack("ii", 1, 0))


def sc_close_midline(c):
    # 4: close in the middle of the greeting line
    c.send(b"220 partial gree")
    c.sock.shutdown(socket.SHUT_WR)
    c.drain(3)


def sc_halfclose(c):
    # 5: greet, then half-close (FIN) and keep reading
    c.send(b"220 " + NAME + b" ESMTP then FIN\r\n")
    c.sock.shutdown(socket.SHUT_WR)
    c.drain(5)


def sc_slow_ehlo(c):
    # 7: every command answered after 10 s
    c.send(b"220 " + NAME + b" ESMTP slow\r\n")
    while c.readline() is not None:
        time.sleep(10)
        c.send(b"250 late\r\n")


def sc_drip(c):
    # 7: "220 " then one byte every 0.2 s, for at most 30 s.
    c.send(b"220 ")
    while c.left() > 0:
        c.send(b"x")
        time.sleep(0.2)


def sc_pregreet_hold(c):
    # 3: hold a multi-line greeting 1.5 s; talking early is punished.
    c.send(b"220-" + NAME + b" hold on\r\n")
    if c.hold(1.5):
        c.send(b"554 5.5.1 you talked too early\r\n")
        return
    smtp(c, greeting=b"220 ok\r\n",
         ehlo=b"250-x\r\n250 PIPELINING\r\n", quit_reply=b"221 bye\r\n")


def sc_flood(c):
    # 6: an endless multi-line greeting, up to 100 MB.
    chunk = (b"220-" + b"A" * 70 + b"\r\n") * 1000
    sent = 0
    while sent < FLOOD_BYTES and c.left() > 0:
        c.send(chunk)
        sent += len(chunk)


def sc_longline(c):
    # 8: a 10 MB greeting without a line end.
    c.send(b"220 ")
    block = b"B" * 65536
    for _ in range(10 * 1024 * 1024 // len(block)):
        c.send(block)
    c.drain(c.left())


def sc_barelf(c):
    # 9: bare LF line ends everywhere.
    smtp(c, greeting=b"220 bare lf\n", ehlo=b"250-x\n250 OK\n",
         helo=b"250 x\n", quit_reply=b"221 bye\n")


def sc_barecr(c):
    # 9: a bare CR inside the greeting line
    smtp(c, greeting=b"220 bare\rcr ESMTP\r\n")


def sc_nul(c):
    # 10: NUL, C0 and DEL inside the greeting.
    smtp(c, greeting=b"220 a\x00b\x01c\x7f end\r\n")


def sc_refuse554(c):
    # 11
    c.send(b"554 5.3.2 go away\r\n")
    smtp(c, greeting=None)


def sc_refuse554_nul(c):
    # 10 + 11: a NUL inside the refusal must not cut the reason short.
    c.send(b"554 go\x00away now\r\n")
    smtp(c, greeting=None)


def sc_refuse421(c):
    # 11
    c.send(b"421 4.3.2 go away\r\n")
    c.drain(2)


def sc_pop3_err(c):
    # 11: POP3 -ERR greeting
    c.send(b"-ERR go away\r\n")
    c.drain(2)


def sc_imap_bye(c):
    # 11: IMAP * BYE greeting
    c.send(b"* BYE no\r\n")
    c.drain(2)


def sc_pop3_garbage(c):
    # 12: neither +OK nor -ERR
    pop3(c, greeting=b"hello there\r\n")


def sc_pop3_capa_noend(c):
    # 12: CAPA without the closing "."
    pop3(c, greeting=b"+OK\r\n", capa=b"+OK\r\nSTLS\r\n")


def sc_imap_literal(c):
    # 13: a 4 GiB literal announced in the CAPABILITY response
    imap(c, greeting=b"* OK hi\r\n",
         capability=b"* CAPABILITY {4294967295}\r\n")


def sc_imap_literal20(c):
    # 13: a 20-digit literal size
    imap(c, greeting=b"* OK hi\r\n",
         capability=b"* CAPABILITY {99999999999999999999}\r\n")


def sc_imap_literal_neg(c):
    # 13: a negative literal size (then a proper tagged OK)
    imap(c, greeting=b"* OK hi\r\n",
         capability=b"* CAPABILITY IMAP4rev1 {-1}\r\n{tag} OK done\r\n")


def sc_imap_bye_after_starttls(c):
    # 14
    imap(c, starttls=b"* BYE going away\r\n",
         after_starttls=lambda c: c.drain(2))


def sc_ansi_banner(c):
    # 16: terminal escape sequences in the banner
    smtp(c, greeting=(b"220 evil\x1b[2J\x1b]0;PWNED\x07\x1b]52;c;Zm9v\x07"
                      b"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ "
                      b"\x1bP1$tx\x1b\\ ESMTP\r\n"))


UTF8_BAD = (b"220 \xc0\xaf \xed\xa0\x80 \xe2\x80\xae rtl "
            + ("e\u0301" + "\u0301" * 20).encode("utf-8")
            + b" \xf0\x9f\x93\xa7 mail\r\n")


def sc_utf8_bad(c):
    # 17: invalid UTF-8, bidi override, combining-mark flood, emoji
    smtp(c, greeting=UTF8_BAD)


def sc_starttls_missing(c):
    # 18: EHLO without STARTTLS, AUTH offered in plaintext (a bait)
    smtp(c, ehlo=(b"250-" + NAME + b"\r\n250-AUTH PLAIN LOGIN\r\n"
                  b"250 PIPELINING\r\n"))


def sc_capa_weird(c):
    # 15: controls in capability names, an extreme length, STARTTLS twice
    smtp(c, ehlo=(b"250-" + NAME + b"\r\n250-STARTTLS\r\n"
                  b"250-X\x1b[31mEVIL\x07\r\n250-" + b"L" * 1500 + b"\r\n"
                  b"250-starttls\r\n250 STARTTLS\r\n"),
         starttls=b"454 4.7.0 TLS not available\r\n")


def sc_starttls_454(c):
    # 19
    smtp(c, ehlo=SMTP_EHLO_TLS, starttls=b"454 4.7.0 TLS not available\r\n")


def sc_starttls_502(c):
    # 19
    smtp(c, ehlo=SMTP_EHLO_TLS, starttls=b"502 5.5.1 not implemented\r\n")


def sc_pop3_stls_err(c):
    # 19
    pop3(c, stls=b"-ERR nope\r\n")


def sc_imap_starttls_no(c):
    # 19
    imap(c, starttls=b"{tag} NO nope\r\n")


def sc_imap_starttls_bad(c):
    # 19
    imap(c, starttls=b"{tag} BAD nope\r\n")


def sc_starttls_354(c):
    # 20
    smtp(c, ehlo=SMTP_EHLO_TLS, starttls=b"354 go ahead\r\n")


def sc_imap_starttls_plus(c):
    # 20
    imap(c, starttls=b"+ go\r\n")


def sc_injection(c):
    # 21: the go-ahead and fake replies in one segment
    smtp(c, ehlo=SMTP_EHLO_TLS,
         starttls=(b"220 2.0.0 Ready\r\n250-injected\r\n"
                   b"250 AUTH PLAIN\r\n"),
         after_starttls=lambda c: c.drain(3))


def sc_alert_imap(c):
    # 22: * OK [ALERT] before the tagged OK, then plaintext instead of TLS
    def garbage(c):
        time.sleep(0.05)
        c.send(b"garbage\r\n")
        c.drain(3)
    imap(c, starttls=b"* OK [ALERT] look at me\r\n{tag} OK begin\r\n",
         after_starttls=garbage)


def sc_preauth(c):
    # 23
    imap(c, greeting=b"* PREAUTH hi\r\n",
         capability=b"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n")


def sc_capa_fails(c):
    # 24
    pop3(c, greeting=b"+OK\r\n", capa=b"-ERR no capa\r\n",
         stls=b"-ERR no tls\r\n")


def sc_starttls_nontls(c):
    # 27: text instead of a ServerHello
    def text(c):
        time.sleep(0.05)
        c.send(b"this is not tls\r\n")
        c.drain(3)
    smtp(c, ehlo=SMTP_EHLO_TLS, starttls=b"220 go\r\n", after_starttls=text)


def sc_starttls_close(c):
    # 27: close (FIN, not a reset) instead of a ServerHello
    def close(c):
        c.sock.shutdown(socket.SHUT_WR)
        c.drain(3)
    smtp(c, ehlo=SMTP_EHLO_TLS, starttls=b"220 go\r\n", after_starttls=close)


def sc_plain_smtp(c):
    # 24 (tls-on-plain): an ordinary plaintext SMTP server
    smtp(c)


def sc_helo_only(c):
    # EHLO refused, HELO accepted
    smtp(c, ehlo=b"502 5.5.2 no\r\n", helo=b"250 hi\r\n")


# Replies nobody asked for (catalogue 36, 37, and 14: closing notices).

def sc_double_greeting(c):
    # 36: a second 220 greeting in the greeting's segment
    smtp(c, greeting=(b"220 " + NAME + b" ESMTP first\r\n"
                      b"220 " + NAME + b" ESMTP second\r\n"),
         ehlo=SMTP_EHLO_TLS)


def sc_early_goahead(c):
    # 36: the EHLO reply and a STARTTLS go-ahead in one segment, before
    # STARTTLS was sent
    smtp(c, ehlo=SMTP_EHLO_TLS + b"220 2.0.0 go ahead\r\n",
         starttls=b"220 2.0.0 Ready\r\n",
         after_starttls=lambda c: c.drain(3))


def sc_imap_early_tagged(c):
    # 36: a tagged OK in the greeting's segment, before any command
    imap(c, greeting=b"* OK hostile\r\na1 OK CAPABILITY completed\r\n")


def sc_imap_guessed_tag(c):
    # 36: answers CAPABILITY with a guessed tag (in a later segment)
    imap(c, greeting=b"* OK hostile\r\n",
         capability=b"* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n")


def sc_imap_tag_prefix(c):
    # 36: a tag that merely starts with ours ({tag}x)
    imap(c, greeting=b"* OK hostile\r\n",
         capability=b"* CAPABILITY IMAP4rev1 STARTTLS\r\n"
                    b"{tag}x OK done\r\n")


def sc_starttls_250(c):
    # 36/20: 250 is not the go-ahead for STARTTLS (220 is)
    smtp(c, ehlo=SMTP_EHLO_TLS, starttls=b"250 2.0.0 ok\r\n",
         after_starttls=lambda c: c.drain(3))


def sc_ehlo_220(c):
    # 36: 220 answers EHLO
    smtp(c, ehlo=b"220 " + NAME + b" ESMTP\r\n")


def sc_starttls_mixed(c):
    # 37: 454- then 220 in one reply to STARTTLS
    smtp(c, ehlo=SMTP_EHLO_TLS,
         starttls=b"454-4.7.0 TLS not available\r\n220 2.0.0 go ahead\r\n",
         after_starttls=lambda c: c.drain(3))


HELO_SEEN = b"250 helo seen\r\n"


def sc_ehlo_mixed_550(c):
    # 37: 550-...STARTTLS then 250 ok, one reply to EHLO
    smtp(c, ehlo=b"550-" + NAME + b" STARTTLS\r\n250 ok\r\n",
         helo=HELO_SEEN)


def sc_ehlo_mixed_250(c):
    # 37: 250-ok then 550 no, one reply to EHLO (no HELO fallback)
    smtp(c, ehlo=b"250-ok\r\n550 5.5.1 no\r\n", helo=HELO_SEEN)


def sc_ehlo_421(c):
    # 36: 421 to EHLO closes; no HELO fallback
    smtp(c, ehlo=b"421 4.3.2 shutting down\r\n", helo=HELO_SEEN)


def sc_starttls_421(c):
    # 36: 421 to STARTTLS closes
    smtp(c, ehlo=SMTP_EHLO_TLS, starttls=b"421 4.3.2 shutting down\r\n",
         after_starttls=lambda c: c.drain(3))


def sc_imap_bye_early(c):
    # 14: * BYE right after the greeting, before CAPABILITY
    imap(c, greeting=b"* OK hostile\r\n* BYE going away\r\n")


def sc_imap_bye_after_ok(c):
    # 14: * BYE right after the STARTTLS OK, in its segment
    imap(c, starttls=b"{tag} OK begin TLS\r\n* BYE going away\r\n",
         after_starttls=lambda c: c.drain(3))


def sc_pop3_extra_ok(c):
    # 36: an extra +OK line before CAPA
    pop3(c, greeting=b"+OK hostile POP3 ready\r\n+OK again\r\n")


SCENARIOS = {
    "silent": sc_silent,
    "close": sc_close,
    "reset": sc_reset,
    "close-midline": sc_close_midline,
    "halfclose": sc_halfclose,
    "slow-ehlo": sc_slow_ehlo,
    "drip": sc_drip,
    "pregreet-hold": sc_pregreet_hold,
    "flood": sc_flood,
    "longline": sc_longline,
    "barelf": sc_barelf,
    "barecr": sc_barecr,
    "nul": sc_nul,
    "refuse554": sc_refuse554,
    "refuse554-nul": sc_refuse554_nul,
    "refuse421": sc_refuse421,
    "pop3-err": sc_pop3_err,
    "imap-bye": sc_imap_bye,
    "pop3-garbage": sc_pop3_garbage,
    "pop3-capa-noend": sc_pop3_capa_noend,
    "imap-literal": sc_imap_literal,
    "imap-literal20": sc_imap_literal20,
    "imap-literal-neg": sc_imap_literal_neg,
    "imap-bye-after-starttls": sc_imap_bye_after_starttls,
    "ansi-banner": sc_ansi_banner,
    "utf8-bad": sc_utf8_bad,
    "starttls-missing": sc_starttls_missing,
    "capa-weird": sc_capa_weird,
    "starttls-454": sc_starttls_454,
    "starttls-502": sc_starttls_502,
    "pop3-stls-err": sc_pop3_stls_err,
    "imap-starttls-no": sc_imap_starttls_no,
    "imap-starttls-bad": sc_imap_starttls_bad,
    "starttls-354": sc_starttls_354,
    "imap-starttls-plus": sc_imap_starttls_plus,
    "injection": sc_injection,
    "alert-imap": sc_alert_imap,
    "preauth": sc_preauth,
    "capa-fails": sc_capa_fails,
    "starttls-nontls": sc_starttls_nontls,
    "starttls-close": sc_starttls_close,
    "tls-on-plain": sc_plain_smtp,
    "helo-only": sc_helo_only,
    "double-greeting": sc_double_greeting,
    "early-goahead": sc_early_goahead,
    "imap-early-tagged": sc_imap_early_tagged,
    "imap-guessed-tag": sc_imap_guessed_tag,
    "imap-tag-prefix": sc_imap_tag_prefix,
    "starttls-250": sc_starttls_250,
    "ehlo-220": sc_ehlo_220,
    "starttls-mixed": sc_starttls_mixed,
    "ehlo-mixed-550": sc_ehlo_mixed_550,
    "ehlo-mixed-250": sc_ehlo_mixed_250,
    "ehlo-421": sc_ehlo_421,
    "starttls-421": sc_starttls_421,
    "imap-bye-early": sc_imap_bye_early,
    "imap-bye-after-ok": sc_imap_bye_after_ok,
    "pop3-extra-ok": sc_pop3_extra_ok,
}


def serve_one(play, sock):
    c = Conn(sock)
    try:
        play(c)
    except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError,
            TimeoutError, OSError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def synblack():
    """Catalogue 1: a port that never answers the SYN.  A listener that
    never accepts, with its accept queue filled by our own connections:
    Linux then drops further SYNs, so a client's connect() hangs."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(0)
    port = ls.getsockname()[1]
    fill = []
    for _ in range(4):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except (BlockingIOError, OSError):
            pass
        fill.append(c)
    time.sleep(0.2)
    sys.stdout.write("%d\n" % port)
    sys.stdout.flush()
    time.sleep(SERVER_LIFETIME)
    return 0


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: hostile.py SCENARIO | --list\n")
        return 2
    if argv[1] == "--list":
        for name in SCENARIOS:
            print(name)
        return 0
    if argv[1] == "synblack":
        return synblack()
    play = SCENARIOS.get(argv[1])
    if play is None:
        sys.stderr.write("hostile.py: unknown scenario %r\n" % argv[1])
        return 2
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    sys.stdout.write("%d\n" % ls.getsockname()[1])
    sys.stdout.flush()
    end = time.monotonic() + SERVER_LIFETIME
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return 0
        r, _, _ = select.select([ls], [], [], min(left, 1.0))
        if not r:
            continue
        try:
            sock, _ = ls.accept()
        except OSError:
            continue
        t = threading.Thread(target=serve_one, args=(play, sock), daemon=True)
        t.start()


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(130)
