#!/bin/sh
# The peer zoo, Cisco IOS in its default "draft" mode (vendor-9 AVPs
# only; tests/peers/profiles.py says what it sends): the router as
# initiator and as responder, over IP and UDP.  As responder it sends,
# once the session is established, an SLI with 9:3, 9:4 and 9:114 and
# no Circuit Status.  Each must reach an established session and hold it
# through 3 HELLOs each way with no CDN or StopCCN (tests/peers/lib.sh).
. "$(dirname "$0")/../ns/lib.sh"
. "$(dirname "$0")/lib.sh"
ns_init
zoo_init
ZOO_SESSION_LINES="	cookie-length = 4"
zoo_case cisco-draft-init-ip cisco-draft initiator ip "peer-dialect = auto"
zoo_case cisco-draft-init-udp cisco-draft initiator udp "peer-dialect = auto"
# Its SLI lacks Circuit Status (counted as missing) and carries 9:114.
ZOO_TOLERATED='.missingAvp >= 1 and .unknownAvp >= 1'
zoo_case cisco-draft-resp-ip cisco-draft responder ip "peer-dialect = cisco"
zoo_case cisco-draft-resp-udp cisco-draft responder udp "peer-dialect = cisco"
zoo_summary
