#!/bin/sh
# The peer zoo, xcesp-l2tpv3d 0.5.1 (its own bytes and IDs, UDP):
# - its ICRQ without Call Serial Number asking for the default
#   L2-Specific Sublayer (69 = 1), against a session with no `l2spec`
#   (the dynamic default, auto): session up, 3 HELLOs each way;
# - the same against `l2spec = none`: the peer is refused with a CDN
#   (result 2) that carries its session ID (1001) and says "none";
# - the restart of frames 164-167: its StopCCN, then at once an SCCRQ
#   with the same Assigned Connection ID (100) while our old connection
#   is closing; it must get a new connection (an SCCRP, not a ZLB with
#   the old connection's Nr) and hold a new session.
. "$(dirname "$0")/../ns/lib.sh"
. "$(dirname "$0")/lib.sh"
ns_init
zoo_init
# No Call Serial Number in its ICRQ: counted as missing.
ZOO_TOLERATED='.missingAvp >= 1'
zoo_case xcesp-init-udp xcesp initiator udp
ZOO_TOLERATED=""
ZOO_SESSION_LINES="	l2spec = none"
zoo_refusal xcesp-l2spec-none xcesp initiator udp \
    'REFUSAL CDN result=2 .*remotesid=1001 .*msg=.*none'
ZOO_SESSION_LINES="	l2spec = default"
zoo_case xcesp-restart-udp xcesp-restart initiator udp --restart
zoo_summary
