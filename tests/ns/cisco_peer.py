#!/usr/bin/env python3
"""A scripted Cisco IOS peer in its default ("draft") L2TPv3 dialect.

It speaks to one l2tpv3d over a plain UDP socket and plays the part of
the router, step by step, checking every byte the daemon sends back:

  1. SCCRQ with the AVPs IOS sends (v2-era Protocol Version, Framing
     Capabilities, Tie Breaker, Firmware Revision, Host Name, Vendor Name,
     Receive Window Size, and vendor-9 Assigned Connection ID 9:1,
     Pseudowire Capabilities 9:2, Draft AVP Version 9:10; with a secret
     also the 9:12 digest as second AVP, Challenge 11 and the 9:13 nonce);
  2. the SCCRP must be in the same dialect (9:1, 9:2, 9:10; no Router ID,
     61 or 62; with a secret 9:12 second and valid, and a 9:13 nonce);
  3. SCCCN, acknowledged by a ZLB, or with a secret by a 9:0 = 102 ACK
     message carrying 9:12 (never a ZLB: it cannot carry a digest);
  4. the daemon shows the tunnel established, dialect "cisco";
  5. HELLO, acknowledged the same way, and counted by the daemon;
  6. StopCCN (Result Code 1/6 "Admin Action" and 9:1), acknowledged; the
     daemon leaves established.

The daemon is observed only through its packets and `l2tpsh ... json`.
Digests follow RFC 3931 as Wireshark checks them (see
/work/shared/notes/message-digest.md): K = HMAC-MD5(secret, 0x02), then
HMAC-MD5(K, sender nonce || receiver nonce || message with the digest
value zeroed); no nonces for the SCCRQ.

Exit status 0 when every step passed, 1 with a "FAIL:" line otherwise.
"""

import argparse
import hashlib
import hmac
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

# Message types (IETF) and the Cisco ACK carried in 9:0.
SCCRQ, SCCRP, SCCCN, STOPCCN, HELLO, ACK = 1, 2, 3, 4, 6, 20
CISCO_ACK = 102
NAMES = {SCCRQ: "SCCRQ", SCCRP: "SCCRP", SCCCN: "SCCCN",
         STOPCCN: "StopCCN", HELLO: "HELLO", ACK: "ACK"}

IETF, CISCO = 0, 9
# IETF AVP types
A_MSGTYPE, A_RESULT, A_PROTO_VERSION, A_FRAMING_CAPS = 0, 1, 2, 3
A_TIE_BREAKER, A_FIRMWARE, A_HOSTNAME, A_VENDOR = 5, 6, 7, 8
A_RX_WINDOW, A_CHALLENGE, A_DIGEST, A_ROUTER_ID = 10, 11, 59, 60
A_CCID, A_PW_CAPS, A_NONCE = 61, 62, 73
A_CHALLENGE_RESPONSE = 13
# Cisco vendor-9 AVP types
C_MSGTYPE, C_CCID, C_PW_CAPS, C_DRAFT_VERSION = 0, 1, 2, 10
C_DIGEST, C_NONCE = 12, 13

HDR_LEN = 12
T_L_S_V3 = 0xC803
HOSTNAME = "cisco-pe"
VENDOR = "Cisco Systems, Inc."
PW_CAPS = (5, 4, 6, 7, 1, 3, 10, 9, 11)


class Fail(Exception):
    """A step did not go as the dialect requires."""


class Avp:
    def __init__(self, mandatory, vendor, typ, value, value_off):
        self.mandatory = mandatory
        self.vendor = vendor
        self.typ = typ
        self.value = value
        self.value_off = value_off  # where the value starts in the message

    def u16(self):
        if len(self.value) != 2:
            raise Fail(f"AVP {self.vendor}:{self.typ} is not 16 bits")
        return struct.unpack("!H", self.value)[0]

    def u32(self):
        if len(self.value) != 4:
            raise Fail(f"AVP {self.vendor}:{self.typ} is not 32 bits")
        return struct.unpack("!I", self.value)[0]


class Msg:
    """One received control message, decoded without trusting it."""

    def __init__(self, raw):
        if len(raw) < HDR_LEN:
            raise Fail(f"short datagram ({len(raw)} bytes)")
        bits, length, self.ccid, self.ns, self.nr = struct.unpack(
            "!HHIHH", raw[:HDR_LEN])
        if bits & 0xFFFF != T_L_S_V3:
            raise Fail(f"header bits/version {bits:#06x}, want 0xc803")
        if length != len(raw):
            raise Fail(f"length field {length}, datagram {len(raw)}")
        self.raw = raw
        self.avps = []
        off = HDR_LEN
        while off < length:
            if length - off < 6:
                raise Fail("AVP header runs past the end")
            flags, vendor, typ = struct.unpack("!HHH", raw[off:off + 6])
            alen = flags & 0x3FF
            if alen < 6 or off + alen > length:
                raise Fail(f"AVP {vendor}:{typ} length {alen} is bad")
            if flags & 0x4000:
                raise Fail(f"AVP {vendor}:{typ} is hidden")
            self.avps.append(Avp(bool(flags & 0x8000), vendor, typ,
                                 raw[off + 6:off + alen], off + 6))
            off += alen

    def zlb(self):
        return not self.avps

    def msgtype(self):
        """(vendor, type) of the first AVP, which must be a message type."""
        first = self.avps[0]
        if first.typ != 0 or first.vendor not in (IETF, CISCO):
            raise Fail("first AVP is not a message type")
        return first.vendor, first.u16()

    def is_ack(self):
        return not self.zlb() and self.msgtype() in ((IETF, ACK),
                                                     (CISCO, CISCO_ACK))

    def name(self):
        if self.zlb():
            return "ZLB"
        vendor, mt = self.msgtype()
        if vendor == CISCO:
            return f"9:0={mt}"
        return NAMES.get(mt, str(mt))

    def find(self, vendor, typ):
        found = [a for a in self.avps if (a.vendor, a.typ) == (vendor, typ)]
        if len(found) > 1:
            raise Fail(f"{self.name()}: AVP {vendor}:{typ} twice")
        return found[0] if found else None

    def need(self, vendor, typ):
        a = self.find(vendor, typ)
        if a is None:
            raise Fail(f"{self.name()} lacks AVP {vendor}:{typ}")
        if not a.mandatory:
            raise Fail(f"{self.name()}: AVP {vendor}:{typ} without M bit")
        return a


def avp(vendor, typ, value, mandatory=True):
    length = 6 + len(value)
    flags = (0x8000 if mandatory else 0) | length
    return struct.pack("!HHH", flags, vendor, typ) + value


def u16(v):
    return struct.pack("!H", v)


def u32(v):
    return struct.pack("!I", v)


class Peer:
    def __init__(self, args):
        self.args = args
        self.secret = args.secret.encode() if args.secret else None
        family = socket.AF_INET6 if ":" in args.local else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((args.local, args.port))
        self.dest = (args.peer, args.port)
        self.ccid = struct.unpack("!I", os.urandom(4))[0] | 1
        self.peer_ccid = 0
        self.ns = 0  # next Ns we send
        self.nr = 0  # next Ns we expect from the daemon
        self.acked = 0  # highest Nr the daemon has sent
        self.nonce = os.urandom(16)
        self.peer_nonce = b""
        if self.secret:
            self.key = hmac.new(self.secret, b"\x02", hashlib.md5).digest()
        self.zlbs = 0
        self.cisco_acks = 0

    # --- digests ------------------------------------------------------

    def mac(self, nonces, data):
        return hmac.new(self.key, nonces + data, hashlib.md5).digest()

    def sign(self, msg, nonces):
        """Fill the zeroed 9:12 value (second AVP) of an encoded message."""
        start = HDR_LEN + 8 + 6 + 1
        return msg[:start] + self.mac(nonces, msg) + msg[start + 16:]

    def verify(self, m):
        """9:12 must be the second AVP: type octet 0, then HMAC-MD5."""
        if len(m.avps) < 2 or (m.avps[1].vendor, m.avps[1].typ) != (
                CISCO, C_DIGEST):
            raise Fail(f"{m.name()}: second AVP is not 9:12")
        d = m.avps[1]
        if len(d.value) != 17 or d.value[0] != 0:
            raise Fail(f"{m.name()}: 9:12 is not MD5 (len {len(d.value)})")
        if m.find(IETF, A_DIGEST) is not None:
            raise Fail(f"{m.name()}: IETF Message Digest in draft dialect")
        zeroed = (m.raw[:d.value_off + 1] + bytes(16) +
                  m.raw[d.value_off + 17:])
        want = self.mac(self.peer_nonce + self.nonce, zeroed)
        if not hmac.compare_digest(want, d.value[1:]):
            raise Fail(f"{m.name()} Ns {m.ns}: 9:12 digest does not verify")

    # --- sending ------------------------------------------------------

    def encode(self, mtype_avp, body, ns):
        digest = avp(CISCO, C_DIGEST, bytes(17)) if self.secret else b""
        payload = mtype_avp + digest + body
        return struct.pack("!HHIHH", T_L_S_V3, HDR_LEN + len(payload),
                           self.peer_ccid, ns, self.nr) + payload

    def send(self, mtype, body=b"", nonces=None):
        """A sequenced message: takes the next Ns."""
        msg = self.encode(avp(IETF, A_MSGTYPE, u16(mtype)), body, self.ns)
        if self.secret:
            msg = self.sign(msg, self.nonce + self.peer_nonce
                            if nonces is None else nonces)
        self.sock.sendto(msg, self.dest)
        self.ns = (self.ns + 1) & 0xFFFF

    def send_ack(self):
        """A ZLB, or with a secret IOS's 9:0 = 102 ACK with 9:12."""
        if not self.secret:
            msg = struct.pack("!HHIHH", T_L_S_V3, HDR_LEN, self.peer_ccid,
                              self.ns, self.nr)
        else:
            msg = self.encode(avp(CISCO, C_MSGTYPE, u16(CISCO_ACK)), b"",
                              self.ns)
            msg = self.sign(msg, self.nonce + self.peer_nonce)
        self.sock.sendto(msg, self.dest)

    # --- receiving ----------------------------------------------------

    def recv(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not r:
            return None
        raw, src = self.sock.recvfrom(65535)
        if src[0] != self.args.peer:
            raise Fail(f"datagram from {src[0]}")
        m = Msg(raw)
        if m.ccid != self.ccid:
            raise Fail(f"{m.name()} to CCID {m.ccid}, ours is {self.ccid}")
        if m.zlb() and self.secret:
            raise Fail("ZLB with digests on (it cannot carry 9:12)")
        if m.zlb():
            self.zlbs += 1
        elif m.msgtype() == (IETF, SCCRP):
            # An SCCRP may come from another port; later messages go there.
            self.dest = src
        if self.secret and not m.zlb() and m.msgtype() != (IETF, SCCRP):
            self.verify(m)
        if not m.zlb() and m.msgtype() == (CISCO, CISCO_ACK):
            self.cisco_acks += 1
        self.acked = max(self.acked, m.nr)
        return m

    def expect(self, what, pred, timeout=5.0):
        """Handle datagrams until pred(m); other sequenced messages are
        acknowledged (duplicates again), acks are only noted."""
        deadline = time.monotonic() + timeout
        while True:
            m = self.recv(deadline - time.monotonic())
            if m is None:
                raise Fail(f"no {what} within {timeout} s")
            log(f"  <- {m.name()} Ns {m.ns} Nr {m.nr}")
            if pred(m):
                return m
            if m.zlb() or m.is_ack():
                continue
            if m.ns == self.nr:
                self.nr = (self.nr + 1) & 0xFFFF
            self.send_ack()

    def pump(self, seconds):
        """Handle whatever arrives for a while (between l2tpsh polls)."""
        try:
            self.expect("nothing", lambda m: False, seconds)
        except Fail as e:
            if not str(e).startswith("no nothing"):
                raise

    def acked_by(self, ns):
        """pred: an acknowledgement (ZLB or ACK message) covering ns."""
        def pred(m):
            if not (m.zlb() or m.is_ack()):
                return False
            return m.nr == (ns + 1) & 0xFFFF
        return pred

    # --- the daemon, through l2tpsh -----------------------------------

    def show(self, cmd):
        out = subprocess.run([self.args.l2tpsh, "-S", self.args.sock, "-c",
                              cmd + " json"], capture_output=True,
                             text=True, timeout=10)
        if out.returncode != 0:
            raise Fail(f"l2tpsh {cmd}: {out.stderr.strip()}")
        return json.loads(out.stdout).get(self.args.tunnel, {})

    def wait_tunnel(self, pred, what, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            t = self.show("show tunnel")
            if pred(t):
                return t
            if time.monotonic() > deadline:
                raise Fail(f"daemon: {what} not reached, shows {t}")
            self.pump(0.1)

    # --- the script ---------------------------------------------------

    def sccrq(self):
        body = (avp(IETF, A_PROTO_VERSION, b"\x01\x00") +
                avp(IETF, A_FRAMING_CAPS, u32(0)) +
                avp(IETF, A_TIE_BREAKER, os.urandom(8), False) +
                avp(IETF, A_FIRMWARE, u16(0x1130), False) +
                avp(IETF, A_HOSTNAME, HOSTNAME.encode()) +
                avp(IETF, A_VENDOR, VENDOR.encode(), False) +
                avp(IETF, A_RX_WINDOW, u16(1024)) +
                avp(CISCO, C_CCID, u32(self.ccid)) +
                avp(CISCO, C_PW_CAPS, b"".join(u16(p) for p in PW_CAPS)) +
                avp(CISCO, C_DRAFT_VERSION, u16(1)))
        if self.secret:
            self.challenge = os.urandom(16)
            body += (avp(IETF, A_CHALLENGE, self.challenge) +
                     avp(CISCO, C_NONCE, self.nonce))
        log(f"-> SCCRQ CCID {self.ccid}")
        self.send(SCCRQ, body, nonces=b"")

    def check_sccrp(self, m):
        if (m.ns, m.nr) != (0, 1):
            raise Fail(f"SCCRP Ns/Nr {m.ns}/{m.nr}, want 0/1")
        for vendor, typ in ((IETF, A_ROUTER_ID), (IETF, A_CCID),
                            (IETF, A_PW_CAPS), (IETF, A_NONCE),
                            (IETF, A_TIE_BREAKER)):
            if m.find(vendor, typ) is not None:
                raise Fail(f"SCCRP carries AVP {vendor}:{typ}")
        if m.need(IETF, A_PROTO_VERSION).value != b"\x01\x00":
            raise Fail("SCCRP Protocol Version is not 01 00")
        m.need(IETF, A_FRAMING_CAPS).u32()
        if not m.need(IETF, A_HOSTNAME).value:
            raise Fail("SCCRP Host Name is empty")
        m.need(IETF, A_RX_WINDOW).u16()
        self.peer_ccid = m.need(CISCO, C_CCID).u32()
        if self.peer_ccid == 0:
            raise Fail("SCCRP 9:1 is 0")
        caps = m.need(CISCO, C_PW_CAPS).value
        if not caps or len(caps) % 2:
            raise Fail(f"SCCRP 9:2 has {len(caps)} bytes")
        if m.need(CISCO, C_DRAFT_VERSION).u16() != 1:
            raise Fail("SCCRP 9:10 is not 1")
        if self.secret:
            self.peer_nonce = m.need(CISCO, C_NONCE).value
            if len(self.peer_nonce) < 16:
                raise Fail("SCCRP 9:13 nonce is shorter than 16 bytes")
            self.verify(m)
            # As IOS does: the SCCRP answers our Challenge (RFC 2661
            # CHAP-like: MD5(type 2 | secret | challenge)) and carries
            # the daemon's own, which our SCCCN answers.
            want = self.chap(2, self.challenge)
            if m.need(IETF, A_CHALLENGE_RESPONSE).value != want:
                raise Fail("SCCRP Challenge Response is wrong")
            self.peer_challenge = m.need(IETF, A_CHALLENGE).value
        elif m.find(CISCO, C_DIGEST) is not None:
            raise Fail("SCCRP has a digest, none configured")

    def chap(self, mtype, challenge):
        return hashlib.md5(bytes([mtype]) + self.secret +
                           challenge).digest()

    def scccn_body(self):
        """The SCCCN answers the daemon's Challenge when there is one."""
        if not self.secret:
            return b""
        return avp(IETF, A_CHALLENGE_RESPONSE,
                   self.chap(3, self.peer_challenge))

    def established(self):
        t = self.wait_tunnel(lambda t: t.get("state") == "established",
                             "established")
        want = {"dialect": "cisco", "localCcid": self.peer_ccid,
                "remoteCcid": self.ccid, "peerHostname": HOSTNAME,
                "peerVendor": VENDOR,
                "digest": "md5" if self.secret else "none"}
        for k, v in want.items():
            if t.get(k) != v:
                raise Fail(f"daemon shows {k} {t.get(k)!r}, want {v!r}")
        log(f"   daemon: established, dialect cisco, CCIDs "
            f"{self.peer_ccid}/{self.ccid}")

    def counted(self, what, n):
        s = self.show("show statistics")
        got = s.get("messages", {}).get("received", {}).get(what, 0)
        if got != n:
            raise Fail(f"daemon counted {got} {what} received, want {n}")

    def ack_of(self, ns, what):
        m = self.expect(f"acknowledgement of {what}", self.acked_by(ns))
        if self.secret and not m.is_ack():
            raise Fail(f"{what} acknowledged by {m.name()}")
        if self.secret and m.msgtype() != (CISCO, CISCO_ACK):
            raise Fail(f"{what} acknowledged by {m.name()}, not 9:0=102")
        if not self.secret and not m.zlb():
            raise Fail(f"{what} acknowledged by {m.name()}, not a ZLB")

    def run(self):
        self.sccrq()
        m = self.expect("SCCRP", lambda m: not m.zlb() and
                        m.msgtype() == (IETF, SCCRP))
        self.nr = 1
        self.check_sccrp(m)
        log(f"   SCCRP in the Cisco dialect, daemon CCID {self.peer_ccid}")

        log("-> SCCCN")
        self.send(SCCCN, self.scccn_body())
        self.ack_of(1, "SCCCN")
        self.established()

        log("-> HELLO")
        self.send(HELLO)
        self.ack_of(2, "HELLO")
        self.counted("HELLO", 1)

        log("-> StopCCN 1/6 Admin Action")
        self.send(STOPCCN, avp(IETF, A_RESULT, u16(1) + u16(6) +
                               b"Admin Action") +
                  avp(CISCO, C_CCID, u32(self.ccid)))
        self.ack_of(3, "StopCCN")
        self.wait_tunnel(lambda t: t.get("state") != "established",
                         "leaving established")
        self.counted("StopCCN", 1)
        log(f"   daemon left established; {self.zlbs} ZLBs, "
            f"{self.cisco_acks} 9:0 ACKs received")


def log(s):
    print(s, flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--local", required=True, help="our address")
    p.add_argument("--peer", required=True, help="the daemon's address")
    p.add_argument("--port", type=int, default=1701)
    p.add_argument("--secret", help="digest secret (MD5, 9:12)")
    p.add_argument("--l2tpsh", required=True)
    p.add_argument("--sock", required=True, help="the daemon's socket")
    p.add_argument("--tunnel", required=True, help="its tunnel's name")
    args = p.parse_args()
    try:
        Peer(args).run()
    except (Fail, subprocess.TimeoutExpired, ValueError) as e:
        print(f"FAIL: {e}", flush=True)
        return 1
    print("cisco peer: every step passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
