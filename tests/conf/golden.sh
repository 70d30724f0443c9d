#!/bin/sh
# Configuration golden tests, in the manner of OpenBSD's bgpd regress:
#  - cases/NAME.conf with NAME.ok: the normalised output equals NAME.ok,
#    and that output loads again to the very same output (round trip);
#  - cases/bad-NAME.conf with bad-NAME.err: loading fails and the message
#    (file, line, option, reason) is exactly bad-NAME.err;
#  - cases/NAME.set: what the file set, as `show running-config` and
#    `write memory` print it (config_print_flags without CONF_PRINT_ALL);
#    loading that gives the same full output (derived values such as the
#    MTU are recomputed the same) and the same .set again;
#  - every example in conf/ loads and round-trips.
# The loader is tests/conf/conftest (config_load + config_print only).  When
# the daemon is built, `l2tpv3d -n -c FILE` must agree with it: the same
# output for good files, a failure naming the same error for bad ones.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
cases=$top_srcdir/tests/conf/cases
conftest=$top_builddir/tests/conf/conftest
daemon=$top_builddir/daemon/l2tpv3d

if [ ! -x "$conftest" ]; then
	echo "golden: $conftest is not built" >&2
	exit 99
fi
[ -x "$daemon" ] || daemon=

tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0

fail()
{
	echo "FAIL: $1"
	fails=$((fails + 1))
}

pass()
{
	passes=$((passes + 1))
}

# $1: directory, $2: file name in it.  Loads, prints, reloads the printed
# form; sets $out to the first output.
roundtrip()
{
	dir=$1 f=$2 out=$tmp/$2.out
	if ! (cd "$dir" && "$conftest" "$f") >"$out" 2>"$tmp/err"; then
		fail "$f does not load: $(cat "$tmp/err")"
		return 1
	fi
	if ! "$conftest" "$out" >"$tmp/again" 2>"$tmp/err"; then
		fail "$f: the printed configuration does not load: $(cat "$tmp/err")"
		return 1
	fi
	if ! cmp -s "$out" "$tmp/again"; then
		fail "$f: printing the printed configuration changes it"
		diff -u "$out" "$tmp/again"
		return 1
	fi
	if [ -n "$daemon" ]; then
		if ! (cd "$dir" && "$daemon" -n -c "$f") >"$tmp/daemon.out" 2>"$tmp/err"; then
			fail "$f: l2tpv3d -n rejects it: $(cat "$tmp/err")"
			return 1
		fi
		if ! cmp -s "$out" "$tmp/daemon.out"; then
			fail "$f: l2tpv3d -n prints something else than config_print"
			diff -u "$out" "$tmp/daemon.out"
			return 1
		fi
	fi
	return 0
}

# $1: directory, $2: case name.  The operator's form: equal to NAME.set,
# and loading it gives the same full form ($out) and the same set form.
setform()
{
	if [ ! -f "$1/$2.set" ]; then
		fail "$2: no $2.set"
		return 1
	fi
	if ! (cd "$1" && "$conftest" -s "$2.conf") >"$tmp/set" 2>"$tmp/err"; then
		fail "$2: conftest -s fails: $(cat "$tmp/err")"
		return 1
	fi
	if ! cmp -s "$1/$2.set" "$tmp/set"; then
		fail "$2: the set form differs from $2.set"
		diff -u "$1/$2.set" "$tmp/set"
		return 1
	fi
	if ! "$conftest" "$tmp/set" >"$tmp/set.all" 2>"$tmp/err" ||
	    ! cmp -s "$out" "$tmp/set.all"; then
		fail "$2: the set form loads to something else: $(cat "$tmp/err")"
		diff -u "$out" "$tmp/set.all"
		return 1
	fi
	if ! "$conftest" -s "$tmp/set" >"$tmp/set.again" ||
	    ! cmp -s "$tmp/set" "$tmp/set.again"; then
		fail "$2: printing the set form changes it"
		return 1
	fi
	return 0
}

for conf in "$cases"/*.conf; do
	name=$(basename "$conf" .conf)
	case $name in
	bad-*)
		want=$cases/$name.err
		if [ ! -f "$want" ]; then
			fail "$name: no $name.err"
			continue
		fi
		if (cd "$cases" && "$conftest" "$name.conf") >/dev/null 2>"$tmp/err"; then
			fail "$name: loaded, but must be refused with: $(cat "$want")"
			continue
		fi
		if ! cmp -s "$want" "$tmp/err"; then
			fail "$name: wrong message"
			diff -u "$want" "$tmp/err"
			continue
		fi
		if [ -n "$daemon" ]; then
			if (cd "$cases" && "$daemon" -n -c "$name.conf") >/dev/null 2>"$tmp/err"; then
				fail "$name: l2tpv3d -n accepts it"
				continue
			fi
			if ! grep -qF "$(cat "$want")" "$tmp/err"; then
				fail "$name: l2tpv3d -n says something else"
				diff -u "$want" "$tmp/err"
				continue
			fi
		fi
		pass
		;;
	*)
		want=$cases/$name.ok
		if [ ! -f "$want" ]; then
			fail "$name: no $name.ok"
			continue
		fi
		roundtrip "$cases" "$name.conf" || continue
		if ! cmp -s "$want" "$out"; then
			fail "$name: output differs from $name.ok"
			diff -u "$want" "$out"
			continue
		fi
		setform "$cases" "$name" || continue
		pass
		;;
	esac
done

# Every .ok and .err must belong to a case, so none is silently skipped.
for f in "$cases"/*.ok "$cases"/*.set "$cases"/*.err; do
	[ -f "${f%.*}.conf" ] || fail "$(basename "$f") has no .conf"
done

# The shipped examples.
nexamples=0
for conf in "$top_srcdir"/conf/*.conf; do
	[ -f "$conf" ] || continue
	nexamples=$((nexamples + 1))
	roundtrip "$(dirname "$conf")" "$(basename "$conf")" && pass
done
[ "$nexamples" -ge 5 ] || fail "expected at least 5 examples in conf/, found $nexamples"

echo "golden: $passes passed, $fails failed${daemon:+ (also checked l2tpv3d -n)}"
[ "$fails" -eq 0 ]
