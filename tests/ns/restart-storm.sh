#!/bin/sh
# Issue 14's restart storm, at the scale of a CI run: N persistent
# tunnels of A (one local address each, on A's loopback) to one LNS, B.
# B restarts cleanly (a StopCCN to every tunnel) and stays down DOWN
# seconds, as a big LNS does while it loads its configuration; then:
#   - everything is back within 2 x the cold start of the same test
#     (both daemons fresh, B first) + 1 s, counted from B's new start;
#   - A did not hammer the port that was closed: fewer SCCRQs reached
#     B's address while B was down than there are tunnels (the opening
#     pace keeps a few probes per peer; without it each tunnel sends its
#     SCCRQ and its retransmissions, about 4 each in DOWN s);
#   - the reopening is not in lock-step: the first SCCRQs of the
#     tunnels after the StopCCNs spread over more than SPREAD_MS, no
#     10 ms holds half of them, and the retry delays A drew differ
#     (spread over at least half their window);
#   - B's half-open cap (max-half-open = 16, far below N) counts only
#     SCCRQs answered beside a busy tunnel: none of these is dropped
#     (they used to be, and each drop cost a retransmission cascade).
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
command -v tshark >/dev/null || {
	echo "SKIP: no tshark"
	exit 77
}
N=${STORM_TUNNELS:-300}
DOWN=5
SPREAD_MS=100
NS_DEBUG=""

# addr I: A's local address of tunnel I.
addr() {
	echo "10.201.$(($1 / 250)).$(($1 % 250 + 1))"
}

i=0
: >"$WORK/addrs"
while [ $i -lt "$N" ]; do
	echo "addr add $(addr $i)/32 dev lo" >>"$WORK/addrs"
	i=$((i + 1))
done
ip -n "$NS_A" -batch "$WORK/addrs" || fail "cannot add A's addresses"
ip -n "$NS_B" route add 10.201.0.0/16 via "$V4_A" || fail "no route on B"

# conf SIDE: N tunnels, one session each.
conf() {
	printf 'hostname = "storm-%s"\ndataplane = none\n' "$1"
	[ "$1" = b ] && printf 'max-half-open = 16\n'
	i=0
	while [ $i -lt "$N" ]; do
		if [ "$1" = a ]; then
			printf 'tunnel t%d {\n\tlocal = %s\n\tremote = %s\n' \
			    $i "$(addr $i)" "$V4_B"
			printf '\tinitiate = yes\n\tpersist = yes\n'
		else
			printf 'tunnel t%d {\n\tlocal = %s\n\tremote = %s\n' \
			    $i "$V4_B" "$(addr $i)"
			printf '\tinitiate = no\n'
		fi
		printf '\tsession s { remote-end-id = "1" }\n}\n'
		i=$((i + 1))
	done
}
conf a >"$WORK/A.in"
conf b >"$WORK/B.in"

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# all_up NAME TIMEOUT: every tunnel and session established.
all_up() {
	wait_json "$1" "show tunnel" \
	    "[.[] | select(.state == \"established\")] | length == $N" "$2" &&
	    wait_json "$1" "show session" \
		"[.[][] | select(.state == \"established\")] | length == $N" "$2"
}

# SCCRQs only (Control Connection ID 0, to B's port), so that the
# capture keeps up.
capture_start cap "$NS_B" -B 16384 udp dst port 1701 and "udp[12:4] = 0"

daemon_start B "$NS_B" <"$WORK/B.in"
t0=$(now_ms)
daemon_start A "$NS_A" <"$WORK/A.in"
all_up B 60 || fail "cold start: B does not have all $N tunnels"
all_up A 60 || fail "cold start: A does not have all $N tunnels"
cold=$(($(now_ms) - t0))
echo "cold start of $N tunnels and sessions: $cold ms ($(uptime))"

stop0=$(now_ms)
daemon_stop B || fail "B did not stop cleanly"
down0=$(now_ms)
sleep "$DOWN"
t0=$(now_ms)
daemon_restart B "$NS_B"
all_up B 60 || fail "storm: B does not have all $N tunnels back"
all_up A 60 || fail "storm: A does not have all $N tunnels back"
storm=$(($(now_ms) - t0))
echo "after B's restart ($DOWN s down): $storm ms to everything ($(uptime))"
capture_stop cap

# SCCRQs (message type 1) that reached B's veth: time (ms) and source.
"${TSHARK:-tshark}" -n -r "$WORK/cap.pcap" -d udp.port==1701,l2tp \
    -Y "l2tp.avp.message_type == 1 and ip.dst == $V4_B" \
    -T fields -e frame.time_epoch -e ip.src >"$WORK/sccrq.txt" ||
    fail "tshark cannot read the capture"
awk '{ printf "%.0f %s\n", $1 * 1000, $2 }' "$WORK/sccrq.txt" \
    >"$WORK/sccrq.ms"

while_down=$(awk -v a="$down0" -v b="$t0" '$1 >= a && $1 < b' \
    "$WORK/sccrq.ms" | wc -l)
echo "SCCRQs while B was down: $while_down (tunnels: $N)"
grep -qx "0 packets dropped by kernel" "$WORK/cap.tcpdump.log" ||
    fail "the capture lost SCCRQs: $(cat "$WORK/cap.tcpdump.log")"
[ "$while_down" -lt "$N" ] ||
    fail "A sent $while_down SCCRQs to a closed port in $DOWN s ($N tunnels)"

# The first SCCRQ of each tunnel after the StopCCNs (some come while B
# still shuts down, and are refused).
# Milliseconds since the stop (awk's array keys lose digits beyond
# six, so no epoch times there).
awk -v a="$stop0" '$1 >= a && !seen[$2]++ { print $1 - a }' "$WORK/sccrq.ms" |
    sort -n >"$WORK/first.ms"
firsts=$(wc -l <"$WORK/first.ms")
[ "$firsts" -eq "$N" ] ||
    fail "$firsts tunnels sent an SCCRQ after the restart, not $N"
spread=$(($(tail -n 1 "$WORK/first.ms") - $(head -n 1 "$WORK/first.ms")))
burst=$(awk '{ c[int($1 / 10)]++ } END { for (k in c) if (c[k] > m) m = c[k]; print m }' \
    "$WORK/first.ms")
echo "first SCCRQs spread over $spread ms, at most $burst in 10 ms"
[ "$spread" -gt "$SPREAD_MS" ] ||
    fail "the tunnels reopened within $spread ms: lock-step"
[ "$burst" -le $((N / 2)) ] ||
    fail "$burst of $N tunnels reopened in the same 10 ms: lock-step"
# Each tunnel's own retry timer is drawn at random (1 s plus up to
# 0.4 ms per tunnel): the delays A logged differ.
grep -o 'retrying in [0-9.]*' "$WORK/A.log" | awk '{ print $3 * 1000 }' |
    sort -n >"$WORK/delays.ms"
dspread=$(($(tail -n 1 "$WORK/delays.ms") - $(head -n 1 "$WORK/delays.ms")))
distinct=$(uniq "$WORK/delays.ms" | wc -l)
echo "retry delays: $distinct distinct values over $dspread ms"
[ "$dspread" -ge $((N * 4 / 10 / 2)) ] && [ "$distinct" -ge $((N / 4)) ] ||
    fail "retry delays not spread: $distinct values over $dspread ms"

dropped=$(json_get B "show statistics daemon" .halfOpenDropped)
[ "$dropped" = 0 ] ||
    fail "B dropped $dropped half-open connections of configured tunnels"

limit=$((2 * cold + 1000))
[ "$storm" -le "$limit" ] ||
    fail "storm: $storm ms, more than 2 x the cold start ($cold ms) + 1 s"
echo "PASS"
