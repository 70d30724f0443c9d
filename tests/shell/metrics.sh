#!/bin/sh
# Prometheus metrics: `show metrics` and GET /metrics (metrics-listen)
# both pass `promtool check metrics`, carry the tunnel's state with its
# tunnel and peer labels and the message counters by type, and follow
# the tunnel down (the l2tpv3d_tunnel_up == 0 alert of
# docs/operations.md).  The HTTP server answers 404 and 405 where it
# should, and serves while the loop keeps the tunnel's hellos going.  A
# page of many slices comes out whole and the same either way.
. "$(dirname "$0")/lib.sh"
ns_init
command -v promtool >/dev/null 2>&1 ||
    fail "promtool missing (Debian package prometheus; scripts/install-deps)"
ns_pair a b
PY=${PYTHON3:-python3}
HTTP="$PY $top_srcdir/tests/shell/http_get.py"

{
	echo 'metrics-listen = "127.0.0.1:9735"'
	ns_conf lcce-a ab "$V4_A" "$V4_B" "initiate = yes" "hello-interval = 1"
} | daemon_start A "$NS_A"
ns_conf lcce-b ba "$V4_B" "$V4_A" "initiate = no" | daemon_start B "$NS_B"
wait_json A "show tunnel" '.ab.state == "established"' ||
    fail "A did not reach established"
# A's hellos (1 s), so a HELLO counter exists.
wait_json A "show statistics" '.ab.messages.sent.HELLO >= 1' 10 ||
    fail "no HELLO"

# promtool_check FILE WHAT: the exposition is valid (lint included).
promtool_check() {
	promtool check metrics <"$1" >"$WORK/promtool.out" 2>&1 ||
	    fail "$2: promtool check metrics: $(cat "$WORK/promtool.out")"
}
# has FILE LINE: the exact series line is present.
has() {
	grep -qxF "$2" "$1" || fail "$1: no line '$2'; got: $(cat "$1")"
}

l2tpsh A "show metrics" >"$WORK/show.txt" || fail "show metrics failed"
promtool_check "$WORK/show.txt" "show metrics"
has "$WORK/show.txt" "l2tpv3d_tunnel_up{tunnel=\"ab\",peer=\"$V4_B\"} 1"
has "$WORK/show.txt" "l2tpv3d_tunnel_state{tunnel=\"ab\",peer=\"$V4_B\",state=\"established\"} 1"
has "$WORK/show.txt" "l2tpv3d_tunnel_messages_sent_total{tunnel=\"ab\",peer=\"$V4_B\",type=\"SCCRQ\"} 1"
has "$WORK/show.txt" "l2tpv3d_tunnel_messages_received_total{tunnel=\"ab\",peer=\"$V4_B\",type=\"SCCRP\"} 1"
has "$WORK/show.txt" "l2tpv3d_tunnels_established 1"
grep -q '^l2tpv3d_tunnel_messages_sent_total{tunnel="ab",peer="'"$V4_B"'",type="HELLO"} [1-9]' \
    "$WORK/show.txt" || fail "no HELLO counter: $(cat "$WORK/show.txt")"

# The HTTP endpoint, inside A's namespace (it listens on its loopback).
ns_exec "$NS_A" $HTTP http://127.0.0.1:9735/metrics >"$WORK/http.raw" ||
    fail "GET /metrics failed"
[ "$(sed -n 1p "$WORK/http.raw")" = 200 ] ||
    fail "GET /metrics: $(head -2 "$WORK/http.raw")"
sed -n 2p "$WORK/http.raw" | grep -q '^text/plain; version=0.0.4' ||
    fail "Content-Type: $(sed -n 2p "$WORK/http.raw")"
sed 1,2d "$WORK/http.raw" >"$WORK/http.txt"
promtool_check "$WORK/http.txt" "GET /metrics"
has "$WORK/http.txt" "l2tpv3d_tunnel_up{tunnel=\"ab\",peer=\"$V4_B\"} 1"
# The same families either way.
grep '^# TYPE' "$WORK/show.txt" >"$WORK/t1"
grep '^# TYPE' "$WORK/http.txt" >"$WORK/t2"
cmp -s "$WORK/t1" "$WORK/t2" || fail "families differ: $(diff "$WORK/t1" "$WORK/t2")"

[ "$(ns_exec "$NS_A" $HTTP http://127.0.0.1:9735/ | head -1)" = 404 ] ||
    fail "GET / was not 404"
[ "$(ns_exec "$NS_A" $HTTP http://127.0.0.1:9735/metrics POST | head -1)" = 405 ] ||
    fail "POST /metrics was not 405"
# Nothing listens outside loopback.
ns_exec "$NS_B" $HTTP "http://$V4_A:9735/metrics" >/dev/null 2>&1 &&
    fail "metrics reachable from the peer's address"

# The peer goes away: tunnel_up drops to 0 (the sample alert's case).
daemon_stop B
wait_json A "show tunnel" '.ab.state != "established"' ||
    fail "A stayed established"
l2tpsh A "show metrics" >"$WORK/down.txt"
has "$WORK/down.txt" "l2tpv3d_tunnel_up{tunnel=\"ab\",peer=\"$V4_B\"} 0"
promtool_check "$WORK/down.txt" "show metrics after the peer left"

# Off by default: a daemon without metrics-listen opens no TCP port.
daemon_start C "$NS_B" <<CONF
hostname = "lcce-c"
dataplane = none
CONF
ns_exec "$NS_B" ss -Htln >"$WORK/ss.out"
grep -q 9735 "$WORK/ss.out" && fail "C listens on 9735: $(cat "$WORK/ss.out")"
# libmicrohttpd (and GnuTLS with it) is mapped only by a daemon that
# serves HTTP (daemon/optlib.c): not by C, by A.
grep -q libmicrohttpd "/proc/$(daemon_pid A)/maps" ||
    fail "A serves metrics-listen but has no libmicrohttpd mapped"
grep -Eq 'libmicrohttpd|libgnutls' "/proc/$(daemon_pid C)/maps" &&
    fail "C has no metrics-listen but maps libmicrohttpd or GnuTLS"
# A page of many slices (metrics.c writes about 32 KiB per turn of the
# loop; this one is some 40 of them): both ways it is valid, whole (a
# series per tunnel and per session in each family, none twice), and
# the same text either way but for the clocks.  300 tunnels of 10
# sessions each, idle (initiate = no), on a daemon of its own; A, whose
# SCCRQs for B would reach it, goes first.
daemon_stop A
{
	echo 'hostname = "lcce-d"'
	echo 'dataplane = none'
	echo 'metrics-listen = "127.0.0.1:9736"'
	i=0
	while [ $i -lt 300 ]; do
		printf 'tunnel t%d {\n\tlocal = %s\n\tremote = 10.201.%d.%d\n\tinitiate = no\n' \
		    $i "$V4_B" $((i / 200)) $((i % 200 + 1))
		j=0
		while [ $j -lt 10 ]; do
			printf '\tsession s%d { remote-end-id = "%d" }\n' $j $j
			j=$((j + 1))
		done
		echo '}'
		i=$((i + 1))
	done
} | daemon_start D "$NS_B"
l2tpsh D "show metrics" >"$WORK/big-show.txt" || fail "D: show metrics failed"
ns_exec "$NS_B" $HTTP http://127.0.0.1:9736/metrics >"$WORK/big-http.raw" ||
    fail "D: GET /metrics failed"
[ "$(sed -n 1p "$WORK/big-http.raw")" = 200 ] ||
    fail "D: GET /metrics: $(head -2 "$WORK/big-http.raw")"
sed 1,2d "$WORK/big-http.raw" >"$WORK/big-http.txt"
for f in big-show big-http; do
	[ "$(wc -c <"$WORK/$f.txt")" -gt $((8 * 32768)) ] ||
	    fail "$f: a page of $(wc -c <"$WORK/$f.txt") bytes is no test of slices"
	promtool_check "$WORK/$f.txt" "$f"
	# Every family whole: 300 tunnel series, 3000 session series.
	for fam in l2tpv3d_tunnel_up l2tpv3d_tunnel_sessions \
	    l2tpv3d_tunnel_ack_sent_total l2tpv3d_tunnel_state; do
		n=$(grep -c "^$fam{" "$WORK/$f.txt")
		[ "$n" = 300 ] || fail "$f: $n series of $fam, want 300"
	done
	n=$(grep -c '^l2tpv3d_session_up{' "$WORK/$f.txt")
	[ "$n" = 3000 ] || fail "$f: $n series of l2tpv3d_session_up, want 3000"
	n=$(grep -v '^#' "$WORK/$f.txt" | sort | uniq -d | wc -l)
	[ "$n" = 0 ] || fail "$f: $n series twice"
	has "$WORK/$f.txt" 'l2tpv3d_session_up{tunnel="t299",session="s9"} 0'
	has "$WORK/$f.txt" 'l2tpv3d_tunnel_sessions{tunnel="t0",peer="10.201.0.1"} 0'
done
# The same tunnel and session series either way (the daemon-wide
# lines hold clocks, and counters a stray datagram may move).
grep -E '^l2tpv3d_(tunnel|session)_' "$WORK/big-show.txt" >"$WORK/p1"
grep -E '^l2tpv3d_(tunnel|session)_' "$WORK/big-http.txt" >"$WORK/p2"
cmp -s "$WORK/p1" "$WORK/p2" ||
    fail "show metrics and GET /metrics differ: $(diff "$WORK/p1" "$WORK/p2" | head)"
# Both pages were counted as written in full.
l2tpsh D "show metrics" | grep -qx 'l2tpv3d_scrapes_total 2' ||
    fail "l2tpv3d_scrapes_total is not 2 after two pages"
exit 0
