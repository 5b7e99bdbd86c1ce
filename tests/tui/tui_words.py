# SPDX-License-Identifier: ISC
# tui_words.py: at 80x24 every cell names its problem first and uncut
# (issue 7): a password offered in plaintext reads "! password in clear"
# in the warning colour, never a quiet tick; plaintext on a port meant for
# implicit TLS reads "! plaintext on PORT"; a server that never greets
# reads "x timeout"; a self-signed certificate reads "! self-signed".
# The text report and JSON say the same words, and the detail pane shows
# the certificate's dates without scrolling.  Fake servers from
# tests/integ/hostile.py and tuilib on 127.0.0.1.
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (MAILPORTS, Tap, Term, FakeServer, Hostile,  # noqa
                    base_env, cell_uncut, make_cert, mailports_args,
                    require_binary, watchdog)

require_binary()
watchdog(90)
tap = Tap()
tmp = tempfile.mkdtemp(prefix="tui_words.")
ctx = make_cert(tmp)
bait = Hostile("starttls-missing")     # AUTH PLAIN LOGIN before any TLS
silent = Hostile("silent")             # accepts, never greets
plain = Hostile("tls-on-plain")        # plain SMTP, no AUTH
servers = [bait, silent, plain]
imap = FakeServer("imap", tls_ctx=ctx, starttls=True) if ctx else None
rows = ["smtp=%d" % bait.port, "submission=%d" % silent.port,
        "submissions=%d" % plain.port]
if imap:
    rows.append("imap=%d" % imap.port)
total = 3 * len(rows)
args = mailports_args(rows, ["--timeout", "1"])
OK, WARN, BAD = "\u2713", "!", "\u2717"


def row_of(t, service):
    for y, r in enumerate(t.screen.display):
        if re.match(r"^ ?(?:(SMTP|POP3|IMAP) +)?\d+ %s " % service, r):
            return y, r
    return None, ""


term = Term(args)
try:
    tap.ok(term.wait_text("%d/%d done" % (total, total), 20),
           "every cell finishes", term.text())
    term.settle()
    screen = term.text()
    y, r = row_of(term, "smtp")
    tap.ok(cell_uncut(r, WARN, "password in clear"),
           "AUTH before TLS: '! password in clear', uncut at 80 columns",
           screen)
    x = r.find("password in clear")
    tap.ok(y is not None and x > 0 and
           term.attrs(y, x).fg in ("yellow", "brown"),
           "... in the warning colour, not a neutral tick",
           y is not None and term.attrs(y, x))
    tap.ok(OK + " ok plain" not in r, "... and never a quiet tick", r)
    y, r = row_of(term, "submissions")
    tap.ok(cell_uncut(r, WARN, "plaintext on %d" % plain.port),
           "plaintext on an implicit-TLS port: '! plaintext on PORT'",
           screen)
    y, r = row_of(term, "submission")
    tap.ok(cell_uncut(r, BAD, "timeout"),
           "no greeting: '\u2717 timeout', uncut", screen)
    if imap:
        y, r = row_of(term, "imap")
        tap.ok(cell_uncut(r, WARN, "self-signed"),
               "self-signed certificate: '! self-signed', uncut", screen)
    tap.ok(all(len(line) == 80 for line in term.screen.display),
           "every line is 80 columns", screen)

    # The password cell's detail pane: the full sentence.
    term.key("home")
    for _ in range(len(rows)):
        if " smtp " in next((l for l in term.screen.display[1:]
                             if l.startswith("\u2500\u2500 ")), ""):
            break
        term.key("down")
    screen = term.text()
    tap.ok("password would travel" in screen and
           "unencrypted" in screen,
           "detail pane: the reason says the password would travel "
           "unencrypted", screen)
    if imap:
        # The STARTTLS cell of imap: dates seen without scrolling.
        for _ in range(len(rows)):
            if " imap " in next((l for l in term.screen.display[1:]
                                 if l.startswith("\u2500\u2500 ")), ""):
                break
            term.key("down")
        term.key("right")
        screen = term.text()
        m = re.search(r" Valid +(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)"
                      r" +\((\d+) days? left\)", screen)
        tap.ok(m is not None, "detail pane at 80x24: not before, not "
               "after and days left, without scrolling", screen)
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()

# The same words in the text report and JSON.
env = base_env()
out = subprocess.run([MAILPORTS, "--text"] + args, capture_output=True,
                     text=True, timeout=30, env=env)
tap.ok("password in clear" in out.stdout and
       "password would travel unencrypted" in out.stdout,
       "--text: the matrix says 'password in clear', the cell's line "
       "that the password would travel unencrypted", out.stdout)
out = subprocess.run([MAILPORTS, "--json"] + args, capture_output=True,
                     text=True, timeout=30, env=env)
try:
    cells = json.loads(out.stdout)["cells"]
except (ValueError, KeyError):
    cells = []
bait_plain = next((c for c in cells if c.get("port") == bait.port and
                   c.get("mode") == "plain"), {})
tap.ok(bait_plain.get("summary") == "password in clear" and
       bait_plain.get("tone") == "warn",
       "JSON: summary 'password in clear', tone warn", bait_plain)
slow = next((c for c in cells if c.get("port") == silent.port and
             c.get("mode") == "starttls"), {})
tap.ok(slow.get("summary") == "timeout", "JSON: summary 'timeout'", slow)
for s in servers:
    s.close()
if imap:
    imap.close()
tap.done()
