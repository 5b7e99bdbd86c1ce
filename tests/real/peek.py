#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""peek.py: what a careful client sees on one lab port, as a reference for
the real-server tests (tests/real/lab.sh check uses it).  Loopback only; it
never sends credentials.

Usage: peek.py PROTO MODE PORT CAFILE NAME
  PROTO smtp|imap|pop3, MODE plain|starttls|tls
Prints one line per fact: greeting, capabilities before/after TLS, TLS
version and verification result.  Every step has a 3 s deadline.
"""

import socket
import ssl
import subprocess
import sys

T = 3.0


def lines(f, until):
    out = []
    while True:
        ln = f.readline(4096)
        if not ln:
            out.append("<EOF>")
            return out
        ln = ln.decode("utf-8", "backslashreplace").rstrip("\r\n")
        out.append(ln)
        if until(ln) or len(out) > 200:
            return out


def smtp_final(ln):
    return len(ln) < 4 or ln[3] != "-"


def caps(proto, f, w, tag):
    if proto == "smtp":
        w(b"EHLO peek.test.example\r\n")
        r = lines(f, smtp_final)
        return [x[4:] for x in r[1:]] if r and r[0].startswith("250") else r
    if proto == "imap":
        w(b"%s CAPABILITY\r\n" % tag)
        r = lines(f, lambda ln: ln.startswith(tag.decode() + " "))
        c = [x for x in r if x.startswith("* CAPABILITY ")]
        return c[0].split()[2:] if c else r
    w(b"CAPA\r\n")
    r = lines(f, lambda ln: ln == "." or ln.startswith("-ERR"))
    return r[1:-1] if r and r[0].startswith("+OK") else r


def starttls(proto, f, w):
    if proto == "smtp":
        w(b"STARTTLS\r\n")
        return lines(f, smtp_final)[-1]
    if proto == "imap":
        w(b"b STARTTLS\r\n")
        return lines(f, lambda ln: ln.startswith("b "))[-1]
    w(b"STLS\r\n")
    return lines(f, lambda ln: True)[-1]


def tls_wrap(sock, cafile, name):
    # Handshake without verification, then verify the leaf with openssl, so
    # that a bad certificate is reported rather than ending the peek.
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    t = ctx.wrap_socket(sock, server_hostname=name)
    pem = ssl.DER_cert_to_PEM_cert(t.getpeercert(binary_form=True))
    try:
        r = subprocess.run(["openssl", "verify", "-CAfile", cafile,
                            "-verify_hostname", name],
                           input=pem.encode(), capture_output=True, timeout=T)
        verdict = (r.stdout + r.stderr).decode().strip().replace("\n", " | ")
    except (OSError, subprocess.SubprocessError) as e:
        verdict = "openssl verify did not run: %s" % e
    return t, t.version(), verdict


def main():
    proto, mode, port, cafile, name = sys.argv[1:6]
    try:
        s = socket.create_connection(("127.0.0.1", int(port)), timeout=T)
    except OSError as e:
        print("connect: %s" % e)
        return
    s.settimeout(T)
    try:
        if mode == "tls":
            s, ver, verdict = tls_wrap(s, cafile, name)
            print("tls: %s; verify: %s" % (ver, verdict))
        f = s.makefile("rb")
        w = s.sendall
        g = lines(f, smtp_final if proto == "smtp" else (lambda ln: True))
        print("greeting: %s" % " / ".join(g))
        print("caps before%s: %s" % (" (in TLS)" if mode == "tls" else "",
                                     " | ".join(caps(proto, f, w, b"a"))))
        if mode == "starttls":
            r = starttls(proto, f, w)
            print("starttls reply: %s" % r)
            if not r.startswith(("220", "b OK", "+OK")):
                print("starttls refused: not starting TLS")
                return
            f.close()
            s, ver, verdict = tls_wrap(s, cafile, name)
            print("tls: %s; verify: %s" % (ver, verdict))
            f = s.makefile("rb")
            w = s.sendall
            print("caps after: %s" % " | ".join(caps(proto, f, w, b"c")))
        quit_cmd = {"smtp": b"QUIT\r\n", "imap": b"z LOGOUT\r\n",
                    "pop3": b"QUIT\r\n"}[proto]
        w(quit_cmd)
    except (OSError, ssl.SSLError, ValueError) as e:
        print("error: %s: %s" % (type(e).__name__, e))
    finally:
        s.close()


if __name__ == "__main__":
    main()
