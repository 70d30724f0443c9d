#!/bin/sh
# Issue 14: graceful restart with the kernel dataplane.  A dynamic
# pseudowire (MD5 digests, 8-byte cookies) between two l2tpv3d; pings
# at 10 Hz across it while A is restarted gracefully five times in a row
# (`restart graceful`, SIGUSR2 for one).  No ping is lost; A's kernel
# tunnel and session (`ip l2tp show`) and its interface index do not
# change; both sides keep their connection and session IDs.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq

A=pe-a
B=pe-b
make_tmpdir
wan_pair "$A" "$B" 10.1.0
no_ipv6_links "$A" "$B"

# conf SIDE ME PEER INITIATE
conf()
{
	cat <<CONF
hostname = "pe-$1"
dataplane = kernel
tunnel t {
	local = 10.1.0.$2
	remote = 10.1.0.$3
	initiate = $4
	digest = md5
	secret = "graceful"
	hello-interval = 2
	session pw {
		remote-end-id = "7"
		cookie-length = 8
		interface = pw7
		address = "10.9.7.$2 peer 10.9.7.$3"
	}
}
CONF
}

step "the pseudowire comes up"
# Not in a pipeline: l2d_start's daemon must be this shell's child.
conf b 2 1 no >"$TESTDIR/b.in"
conf a 1 2 yes >"$TESTDIR/a.in"
l2d_pw_up "$A" "$B" 10.9.7.2

kv=$(pw_kernel_view "$A" pw7)
ids_a=$(l2d_ids A)
ids_b=$(l2d_ids B)

step "five graceful restarts of A under 10 Hz pings"
pings_start "$A" 10.9.7.2 40
sleep 2
for n in 1 2 3 4 5; do
	old=$(cat "$TESTDIR/A.pidfile")
	if [ $n = 3 ]; then
		kill -USR2 "$old"
	else
		l2d_sh A "restart graceful" >"$TESTDIR/restart.out" 2>&1 ||
		    die "restart graceful: $(cat "$TESTDIR/restart.out")"
	fi
	wait_until "old A ($old) to exit" 15 sh -c "! kill -0 $old 2>/dev/null"
	new=$(cat "$TESTDIR/A.pidfile")
	[ "$new" != "$old" ] && kill -0 "$new" 2>/dev/null ||
	    die "no new A after restart $n ($old -> $new)"
	echo "$new" >"$TESTDIR/A.pid"
	at_exit "kill -KILL $new 2>/dev/null"
	echo "restart $n: pid $old -> $new," \
	    "$(grep -o "pid $new has taken over in [0-9]* ms" "$TESTDIR/A.log")"
	expect "A's kernel view after restart $n" \
	    "$(pw_kernel_view "$A" pw7)" "$kv"
	expect "A's IDs after restart $n" "$(l2d_ids A)" "$ids_a"
	expect "B's IDs after restart $n" "$(l2d_ids B)" "$ids_b"
	sleep 3
done
sleep 2
pings_end 150
! grep -q "StopCCN\|CDN" "$TESTDIR/B.log" ||
    die "B logged a StopCCN or CDN: $(grep "StopCCN\|CDN" "$TESTDIR/B.log")"

step "teardown"
apid=$(cat "$TESTDIR/A.pid")
kill -TERM "$apid"
wait_until "A to exit" 15 sh -c "! kill -0 $apid 2>/dev/null"
l2d_stop B
echo "PASS: 5 graceful restarts, $PINGS_SENT pings, 0 lost"
