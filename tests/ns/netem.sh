#!/bin/sh
# Reliable delivery on a bad wire: 20 % loss, 50 +- 40 ms delay (so
# messages overtake each other) and 5 % duplication in each direction.
# The tunnel (hello-interval 1) must come up and then stay established at
# every one-second sample for 60 s on both ends; both ends must have
# retransmitted, and hellos must have kept flowing.
#
# retries = 10: a message is lost for good only when it and its
# acknowledgement fail retries + 1 times in a row, (1 - 0.8 * 0.8)^11,
# about 1e-5; with the default 5 that is 2e-3 per message, which over a
# minute of hellos would make this test fail about one run in ten.
. "$(dirname "$0")/lib.sh"
ns_init
ns_impaired_pair a b 20 50 40 5
echo "wire impaired by $IMPAIRED_BY"
SECONDS_UP=60

for side in "A $NS_A lcce-a $V4_A $V4_B yes" "B $NS_B lcce-b $V4_B $V4_A no"; do
	# shellcheck disable=SC2086 # split into the fields on purpose
	set -- $side
	ns_conf "$3" t "$4" "$5" "initiate = $6" "hello-interval = 1" \
	    "retries = 10" >"$WORK/$1.in"
	daemon_start "$1" "$2" <"$WORK/$1.in"
done
wait_json A "show tunnel" '.t.state == "established"' 30 ||
    fail "A not established over the bad wire"
wait_json B "show tunnel" '.t.state == "established"' 30 ||
    fail "B not established over the bad wire"
assert_pair A t B t none
ids=$(json_get A "show tunnel t" '"\(.t.localCcid)/\(.t.remoteCcid)"')

end=$(($(date +%s) + SECONDS_UP))
samples=0
while [ "$(date +%s)" -lt "$end" ]; do
	for d in A B; do
		state=$(json_get "$d" "show tunnel t" .t.state)
		[ "$state" = established ] ||
		    fail "$d: $state after $samples samples"
	done
	samples=$((samples + 1))
	sleep 1
done
now=$(json_get A "show tunnel t" '"\(.t.localCcid)/\(.t.remoteCcid)"')
[ "$now" = "$ids" ] ||
    fail "the control connection was replaced during the test: $ids, now $now"
for d in A B; do
	stats=$(l2tpsh "$d" "show statistics json")
	echo "$d: $(printf '%s' "$stats" | "$JQ" -c '.t | {retransmits,
	    duplicates, hellosReceived: .messages.received.HELLO}')"
	printf '%s' "$stats" | "$JQ" -e '.t.retransmits > 0' >/dev/null ||
	    fail "$d retransmitted nothing on a lossy wire"
	printf '%s' "$stats" | "$JQ" -e \
	    ".t.messages.received.HELLO >= $((SECONDS_UP / 4))" >/dev/null ||
	    fail "$d received too few hellos"
done
echo "PASS ($samples samples)"
