#!/bin/sh
# Issue 12: changes that apply in place, with the kernel dataplane.  A
# dynamic pseudowire between two l2tpv3d; pings at 10 Hz across it
# while A's hello-interval, retries and debug (tunnel and session) are
# changed from the shell and committed, then hello-interval, retries
# and the session's up/down scripts by SIGHUP.  No ping is lost; A's
# kernel tunnel and session (`ip l2tp show`) and its interface index do
# not change; both sides keep their connection and session IDs; neither
# side logs a StopCCN or CDN.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq

A=pe-a
B=pe-b
make_tmpdir
wan_pair "$A" "$B" 10.1.0
no_ipv6_links "$A" "$B"

step "the pseudowire comes up"
# Not in a pipeline: l2d_start's daemon must be this shell's child.
pw_conf b 2 1 no >"$TESTDIR/b.in"
pw_conf a 1 2 yes >"$TESTDIR/a.in"
l2d_pw_up "$A" "$B" 10.9.7.2

kv=$(pw_kernel_view "$A" pw7)
ids_a=$(l2d_ids A)
ids_b=$(l2d_ids B)

step "changes committed from the shell and by SIGHUP under 10 Hz pings"
pings_start "$A" 10.9.7.2 20
sleep 2
"$L2TPSH" -S "$TESTDIR/A.sock" >"$TESTDIR/sh.out" 2>&1 <<CMDS ||
configure terminal
tunnel t
hello-interval 1
retries 7
debug yes
session pw
debug yes
exit
exit
show configuration diff
commit
end
CMDS
    die "shell: $(cat "$TESTDIR/sh.out")"
cat "$TESTDIR/sh.out"
grep -q '^tunnel t: in place: .*hello-interval' \
    "$TESTDIR/sh.out" || die "the diff did not say in place"
l2d_wait A "show tunnel t" '.t.helloInterval == 1' 5
expect "A's kernel view after the commit" \
    "$(pw_kernel_view "$A" pw7)" "$kv"
expect "A's IDs after the commit" "$(l2d_ids A)" "$ids_a"
sleep 4
printf '#!/bin/sh\nexit 0\n' >"$TESTDIR/up.sh"
chmod 755 "$TESTDIR/up.sh"
pw_conf a 1 2 yes "hello-interval = 3
	retries = 6" "up-script = \"$TESTDIR/up.sh\"
		down-script = \"$TESTDIR/up.sh\"" | l2d_hup A
l2d_wait A "show tunnel t" '.t.helloInterval == 3' 10
grep -q "configuration: session t/pw: in place: .*up-script" \
    "$TESTDIR/A.log" || die "SIGHUP: the scripts were not said in place"
sleep 6
pings_end 100
expect "A's kernel view at the end" "$(pw_kernel_view "$A" pw7)" "$kv"
expect "A's IDs at the end" "$(l2d_ids A)" "$ids_a"
expect "B's IDs at the end" "$(l2d_ids B)" "$ids_b"
for d in A B; do
	! grep -q "StopCCN\|CDN\|restarting" "$TESTDIR/$d.log" ||
	    die "$d: $(grep "StopCCN\|CDN\|restarting" "$TESTDIR/$d.log")"
done

step "teardown"
l2d_stop A
l2d_stop B
echo "PASS: commit and SIGHUP in place, $PINGS_SENT pings, 0 lost"
