#!/bin/sh
# Golden test of `show session [tunnel TUNNEL] [SESSION] [detail] [json]`
# (issue 12: "detail" was taken for a session name, and `show session
# NAME detail` was a usage error): every documented combination, text
# and JSON, and the errors, against tests/shell/golden/show-session.txt.
#
# A has tunnel t1 to B with sessions pw1 (ethernet, 4-byte cookies, the
# default sublayer) and pw2 (ethernet-vlan 100, 8-byte cookies), both
# placed by A, and tunnel t2 to nobody with an idle session also called
# pw1.  What is random (session IDs, cookies) and what moves (uptime) is
# replaced by names before the comparison, and runs of blanks are
# squeezed (show.sh checks the columns).
#
# GOLDEN_UPDATE=1 writes the golden file instead of comparing.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
golden=$top_srcdir/tests/shell/golden/show-session.txt

conf() { # HOSTNAME LOCAL REMOTE INITIATE
	cat <<CONF
hostname = "$1"
dataplane = none
tunnel t1 {
	local = $2
	remote = $3
	initiate = $4
	session pw1 {
		remote-end-id = "1"
		cookie-length = 4
		l2spec = default
		initiate = $4
	}
	session pw2 {
		remote-end-id = "2"
		pw-type = ethernet-vlan
		vlan-id = 100
		cookie-length = 8
		initiate = $4
	}
}
CONF
}
{
	conf lcce-a "$V4_A" "$V4_B" yes
	printf 'tunnel t2 {\n\tlocal = %s\n\tremote = 10.200.0.9\n' "$V4_A"
	printf '\tinitiate = no\n\tsession pw1 { remote-end-id = "9" }\n}\n'
} | daemon_start A "$NS_A"
conf lcce-b "$V4_B" "$V4_A" no | daemon_start B "$NS_B"
check_json A "show session tunnel t1" \
    '{"t1":{"pw1":{"state":"established"},"pw2":{"state":"established"}}}'

# The random values, by name.
subst=$WORK/subst.sed
: >"$subst"
for pw in pw1 pw2; do
	for k in localSessionId:lid remoteSessionId:rid localCookie:lck \
	    peerCookie:pck; do
		v=$(json_get A "show session tunnel t1 $pw" ".t1.$pw.${k%%:*}")
		[ -n "$v" ] && [ "$v" != 0 ] || fail "t1/$pw: no ${k%%:*}"
		printf 's/\\<%s\\>/<%s.%s>/g\n' "$v" "$pw" "${k#*:}" >>"$subst"
	done
done
lid1=$(json_get A "show session tunnel t1 pw1" .t1.pw1.localSessionId)
lid2=$(json_get A "show session tunnel t1 pw2" .t1.pw2.localSessionId)

# One transcript entry: the command, its exit status when not 0, its
# standard output then its error output, normalised; a JSON answer must
# parse.  Table rows (of variable width) have their blanks squeezed.
run() {
	"$L2TPSH" -S "$WORK/A.sock" -c "$1" >"$WORK/o" 2>"$WORK/e"
	_st=$?
	case "$1 $_st" in
	*" json 0") "$JQ" -e . "$WORK/o" >/dev/null ||
	    fail "'$1': not JSON: $(cat "$WORK/o")" >&2 ;;
	esac
	{
		printf '$ %s\n' "$1"
		[ "$_st" = 0 ] || printf '(exit %s)\n' "$_st"
		cat "$WORK/o" "$WORK/e"
	} | sed -f "$subst" | sed -E \
	    -e 's/[0-9]{2}:[0-9]{2}:[0-9]{2}$/<uptime>/' \
	    -e 's/^(  uptime +)[0-9]+ s$/\1<n> s/' \
	    -e 's/"uptime":[0-9]+/"uptime":"<n>"/g' \
	    -e '/^(Tunnel +Session|t[0-9] )/s/  +/ /g'
}

{
	for cmd in "show session" "show session detail" \
	    "show session pw1" "show session pw1 detail" \
	    "show session $lid2" "show session $lid2 detail" \
	    "show session tunnel t1" "show session tunnel t1 detail" \
	    "show session tunnel t2 detail" \
	    "show session tunnel t1 pw2" "show session tunnel t1 pw2 detail" \
	    "show session tunnel t1 $lid1 detail" \
	    "show session tunnel t2 pw1 detail" \
	    "sh sess tun t1 pw1 det"; do
		run "$cmd"
		run "$cmd json"
	done
	# Errors: one style, a caret under the word, what it may be.
	run "show session nosuch detail"
	run "show session tunnel nosuch detail"
	run "show session tunnel t2 pw2 detail"
	run "show session tunnel t2 $lid1"
	run "show session 99 json"
	run "show tunnel nosuch"
	run "show statistics tunnel nosuch json"
	run "show session nosuch wireshark"
	run "clear session t1 nosuch"
	run "clear tunnel nosuch"
} >"$WORK/transcript"

if [ -n "${GOLDEN_UPDATE:-}" ]; then
	cp "$WORK/transcript" "$golden"
	echo "wrote $golden"
	exit 0
fi
diff -u "$golden" "$WORK/transcript" >&2 ||
    fail "show session answers differ from $golden"
echo PASS
