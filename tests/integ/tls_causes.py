#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tls_causes.py: TLS failures named by their cause, end to end.

    tls_causes.py MAILPORTS

Runs `mailports --json --modes tls` against openssl s_server playing an
IMAPS server on loopback (certificates made in a temporary directory) and
prints TAP:

- a TLS 1.2 server that asks to renegotiate (s_server's "R": a
  HelloRequest) after our CAPABILITY command: tls_failed, "server asked to
  renegotiate ...", and the same server without "R" works (control);
- handshake records re-framed to 1 byte by a proxy (TLS 1.2 and 1.3):
  tls_failed, "server split a handshake message header ..."; to 4 bytes:
  works (control);
- a chain of 10 intermediates: tls_failed, "certificate chain too long
  (11 certificates, ...)", with the 11 certificates in the facts.

Every server is stopped by its PID, every wait is bounded, loopback only.
"""

import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HOST = "mail.test.example"
CASE_SECS = 30.0            # one case, server to verdict
MAILPORTS_SECS = 60         # one mailports run

CERTS_SH = r"""
set -e
H=%(host)s
printf '%%s\n' '[ cax ]' 'basicConstraints = critical, CA:true' \
    'keyUsage = critical, keyCertSign' '[ leaf ]' \
    'basicConstraints = critical, CA:false' \
    'keyUsage = critical, digitalSignature' \
    'extendedKeyUsage = serverAuth' "subjectAltName = DNS:$H" >x.ext
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -new -x509 -key ca.key -subj "/CN=tls_causes CA" -days 30 \
    -addext "basicConstraints = critical, CA:true" \
    -addext "keyUsage = critical, keyCertSign" -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out leaf.key
openssl req -new -key leaf.key -subj "/CN=$H" -out leaf.csr
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial 10 \
    -days 30 -extfile x.ext -extensions leaf -out leaf.pem
prev=ca; : >chain10.pem
for i in 1 2 3 4 5 6 7 8 9 10; do
	openssl ecparam -name prime256v1 -genkey -noout -out i$i.key
	openssl req -new -key i$i.key -subj /CN=int$i -out i$i.csr
	openssl x509 -req -in i$i.csr -CA $prev.pem -CAkey $prev.key \
	    -set_serial $((100 + i)) -days 30 -extfile x.ext -extensions cax \
	    -out i$i.pem
	cat i$i.pem chain10.pem >c.tmp && mv c.tmp chain10.pem
	prev=i$i
done
openssl x509 -req -in leaf.csr -CA i10.pem -CAkey i10.key -set_serial 210 \
    -days 30 -extfile x.ext -extensions leaf -out leaf10.pem
"""

TESTS = []


def tap(ok, desc, diag=None):
    TESTS.append(ok)
    print("%s %d - %s" % ("ok" if ok else "not ok", len(TESTS), desc))
    if not ok and diag:
        for line in str(diag).splitlines()[:40]:
            print("# " + line)
    sys.stdout.flush()


class SServer:
    """openssl s_server -crlf on 127.0.0.1:0 playing IMAPS through its
    stdin and stdout: the greeting once the handshake is done, answers to
    CAPABILITY (or "R", a renegotiation request, when reneg) and
    LOGOUT.  Every write starts with "*": s_server takes a line that
    starts with Q or q (a tag might) as a command to quit."""

    def __init__(self, cwd, args, reneg=False):
        self.reneg = reneg
        self.out = b""
        self.port = None
        self.proc = subprocess.Popen(
            ["openssl", "s_server", "-accept", "127.0.0.1:0", "-crlf"] +
            args, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        self.stop_at = time.monotonic() + CASE_SECS
        deadline = time.monotonic() + 10
        while self.port is None and time.monotonic() < deadline:
            if not self._read(0.2):
                break
            m = re.search(rb"ACCEPT 127\.0\.0\.1:(\d+)\n", self.out)
            if m:
                self.port = int(m.group(1))
        self.thread = None
        if self.port is not None:
            self.thread = threading.Thread(target=self._play, daemon=True)
            self.thread.start()

    def _read(self, wait):
        """Append what s_server printed within wait seconds; False at
        EOF."""
        r, _, _ = select.select([self.proc.stdout], [], [], wait)
        if not r:
            return True
        d = os.read(self.proc.stdout.fileno(), 65536)
        if not d:
            return False
        self.out += d
        return True

    def _say(self, text):
        try:
            self.proc.stdin.write(text.encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    def _play(self):
        pos = 0
        greeted = False
        while time.monotonic() < self.stop_at:
            if not self._read(0.1):
                return
            while True:
                nl = self.out.find(b"\n", pos)
                if nl < 0:
                    break
                line = self.out[pos:nl].rstrip(b"\r").decode("latin-1")
                pos = nl + 1
                if line.startswith("CIPHER is") and not greeted:
                    greeted = True
                    self._say("* OK IMAP4rev1 tls_causes ready\n")
                    continue
                m = re.match(r"^(\S+) (CAPABILITY|LOGOUT)$", line)
                if not m:
                    continue
                tag, cmd = m.groups()
                if cmd == "CAPABILITY" and self.reneg:
                    self._say("R\n")
                elif cmd == "CAPABILITY":
                    self._say("* CAPABILITY IMAP4rev1 AUTH=PLAIN\n"
                              "%s OK done\n" % tag)
                else:
                    self._say("* BYE bye\n%s OK done\n" % tag)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.stop_at = 0
        if self.thread is not None:
            self.thread.join(5)


class FragProxy:
    """One connection: client bytes pass as they are; the server's
    plaintext handshake records (until its ChangeCipherSpec) are re-framed
    into records of at most frag bytes (RFC 8446 5.1 allows any split)."""

    def __init__(self, upstream, frag):
        self.upstream = upstream
        self.frag = frag
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(1)
        self.port = self.ls.getsockname()[1]
        self.stop_at = time.monotonic() + CASE_SECS
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        self.ls.settimeout(CASE_SECS)
        try:
            c, _ = self.ls.accept()
            u = socket.create_connection(("127.0.0.1", self.upstream), 10)
        except OSError:
            return
        buf = b""
        ccs = False
        try:
            while time.monotonic() < self.stop_at:
                r, _, _ = select.select([c, u], [], [], 0.2)
                if c in r:
                    d = c.recv(65536)
                    if not d:
                        break
                    u.sendall(d)
                if u not in r:
                    continue
                d = u.recv(65536)
                if not d:
                    break
                buf += d
                while len(buf) >= 5:
                    n = 5 + (buf[3] << 8 | buf[4])
                    if len(buf) < n:
                        break
                    rec, buf = buf[:n], buf[n:]
                    if rec[0] == 20:
                        ccs = True
                    if rec[0] != 22 or ccs:
                        c.sendall(rec)
                        continue
                    body = rec[5:]
                    for i in range(0, len(body), self.frag):
                        k = body[i:i + self.frag]
                        c.sendall(rec[:3] + bytes([len(k) >> 8,
                                                   len(k) & 0xff]) + k)
        except OSError:
            pass
        finally:
            c.close()
            u.close()

    def stop(self):
        self.stop_at = 0
        self.ls.close()
        self.thread.join(5)


def mailports(mp, port, ca):
    """The one cell of an IMAPS probe of port, or (None, why)."""
    try:
        p = subprocess.run(
            [mp, "--json", "--ports", "imaps=%d" % port, "--modes", "tls",
             "--resolve", HOST + ":127.0.0.1", "--ca-file", ca,
             "--timeout", "5", HOST],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            timeout=MAILPORTS_SECS)
    except subprocess.TimeoutExpired:
        return None, "mailports did not finish in %d s" % MAILPORTS_SECS
    # Exit 0 when the probes ran; anything else (a sanitizer's report
    # among them) fails the case.
    if p.returncode != 0:
        return None, "exit %d: %s" % (p.returncode,
                                      p.stderr.decode()[-1500:])
    try:
        return json.loads(p.stdout)["cells"][0], None
    except (ValueError, KeyError, IndexError):
        return None, "no JSON: %s" % p.stderr.decode()[-500:]


def describe(cell):
    if cell is None:
        return "no cell"
    t = cell.get("tls") or {}
    return "status %s, reason %r, tls.failure %r, chain_sent %r" % (
        cell.get("status"), cell.get("reason"), t.get("failure"),
        t.get("chain_sent"))


def in_transcript(cell, text):
    return any(text in e.get("text", "") for e in cell.get("transcript", []))


def case(d, mp, args, frag=None, reneg=False):
    """One server (and proxy): the cell mailports reports."""
    srv = SServer(d, args, reneg)
    if srv.port is None:
        srv.stop()
        return None, "s_server did not start: %r" % srv.out[-300:]
    proxy = FragProxy(srv.port, frag) if frag else None
    try:
        return mailports(mp, proxy.port if proxy else srv.port,
                         os.path.join(d, "ca.pem"))
    finally:
        if proxy:
            proxy.stop()
        srv.stop()


def main():
    mp = sys.argv[1]
    if shutil.which("openssl") is None:
        print("1..0 # SKIP openssl not installed")
        return 0
    d = tempfile.mkdtemp(prefix="t_tls_causes.")
    try:
        r = subprocess.run(["sh", "-c", CERTS_SH % {"host": HOST}], cwd=d,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=120)
        if r.returncode != 0:
            print("1..0 # SKIP openssl cannot make the test certificates")
            return 0
        print("1..7")
        leaf = ["-cert", "leaf.pem", "-key", "leaf.key"]

        cell, why = case(d, mp, leaf + ["-tls1_2"])
        tap(cell is not None and cell["status"] == "ok" and
            cell["tls"]["version"] == "TLSv1.2",
            "TLS 1.2 IMAPS server that answers CAPABILITY: ok (control)",
            why or describe(cell))

        cell, why = case(d, mp, leaf + ["-tls1_2"], reneg=True)
        ok = (cell is not None and cell["status"] == "tls_failed" and
              (cell["reason"] or "").startswith(
                  "server asked to renegotiate (TLS 1.2 HelloRequest "
                  "after the handshake; refused)") and
              "during capabilities" in cell["reason"] and
              cell["tls"]["established"] and
              in_transcript(cell, "server asked to renegotiate"))
        tap(ok, "TLS 1.2 server asks to renegotiate after CAPABILITY: "
            "tls_failed, named", why or describe(cell))

        for ver in ("-tls1_2", "-tls1_3"):
            cell, why = case(d, mp, leaf + [ver], frag=1)
            ok = (cell is not None and cell["status"] == "tls_failed" and
                  "server split a handshake message header across TLS "
                  "records (a record of 1 byte)" in (cell["reason"] or "")
                  and "non-TLS" not in (cell["reason"] or ""))
            tap(ok, "%s handshake records of 1 byte: tls_failed, the split "
                "named" % ver[1:], why or describe(cell))

        cell, why = case(d, mp, leaf + ["-tls1_2"], frag=4)
        tap(cell is not None and cell["status"] == "ok",
            "tls1_2 handshake records of 4 bytes: reassembled, ok "
            "(control)", why or describe(cell))

        cell, why = case(d, mp, ["-cert", "leaf10.pem", "-key", "leaf.key",
                                 "-cert_chain", "chain10.pem"])
        ok = (cell is not None and cell["status"] == "tls_failed" and
              "certificate chain too long (11 certificates, mbedTLS "
              "accepts at most 9: the server's own and 8 intermediates)" in
              (cell["reason"] or ""))
        tap(ok, "chain of 10 intermediates: tls_failed, named with the "
            "limit", why or describe(cell))
        tap(cell is not None and cell["tls"]["chain_sent"] == 11 and
            len(cell["tls"]["chain"]) == 10 and
            cell["tls"]["chain"][1]["subject"] == "CN=int10" and
            not cell["tls"]["verified"],
            "chain of 10 intermediates: the chain received is reported, "
            "unverified", why or describe(cell))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return 0 if all(TESTS) else 1


if __name__ == "__main__":
    sys.exit(main())
