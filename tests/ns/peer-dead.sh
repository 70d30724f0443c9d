#!/bin/sh
# A peer that dies without a word (kill -9) is declared dead by the
# reliable layer's timeout, and a persistent tunnel comes back once the
# peer returns.
#
# Timers (both ends): hello-interval 2, retransmit-initial 1000 ms,
# retransmit-cap 2000 ms, retries 3.  After the kill the survivor stays
# silent at most 2 s before its HELLO, then waits 1, 2, 2 and 2 s (the
# first try and three retries, doubling from 1 s, capped at 2 s): it must
# leave established within 9 s, plus 2 s of slack for polling.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
BUDGET=$((2 + 1 + 2 + 2 + 2))
SLACK=2

TIMERS='hello-interval = 2
retransmit-initial = 1000
retransmit-cap = 2000
retries = 3
persist = yes
retry-interval = 1'
ns_conf lcce-b t "$V4_B" "$V4_A" "initiate = no" "$TIMERS" >"$WORK/B.in"
ns_conf lcce-a t "$V4_A" "$V4_B" "initiate = yes" "$TIMERS" >"$WORK/A.in"
daemon_start B "$NS_B" <"$WORK/B.in"
daemon_start A "$NS_A" <"$WORK/A.in"
wait_json A "show tunnel" '.t.state == "established"' 15 ||
    fail "A not established"
wait_json B "show tunnel" '.t.state == "established"' 15 ||
    fail "B not established"
assert_pair A t B t none
old=$(json_get A "show tunnel t" .t.remoteCcid)

# The responder dies; the initiator must notice alone.
kill -KILL "$(daemon_pid B)"
t0=$(date +%s)
wait_json A "show tunnel" '.t.state != "established"' $((BUDGET + SLACK)) ||
    fail "A still established $((BUDGET + SLACK)) s after B died"
echo "A declared B dead after about $(($(date +%s) - t0)) s (budget $BUDGET s)"

# B comes back: A's persistent tunnel re-establishes, a new connection.
daemon_restart B "$NS_B"
wait_json A "show tunnel" '.t.state == "established"' 30 ||
    fail "A's persistent tunnel did not come back"
wait_json B "show tunnel" '.t.state == "established"' 10 ||
    fail "B not established after its restart"
assert_pair A t B t none
[ "$(json_get A "show tunnel t" .t.remoteCcid)" != "$old" ] ||
    fail "A still talks to B's old connection ID $old"

# The other way round: the initiator dies, the responder notices, and
# the restarted initiator brings the tunnel up again.
kill -KILL "$(daemon_pid A)"
t0=$(date +%s)
wait_json B "show tunnel" '.t.state != "established"' $((BUDGET + SLACK)) ||
    fail "B still established $((BUDGET + SLACK)) s after A died"
echo "B declared A dead after about $(($(date +%s) - t0)) s (budget $BUDGET s)"
daemon_restart A "$NS_A"
wait_json A "show tunnel" '.t.state == "established"' 30 ||
    fail "A's tunnel did not come back after its restart"
wait_json B "show tunnel" '.t.state == "established"' 10 ||
    fail "B not established after A's restart"
assert_pair A t B t none
echo "PASS"
