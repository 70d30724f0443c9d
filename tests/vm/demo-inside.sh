#!/bin/sh
# The demo's dataplane part (scripts/demo runs it in the VM when this
# machine's kernel lacks L2TP, directly when it has it): two namespaces,
# two l2tpv3d with `dataplane = kernel`, one tunnel with an Ethernet
# pseudowire; show the tunnel and the session, ping across the l2tpeth
# pair, show the kernel's counters.
. "$(dirname "$0")/lib.sh"
require_cmd jq

A=l2tpdemo-pa
B=l2tpdemo-pb
make_tmpdir
wan_pair "$A" "$B" 10.231.0

conf()
{
	cat <<CONF
hostname = "site-$1"
dataplane = kernel
tunnel to-$2 {
	local = $3
	remote = $4
	initiate = $5
	digest = md5
	secret = "demo-secret"
	session pw {
		remote-end-id = "100"
		cookie-length = 4
		interface = l2tpeth0
		address = "$6 peer $7"
	}
}
CONF
}
conf a b 10.231.0.1 10.231.0.2 yes 10.42.0.1 10.42.0.2 >"$TESTDIR/a.in"
conf b a 10.231.0.2 10.231.0.1 no 10.42.0.2 10.42.0.1 >"$TESTDIR/b.in"

say() { printf '\n=== demo (kernel dataplane): %s\n' "$*"; }

say "starting l2tpv3d in $A (10.231.0.1) and $B (10.231.0.2), dataplane = kernel"
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_start A "$A" <"$TESTDIR/a.in"
l2d_wait A "show session" '.["to-b"].pw.kernel != null' 60
l2d_wait B "show session" '.["to-a"].pw.kernel != null' 20
say "tunnel and pseudowire are up; site-a's view:"
l2d_sh A "show tunnel"
l2d_sh A "show session"
say "the kernel's objects in $A (ip l2tp show tunnel / session):"
"$IP" -n "$A" l2tp show tunnel
"$IP" -n "$A" l2tp show session
say "ping across the l2tpeth pair: $A 10.42.0.1 -> $B 10.42.0.2"
in_ns "$A" ping -n -c 5 -i 0.2 10.42.0.2 || die "ping across the pseudowire failed"
say "the session's kernel counters (show session json):"
l2d_get A "show session" '.["to-b"].pw.kernel'
say "stopping both daemons: the kernel tunnel and l2tpeth0 go with them"
l2d_stop A
l2d_stop B
"$IP" -n "$A" l2tp show tunnel
say "an Ethernet pseudowire carried traffic between two l2tpv3d"
