#!/bin/sh
# The peer zoo, freeRtr (its own bytes, tests/peers/profiles.py): as
# initiator (ICRQ with Call Serial Number, SLI after its ICCN), and as
# responder, whose ICRP carries Call Serial Number (15) with the M bit
# and whose SLI follows the ICRP before our ICCN.  Over IP, as recorded.
# Then the initiator again over IPv6, and from an unknown address.  Each must hold an established session through 3 HELLOs each way with
# no CDN or StopCCN (tests/peers/lib.sh).
. "$(dirname "$0")/../ns/lib.sh"
. "$(dirname "$0")/lib.sh"
ns_init
zoo_init
zoo_case freertr-init-ip freertr initiator ip
# Call Serial Number (15) with the M bit in its ICRP, counted.
ZOO_TOLERATED='.unlistedAvp >= 1'
zoo_case freertr-resp-ip freertr responder ip
ZOO_TOLERATED=""
ZOO_FAMILY=6
zoo_case freertr-init-ip6 freertr initiator ip
# Its SCCRQ from an address no tunnel names: refused with StopCCN result
# 4 (not authorised), which must carry our Assigned Control Connection
# ID (61, RFC 3931 requires it in every StopCCN) so the peer can match it.
ZOO_FAMILY=4 ZOO_REMOTE=10.200.0.99
zoo_refusal freertr-unknown-peer-ip freertr initiator ip \
    'REFUSAL StopCCN result=4 .*ccid61=[1-9]'
zoo_summary
