#!/bin/sh
# The peer zoo, Cisco IOS (tests/peers/profiles.py says what it sends):
# draft mode (vendor-9 AVPs only; its SLI after established carries 9:3,
# 9:4 and 9:114 and no Circuit Status) with the router as initiator and
# as responder, over IP and UDP; IETF mode (both AVP sets, Pseudowire
# Type twice in the ICRQ, the real 1444-byte SLI with 71 and 9:8) in
# both roles.  Each must reach an established session and hold it
# through 3 HELLOs each way with no CDN or StopCCN (tests/peers/lib.sh).
. "$(dirname "$0")/../ns/lib.sh"
. "$(dirname "$0")/lib.sh"
ns_init
zoo_init
ZOO_SESSION_LINES="	cookie-length = 4"
zoo_case cisco-draft-init-ip cisco-draft initiator ip "peer-dialect = auto"
zoo_case cisco-draft-resp-ip cisco-draft responder ip "peer-dialect = cisco"
zoo_case cisco-draft-init-udp cisco-draft initiator udp "peer-dialect = auto"
zoo_case cisco-draft-resp-udp cisco-draft responder udp "peer-dialect = cisco"
zoo_case cisco-ietf-init-ip cisco-ietf initiator ip "peer-dialect = auto"
zoo_case cisco-ietf-resp-ip cisco-ietf responder ip "peer-dialect = auto"
zoo_summary
