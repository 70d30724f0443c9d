#!/bin/sh
# Static interop in the VM with an IPv6 WAN: static-interop.sh's checks
# (ip-l2tp on one side, our dataplane module on the other; encap udp and
# ip, crossed cookies, a wrong cookie, adoption), over fd00:22::/64.
exec sh "$(dirname "$0")/static-interop.sh" ipv6
