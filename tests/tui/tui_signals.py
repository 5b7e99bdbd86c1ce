# SPDX-License-Identifier: ISC
# tui_signals.py: the terminal is always restored (hostile-servers.md rule
# 10, catalogue 35): SIGTERM, SIGINT (also as Ctrl-C), SIGHUP and q while
# probes are in flight end the program promptly with `stty -g` exactly as
# before it started, out of the alternate screen; a crash signal (SIGABRT,
# SIGSEGV) restores the termios and leaves the alternate screen without
# curses, then the process dies of it.
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (Tap, Term, FakeServer, mailports_args,  # noqa
                    require_binary, watchdog)

require_binary()
watchdog(150)
tap = Tap()

# Greetings come late: the probes are still running when the signal hits.
slow = [FakeServer("smtp", delay=20), FakeServer("pop3", delay=20)]
rows = ["smtp=%d" % slow[0].port, "pop3=%d" % slow[1].port]
LEAVE = b"\x1b[?1049l"


def case(name, how, crash=False):
    t = Term(mailports_args(rows, ["--timeout", "30"]))
    try:
        if not t.wait_text("0/6 done", 10):
            tap.ok(False, "%s: screen up with probes pending" % name,
                   t.text())
            return
        t.settle(0.3)
        tap.ok("greeting" in t.text(), "%s: probes in flight" % name,
               t.text())
        t0 = time.monotonic()
        how(t)
        rc = t.wait_exit(10)
        took = time.monotonic() - t0
        if crash:
            tap.ok(rc is not None and rc != 0,
                   "%s: the process dies of it (rc %r)" % (name, rc),
                   t.stderr()[-2000:])
        else:
            tap.ok(rc is not None and took < 3,
                   "%s: ends within %.1f s (rc %r)" % (name, took, rc),
                   t.stderr()[-2000:])
        after = t.stty()
        tap.ok(after == t.stty_before and after != "",
               "%s: stty -g identical before and after" % name,
               "before %s\nafter  %s" % (t.stty_before, after))
        tail = bytes(t.raw[-300:])
        tap.ok(LEAVE in tail, "%s: alternate screen left" % name, tail)
        if not crash:
            tap.ok(t.sanitizer_report() == "", "%s: no sanitizer report" %
                   name, t.sanitizer_report())
    finally:
        t.close()


case("SIGTERM", lambda t: os.kill(t.pid, signal.SIGTERM))
case("SIGINT", lambda t: os.kill(t.pid, signal.SIGINT))
case("Ctrl-C", lambda t: t.send(b"\x03", settle=0.01))
case("SIGHUP", lambda t: os.kill(t.pid, signal.SIGHUP))
case("q", lambda t: t.send(b"q", settle=0.01))
case("SIGABRT", lambda t: os.kill(t.pid, signal.SIGABRT), crash=True)
case("SIGSEGV", lambda t: os.kill(t.pid, signal.SIGSEGV), crash=True)
for s in slow:
    s.close()
tap.done()
