#!/usr/bin/env python3
"""Regenerate the fuzz seed corpora (one directory per target next to
this file: ctrl, data, reliable, tunnel, session, cmd, config).

Seeds are in the fuzz targets' input format: one selector byte (0 = UDP,
1 = IP protocol 115) and then the L2TP datagram.  Sources:

  * from the given captures (pcap or pcapng, Ethernet, IPv4: what
    tests/captures/ holds), one L2TP payload per distinct AVP layout;
  * hand-built messages: hidden AVPs under the fuzz targets' secret
    ("fuzz-secret"), digests, Cisco dialect, every message type;
  * malformed datagrams, one per decoder error path;
  * data packets with every cookie length, with and without the default
    L2-Specific Sublayer.

File names are a content hash plus a short label, so rerunning the script
is idempotent.  Files named found-* are not made here: they are what
libFuzzer runs added to coverage (fuzz_X -merge=1 corpus/X RUN_CORPUS),
kept as found; crash reproducers go in under a name that says the bug.
The conversation targets (tunnel, session; see ../harness.h) take a
selector byte and records; their seeds are the peer's side of the
captured conversations (whoever sent the first SCCRQ, or answered ours)
and hand-built ones, every message's CCID, Ns and Nr left for the harness
to fix up, Remote Session IDs turned into call indexes.  cmd seeds are
command lines, config seeds the golden configurations.

Usage: make-seeds.py ../../captures/*.pcap ../../../../shared/captures/*.pcap
           (from tests/fuzz/corpus; the conf/cases directory is found
           relative to this file)
"""
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = b"fuzz-secret"
UDP, IP = 0, 1


def save(kind, label, encap, dgram):
    data = bytes([encap]) + dgram
    name = "%s-%s" % (hashlib.sha1(data).hexdigest()[:12], label)
    d = os.path.join(HERE, kind)
    os.makedirs(d, exist_ok=True)
    for old in os.listdir(d):
        if old.startswith(name[:12]):
            return
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frames(buf):
    """Yield (linktype, frame) from a classic pcap or a pcapng file."""
    if buf[:4] == b"\x0a\x0d\x0d\x0a":
        end = "<" if buf[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        links, off = [], 0
        while off + 12 <= len(buf):
            btype, blen = struct.unpack(end + "II", buf[off:off + 8])
            body = buf[off + 8:off + blen - 4]
            if btype == 1:  # Interface Description Block
                links.append(struct.unpack(end + "H", body[:2])[0])
            elif btype == 6:  # Enhanced Packet Block
                ifc, _, _, caplen = struct.unpack(end + "IIII", body[:16])
                yield links[ifc], body[20:20 + caplen]
            off += blen
        return
    end = "<" if buf[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(end + "I", buf[20:24])[0]
    off = 24
    while off + 16 <= len(buf):
        incl = struct.unpack(end + "I", buf[off + 8:off + 12])[0]
        yield linktype, buf[off + 16:off + 16 + incl]
        off += 16 + incl


def pcap_packets(path):
    """Yield (source, encap, payload) for each L2TP packet of an Ethernet
    capture; source is the IPv4 source address (4 bytes)."""
    with open(path, "rb") as f:
        buf = f.read()
    for linktype, frame in frames(buf):
        if linktype != 1:
            raise SystemExit("%s: only Ethernet captures" % path)
        etype = struct.unpack(">H", frame[12:14])[0]
        pos = 14
        while etype in (0x8100, 0x88A8):
            etype = struct.unpack(">H", frame[pos + 2:pos + 4])[0]
            pos += 4
        if etype != 0x0800:
            continue
        ihl = (frame[pos] & 15) * 4
        total = struct.unpack(">H", frame[pos + 2:pos + 4])[0]
        proto = frame[pos + 9]
        src = frame[pos + 12:pos + 16]
        body = frame[pos + ihl:pos + total]
        if proto == 115:
            yield src, IP, body
        elif proto == 17 and 1701 in struct.unpack(">HH", body[:4]):
            ulen = struct.unpack(">H", body[4:6])[0]
            yield src, UDP, body[8:ulen]


def pcap_payloads(path):
    """Yield (encap, payload) for each L2TP packet of an Ethernet capture."""
    for _, encap, payload in pcap_packets(path):
        yield encap, payload


def avp(vendor, atype, value, m=True, h=False):
    flags = (0x8000 if m else 0) | (0x4000 if h else 0)
    return struct.pack(">HHH", flags | (6 + len(value)), vendor, atype) + value


def ctrl(avps, ccid=0, ns=0, nr=0, encap=UDP):
    body = b"".join(avps)
    hdr = struct.pack(">HHIHH", 0xC803, 12 + len(body), ccid, ns, nr)
    return (b"\0\0\0\0" if encap == IP else b"") + hdr + body


def msgtype(t, vendor=0):
    return avp(vendor, 0, struct.pack(">H", t))


def hide(atype, value, rv, pad=0):
    """RFC 3931 / 2661 hidden AVP value under SECRET."""
    plain = struct.pack(">H", len(value)) + value + b"\0" * pad
    out, prev = b"", struct.pack(">H", atype) + SECRET + rv
    for i in range(0, len(plain), 16):
        key = hashlib.md5(prev if i == 0 else SECRET + prev).digest()
        chunk = bytes(a ^ b for a, b in zip(plain[i:i + 16], key))
        out += chunk
        prev = chunk
    return out


def built_messages():
    rv = bytes(range(16))
    host = avp(0, 7, b"fuzz-lac")
    sccrq = [msgtype(1), host, avp(0, 60, b"\x0a\x00\x00\x01"),
             avp(0, 61, struct.pack(">I", 0x1234)),
             avp(0, 62, struct.pack(">HH", 5, 4)),
             avp(0, 10, struct.pack(">H", 64)), avp(0, 8, b"l2tpv3d", m=False)]
    yield "sccrq", UDP, ctrl(sccrq)
    yield "sccrq-ip", IP, ctrl(sccrq, encap=IP)
    yield "sccrq-digest", UDP, ctrl(
        [msgtype(1), avp(0, 59, b"\0" + b"\x11" * 16)] + sccrq[1:] +
        [avp(0, 73, bytes(range(16)))])
    yield "sccrp-sha1", UDP, ctrl(
        [msgtype(2), avp(0, 59, b"\1" + b"\x22" * 20)] + sccrq[1:] +
        [avp(0, 73, bytes(range(20)))], ccid=0x1234)
    yield "sccrq-cisco", IP, ctrl(
        [msgtype(1), avp(0, 2, b"\x01\x00"), avp(0, 3, b"\0\0\0\0"),
         avp(0, 5, b"\x01" * 8), avp(0, 6, b"\x11\x30", m=False), host,
         avp(0, 8, b"Cisco Systems, Inc.", m=False),
         avp(0, 10, struct.pack(">H", 1024)),
         avp(9, 1, struct.pack(">I", 0x4FA07D3F)),
         avp(9, 2, struct.pack(">9H", 5, 4, 6, 7, 1, 3, 10, 9, 11)),
         avp(9, 10, struct.pack(">H", 1)),
         avp(9, 12, b"\0" + b"\x33" * 16, m=False),
         avp(9, 13, b"\x44" * 16, m=False)], encap=IP)
    yield "cisco-ack", IP, ctrl([msgtype(102, 9), avp(9, 12, b"\0" * 17)],
                                ccid=7, ns=3, nr=4, encap=IP)
    yield "hidden", UDP, ctrl(
        [msgtype(10), avp(0, 36, rv),
         avp(0, 63, hide(63, struct.pack(">I", 77), rv, 5), h=True),
         avp(0, 64, struct.pack(">I", 0)),
         avp(0, 68, struct.pack(">H", 5)),
         avp(0, 7, hide(7, b"hidden-host", rv, 21), m=False, h=True)],
        ccid=9, ns=1, nr=1)
    yield "hidden-no-rv", UDP, ctrl(
        [msgtype(10), avp(0, 63, hide(63, b"\0\0\0\1", rv), h=True)], ccid=9)
    yield "stopccn", UDP, ctrl(
        [msgtype(4), avp(0, 1, b"\x00\x01\x00\x06Admin Action"),
         avp(0, 61, struct.pack(">I", 5))], ccid=3)
    yield "cdn", UDP, ctrl(
        [msgtype(14), avp(0, 1, b"\x00\x03"), avp(0, 63, b"\0\0\0\2"),
         avp(0, 64, b"\0\0\0\3")], ccid=3)
    yield "iccn", UDP, ctrl(
        [msgtype(12), avp(0, 63, b"\0\0\0\2"), avp(0, 64, b"\0\0\0\3"),
         avp(0, 70, b"\0\2"), avp(0, 74, b"\0" * 8), avp(0, 71, b"\0\3")],
        ccid=3)
    yield "hello", IP, ctrl([msgtype(6)], ccid=3, ns=9, nr=9, encap=IP)
    yield "ack", UDP, ctrl([msgtype(20)], ccid=3, ns=9, nr=9)
    yield "zlb", UDP, ctrl([], ccid=3, ns=9, nr=10)
    yield "zlb-ip", IP, ctrl([], ccid=3, encap=IP)
    yield "unknown-vendor", UDP, ctrl(
        [msgtype(6), avp(4491, 15, b"\x01\x02", m=False),
         avp(9, 105, b"", m=False)], ccid=3)
    # Reserved header and AVP flag bits: ignored on receipt, so the
    # re-encoded message differs from the input in them only.
    hello = ctrl([msgtype(6), avp(0, 7, b"x")], ccid=3)
    yield "reserved-bits", UDP, b"\xc9\x03" + hello[2:20] + b"\xbc" + \
        hello[21:]
    for t in (3, 7, 8, 9, 11, 15, 16):
        yield "type%d" % t, UDP, ctrl([msgtype(t), avp(0, 63, b"\0\0\0\2"),
                                       avp(0, 64, b"\0\0\0\3")], ccid=3)


def malformed():
    good = ctrl([msgtype(6)], ccid=3)
    yield "short", UDP, good[:7]
    yield "len-long", UDP, good[:2] + b"\x00\x40" + good[4:]
    yield "len-short", UDP, good[:2] + b"\x00\x0c" + good[4:]
    yield "v2", UDP, b"\xc8\x02" + good[2:]
    yield "v4", UDP, b"\xc8\x04" + good[2:]
    yield "bits", UDP, b"\x88\x03" + good[2:]
    yield "avp-len5", UDP, ctrl([msgtype(6)[:1] + b"\x05" + msgtype(6)[2:]])
    yield "avp-overrun", UDP, ctrl([msgtype(6), b"\x80\x20\0\0\0\x07ab"])
    yield "first-not-type", UDP, ctrl([avp(0, 7, b"x"), msgtype(6)], ccid=3)
    yield "unknown-m", UDP, ctrl([msgtype(6), avp(0, 250, b"zz")], ccid=3)
    yield "dup", UDP, ctrl([msgtype(6), msgtype(6)], ccid=3)
    yield "zero-ccid", UDP, ctrl([msgtype(6)], ccid=0)
    yield "msgtype-len", UDP, ctrl([avp(0, 0, b"\0\6\0")], ccid=3)
    yield "ip-data-as-ctrl", IP, b"\0\0\0\5" + good
    yield "avp-1023", UDP, ctrl([msgtype(6), avp(0, 8, b"v" * 1017,
                                                 m=False)], ccid=3)


def data_packets():
    payload = bytes(range(14)) * 2
    for cl in (0, 4, 8):
        cookie = bytes(range(0xA0, 0xA0 + cl))
        for l2ss in (b"", b"\x40\x00\x01\x02", b"\x00\x00\x00\x00"):
            tag = "c%d%s" % (cl, "-l2ss" if l2ss else "")
            yield tag, UDP, b"\x00\x03\x00\x00\x00\x00\x12\x34" + cookie + \
                l2ss + payload
            yield tag + "-ip", IP, b"\x00\x00\x12\x34" + cookie + l2ss + \
                payload
    yield "short", UDP, b"\x00\x03\x00"
    yield "ip-zero-sid", IP, b"\x00\x00\x00\x00\xc8\x03"
    yield "udp-v2", UDP, b"\x00\x02\x00\x00\x00\x00\x12\x34"


def shape(encap, dgram):
    """What makes a captured message interesting: its AVP layout.  The
    hundreds of HELLOs and ZLBs that differ only in Ns/Nr are one seed."""
    msg = dgram[4:] if encap == IP else dgram
    avps, off = [], 12
    while off + 6 <= len(msg):
        flags_len, vendor, atype = struct.unpack(">HHH", msg[off:off + 6])
        avps.append((flags_len, vendor, atype))
        off += max(flags_len & 0x3FF, 6)
    return encap, tuple(avps)


# --- conversations (tunnel, session) -------------------------------------
# Record flags, as in tests/fuzz/harness.h.
P_CCID, P_NS, P_NR, P_SID, P_SIGN, P_SPOOF = 1, 2, 4, 8, 16, 32
P_HDR = P_CCID | P_NS | P_NR
ADV = 0x80  # + index into harness.c's advance_ms table
ADV_10MS, ADV_250MS, ADV_1S, ADV_8S, ADV_60S, ADV_300S = 1, 4, 6, 9, 12, 14
OP_CLEAR_TUNNEL, OP_CLEAR_SESSION, OP_RELOAD = 0x90, 0x91, 0x92
OP_CIRCUIT_DOWN, OP_CIRCUIT_UP = 0x93, 0x94
# harness.c's configurations
C_RESP, C_INIT_MD5, C_CISCO_SHA1, C_WIN1, C_INIT = 0, 1, 2, 3, 4


def rec(flags, msg):
    return bytes([flags]) + struct.pack(">H", len(msg)) + msg


def adv(step):
    return bytes([ADV + step])


def avps_of(msg):
    off = 12
    while off + 6 <= len(msg):
        flags_len, vendor, atype = struct.unpack(">HHH", msg[off:off + 6])
        n = max(flags_len & 0x3FF, 6)
        yield off, n, vendor, atype
        off += n


def msg_type(msg):
    for off, n, vendor, atype in avps_of(msg):
        if atype == 0 and n >= 8:
            return struct.unpack(">H", msg[off + 6:off + 8])[0]
        break
    return None


def sid_to_index(msg, index=1):
    """Remote Session ID (64, or Cisco 9:4) := a call index for P_SID
    (1: our first call; 0 is left alone)."""
    out = bytearray(msg)
    for off, n, vendor, atype in avps_of(msg):
        if n == 10 and (vendor, atype) in ((0, 64), (9, 4)) and \
                msg[off + 6:off + 10] != b"\0\0\0\0":
            out[off + 6:off + 10] = struct.pack(">I", index)
    return bytes(out)


def peer_records(path, answer, limit=40):
    """The records of one side of a capture: the initiator's (answer =
    False: the peer opens, we answer) or the responder's."""
    packets = list(pcap_packets(path))
    opener = None
    for src, encap, payload in packets:
        msg = payload[4:] if encap == IP else payload
        if len(msg) >= 12 and msg[4:8] == b"\0\0\0\0" and \
                msg_type(msg) == 1:
            opener = src
            break
    if opener is None:
        return b""
    out = b""
    n = 0
    for src, encap, payload in packets:
        msg = payload[4:] if encap == IP else payload
        if (src == opener) == answer or len(msg) < 12 or \
                not msg[0] & 0x80:
            continue
        t = msg_type(msg)
        if msg[4:8] == b"\0\0\0\0":
            out += rec(0, msg)
        elif t is not None and 10 <= t <= 16:
            out += rec(P_HDR | P_SID, sid_to_index(msg))
        else:
            out += rec(P_HDR, msg)
        out += adv(ADV_250MS)
        n += 1
        if n == limit:
            break
    return out


def pw_caps():
    return avp(0, 62, struct.pack(">HH", 5, 4))


def sccrq(host=b"fuzz-lac", extra=()):
    return ctrl([msgtype(1), avp(0, 7, host), avp(0, 60, b"\x0a\0\0\2"),
                 avp(0, 61, struct.pack(">I", 0x1234)), pw_caps(),
                 avp(0, 10, struct.pack(">H", 16))] + list(extra))


def sccrp(extra=(), digest=None):
    head = [msgtype(2)]
    if digest is not None:
        head.append(avp(0, 59, digest))
    return ctrl(head + [avp(0, 7, b"fuzz-lns-peer"),
                        avp(0, 60, b"\x0a\0\0\2"),
                        avp(0, 61, struct.pack(">I", 0x5678)), pw_caps(),
                        avp(0, 10, struct.pack(">H", 4))] + list(extra),
                ccid=1)


def icrq(end_id, sid=0x77, serial=1, extra=()):
    return ctrl([msgtype(10), avp(0, 63, struct.pack(">I", sid)),
                 avp(0, 64, b"\0\0\0\0"), avp(0, 15, struct.pack(">I", serial)),
                 avp(0, 66, end_id), avp(0, 68, struct.pack(">H", 5))] +
                list(extra), ccid=1)


def sess(t, k=1, sid=0x77, extra=()):
    """ICRP/ICCN/CDN/SLI/WEN to our call k (1: the first)."""
    return ctrl([msgtype(t), avp(0, 63, struct.pack(">I", sid)),
                      avp(0, 64, struct.pack(">I", k))] + list(extra), ccid=1)


def simple(t, extra=()):
    return ctrl([msgtype(t)] + list(extra), ccid=1)


ZLB = ctrl([], ccid=1)
MD5_DIGEST = b"\0" + b"\0" * 16
SHA1_DIGEST = b"\1" + b"\0" * 20
NONCE = bytes(range(0x40, 0x50))


def tunnel_conversations():
    up = rec(0, sccrq()) + adv(ADV_10MS) + rec(P_HDR, simple(3))
    call = rec(P_HDR, icrq(b"101")) + adv(ADV_10MS) + \
        rec(P_HDR | P_SID, sess(12, extra=[avp(0, 71, b"\0\1")]))
    yield "resp-up", C_RESP, up + adv(ADV_1S)
    yield "resp-call", C_RESP, up + call + adv(ADV_1S) + \
        rec(P_HDR | P_SID, sess(16, extra=[avp(0, 71, b"\0\0")])) + \
        rec(P_HDR | P_SID, sess(14, extra=[avp(0, 1, b"\0\3")]))
    yield "resp-hello-stop", C_RESP, up + adv(ADV_60S) + \
        rec(P_HDR, simple(6)) + rec(P_HDR, ZLB) + \
        rec(P_HDR, simple(4, [avp(0, 1, b"\0\1\0\0bye"),
                              avp(0, 61, struct.pack(">I", 0x1234))])) + \
        adv(ADV_60S)
    yield "resp-peer-dead", C_RESP, up + adv(ADV_60S) + adv(ADV_60S) + \
        adv(ADV_60S) + adv(ADV_300S)
    yield "resp-no-scccn", C_RESP, rec(0, sccrq()) + adv(ADV_60S) + \
        adv(ADV_300S)
    yield "resp-replayed-sccrq", C_RESP, up + rec(0, sccrq()) + \
        rec(P_SPOOF, sccrq()) + adv(ADV_1S) + rec(P_HDR, simple(3))
    yield "resp-clear", C_RESP, up + call + bytes([OP_CIRCUIT_DOWN]) + \
        bytes([OP_CIRCUIT_UP]) + bytes([OP_CLEAR_SESSION]) + \
        bytes([OP_RELOAD]) + bytes([OP_CLEAR_TUNNEL]) + adv(ADV_8S)
    yield "resp-out-of-order", C_RESP, rec(0, sccrq()) + \
        rec(P_CCID, ctrl([msgtype(6)], ccid=1, ns=3, nr=1)) + \
        rec(P_CCID, ctrl([msgtype(3)], ccid=1, ns=1, nr=1)) + \
        rec(P_CCID, ctrl([msgtype(6)], ccid=1, ns=2, nr=1)) + adv(ADV_1S)
    yield "win1-up", C_WIN1, up + rec(P_HDR, ZLB) + adv(ADV_8S)
    yield "init-up", C_INIT, adv(ADV_10MS) + rec(P_HDR, sccrp()) + \
        adv(ADV_250MS) + rec(P_HDR, ZLB) + adv(ADV_1S) + \
        rec(P_HDR | P_SID, sess(11, extra=[avp(0, 15, b"\0\0\0\1")])) + \
        adv(ADV_1S) + rec(P_HDR, icrq(b"102")) + adv(ADV_1S)
    yield "init-retry", C_INIT, adv(ADV_8S) + adv(ADV_60S) + adv(ADV_60S)
    yield "md5-up", C_INIT_MD5, adv(ADV_10MS) + \
        rec(P_HDR | P_SIGN, sccrp([avp(0, 73, NONCE)], MD5_DIGEST)) + \
        adv(ADV_250MS) + \
        rec(P_HDR | P_SIGN, ctrl([msgtype(20), avp(0, 59, MD5_DIGEST)],
                                 ccid=1)) + adv(ADV_1S) + \
        rec(P_HDR, ZLB) + adv(ADV_8S)
    yield "cisco-sha1-up", C_CISCO_SHA1, \
        rec(P_SIGN, ctrl([msgtype(1), avp(9, 12, SHA1_DIGEST),
                          avp(0, 2, b"\x01\x00"), avp(0, 7, b"fuzz-lac"),
                          avp(0, 10, b"\0\x10"),
                          avp(9, 1, struct.pack(">I", 0x4FA07D3F)),
                          avp(9, 2, struct.pack(">2H", 5, 4)),
                          avp(9, 10, b"\0\1"), avp(9, 13, NONCE)])) + \
        adv(ADV_10MS) + \
        rec(P_HDR | P_SIGN, ctrl([msgtype(3), avp(9, 12, SHA1_DIGEST)],
                                 ccid=1)) + adv(ADV_1S)


def session_conversations():
    """Records after the harness's prologue (tunnel up, our ICRQ for s2
    sent in configuration 0)."""
    call = rec(P_HDR, icrq(b"101")) + adv(ADV_10MS) + \
        rec(P_HDR | P_SID, sess(12))
    yield "lns-call", 0, call + adv(ADV_1S) + \
        rec(P_HDR | P_SID, sess(16, extra=[avp(0, 71, b"\0\0")])) + \
        rec(P_HDR | P_SID, sess(15, extra=[avp(0, 34, b"\0" * 26)]))
    yield "lns-cdn", 0, call + \
        rec(P_HDR | P_SID, sess(14, extra=[avp(0, 1, b"\0\3\0\0gone")]))
    yield "lac-icrp", 0, adv(ADV_10MS) + \
        rec(P_HDR | P_SID, sess(11, extra=[avp(0, 68, b"\0\4")])) + \
        adv(ADV_1S) + bytes([OP_CIRCUIT_DOWN, OP_CLEAR_SESSION]) + \
        adv(ADV_8S)
    yield "catch-all", 0, rec(P_HDR, icrq(b"999")) + \
        rec(P_HDR, icrq(b"101", sid=0x78)) + adv(ADV_1S)
    yield "tie", 0, rec(P_HDR, icrq(b"102", extra=[avp(0, 5, b"\0" * 8)])) + \
        adv(ADV_1S)
    yield "cisco-call", 1, rec(P_HDR, ctrl(
        [msgtype(10), avp(9, 3, b"\0\0\0\x77"), avp(9, 4, b"\0\0\0\0"),
         avp(9, 6, b"101"), avp(9, 7, b"\0\5"), avp(9, 9, b"\0" * 8)],
        ccid=1)) + rec(P_HDR | P_SID, ctrl(
            [msgtype(12), avp(9, 3, b"\0\0\0\x77"),
             avp(9, 4, b"\0\0\0\1")], ccid=1)) + adv(ADV_1S)
    yield "win1-call", 2, adv(ADV_10MS) + rec(P_HDR, icrq(b"any")) + \
        adv(ADV_1S)


def capture_conversations(paths):
    for path in paths:
        base = os.path.basename(path).split("_")[0]
        if "responder_l2tpv3d-initiator" in path:
            body = peer_records(path, answer=True)
            if body:
                yield "tunnel", base + "-resp", C_INIT, \
                    adv(ADV_10MS) + body
            continue
        body = peer_records(path, answer=False)
        if not body:
            continue
        yield "tunnel", base, C_RESP, body
        # The calls alone, after the harness's own tunnel set-up.
        calls = b""
        pos = 0
        while pos + 3 <= len(body):
            flags = body[pos]
            if flags >= 0x80:
                pos += 1
                continue
            n = struct.unpack(">H", body[pos + 1:pos + 3])[0]
            msg = body[pos + 3:pos + 3 + n]
            t = msg_type(msg)
            if t is not None and 10 <= t <= 16:
                calls += body[pos:pos + 3 + n] + adv(ADV_250MS)
            pos += 3 + n
        if calls:
            yield "session", base, 1 if "cisco" in path else 0, calls


# --- the reliable layer -------------------------------------------------


def reliable_seeds():
    params = bytes([7, 3, 1, 2])
    send, tick = b"\x00", b"\x85"
    yield "send-ack", params + send * 3 + b"\x40\0\0\0\3" + tick
    yield "in-order", params + b"\x40\0\0\0\0\x40\0\1\0\0" + tick
    yield "out-of-order", params + b"\x40\0\2\0\0\x40\0\1\0\0" + \
        b"\x40\0\0\0\0" + tick
    yield "reply", params + b"\x01\x40\0\0\0\1" + tick
    yield "retransmit-dead", params + send * 5 + b"\x89" * 8
    yield "window", params + send * 6 + b"\x90\x08" + \
        b"\x43\0\0\0\2" + b"\x90\x01" + tick
    yield "duplicate", params + b"\x40\0\0\0\0" * 2 + b"\x40\xff\xff\0\0"


# --- command lines --------------------------------------------------------

CMD_LINES = [
    "show version", "show version json", "show running-config",
    "show running-config json", "show tunnel", "show tunnel json",
    "show tunnel t1 detail", "show tunnel t1 detail json",
    "show session", "show session json", "show session tunnel t1 s1 detail",
    "show session tunnel t1 s1 detail json", "show session s1 wireshark",
    "show statistics", "show statistics tunnel t1 json", "show peer",
    "show peer json", "show log 5", "show log 3 json", "sh tun", "sh ses j",
    "list", "terminal length 0", "exit", "end", "configure terminal",
    "tunnel t1", "session s1", "no tunnel t1", "clear tunnel t1",
    "clear session t1 s1", "debug tunnel t1 packets", "write memory",
    "hostname x", "remote 192.0.2.9", "do show tunnel",
]
CMD_PARTIAL = ["?", "show ?", "show tunnel ?", "sh t\t", "show session t\t",
               "c\t", "show log 10\t", "show \"a b\" ?"]


def cmd_seeds():
    # selector: bits 0-1 kind (0 run, 1 complete, 2 describe, 3 state),
    # bits 2-3 node (view, configure, tunnel, session)
    for i, line in enumerate(CMD_LINES):
        yield "run%02d" % i, 0, line.encode()
    for node in range(4):
        yield "node%d" % node, node << 2, \
            "\n".join(CMD_LINES[:8] + CMD_PARTIAL).encode()
        yield "state%d" % node, 3 | node << 2, b""
        for kind in (1, 2):
            yield "k%dn%d" % (kind, node), kind | node << 2, b"show t"
    for i, line in enumerate(CMD_PARTIAL):
        yield "partial%d" % i, 0, line.encode()


def main():
    seen = set()
    for path in sys.argv[1:]:
        base = os.path.basename(path).split("_")[0]
        for encap, payload in pcap_payloads(path):
            if shape(encap, payload) not in seen:
                seen.add(shape(encap, payload))
                save("ctrl", base, encap, payload)
    for label, encap, dgram in built_messages():
        save("ctrl", label, encap, dgram)
    for label, encap, dgram in malformed():
        save("ctrl", "bad-" + label, encap, dgram)
    for label, encap, dgram in data_packets():
        save("data", label, encap, dgram)
    for label, sel, body in tunnel_conversations():
        save("tunnel", label, sel, body)
    for label, sel, body in session_conversations():
        save("session", label, sel, body)
    for kind, label, sel, body in capture_conversations(sys.argv[1:]):
        save(kind, label, sel, body)
    for label, data in reliable_seeds():
        save("reliable", label, data[0], data[1:])
    for label, sel, body in cmd_seeds():
        save("cmd", label, sel, body)
    cases = os.path.join(HERE, "..", "..", "conf", "cases")
    for name in sorted(os.listdir(cases)):
        if name.endswith(".conf"):
            with open(os.path.join(cases, name), "rb") as f:
                text = f.read()
            save("config", name[:-5], text[0], text[1:])


if __name__ == "__main__":
    main()
