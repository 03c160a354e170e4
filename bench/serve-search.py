#!/usr/bin/env python3
"""What the search index adds to `sitegen serve`'s rebuild after a page edit: the same edits on the same
site without search and with it (`search: true` and a search page), the servers alternating.

    python3 bench/serve-search.py SITEGEN CORPUS [ROUNDS] [EDITS]

CORPUS is a folder made by `python3 bench/generate.py --site-templates N CORPUS .`; its `sitegen/` site is
copied to `sitegen-search/` with search on (as bench/search.py does). For each round and each site: a
server is started, then EDITS times a sentence is appended to a page (a different page each time) and the
page is asked for every 2 ms until it shows the sentence (the time from the write's return to that
answer), and the server's own figure for the rebuild (`--timings`) is read. After the edits of the site
with search, the index is checked: the edit's number is in the shard the reader's script would load.
Edited pages are restored. Medians and maxima over all rounds.
"""
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(connection, path):
    connection.request("GET", path, headers={"Cache-Control": "no-cache"})
    response = connection.getresponse()
    return response.status, response.read()


def search_site(corpus):
    site, with_search = os.path.join(corpus, "sitegen"), os.path.join(corpus, "sitegen-search")
    shutil.rmtree(with_search, ignore_errors=True)
    shutil.copytree(site, with_search, ignore=shutil.ignore_patterns("public", ".public.sitegen-inputs", ".public.sitegen-parsed", ".public.sitegen-search"))
    with open(os.path.join(with_search, "content", "site.yaml"), "a") as f:
        f.write("search: true\n")
    with open(os.path.join(with_search, "content", "search.md"), "w") as f:
        f.write("---\ntitle: Search\nlayout: search\n---\n\nSearch needs JavaScript.\n")
    return site, with_search


def session(sitegen, root, edits, first_page, label):
    """Edits `edits` pages of one server; (latencies ms, server rebuild ms, whether the index had each edit)."""
    port = free_port()
    process = subprocess.Popen([sitegen, "serve", "--timings", "--port", str(port)], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    reader = threading.Thread(target=lambda: [lines.append(line) for line in process.stdout], daemon=True)
    reader.start()
    originals = {}
    latencies, rebuilds, indexed = [], [], []
    try:
        began = time.monotonic()
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                if get(connection, "/")[0] == 200:
                    break
            except (ConnectionError, OSError, http.client.HTTPException):
                pass
            if process.poll() is not None or time.monotonic() - began > 120:
                raise SystemExit(f"{label}: the server did not start\n{''.join(lines)}")
            time.sleep(0.01)
        for run in range(edits):
            page = first_page + 37 * run
            section = page % 10
            source = os.path.join(root, "content", f"part-{section}", f"page-{page:05d}.md")
            originals.setdefault(source, open(source, encoding="utf-8").read())
            number = 900_000_000 + page * 1000 + run
            marker = f"Marker {number}."
            seen = len(lines)
            with open(source, "a", encoding="utf-8") as f:
                f.write(f"\n{marker}\n")
            written = time.monotonic()
            target = f"/part-{section}/page-{page:05d}/"
            while True:
                status, body = get(connection, target)
                if status == 200 and marker.encode() in body:
                    break
                if time.monotonic() - written > 30:
                    raise SystemExit(f"{label}: edit {run} not visible after 30 s")
                time.sleep(0.002)
            latencies.append((time.monotonic() - written) * 1000)
            # The server's line for this rebuild.
            while not any("rebuilt in" in line for line in lines[seen:]):
                time.sleep(0.005)
            line = next(line for line in lines[seen:] if "rebuilt in" in line)
            rebuilds.append(float(re.search(r"rebuilt in (\d+) ms", line).group(1)))
            if label == "with search":
                indexed.append(in_index(connection, str(number)))
            time.sleep(0.3)  # an editor's pace
    finally:
        process.terminate()
        process.wait()
        for source, text in originals.items():
            with open(source, "w", encoding="utf-8") as f:
                f.write(text)
    return latencies, rebuilds, indexed, [line for line in lines if "built in" in line]


def in_index(connection, term):
    """Whether the index as served has `term`, looked up as the reader's script does: the head's longest
    shard name that begins the term."""
    head = get(connection, "/search-index/head.js")[1].decode()
    keys = re.search(r'"shards":\[(.*?)\]', head).group(1).replace('"', "").split(",")
    key = max((k for k in keys if term.startswith(k)), key=len, default=None)
    if key is None:
        return False
    return f'"{term}":' in get(connection, f"/search-index/t/{key}.js")[1].decode()


def main():
    sitegen, corpus = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    edits = int(sys.argv[4]) if len(sys.argv) > 4 else 11
    plain, with_search = search_site(corpus)
    results = {"without search": ([], []), "with search": ([], [])}
    checks = []
    for round in range(rounds):
        for label, root in (("without search", plain), ("with search", with_search)):
            latencies, rebuilds, indexed, log = session(sitegen, root, edits, 7 + round * 1000, label)
            results[label][0].extend(latencies)
            results[label][1].extend(rebuilds)
            checks.extend(indexed)
            if os.environ.get("VERBOSE"):
                print("".join(log[-3:]), end="")
    print(f"rounds: {rounds}, edits each: {edits}")
    for label, (latencies, rebuilds) in results.items():
        print(f"{label + ':':16s} edit visible median {statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms; "
              f"server's rebuild median {statistics.median(rebuilds):.0f} ms, max {max(rebuilds):.0f} ms")
    print(f"the edit's number in the served index: {sum(checks)} of {len(checks)} edits")


if __name__ == "__main__":
    main()
