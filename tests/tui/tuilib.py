# SPDX-License-Identifier: ISC
# tuilib.py: drive the real mailports binary in a pseudo-terminal and read
# the screen as a person would, through the pyte terminal emulator; fake
# mail servers (SMTP, POP3, IMAP; optional STARTTLS and implicit TLS with a
# throw-away self-signed certificate) on 127.0.0.1; a tiny TAP emitter.
# Everything started here is stopped by PID or by closing its socket; every
# wait is bounded.
import fcntl
import os
import pty
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

import pyte

MAILPORTS = os.environ.get("MAILPORTS") or os.path.join(
    os.environ.get("builddir", "/work/main/build"), "mailports")

# Keys as a terminal in keypad-transmit mode sends them (TERM=screen).
KEY = {
    "up": b"\x1bOA", "down": b"\x1bOB", "right": b"\x1bOC",
    "left": b"\x1bOD", "enter": b"\r", "esc": b"\x1b", "tab": b"\t",
    "pgdn": b"\x1b[6~", "pgup": b"\x1b[5~", "home": b"\x1b[1~",
    "end": b"\x1b[4~", "bs": b"\x7f",
}


class Tap:
    """TAP with the plan at the end; a failing check prints diagnostics."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, name))
        if not cond:
            self.failed += 1
            if diag:
                for line in str(diag).splitlines():
                    print("# " + line)
        sys.stdout.flush()
        return cond

    def diag(self, msg):
        for line in str(msg).splitlines():
            print("# " + line)

    def done(self):
        print("1..%d" % self.n)
        sys.stdout.flush()
        sys.exit(0)


def skip_all(reason):
    print("1..0 # SKIP " + reason)
    sys.exit(0)


def require_binary():
    if not os.access(MAILPORTS, os.X_OK):
        skip_all("%s not built" % MAILPORTS)


def watchdog(seconds):
    """The whole test ends after seconds, whatever hangs."""
    def bail(signo, frame):
        print("Bail out! test took longer than %d s" % seconds)
        sys.stdout.flush()
        os._exit(1)
    signal.signal(signal.SIGALRM, bail)
    signal.alarm(seconds)


def base_env(**extra):
    env = dict(os.environ)
    for k in ("NO_COLOR", "LC_ALL", "LC_CTYPE", "MAILPORTS_HOLD_MS",
              "TMUX", "STY"):
        env.pop(k, None)
    env["TERM"] = "screen"
    env["LANG"] = "C.UTF-8"
    env.update(extra)
    return env


class Screen(pyte.Screen):
    """pyte 0.8 lacks SU/SD (CSI S, CSI T), which ncurses sends for TERM=
    screen (indn, rin) to scroll a region: add them as a terminal does."""

    def _region(self):
        if self.margins:
            return self.margins.top, self.margins.bottom
        return 0, self.lines - 1

    def scroll_up(self, count=None, *args, **kwargs):
        top, bottom = self._region()
        y = self.cursor.y
        self.cursor.y = bottom
        for _ in range(count or 1):
            self.index()
        self.cursor.y = y

    def scroll_down(self, count=None, *args, **kwargs):
        top, bottom = self._region()
        y = self.cursor.y
        self.cursor.y = top
        for _ in range(count or 1):
            self.reverse_index()
        self.cursor.y = y


class ByteStream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, S="scroll_up", T="scroll_down")


class Term:
    """mailports in a pty of cols x rows, its output fed to pyte."""

    def __init__(self, args, cols=80, rows=24, env=None):
        self.master, self.slave = pty.openpty()
        self.ttyname = os.ttyname(self.slave)
        self.set_size(cols, rows)
        self.screen = Screen(cols, rows)
        self.stream = ByteStream(self.screen)
        self.raw = bytearray()
        self.errfile = tempfile.TemporaryFile()
        self.stty_before = self.stty()
        slave = self.slave

        def child_setup():
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        self.proc = subprocess.Popen(
            [MAILPORTS] + list(args), stdin=slave, stdout=slave,
            stderr=self.errfile, env=env or base_env(),
            preexec_fn=child_setup, close_fds=True)
        self.pid = self.proc.pid

    def set_size(self, cols, rows):
        fcntl.ioctl(self.master, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))

    def resize(self, cols, rows):
        """As a terminal window does: the kernel sends SIGWINCH."""
        self.set_size(cols, rows)
        self.screen.resize(rows, cols)

    def pump(self, timeout=0.05):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        if not data:
            return False
        self.raw += data
        self.stream.feed(data)
        return True

    def settle(self, quiet=0.3, timeout=5.0):
        """Read until the program has been quiet for `quiet` seconds."""
        end = time.monotonic() + timeout
        last = time.monotonic()
        while time.monotonic() < end:
            if self.pump(0.05):
                last = time.monotonic()
            elif time.monotonic() - last >= quiet:
                return True
        return False

    def wait_for(self, pred, timeout=10.0):
        end = time.monotonic() + timeout
        while True:
            try:
                if pred(self):
                    return True
            except Exception:
                pass
            if time.monotonic() > end:
                return False
            self.pump(0.05)

    def wait_text(self, text, timeout=10.0):
        return self.wait_for(lambda t: text in t.text(), timeout)

    def text(self):
        return "\n".join(self.screen.display)

    def line(self, y):
        return self.screen.display[y]

    def find(self, text):
        """(y, x) of the first occurrence of text on screen, or None."""
        for y, row in enumerate(self.screen.display):
            x = row.find(text)
            if x >= 0:
                return (y, x)
        return None

    def attrs(self, y, x):
        return self.screen.buffer[y][x]

    def send(self, data, settle=0.15):
        if isinstance(data, str):
            data = data.encode()
        os.write(self.master, data)
        if data == b"\x1b":
            time.sleep(0.12)    # past ESCDELAY: a lone Esc
        self.settle(quiet=settle, timeout=3)

    def key(self, name, settle=0.15):
        self.send(KEY[name], settle)

    def alive(self):
        return self.proc.poll() is None

    def wait_exit(self, timeout=10.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.02)
            if self.proc.poll() is not None:
                while self.pump(0.05):
                    pass
                return self.proc.returncode
        return None

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read().decode("utf-8", "replace")

    def sanitizer_report(self):
        """ASan/UBSan/LSan output on stderr, or '' when clean."""
        err = self.stderr()
        for mark in ("Sanitizer", "runtime error:"):
            i = err.find(mark)
            if i >= 0:
                return err[max(0, i - 200):i + 2000]
        return ""

    def stty(self):
        """stty -g of the terminal, read from outside the program."""
        with open(self.ttyname, "rb") as f:
            return subprocess.run(["stty", "-g"], stdin=f,
                                  capture_output=True, text=True,
                                  timeout=5).stdout.strip()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self.errfile.close()

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / tick


# ---------------------------------------------------------------------
# Fake mail servers.

def make_cert(directory, cn="fake.test"):
    """A throw-away self-signed certificate; None without openssl."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-keyout", key, "-out", cert, "-days", "3", "-subj",
             "/CN=" + cn, "-addext", "subjectAltName=DNS:" + cn],
            check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


class FakeServer:
    """One listening socket; a thread per connection plays proto."""

    def __init__(self, proto, banner=None, caps=None, tls_ctx=None,
                 starttls=False, implicit=False, delay=0.0):
        self.proto = proto
        self.banner = banner
        self.caps = caps
        self.ctx = tls_ctx
        self.starttls = starttls and tls_ctx is not None
        self.implicit = implicit and tls_ctx is not None
        self.delay = delay
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.stopped = False
        self.conns = []
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def close(self):
        self.stopped = True
        try:
            self.sock.close()
        except OSError:
            pass
        for c in list(self.conns):
            try:
                c.close()
            except OSError:
                pass

    def accept_loop(self):
        while not self.stopped:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self.serve, args=(c,),
                             daemon=True).start()

    def serve(self, c):
        c.settimeout(8)
        try:
            if self.implicit:
                c = self.ctx.wrap_socket(c, server_side=True)
            if self.delay:
                time.sleep(self.delay)
            getattr(self, "play_" + self.proto)(c)
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            try:
                c.close()
            except OSError:
                pass

    @staticmethod
    def lines(c):
        buf = b""
        while True:
            while b"\n" not in buf:
                data = c.recv(4096)
                if not data:
                    return
                buf += data
                if len(buf) > 65536:
                    return
            line, buf = buf.split(b"\n", 1)
            yield line.rstrip(b"\r")

    def upgrade(self, c):
        return self.ctx.wrap_socket(c, server_side=True)

    def play_smtp(self, c):
        c.sendall(self.banner or b"220 fake.test ESMTP fake\r\n")
        tls = self.implicit
        while True:
            gen = self.lines(c)
            upgraded = False
            for line in gen:
                verb = line[:8].upper()
                if verb.startswith(b"EHLO") or verb.startswith(b"HELO"):
                    caps = list(self.caps or [b"PIPELINING", b"SIZE 1000"])
                    if self.starttls and not tls:
                        caps.append(b"STARTTLS")
                    if tls:
                        caps.append(b"AUTH PLAIN LOGIN")
                    out = b"250-fake.test\r\n"
                    for i, cap in enumerate(caps):
                        out += (b"250 " if i == len(caps) - 1 else
                                b"250-") + cap + b"\r\n"
                    c.sendall(out)
                elif verb.startswith(b"STARTTLS") and self.starttls \
                        and not tls:
                    c.sendall(b"220 2.0.0 go ahead\r\n")
                    c = self.upgrade(c)
                    tls = upgraded = True
                    break
                elif verb.startswith(b"QUIT"):
                    c.sendall(b"221 2.0.0 bye\r\n")
                    return
                else:
                    c.sendall(b"500 5.5.2 what\r\n")
            if not upgraded:
                return

    def play_pop3(self, c):
        c.sendall(self.banner or b"+OK fake POP3 ready\r\n")
        tls = self.implicit
        while True:
            upgraded = False
            for line in self.lines(c):
                verb = line.split(b" ")[0].upper()
                if verb == b"CAPA":
                    caps = list(self.caps or [b"TOP", b"UIDL"])
                    caps.append(b"USER" if tls else b"SASL")
                    if self.starttls and not tls:
                        caps.append(b"STLS")
                    c.sendall(b"+OK\r\n" + b"".join(
                        x + b"\r\n" for x in caps) + b".\r\n")
                elif verb == b"STLS" and self.starttls and not tls:
                    c.sendall(b"+OK begin TLS\r\n")
                    c = self.upgrade(c)
                    tls = upgraded = True
                    break
                elif verb == b"QUIT":
                    c.sendall(b"+OK bye\r\n")
                    return
                else:
                    c.sendall(b"-ERR what\r\n")
            if not upgraded:
                return

    def play_imap(self, c):
        c.sendall(self.banner or b"* OK fake IMAP ready\r\n")
        tls = self.implicit
        while True:
            upgraded = False
            for line in self.lines(c):
                parts = line.split(b" ")
                if len(parts) < 2:
                    c.sendall(b"* BAD what\r\n")
                    continue
                tag, verb = parts[0], parts[1].upper()
                if verb == b"CAPABILITY":
                    caps = list(self.caps or [b"IMAP4rev1", b"IDLE"])
                    if self.starttls and not tls:
                        caps += [b"STARTTLS", b"LOGINDISABLED"]
                    if tls:
                        caps.append(b"AUTH=PLAIN")
                    c.sendall(b"* CAPABILITY " + b" ".join(caps) +
                              b"\r\n" + tag + b" OK done\r\n")
                elif verb == b"STARTTLS" and self.starttls and not tls:
                    c.sendall(tag + b" OK begin TLS\r\n")
                    c = self.upgrade(c)
                    tls = upgraded = True
                    break
                elif verb == b"LOGOUT":
                    c.sendall(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                    return
                else:
                    c.sendall(tag + b" BAD what\r\n")
            if not upgraded:
                return


def free_port():
    """A port nothing listens on (bound, then released)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def mailports_args(ports, extra=()):
    """Arguments probing fake.test (127.0.0.1) on the given rows."""
    return (["--resolve", "fake.test:127.0.0.1", "--timeout", "3",
             "--ports", ",".join(ports)] + list(extra) + ["fake.test"])


class Hostile:
    """tests/integ/hostile.py SCENARIO on 127.0.0.1: a misbehaving fake
    server in its own process, stopped by its PID."""

    def __init__(self, scenario):
        here = os.path.dirname(os.path.abspath(__file__))
        script = os.path.join(here, "..", "integ", "hostile.py")
        env = dict(os.environ, HOSTILE_LIFETIME="120")
        self.proc = subprocess.Popen(
            [sys.executable, script, scenario], stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL, env=env)
        r, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline() if r else b""
        try:
            self.port = int(line.strip())
        except ValueError:
            self.close()
            raise RuntimeError("hostile.py %s did not start" % scenario)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc.stdout.close()


def cell_uncut(screen_text, glyph, word):
    """True when `glyph word` is on screen and not cut: the next
    character is not the cut mark (U+2026 or '>') nor a letter."""
    i = screen_text.find(glyph + " " + word)
    while i >= 0:
        j = i + len(glyph) + 1 + len(word)
        nxt = screen_text[j:j + 1]
        if nxt in ("", " ", "\n"):
            return True
        i = screen_text.find(glyph + " " + word, i + 1)
    return False
