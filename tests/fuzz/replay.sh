#!/bin/sh
# Every seed and every saved crash reproducer through every fuzz target,
# built as plain programs: the corpus is a regression test.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
corpus=$top_srcdir/tests/fuzz/corpus
status=0
for t in ctrl data reliable tunnel session cmd config handover; do
	bin=$top_builddir/tests/fuzz/replay_$t
	if [ ! -x "$bin" ]; then
		echo "replay.sh: $bin not built" >&2
		exit 1
	fi
	echo "replay_$t over $corpus/$t"
	"$bin" "$corpus/$t" || status=1
done
exit $status
