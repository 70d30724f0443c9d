#!/bin/sh
# The peer zoo, Cisco IOS in its "IETF" mode (both AVP sets; real IOS
# bytes for the control connection and the SLI, tests/peers/profiles.py):
# Pseudowire Type twice in its ICRQ, and as responder the 1444-byte SLI
# with 71, 9:8 and 24 statistics AVPs 9:115.  Both roles, over IP.
# Each must reach an established session and hold it through 3 HELLOs
# each way with no CDN or StopCCN (tests/peers/lib.sh).
. "$(dirname "$0")/../ns/lib.sh"
. "$(dirname "$0")/lib.sh"
ns_init
zoo_init
ZOO_SESSION_LINES="	cookie-length = 4"
# Pseudowire Type twice in its ICRQ; 9:115 in its SCCRQ.
ZOO_TOLERATED='.repeatedAvp >= 1 and .unknownAvp >= 1'
zoo_case cisco-ietf-init-ip cisco-ietf initiator ip "peer-dialect = auto"
# 9:115 in its SCCRP and its SLI (counted per message).
ZOO_TOLERATED='.unknownAvp >= 2'
zoo_case cisco-ietf-resp-ip cisco-ietf responder ip "peer-dialect = auto"
zoo_summary
