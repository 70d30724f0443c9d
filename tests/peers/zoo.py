#!/usr/bin/env python3
"""One scripted peer of the zoo against one l2tpv3d.

  zoo.py --profile NAME --role initiator|responder --encap udp|ip
         --local OUR_ADDR --peer DAEMON_ADDR [--hellos N] [--restart]
         [--no-session] [--expect-refusal] [--graceful N --sync DIR]

initiator: the peer opens the control connection and places the call;
responder: it waits for the daemon's SCCRQ and ICRQ.  Either way it then
holds the session until the daemon has sent N HELLOs and the peer as
many (no CDN or StopCCN may come).  --restart: after the first session,
the peer sends its StopCCN and at once a new SCCRQ with the same
Assigned Connection ID, and must get a new connection and session.
--expect-refusal: the peer is at fault; the daemon's CDN or StopCCN is
printed as "REFUSAL ..." for the shell test to judge.

--graceful N: then N rounds, each while a HELLO of the daemon is
outstanding (we leave it unacknowledged) and while we retransmit ours
every 0.2 s (taking no acknowledgement): the file DIR/ready.K says the
shell may restart the daemon gracefully, DIR/go.K that it has (the old
process gone).  Then our retransmissions must be answered (an ack) by
the new process, the daemon's HELLO retransmitted with the Ns it had,
and throughout no gap in the daemon's Ns and no Nr going back.

Prints "ESTABLISHED ..." and "HELD ..." lines, "FAIL: ..." on failure.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import SLI, Fail, Msg, Peer, log  # noqa: E402
from profiles import PROFILES  # noqa: E402


class Refused(Exception):
    def __init__(self, m):
        super().__init__(m.name())
        self.m = m


class ZooPeer(Peer):
    def recv(self, timeout):
        m = super().recv(timeout)
        if m is not None and self.p.get("expect_refusal") and \
                m.type in (4, 14):
            raise Refused(m)
        return m


def refusal_line(peer, m: Msg):
    res = m.find("result")
    v = res.value if res is not None else b""
    result = int.from_bytes(v[:2], "big") if len(v) >= 2 else -1
    error = int.from_bytes(v[2:4], "big") if len(v) >= 4 else -1
    text = v[4:].decode(errors="replace")
    ccid = m.get("ccid", "c_ccid")
    rsid = m.get("remote_sid", "c_remote_sid")
    return (f"REFUSAL {m.name()} result={result} error={error} "
            f"ccid61={ccid} remotesid={rsid} daemonccid={peer.peer_ccid} "
            f"sid={peer.sid} ccidmatch={'yes' if ccid == peer.peer_ccid else 'no'} "
            f"sidmatch={'yes' if rsid == peer.sid else 'no'} msg={text}")


def wait_until(peer, cond, seconds, what):
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            raise Fail(f"{what} within {seconds} s")
        m = peer.recv(0.1)
        if m is not None and m.type != SLI:  # may come at any time
            raise Fail(f"unexpected {m.name()}: {m.dump()}")


def graceful_round(peer, args, k):
    peer.hold(peer.hellos_got + 1)
    peer.withhold_acks = peer.ignore_acks = True
    # The daemon's HELLO first: it comes after hello-interval of
    # silence, and our retransmissions every 0.2 s would never let the
    # link fall silent (a race the first version of this lost).
    held = peer.withheld
    wait_until(peer, lambda: peer.withheld > held, 10,
               "no HELLO of the daemon outstanding")
    peer.rtx_interval = 0.2
    peer.send("hello")
    peer.hellos_sent += 1
    ours = (peer.ns - 1) & 0xFFFF
    rtx = peer.retransmits
    wait_until(peer, lambda: peer.retransmits > rtx, 10,
               "none of our HELLOs resent")
    due = peer.nr
    log(f"ROUND {k}: the daemon's Ns {due} outstanding, our HELLO Ns "
        f"{ours} retransmitted {peer.retransmits - rtx} times")
    open(os.path.join(args.sync, f"ready.{k}"), "w").close()
    go = os.path.join(args.sync, f"go.{k}")
    wait_until(peer, lambda: os.path.exists(go), 60, "no go from the shell")
    # The new process: it must answer our retransmissions (a pure ack
    # past our HELLO), and send its outstanding HELLO again, same Ns.
    peer.withhold_acks = False
    z0, got = len(peer.zlbs), peer.hellos_got
    wait_until(peer, lambda: any(nr == (ours + 1) & 0xFFFF
                                 for _, nr in peer.zlbs[z0:]), 5,
               "our retransmitted HELLO not answered after the restart")
    wait_until(peer, lambda: peer.hellos_got > got, 5,
               f"the daemon's HELLO Ns {due} not sent again")
    peer.ignore_acks = False
    peer.rtx_interval = None
    peer.flush()
    log(f"ROUND {k} OK: {peer.retransmits - rtx} retransmissions, "
        f"answered; the daemon's HELLO Ns {due} came again")


def run(peer, args):
    if args.role == "initiator":
        peer.tunnel_as_initiator()
        if not args.no_session:
            peer.session_as_initiator()
    else:
        peer.tunnel_as_responder()
        if not args.no_session:
            peer.session_as_responder()
    log(f"ESTABLISHED ccid={peer.ccid} peerccid={peer.peer_ccid} "
        f"sid={peer.sid} peersid={peer.peer_sid}")
    if args.restart:
        peer.hold(1)
        peer.restart()
        peer.tunnel_as_initiator()
        peer.session_as_initiator()
        log(f"ESTABLISHED ccid={peer.ccid} peerccid={peer.peer_ccid} "
            f"sid={peer.sid} peersid={peer.peer_sid}")
    if args.graceful:
        peer.strict_seq = True
        for k in range(1, args.graceful + 1):
            graceful_round(peer, args, k)
        args.hellos += peer.hellos_got
    peer.hold(args.hellos)
    log(f"HELD hellos_got={peer.hellos_got} hellos_sent={peer.hellos_sent}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", required=True, choices=sorted(PROFILES))
    ap.add_argument("--role", required=True,
                    choices=("initiator", "responder"))
    ap.add_argument("--encap", default="udp", choices=("udp", "ip"))
    ap.add_argument("--local", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--port", type=int, default=1701)
    ap.add_argument("--end-id", default="101")
    ap.add_argument("--hellos", type=int, default=3)
    ap.add_argument("--restart", action="store_true")
    ap.add_argument("--no-session", action="store_true",
                    help="the control connection only")
    ap.add_argument("--expect-refusal", action="store_true")
    ap.add_argument("--graceful", type=int, default=0,
                    help="rounds of a graceful restart of the daemon")
    ap.add_argument("--sync", help="--graceful: the files' directory")
    args = ap.parse_args()
    profile = dict(PROFILES[args.profile])
    if args.expect_refusal:
        profile["expect_refusal"] = True
    peer = ZooPeer(profile, args)
    peer.preload()
    log("READY")
    try:
        run(peer, args)
    except Refused as r:
        log(refusal_line(peer, r.m))
        return 0
    except Fail as e:
        print(f"FAIL: {e}", flush=True)
        return 1
    if profile.get("expect_refusal"):
        print("FAIL: no refusal came", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
