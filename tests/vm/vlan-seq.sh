#!/bin/sh
# Two l2tpv3d with the kernel dataplane, in the VM (one boot):
#   - an Ethernet VLAN pseudowire (type 4, vlan-id 100): the kernel has
#     no driver for type 4 (it refuses it), so each side is an l2tpeth
#     session with a VLAN 100 interface on top; ping across the VLAN
#     interfaces; the ICRQ says PW type 4 and the frames in the tunnel
#     carry an 802.1Q tag with VLAN ID 100;
#   - sequencing both with l2spec default: the kernel session sends and
#     requires sequence numbers, ping across, the data packets carry the
#     S bit and increasing sequence numbers;
#   - negotiation: A configured without sequencing but B asking for it
#     (Data Sequencing AVP 70 = 2): A's kernel session sends sequence
#     numbers and B's requires them, ping across.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq
TSHARK=${TSHARK:-tshark}
require_cmd "$TSHARK" tcpdump

A=pe-a
B=pe-b
make_tmpdir
wan_pair "$A" "$B" 10.1.0
no_ipv6_links "$A" "$B"

# Everything on the wire, from the first ICRQ on.
in_ns "$B" tcpdump -Z root -i wan0 -U -n -s 0 -w "$TESTDIR/wan.pcap" \
    udp port 1701 2>"$TESTDIR/tcpdump.log" &
tcpdump_pid=$!
at_exit "kill $tcpdump_pid 2>/dev/null"
wait_until "tcpdump listening" 10 grep -q listening "$TESTDIR/tcpdump.log"

# conf SIDE SEQ_OF_NEG: side a is .1 and initiates; b is .2.
conf()
{
	if [ "$1" = a ]; then me=1 peer=2 init=yes; else me=2 peer=1 init=no; fi
	cat <<CONF
hostname = "pe-$1"
dataplane = kernel
tunnel t {
	local = 10.1.0.$me
	remote = 10.1.0.$peer
	initiate = $init
	persist = $init
	session vlan {
		remote-end-id = "100"
		pw-type = ethernet-vlan
		vlan-id = 100
		interface = pwv
		mtu = 1400
		address = "10.9.100.$me peer 10.9.100.$peer"
	}
	session seq {
		remote-end-id = "7"
		sequencing = both
		reorder-timeout = 200
		l2spec = default
		interface = pws
		address = "10.9.7.$me peer 10.9.7.$peer"
	}
	session neg {
		remote-end-id = "8"
		sequencing = $2
		l2spec = default
		interface = pwn
		address = "10.9.8.$me peer 10.9.8.$peer"
	}
}
CONF
}

step "two daemons, one tunnel, three pseudowires"
conf b recv >"$TESTDIR/b.in"
conf a none >"$TESTDIR/a.in"
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_start A "$A" <"$TESTDIR/a.in"
all_up='[.[][] | select(.state == "established" and .kernel != null)] |
    length == 3'
l2d_wait A "show session" "$all_up" 90
l2d_wait B "show session" "$all_up" 30

sget()
{
	l2d_get "$1" "show session" ".t.$2.$3"
}

step "the kernel refuses PW type 4 (l2tp_eth registers type 5 only)"
tid=$(l2d_get A "show tunnel t" ".t.localCcid")
ptid=$(l2d_get A "show tunnel t" ".t.remoteCcid")
if in_ns "$A" "$DP_TOOL" session-add tunnel_id "$tid" \
    peer_tunnel_id "$ptid" session_id 4242 peer_session_id 4242 \
    pw_type 4 2>"$TESTDIR/pw4.err"; then
	die "the kernel accepted a session of PW type 4"
fi
grep -q "Protocol not supported" "$TESTDIR/pw4.err" ||
    die "PW type 4: unexpected error: $(cat "$TESTDIR/pw4.err")"

step "ethernet-vlan: a VLAN 100 interface on the l2tpeth session"
expect "A's vlan interfaces" \
    "$(sget A vlan kernel.interface) $(sget A vlan kernel.vlanInterface)" \
    "pwv pwv.100"
sid=$(sget A vlan localSessionId)
expect "A's kernel session type" "$(dp_get "$A" pw_type session-get "$tid" "$sid")" 5
for ns in "$A" "$B"; do
	in_ns "$ns" "$IP" -d link show pwv.100 | grep -q "vlan protocol 802.1Q id 100 " ||
	    die "$ns: pwv.100 is not VLAN 100: $(in_ns "$ns" "$IP" -d link show pwv.100)"
	expect "$ns: pwv.100 MTU" \
	    "$(in_ns "$ns" cat /sys/class/net/pwv.100/mtu)" 1400
	# The addresses are on the VLAN interface, not the session's.
	in_ns "$ns" "$IP" -4 addr show dev pwv | grep -q inet &&
	    die "$ns: pwv has an address"
done
ping_ok "$A" 10.9.100.2
ping_ok "$B" 10.9.100.1 1372
vlan_sid=$(sget B vlan localSessionId)

step "sequencing both: the kernel sends and requires sequence numbers"
expect "A's seq session" \
    "$(sget A seq kernel.sendSeq) $(sget A seq kernel.recvSeq)" "true true"
expect "B's seq session" \
    "$(sget B seq kernel.sendSeq) $(sget B seq kernel.recvSeq)" "true true"
sid=$(sget A seq localSessionId)
expect "A's kernel reorder timeout" \
    "$(dp_get "$A" reorder_timeout session-get "$tid" "$sid")" 200
"$IP" -n "$A" l2tp show session | grep -A6 "Session $sid " |
    grep -q "sequence numbering: send recv" ||
    die "ip l2tp: A's session $sid shows no send and recv sequencing: $("$IP" -n "$A" l2tp show session)"
in_ns "$A" ping -n -q -c 10 -i 0.05 -w 10 10.9.7.2 >/dev/null ||
    die "seq: 10 pings did not all pass"
expect "B's seq discards" "$(sget B seq kernel.rxSeqDiscards)" 0
seq_sid=$(sget B seq localSessionId)

step "negotiation: B asks for sequencing (AVP 70), A sends it"
expect "A's neg session" \
    "$(sget A neg kernel.sendSeq) $(sget A neg kernel.recvSeq)" "true false"
# B, which requires them, sends them too: the kernel would otherwise
# stop A sending them at the first unsequenced packet from B (pw.c).
expect "B's neg session" \
    "$(sget B neg kernel.sendSeq) $(sget B neg kernel.recvSeq)" "true true"
# B's kernel drops unsequenced packets: the ping shows A sequences.
ping_ok "$A" 10.9.8.2
expect_ge "B's neg session: received" "$(sget B neg kernel.rxPackets)" 3
neg_sid=$(sget B neg localSessionId)

step "on the wire: PW type 4 in the ICRQ, VLAN tags, S bits"
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null
# tshark VAR ARGS...: one tshark run; its output in VAR, its stderr (a
# warning as root) shown only when it fails.
ts()
{
	_var=$1
	shift
	_out=$("$TSHARK" -n -r "$TESTDIR/wan.pcap" "$@" 2>"$TESTDIR/tshark.err") ||
	    die "tshark $*: $(cat "$TESTDIR/tshark.err")"
	eval "$_var=\$_out"
}
ts types -Y 'l2tp.avp.message_type == 10 && l2tp.avp.remote_end_id == "100"' \
    -T fields -e l2tp.avp.pseudowire_type
expect "PW type in the vlan ICRQ" "$(printf '%s\n' "$types" | sort -u)" 4
ts tags -o l2tp.cookie_size:cookie0 -o l2tp.l2_specific:none \
    -d l2tp.pw_type==0,eth -d l2tp.pw_type==4,eth \
    -Y "l2tp.sid == $vlan_sid && icmp" -T fields -e vlan.id
expect_ge "tagged ICMP packets to B's vlan session" \
    "$(printf '%s\n' "$tags" | grep -c '^100$')" 6
expect "untagged or other VLANs to B's vlan session" \
    "$(printf '%s\n' "$tags" | grep -vc '^100$')" 0
# The S bit and sequence numbers of what A sends, in the seq and neg
# sessions: every data packet sequenced, numbers counting up by one.
for sid in "$seq_sid" "$neg_sid"; do
	ts seqs -o l2tp.cookie_size:cookie0 -o l2tp.l2_specific:default \
	    -d l2tp.pw_type==0,eth -d l2tp.pw_type==5,eth \
	    -Y "l2tp.sid == $sid" -T fields -e l2tp.l2_spec_s \
	    -e l2tp.l2_spec_sequence
	n=$(printf '%s\n' "$seqs" | grep -c .)
	expect_ge "data packets to session $sid" "$n" 3
	printf '%s\n' "$seqs" | awk '
	    { s = ($1 == "1" || $1 == "True"); if (!s) bad = "no S bit: " $0 }
	    NR > 1 && $2 != prev + 1 { bad = "sequence " prev " then " $2 }
	    { prev = $2 }
	    END { if (bad != "") { print bad; exit 1 } }' ||
	    die "session $sid: packets not sequenced: $seqs"
done

step "exit: no L2TP state left, VLAN interfaces gone"
l2d_stop A
l2d_stop B
for ns in "$A" "$B"; do
	expect "$ns: kernel sessions" "$("$IP" -n "$ns" l2tp show session)" ""
	in_ns "$ns" "$IP" link show pwv.100 >/dev/null 2>&1 &&
	    die "$ns: pwv.100 left behind"
done
echo "PASS: ethernet-vlan over an l2tpeth session with VLAN 100; sequencing both and negotiated"
