#!/bin/sh
# A static daemon restarted WITHOUT keep-on-exit, against a peer set up
# by hand with the literal `ip l2tp` commands (issue 10, item 7), in the
# VM (one boot):
#   - B's l2tpeth0 has the same Ethernet address before and after the
#     restart (derived from the configuration, locally administered),
#     so A's neighbour cache stays right: A pings B every 0.1 s through
#     the restart: at most 10 pings go unanswered in all, and at most
#     10 once B's new interface is up (with a random address, 36.5 s of
#     them); the time B had no interface is printed (under qemu's
#     emulation each process start costs 0.1-0.25 s, so the new B is
#     started as a service manager would, with one exec);
#   - coming up, B announces its addresses: a gratuitous ARP for
#     10.42.1.2 is seen on A's l2tpeth0 after the restart;
#   - mac-address set by SIGHUP: B's interface takes it and announces it
#     (gratuitous ARP, unsolicited NA for its IPv6 address), and A's
#     neighbour entries for both addresses hold the new address within
#     3 s, without A sending anything.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq
require_cmd tcpdump

A=pe-196
B=pe-198
make_tmpdir
# B runs a copy in the VM's memory, as an installed daemon runs from a
# local disk: the build share is 9p without a cache, so every page of
# the binary the new process touches would cross to the host (0.2 s of
# each start, measured).
cp "$L2TPV3D" "$TESTDIR/l2tpv3d" || die "cannot copy $L2TPV3D"
L2TPV3D=$TESTDIR/l2tpv3d
ns_new "$A" "$B"
veth "$A" wan0 "$B" wan0
"$IP" -n "$A" addr add 192.168.22.196/24 dev wan0
"$IP" -n "$B" addr add 192.168.22.198/24 dev wan0

# A: the reference scenario's commands, plus an IPv6 address.
"$IP" -n "$A" l2tp add tunnel tunnel_id 101 peer_tunnel_id 501 encap udp \
    local 192.168.22.196 remote 192.168.22.198 udp_sport 5000 \
    udp_dport 6000 || die "ip l2tp add tunnel"
"$IP" -n "$A" l2tp add session name l2tpeth0 tunnel_id 101 session_id 1001 \
    peer_session_id 5001 || die "ip l2tp add session"
"$IP" -n "$A" link set l2tpeth0 up mtu 1488
"$IP" -n "$A" addr add 10.42.1.1 peer 10.42.1.2 dev l2tpeth0
"$IP" -n "$A" addr add fd00:42::1/64 dev l2tpeth0 nodad

# b_conf [LINE...]: conf/ref-static-l3-b.conf with an IPv6 address and
# LINEs added to the session.
b_conf()
{
	awk -v extra="$*" '
	    /address = / { print "\t\taddress = { \"10.42.1.2 peer 10.42.1.1\", \"fd00:42::2/64\" }"; next }
	    /remote-session-id/ { print; n = split(extra, l, "|")
		for (i = 1; i <= n; i++) print "\t\t" l[i]; next }
	    { print }' "$top_srcdir/conf/ref-static-l3-b.conf" >"$TESTDIR/b.in"
}

b_mac()
{
	in_ns "$B" cat /sys/class/net/l2tpeth0/address
}

# a_neigh ADDR: the Ethernet address A's neighbour cache holds for ADDR.
a_neigh()
{
	"$IP" -n "$A" neigh show dev l2tpeth0 to "$1" |
	    awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}

# a_capture FILE: tcpdump on A's l2tpeth0 (ARP and ICMPv6) into FILE.
a_capture()
{
	in_ns "$A" tcpdump -n -U -i l2tpeth0 -w "$1" arp or icmp6 \
	    >"$TESTDIR/tcpdump.err" 2>&1 &
	capture=$!
	at_exit "kill $capture 2>/dev/null"
	wait_until "tcpdump to listen" 10 \
	    grep -q "listening on" "$TESTDIR/tcpdump.err"
}

a_capture_stop()
{
	sleep 0.5
	kill "$capture"
	wait "$capture" 2>/dev/null
	in_ns "$A" tcpdump -n -e -r "$1" 2>/dev/null >"$1.txt"
}

ping_ipv6_ok()
{
	in_ns "$1" ping -6 -n -q -c 3 -i 0.2 -w 5 "$2" >/dev/null ||
	    die "$1: no answer from $2"
}

step "B l2tpv3d static: its interface gets the derived address"
b_conf
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_wait B "show session" '.ref.lan.kernel.interface == "l2tpeth0"' 20
mac=$(b_mac)
echo "B's l2tpeth0: $mac"
case $mac in
?[26ae]:*) ;;
*) die "B's address $mac is not locally administered unicast" ;;
esac
ping_ok "$A" 10.42.1.2
wait_until "B's IPv6 address out of DAD" 10 sh -c \
    "! '$IP' -n '$B' addr show dev l2tpeth0 | grep -q tentative"
ping_ipv6_ok "$A" fd00:42::2
expect "A's neighbour entry for B" "$(a_neigh 10.42.1.2)" "$mac"

step "restart without keep-on-exit, A pinging B every 0.1 s"
# At most 10 pings may go unanswered in all (issue 10), and at most 10
# once B's new interface is up, which is what a new Ethernet address
# used to cost (36.5 s).  `ip monitor` dates B's interface going and
# coming back, `ping -D` A's answers.
"$IP" -n "$B" -ts monitor link >"$TESTDIR/links.txt" 2>&1 &
monitor=$!
at_exit "kill $monitor 2>/dev/null"
a_capture "$TESTDIR/restart.pcap"
in_ns "$A" ping -D -n -i 0.1 -c 150 10.42.1.2 >"$TESTDIR/ping.out" 2>&1 &
pinger=$!
sleep 3
# Not l2d_stop: its polling adds to the gap; wait is immediate.
t_kill=$(date +%s.%N)
# The new B is started as a service manager starts it: one exec of the
# daemon, in its namespace, the moment the old one is gone.  Here a
# shell already waiting in B's namespace execs it when told through a
# fifo; l2d_start's cat, grep and `ip netns exec` would add a process
# start each (0.1-0.25 s apiece under emulation) to B's gap, and so
# would any polling until the pings are done.
mkfifo "$TESTDIR/go"
"$IP" netns exec "$B" sh -c 'read _ <"$1"; shift; exec "$@"' sh \
    "$TESTDIR/go" "$L2TPV3D" -f -d -c "$TESTDIR/B.conf" \
    -S "$TESTDIR/B.sock" -p "$TESTDIR/B.pidfile" -u root \
    >>"$TESTDIR/B.log" 2>&1 &
new_b=$!
at_exit "kill -KILL $new_b 2>/dev/null"
kill -TERM "$(cat "$TESTDIR/B.pid")"
wait "$(cat "$TESTDIR/B.pid")" || die "B exited with status $?"
echo go >"$TESTDIR/go"
echo "$new_b" >"$TESTDIR/B.pid"
wait "$pinger"
l2d_wait B "show session" '.ref.lan.kernel.interface == "l2tpeth0"' 20
kill "$monitor"
a_capture_stop "$TESTDIR/restart.pcap"
[ -n "$(grep "Deleted.* l2tpeth0:" "$TESTDIR/links.txt")" ] ||
    die "B's l2tpeth0 was not deleted at exit (no keep-on-exit)"
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TESTDIR/ping.out")
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TESTDIR/ping.out")
lost=$((sent - received))
# Epoch seconds of B's interface gone, back up, and A's first answer
# after that.
times=$(awk '
    function epoch(ts, cmd, t) {
	gsub(/[][]/, "", ts)
	cmd = "date -d " ts " +%s.%N"; cmd | getline t; close(cmd)
	return t
    }
    FILENAME ~ /links/ && / l2tpeth0: / && /Deleted/ && !del { del = epoch($1) }
    FILENAME ~ /links/ && del && !up && / l2tpeth0: </ && !/Deleted/ &&
	/[<,]UP[,>]/ { up = epoch($1) }
    FILENAME ~ /ping/ && up && !back && /bytes from/ {
	t = $1; gsub(/[][]/, "", t); if (t + 0 > up) back = t }
    END { printf "%s %s %s\n", del, up, back }' \
    "$TESTDIR/links.txt" "$TESTDIR/ping.out")
set -- $times
[ $# = 3 ] || die "cannot date the restart (links: $(cat "$TESTDIR/links.txt"))"
gap=$(echo "$2 - $1" | bc)
resume=$(echo "$3 - $2" | bc)
resume_pings=$(echo "($3 - $2) * 10 / 1" | bc)
echo "B without l2tpeth0 for ${gap} s (its restart); pings lost: $lost of $sent, 0.1 s apart"
echo "A's pings answered again ${resume} s after B's l2tpeth0 came up (${resume_pings} pings)"
# Where B's gap went: the old process from SIGTERM to deleting its
# interface and on to its exit, then the new one from its start to its
# interface up (process start under emulation included).
echo "B's gap: SIGTERM to delete $(echo "$1 - $t_kill" | bc) s," \
    "delete to the new interface up $(echo "$2 - $1" | bc) s"
expect "B's address after the restart" "$(b_mac)" "$mac"
[ "$resume_pings" -le 10 ] ||
    die "$resume_pings pings lost after B's interface came back (at most 10)"
[ "$lost" -le 10 ] ||
    die "$lost pings lost across B's restart (at most 10; B without its interface ${gap} s)"
grep -q "Request who-has 10.42.1.2 tell 10.42.1.2" "$TESTDIR/restart.pcap.txt" ||
    die "no gratuitous ARP from B after its restart: $(cat "$TESTDIR/restart.pcap.txt")"
grep "who-has 10.42.1.2 tell 10.42.1.2" "$TESTDIR/restart.pcap.txt" | head -n 2

step "mac-address by SIGHUP: announced, A's neighbour cache follows"
new=02:00:5e:42:00:02
a_capture "$TESTDIR/hup.pcap"
b_conf "mac-address = $new"
l2d_hup B <"$TESTDIR/b.in"
wait_until "B's interface to take $new" 10 sh -c \
    "'$IP' -n '$B' link show dev l2tpeth0 | grep -q 'ether $new'"
# No traffic from A meanwhile: only B's announcements can teach A.
wait_until "A's entry for 10.42.1.2 to be $new" 3 sh -c \
    "'$IP' -n '$A' neigh show dev l2tpeth0 to 10.42.1.2 | grep -q '$new'"
# The NA follows B's duplicate address detection (the link went down
# for the change, so its IPv6 addresses were flushed and re-added):
# wait for it on the wire, then for A's cache.
wait_until "B's unsolicited NA for fd00:42::2" 15 sh -c \
    "'$IP' netns exec '$A' tcpdump -n -e -r '$TESTDIR/hup.pcap' 2>/dev/null |
    grep -q '^[0-9:.]* $new > .*neighbor advertisement, tgt is fd00:42::2'"
wait_until "A's entry for fd00:42::2 to be $new" 5 sh -c \
    "'$IP' -n '$A' neigh show dev l2tpeth0 to fd00:42::2 | grep -q '$new'"
a_capture_stop "$TESTDIR/hup.pcap"
grep -E "who-has 10.42.1.2 tell 10.42.1.2|neighbor advertisement, tgt is fd00:42::2" \
    "$TESTDIR/hup.pcap.txt" | head -n 4
grep -q "^[0-9:.]* $new > .*tell 10.42.1.2" "$TESTDIR/hup.pcap.txt" ||
    die "no gratuitous ARP from $new"
grep -q "^[0-9:.]* $new > .*neighbor advertisement, tgt is fd00:42::2" \
    "$TESTDIR/hup.pcap.txt" ||
    die "no unsolicited NA from $new: $(cat "$TESTDIR/hup.pcap.txt"; "$IP" -n "$B" -6 addr show dev l2tpeth0)"
expect "show running-config" \
    "$(l2d_sh B "show running-config" | sed -n 's/^[[:space:]]*mac-address = //p')" \
    "\"$new\""
ping_ok "$A" 10.42.1.2
l2d_stop B
"$IP" -n "$A" l2tp del tunnel tunnel_id 101
echo "PASS: static restart without keep-on-exit: same Ethernet address, $lost pings lost (B down ${gap} s, answers ${resume} s after it was back); gratuitous ARP and NA"
