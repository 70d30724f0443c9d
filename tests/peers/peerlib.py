"""The peer zoo's engine: one scripted L2TPv3 peer, driven by a profile.

A profile (profiles.py) is data: for every message the peer sends, either
a frame of a real capture (replayed byte for byte; only the header, the
connection and session IDs and, where a profile says so, a named value
are patched) or an AVP list built through AVP_TABLE.  This module does
the rest, once for every peer:

  - reading the real frames out of classic pcap files (Ethernet, IPv4 or
    IPv6, UDP or IP protocol 115);
  - framing: the control header, its length, our Control Connection ID
    and Ns/Nr; over IP the 4-byte zero Session ID in front;
  - reliable delivery: Ns/Nr, acknowledgement by ZLB or by an explicit
    ACK message (type 20, or the profile's own bytes), retransmission of
    what the daemon has not acknowledged, duplicates acknowledged again;
  - hellos at the profile's interval;
  - the two scripts, initiator and responder, and the hold afterwards.

Python 3 standard library only.  A "FAIL:" line and exit status 1 mean
the daemon did something the profile's peer would not accept (or a CDN
or StopCCN came where none may come); the shell test (zoo.sh) checks
the daemon's side and the capture.
"""

import os
import select
import socket
import struct
import time

# Message types.
SCCRQ, SCCRP, SCCCN, STOPCCN, HELLO = 1, 2, 3, 4, 6
ICRQ, ICRP, ICCN, CDN, SLI, ACK = 10, 11, 12, 14, 16, 20
CISCO_ACK = 102
MSG_NAMES = {0: "ZLB", SCCRQ: "SCCRQ", SCCRP: "SCCRP", SCCCN: "SCCCN",
             STOPCCN: "StopCCN", HELLO: "HELLO", ICRQ: "ICRQ", ICRP: "ICRP",
             ICCN: "ICCN", CDN: "CDN", SLI: "SLI", ACK: "ACK"}
HDR = struct.Struct("!HHIHH")
T_L_S_V3 = 0xC803
DIR = os.path.dirname(os.path.abspath(__file__))
CAPTURE_DIRS = (os.path.join(DIR, "data"),
                os.path.join(DIR, "..", "captures"))

# The AVP table: name -> (vendor, type, encoding).  Profiles name AVPs
# by these names only; one place knows their numbers and formats.
AVP_TABLE = {
    "msgtype": (0, 0, "u16"), "result": (0, 1, "raw"),
    "proto_version": (0, 2, "raw"), "framing_caps": (0, 3, "u32"),
    "bearer_caps": (0, 4, "u32"), "tie_breaker": (0, 5, "raw"),
    "firmware": (0, 6, "u16"), "hostname": (0, 7, "str"),
    "vendor_name": (0, 8, "str"), "rx_window": (0, 10, "u16"),
    "serial": (0, 15, "u32"), "framing_type": (0, 19, "u32"),
    "connect_speed": (0, 24, "u32"), "rx_connect_speed": (0, 38, "u32"),
    "seq_required": (0, 39, "raw"),
    "router_id": (0, 60, "u32"), "ccid": (0, 61, "u32"),
    "pw_caps": (0, 62, "u16list"), "local_sid": (0, 63, "u32"),
    "remote_sid": (0, 64, "u32"), "cookie": (0, 65, "raw"),
    "end_id": (0, 66, "str"), "pw_type": (0, 68, "u16"),
    "l2spec": (0, 69, "u16"), "data_seq": (0, 70, "u16"),
    "circuit": (0, 71, "u16"),
    "c_msgtype": (9, 0, "u16"), "c_ccid": (9, 1, "u32"),
    "c_pw_caps": (9, 2, "u16list"), "c_local_sid": (9, 3, "u32"),
    "c_remote_sid": (9, 4, "u32"), "c_cookie": (9, 5, "raw"),
    "c_end_id": (9, 6, "str"), "c_pw_type": (9, 7, "u16"),
    "c_circuit": (9, 8, "u16"), "c_tie_breaker": (9, 9, "raw"),
    "c_draft": (9, 10, "u16"), "c_mtu": (9, 14, "u16"),
    "c_114": (9, 114, "raw"), "c_115": (9, 115, "raw"),
}
BY_NUMBER = {(v, t): n for n, (v, t, _) in AVP_TABLE.items()}

# The IDs a replayed frame carries are the capture's; these AVPs are
# rewritten with ours.  The value names are Peer attributes.
ID_PATCHES = {(0, 61): "ccid", (9, 1): "ccid",
              (0, 63): "sid", (9, 3): "sid",
              (0, 64): "peer_sid", (9, 4): "peer_sid"}


class Fail(Exception):
    """The daemon did something this peer does not accept."""


_T0 = time.monotonic()


def log(s):
    """One line of the peer's story, with the seconds since it started
    (on a loaded machine the gaps say who was slow)."""
    print(f"[{time.monotonic() - _T0:6.2f}] {s}", flush=True)


def encode_value(enc, value):
    if isinstance(value, bytes):
        return value
    if enc == "u16":
        return struct.pack("!H", value)
    if enc == "u32":
        return struct.pack("!I", value)
    if enc == "u16list":
        return b"".join(struct.pack("!H", v) for v in value)
    if enc == "str":
        return value.encode()
    raise ValueError(f"no encoding {enc} for {value!r}")


def avp_bytes(vendor, typ, value, mandatory):
    return struct.pack("!HHH", (0x8000 if mandatory else 0) |
                       (6 + len(value)), vendor, typ) + value


# --- real bytes out of pcap files ----------------------------------------

def pcap_frames(path):
    """The L2TP control bytes of each frame of a classic pcap, by frame
    number (1-based, as tshark and l2tpdump count), and their source."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        end = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        end = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError(f"{path}: link type {linktype}, want Ethernet")
    frames = {}
    off, n = 24, 0
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        n += 1
        l2tp = l2tp_of_ethernet(pkt)
        if l2tp is not None:
            frames[n] = l2tp
    return frames


def l2tp_of_ethernet(pkt):
    """(source address, control message bytes) of an Ethernet frame, or
    None when it holds no L2TP control message."""
    etype, off = struct.unpack("!H", pkt[12:14])[0], 14
    while etype in (0x8100, 0x88A8):
        etype, off = struct.unpack("!H", pkt[off + 2:off + 4])[0], off + 4
    if etype == 0x0800:
        ihl = (pkt[off] & 0x0F) * 4
        proto = pkt[off + 9]
        src = socket.inet_ntop(socket.AF_INET, pkt[off + 12:off + 16])
        total = struct.unpack("!H", pkt[off + 2:off + 4])[0]
        payload = pkt[off + ihl:off + total]
    elif etype == 0x86DD:
        proto = pkt[off + 6]
        src = socket.inet_ntop(socket.AF_INET6, pkt[off + 8:off + 24])
        plen = struct.unpack("!H", pkt[off + 4:off + 6])[0]
        payload = pkt[off + 40:off + 40 + plen]
    else:
        return None
    if proto == 17:
        payload = payload[8:]
    elif proto == 115:
        if payload[:4] != b"\0\0\0\0":
            return None  # a data packet
        payload = payload[4:]
    else:
        return None
    if len(payload) < 12 or not payload[0] & 0x80:
        return None
    return src, payload


_PCAPS = {}


def capture_frame(name, number):
    """The control message bytes of frame NUMBER of capture NAME."""
    if name not in _PCAPS:
        for d in CAPTURE_DIRS:
            path = os.path.join(d, name)
            if os.path.exists(path):
                _PCAPS[name] = pcap_frames(path)
                break
        else:
            raise ValueError(f"capture {name} not found in {CAPTURE_DIRS}")
    try:
        return _PCAPS[name][number][1]
    except KeyError:
        raise ValueError(f"{name}: frame {number} is no control message")


# --- decoding -------------------------------------------------------------

class Avp:
    def __init__(self, mandatory, vendor, typ, value):
        self.mandatory, self.vendor, self.typ = mandatory, vendor, typ
        self.value = value

    def num(self):
        return int.from_bytes(self.value, "big")


class Msg:
    def __init__(self, raw):
        if len(raw) < 12:
            raise Fail(f"short control message ({len(raw)} bytes)")
        bits, length, self.ccid, self.ns, self.nr = HDR.unpack(raw[:12])
        if bits != T_L_S_V3:
            raise Fail(f"header bits/version {bits:#06x}, want 0xc803")
        if length != len(raw):
            raise Fail(f"length field {length}, message {len(raw)} bytes")
        self.raw = raw
        self.avps = []
        off = 12
        while off < length:
            flags, vendor, typ = struct.unpack("!HHH", raw[off:off + 6])
            alen = flags & 0x3FF
            if alen < 6 or off + alen > length:
                raise Fail(f"AVP {vendor}:{typ} length {alen} is bad")
            self.avps.append(Avp(bool(flags & 0x8000), vendor, typ,
                                 raw[off + 6:off + alen]))
            off += alen
        self.type = 0
        if self.avps:
            first = self.avps[0]
            if first.typ != 0 or first.vendor not in (0, 9):
                raise Fail("first AVP is not a message type")
            self.type = first.num()
            if first.vendor == 9 and self.type == CISCO_ACK:
                self.type = ACK

    def name(self):
        return MSG_NAMES.get(self.type, str(self.type))

    def is_ack(self):
        return self.type in (0, ACK)

    def find(self, name):
        vendor, typ, _ = AVP_TABLE[name]
        for a in self.avps:
            if (a.vendor, a.typ) == (vendor, typ):
                return a
        return None

    def get(self, *names):
        """The first of NAMES present, as a number; None if none is."""
        for n in names:
            a = self.find(n)
            if a is not None:
                return a.num()
        return None

    def dump(self):
        parts = []
        for a in self.avps[1:]:
            n = BY_NUMBER.get((a.vendor, a.typ), f"{a.vendor}:{a.typ}")
            v = a.value.hex() if len(a.value) > 4 else str(a.num())
            if n == "result":
                v = f"{a.value[:2].hex()}/{a.value[2:4].hex()} " \
                    f"{a.value[4:].decode(errors='replace')!r}"
            parts.append(f"{n}={v}")
        return " ".join(parts)


# --- building what the peer sends ----------------------------------------

class Frame:
    """A message replayed from a capture: Frame(file, number, why).
    edits: {avp name: value} rewrites a value (a documented change, e.g.
    the DEPI router's PW Capabilities List for an Ethernet one); drop:
    AVP names left out.  IDs are patched through ID_PATCHES always."""

    def __init__(self, capture, number, edits=None, drop=()):
        self.capture, self.number = capture, number
        self.edits = edits or {}
        self.drop = {n if isinstance(n, tuple) else AVP_TABLE[n][:2]
                     for n in drop}

    def body(self, peer):
        raw = capture_frame(self.capture, self.number)
        m = Msg(raw)
        out = b""
        for a in m.avps:
            key = (a.vendor, a.typ)
            if key in self.drop:
                continue
            name = BY_NUMBER.get(key)
            value = a.value
            if name in self.edits:
                value = encode_value(AVP_TABLE[name][2],
                                     peer.resolve(self.edits[name]))
            elif key in ID_PATCHES:
                value = struct.pack("!I", getattr(peer, ID_PATCHES[key]))
            out += avp_bytes(a.vendor, a.typ, value, a.mandatory)
        return raw[:2], out


class Avps:
    """A message built from AVP_TABLE: Avps([(name, value, M bit)...]),
    values may name a Peer attribute as "$attr"."""

    def __init__(self, items):
        self.items = items

    def body(self, peer):
        out = b""
        for name, value, mandatory in self.items:
            vendor, typ, enc = AVP_TABLE[name]
            out += avp_bytes(vendor, typ,
                             encode_value(enc, peer.resolve(value)),
                             mandatory)
        return struct.pack("!H", T_L_S_V3), out


# --- transport ------------------------------------------------------------

class Transport:
    def __init__(self, encap, local, remote, port):
        self.encap = encap
        self.v6 = ":" in local
        fam = socket.AF_INET6 if self.v6 else socket.AF_INET
        if encap == "udp":
            self.sock = socket.socket(fam, socket.SOCK_DGRAM)
            self.sock.bind((local, port))
        else:
            self.sock = socket.socket(fam, socket.SOCK_RAW, 115)
            self.sock.bind((local, 0))
        self.remote = remote
        self.dest = (remote, port if encap == "udp" else 0)

    def send(self, raw):
        if self.encap == "ip":
            raw = b"\0\0\0\0" + raw
        self.sock.sendto(raw, self.dest)

    def recv(self, timeout):
        """A control message from the daemon, None on timeout; data
        packets and others' datagrams are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.sock], [], [], max(left, 0))
            if not r:
                return None
            raw, src = self.sock.recvfrom(65535)
            if src[0] != self.remote:
                continue
            if self.encap == "ip":
                if not self.v6:
                    raw = raw[(raw[0] & 0x0F) * 4:]
                if raw[:4] != b"\0\0\0\0":
                    continue
                raw = raw[4:]
            elif src[1] != self.dest[1]:
                # RFC 3931: the answer may come from another port.
                self.dest = src
            if raw and raw[0] & 0x80:
                return raw


# --- the peer -------------------------------------------------------------

class Peer:
    def __init__(self, profile, args):
        self.p = profile
        self.args = args
        self.tp = Transport(args.encap, args.local, args.peer, args.port)
        self.ccid = profile.get("ccid") or (
            struct.unpack("!I", os.urandom(4))[0] | 1)
        self.sid = profile.get("sid") or (
            struct.unpack("!I", os.urandom(4))[0] | 1)
        self.peer_ccid = 0
        self.peer_sid = 0
        self.cookie = os.urandom(4)
        # One value for Tie Breaker (5) and 9:9, as IOS sends them.
        self.tie_breaker = os.urandom(8)
        self.serial = 1
        self.end_id = args.end_id
        self.reset_seq()
        self.hellos_sent = 0
        self.next_hello = None
        self.hellos_got = 0
        self.events = []  # what the daemon sent, for the report
        self.inbox = []  # messages that came while we waited for an ack
        # For the graceful-restart checks (zoo.py --graceful): fail on a
        # gap in the daemon's Ns or an Nr of its going back; take no
        # acknowledgement (so that we retransmit, every rtx_interval s
        # when set); leave the daemon's new messages unacknowledged (as
        # if lost, so that they stay outstanding).
        self.strict_seq = False
        self.ignore_acks = False
        self.withhold_acks = False
        self.rtx_interval = None
        self.retransmits = 0
        self.withheld = 0
        self.daemon_nr = None
        self.daemon_ns_max = None
        self.zlbs = []  # (monotonic time, Nr) of each pure ack

    def preload(self):
        """Read the captures now, before the daemon's clock runs."""
        for spec in self.p["messages"].values():
            if isinstance(spec, Frame):
                capture_frame(spec.capture, spec.number)

    def reset_seq(self):
        self.ns = 0  # next Ns we send
        self.nr = 0  # next Ns we expect
        self.unacked = []  # [ns, raw, next retransmission, interval]

    def resolve(self, value):
        if isinstance(value, str) and value.startswith("$"):
            v = getattr(self, value[1:])
            return v() if callable(v) else v
        return value


    # --- sending --------------------------------------------------------

    def frame(self, first2, body, ns):
        return first2 + struct.pack("!HIHH", 12 + len(body), self.peer_ccid,
                                    ns, self.nr) + body

    def send(self, what):
        if self.p.get("stop_and_wait"):
            self.flush()
        spec = self.p["messages"][what]
        first2, body = spec.body(self)
        raw = self.frame(first2, body, self.ns)
        log(f"-> {what} Ns {self.ns} Nr {self.nr}")
        self.tp.send(raw)
        self.unacked.append([self.ns, raw, time.monotonic() + 1.0, 1.0])
        self.ns = (self.ns + 1) & 0xFFFF

    def send_ack(self, mtype=0):
        """A ZLB; or the profile's ACK message for the message types it
        names in ack_with (OpenRPD acknowledges SCCCN and ICCN so)."""
        ack = self.p["messages"].get("ack")
        if ack is None or mtype not in self.p.get("ack_with", ()):
            raw = self.frame(struct.pack("!H", T_L_S_V3), b"", self.ns)
        else:
            first2, body = ack.body(self)
            raw = self.frame(first2, body, self.ns)
        self.tp.send(raw)

    def retransmit(self):
        now = time.monotonic()
        for u in self.unacked:
            if u[2] <= now:
                # Nr as it is now, as every implementation does.
                raw = u[1][:10] + struct.pack("!H", self.nr) + u[1][12:]
                self.tp.send(raw)
                self.retransmits += 1
                log(f"-> retransmission Ns {u[0]} Nr {self.nr}")
                u[3] = self.rtx_interval or min(u[3] * 2, 4.0)
                u[2] = now + u[3]

    # --- receiving ------------------------------------------------------

    def acked(self, nr):
        self.unacked = [u for u in self.unacked
                        if ((u[0] - nr) & 0xFFFF) < 0x8000]

    def recv(self, timeout):
        """The next new, in-sequence message (acknowledged at once, as
        every peer of the zoo does), or None."""
        if self.inbox:
            return self.inbox.pop(0)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            raw = self.tp.recv(min(left, 0.1))
            self.retransmit()
            if raw is None:
                continue
            m = Msg(raw)
            if m.ccid not in (self.ccid, 0) or (m.ccid == 0 and
                                                m.type != SCCRQ):
                raise Fail(f"{m.name()} to CCID {m.ccid}, ours is "
                           f"{self.ccid}")
            ahead = (m.nr - self.ns) & 0xFFFF
            if 0 < ahead < 0x8000:
                # What the restarted xcesp got (capture frame 167): a ZLB
                # with the old connection's Nr, taken for an ack.
                raise Fail(f"{m.name()} Ns {m.ns} Nr {m.nr} acknowledges "
                           f"messages we never sent (our next Ns is "
                           f"{self.ns}): another connection's numbers")
            if self.strict_seq:
                self.check_seq(m)
            if self.withhold_acks and not m.is_ack() and m.ns == self.nr:
                self.withheld += 1
                log(f"   {m.name()} Ns {m.ns} left unacknowledged")
                continue
            before = len(self.unacked)
            if m.is_ack():
                self.zlbs.append((time.monotonic(), m.nr))
                if self.ignore_acks:
                    log(f"<- {m.name()} Ns {m.ns} Nr {m.nr}: not taken")
            if not self.ignore_acks:
                self.acked(m.nr)
            if m.is_ack():
                if len(self.unacked) < before:
                    log(f"<- {m.name()} Ns {m.ns} Nr {m.nr}: acknowledges "
                        f"up to our Ns {(m.nr - 1) & 0xFFFF}")
                continue
            if m.ns != self.nr:
                log(f"   duplicate {m.name()} Ns {m.ns}, acknowledged")
                self.send_ack()
                continue
            self.nr = (self.nr + 1) & 0xFFFF
            log(f"<- {m.name()} Ns {m.ns} Nr {m.nr} {m.dump()}")
            if m.type in (SCCRQ, SCCRP):
                self.peer_ccid = m.get("ccid", "c_ccid") or 0
            self.events.append(m.name())
            self.send_ack(m.type)
            if m.type in (CDN, STOPCCN) and not self.p.get("expect_refusal"):
                raise Fail(f"the daemon sent {m.name()}: {m.dump()}")
            if m.type == HELLO:
                self.hellos_got += 1
                continue
            return m

    def check_seq(self, m):
        """The peer's view of a graceful restart: the daemon's Nr never
        goes back, and each new message carries the next Ns (an earlier
        one is a retransmission; a later one, a gap)."""
        if self.daemon_nr is not None and \
                ((m.nr - self.daemon_nr) & 0xFFFF) >= 0x8000:
            raise Fail(f"{m.name()} Nr {m.nr} after Nr {self.daemon_nr}: "
                       f"the daemon's Nr went back")
        self.daemon_nr = m.nr
        if m.is_ack():
            return
        # Due is the next after the highest Ns seen, not our Nr: a
        # message we left unacknowledged was still sent, and the daemon
        # may send the next one (a HELLO after hello-interval) in its
        # window before it resends that one.
        due = self.nr if self.daemon_ns_max is None else \
            (self.daemon_ns_max + 1) & 0xFFFF
        ahead = (m.ns - due) & 0xFFFF
        if 0 < ahead < 0x8000:
            raise Fail(f"{m.name()} Ns {m.ns} where Ns {due} was due: "
                       f"a gap in the daemon's Ns")
        if ahead == 0:
            self.daemon_ns_max = m.ns

    def expect(self, mtype, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            m = self.recv(deadline - time.monotonic())
            if m is None:
                raise Fail(f"no {MSG_NAMES[mtype]} within {timeout} s")
            if m.type == mtype:
                return m
            if m.type == SLI:
                continue  # may come at any time once a session is up
            raise Fail(f"{m.name()} where {MSG_NAMES[mtype]} was due: "
                       f"{m.dump()}")

    def drain(self, seconds):
        """Acknowledge whatever comes for SECONDS, send our hellos."""
        deadline = time.monotonic() + seconds
        interval = self.p.get("hello", 1.2)
        if self.next_hello is None:
            self.next_hello = time.monotonic() + (interval or seconds)
        while True:
            now = time.monotonic()
            if now >= deadline:
                return
            if now >= self.next_hello and interval:
                self.send("hello")
                self.hellos_sent += 1
                self.next_hello = now + interval
            m = self.recv((min(deadline, self.next_hello) if interval
                           else deadline) - now)
            if m is not None and m.type != SLI:
                raise Fail(f"unexpected {m.name()} while holding: {m.dump()}")

    def flush(self, timeout=5.0):
        """Wait until everything we sent is acknowledged; what comes
        meanwhile waits in the inbox for the script."""
        deadline = time.monotonic() + timeout
        while self.unacked:
            if time.monotonic() > deadline:
                raise Fail(f"Ns {self.unacked[0][0]} never acknowledged")
            pending, self.inbox = self.inbox, []
            m = self.recv(0.1)
            self.inbox = pending + ([m] if m is not None else [])

    # --- the scripts ----------------------------------------------------

    def tunnel_as_initiator(self):
        self.peer_ccid = 0
        self.send("sccrq")
        m = self.expect(SCCRP)
        self.peer_ccid = m.get("ccid", "c_ccid") or 0
        if not self.peer_ccid:
            raise Fail(f"SCCRP without an Assigned Connection ID: {m.dump()}")
        self.send("scccn")
        self.flush()
        log(f"   tunnel up: our CCID {self.ccid}, daemon's {self.peer_ccid}")

    def tunnel_as_responder(self):
        m = self.expect(SCCRQ, timeout=10.0)
        self.peer_ccid = m.get("ccid", "c_ccid") or 0
        if not self.peer_ccid:
            raise Fail(f"SCCRQ without an Assigned Connection ID: {m.dump()}")
        self.send("sccrp")
        self.expect(SCCCN)
        log(f"   tunnel up: our CCID {self.ccid}, daemon's {self.peer_ccid}")

    def session_as_initiator(self):
        self.peer_sid = 0
        self.send("icrq")
        m = self.expect(ICRP)
        self.take_peer_sid(m)
        for name, want in self.p.get("icrp_must", {}).items():
            if m.get(name) != want:
                raise Fail(f"ICRP {name} is {m.get(name)}, this peer "
                           f"asked for {want}: {m.dump()}")
        self.send("iccn")
        self.flush()
        for extra in self.p.get("after_iccn", ()):
            self.send(extra)
        log(f"   session up: ours {self.sid}, daemon's {self.peer_sid}")

    def session_as_responder(self):
        m = self.expect(ICRQ, timeout=10.0)
        self.take_peer_sid(m)
        self.send("icrp")
        for extra in self.p.get("after_icrp", ()):
            self.send(extra)
        self.expect(ICCN)
        for extra in self.p.get("after_established", ()):
            self.send(extra)
        log(f"   session up: ours {self.sid}, daemon's {self.peer_sid}")

    def take_peer_sid(self, m):
        self.peer_sid = m.get("local_sid", "c_local_sid") or 0
        if not self.peer_sid:
            raise Fail(f"{m.name()} without a Local Session ID: {m.dump()}")
        ours = m.get("remote_sid", "c_remote_sid")
        if m.type == ICRP and ours != self.sid:
            raise Fail(f"ICRP Remote Session ID {ours}, ours is {self.sid}")

    def hold(self, hellos):
        """Keep the connection up (hellos, acks) until the daemon has
        sent HELLOS hellos and we have sent as many."""
        deadline = time.monotonic() + hellos * 3 + 5
        ours = hellos if self.p.get("hello", 1.2) else 0
        while self.hellos_got < hellos or self.hellos_sent < ours:
            if time.monotonic() > deadline:
                raise Fail(f"only {self.hellos_got} HELLOs from the daemon, "
                           f"{self.hellos_sent} sent, in the hold")
            self.drain(0.3)
        log(f"   held: {self.hellos_got} HELLOs received, "
            f"{self.hellos_sent} sent")

    def restart(self):
        """The peer stops (its StopCCN) and comes back at once with the
        same Assigned Connection ID, while our old connection closes."""
        self.send("stopccn")
        self.flush()
        self.reset_seq()
        time.sleep(self.p.get("restart_gap", 0.3))
        log("   restarted, same CCID")
