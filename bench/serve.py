#!/usr/bin/env python3
"""The editor's loop, measured: `sitegen serve` against `hugo server` on the same generated site.

    python3 bench/serve.py SITE [EDITS]         # SITE made by bench/generate.py --site-templates N SITE .
    python3 bench/serve.py --rebuilds 1000 SITE # sitegen's memory after 10 and after 1,000 rebuilds
    python3 bench/serve.py --rebuilds 1000 --template-every 10 SITE

For each server: the time from starting it to its first answer over HTTP (ready), its resident memory
then and after the edits (VmRSS, and VmHWM for the peak), and the edit latency: a sentence appended to one
page (a different page each time, in a different section), then the page asked for every 2 ms until it
shows the sentence; the time from the write's return to that answer. Medians and 95th percentiles.
Needs hugo (Debian package) and the release build of sitegen (swift build -c release).
"""
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITEGEN = os.path.join(PROJECT, ".build", "release", "sitegen")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(pid):
    """Resident and peak resident memory in MB, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def get(connection, path):
    connection.request("GET", path, headers={"Cache-Control": "no-cache"})
    response = connection.getresponse()
    return response.status, response.read()


def start(command, cwd, port):
    """Starts a server; returns it and the seconds until it first answers GET / with 200."""
    began = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, _ = get(connection, "/")
            if status == 200:
                return process, time.monotonic() - began, connection
        except (ConnectionError, OSError, http.client.HTTPException):
            pass
        if process.poll() is not None:
            raise SystemExit(f"{command[0]} ended before it served anything")
        time.sleep(0.002)


def edit_latencies(connection, content, url_of, edits, label):
    """Appends a marker to a page and waits for it over HTTP; the delays in milliseconds."""
    delays = []
    for run in range(edits):
        page = 7 + 37 * run
        section = page % 10
        source = os.path.join(content, f"part-{section}", f"page-{page:05d}.md")
        marker = f"Marker {label} {run} {time.time_ns()}."
        with open(source, "a", encoding="utf-8") as f:
            f.write(f"\n{marker}\n")
        written = time.monotonic()
        target = url_of(section, page)
        while True:
            status, body = get(connection, target)
            if status == 200 and marker.encode() in body:
                break
            if time.monotonic() - written > 30:
                raise SystemExit(f"{label}: edit {run} not visible after 30 s ({target}, status {status})")
            time.sleep(0.002)
        delays.append((time.monotonic() - written) * 1000)
        time.sleep(0.3)  # an editor's pace: the next save comes later
    return delays


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(name, command, root, edits):
    """Starts one server in `root` (its port appended by `command`), then edits; what was measured."""
    port = free_port()
    process, ready, connection = start(command(port), root, port)
    try:
        rss, _ = memory(process.pid)
        delays = edit_latencies(connection, os.path.join(root, "content"),
                                lambda section, page: f"/part-{section}/page-{page:05d}/", edits, name)
        after, peak = memory(process.pid)
    finally:
        process.terminate()
        process.wait()
    return ready, rss, after, peak, delays


def measure_sitegen(site, edits):
    return measure("sitegen", lambda port: [SITEGEN, "serve", "--port", str(port)], os.path.join(site, "sitegen"), edits)


def measure_hugo(site, edits):
    return measure("hugo", lambda port: ["hugo", "server", "--port", str(port), "--bind", "127.0.0.1", "--disableLiveReload",
                                         "--baseURL", f"http://127.0.0.1:{port}/", "--appendPort=false"],
                   os.path.join(site, "hugo"), edits)


def rebuilds(site, count, template_every=20):
    """sitegen's resident memory after 10 rebuilds and after `count`, each an edit seen over HTTP: mostly a
    page's text (a quick rebuild), every `template_every`th the footer template and every 50th a page's
    title (a full render of every page)."""
    port = free_port()
    root = os.path.join(site, "sitegen")
    process, _, connection = start([SITEGEN, "serve", "--port", str(port)], root, port)
    source = os.path.join(root, "content", "part-3", "page-00003.md")
    footer = os.path.join(root, "templates", "footer.mustache")
    original, original_footer = open(source, encoding="utf-8").read(), open(footer, encoding="utf-8").read()
    readings = {}
    try:
        for run in range(1, count + 1):
            marker = f"Rebuild {run}."
            if run % template_every == 0:
                with open(footer, "w", encoding="utf-8") as f:
                    f.write(original_footer.replace("</footer>", f"<p>{marker}</p></footer>"))
            elif run % 50 == 25:
                with open(source, "w", encoding="utf-8") as f:
                    f.write(original.replace("title: ", f"title: {marker} ", 1))
            else:
                with open(source, "w", encoding="utf-8") as f:
                    f.write(original + f"\n{marker}\n")
            while marker.encode() not in get(connection, "/part-3/page-00003/")[1]:
                time.sleep(0.001)
            if run in (10, 100, count):
                readings[run] = memory(process.pid)[0]
                print(f"after {run} rebuilds: {readings[run]:.1f} MB resident", flush=True)
    finally:
        process.terminate()
        process.wait()
        with open(source, "w", encoding="utf-8") as f:
            f.write(original)
        with open(footer, "w", encoding="utf-8") as f:
            f.write(original_footer)
    print(f"ratio {count} / 10: {readings[count] / readings[10]:.3f}")


def main():
    args = sys.argv[1:]
    if args and args[0] == "--rebuilds":
        # --rebuilds COUNT [--template-every K] SITE
        every = int(args[3]) if len(args) > 4 and args[2] == "--template-every" else 20
        rebuilds(args[-1], int(args[1]), every)
        return
    site, edits = args[0], int(args[1]) if len(args) > 1 else 21
    results = {"sitegen": measure_sitegen(site, edits), "hugo": measure_hugo(site, edits)}
    print("| server | ready s | memory when ready MB | memory after edits MB | peak MB | edit visible median ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (ready, rss, after, peak, delays) in results.items():
        print(f"| {name} | {ready:.2f} | {rss:.0f} | {after:.0f} | {peak:.0f} | {statistics.median(delays):.1f} | {percentile(delays, 0.95):.1f} |")
    s, h = results["sitegen"], results["hugo"]
    print(f"\nratios sitegen / hugo: ready {s[0] / h[0]:.3f}, memory after edits {s[2] / h[2]:.3f}, peak memory {s[3] / h[3]:.3f}, "
          f"edit median {statistics.median(s[4]) / statistics.median(h[4]):.3f}")


if __name__ == "__main__":
    main()
