# SPDX-License-Identifier: ISC
# tui_basic.py: what a person sees and does on an 80x24 terminal against
# fake SMTP, POP3 and IMAP servers on 127.0.0.1 (STARTTLS and implicit TLS
# with a self-signed certificate when openssl is there): cells fill in,
# the selection moves the detail pane, the transcript opens, search, hex,
# certificate chain, help, save (good and bad paths), re-probe, watch, a
# mouse click, and quitting leaves the terminal as it was.
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (Tap, Term, FakeServer, make_cert, free_port,  # noqa
                    mailports_args, require_binary, watchdog)

require_binary()
watchdog(150)
tap = Tap()
tmp = tempfile.mkdtemp(prefix="tui_basic.")
ctx = make_cert(tmp)
tls = ctx is not None
if not tls:
    tap.diag("openssl not usable: TLS checks skipped")

servers = {
    "smtp": FakeServer("smtp", tls_ctx=ctx, starttls=True),
    "submissions": FakeServer("smtp", tls_ctx=ctx, implicit=True),
    "pop3": FakeServer("pop3"),
    "imap": FakeServer("imap", tls_ctx=ctx, starttls=True),
}
closed = free_port()
rows = ["%s=%d" % (k, s.port) for k, s in servers.items()]
rows.append("imaps=%d" % closed)
nrows = len(rows)


def heading_x(t):
    """x of each mode heading on the block title line."""
    for row in t.screen.display:
        if "STARTTLS" in row and "SSL/TLS" in row and "None" in row:
            return {m: row.find(m) for m in ("None", "STARTTLS",
                                             "SSL/TLS")}
    return None


def cells(t, service):
    """The three cells of the row of service, as text."""
    hx = heading_x(t)
    for row in t.screen.display:
        m = re.match(r"^ ?(?:(SMTP|POP3|IMAP) +)?(\d+) (\S+)", row)
        if m and m.group(3) == service:
            xs = [hx["None"], hx["STARTTLS"], hx["SSL/TLS"], len(row) + 2]
            return {k: row[xs[i] - 2:xs[i + 1] - 2].strip()
                    for i, k in enumerate(("None", "STARTTLS", "SSL/TLS"))}
    return None


def detail_title(t):
    for row in t.screen.display[1:]:
        if row.startswith("\u2500\u2500 ") and " \u00b7 " in row:
            return row.strip("\u2500 ")
    return ""


def select(t, service, mode):
    """Move with the arrow keys until the detail pane shows the cell."""
    modes = ["None", "STARTTLS", "SSL/TLS"]
    for _ in range(40):
        title = detail_title(t)
        if (" %s " % service) in title and ("\u00b7 %s \u00b7" % mode) in \
                title:
            return True
        parts = title.split(" ")
        svc = parts[2] if len(parts) > 2 else ""
        order = sorted_services(t)
        if svc != service:
            if svc in order and service in order and \
                    order.index(svc) > order.index(service):
                t.key("up")
            else:
                t.key("down")
        else:
            now = next((m for m in modes if ("\u00b7 %s \u00b7" % m) in
                        title), "None")
            t.key("right" if modes.index(mode) > modes.index(now)
                  else "left")
    return False


def sorted_services(t):
    out = []
    for row in t.screen.display:
        m = re.match(r"^ ?(?:(SMTP|POP3|IMAP) +)?(\d+) (\S+)", row)
        if m:
            out.append(m.group(3))
    return out


term = Term(mailports_args(rows))
try:
    before = None
    total = nrows * 3
    tap.ok(term.wait_text("%d/%d done" % (total, total), 20),
           "every cell of %d rows x 3 modes finishes" % nrows, term.text())
    term.settle()
    screen = term.text()
    tap.ok("fake.test" in term.line(0) and "127.0.0.1" in term.line(0),
           "header names the target and its address", term.line(0))
    hx = heading_x(term)
    tap.ok(hx is not None, "mode headings use the words of mail programs",
           screen)
    c = cells(term, "smtp")
    tap.ok(c is not None and c["None"].startswith("\u2713 ok plain"),
           "smtp plain cell: works in plaintext", c)
    if tls:
        tap.ok(c["STARTTLS"].startswith("! self-signed TLS1."),
               "smtp STARTTLS cell: glyph !, the problem first, then "
               "the TLS version", c)
        s = cells(term, "submissions")
        tap.ok(s["SSL/TLS"].startswith("! self-signed") and
               "needs SSL/TLS" in s["None"],
               "submissions: implicit TLS works, plaintext is the "
               "wrong mode", s)
    p = cells(term, "pop3")
    tap.ok(p is not None and "not offered" in p["STARTTLS"],
           "pop3 without STLS: STARTTLS not offered", p)
    r = cells(term, "imaps")
    tap.ok(r is not None and all("refused" in r[m] for m in r),
           "closed port: every mode says refused", r)
    lines = term.screen.display
    tap.ok(all(len(x) == 80 for x in lines) and
           "quit" in lines[23], "80x24: footer on the last line", lines[23])

    # The selection moves, the detail pane follows.
    first = detail_title(term)
    term.key("down")
    second = detail_title(term)
    tap.ok(first != second and second != "",
           "Down selects another row: detail pane changes",
           "%r -> %r" % (first, second))
    term.key("right")
    tap.ok("\u00b7 STARTTLS \u00b7" in detail_title(term),
           "Right selects the STARTTLS column", detail_title(term))
    term.send("l")
    tap.ok("\u00b7 SSL/TLS \u00b7" in detail_title(term),
           "l (vi key) selects the SSL/TLS column", detail_title(term))

    ok = select(term, "smtp", "STARTTLS")
    tap.ok(ok, "arrow keys reach the smtp STARTTLS cell",
           detail_title(term))
    screen = term.text()
    tap.ok("Status" in screen and "Greeting" in screen and
           "220 fake.test ESMTP fake" in screen,
           "detail pane: status and greeting", screen)
    if tls:
        tap.ok("+AUTH PLAIN LOGIN" in screen and "-STARTTLS" in screen,
               "capabilities after TLS: new +AUTH, gone -STARTTLS marked",
               screen)
        term.key("pgdn")
        more = term.text()
        tap.ok("self-signed" in screen + more and
               "CN=fake.test" in screen + more,
               "detail pane (PgDn): certificate subject and problem",
               more)
        term.key("pgup")

    # Transcript.
    term.key("enter")
    screen = term.text()
    tap.ok("transcript:" in term.line(0) and "C>" in screen and
           "S<" in screen and "+" in screen and " ms " in screen,
           "Enter opens the transcript: times, directions", screen)
    tap.ok(re.search(r"S<\s+plain\s+220 fake.test", screen) is not None,
           "server line tagged plain", screen)
    if tls:
        term.key("end")
        tail = term.text()
        tap.ok(re.search(r"S<\s+tls\s+250", tail) is not None,
               "lines after STARTTLS tagged tls (unverified)", tail)
        term.key("home")
    term.send("/")
    tap.ok(term.line(23).startswith("/"), "/ opens the search prompt",
           term.line(23))
    term.send("ehlo")
    pos = term.find("EHLO")
    hl = pos is not None and term.attrs(*pos).bg != "default"
    tap.ok(hl, "incremental search highlights the match",
           term.text())
    term.key("enter")
    tap.ok(not term.line(23).startswith("/"), "Enter confirms the search",
           term.line(23))
    if tls:
        y1 = [y for y, r in enumerate(term.screen.display)
              if "EHLO" in r and term.attrs(y, 0).bg != "x"]
        term.send("n")
        y2 = [y for y, r in enumerate(term.screen.display) if "EHLO" in r]
        tap.ok(y1 != [] and y2 != [],
               "n goes to the next match (EHLO again inside TLS)",
               term.text())
    term.send("/")
    term.send("zzqq")
    tap.ok("not found" in term.line(23), "a search without match says so",
           term.line(23))
    term.key("esc")
    tap.ok("not found" not in term.line(23) and
           not term.line(23).startswith("/"), "Esc cancels the search",
           term.line(23))

    term.send("x")
    screen = term.text()
    tap.ok("hex:" in term.line(0) and re.search(
        r"0000 +45 48 4c 4f 20", screen) is not None and
        "|EHLO [127.0.0.1]|" in screen,
        "x: hex view at the match: offset, bytes and text", screen)
    term.send("c")
    screen = term.text()
    if tls:
        tap.ok("Certificate 1 of 1" in screen and "Serial" in screen and
               "Not after" in screen and "CN=fake.test" in screen and
               "self-signed" in screen,
               "c: the certificate chain in full", screen)
    else:
        tap.ok("certificates:" in term.line(0), "c: certificate view",
               screen)
    term.send("q")
    tap.ok("transcript" in term.line(23) and "move" in term.line(23),
           "q goes back to the matrix", term.line(23))

    term.send("?")
    screen = term.text()
    tap.ok("help" in term.line(0) and "Matrix" in screen and
           "select the row above" in screen,
           "? shows the help generated from the key table", screen)
    term.key("end")
    screen = term.text()
    tap.ok("Escapes are drawn in reverse video" in screen,
           "help ends with the legend", screen)
    term.key("esc")
    tap.ok("move" in term.line(23), "Esc closes the help", term.line(23))

    # Save: JSON, overwrite, then a path that cannot work.
    path = os.path.join(tmp, "report.json")
    term.send("s")
    tap.ok("Save report to" in term.line(23), "s asks for a file name",
           term.line(23))
    term.send("\x15" + path + "\r")
    tap.ok("saved the JSON report" in term.text(),
           "saved; the status line says so", term.line(23))
    try:
        with open(path) as f:
            json.load(f)
        valid = True
    except (OSError, ValueError) as e:
        valid = e
    tap.ok(valid is True, "the saved file is JSON", valid)
    term.send("s")
    term.send("\x15" + path + "\r")
    tap.ok("exists" in term.line(23), "an existing file: asked first",
           term.line(23))
    term.send("y")
    tap.ok("saved" in term.line(23), "y overwrites", term.line(23))
    term.send("s")
    term.send("\x15/nonexistent-dir/x.txt\r")
    tap.ok("cannot save" in term.line(23) and term.alive(),
           "a bad path is reported, nothing crashes", term.line(23))
    txt = os.path.join(tmp, "report.txt")
    term.send("s")
    term.send("\x15" + txt + "\r")
    tap.ok(os.path.exists(txt) and "saved the text report" in
           term.line(23), "a name without .json gives the text report",
           term.line(23))

    # Re-probe one cell, then everything; watch toggles.
    term.send("r")
    tap.ok("again" in term.line(23), "r re-probes the selected cell",
           term.line(23))
    tap.ok(term.wait_text("%d/%d done" % (total, total), 15),
           "the cell finishes again", term.line(0))
    term.send("R")
    tap.ok(term.wait_text("%d/%d done" % (total, total), 20),
           "R re-probes every cell", term.line(0))
    term.send("w")
    tap.ok("watch" in term.line(0), "w: watch shown in the header",
           term.line(0))
    term.send("w")
    tap.ok("watch" not in term.line(0), "w again: watch off", term.line(0))

    # A mouse click on a cell of another row (X10 encoding).
    y = next((yy for yy, row in enumerate(term.screen.display)
              if re.match(r"^ ?(?:(SMTP|POP3|IMAP) +)?\d+ pop3", row)), None)
    hx = heading_x(term)
    if y is not None and hx is not None:
        x = hx["SSL/TLS"]
        term.send(b"\x1b[M" + bytes([32, 33 + x, 33 + y]) +
                  b"\x1b[M" + bytes([35, 33 + x, 33 + y]))
        tap.ok(" pop3 " in detail_title(term) and
               "SSL/TLS" in detail_title(term),
               "a mouse click selects the cell", detail_title(term))
    else:
        tap.ok(False, "pop3 row found for the click", term.text())

    term.send("q", settle=0.05)
    rc = term.wait_exit(5)
    tap.ok(rc == 0, "q quits with status 0", "rc=%r %s" % (rc,
                                                          term.stderr()))
    tap.ok(b"\x1b[?1049l" in term.raw[-200:],
           "the alternate screen is left at the end", term.raw[-200:])
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
    for s in servers.values():
        s.close()
tap.done()
