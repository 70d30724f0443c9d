#!/bin/sh
# The tunnel comes up across the configuration matrix: which side
# initiates x encap UDP / IP x IPv4 / IPv6 x digest none / MD5 / SHA-1.
# Eight cases cover every value of every dimension at least once, and
# each direction of initiation meets each encap, family and digest.
# Every case is checked from both ends: established, CCIDs cross-match,
# dialect ietf, the digest configured, the encap and the peer address.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b

SECRET='matrix-secret'

# initiator encap family digest
CASES="a udp 4 none
b udp 6 md5
a ip 4 sha1
b ip 6 none
a ip 6 md5
b udp 4 sha1
a udp 6 sha1
b ip 4 md5"

# side_conf HOST LOCAL REMOTE INITIATE ENCAP DIGEST
side_conf() {
	if [ "$6" = none ]; then
		ns_conf "$1" t "$2" "$3" "initiate = $4" "encap = $5" \
		    "hello-interval = 0"
	else
		ns_conf "$1" t "$2" "$3" "initiate = $4" "encap = $5" \
		    "hello-interval = 0" "digest = $6" "secret = '$SECRET'"
	fi
}

# check_end DAEMON ENCAP PEER-ADDRESS
check_end() {
	json_get "$1" "show tunnel t" \
	    ".t.encap == \"$2\" and .t.peerAddress == \"$3\"" | grep -qx true ||
	    fail "$1: encap or peer address wrong: $(l2tpsh "$1" "show tunnel t json")"
}

# start NAME NS HOST LOCAL REMOTE INITIATE ENCAP DIGEST
start() {
	side_conf "$3" "$4" "$5" "$6" "$7" "$8" >"$WORK/conf.in"
	daemon_start "$1" "$2" <"$WORK/conf.in"
}

n=0
while read -r init encap fam digest; do
	n=$((n + 1))
	if [ "$fam" = 4 ]; then
		la=$V4_A lb=$V4_B
	else
		la=$V6_A lb=$V6_B
	fi
	ia=no ib=no
	[ "$init" = a ] && ia=yes
	[ "$init" = b ] && ib=yes
	echo "case $n: $init initiates, $encap, IPv$fam, digest $digest"
	# The responder first, so that the first SCCRQ finds it listening.
	if [ "$init" = a ]; then
		start "B$n" "$NS_B" lcce-b "$lb" "$la" $ib "$encap" "$digest"
		start "A$n" "$NS_A" lcce-a "$la" "$lb" $ia "$encap" "$digest"
	else
		start "A$n" "$NS_A" lcce-a "$la" "$lb" $ia "$encap" "$digest"
		start "B$n" "$NS_B" lcce-b "$lb" "$la" $ib "$encap" "$digest"
	fi
	wait_json "A$n" "show tunnel" '.t.state == "established"' 15 ||
	    fail "case $n: A not established"
	wait_json "B$n" "show tunnel" '.t.state == "established"' 15 ||
	    fail "case $n: B not established"
	assert_pair "A$n" t "B$n" t "$digest"
	check_end "A$n" "$encap" "$lb"
	check_end "B$n" "$encap" "$la"
	daemon_stop "A$n" || fail "case $n: A did not exit cleanly"
	daemon_stop "B$n" || fail "case $n: B did not exit cleanly"
done <<EOF
$CASES
EOF
[ $n = 8 ] || fail "ran $n cases out of 8"
echo "PASS"
