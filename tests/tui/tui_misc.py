# SPDX-License-Identifier: ISC
# tui_misc.py: the smaller things of issue 7.  -L FILE writes a debug log
# (the arguments, every cell with its transcript) from the screen and from
# --text; --text shows progress on stderr when stderr is a terminal and
# nothing when it is not; a saved report records the time, the version and
# the command; with several hosts each block names its host whole at 80
# columns; the mouse wheel scrolls; --no-mouse leaves the mouse to the
# terminal, and the help says how to select text.
import json
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (MAILPORTS, Tap, Term, FakeServer, base_env,  # noqa
                    mailports_args, require_binary, watchdog)

require_binary()
watchdog(90)
tap = Tap()
tmp = tempfile.mkdtemp(prefix="tui_misc.")
srv = FakeServer("smtp")
slow = FakeServer("smtp", delay=1.2)
rows = ["smtp=%d" % srv.port]

# -L from the screen.
log = os.path.join(tmp, "screen.log")
term = Term(mailports_args(rows, ["-L", log, "--exit-when-done"]))
try:
    tap.ok(term.wait_exit(15) == 0, "screen with -L runs and ends",
           term.stderr())
finally:
    term.close()
text = open(log).read() if os.path.exists(log) else ""
tap.ok("mailports " in text and "argument: -L" in text and
       re.search(r"cell 127\.0\.0\.1 SMTP %d plain: ok" % srv.port, text)
       and "S< pln 220 fake.test" in text and "ui: " in text,
       "-L FILE from the screen: arguments, cells and their transcript",
       text[:3000])

# -L and progress with --text.  stderr on a pty: progress; on a pipe: none.
log = os.path.join(tmp, "text.log")
master, slave = pty.openpty()
p = subprocess.Popen([MAILPORTS, "--text", "-L", log] +
                     mailports_args(["smtp=%d" % slow.port]),
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=slave, env=base_env())
os.close(slave)
err = b""
end = time.monotonic() + 15
while time.monotonic() < end:
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        if not data:
            break
        err += data
    elif p.poll() is not None:
        break
out = p.communicate(timeout=10)[0].decode()
os.close(master)
tap.ok(b"mailports: probing fake.test" in err and b"/3 done" in err,
       "--text, stderr a terminal: a progress line while it waits", err)
tap.ok(err.rstrip(b" \r").endswith(b"\r") or err.endswith(b"\r"),
       "... and it is cleared at the end", err[-100:])
tap.ok("ok plain" in out, "the report itself still on stdout", out)
text = open(log).read() if os.path.exists(log) else ""
tap.ok("argument: --text" in text and "cell 127.0.0.1" in text,
       "-L FILE with --text writes the log", text[:2000])
q = subprocess.run([MAILPORTS, "--text"] + mailports_args(rows),
                   stdin=subprocess.DEVNULL, capture_output=True,
                   env=base_env(), timeout=30)
tap.ok(q.stderr == b"", "--text, stderr not a terminal: no progress",
       q.stderr)

# A saved report records when, which version and the command.
term = Term(mailports_args(rows))
try:
    term.wait_text("3/3 done", 10)
    for name in ("saved.txt", "saved.json"):
        path = os.path.join(tmp, name)
        term.send("s")
        term.send(b"\x15" + path.encode() + b"\r")
        term.settle(0.3)
    txt = open(os.path.join(tmp, "saved.txt")).read()
    tap.ok(re.search(r"^mailports \S+:", txt, re.M) and
           re.search(r"^written \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, command: "
                     r"mailports .*--ports smtp=%d" % srv.port, txt, re.M),
           "saved text report: version, time and command", txt[:400])
    js = json.load(open(os.path.join(tmp, "saved.json")))["mailports"]
    tap.ok(js.get("version") and re.match(r"\d{4}-\d\d-\d\dT", js.get(
        "written", "")) and "smtp=%d" % srv.port in js.get("arguments",
                                                          []),
           "saved JSON report: version, written, arguments", js)

    term.send("?")
    help_text = term.text()
    for _ in range(6):
        term.key("pgdn")
        help_text += term.text()
    tap.ok("Shift" in help_text and "--no-mouse" in help_text,
           "the help says how to select text", help_text)
    term.send("Q", settle=0.05)
    term.wait_exit(5)
    tap.ok(b"\x1b[?1000h" in term.raw, "the mouse is ours by default", "")
finally:
    term.close()

# The wheel in the transcript, on a short screen: three lines a notch.
term = Term(mailports_args(rows), rows=14)
try:
    term.wait_text("3/3 done", 10)
    term.key("enter")
    foot = term.line(13)
    m0 = re.search(r"(\d+)-(\d+)/(\d+)", foot)
    tap.ok(m0 is not None and int(m0.group(3)) > int(m0.group(2)),
           "the transcript is longer than the screen", term.text())
    term.send(b"\x1b[Ma" + bytes([33 + 10, 33 + 5]))
    m1 = re.search(r"(\d+)-(\d+)/(\d+)", term.line(13))
    tap.ok(m0 and m1 and int(m1.group(1)) == int(m0.group(1)) + 3,
           "mouse wheel down scrolls the transcript by 3 lines",
           (foot, term.line(13)))
    term.send(b"\x1b[M`" + bytes([33 + 10, 33 + 5]))
    m2 = re.search(r"(\d+)-(\d+)/(\d+)", term.line(13))
    tap.ok(m2 and m0 and m2.group(1) == m0.group(1),
           "mouse wheel up scrolls back", term.line(13))
    term.send("Q", settle=0.05)
    term.wait_exit(5)
finally:
    term.close()

term = Term(mailports_args(rows, ["--no-mouse"]))
try:
    term.wait_text("3/3 done", 10)
    term.send("Q", settle=0.05)
    term.wait_exit(5)
    tap.ok(b"\x1b[?1000h" not in term.raw and b"\x1b[?1002h" not in
           term.raw, "--no-mouse: mouse reporting never turned on", "")
finally:
    term.close()

# Several hosts: each block names its host whole at 80 columns.
names = ["a-rather-long-host-name.mail.example.test", "second.example.test"]
args = ["--timeout", "2", "--ports", "smtp=%d" % srv.port]
for n in names:
    args += ["--resolve", "%s:127.0.0.1" % n]
term = Term(args + names)
try:
    term.wait_text("6/6 done", 15)
    term.settle()
    screen = term.text()
    tap.ok(all(any(r.strip() == n for r in term.screen.display)
               for n in names),
           "several hosts: each block's host name whole on its own line",
           screen)
    term.send("Q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "Q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
srv.close()
slow.close()
tap.done()
