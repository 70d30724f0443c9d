#!/bin/sh
# The peer zoo, the OpenRPD capture's two vendors (their own bytes,
# tests/peers/profiles.py):
# - VECTOR CCS opens: its SCCRQ has AVPs in an unusual order and
#   CableLabs AVPs with the M bit (tolerated, proto/schema.c); the
#   control connection must hold through 3 HELLOs each way;
# - OpenRPD answers our SCCRQ (the same CableLabs AVPs), acknowledges
#   our SCCCN with an explicit ACK message (type 20), sends no HELLOs
#   of its own; the connection must hold through 3 of ours;
# - VECTOR CCS's DEPI ICRQ (PW type 13, Remote End ID 00 00 00 03 00 00,
#   CableLabs AVPs with the M bit) is refused with CDN result 5 (no
#   session for that Remote End ID) carrying its session ID;
# - OpenRPD answers our ICRQ with its DEPI ICRP (PW type 13): refused
#   with CDN result 14 (PW type mismatch) that carries OpenRPD's session
#   ID (Remote Session ID), so that the peer can match it.
. "$(dirname "$0")/../ns/lib.sh"
. "$(dirname "$0")/lib.sh"
ns_init
zoo_init
ZOO_NO_SESSION=1
# The CableLabs AVPs of its SCCRQ (one message).
ZOO_TOLERATED='.unknownAvp >= 1'
zoo_case vectorccs-init-ip vectorccs initiator ip
ZOO_PEER_HELLOS=0 ZOO_DAEMON_ACKS=1 ZOO_TOLERATED='.unknownAvp >= 1'
zoo_case openrpd-resp-ip openrpd responder ip
ZOO_NO_SESSION=0 ZOO_PEER_HELLOS=3 ZOO_DAEMON_ACKS=0 ZOO_TOLERATED=""
zoo_refusal vectorccs-depi-icrq-ip vectorccs initiator ip \
    'REFUSAL CDN result=5 .*sidmatch=yes'
zoo_refusal openrpd-depi-icrp-ip openrpd responder ip \
    'REFUSAL CDN result=14 .*sidmatch=yes'
zoo_summary
