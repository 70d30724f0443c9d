#!/bin/sh
# `write memory` must not stall the daemon: the file is synced to disk
# by a worker thread while the event loop goes on.  A shim makes every
# fsync take 3 s (a slow disk).  Meanwhile the daemon must answer other
# clients at once and keep its tunnel up with 1 s hellos; a second
# `write memory` is told to try again; the first ends with the file
# written whole.  A SIGTERM during a write waits for the file.
. "$(dirname "$0")/lib.sh"
ns_init
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || ns_skip "no C compiler for the fsync shim"
"$CC" -O2 -shared -fPIC -o "$WORK/slow_fsync.so" \
    "$top_srcdir/tests/shell/slow_fsync.c" -ldl ||
    fail "cannot build the fsync shim"

# A runs with the shim (ASan would insist on coming first otherwise).
cat >"$WORK/slowd" <<WRAP
#!/bin/sh
export LD_PRELOAD="$WORK/slow_fsync.so" L2TP_TEST_FSYNC_DELAY_MS=3000
export ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0"
exec "$L2TPV3D" "\$@"
WRAP
chmod +x "$WORK/slowd"

now_ms() {
	date +%s%3N
}

ns_pair a b
# Configs from files, not pipes: daemon_start must run in this shell.
ns_conf lcce-b t1 "$V4_B" "$V4_A" "initiate = no" "hello-interval = 1" \
    >"$WORK/b.in"
ns_conf lcce-a t1 "$V4_A" "$V4_B" "hello-interval = 1" >"$WORK/a.in"
daemon_start B "$NS_B" <"$WORK/b.in"
REAL_L2TPV3D=$L2TPV3D
L2TPV3D=$WORK/slowd
daemon_start A "$NS_A" <"$WORK/a.in"
L2TPV3D=$REAL_L2TPV3D
check_json A "show tunnel t1" '{"t1":{"state":"established"}}'
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config" >"$WORK/running.txt" ||
    fail "show running-config"

t0=$(now_ms)
"$L2TPSH" -S "$WORK/A.sock" -c "write memory" >"$WORK/w1.out" 2>&1 &
w1=$!
sleep 0.5

# The loop is free: another client is answered at once.
t1=$(now_ms)
"$L2TPSH" -S "$WORK/A.sock" -c "show tunnel t1 json" >"$WORK/show.json" ||
    fail "show during write memory"
t2=$(now_ms)
[ $((t2 - t1)) -lt 1000 ] ||
    fail "show tunnel took $((t2 - t1)) ms while the file was being synced"
kill -0 $w1 2>/dev/null || fail "write memory ended before the 3 s fsync: $(cat "$WORK/w1.out")"
# The temporary file holds the secrets: 0600 until it is complete
# (the configuration itself is 0644 here).
set -- "$WORK"/A.conf.tmp??????
[ -f "$1" ] || fail "no temporary file during write memory"
[ "$(stat -c %a "$1")" = 600 ] ||
    fail "temporary file $1 has mode $(stat -c %a "$1") while written"

# One save at a time.
"$L2TPSH" -S "$WORK/A.sock" -c "write memory" >"$WORK/w2.out" 2>&1 &&
    fail "a second write memory during the first succeeded"
grep -q "being written; try again" "$WORK/w2.out" ||
    fail "second write memory: $(cat "$WORK/w2.out")"

# The first ends only when the file is on disk, and says so.
wait $w1 || fail "write memory failed: $(cat "$WORK/w1.out")"
t3=$(now_ms)
[ $((t3 - t0)) -ge 3000 ] ||
    fail "write memory answered after $((t3 - t0)) ms, before its fsync"
grep -q "Configuration saved to $WORK/A.conf" "$WORK/w1.out" ||
    fail "write memory said: $(cat "$WORK/w1.out")"
cmp -s "$WORK/running.txt" "$WORK/A.conf" ||
    fail "the written file is not the running config"

# Hellos went on: the tunnel never dropped, nothing was retransmitted
# for lack of an answer.
check_json A "show tunnel t1" '{"t1":{"state":"established"}}'
check_json B "show tunnel t1" '{"t1":{"state":"established"}}'

# SIGTERM in the middle of a write: the daemon finishes the file first.
"$L2TPSH" -S "$WORK/A.sock" -c "write memory" >"$WORK/w3.out" 2>&1 &
w3=$!
sleep 0.5
rm -f "$WORK/A.conf.bak"
daemon_stop A
grep -q "l2tpv3d exiting" "$WORK/A.log" ||
    fail "A did not exit cleanly after SIGTERM during a write"
wait $w3
cmp -s "$WORK/running.txt" "$WORK/A.conf" ||
    fail "the file is not whole after SIGTERM during a write"
[ -f "$WORK/A.conf.bak" ] || fail "no backup after SIGTERM during a write"
ls "$WORK" | grep -q 'A.conf.tmp' && fail "a temp file was left behind"
grep -q "waiting for the configuration file to be written" "$WORK/A.log" ||
    fail "A did not say it waited for the file"
exit 0
