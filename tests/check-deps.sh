#!/bin/sh
# No loops between the daemon's files (issue 12): scripts/check-deps
# reads the built objects' symbols (nm) and fails on a cycle of files
# calling each other, or on an entry of scripts/check-deps.allow that is
# no longer needed.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
command -v nm >/dev/null 2>&1 || { echo "SKIP: no nm"; exit 77; }
exec "${PYTHON3:-python3}" "$top_srcdir/scripts/check-deps" \
    "$top_builddir/daemon" "$top_srcdir/scripts/check-deps.allow"
