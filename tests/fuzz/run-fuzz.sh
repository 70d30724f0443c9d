#!/bin/sh
# Fuzzing build only: run each libFuzzer target for a bounded time over a
# copy of the seed corpus (the committed seeds stay as they are), with the
# dictionary where it applies.  Any crash, leak or broken invariant fails
# the test and leaves the input that triggered it next to the log.
#   FUZZ_SECONDS  time per target (default: 110 s in all, CI time being
#                 limited: the codec's ctrl 20, data 10, the hand-over
#                 state's 10, the others 14)
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
work=$(mktemp -d "${TMPDIR:-/tmp}/l2tp-fuzz.XXXXXX") || exit 1
keep=0
cleanup() { [ $keep -eq 1 ] || rm -rf "$work"; }
trap cleanup EXIT

status=0
for t in ctrl data reliable tunnel session cmd config handover; do
	bin=$top_builddir/tests/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "run-fuzz.sh: $bin not built (configure --enable-fuzzing)" >&2
		exit 1
	fi
	case $t in
	ctrl) seconds=${FUZZ_SECONDS:-20} ;;
	data | handover) seconds=${FUZZ_SECONDS:-10} ;;
	*) seconds=${FUZZ_SECONDS:-14} ;;
	esac
	# The L2TP dictionary is for the targets that read datagrams.
	case $t in
	ctrl | data | tunnel | session) dict=-dict=$top_srcdir/tests/fuzz/l2tp.dict ;;
	*) dict= ;;
	esac
	mkdir -p "$work/$t/corpus" "$work/$t/crash"
	cp "$top_srcdir/tests/fuzz/corpus/$t/"* "$work/$t/corpus/"
	echo "fuzz_$t: ${seconds}s over $(ls "$work/$t/corpus" | wc -l) seeds"
	if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	    ${dict:+"$dict"} \
	    -artifact_prefix="$work/$t/crash/" -print_final_stats=1 \
	    "$work/$t/corpus" >"$work/$t/log" 2>&1; then
		echo "fuzz_$t FAILED; log and reproducer kept in $work/$t" >&2
		tail -40 "$work/$t/log" >&2
		for f in "$work/$t/crash/"*; do
			[ -f "$f" ] && od -A x -t x1z "$f" | head -20 >&2
		done
		keep=1
		status=1
	else
		grep -E '^stat::number_of_executed_units|^Done' "$work/$t/log"
	fi
done
exit $status
