"""The peers of the zoo, as data for peerlib.

Each profile maps the messages the peer sends to real bytes where we
hold them (Frame(capture, frame number, ...): IDs patched by peerlib,
any other change listed in the entry and explained next to it) and to
AVP lists where we only know the AVP set (Avps([...]), from the issues
that recorded what the real equipment sent).

Captures (copies, so `make distcheck` is self-contained):
  tests/captures/openrpd_cisco-ubr10k_rfgw10_depi_l2tpv3ip_control.pcap
      two Cisco routers (uBR10k initiator 4.6.13.2, RFGW-10 responder
      4.6.13.1) in IOS's "IETF" mode: IETF and vendor-9 AVPs together.
  tests/captures/openrpd_vectorccs_openrpd_rphy_2018-09-19_l2tpv3ip_control.pcap
      VECTOR CCS (initiator) and OpenRPD (responder, acknowledges with
      explicit ACK messages, type 20).
  tests/peers/data/freertr-initiator_l2tpv3d-responder_session-up_ip115.pcap
  tests/peers/data/freertr-responder_l2tpv3d-initiator_icrp-call-serial-mbit_ip115.pcap
      freeRtr (10.80.0.2) against l2tpv3d (10.80.0.1), both roles.
  tests/peers/data/xcesp-initiator_l2tpv3d-responder_icrq-no-serial_udp.pcap
      xcesp-l2tpv3d 0.5.1 (10.82.0.2) against l2tpv3d (10.82.0.1).
(all from ../shared/captures; the README there and in tests/captures
says where each comes from.)
"""

from peerlib import Avps, Frame

CISCO_CAP = "openrpd_cisco-ubr10k_rfgw10_depi_l2tpv3ip_control.pcap"
RPD_CAP = "openrpd_vectorccs_openrpd_rphy_2018-09-19_l2tpv3ip_control.pcap"
FRR_INIT = "freertr-initiator_l2tpv3d-responder_session-up_ip115.pcap"
FRR_RESP = "freertr-responder_l2tpv3d-initiator_icrp-call-serial-mbit_ip115.pcap"
XCESP = "xcesp-initiator_l2tpv3d-responder_icrq-no-serial_udp.pcap"

# The DEPI routers of the Cisco capture advertise only PW type 12 (DEPI
# MPT); an IOS router with Ethernet xconnects advertises this list
# (issue 3, "values seen").  The one value we change in Cisco's bytes.
IOS_ETH_CAPS = [5, 4, 6, 7, 1, 3, 10, 9, 11]
IETF_AVPS = ("router_id", "ccid", "pw_caps")

# --- Cisco IOS --------------------------------------------------------------
# Control connection: real IOS bytes (the Cisco capture, IETF mode).
# Draft mode is the same minus the IETF 60/61/62, which draft mode does
# not send (issue 3: "In its IETF mode it sends both the IETF AVPs (60,
# 61, 62 without M bit) and the Cisco ones").
CISCO_COMMON = {
    "scccn": Frame(CISCO_CAP, 5),
    "hello": Frame(CISCO_CAP, 104),
}

# Sessions: the capture's calls are DEPI (PW type 12, CableLabs AVPs
# with the M bit), so Ethernet calls are built from the AVP sets issue 5
# recorded for IOS:
#   ICRQ  Call Serial Number (M), 9:3 (M), 9:4 = 0 (M), 9:5 cookie (M),
#         9:6 VC ID, 9:7 = 5 (M), 9:9 tie breaker (M), 9:14 MTU 1500
#   ICRP  9:3, 9:4, 9:5, 9:7, 9:14
#   ICCN  Framing Type (M) 0, Connect Speed (M) 0, 9:3, 9:4
#   SLI   (issue 10) 9:3, 9:4, 9:114 (M clear, 4 zero bytes), and NO
#         Circuit Status: what the answering router sends once the
#         session is established.  9:3/9:4 without the M bit, as in
#         the real SLI of the Cisco capture (frame 120).
# The vendor-9 part of IOS's ICRQ, the same in both modes.
CISCO_ICRQ_V9 = [("c_local_sid", "$sid", True), ("c_remote_sid", 0, True),
                 ("c_cookie", "$cookie", True),
                 ("c_end_id", "$end_id", False), ("c_pw_type", 5, True),
                 ("c_tie_breaker", "$tie_breaker", True),
                 ("c_mtu", 1500, False)]
CISCO_DRAFT = dict(CISCO_COMMON, **{
    "sccrq": Frame(CISCO_CAP, 1, drop=IETF_AVPS,
                   edits={"c_pw_caps": IOS_ETH_CAPS}),
    "sccrp": Frame(CISCO_CAP, 4, drop=IETF_AVPS,
                   edits={"c_pw_caps": IOS_ETH_CAPS}),
    "icrq": Avps([("msgtype", 10, True), ("serial", "$serial", True)] +
                 CISCO_ICRQ_V9),
    "icrp": Avps([("msgtype", 11, True), ("c_local_sid", "$sid", True),
                  ("c_remote_sid", "$peer_sid", True),
                  ("c_cookie", "$cookie", True), ("c_pw_type", 5, True),
                  ("c_mtu", 1500, False)]),
    "iccn": Avps([("msgtype", 12, True), ("framing_type", 0, True),
                  ("connect_speed", 0, True),
                  ("c_local_sid", "$sid", True),
                  ("c_remote_sid", "$peer_sid", True)]),
    "sli": Avps([("msgtype", 16, True), ("c_local_sid", "$sid", False),
                 ("c_remote_sid", "$peer_sid", False),
                 ("c_114", bytes(4), False)]),
})

# IETF mode: the real SCCRQ/SCCRP with 60/61/62 and 9:1/9:2/9:10/9:115;
# calls carry both AVP sets (issue 5: "in IETF mode the IETF AVPs 63,
# 64, 66, 68, 71 travel alongside"), in the order and with the M bits of
# the capture's calls (frames 6, 26, 33): the ICRQ opens with Tie
# Breaker (5) and carries Pseudowire Type (68) TWICE, as every ICRQ of
# the capture does; IETF 63/64/71 without the M bit.  The ICCN is frame
# 33's bytes without what only DEPI has (Sequencing Required 39, the
# DEPI sublayer 69 = 3, Data Sequencing 70 = 2, CableLabs 4491:107): no
# Framing Type or Connect Speed there.  The SLI is frame 120 as it is:
# 63, 64, 71, 9:3, 9:4, 9:8 and 24 statistics AVPs 9:115 (1444 bytes).
CISCO_IETF = dict(CISCO_COMMON, **{
    "sccrq": Frame(CISCO_CAP, 1, edits={"pw_caps": IOS_ETH_CAPS,
                                        "c_pw_caps": IOS_ETH_CAPS}),
    "sccrp": Frame(CISCO_CAP, 4, edits={"pw_caps": IOS_ETH_CAPS,
                                        "c_pw_caps": IOS_ETH_CAPS}),
    "icrq": Avps([("msgtype", 10, True),
                  ("tie_breaker", "$tie_breaker", False),
                  ("serial", "$serial", True),
                  ("local_sid", "$sid", False), ("remote_sid", 0, False),
                  ("end_id", "$end_id", True),
                  ("pw_type", 5, True), ("pw_type", 5, True),
                  ("circuit", 1, False)] + CISCO_ICRQ_V9),
    "icrp": Avps([("msgtype", 11, True),
                  ("local_sid", "$sid", False),
                  ("remote_sid", "$peer_sid", False),
                  ("pw_type", 5, True), ("circuit", 1, False),
                  ("c_local_sid", "$sid", False),
                  ("c_remote_sid", "$peer_sid", False),
                  ("c_cookie", "$cookie", True), ("c_pw_type", 5, True),
                  ("c_mtu", 1500, False)]),
    "iccn": Frame(CISCO_CAP, 33, drop=("seq_required", "l2spec",
                                       "data_seq", (4491, 107))),
    "sli": Frame(CISCO_CAP, 120),
})

# --- freeRtr ------------------------------------------------------------------
# Everything is freeRtr's own bytes.  As initiator: ICRQ with Call Serial
# Number (M) and IETF 63/64/66/68/71 without the M bit, ICCN with
# Connect Speed/Rx Connect Speed and no Framing Type, an SLI with
# Circuit Status right after its ICCN.  As responder: its ICRP carries
# Call Serial Number (15) WITH the M bit (not listed for ICRP by RFC
# 3931), and its SLI follows the ICRP as soon as that is acknowledged
# (by our ICCN).  Stop-and-wait: one message in flight at a time.
FREERTR = {
    "sccrq": Frame(FRR_INIT, 1),
    "scccn": Frame(FRR_INIT, 3),
    "icrq": Frame(FRR_INIT, 5),
    "iccn": Frame(FRR_INIT, 10),
    "sli_init": Frame(FRR_INIT, 15),
    "hello": Frame(FRR_INIT, 19),
    "sccrp": Frame(FRR_RESP, 2),
    "icrp": Frame(FRR_RESP, 6),
    "sli_resp": Frame(FRR_RESP, 9),
}

# --- xcesp-l2tpv3d 0.5.1 --------------------------------------------------------
# Its own bytes, its real IDs (Assigned Connection ID 100, session 1001).
# SCCRQ without Protocol Version/Framing Capabilities, Receive Window 4;
# ICRQ (frame 5) WITHOUT Call Serial Number, asking for the default
# L2-Specific Sublayer (69 = 1), Remote End ID last; ICCN (frame 162)
# 63, 64, 69, 70, 71; StopCCN (frame 164) with 61 before a 2-byte Result
# Code (6, no error code).  Frame 159 is the ICRQ of a later run, with
# the Serial Number a diagnostic wrapper added.
XCESP_MSGS = {
    "sccrq": Frame(XCESP, 1),
    "scccn": Frame(XCESP, 4),
    "icrq": Frame(XCESP, 5),
    "iccn": Frame(XCESP, 162),
    "hello": Frame(XCESP, 9),
    "stopccn": Frame(XCESP, 164),
}

# --- OpenRPD / VECTOR CCS ------------------------------------------------------
# A DOCSIS remote-PHY pair.  VECTOR CCS (the CCAP core, initiator): its
# SCCRQ (frame 1) has its AVPs in an unusual order (62 first, Vendor
# Name with the M bit, Host Name last but one) and CableLabs 4491:15 and
# 4491:13 WITH the M bit; its SCCCN is frame 3, its HELLOs frame 35.
# OpenRPD (responder): its SCCRP (frame 2) carries the same CableLabs
# AVPs; it acknowledges SCCCN and ICCN with an explicit ACK message
# (type 20, frame 4) and HELLOs with ZLBs, and sends no HELLOs itself.
# Their calls are DEPI (PW types 12/13; the ICRQ of frame 5 asks for PW
# type 13 and carries eight more CableLabs AVPs with the M bit), which
# l2tpv3d does not carry: the tunnel holds, a DEPI call is refused.
# OpenRPD's ICRP (frame 6: PW type 13, 69 = 4, 70 = 2, IETF 96 and 102
# without the M bit, CableLabs AVPs) answers our Ethernet ICRQ in the
# refusal case: our CDN must carry its session ID.
VECTORCCS = {
    "sccrq": Frame(RPD_CAP, 1),
    "scccn": Frame(RPD_CAP, 3),
    "icrq": Frame(RPD_CAP, 5),
    "hello": Frame(RPD_CAP, 35),
}
OPENRPD = {
    "sccrp": Frame(RPD_CAP, 2),
    "ack": Frame(RPD_CAP, 4),
    "icrp": Frame(RPD_CAP, 6),
}

PROFILES = {
    "cisco-draft": {"messages": CISCO_DRAFT, "after_established": ["sli"]},
    "cisco-ietf": {"messages": CISCO_IETF, "after_established": ["sli"]},
    "freertr": {"messages": FREERTR, "stop_and_wait": True,
                "after_iccn": ["sli_init"], "after_icrp": ["sli_resp"]},
    # It asked for sublayer 1: the ICRP must say the same back.
    "xcesp": {"messages": XCESP_MSGS, "ccid": 100, "sid": 1001,
              "icrp_must": {"l2spec": 1}},
    "xcesp-restart": {"messages": dict(XCESP_MSGS, icrq=Frame(XCESP, 159)),
                      "ccid": 100, "sid": 1001, "icrp_must": {"l2spec": 1}},
    "vectorccs": {"messages": VECTORCCS, "ccid": 701, "sid": 1},
    "openrpd": {"messages": OPENRPD, "hello": None, "ack_with": (3, 12)},
}
