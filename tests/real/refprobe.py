#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""refprobe.py: a small Python stand-in for `mailports --json`, used only to
test the real-server harness itself (lab.sh, check.py, the expectations in
t_*.sh) while or without the C program being built:

    MAILPORTS=tests/real/refprobe.py tests/real/t_good.sh

It takes the subset of mailports options the tests use (--json, --resolve
NAME:ADDR, --ca-file, --timeout, --ports ROLE=PORT,...  HOST) and prints the
documented JSON shape with the statuses an expert would conclude with
openssl s_client.  It is not mailports: no sanitiser, no event loop, one
thread per cell, certificate facts from `openssl x509`/`openssl verify`.
It never sends credentials.  Loopback use only.
"""

import argparse
import base64
import json
import socket
import ssl
import subprocess
import sys
import threading
import time

PROTO = {"smtp": "smtp", "submission": "smtp", "submissions": "smtp",
         "imap": "imap", "imaps": "imap", "pop3": "pop3", "pop3s": "pop3"}
VERIFY_PROBLEM = {"10": "expired", "9": "not_yet_valid", "62": "hostname_mismatch",
                  "18": "self_signed", "19": "untrusted", "20": "untrusted",
                  "21": "untrusted", "2": "untrusted"}


class Fail(Exception):
    def __init__(self, status, phase, reason):
        super().__init__(reason)
        self.status, self.phase, self.reason = status, phase, reason


class Conn:
    def __init__(self, cell, t0, deadline):
        self.cell, self.t0, self.deadline = cell, t0, deadline
        self.sock = None
        self.buf = b""

    def ev(self, d, data):
        text = data.decode("utf-8", "backslashreplace") if isinstance(data, bytes) else data
        e = {"t_ms": round((time.monotonic() - self.t0) * 1000, 3), "dir": d,
             "text": text.rstrip("\r\n")}
        if isinstance(data, bytes):
            e["raw_b64"] = base64.b64encode(data).decode()
        self.cell["transcript"].append(e)

    def settimeout(self, limit):
        left = min(self.deadline, limit) - time.monotonic()
        if left <= 0:
            raise socket.timeout()
        self.sock.settimeout(left)

    def line(self, phase, limit):
        while b"\n" not in self.buf:
            self.settimeout(limit)
            try:
                d = self.sock.recv(4096)
            except socket.timeout:
                raise Fail("timeout", phase, "no reply in time during %s" % phase)
            except ssl.SSLError as e:
                raise Fail("protocol_error", phase, "TLS error: %s" % e)
            except OSError as e:
                raise Fail("protocol_error", phase, "read failed: %s" % e)
            if not d:
                raise Fail("protocol_error", phase, "closed by server during %s" % phase)
            self.buf += d
            if len(self.buf) > 65536:
                raise Fail("protocol_error", phase, "line too long")
        ln, _, self.buf = self.buf.partition(b"\n")
        ln += b"\n"
        self.ev("server", ln)
        return ln.decode("utf-8", "replace").rstrip("\r\n")

    def send(self, data):
        self.ev("client", data)
        self.sock.sendall(data)


def reply(c, proto, phase, limit, tag=None):
    """Read one complete reply; return its lines."""
    out = []
    while True:
        ln = c.line(phase, limit)
        out.append(ln)
        if proto == "smtp":
            if len(ln) < 4 or ln[3] != "-":
                return out
        elif proto == "imap":
            if tag is None or ln.startswith(tag + " "):
                return out
        else:
            if tag is None or ln == ".":
                return out
            if len(out) == 1 and ln.startswith("-ERR"):
                return out


def capabilities(c, proto, limit, n):
    """(caps, auth mechs, login_disabled)"""
    if proto == "smtp":
        c.send(b"EHLO refprobe.invalid\r\n")
        r = reply(c, proto, "capabilities", limit)
        if not r[0].startswith("250"):
            raise Fail("protocol_error", "capabilities", "EHLO refused: %s" % r[0])
        caps = [x[4:] for x in r[1:]]
        auth = []
        for x in caps:
            if x.upper().startswith("AUTH "):
                auth = x.split()[1:]
        return caps, auth, False
    if proto == "imap":
        tag = "c%d" % n
        c.send(("%s CAPABILITY\r\n" % tag).encode())
        r = reply(c, proto, "capabilities", limit, tag)
        caps = []
        for x in r:
            if x.upper().startswith("* CAPABILITY "):
                caps = x.split()[2:]
        auth = [x[5:] for x in caps if x.upper().startswith("AUTH=")]
        return caps, auth, "LOGINDISABLED" in [x.upper() for x in caps]
    c.send(b"CAPA\r\n")
    r = reply(c, proto, "capabilities", limit, "capa")
    if not r[0].startswith("+OK"):
        return [], [], False
    caps = r[1:-1]
    auth = []
    for x in caps:
        if x.upper().startswith("SASL"):
            auth = x.split()[1:]
    return caps, auth, False


def iana_names():
    """OpenSSL cipher names -> standard names (mailports prints these)."""
    try:
        out = subprocess.run(["openssl", "ciphers", "-stdname", "ALL"],
                             capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    return {w[2]: w[0] for w in (ln.split() for ln in out.splitlines())
            if len(w) >= 3 and w[1] == "-"}


IANA = iana_names()


def cert_facts(der, cafile, name):
    pem = ssl.DER_cert_to_PEM_cert(der)
    r = subprocess.run(["openssl", "verify", "-CAfile", cafile, "-verify_hostname",
                        name], input=pem.encode(), capture_output=True, timeout=5)
    out = (r.stdout + r.stderr).decode()
    probs = []
    for ln in out.splitlines():
        if ln.startswith("error ") and " at " in ln:
            p = VERIFY_PROBLEM.get(ln.split()[1], "untrusted")
            if p not in probs:
                probs.append(p)
    x = subprocess.run(["openssl", "x509", "-noout", "-subject", "-issuer",
                        "-startdate", "-enddate", "-ext", "subjectAltName",
                        "-nameopt", "RFC2253", "-text"],
                       input=pem.encode(), capture_output=True, timeout=5)
    info = {"subject": "", "issuer": "", "san": [], "key_type": None,
            "key_bits": 0}
    for ln in x.stdout.decode().splitlines():
        ln = ln.strip()
        if ln.startswith("Public Key Algorithm:"):
            alg = ln.split(":", 1)[1].strip()
            info["key_type"] = {"rsaEncryption": "RSA",
                                "id-ecPublicKey": "EC"}.get(alg, alg)
        elif ln.startswith("Public-Key: ("):
            info["key_bits"] = int(ln[13:].split()[0])
        elif ln.startswith("subject="):
            info["subject"] = ln[8:]
        elif ln.startswith("issuer="):
            info["issuer"] = ln[7:]
        elif ln.startswith("notBefore="):
            info["not_before"] = ln[10:]
        elif ln.startswith("notAfter="):
            info["not_after"] = ln[9:]
        elif ln.startswith("DNS:"):
            info["san"] = [s.strip()[4:] for s in ln.split(",")
                           if s.strip().startswith("DNS:")]
    return (r.returncode == 0 and not probs), probs, info


def handshake(c, args, phase):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    c.ev("tls", "TLS handshake")
    t = time.monotonic()
    try:
        c.settimeout(time.monotonic() + args.greeting)
        s = ctx.wrap_socket(c.sock, server_hostname=args.host)
    except socket.timeout:
        raise Fail("wrong_mode", phase, "no TLS ServerHello: server waits silently")
    except ssl.SSLError as e:
        if "WRONG_VERSION_NUMBER" in str(e) or "wrong version" in str(e):
            raise Fail("wrong_mode", phase, "server answered the ClientHello in plaintext")
        raise Fail("tls_failed", phase, "TLS handshake failed: %s" % e)
    except OSError as e:
        raise Fail("tls_failed", phase, "TLS handshake failed: %s" % e)
    c.cell["timing_ms"]["tls"] = round((time.monotonic() - t) * 1000, 3)
    c.sock = s
    verified, probs, leaf = cert_facts(s.getpeercert(binary_form=True),
                                       args.ca_file, args.host)
    cipher = IANA.get(s.cipher()[0], s.cipher()[0])
    c.cell["tls"] = {"version": s.version(), "cipher": cipher,
                     "verified": verified, "problems": probs, "chain": [leaf]}
    c.ev("tls", "%s %s verified=%s" % (s.version(), cipher, verified))


def probe(cell, args, port):
    t0 = time.monotonic()
    c = Conn(cell, t0, t0 + args.timeout)
    proto, mode = cell["protocol"], cell["mode"]
    try:
        try:
            c.sock = socket.create_connection((args.address, port),
                                              timeout=args.timeout)
        except ConnectionRefusedError:
            raise Fail("refused", "connect", "connection refused")
        except socket.timeout:
            raise Fail("timeout", "connect", "timeout (connect)")
        except OSError as e:
            raise Fail("unreachable", "connect", str(e))
        cell["timing_ms"]["connect"] = round((time.monotonic() - t0) * 1000, 3)
        c.ev("net", "connected to %s:%d" % (args.address, port))
        if mode == "tls":
            handshake(c, args, "tls_handshake")
        try:
            g = reply(c, proto, "greeting", t0 + args.greeting)
        except Fail as f:
            if f.status == "timeout" and mode != "tls":
                raise Fail("wrong_mode", "greeting",
                           "no greeting in %g s: the port probably expects TLS first"
                           % args.greeting)
            raise
        cell["greeting"] = "\n".join(g) if proto == "smtp" else g[0]
        if g and g[0][:1] == "\x16":
            raise Fail("wrong_mode", "greeting", "TLS record where a greeting was due")
        if (proto == "smtp" and not g[-1].startswith("220")) or \
           (proto == "pop3" and not g[0].startswith("+OK")) or \
           (proto == "imap" and not g[0].upper().startswith("* OK")):
            raise Fail("service_refused", "greeting", "greeting refused service")
        cell["timing_ms"]["greeting"] = round((time.monotonic() - t0) * 1000, 3)
        caps, auth, ld = capabilities(c, proto, c.deadline, 1)
        key = "after" if mode == "tls" else "before"
        cell["capabilities_%s_tls" % key] = caps
        cell["auth_%s_tls" % key] = auth
        cell["login_disabled_%s_tls" % key] = ld
        if mode == "starttls":
            word = {"smtp": "STARTTLS", "imap": "STARTTLS", "pop3": "STLS"}[proto]
            if word not in [x.upper().split()[0] for x in caps if x.strip()]:
                raise Fail("starttls_not_offered", "capabilities",
                           "%s is not offered" % word)
            if proto == "imap":
                c.send(b"s1 STARTTLS\r\n")
                r = reply(c, proto, "starttls", c.deadline, "s1")[-1]
                good = r.upper().startswith("S1 OK")
            else:
                c.send(("%s\r\n" % word).encode())
                r = reply(c, proto, "starttls", c.deadline)[-1]
                good = r.startswith("220" if proto == "smtp" else "+OK")
            if not good:
                raise Fail("starttls_rejected", "starttls", "STARTTLS refused: %s" % r)
            if c.buf:
                raise Fail("protocol_error", "starttls", "data sent after the STARTTLS reply")
            handshake(c, args, "tls_upgrade")
            caps, auth, ld = capabilities(c, proto, c.deadline, 2)
            cell["capabilities_after_tls"] = caps
            cell["auth_after_tls"] = auth
            cell["login_disabled_after_tls"] = ld
        quit_cmd = b"a9 LOGOUT\r\n" if proto == "imap" else b"QUIT\r\n"
        c.send(quit_cmd)
        cell["status"], cell["phase"], cell["reason"] = "ok", None, "probe completed"
    except Fail as f:
        cell["status"], cell["phase"], cell["reason"] = f.status, f.phase, f.reason
        c.ev("note", f.reason)
    finally:
        if c.sock is not None:
            try:
                c.sock.close()
            except OSError:
                pass
        cell["timing_ms"]["total"] = round((time.monotonic() - t0) * 1000, 3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--resolve", required=True)
    ap.add_argument("--ca-file", required=True)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--ports", required=True)
    ap.add_argument("host")
    args = ap.parse_args()
    name, _, args.address = args.resolve.partition(":")
    if name != args.host:
        sys.exit("refprobe: --resolve must name the host")
    args.greeting = min(3.0, args.timeout / 3)
    t0 = time.monotonic()
    cells, threads = [], []
    for item in args.ports.split(","):
        role, _, port = item.partition("=")
        for mode in ("plain", "starttls", "tls"):
            cell = {"host": args.host, "address": args.address, "family": "ipv4",
                    "port": int(port), "service": role, "protocol": PROTO[role],
                    "mode": mode, "status": None, "phase": None, "reason": None,
                    "timing_ms": {}, "greeting": None,
                    "capabilities_before_tls": [], "capabilities_after_tls": [],
                    "auth_before_tls": [], "auth_after_tls": [],
                    "login_disabled_before_tls": False,
                    "login_disabled_after_tls": False,
                    "tls": None, "transcript": []}
            cells.append(cell)
            th = threading.Thread(target=probe, args=(cell, args, int(port)))
            th.start()
            threads.append(th)
    for th in threads:
        th.join(args.timeout + 5)
    doc = {"mailports": {"version": "refprobe", "mbedtls": "none (Python ssl)"},
           "elapsed_ms": round((time.monotonic() - t0) * 1000, 3),
           "hosts": [{"host": args.host, "addresses": [args.address], "error": None}],
           "cells": cells}
    json.dump(doc, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
