#!/usr/bin/env python3
"""The served site equals a fresh build, byte for byte: every file of BUILD_DIR fetched from
the running `aimsbook serve` at HOST:PORT, HTML pages with the live-reload tag the server adds
taken out again. Prints one line; exits 1 on the first differences (lists up to 10).

    benches/serve_exact.py 127.0.0.1:PORT BUILD_DIR
"""
import os
import sys
import urllib.parse
import urllib.request

LIVE_TAG = b'<script src="/__aimsbook/live.js"></script>'


def served(host, rel):
    url = f"http://{host}/" + urllib.parse.quote(rel)
    with urllib.request.urlopen(url) as r:
        return r.read()


def without_live_tag(body):
    # serve inserts the tag (and a newline) before the last </body>, or appends it.
    at = body.rfind(LIVE_TAG)
    if at < 0:
        return body
    end = at + len(LIVE_TAG)
    if body[end:end + 1] == b"\n":
        end += 1
    return body[:at] + body[end:]


def main():
    host, root = sys.argv[1], sys.argv[2]
    files = sorted(
        os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")
        for d, _, fs in os.walk(root)
        for f in fs
        if not f.startswith(".aimsbook")
    )
    differ = []
    for rel in files:
        with open(os.path.join(root, rel), "rb") as fh:
            want = fh.read()
        try:
            got = served(host, rel)
        except Exception as e:  # a missing page is a difference too
            differ.append(f"{rel}: {e}")
            continue
        if rel.endswith(".html"):
            got = without_live_tag(got)
        if got != want:
            differ.append(f"{rel}: {len(got)} bytes served, {len(want)} built")
    if differ:
        print(f"serve ≠ build: {len(differ)} of {len(files)} files differ")
        for d in differ[:10]:
            print("  " + d)
        sys.exit(1)
    print(f"serve = build: all {len(files)} files identical")


if __name__ == "__main__":
    main()
