#!/bin/sh
# Item 9 of issue 6: how fast l2tpv3d programs the kernel dataplane,
# against `ip l2tp add session` run back to back, in the test VM (the
# build machine's kernel has no L2TP; tests/vm/vm-run.sh boots Debian's).
# The VM is emulated (TCG), so absolute times are slow; the ratio is the
# result.  Prints JSON result lines like bench/l2tpbench.py.
#
#   sh bench/vm-kernel.sh [SESSIONS]        (default 200; needs root and
#                                            tests/vm/dp_tool built)
#
# Timings of SESSIONS Ethernet pseudowires over one UDP tunnel:
#   ip:      one `ip l2tp add session` per pseudowire, back to back, after
#            one `ip l2tp add tunnel` (each makes an l2tpethN interface),
#            and as many `ip l2tp show tunnel` (what starting ip costs);
#   kernel:  two l2tpv3d (dataplane kernel) from cold start until both
#            report every session established with its kernel session;
#   none:    the same with dataplane none, so that kernel - none is what
#            programming the kernel added (both sides, in parallel).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
. "$top_srcdir/tests/vm/lib.sh"
vm_enter "$@"
require_cmd jq

N=${1:-200}
A=bench-a
B=bench-b
make_tmpdir
ns_new "$A" "$B"
veth "$A" wan0 "$B" wan0
"$IP" -n "$A" addr add 10.1.0.1/24 dev wan0
"$IP" -n "$B" addr add 10.1.0.2/24 dev wan0

# Seconds since boot, to the hundredth (no date +%N in busybox).
now()
{
	awk '{ print $1 }' /proc/uptime
}

elapsed()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

result()
{
	printf '{"name":"%s","value":%s,"unit":"%s","parameters":{%s}}\n' \
	    "$1" "$2" "$3" "$4"
}

step "ip: $N sessions with ip l2tp, back to back"
"$IP" -n "$A" l2tp add tunnel tunnel_id 1 peer_tunnel_id 1 encap udp \
    local 10.1.0.1 remote 10.1.0.2 udp_sport 5001 udp_dport 5001 ||
    die "ip l2tp add tunnel"
t0=$(now)
i=1
while [ $i -le "$N" ]; do
	"$IP" -n "$A" l2tp add session tunnel_id 1 session_id $i \
	    peer_session_id $i || die "ip l2tp add session $i"
	i=$((i + 1))
done
t_ip=$(elapsed "$t0" "$(now)")
got=$("$IP" -n "$A" l2tp show session | grep -c '^Session')
expect "sessions made by ip" "$got" "$N"
"$IP" -n "$A" l2tp del tunnel tunnel_id 1

# What of that is starting ip and talking netlink at all: as many
# `ip l2tp show tunnel` on an empty table.
t0=$(now)
i=1
while [ $i -le "$N" ]; do
	"$IP" -n "$A" l2tp show tunnel >/dev/null || die "ip l2tp show tunnel"
	i=$((i + 1))
done
t_spawn=$(elapsed "$t0" "$(now)")

# conf SIDE DATAPLANE: one tunnel with N sessions.
conf()
{
	if [ "$1" = a ]; then l=10.1.0.1 r=10.1.0.2 init=yes; else
		l=10.1.0.2 r=10.1.0.1 init=no
	fi
	printf 'hostname = "bench-%s"\ndataplane = %s\n' "$1" "$2"
	printf 'tunnel t {\n\tlocal = %s\n\tremote = %s\n\tinitiate = %s\n' \
	    "$l" "$r" "$init"
	i=1
	while [ $i -le "$N" ]; do
		printf '\tsession s%d { remote-end-id = "%d" }\n' $i $i
		i=$((i + 1))
	done
	printf '}\n'
}

# daemons DATAPLANE: SECS = seconds from A's start until both have every
# session established (and, with the kernel, in the kernel).
daemons()
{
	if [ "$1" = kernel ]; then
		up="[.[][] | select(.state == \"established\" and
		    .kernel != null)] | length == $N"
	else
		up="[.[][] | select(.state == \"established\")] | length == $N"
	fi
	conf b "$1" >"$TESTDIR/b.in"
	conf a "$1" >"$TESTDIR/a.in"
	l2d_start B "$B" <"$TESTDIR/b.in"
	t0=$(now)
	l2d_start A "$A" <"$TESTDIR/a.in"
	l2d_wait A "show session" "$up" 600
	l2d_wait B "show session" "$up" 600
	SECS=$(elapsed "$t0" "$(now)")
	l2d_stop A
	l2d_stop B
}

step "kernel: two daemons, dataplane kernel"
daemons kernel
t_kernel=$SECS
step "none: two daemons, dataplane none"
daemons none
t_none=$SECS

ip_rate=$(awk -v n="$N" -v t="$t_ip" 'BEGIN { printf "%.1f", n / t }')
d_rate=$(awk -v n="$N" -v t="$t_kernel" 'BEGIN { printf "%.1f", n / t }')
prog=$(awk -v a="$t_kernel" -v b="$t_none" 'BEGIN { d = a - b;
    printf "%.2f", (d > 0.01 ? d : 0.01) }')
p_rate=$(awk -v n="$N" -v t="$prog" 'BEGIN { printf "%.1f", n / t }')
params="\"sessions\":$N,\"ipSeconds\":$t_ip,\"ipNoopSeconds\":$t_spawn,\"kernelSeconds\":$t_kernel,\"noneSeconds\":$t_none,\"vm\":\"qemu tcg\""
result vm_ip_l2tp_sessions_per_second "$ip_rate" "sessions/s" "$params"
result vm_daemon_sessions_per_second "$d_rate" "sessions/s" \
    "$params,\"note\":\"cold start to established in the kernel, both sides\""
result vm_kernel_programming_per_second "$p_rate" "sessions/s" \
    "$params,\"note\":\"sessions over (kernel - none) seconds\""
result vm_daemon_vs_ip_ratio \
    "$(awk -v a="$d_rate" -v b="$ip_rate" 'BEGIN { printf "%.2f", a / b }')" \
    "x" "$params,\"note\":\"daemon end to end against the ip loop; target 20\""
