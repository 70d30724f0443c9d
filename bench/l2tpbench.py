#!/usr/bin/env python3
"""l2tpbench: scale and speed of l2tpv3d (issue 6), in one command.

Two l2tpv3d (dataplane none) in two network namespaces joined by a veth
pair.  Daemon A plays many LACs: every tunnel has its own source address
(10.78.0.0/16, /32s on A's loopback, so B needs one neighbour only); daemon
B plays the LNS on 10.77.0.2.  Both get generated configuration files.

Measured, in this order, each printed as one JSON object per line
(name, value, unit, parameters) and again in a table at the end:
  udp_ceiling          100-byte UDP datagrams/s across the same veth
  udp_ceiling_shared_port[_connected]
                       the same with one connected socket per tunnel on
                       the receiving port (the kernel's lookup), to a
                       listener and to a connected socket
  codec_*              decode + validate rate, instructions per message
  establish_*          cold start until both sides report every tunnel
                       (and session) established
  rss_per_*            RSS above an idle daemon's, per tunnel / session
  steady_cpu_*         CPU of each daemon over a window, 60 s hellos,
                       then again with 1 s hellos
  show_*_json_*        `l2tpsh -c "show tunnel json"` (and "show
                       session json"): seconds, bytes, while 1 s hellos
                       must keep being answered
  teardown_seconds     SIGTERM to A until A has exited and B holds no
                       established tunnel
  scrape_*             with --scrape, instead of everything above: the
                       Prometheus metrics of A (`show metrics` and GET
                       /metrics via metrics-listen), seconds and bytes,
                       and the HELLOs retransmitted meanwhile (against
                       a window without scrapes), with --hello S hellos
  graceful_*           with --graceful, instead of everything above:
                       `restart graceful` of A under n tunnels and n*m
                       sessions (hellos every --hello s): seconds until
                       the new process has taken over, and HELLOs
                       retransmitted meanwhile against a window without
                       (issue 14: at most 2 s, no missed hello)
  restart_storm_*      with --restart-storm, instead of everything
                       above: cold start, then B (the LNS) restarts
                       (SIGTERM: a StopCCN to every tunnel, then a new
                       process); seconds from B's new start until both
                       sides have every tunnel and session established
                       again, and the ratio to the cold start (issue
                       14: at most 2); the cold start is measured in
                       the same run (one burst, or --ramp K); both
                       give when 10/50/90 % of the tunnels were up,
                       the daemons' counters (half-open drops, unknown
                       CCIDs, SCCRQ retransmissions), receive-buffer
                       drops, A's logged retries and the load average
  commit_*             with --commit, instead of everything above: a
                       one-option commit from the shell (tunnel t0's
                       hello-interval), then the same change by SIGHUP,
                       under n tunnels (hellos every --hello s), while
                       another client asks `show version` every 10 ms:
                       the slowest answer (issue 12: at most 50 ms) and
                       the HELLOs retransmitted, against a window
                       without a change
  vm_*                 with --vm N: kernel programming in the test VM
                       against `ip l2tp` (bench/vm-kernel.sh)
Results that are rates of datagrams also give their fraction of the
UDP ceiling.

Usage: bench/l2tpbench.py [--tunnels N] [--sessions M] [--quick]
       [--steady-seconds S] [--builddir DIR] [--json FILE] [--keep]
       [--profile] [--vm SESSIONS] [--restart-storm]
       [--scrape [--hello S] [--ramp K] [--scrape-window S]]
       [--commit [--hello S]]
See docs/performance.md.
Needs root (namespaces).  Exit status 0 when every step ran, 1 when a
step failed (the JSON so far is still printed); the targets of issue 6
are reported, not enforced.
"""

import argparse
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

NET_A = "10.77.0.1"
NET_B = "10.77.0.2"
TUNNEL_NET = ipaddress.IPv4Address("10.78.0.0")
UDP_PORT = 9
METRICS_PORT = 9735

# The targets of issues 6 and 14, to print next to the results.
TARGETS = {
    "establish_tunnels_seconds": ("<=", 10.0),
    "rss_per_tunnel_bytes": ("<=", 4096.0),
    "rss_per_session_bytes": ("<=", 1024.0),
    "steady_cpu_hello60_percent_b": ("<=", 1.0),
    "steady_cpu_hello60_percent_a": ("<=", 1.0),
    "show_tunnel_json_seconds": ("<=", 1.0),
    "show_session_json_seconds": ("<=", 1.0),
    "scrape_show_metrics_seconds": ("<=", 1.0),
    "scrape_http_metrics_seconds": ("<=", 1.0),
    "scrape_hellos_missed": ("<=", 0.0),
    "codec_decode_validate": (">=", 1000000.0),
    "vm_daemon_vs_ip_ratio": (">=", 20.0),
    "graceful_restart_unread_seconds": ("<=", 2.0),
    "graceful_hellos_retransmitted": ("<=", 0.0),
}


class BenchError(Exception):
    pass


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = args.builddir
        self.results = []
        self.work = tempfile.mkdtemp(prefix="l2tpbench.")
        tag = "l2b%d" % os.getpid()
        self.ns = {"A": tag + "-a", "B": tag + "-b"}
        self.procs = {}
        self.json_out = open(args.json, "w") if args.json else None

    # --- output ------------------------------------------------------

    def result(self, name, value, unit, **params):
        r = {"name": name, "value": value, "unit": unit, "parameters": params}
        self.results.append(r)
        line = json.dumps(r, sort_keys=False)
        print(line, flush=True)
        if self.json_out:
            self.json_out.write(line + "\n")
            self.json_out.flush()

    def note(self, msg):
        print("# " + msg, file=sys.stderr, flush=True)

    def table(self):
        ceiling = self.ceiling()
        print()
        print("%-34s %14s %-10s %-10s %s" %
              ("result", "value", "unit", "target", "of UDP ceiling"))
        for r in self.results:
            tgt = TARGETS.get(r["name"])
            mark = ""
            if tgt:
                op, lim = tgt
                ok = r["value"] <= lim if op == "<=" else r["value"] >= lim
                mark = "%s%g %s" % (op, lim, "ok" if ok else "MISSED")
            frac = r["parameters"].get("ceilingFraction")
            print("%-34s %14s %-10s %-10s %s" % (
                r["name"], fmt(r["value"]), r["unit"], mark,
                "" if frac is None else "%.4f" % frac))
        if ceiling:
            print("UDP ceiling: %s datagrams/s" % fmt(ceiling))

    def ceiling(self):
        for r in self.results:
            if r["name"] == "udp_ceiling":
                return r["value"]
        return None

    def of_ceiling(self, dgrams_per_s):
        c = self.ceiling()
        return None if not c else round(dgrams_per_s / c, 6)

    # --- processes and namespaces -----------------------------------

    def run(self, cmd, ns=None, check=True, **kw):
        if ns is not None:
            cmd = ["ip", "netns", "exec", self.ns[ns]] + cmd
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, **kw)
        if check and p.returncode != 0:
            raise BenchError("%s: exit %d: %s" % (
                " ".join(cmd), p.returncode, p.stderr.strip()))
        return p

    def setup_net(self, n):
        if n > 60000:
            raise BenchError("at most 60000 tunnels (one address each)")
        a, b = self.ns["A"], self.ns["B"]
        for ns in (a, b):
            self.run(["ip", "netns", "add", ns])
            self.run(["ip", "-n", ns, "link", "set", "lo", "up"])
        self.run(["ip", "-n", a, "link", "add", "veth0", "type", "veth",
                  "peer", "name", "veth0", "netns", b])
        self.run(["ip", "-n", a, "addr", "add", NET_A + "/24", "dev",
                  "veth0"])
        self.run(["ip", "-n", b, "addr", "add", NET_B + "/24", "dev",
                  "veth0"])
        for ns in (a, b):
            self.run(["ip", "-n", ns, "link", "set", "veth0", "up"])
        # B reaches every tunnel address through A: one neighbour.
        self.run(["ip", "-n", b, "route", "add", "10.78.0.0/16", "via",
                  NET_A])
        batch = "".join("addr add %s/32 dev lo\n" % tunnel_addr(i)
                        for i in range(n))
        self.run(["ip", "-n", a, "-batch", "-"], input=batch)

    def cleanup(self):
        for name in list(self.procs):
            self.kill(name)
        for ns in self.ns.values():
            pids = subprocess.run(["ip", "netns", "pids", ns],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL,
                                  text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns],
                           stderr=subprocess.DEVNULL)
        if self.args.keep:
            self.note("kept " + self.work)
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    def kill(self, name):
        p = self.procs.pop(name, None)
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()

    # --- the daemons --------------------------------------------------

    def sock(self, name):
        return os.path.join(self.work, name + ".sock")

    def start(self, name, ns, conf):
        path = os.path.join(self.work, name + ".conf")
        with open(path, "w") as f:
            f.write(conf)
        log = open(os.path.join(self.work, name + ".log"), "w")
        cmd = ["ip", "netns", "exec", self.ns[ns],
               os.path.join(self.build, "daemon", "l2tpv3d"), "-f",
               "-c", path, "-S", self.sock(name),
               "-p", os.path.join(self.work, name + ".pidfile"),
               # One process, as root, whether or not the user l2tp
               # exists: what is measured is the protocol engine.
               "-u", "root"]
        if os.path.exists(self.sock(name)):
            os.unlink(self.sock(name))
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        log.close()  # the daemon has its own descriptor
        self.procs[name] = p
        # A large configuration takes a while to load (see
        # docs/performance.md), hence the establishment timeout here too.
        limit = self.args.establish_timeout
        deadline = time.monotonic() + limit
        while not os.path.exists(self.sock(name)):
            if p.poll() is not None:
                raise BenchError("%s exited at start: %s" %
                                 (name, self.log_tail(name)))
            if time.monotonic() > deadline:
                raise BenchError("%s: no control socket after %d s" %
                                 (name, limit))
            time.sleep(0.02)
        return p

    def log_tail(self, name):
        try:
            with open(os.path.join(self.work, name + ".log")) as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return ""

    def stop(self, name, timeout=60):
        """SIGTERM; seconds until the daemon has exited."""
        p = self.procs[name]
        t0 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            raise BenchError("%s still running %d s after SIGTERM" %
                             (name, timeout))
        del self.procs[name]
        if rc != 0:
            raise BenchError("%s exited %d on SIGTERM" % (name, rc))
        return time.monotonic() - t0

    def shell(self, name, cmd, timeout=60):
        p = subprocess.run(
            [os.path.join(self.build, "cli", "l2tpsh"), "-S",
             self.sock(name), "-c", cmd],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if p.returncode != 0:
            raise BenchError("l2tpsh %s %r: %s" %
                             (name, cmd, p.stderr.decode().strip()))
        return p.stdout

    def count_established(self, name, what="tunnel"):
        # A substring count is enough, and costs little with 40 MB of
        # JSON for 100 000 sessions.
        out = self.shell(name, "show %s json" % what)
        return out.count(b'"state":"established"')

    def pid(self, name):
        # The daemon itself, below `ip netns exec` (which execs it).
        return self.procs[name].pid

    def rss(self, name):
        with open("/proc/%d/status" % self.pid(name)) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise BenchError("no VmRSS for " + name)

    def cpu_ticks(self, name):
        with open("/proc/%d/stat" % self.pid(name)) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    # --- configuration ---------------------------------------------

    def conf(self, side, n, m, hello, upto=None):
        """Compact, since 100 000 sessions make a big file: timers are
        global, a session is one line."""
        lines = ['hostname = "bench-%s"' % side.lower(), "dataplane = none",
                 "hello-interval = %d" % hello]
        if side == "A" and self.args.scrape:
            lines.append('metrics-listen = "127.0.0.1:%d"' % METRICS_PORT)
        sessions = "".join('\tsession s%d { remote-end-id = "%d" }\n' %
                           (j, j) for j in range(m))
        for i in range(n if upto is None else upto):
            if side == "A":
                ends = (tunnel_addr(i), NET_B, "yes")
            else:
                ends = (NET_B, tunnel_addr(i), "no")
            lines.append("tunnel t%d {\n\tlocal = %s\n\tremote = %s\n"
                         "\tinitiate = %s\n%s}" % ((i,) + ends + (sessions,)))
        return "\n".join(lines) + "\n"

    # --- the steps --------------------------------------------------

    def blast(self, crowd, connected=False):
        """Datagrams/s one sender gets across to one receiver; with
        `crowd` more sockets on the receiver's port, connected elsewhere,
        as the tunnel sockets of an LNS are.  `connected`: the receiver
        is connected to the sender (a 4-tuple match, as for a tunnel's
        own datagrams), else it is a listener."""
        secs = self.args.udp_seconds
        blast = os.path.join(self.build, "bench", "udpblast")
        pair = ["-p", "%s:%d" % (NET_A, UDP_PORT + 1)] if connected else []
        cmd = ["ip", "netns", "exec", self.ns["B"], blast, "-r",
               "%s:%d" % (NET_B, UDP_PORT), "-t", str(secs), "-c",
               str(crowd)] + pair
        rx = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        if rx.stdout.readline().strip() != "ready":
            raise BenchError("udpblast receiver did not start")
        self.run([blast, "-s", "%s:%d" % (NET_B, UDP_PORT), "-t",
                  str(secs + 1), "-l", "100"] + pair, ns="A")
        out = rx.communicate(timeout=secs + 30)[0]
        # "received N datagrams in S s: R/s"
        if rx.returncode != 0 or not out.strip().endswith("/s"):
            raise BenchError("udpblast receiver failed: %r" % out)
        return float(out.split()[-1][:-2])

    def udp_ceiling(self):
        secs = self.args.udp_seconds
        self.result("udp_ceiling", round(self.blast(0)), "datagrams/s",
                    size=100, seconds=secs, sender="sendmmsg",
                    receiver="recvmmsg")
        n = self.args.tunnels
        for connected in (False, True):
            rate = self.blast(n, connected)
            self.result("udp_ceiling_shared_port" +
                        ("_connected" if connected else ""),
                        round(rate), "datagrams/s", size=100, seconds=secs,
                        socketsOnPort=n + 1,
                        ceilingFraction=self.of_ceiling(rate),
                        receiver="connected to the sender" if connected
                        else "a listener",
                        note="the receiving port also holds one connected "
                        "socket per tunnel, as 1701 does on the LNS")

    def codec(self):
        cb = os.path.join(self.build, "bench", "codec_bench")
        secs = 0.5 if self.args.quick else 3
        out = self.run([cb, "-t", str(secs)]).stdout
        for line in out.splitlines():
            r = json.loads(line)
            self.result(r["name"], r["value"], r["unit"], **r["parameters"])
        if shutil.which("valgrind") is None:
            self.note("valgrind absent: no instructions-per-message figure")
            return
        with open(cb, "rb") as f:
            if b"__asan_init" in f.read():
                self.note("codec_bench is built with AddressSanitizer, "
                          "which valgrind cannot run: no instructions-per-"
                          "message figure")
                return
        count = 20000 if self.args.quick else 200000
        cg = os.path.join(self.work, "callgrind.out")
        self.run(["valgrind", "--tool=callgrind",
                  "--toggle-collect=bench_loop*",
                  "--callgrind-out-file=" + cg, cb, "-n", str(count)])
        total = None
        with open(cg) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    total = int(line.split()[1])
        if not total:
            raise BenchError("callgrind collected nothing")
        self.result("codec_instructions_per_message",
                    round(total / count), "instructions", messages=count,
                    tool="valgrind --tool=callgrind")

    def idle_rss(self):
        rss = {}
        for name, ns in (("A", "A"), ("B", "B")):
            self.start(name, ns, 'hostname = "idle"\ndataplane = none\n')
            time.sleep(0.2)
            rss[name] = self.rss(name)
            self.stop(name)
        return rss

    def log_counts(self, name, pos, counts):
        """Count, from byte pos on, the log lines saying a tunnel or a
        session reached established; returns the new position.  Reading
        the log costs the daemons nothing, where polling `show` would
        have them format megabytes of JSON while being measured."""
        with open(os.path.join(self.work, name + ".log"), "rb") as f:
            f.seek(pos)
            data = f.read()
        end = data.rfind(b"\n") + 1
        for line in data[:end].splitlines():
            # "DATE TIME tunnel T: wait-ctl-reply -> established (...)"
            # "DATE TIME session T/S: established (...)"
            words = line.split(b" ", 3)
            if len(words) < 4 or words[2] not in (b"tunnel", b"session"):
                continue
            what = words[3].split(b": ", 1)[-1]
            if what.startswith(b"established (") or \
                    b"-> established (" in what:
                counts[words[2].decode()] += 1
        return pos + end

    def log_size(self, name):
        return os.path.getsize(os.path.join(self.work, name + ".log"))

    def wait_all(self, n, m, t0, what, pos=None, timeline=None):
        """Until both daemons have logged every tunnel (and session)
        established (from byte pos of each log on); then `show` must
        agree.  timeline: a list to append (seconds, tunnels up on A,
        on B) to at each look."""
        deadline = t0 + self.args.establish_timeout
        want = {"tunnel": n, "session": n * m}
        pos = dict(pos) if pos else {"A": 0, "B": 0}
        counts = {d: {"tunnel": 0, "session": 0} for d in pos}
        done = {}
        while len(done) < 2:
            for d in pos:
                if d in done:
                    continue
                pos[d] = self.log_counts(d, pos[d], counts[d])
                if all(counts[d][k] >= want[k] for k in want):
                    done[d] = time.monotonic() - t0
            if timeline is not None:
                timeline.append((time.monotonic() - t0,) + tuple(
                    counts[d]["tunnel"] for d in sorted(pos)))
            if time.monotonic() > deadline:
                raise BenchError("%s: not all up after %d s: %s" % (
                    what, self.args.establish_timeout, counts))
            time.sleep(self.args.poll)
        secs = max(done.values())
        for d in pos:
            for kind in ("tunnel", "session") if m else ("tunnel",):
                got = self.count_established(d, kind)
                if got < want[kind]:
                    raise BenchError("%s: %s logged every %s up, but "
                                     "show says %d of %d" % (
                                         what, d, kind, got, want[kind]))
        return secs

    def establish(self, n, m, hello):
        if self.args.ramp and self.args.ramp < n:
            return self.establish_ramp(n, m, hello)
        conf_b = self.conf("B", n, m, hello)
        conf_a = self.conf("A", n, m, hello)
        self.start("B", "B", conf_b)
        t0 = time.monotonic()
        self.start("A", "A", conf_a)
        # A opens its control socket once its configuration is loaded
        # and its tunnels armed: what follows is the protocol's part.
        self.loaded = time.monotonic() - t0
        perf = None
        if self.args.profile:
            perf = subprocess.Popen(
                ["perf", "record", "-q", "-g", "-F", "1999", "-o",
                 os.path.join(self.work, "establish.perf"), "-p",
                 "%d,%d" % (self.pid("A"), self.pid("B"))],
                stderr=subprocess.DEVNULL)
        try:
            return self.wait_all(n, m, t0, "hello %d s" % hello)
        finally:
            if perf is not None:
                perf.send_signal(signal.SIGINT)
                perf.wait(60)

    def establish_ramp(self, n, m, hello):
        """--ramp K: A starts with K of the tunnels and gets K more at
        each reload (SIGHUP) once the previous ones are all up; B has
        all of them from the start.  For a machine too busy to take
        n tunnels' SCCRPs and their sessions' ICRPs in one burst
        before B's retransmissions run out; the time is not a figure
        of establishment speed."""
        step = self.args.ramp
        self.start("B", "B", self.conf("B", n, m, hello))
        t0 = time.monotonic()
        k = step
        self.start("A", "A", self.conf("A", n, m, hello, upto=k))
        self.loaded = time.monotonic() - t0
        while True:
            self.wait_all(k, m, t0, "ramp to %d, hello %d s" % (k, hello))
            self.note("ramp: %d tunnels up after %.1f s" %
                      (k, time.monotonic() - t0))
            if k >= n:
                return time.monotonic() - t0
            k = min(n, k + step)
            with open(os.path.join(self.work, "A.conf"), "w") as f:
                f.write(self.conf("A", n, m, hello, upto=k))
            self.procs["A"].send_signal(signal.SIGHUP)

    def rss_result(self, n, m, idle, per_tunnel=None):
        """RSS above an idle daemon's (the larger of the two sides), per
        tunnel, or per session once per_tunnel is known."""
        rss = {d: self.rss(d) for d in ("A", "B")}
        above = max(rss[d] - idle[d] for d in rss)
        for d in ("A", "B"):
            self.result("rss_%s_bytes" % d.lower(), rss[d], "bytes",
                        idle=idle[d], tunnels=n, sessions=n * m)
        if not m:
            per = above / n
            self.result("rss_per_tunnel_bytes", round(per), "bytes",
                        tunnels=n, note="max of both daemons, above an "
                        "idle daemon")
            return per
        per = (above - n * per_tunnel) / (n * m)
        self.result("rss_per_session_bytes", round(per), "bytes",
                    tunnels=n, sessions=n * m, perTunnel=round(per_tunnel),
                    note="above the same tunnels without sessions")
        return per

    def udp_drops(self):
        """Datagrams each namespace's kernel dropped for a full socket
        buffer (Udp RcvbufErrors): a retransmission each."""
        drops = {}
        for name in ("A", "B"):
            lines = [l.split() for l in self.run(
                ["cat", "/proc/net/snmp"], ns=name).stdout.splitlines()
                if l.startswith("Udp:")]
            row = dict(zip(lines[0][1:], lines[1][1:]))
            drops[name] = int(row.get("RcvbufErrors", 0))
        return drops

    def steady_cpu(self, hello, secs):
        hz = os.sysconf("SC_CLK_TCK")
        before = {d: self.cpu_ticks(d) for d in ("A", "B")}
        time.sleep(secs)
        for d in ("A", "B"):
            used = (self.cpu_ticks(d) - before[d]) / hz
            self.result("steady_cpu_hello%d_percent_%s" % (hello, d.lower()),
                        round(100.0 * used / secs, 3), "% of a core",
                        tunnels=self.args.tunnels,
                        sessions=self.args.sessions, seconds=secs,
                        helloInterval=hello)

    def hello_counts(self):
        """HELLOs received and retransmissions, summed over both sides."""
        hellos = retrans = 0
        for name in ("A", "B"):
            stats = json.loads(self.shell(name, "show statistics json"))
            for t in stats.values():
                hellos += t["messages"]["received"].get("HELLO", 0)
                retrans += t.get("retransmits", 0)
        return hellos, retrans

    def hello_check(self, what, t_hello0, hellos0, retrans0):
        """Over the window since t_hello0 (at least 4 s), each tunnel's
        1 s hellos went on: about one HELLO received per tunnel per
        second over both daemons, and every tunnel still up."""
        n = self.args.tunnels
        time.sleep(max(0.0, 4.0 - (time.monotonic() - t_hello0)))
        window = time.monotonic() - t_hello0
        hellos, retrans = self.hello_counts()
        hellos -= hellos0
        retrans -= retrans0
        up = min(self.count_established("A"), self.count_established("B"))
        floor = int(n * (int(window) - 1) * 0.9)
        self.result("hellos_during_" + what, hellos, "HELLOs", tunnels=n,
                    seconds=round(window, 2), atLeast=floor,
                    retransmits=retrans, establishedAfter=up)
        if up < n:
            raise BenchError("tunnels dropped during %s: %d of %d up"
                             % (what, up, n))
        if hellos < floor:
            raise BenchError("hellos missed during %s: %d in %.1f s "
                             "for %d tunnels" % (what, hellos, window, n))

    def http_get(self, url):
        """GET url from inside A's namespace; (seconds, bytes, the page's
        own l2tpv3d_scrape_* gauges), timed there, from connect to the
        last byte.  With curl when there is one (a client in C, as
        Prometheus' own is compiled: python's http.client takes longer
        to undo the chunked encoding of 20 MB than the daemon to write
        it), else python."""
        if shutil.which("curl"):
            page = os.path.join(self.work, "page.txt")
            p = self.run(["curl", "-sS", "--fail", "--max-time", "120",
                          "-o", page, "-w", "%{time_total} %{size_download}",
                          url], ns="A")
            secs, size = p.stdout.split()
            gauges = {}
            with open(page, "rb") as f:
                for line in f:
                    if line.startswith(b"l2tpv3d_scrape"):
                        k, v = line.decode().split()
                        gauges[k] = v
            return float(secs), int(float(size)), gauges
        code = ("import http.client, sys, time, urllib.parse\n"
                "u = urllib.parse.urlsplit(sys.argv[1])\n"
                "t0 = time.monotonic()\n"
                "c = http.client.HTTPConnection(u.hostname, u.port,"
                " timeout=120)\n"
                "c.request('GET', u.path)\n"
                "r = c.getresponse()\n"
                "b = r.read()\n"
                "dt = time.monotonic() - t0\n"
                "assert r.status == 200, r.status\n"
                "print(dt, len(b))\n"
                "for l in b.split(b'\\n'):\n"
                "    if l.startswith(b'l2tpv3d_scrape'):\n"
                "        print(l.decode())\n")
        p = self.run([sys.executable, "-c", code, url], ns="A")
        lines = p.stdout.splitlines()
        secs, size = lines[0].split()
        gauges = dict(l.split() for l in lines[1:])
        return float(secs), int(size), gauges

    def metric_sums(self):
        """From `show metrics` (written in slices, so counting costs the
        loops no long stall): retransmissions in all, HELLOs
        retransmitted, HELLOs received, summed over both daemons."""
        want = {
            b"l2tpv3d_tunnel_retransmits_total{": "retransmits",
            b"l2tpv3d_tunnel_messages_retransmitted_total{": "hello_rtx",
            b"l2tpv3d_tunnel_messages_received_total{": "hello_rx",
        }
        sums = {"retransmits": 0, "hello_rtx": 0, "hello_rx": 0}
        for d in ("A", "B"):
            for line in self.shell(d, "show metrics", timeout=300) \
                    .splitlines():
                for prefix, key in want.items():
                    if not line.startswith(prefix):
                        continue
                    if key != "retransmits" and b'type="HELLO"' not in line:
                        continue
                    sums[key] += int(line.rsplit(b" ", 1)[1])
        return sums

    def probe_loop(self, stop, lat):
        """While the scrapes run: how long A takes to answer a trivial
        command (`show version`), every probe_every s (50 ms); a loop
        held by a scrape shows as a slow answer."""
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                self.shell("A", "show version", timeout=60)
            except (BenchError, subprocess.SubprocessError):
                pass
            lat.append(time.monotonic() - t0)
            stop.wait(getattr(self, "probe_every", 0.05))

    def probe_conn_loop(self, stop, lat):
        """probe_loop over one connection kept open, speaking the
        control socket's framing (proto/ctlproto.h) itself: what is
        timed is the daemon's answer, not an l2tpsh starting."""
        import socket
        import struct
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(self.sock("A"))
        req = b"show version"
        try:
            while not stop.is_set():
                t0 = time.monotonic()
                c.sendall(struct.pack(">IHH", len(req), 1, 1) + req)
                while True:
                    hdr = b""
                    while len(hdr) < 8:
                        hdr += c.recv(8 - len(hdr))
                    n, _, kind = struct.unpack(">IHH", hdr)
                    body = b""
                    while len(body) < n:
                        body += c.recv(n - len(body))
                    if kind == 3:  # CTL_END
                        break
                lat.append(time.monotonic() - t0)
                stop.wait(getattr(self, "probe_every", 0.05))
        finally:
            c.close()

    def probed(self, fn):
        import threading
        stop, lat = threading.Event(), []
        loop = self.probe_loop
        if getattr(self, "probe_conn", False):
            loop = self.probe_conn_loop
        th = threading.Thread(target=loop, args=(stop, lat))
        th.start()
        try:
            out = fn()
        finally:
            stop.set()
            th.join()
        return out, lat

    def establish_settled(self, note):
        """Bring up every tunnel and session with --hello s hellos,
        report it, and wait until the first hellos are acknowledged."""
        a = self.args
        n, m = a.tunnels, a.sessions
        secs = self.establish(n, m, a.hello)
        self.result("establish_tunnels_seconds", round(secs, 3), "s",
                    tunnels=n, sessions=n * m, helloInterval=a.hello,
                    note=note)
        time.sleep(max(1.5, 2.0 * a.hello))

    def scrape(self):
        """The metrics of n tunnels (and their sessions) while hellos
        flow (--hello, 1 s by default): `show metrics` through the
        control socket and GET /metrics from the HTTP endpoint, three
        times each, both written in slices from the loop.  A window of
        the same length without scrapes comes first, so that what the
        hellos lose to the machine's load alone is told apart from what
        the scrapes cost them.  A missed hello is a HELLO retransmitted
        (its ZLB did not come back in time)."""
        a = self.args
        n, m = a.tunnels, a.sessions
        self.establish_settled("for --scrape")

        def window(fn):
            s0 = self.metric_sums()
            t0 = time.monotonic()
            out, lat = self.probed(fn)
            s1 = self.metric_sums()
            d = {k: s1[k] - s0[k] for k in s0}
            return out, lat, d, time.monotonic() - t0

        def idle():
            time.sleep(a.scrape_window)

        _, lat0, base, w0 = window(idle)
        self.result("scrape_baseline_hellos_missed", base["hello_rtx"],
                    "HELLOs", tunnels=n, sessions=n * m,
                    seconds=round(w0, 2), helloInterval=a.hello,
                    retransmits=base["retransmits"],
                    helloReceived=base["hello_rx"],
                    probeMaxSeconds=round(max(lat0), 4) if lat0 else None,
                    probes=len(lat0),
                    note="no scrape: the same window, for comparison")

        def scrapes():
            runs, http, cpu = [], [], []
            t_end = time.monotonic() + a.scrape_window
            out = b""
            for _ in range(3):
                c0, t0 = self.cpu_ticks("A"), time.monotonic()
                out = self.shell("A", "show metrics", timeout=300)
                runs.append(time.monotonic() - t0)
                cpu.append(self.cpu_ticks("A") - c0)
            for _ in range(3):
                c0 = self.cpu_ticks("A")
                http.append(self.http_get(
                    "http://127.0.0.1:%d/metrics" % METRICS_PORT))
                cpu.append(self.cpu_ticks("A") - c0)
            time.sleep(max(0.0, t_end - time.monotonic()))
            self.scrape_cpu = [c / os.sysconf("SC_CLK_TCK") for c in cpu]
            return runs, http, out

        (runs, http, out), lat, d, w = window(scrapes)
        series = sum(1 for l in out.splitlines() if not l.startswith(b"#"))
        self.result("scrape_show_metrics_seconds", round(min(runs), 4), "s",
                    tunnels=n, sessions=n * m, bytes=len(out),
                    series=series, worst=round(max(runs), 4),
                    build=self.build_kind(),
                    daemonCpuSeconds=self.scrape_cpu[:3],
                    note="best of 3, l2tpsh -c 'show metrics'; "
                    "daemonCpuSeconds: A's CPU (hellos included) "
                    "during each")
        g = http[-1][2]
        self.result("scrape_http_metrics_seconds",
                    round(min(h[0] for h in http), 4), "s", tunnels=n,
                    sessions=n * m, bytes=http[0][1],
                    worst=round(max(h[0] for h in http), 4),
                    collectSeconds=float(
                        g.get("l2tpv3d_scrape_collect_seconds", "nan")),
                    sliceMaxSeconds=float(
                        g.get("l2tpv3d_scrape_slice_max_seconds", "nan")),
                    build=self.build_kind(),
                    client="curl" if shutil.which("curl") else "python",
                    daemonCpuSeconds=self.scrape_cpu[3:],
                    note="best of 3, GET /metrics; collect and slice "
                    "max as the daemon measured them for the page")
        self.result("scrape_hellos_missed", d["hello_rtx"], "HELLOs",
                    tunnels=n, sessions=n * m, seconds=round(w, 2),
                    helloInterval=a.hello, retransmits=d["retransmits"],
                    helloReceived=d["hello_rx"],
                    baselineHellosMissed=base["hello_rtx"],
                    probeMaxSeconds=round(max(lat), 4) if lat else None,
                    probeBaselineMaxSeconds=round(max(lat0), 4)
                    if lat0 else None, probes=len(lat),
                    note="HELLOs retransmitted over both daemons while "
                    "A was scraped 6 times; probe: `show version` on A "
                    "every 50 ms")
        up = min(self.count_established("A"), self.count_established("B"))
        if up < n:
            raise BenchError("tunnels dropped during the scrapes: %d of %d "
                             "up" % (up, n))
        self.stop("A", timeout=120)
        self.stop("B", timeout=120)

    def commit(self):
        """Issue 12: one option changed under n tunnels, from the shell
        (configure terminal, commit) and by SIGHUP, while `show version`
        is asked of A every 10 ms from another client; the slowest
        answer, the time the change took, and the HELLOs retransmitted
        (a missed hello), each against a window of the same length
        without a change."""
        a = self.args
        n, m = a.tunnels, a.sessions
        self.probe_every = 0.01
        self.probe_conn = True
        self.establish_settled("for --commit")
        span = max(3.0 * a.hello, 8.0)
        sh = os.path.join(self.build, "cli", "l2tpsh")

        def window(fn):
            s0 = self.metric_sums()
            t0 = time.monotonic()
            (took, out), lat = self.probed(fn)
            w = time.monotonic() - t0
            s1 = self.metric_sums()
            return took, out, lat, {k: s1[k] - s0[k] for k in s0}, w

        def idle():
            time.sleep(span)
            return 0.0, ""

        def until_hello(want, t0):
            while True:
                j = json.loads(self.shell("A", "show tunnel t0 json"))
                if j["t0"]["helloInterval"] == want:
                    return time.monotonic() - t0
                if time.monotonic() - t0 > 120:
                    raise BenchError("hello-interval %d never ran" % want)
                time.sleep(0.05)

        def by_shell():
            t_end = time.monotonic() + span
            t0 = time.monotonic()
            p = subprocess.run(
                [sh, "-S", self.sock("A")], input=b"configure terminal\n"
                b"tunnel t0\nhello-interval %d\ncommit\nend\n" %
                (a.hello + 1), stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, timeout=300)
            if p.returncode != 0:
                raise BenchError("commit: " + p.stderr.decode())
            took = until_hello(a.hello + 1, t0)
            time.sleep(max(0.0, t_end - time.monotonic()))
            return took, p.stdout.decode()

        def by_sighup():
            t_end = time.monotonic() + span
            conf = self.conf("A", n, m, a.hello).replace(
                "tunnel t0 {\n", "tunnel t0 {\n\thello-interval = %d\n" %
                (a.hello + 2), 1)
            with open(os.path.join(self.work, "A.conf"), "w") as f:
                f.write(conf)
            t0 = time.monotonic()
            os.kill(self.pid("A"), signal.SIGHUP)
            took = until_hello(a.hello + 2, t0)
            time.sleep(max(0.0, t_end - time.monotonic()))
            return took, ""

        _, _, lat0, base, w0 = window(idle)
        self.result("commit_baseline_probe_max_seconds",
                    round(max(lat0), 4), "s", tunnels=n, sessions=n * m,
                    probes=len(lat0), seconds=round(w0, 2),
                    helloInterval=a.hello, hellosMissed=base["hello_rtx"],
                    build=self.build_kind(),
                    note="no change: the same window, for comparison")
        def applied():
            """A's last "configuration applied" line: what
            tunnels_reload() took on the loop, ms."""
            with open(os.path.join(self.work, "A.log")) as f:
                last = [l for l in f if "configuration applied:" in l][-1]
            return float(last.split("reload ")[1].split()[0])

        for what, fn in (("shell", by_shell), ("sighup", by_sighup)):
            took, out, lat, d, w = window(fn)
            reload_ms = applied()
            self.result("commit_%s_probe_max_seconds" % what,
                        round(max(lat), 4), "s", tunnels=n,
                        sessions=n * m, probes=len(lat),
                        over50ms=sum(1 for x in lat if x > 0.05),
                        changeSeconds=round(took, 3),
                        loopReloadMs=reload_ms,
                        seconds=round(w, 2), helloInterval=a.hello,
                        build=self.build_kind(), target="<= 0.05 s",
                        said=out.strip()[-200:],
                        note="`show version` on A every 10 ms over one "
                        "open connection while tunnel t0's "
                        "hello-interval changes (%s)" % what)
            self.result("commit_%s_hellos_missed" % what, d["hello_rtx"],
                        "HELLOs", tunnels=n, seconds=round(w, 2),
                        retransmits=d["retransmits"],
                        helloReceived=d["hello_rx"],
                        baselineHellosMissed=base["hello_rtx"],
                        target="0")
        up = min(self.count_established("A"), self.count_established("B"))
        if up < n:
            raise BenchError("tunnels dropped by the commits: %d of %d up"
                             % (up, n))
        self.stop("A", timeout=120)
        self.stop("B", timeout=120)

    def build_kind(self):
        """release, or sanitizers when the daemon carries ASan."""
        with open(os.path.join(self.build, "daemon", "l2tpv3d"), "rb") as f:
            return "sanitizers" if b"__asan_init" in f.read() else "release"

    def show_json(self):
        """`show tunnel json` while 1 s hellos flow; none may be missed.

        A HELLO goes out after a second without a message from the peer,
        so per tunnel one of the two sides says HELLO about once a second
        (plus a round trip): over the window the two daemons together
        must have received about one per tunnel per second."""
        n = self.args.tunnels
        hellos0, retrans0 = self.hello_counts()
        t_hello0 = time.monotonic()
        best, size = None, 0
        for _ in range(3):
            t0 = time.monotonic()
            out = self.shell("A", "show tunnel json")
            dt = time.monotonic() - t0
            json.loads(out)  # must be valid
            best = dt if best is None else min(best, dt)
            size = len(out)
        self.result("show_tunnel_json_seconds", round(best, 4), "s",
                    tunnels=n, bytes=size, runs=3, note="best of 3")
        self.result("show_tunnel_json_bytes", size, "bytes", tunnels=n)
        if self.args.sessions:
            t0 = time.monotonic()
            out = self.shell("A", "show session json")
            dt = time.monotonic() - t0
            json.loads(out)
            self.result("show_session_json_seconds", round(dt, 4), "s",
                        sessions=n * self.args.sessions, bytes=len(out))
        self.hello_check("show", t_hello0, hellos0, retrans0)

    def teardown(self):
        n = self.args.tunnels
        t0 = time.monotonic()
        a_exit = self.stop("A", timeout=120)
        while self.count_established("B") > 0:
            if time.monotonic() - t0 > 120:
                raise BenchError("B still has established tunnels")
            time.sleep(0.05)
        total = time.monotonic() - t0
        self.result("teardown_seconds", round(total, 3), "s", tunnels=n,
                    aExitSeconds=round(a_exit, 3),
                    datagramsPerSecond=round(2 * n / total),
                    ceilingFraction=self.of_ceiling(2 * n / total))
        self.stop("B", timeout=120)

    def profile(self):
        """Establishment only, both daemons under `perf record` once A
        has loaded its configuration; the report (by daemon and symbol)
        goes to the work directory, which is kept."""
        a = self.args
        secs = self.establish(a.tunnels, a.sessions, 60)
        self.result("establish_tunnels_seconds", round(secs, 3), "s",
                    tunnels=a.tunnels, sessions=a.tunnels * a.sessions,
                    configLoadSeconds=round(self.loaded, 3),
                    note="under perf record")
        report = os.path.join(self.work, "establish.perf.txt")
        with open(report, "w") as f:
            subprocess.run(["perf", "report", "--stdio", "--no-children",
                            "-g", "none", "--percent-limit", "0.5",
                            "--sort", "pid,dso,sym", "-i",
                            os.path.join(self.work, "establish.perf")],
                           stdout=f, stderr=subprocess.DEVNULL)
        self.note("profile: " + report)

    def graceful(self):
        """Issue 14: a graceful restart of A under the whole load; the
        hand-over time as A reports it, and the HELLOs retransmitted by
        either side in a window around it, against an equal window
        without."""
        a = self.args
        n, m = a.tunnels, a.sessions
        self.establish_settled("for --graceful")
        span = max(3.0 * a.hello, 10.0)
        s0 = self.metric_sums()
        time.sleep(span)
        s1 = self.metric_sums()
        t0 = time.monotonic()
        out = self.shell("A", "restart graceful", timeout=120).decode()
        answered = time.monotonic() - t0
        if "has taken over" not in out:
            raise BenchError("restart graceful: " + out.strip())
        took = out.split("has taken over in ", 1)[1].split()[0]
        # The sockets went unread only from the freeze on: the new
        # process loads its configuration while the old one serves.
        unread = None
        if "sockets unread for " in out:
            unread = int(out.split("sockets unread for ", 1)[1].split()[0])
        time.sleep(max(0.0, span - answered))
        s2 = self.metric_sums()
        up = min(self.count_established("A"), self.count_established("B"))
        # Two figures: how long no tunnel was served (the freeze to the
        # new process's "ready": what the peers can notice), and the
        # whole command, most of it the new process loading its
        # configuration while the old one serves every tunnel.
        if unread is not None:
            self.result("graceful_restart_unread_seconds",
                        round(unread / 1000.0, 3), "s", tunnels=n,
                        sessions=n * m, helloInterval=a.hello,
                        target="<= 2 s, no missed hello",
                        note="the frozen window: no socket read, no "
                        "timer run, from the old process's freeze to the "
                        "new one's ready")
        self.result("graceful_restart_seconds", round(int(took) / 1000.0, 3),
                    "s", tunnels=n, sessions=n * m,
                    answeredSeconds=round(answered, 3),
                    unreadSeconds=(None if unread is None else
                                   round(unread / 1000.0, 3)),
                    helloInterval=a.hello, establishedAfter=up,
                    note="request to taken over; the old process serves "
                    "until the freeze")
        self.result("graceful_hellos_retransmitted", s2["hello_rtx"] -
                    s1["hello_rtx"], "HELLOs", tunnels=n, target="0",
                    windowSeconds=round(span, 1),
                    withoutRestart=s1["hello_rtx"] - s0["hello_rtx"],
                    retransmitsAll=s2["retransmits"] - s1["retransmits"],
                    hellosReceived=s2["hello_rx"] - s1["hello_rx"])
        if up < n:
            raise BenchError("tunnels dropped by the graceful restart: "
                             "%d of %d up" % (up, n))

    def daemon_stats(self):
        """`show statistics daemon json` of both daemons: refusals,
        half-open drops, unknown CCIDs, replaced connections."""
        out = {}
        for d in ("A", "B"):
            out[d] = json.loads(self.shell(d, "show statistics daemon json"))
        return out

    def storm_phase(self, what, n, m, t0, pos, before):
        """Wait for a cold start or a restart storm, and describe it:
        when 10/50/90/100 % of the tunnels were up on each side, what
        each daemon counted meanwhile, the kernel's receive-buffer
        drops, A's retries (log lines), the machine's load."""
        timeline = []
        drops0 = self.udp_drops()
        secs = self.wait_all(n, m, t0, what, pos, timeline)
        drops = self.udp_drops()
        stats = self.daemon_stats()
        keys = ("halfOpenDropped", "unknownCcid", "sccrqRetransmissions",
                "connectionsReplaced", "statelessStopccn")
        counted = {}
        for d in ("A", "B"):
            for k in keys:
                v = stats[d].get(k, 0) - before.get(d, {}).get(k, 0)
                if v:
                    counted[k + d] = v
        quant = {}
        for i, d in enumerate(("A", "B")):
            for q in (10, 50, 90):
                want = n * q // 100
                hit = next((row[0] for row in timeline
                            if row[1 + i] >= want), None)
                if hit is not None:
                    quant["up%d%s" % (q, d)] = round(hit, 2)
        with open(os.path.join(self.work, "A.log"), "rb") as f:
            f.seek(pos["A"] if pos else 0)
            retries = f.read().count(b": retrying in ")
        params = dict(quant, retriesLoggedA=retries,
                      rcvbufDropsA=drops["A"] - drops0["A"],
                      rcvbufDropsB=drops["B"] - drops0["B"],
                      loadavg=[round(x, 2) for x in os.getloadavg()],
                      **counted)
        return secs, params, stats

    def restart_storm(self):
        """Issue 14: the LNS (B) restarts under n tunnels and n*m
        sessions; A's persistent tunnels must come back spread out, all
        of them within twice the cold-start time.  The cold start is
        measured the same way in the same run: both daemons fresh, B
        started first, A's tunnels opened as A's configuration has them
        (one burst, or --ramp K at a time)."""
        a = self.args
        n, m = a.tunnels, a.sessions
        if a.ramp and a.ramp < n:
            cold = self.establish(n, m, 60)
            cold_params, stats = {"ramp": a.ramp}, self.daemon_stats()
        else:
            self.start("B", "B", self.conf("B", n, m, 60))
            t0 = time.monotonic()
            self.start("A", "A", self.conf("A", n, m, 60))
            self.loaded = time.monotonic() - t0
            cold, cold_params, stats = self.storm_phase(
                "cold start", n, m, t0, None, {})
        self.result("restart_storm_cold_seconds", round(cold, 3), "s",
                    tunnels=n, sessions=n * m,
                    configLoadSeconds=round(self.loaded, 3), **cold_params)
        time.sleep(1)
        pos = {"A": self.log_size("A"), "B": 0}
        before = {"A": stats["A"]}
        b_stop = self.stop("B", timeout=120)
        t0 = time.monotonic()
        self.start("B", "B", self.conf("B", n, m, 60))
        b_loaded = time.monotonic() - t0
        secs, params, _ = self.storm_phase("restart storm", n, m, t0, pos,
                                           before)
        self.result("restart_storm_seconds", round(secs, 3), "s",
                    tunnels=n, sessions=n * m,
                    coldSeconds=round(cold, 3),
                    ratioToCold=round(secs / cold, 2),
                    bStopSeconds=round(b_stop, 3),
                    bConfigLoadSeconds=round(b_loaded, 3),
                    target="ratioToCold <= 2", **params)
        self.stop("A", timeout=120)
        self.stop("B", timeout=120)

    def vm_kernel(self):
        """Item 9: kernel programming against an `ip l2tp` loop, in the
        test VM (bench/vm-kernel.sh); its JSON lines become results."""
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "vm-kernel.sh")
        env = dict(os.environ, top_builddir=os.path.abspath(self.build),
                   top_srcdir=os.path.dirname(os.path.dirname(
                       os.path.abspath(script))))
        p = subprocess.run(["sh", script, str(self.args.vm)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
        if p.returncode == 77:
            self.note("VM benchmark skipped: " + p.stdout.strip()[-200:])
            return
        if p.returncode != 0 or not lines:
            raise BenchError("bench/vm-kernel.sh failed: " +
                             p.stdout.strip()[-800:])
        for line in lines:
            r = json.loads(line)
            self.result(r["name"], r["value"], r["unit"], **r["parameters"])

    def main(self):
        a = self.args
        n, m = a.tunnels, a.sessions
        if a.vm:
            self.vm_kernel()
        self.setup_net(n)
        if a.profile:
            self.profile()
            return
        if a.scrape:
            self.scrape()
            return
        if a.restart_storm:
            self.restart_storm()
            return
        if a.graceful:
            self.graceful()
            return
        if a.commit:
            self.commit()
            return
        self.udp_ceiling()
        self.codec()
        idle = self.idle_rss()

        # Memory per tunnel from a run without sessions, so that the
        # sessions' share can be told apart in the next one.
        per_tunnel = None
        if m:
            self.establish(n, 0, 60)
            time.sleep(0.5)
            per_tunnel = self.rss_result(n, 0, idle)
            self.stop("A")
            self.stop("B")

        # 60 s hellos: establishment, memory, idle CPU.
        drops0 = self.udp_drops()
        secs = self.establish(n, m, 60)
        drops = self.udp_drops()
        # SCCRQ, SCCRP, SCCCN, ZLB: four datagrams a tunnel; ICRQ, ICRP,
        # ICCN, ZLB four more a session.
        dgrams = 4 * n * (1 + m) / secs
        self.result("establish_tunnels_seconds", round(secs, 3), "s",
                    tunnels=n, sessions=n * m,
                    tunnelsPerSecond=round(n / secs),
                    ceilingFraction=self.of_ceiling(dgrams),
                    configLoadSeconds=round(self.loaded, 3),
                    afterLoadSeconds=round(secs - self.loaded, 3),
                    pollInterval=a.poll,
                    rcvbufDropsA=drops["A"] - drops0["A"],
                    rcvbufDropsB=drops["B"] - drops0["B"])
        if m:
            self.result("establish_sessions_per_second",
                        round(n * m / secs), "sessions/s", tunnels=n,
                        sessions=n * m, seconds=round(secs, 3),
                        ceilingFraction=self.of_ceiling(dgrams),
                        afterLoadPerSecond=round(
                            n * m / (secs - self.loaded)))
        time.sleep(0.5)  # let the last acknowledgements settle
        self.rss_result(n, m, idle, per_tunnel)
        self.steady_cpu(60, a.steady_seconds)
        self.stop("A")
        self.stop("B")

        # 1 s hellos: CPU, then `show` under load, then teardown.
        self.establish(n, m, 1)
        time.sleep(1.5)
        self.steady_cpu(1, a.steady_seconds)
        self.show_json()
        self.teardown()


def tunnel_addr(i):
    return str(TUNNEL_NET + 1 + i)


def fmt(v):
    if isinstance(v, float) and v != int(v):
        return "%.4g" % v
    return "{:,}".format(int(v))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tunnels", type=int, default=10000)
    p.add_argument("--sessions", type=int, default=0,
                   help="sessions per tunnel (default 0)")
    p.add_argument("--quick", action="store_true",
                   help="short windows: 10 s steady state, 1 s UDP")
    p.add_argument("--steady-seconds", type=float)
    p.add_argument("--udp-seconds", type=float)
    p.add_argument("--establish-timeout", type=float, default=120)
    p.add_argument("--poll", type=float, default=0.02,
                   help="seconds between looks at the daemons' logs")
    p.add_argument("--builddir",
                   default=os.environ.get("top_builddir") or os.path.join(
                       os.path.dirname(os.path.abspath(__file__)), ".."))
    p.add_argument("--json", help="also write the JSON lines here")
    p.add_argument("--keep", action="store_true",
                   help="keep the work directory (configs, logs)")
    p.add_argument("--vm", type=int, default=0, metavar="SESSIONS",
                   help="also run bench/vm-kernel.sh with this many "
                   "sessions in the test VM (kernel dataplane)")
    p.add_argument("--scrape", action="store_true",
                   help="only the metrics scrape: establish with 1 s "
                   "hellos, time `show metrics` and GET /metrics")
    p.add_argument("--hello", type=int, default=1,
                   help="--scrape: hello-interval of the tunnels (s)")
    p.add_argument("--scrape-window", type=float, default=6.0,
                   help="--scrape: seconds of each window (the baseline "
                   "and the one with the scrapes)")
    p.add_argument("--ramp", type=int, default=0, metavar="K",
                   help="bring A's tunnels up K at a time (reloads)")
    p.add_argument("--graceful", action="store_true",
                   help="only a graceful restart of A under load (with "
                   "--hello)")
    p.add_argument("--restart-storm", action="store_true",
                   help="only the restart storm: cold start, then the "
                   "LNS restarts; time until everything is back")
    p.add_argument("--commit", action="store_true",
                   help="only a one-option commit and a SIGHUP under "
                   "load, `show version` probed every 10 ms (with "
                   "--hello)")
    p.add_argument("--profile", action="store_true",
                   help="only establishment, the daemons under perf "
                   "record; keeps the work directory with the reports")
    a = p.parse_args()
    if a.profile:
        a.keep = True
    if a.steady_seconds is None:
        a.steady_seconds = 10 if a.quick else 60
    if a.udp_seconds is None:
        a.udp_seconds = 1 if a.quick else 3
    return a


def main():
    args = parse_args()
    if os.geteuid() != 0:
        print("l2tpbench: needs root (network namespaces)", file=sys.stderr)
        return 77
    for prog in ("daemon/l2tpv3d", "cli/l2tpsh", "bench/udpblast",
                 "bench/codec_bench"):
        if not os.access(os.path.join(args.builddir, prog), os.X_OK):
            print("l2tpbench: %s not built in %s" % (prog, args.builddir),
                  file=sys.stderr)
            return 1
    b = Bench(args)
    rc = 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        b.main()
    except (BenchError, subprocess.SubprocessError, OSError) as e:
        print("l2tpbench: FAILED: %s" % e, file=sys.stderr)
        for d in ("A", "B"):
            tail = b.log_tail(d)
            if tail:
                print("--- %s.log\n%s" % (d, tail), file=sys.stderr)
        rc = 1
    finally:
        b.cleanup()
    b.table()
    return rc


if __name__ == "__main__":
    sys.exit(main())
