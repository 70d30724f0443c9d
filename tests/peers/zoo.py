#!/usr/bin/env python3
"""One scripted peer of the zoo against one l2tpv3d.

  zoo.py --profile NAME --role initiator|responder --encap udp|ip
         --local OUR_ADDR --peer DAEMON_ADDR [--hellos N] [--restart]
         [--no-session] [--expect-refusal]

initiator: the peer opens the control connection and places the call;
responder: it waits for the daemon's SCCRQ and ICRQ.  Either way it then
holds the session until the daemon has sent N HELLOs and the peer as
many (no CDN or StopCCN may come).  --restart: after the first session,
the peer sends its StopCCN and at once a new SCCRQ with the same
Assigned Connection ID, and must get a new connection and session.
--expect-refusal: the peer is at fault; the daemon's CDN or StopCCN is
printed as "REFUSAL ..." for the shell test to judge.

Prints "ESTABLISHED ..." and "HELD ..." lines, "FAIL: ..." on failure.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import Fail, Msg, Peer, log  # noqa: E402
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
