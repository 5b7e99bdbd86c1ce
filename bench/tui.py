#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""bench/tui.py: how the full-screen view feels against the real "good"
lab (tests/real/lab.sh: Postfix + Dovecot on 127.0.0.1, 7 ports x 3 modes
= 21 cells), measured as a person would see it: mailports runs in an 80x24
pseudo-terminal (TERM=xterm-256color, LANG=C.UTF-8) and its output is fed
to a pyte screen (tests/tui/tuilib.py).  N runs (default 5), medians.

 1. start: from spawn to the first frame with the header, to the first
    output byte, and to the screen showing "21/21 done" (every cell final),
    next to the matrix time the program prints in its own header;
 2. key press to redraw: with the matrix complete, Down and Up arrows in
    turn (--presses, default 20 per run); the time from writing the key to
    the first output byte and to the detail pane's title line (the selected
    cell) having changed on the pyte screen;
 3. idle: CPU time (utime+stime from /proc/PID/stat, and the exact run time
    from /proc/PID/task/*/schedstat), wake-ups (voluntary context switches)
    and bytes written to the pty over a 4 s window: without --watch after
    the matrix is complete, and with --watch 5 right after a probe round
    completes (after the first round and after a re-probe round), so that
    the window never includes a re-probe, only the countdown ticks.

The lab is started here and stopped by PID on exit, also on failure, Ctrl-C,
SIGTERM or SIGHUP; every mailports child is killed by PID; every wait is
bounded.  Loopback only; needs root (the lab).  Exit status 77: pyte, the
lab or the binary are missing here.

usage: bench/tui.py [-n RUNS] [-m MAILPORTS] [-v] [--presses N]
                    [--window S] [--watch S] [--keys auto|ss3|csi]
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SYSTEM_PY = "/usr/bin/python3"

# The first python3 on PATH may be another installation than the system's,
# which is where python3-pyte lives (tests/tui/run.sh does the same).
try:
    import pyte  # noqa: F401
except ImportError:
    if (os.environ.get("MAILPORTS_TUI_BENCH_REEXEC") != "1" and
            os.access(SYSTEM_PY, os.X_OK) and
            os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PY)):
        os.environ["MAILPORTS_TUI_BENCH_REEXEC"] = "1"
        os.execv(SYSTEM_PY, [SYSTEM_PY, os.path.abspath(__file__)] +
                 sys.argv[1:])
    print("bench/tui: cannot run: python3 with pyte (python3-pyte) not "
          "installed", file=sys.stderr)
    sys.exit(77)

import argparse  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

sys.dont_write_bytecode = True     # no __pycache__ in tests/tui
sys.path.insert(0, os.path.join(TOP, "tests", "tui"))
import tuilib  # noqa: E402

LAB_SH = os.path.join(TOP, "tests", "real", "lab.sh")
NAME = "mail.test.example"
COLS, ROWS = 80, 24
ARROWS = {  # (Down, Up)
    "ss3": (b"\x1bOB", b"\x1bOA"),   # keypad-transmit mode (after smkx)
    "csi": (b"\x1b[B", b"\x1b[A"),   # normal cursor-key mode
}
DONE_RE = re.compile(r"(\d+)/(\d+) done")
ELAPSED_RE = re.compile(r"done \S+ ([\d.]+) (ms|s)\s*$")


class Abort(Exception):
    """A signal or the watchdog: unwind so that the finally blocks run."""


def on_signal(signo, frame):
    raise Abort("signal %d" % signo)


def log(msg):
    print(msg)
    sys.stdout.flush()


# ---------------------------------------------------------------------
# The terminal.

class BenchTerm(tuilib.Term):
    """tuilib.Term; its stty() runs right before the child is spawned:
    take the start time there instead (no stty child in the way)."""

    def stty(self):
        self.t_spawn = time.monotonic()
        return ""

    def pump_timed(self, timeout):
        """pump(); returns (data?, time the data was read)."""
        got = self.pump(timeout)
        return got, time.monotonic()


def term_env():
    return tuilib.base_env(TERM="xterm-256color", LANG="C.UTF-8")


def header(t):
    return t.screen.display[0]


def done_count(t):
    m = DONE_RE.search(header(t))
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def header_elapsed_ms(t):
    m = ELAPSED_RE.search(header(t))
    if not m:
        return None
    v = float(m.group(1))
    return v if m.group(2) == "ms" else v * 1000.0


def detail_title(t):
    for row in t.screen.display[1:]:
        if row.startswith("\u2500\u2500 ") and " \u00b7 " in row:
            return row.rstrip("\u2500 ")
    return ""


def wait_until(t, pred, timeout):
    """Pump until pred(t); (True, time it became true) or (False, now)."""
    end = time.monotonic() + timeout
    while True:
        if pred(t):
            return True, time.monotonic()
        now = time.monotonic()
        if now >= end:
            return False, now
        t.pump(min(0.05, end - now))


def all_done(t, cells):
    n, total = done_count(t)
    return n is not None and n == total == cells


# /proc figures of one process (all its threads).
def proc_sample(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])          # utime + stime
    run_ns = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                run_ns += int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        run_ns = None
    vol = None
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches:"):
                vol = int(line.split()[1])
    return ticks, run_ns, vol


def idle_window(t, seconds, cells, watch_deadline=None):
    """Sample CPU, wake-ups and pty bytes over `seconds` while reading the
    pty; returns a dict.  Checks that the matrix stays complete."""
    hz = os.sysconf("SC_CLK_TCK")
    b0 = len(t.raw)
    w0 = time.monotonic()
    s0 = proc_sample(t.pid)
    end = w0 + seconds
    headers = set()
    stayed = True
    while True:
        now = time.monotonic()
        if now >= end:
            break
        t.pump(min(0.05, end - now))
        headers.add(header(t))
        if not all_done(t, cells):
            stayed = False
    s1 = proc_sample(t.pid)
    w1 = time.monotonic()
    # What the program had written by the end of the window is in the pty
    # buffer now: read it without waiting (select timeout 0).
    while t.pump(0):
        pass
    wall = w1 - w0
    r = {
        "wall": wall,
        "cpu_pct": (s1[0] - s0[0]) / hz / wall * 100.0,
        "cpu_ms": (s1[0] - s0[0]) * 1000.0 / hz,
        "bytes": len(t.raw) - b0,
        "wakeups": (s1[2] - s0[2]) if s0[2] is not None else None,
        "frames": len(headers),
        "stayed": stayed,
        "late": watch_deadline is not None and w1 > watch_deadline,
    }
    if s0[1] is not None and s1[1] is not None:
        r["run_ms"] = (s1[1] - s0[1]) / 1e6
        r["run_pct"] = (s1[1] - s0[1]) / 1e9 / wall * 100.0
    return r


def quit_term(t):
    try:
        os.write(t.master, b"q")
    except OSError:
        pass
    t.wait_exit(5)
    t.close()


# ---------------------------------------------------------------------
# One run.

def run_start_and_keys(args, lab, cells, terms):
    """Phase 1, 2 and idle without watch.  Returns a dict."""
    argv = ["--resolve", "%s:127.0.0.1" % lab["LAB_NAME"], "--ca-file",
            lab["LAB_CA"], "--ports", lab["LAB_PORTS"], lab["LAB_NAME"]]
    r = {}
    t = BenchTerm(argv, cols=COLS, rows=ROWS, env=term_env())
    terms.append(t)
    t0 = t.t_spawn
    first_byte = first_frame = done_at = None
    end = t0 + 30
    while time.monotonic() < end:
        got, at = t.pump_timed(0.05)
        if got and first_byte is None:
            first_byte = at
        if got and first_frame is None and " mailports " in header(t) \
                and done_count(t)[0] is not None:
            first_frame = at
        if got and all_done(t, cells):
            done_at = at
            break
        if not t.alive():
            break
    if done_at is None:
        raise RuntimeError("the screen never showed %d/%d done within 30 s; "
                           "last screen:\n%s\nstderr: %s"
                           % (cells, cells, t.text(), t.stderr()))
    r["first_byte_ms"] = (first_byte - t0) * 1000.0
    r["first_frame_ms"] = (first_frame - t0) * 1000.0
    r["done_ms"] = (done_at - t0) * 1000.0
    r["own_ms"] = header_elapsed_ms(t)
    t.settle(quiet=0.5, timeout=5)
    r["screen"] = t.text()

    # Idle without watch, the matrix complete.
    r["idle"] = idle_window(t, args.window, cells)

    # Which arrow sequences: the terminal's own once keypad() sent smkx.
    mode = args.keys
    if mode == "auto":
        mode = "ss3" if b"\x1b[?1h" in t.raw else "csi"
    r["keys"] = mode
    down, up = ARROWS[mode]

    # Does the plain CSI form (ESC [ B) move the selection?  Only a note.
    before = detail_title(t)
    os.write(t.master, ARROWS["csi"][0])
    ok, _ = wait_until(t, lambda x: detail_title(x) != before, 0.5)
    r["csi_moves"] = ok
    if ok:  # back to where we were
        os.write(t.master, ARROWS["csi"][1])
        wait_until(t, lambda x: detail_title(x) == before, 1.0)
    t.settle(quiet=0.2, timeout=3)

    lat, first = [], []
    for k in range(args.presses):
        seq = down if k % 2 == 0 else up
        before = detail_title(t)
        fb = None
        w0 = time.monotonic()
        os.write(t.master, seq)
        end = w0 + 2.0
        changed = None
        while True:
            got, at = t.pump_timed(max(0.0, min(0.05, end - time.monotonic())))
            if got and fb is None:
                fb = at
            if got and detail_title(t) != before:
                changed = at
                break
            if at >= end:
                break
        if changed is None:
            raise RuntimeError("%s did not change the detail pane within "
                               "2 s (keys %s); screen:\n%s"
                               % (seq, mode, t.text()))
        lat.append((changed - w0) * 1000.0)
        first.append((fb - w0) * 1000.0)
        # Let the frame finish and stay past the 50 ms redraw cap.
        t.settle(quiet=0.1, timeout=2)
    r["key_ms"] = lat
    r["key_first_ms"] = first
    quit_term(t)
    terms.remove(t)
    return r


def run_watch(args, lab, cells, terms):
    """Phase 3 with --watch: two idle windows between rounds."""
    argv = ["--resolve", "%s:127.0.0.1" % lab["LAB_NAME"], "--ca-file",
            lab["LAB_CA"], "--ports", lab["LAB_PORTS"], "--watch",
            str(args.watch), lab["LAB_NAME"]]
    t = BenchTerm(argv, cols=COLS, rows=ROWS, env=term_env())
    terms.append(t)
    out = []

    def complete(x):
        return all_done(x, cells) and " next " in header(x)

    for which in ("first round", "re-probe round"):
        if which != "first round":
            ok, _ = wait_until(t, lambda x: not all_done(x, cells),
                               args.watch + 5)
            if not ok:
                raise RuntimeError("--watch %d: no re-probe round within "
                                   "%d s" % (args.watch, args.watch + 5))
        ok, done_at = wait_until(t, complete, 30)
        if not ok:
            raise RuntimeError("--watch: the screen never showed %d/%d done "
                               "with the countdown; screen:\n%s"
                               % (cells, cells, t.text()))
        # The rest of the final frame, then the window; the next round
        # starts `watch` s after the round ended, which was before done_at.
        wait_until(t, lambda x: False, 0.1)
        w = idle_window(t, args.window, cells,
                        watch_deadline=done_at + args.watch - 0.3)
        w["which"] = which
        out.append(w)
    quit_term(t)
    terms.remove(t)
    return out


# ---------------------------------------------------------------------
# The lab.

def lab_check():
    p = subprocess.run(
        ["bash", "-c", '. "$1" || exit 1; lab_check_tools && exit 0; '
         'printf "%s\\n" "$LAB_SKIP_REASON"; exit 1', "lab-check", LAB_SH],
        capture_output=True, text=True, timeout=30)
    return p.returncode == 0, (p.stdout + p.stderr).strip()


def lab_start(d):
    with open(os.path.join(d, "start.log"), "w") as errf:
        p = subprocess.run([LAB_SH, "start", "good", d], stdout=subprocess.PIPE,
                           stderr=errf, text=True, timeout=300)
    if p.returncode != 0:
        with open(os.path.join(d, "start.log")) as f:
            tail = f.read().splitlines()[-30:]
        raise RuntimeError("the good lab did not start:\n" + "\n".join(tail))
    lab = {}
    for line in p.stdout.splitlines():
        m = re.match(r"export (\w+)='?(.*?)'?$", line)
        if m:
            lab[m.group(1)] = m.group(2)
    for k in ("LAB_PORTS", "LAB_CA", "LAB_NAME"):
        if k not in lab:
            raise RuntimeError("lab.sh start printed no %s" % k)
    return lab


def lab_cleanup(d):
    try:
        subprocess.run([LAB_SH, "cleanup", d], stdin=subprocess.DEVNULL,
                       timeout=120)
    except subprocess.TimeoutExpired:
        print("bench/tui: lab.sh cleanup %s took longer than 120 s" % d,
              file=sys.stderr)


# ---------------------------------------------------------------------

def pyte_version():
    try:
        from importlib.metadata import version
        return version("pyte")
    except Exception:
        return getattr(tuilib.pyte, "__version__", "?")


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_idle(w):
    s = "%5.2f %% cpu (%3.0f ms)" % (w["cpu_pct"], w["cpu_ms"])
    if "run_pct" in w:
        s += ", %.3f %% run (%.2f ms)" % (w["run_pct"], w["run_ms"])
    s += ", %d wake-ups, %d bytes, %d header states" % (
        w["wakeups"] if w["wakeups"] is not None else -1, w["bytes"],
        w["frames"])
    if not w["stayed"]:
        s += "  [MATRIX CHANGED IN THE WINDOW]"
    if w["late"]:
        s += "  [WINDOW RAN TOO CLOSE TO THE NEXT ROUND]"
    return s


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--runs", type=int, default=5)
    ap.add_argument("-m", "--mailports",
                    default=os.environ.get("MAILPORTS") or
                    os.path.join(TOP, "build", "mailports"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--presses", type=int, default=20,
                    help="arrow presses per run (Down, Up, ...)")
    ap.add_argument("--window", type=float, default=4.0,
                    help="idle sampling window, seconds")
    ap.add_argument("--watch", type=int, default=5,
                    help="the --watch interval of the idle-in-watch run")
    ap.add_argument("--keys", choices=("auto", "ss3", "csi"), default="auto",
                    help="arrow sequences: ss3 ESC O B (keypad-transmit "
                    "mode, as a terminal sends after smkx), csi ESC [ B, "
                    "auto: ss3 if the program sent smkx")
    args = ap.parse_args()
    if args.window > args.watch - 0.6:
        ap.error("--window must stay 0.6 s under --watch")

    mp = os.path.abspath(args.mailports)
    if not os.access(mp, os.X_OK):
        print("bench/tui: cannot run: %s not built" % mp, file=sys.stderr)
        return 77
    tuilib.MAILPORTS = mp
    ok, why = lab_check()
    if not ok:
        print("bench/tui: cannot run: %s" % (why or "lab.sh check failed"),
              file=sys.stderr)
        return 77

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
        signal.signal(s, on_signal)
    # Watchdog over everything: about 25 s a run is normal.
    signal.alarm(300 + args.runs * (60 + args.watch * 2))

    d = tempfile.mkdtemp(prefix="mailports-tuibench.", dir="/tmp")
    open(os.path.join(d, ".mailports-lab"), "w").close()
    terms = []
    rc = 0
    try:
        lab = lab_start(d)
        cells = 3 * len(lab["LAB_PORTS"].split(","))
        log("lab: good, ports %s (pids %s)" % (lab["LAB_PORTS"],
                                               lab.get("LAB_PIDS", "?")))
        u = os.uname()
        log("host: %s %s %s, %d CPU(s); pyte %s (%s)"
            % (u.sysname, u.release, u.machine, os.cpu_count(),
               pyte_version(), sys.executable))
        log("mailports: %s; %dx%d TERM=xterm-256color LANG=C.UTF-8; "
            "%d cells; %d runs" % (mp, COLS, ROWS, cells, args.runs))
        log("%-4s %9s %9s %9s %9s %10s %10s %9s %9s" % (
            "run", "byte_ms", "frame_ms", "done_ms", "own_ms", "key_med",
            "key_max", "idle_%", "watch_%"))
        runs = []
        for i in range(1, args.runs + 1):
            r = run_start_and_keys(args, lab, cells, terms)
            r["watch"] = run_watch(args, lab, cells, terms)
            runs.append(r)
            log("%-4d %9.1f %9.1f %9.1f %9s %10.2f %10.2f %9.3f %9.3f" % (
                i, r["first_byte_ms"], r["first_frame_ms"], r["done_ms"],
                "%.0f" % r["own_ms"] if r["own_ms"] is not None else "-",
                med(r["key_ms"]), max(r["key_ms"]), r["idle"]["cpu_pct"],
                max(w["cpu_pct"] for w in r["watch"])))
            if args.verbose:
                log("     keys %s; press -> first byte ms: %s" % (
                    r["keys"], " ".join("%.1f" % x for x in
                                        r["key_first_ms"])))
                log("     press -> title changed ms:  %s" % " ".join(
                    "%.1f" % x for x in r["key_ms"]))
                log("     idle, no watch:    " + fmt_idle(r["idle"]))
                for w in r["watch"]:
                    log("     idle, watch %d s, after the %s: %s"
                        % (args.watch, w["which"], fmt_idle(w)))

        if args.verbose:
            log("\nthe complete screen of the last run:")
            for line in runs[-1]["screen"].split("\n"):
                log("  |" + line.rstrip())

        keys = [x for r in runs for x in r["key_ms"]]
        keyfb = [x for r in runs for x in r["key_first_ms"]]
        idle = [r["idle"] for r in runs]
        watch = [w for r in runs for w in r["watch"]]
        own = [r["own_ms"] for r in runs if r["own_ms"] is not None]
        log("")
        log("median of %d runs:" % args.runs)
        log("  start -> first output byte      %7.1f ms"
            % med([r["first_byte_ms"] for r in runs]))
        log("  start -> first frame w/ header  %7.1f ms"
            % med([r["first_frame_ms"] for r in runs]))
        log("  start -> screen shows %d/%d done %6.1f ms  (the program's "
            "own clock in the header: %.0f ms)"
            % (cells, cells, med([r["done_ms"] for r in runs]), med(own)))
        log("  key -> first byte               %7.2f ms  (max %.2f)"
            % (med(keyfb), max(keyfb)))
        log("  key -> detail title redrawn     %7.2f ms  (max %.2f; %d "
            "presses, %s sequences)" % (med(keys), max(keys), len(keys),
                                        runs[0]["keys"]))
        if not runs[0]["csi_moves"] and runs[0]["keys"] != "csi":
            log("  note: ESC [ B (normal cursor-key mode) does not move the "
                "selection; the program sent smkx, so a terminal sends "
                "ESC O B")
        for name, ws in (("no watch", idle),
                         ("--watch %d, after the first round" % args.watch,
                          [w for w in watch if w["which"] == "first round"]),
                         ("--watch %d, after a re-probe round" % args.watch,
                          [w for w in watch if w["which"] != "first round"])):
            s = "  idle %-36s %6.3f %% cpu (ticks)" % (
                name + ":", med([w["cpu_pct"] for w in ws]))
            if all("run_pct" in w for w in ws):
                s += ", %.4f %% (schedstat)" % med([w["run_pct"] for w in ws])
            s += ", %g wake-ups, %g bytes in %g s" % (
                med([w["wakeups"] for w in ws]), med([w["bytes"] for w in ws]),
                args.window)
            log(s)
        bad = [w for w in idle + watch if not w["stayed"] or w["late"]]
        if bad:
            log("  WARNING: %d idle window(s) saw the matrix change or ran "
                "too close to a re-probe" % len(bad))
            rc = 1
        def pct(ws):
            s = "%.2f %%" % med([w["cpu_pct"] for w in ws])
            if all("run_pct" in w for w in ws):
                s += " (schedstat %.3f %%)" % med([w["run_pct"] for w in ws])
            return s

        log("FIGURES-TUI: %d cells, %dx%d, median of %d: first frame %.1f ms, "
            "%d/%d done on screen %.0f ms (header clock %.0f ms); key to "
            "redraw median %.1f ms, max %.1f ms (%d presses); idle CPU over "
            "%g s: %s without watch (%g bytes), %s with --watch %d between "
            "rounds (%g bytes, %g wake-ups)"
            % (cells, COLS, ROWS, args.runs,
               med([r["first_frame_ms"] for r in runs]), cells, cells,
               med([r["done_ms"] for r in runs]), med(own), med(keys),
               max(keys), len(keys), args.window, pct(idle),
               med([w["bytes"] for w in idle]), pct(watch), args.watch,
               med([w["bytes"] for w in watch]),
               med([w["wakeups"] for w in watch])))
    except Abort as e:
        print("bench/tui: interrupted (%s)" % e, file=sys.stderr)
        rc = 130
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        print("bench/tui: %s" % e, file=sys.stderr)
        rc = 1
    finally:
        # No signal may cut the cleanup short; it is bounded on its own.
        signal.alarm(0)
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        for t in list(terms):
            t.close()   # SIGKILL by PID, then reaped (bounded)
        lab_cleanup(d)
    return rc


if __name__ == "__main__":
    sys.exit(main())
