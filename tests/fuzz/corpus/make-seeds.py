#!/usr/bin/env python3
"""Regenerate the fuzz seed corpus (ctrl/ and data/ next to this file).

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
Usage: make-seeds.py ../../captures/*.pcap
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


def pcap_payloads(path):
    """Yield (encap, payload) for each L2TP packet of an Ethernet capture."""
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
        body = frame[pos + ihl:pos + total]
        if proto == 115:
            yield IP, body
        elif proto == 17 and 1701 in struct.unpack(">HH", body[:4]):
            ulen = struct.unpack(">H", body[4:6])[0]
            yield UDP, body[8:ulen]


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


if __name__ == "__main__":
    main()
