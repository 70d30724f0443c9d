#!/bin/sh
# The peer zoo, freeRtr (its own bytes, tests/peers/profiles.py): as
# initiator (ICRQ with Call Serial Number, SLI after its ICCN), and as
# responder, whose ICRP carries Call Serial Number (15) with the M bit
# and whose SLI follows the ICRP before our ICCN.  Over IP, as recorded.
# Then the initiator again over IPv6.  Each must hold an established session through 3 HELLOs each way with
# no CDN or StopCCN (tests/peers/lib.sh).
. "$(dirname "$0")/../ns/lib.sh"
. "$(dirname "$0")/lib.sh"
ns_init
zoo_init
zoo_case freertr-init-ip freertr initiator ip
zoo_case freertr-resp-ip freertr responder ip
ZOO_FAMILY=6
zoo_case freertr-init-ip6 freertr initiator ip
zoo_summary
