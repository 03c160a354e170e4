#!/usr/bin/env python3
"""sitegen's search index against Pagefind on the bench corpus: time, memory, files, and the bytes a cold
browser fetches for one query.

    python3 bench/search.py SITEGEN CORPUS [RUNS] [QUERY]

SITEGEN is a release binary; CORPUS the folder `python3 bench/generate.py --site-templates N CORPUS .` made
(its `sitegen/` site is used). Outputs go to $SEARCH_BENCH_OUT (default /dev/shm/sitegen-search-bench). Needs /usr/bin/time, `pip install pagefind-bin`, selenium, chromium. For each
run, alternating: sitegen's first build into an empty folder without search and with it (`search: true`
and a search page), and Pagefind over the first build's output. Medians of wall time, CPU time (user +
system) and peak memory, and sitegen's index phase (`--timings`). Then, in a new headless Chromium each time (cold cache), the
query typed into each search (sitegen's page, which shows 5 results; Pagefind's API with the first 5 results'
fragments, as its default UI loads them), and the bytes of every file of the search the server sent.
"""
import functools
import http.server
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def timed(command, cwd):
    """Wall seconds, peak MB, CPU seconds (user + system) and standard error of one run."""
    out = tempfile.mktemp()
    start = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", out] + command, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if result.returncode:
        sys.exit(f"failed: {command}\n{result.stderr}")
    peak, user, system = open(out).read().split()[-3:]
    os.unlink(out)
    return wall, int(peak) / 1024, float(user) + float(system), result.stderr


def browser():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


# Outputs on tmpfs by default: a disk that has just deleted 10,000 files makes creating them again slow.
OUT = os.environ.get("SEARCH_BENCH_OUT", "/dev/shm/sitegen-search-bench")
SERVED = []


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Records the path and body size of every file it serves: what the browser fetched, workers' requests
    included (a page's performance entries do not list what Pagefind's worker fetches)."""

    def copyfile(self, source, outputfile):
        before = source.tell()
        super().copyfile(source, outputfile)
        SERVED.append((self.path, source.tell() - before))

    def log_message(self, *args):
        pass


def fetched(url, script, wanted):
    """Bytes of the files served whose path contains one of `wanted`, after `script` ran (cold browser)."""
    SERVED.clear()
    driver = browser()
    try:
        driver.get(url)
        driver.set_script_timeout(60)
        driver.execute_async_script(script)
        time.sleep(0.5)
    finally:
        driver.quit()
    entries = [(name, size) for name, size in SERVED if any(w in name for w in wanted)]
    if os.environ.get("VERBOSE"):
        for name, size in entries:
            print(f"  {size:8d} {name}")
    return sum(size for _, size in entries), len(entries)


def main():
    sitegen, corpus = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    query = sys.argv[4] if len(sys.argv) > 4 else "embassy treaty"
    site = os.path.join(corpus, "sitegen")
    with_search = os.path.join(corpus, "sitegen-search")
    shutil.rmtree(with_search, ignore_errors=True)
    shutil.copytree(site, with_search, ignore=shutil.ignore_patterns("public", ".public.sitegen-inputs", ".public.sitegen-parsed", ".public.sitegen-search"))
    with open(os.path.join(with_search, "content", "site.yaml"), "a") as f:
        f.write("search: true\n")
    with open(os.path.join(with_search, "content", "search.md"), "w") as f:
        f.write("---\ntitle: Search\nlayout: search\n---\n\nSearch needs JavaScript.\n")
    rows = {"plain": [], "search": [], "index": [], "pagefind": []}
    for run in range(runs):
        for name, folder in (("plain", site), ("search", with_search)):
            output = os.path.join(OUT, os.path.basename(folder))
            shutil.rmtree(output, ignore_errors=True)
            # A first build: without the last build's record, parses or search entries.
            for kept in (".sitegen-inputs", ".sitegen-parsed", ".sitegen-search"):
                if os.path.exists(os.path.join(OUT, "." + os.path.basename(folder) + kept)):
                    os.unlink(os.path.join(OUT, "." + os.path.basename(folder) + kept))
            wall, peak, cpu, err = timed([sitegen, "build", "--timings", "--output", output], folder)
            rows[name].append((wall, peak, cpu))
            if name == "search":
                rows["index"].append(float(re.search(r"index\s+([0-9.]+) s", err).group(1)))
        shutil.rmtree(os.path.join(OUT, "sitegen", "pagefind"), ignore_errors=True)
        wall, peak, cpu, _ = timed([sys.executable, "-m", "pagefind_bin", "--site", os.path.join(OUT, "sitegen")], site)
        rows["pagefind"].append((wall, peak, cpu))
    median = lambda values: statistics.median(values)
    if not runs:
        timed([sitegen, "build", "--output", os.path.join(OUT, "sitegen-search")], with_search)
        return measure_bytes(site, with_search, query)
    plain = median(r[0] for r in rows["plain"])
    print(f"runs: {runs}, query: {query!r}, output in {OUT}")
    for label, name in (("sitegen first build, no search", "plain"), ("sitegen first build, search", "search"), ("Pagefind", "pagefind")):
        print(f"{label + ':':32s} wall {median(r[0] for r in rows[name]):.2f} s, CPU {median(r[2] for r in rows[name]):.2f} s, "
              f"peak {median(r[1] for r in rows[name]):.0f} MB")
    print(f"sitegen index phase (--timings): {median(rows['index']):.3f} s, {median(rows['index']) / plain:.1%} of the first build without search")
    count = lambda folder: sum(len(files) for _, _, files in os.walk(folder))
    size = lambda folder: sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(folder) for f in files)
    ours, theirs = os.path.join(OUT, "sitegen-search", "search-index"), os.path.join(OUT, "sitegen", "pagefind")
    print(f"files: sitegen {count(ours)} ({size(ours) / 1e6:.1f} MB), Pagefind {count(theirs)} ({size(theirs) / 1e6:.1f} MB)")
    measure_bytes(site, with_search, query)


def measure_bytes(site, with_search, query):

    serve = tempfile.mkdtemp()
    os.makedirs(os.path.join(serve, "sub"))
    os.symlink(os.path.join(OUT, "sitegen-search"), os.path.join(serve, "sub", "ours"))
    os.symlink(os.path.join(OUT, "sitegen"), os.path.join(serve, "sub", "theirs"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = functools.partial(CountingHandler, directory=serve)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{port}/sub/"
        ours_bytes = fetched(base + "ours/search/", """
            const done = arguments[arguments.length - 1];
            const box = document.getElementById('search-query');
            box.value = arguments[0] === undefined ? %r : %r; box.dispatchEvent(new Event('input'));
            const wait = () => document.querySelectorAll('.search-results li').length ? done() : setTimeout(wait, 50);
            wait();""" % (query, query), ["search-index/", "search.js"])
        theirs_bytes = fetched(base + "theirs/", """
            const done = arguments[arguments.length - 1];
            import('./pagefind/pagefind.js').then(async pagefind => {
              const search = await pagefind.search(%r);
              await Promise.all(search.results.slice(0, 5).map(r => r.data()));
              done();
            });""" % query, ["/pagefind/"])
    finally:
        server.shutdown()
        shutil.rmtree(serve, ignore_errors=True)
    print(f"bytes for {query!r}, cold: sitegen {ours_bytes[0] / 1024:.1f} KB in {ours_bytes[1]} files, "
          f"Pagefind {theirs_bytes[0] / 1024:.1f} KB in {theirs_bytes[1]} files")


if __name__ == "__main__":
    main()
