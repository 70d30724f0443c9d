#!/bin/sh
# ipv6-link-local, in the VM (one boot), with IPv6 on in the namespace:
# one l2tpv3d in static mode (the kernel sessions exist without a peer
# answering) and one session per case:
#   plain     auto, no addresses          no link-local, nothing sent
#   bridged   auto, a bridge port         no link-local
#   routed    auto, an address            a link-local
#   forced    yes, no addresses           a link-local
#   quiet     no, an address              no link-local, the address on
#   vlan      ethernet-vlan, auto, an address: the VLAN interface has a
#             link-local, the session's own link (the trunk) has none
# Then `ipv6-link-local yes` from the shell restarts plain with one.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq

A=ll-a
P=ll-peer
make_tmpdir
wan_pair "$A" "$P" 10.1.0
for ns in "$A" "$P"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=0 \
	    net.ipv6.conf.all.disable_ipv6=0 || die "sysctl in $ns"
done
"$IP" -n "$A" link add br0 type bridge
"$IP" -n "$A" link set br0 up

# session NAME ID [LINE...]
session()
{
	printf '\tsession %s {\n\t\tlocal-session-id = %s\n' "$1" "$2"
	printf '\t\tremote-session-id = %s\n\t\tinterface = %s\n' "$2" "$1"
	shift 2
	for line in "$@"; do
		printf '\t\t%s\n' "$line"
	done
	printf '\t}\n'
}

{
	printf 'hostname = "ll-a"\ndataplane = kernel\n'
	printf 'tunnel t {\n\tmode = static\n\tlocal = 10.1.0.1\n'
	printf '\tremote = 10.1.0.2\n\tlocal-tunnel-id = 1\n'
	printf '\tremote-tunnel-id = 1\n\tlocal-port = 5000\n\tremote-port = 5000\n'
	session plain 1
	session bridged 2 'bridge = br0'
	session routed 3 'address = "10.9.3.1/24"'
	session forced 4 'ipv6-link-local = yes'
	session quiet 5 'address = "10.9.5.1/24"' 'ipv6-link-local = no'
	session vtrunk 6 'pw-type = ethernet-vlan' 'vlan-id = 100' \
	    'address = "10.9.6.1/24"'
	printf '}\n'
} >"$TESTDIR/a.in"
l2d_start A "$A" <"$TESTDIR/a.in"
l2d_wait A "show session" \
    '[.t[] | select(.kernel != null)] | length == 6' 30

# link_local IFNAME: the interface's fe80:: address, or nothing.
link_local()
{
	"$IP" -n "$A" -6 -o addr show dev "$1" scope link |
	    awk '{ print $4 }'
}

# has_ll IFNAME WANT(yes|no)
has_ll()
{
	got=no
	[ -n "$(link_local "$1")" ] && got=yes
	expect "$1 has an IPv6 link-local address" "$got" "$2"
}

step "auto, yes and no as the configuration says"
# Address generation runs when the link comes up, synchronously; the
# links are up once the kernel sessions are there.
for i in plain bridged routed forced quiet; do
	expect "$i is up" \
	    "$(in_ns "$A" cat "/sys/class/net/$i/operstate" | grep -c -v down)" 1
done
has_ll plain no
has_ll bridged no
has_ll routed yes
has_ll forced yes
has_ll quiet no
expect "quiet keeps its IPv4 address" \
    "$("$IP" -n "$A" -4 -o addr show dev quiet | awk '{ print $4 }')" \
    10.9.5.1/24
expect "plain's addr_gen_mode" \
    "$(in_ns "$A" cat /proc/sys/net/ipv6/conf/plain/addr_gen_mode)" 1
has_ll vtrunk no
has_ll vtrunk.100 yes

step "nothing of the PE's own on a quiet pseudowire"
# forced sends DAD, router solicitations and MLD reports within seconds;
# by then plain (no link-local) must have sent nothing at all.
wait_until "forced's own IPv6 packets" 15 sh -c \
    "[ \$('$IP' netns exec '$A' cat /sys/class/net/forced/statistics/tx_packets) -gt 0 ]"
expect "plain's tx packets" \
    "$(in_ns "$A" cat /sys/class/net/plain/statistics/tx_packets)" 0

step "run-time change: plain gets its link-local, forced loses its own"
# A static tunnel re-applied adopts its kernel sessions: the interfaces
# stay, and only a down and up applies a new mode.
printf 'configure terminal\ntunnel t\nsession plain\nipv6-link-local yes\nexit\nsession forced\nipv6-link-local no\nend\n' |
    "$L2TPSH" -S "$TESTDIR/A.sock" >"$TESTDIR/cli.out" 2>&1 ||
    die "l2tpsh: $(cat "$TESTDIR/cli.out")"
wait_until "plain's link-local" 20 sh -c \
    "'$IP' -n '$A' -6 -o addr show dev plain scope link | grep -q fe80"
wait_until "forced without link-local" 20 sh -c \
    "! '$IP' -n '$A' -6 -o addr show dev forced scope link | grep -q fe80"
grep -q "plain: IPv6 link-local on: taking the link down and up" \
    "$TESTDIR/A.log" || die "no log line for plain's change"
has_ll routed yes
l2d_sh A "show running-config" | grep -q "ipv6-link-local = yes" ||
    die "show running-config lacks the option"
l2d_stop A
echo "PASS: ipv6-link-local auto/yes/no, VLAN trunk, run-time changes"
