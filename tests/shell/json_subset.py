#!/usr/bin/env python3
"""Is a JSON document a superset of an expected one?  (FRR topotests.)

    json_subset.py EXPECTED-JSON < ACTUAL

Every key of an expected object must be in the actual object with a
matching value (recursively); an expected null means the key must be
absent; an expected list must match the actual list element by element
(the actual one may be longer).  Exit 0 on a match, 1 with the first
difference on stderr otherwise.
"""
import json
import sys


def diff(want, got, path="$"):
    """The first difference, or None."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{path}: want an object, got {json.dumps(got)}"
        for key, value in want.items():
            if value is None:
                if key in got:
                    return f"{path}.{key}: must be absent"
                continue
            if key not in got:
                return f"{path}.{key}: missing"
            d = diff(value, got[key], f"{path}.{key}")
            if d:
                return d
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) < len(want):
            return f"{path}: want a list of at least {len(want)}"
        for i, value in enumerate(want):
            d = diff(value, got[i], f"{path}[{i}]")
            if d:
                return d
        return None
    if want != got:
        return f"{path}: want {json.dumps(want)}, got {json.dumps(got)}"
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    want = json.loads(sys.argv[1])
    try:
        got = json.loads(sys.stdin.read())
    except ValueError as e:
        print(f"not JSON: {e}", file=sys.stderr)
        return 1
    d = diff(want, got)
    if d:
        print(d, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
