#!/usr/bin/env python3
"""SRC DST: an executable copy of the l2tpv3d binary SRC whose version
string is 9.9.9 instead of the build's, as a rebuilt newer version
would be (the graceful-restart tests upgrade into it)."""
import os
import sys

data = open(sys.argv[1], "rb").read()
old = b"0.1.0\0"
assert old in data, "no version string to change"
open(sys.argv[2], "wb").write(data.replace(old, b"9.9.9\0"))
os.chmod(sys.argv[2], 0o755)
