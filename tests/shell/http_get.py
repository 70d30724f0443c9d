#!/usr/bin/env python3
"""http_get.py URL [METHOD]: print the status, the Content-Type and the
body of one HTTP request (python's http.client; no proxy)."""
import http.client
import sys
import urllib.parse


def main():
    url = urllib.parse.urlsplit(sys.argv[1])
    method = sys.argv[2] if len(sys.argv) > 2 else "GET"
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    c.request(method, url.path or "/")
    r = c.getresponse()
    body = r.read().decode("utf-8", "replace")
    sys.stdout.write("%d\n%s\n%s" % (r.status, r.getheader("Content-Type"),
                                     body))


if __name__ == "__main__":
    main()
