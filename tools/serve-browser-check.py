#!/usr/bin/env python3
"""`sitegen serve` in a real browser: headless Chromium (Debian's chromium and chromium-driver) via selenium.

    python3 tools/serve-browser-check.py [SITEGEN]

In a copy of the project's site: a page reloads by itself after its source is saved, and only after the
new version is served; a broken edit shows the errors over the page (also with JavaScript off), and the
fix takes them away; a stylesheet edit is swapped in without a reload; 20 pages opened one after another
in one tab, and 20 tabs each with a page, all load within 2 s (live reload holds no connection the
browser counts against its six per host, and a page in the back/forward cache holds none); a page
restored from that cache hears of later edits. Exits 1 with the reason otherwise.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def browser(javascript=True):
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def wait(what, condition, seconds=15):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise SystemExit(f"FAILED: {what}")


def main():
    sitegen = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(PROJECT, ".build", "release", "sitegen"))
    work = tempfile.mkdtemp(prefix="sitegen-serve-browser-")
    for folder in ("content", "templates"):
        shutil.copytree(os.path.join(PROJECT, folder), os.path.join(work, folder))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sitegen, "serve", "--port", str(port)], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    page_source = os.path.join(work, "content", "about.md")
    original = open(page_source, encoding="utf-8").read()
    driver = None
    try:
        line = server.stdout.readline()
        while "serving http" not in line:
            if not line:
                raise SystemExit("FAILED: sitegen serve did not start")
            line = server.stdout.readline()
        url = f"http://127.0.0.1:{port}/about/"
        driver = browser()
        driver.get(url)
        wait("the page loads", lambda: "About" in driver.title)
        # A mark on the page as loaded: a reload makes a new window object without it.
        driver.execute_script("window.sitegenMark = 'before';")

        with open(page_source, "w", encoding="utf-8") as f:
            f.write(original + "\nA sentence saved while the browser watches.\n")
        wait("the page reloads by itself after an edit",
             lambda: driver.execute_script("return window.sitegenMark === undefined && document.body.innerText.includes('A sentence saved while the browser watches.')"))
        print("ok: the page reloaded by itself with the edit")

        with open(page_source, "w", encoding="utf-8") as f:
            f.write(original + "\nA [broken link](no-such-page.md).\n")
        wait("the errors show over the page after a broken edit",
             lambda: driver.execute_script("const e = document.getElementById('sitegen-errors'); return !!e && e.offsetHeight > 0 && e.innerText.includes('no-such-page.md')"))
        print("ok: the errors show over the page")
        plain = browser(javascript=False)
        try:
            plain.get(url)
            overlay = plain.find_element("id", "sitegen-errors")
            if not overlay.is_displayed() or "error: link to no-such-page.md" not in overlay.text:
                raise SystemExit("FAILED: the errors do not show without JavaScript")
            print("ok: the errors show without JavaScript too")
        finally:
            plain.quit()

        with open(page_source, "w", encoding="utf-8") as f:
            f.write(original)
        wait("the errors go after the fix",
             lambda: driver.execute_script("return !document.getElementById('sitegen-errors') && document.readyState === 'complete'"))
        print("ok: the errors went with the fix")

        driver.execute_script("window.sitegenMark = 'kept';")
        style = os.path.join(work, "templates", "assets", "style.css")
        with open(style, "a", encoding="utf-8") as f:
            f.write("\nbody { outline: 3px solid rgb(1, 2, 3); }\n")
        wait("a stylesheet edit is swapped in without a reload",
             lambda: driver.execute_script("return getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'"))
        if driver.execute_script("return window.sitegenMark") != "kept":
            raise SystemExit("FAILED: the stylesheet edit reloaded the page")
        print("ok: the stylesheet was swapped in without a reload")

        many_pages(driver, port, page_source, original)
    finally:
        if driver:
            driver.quit()
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


def timed_get(driver, url):
    started = time.monotonic()
    driver.get(url)
    return time.monotonic() - started


def many_pages(driver, port, page_source, original):
    """An editor's browsing: 20 pages one after another in one tab, then 20 tabs; no load may wait."""
    base = f"http://127.0.0.1:{port}"
    driver.get(base + "/")
    links = driver.execute_script(
        "return [...new Set([...document.querySelectorAll('a[href]')].map((a) => a.href)"
        ".filter((href) => href.startsWith(location.origin + '/') && href.endsWith('/')))]")
    pages = (links * 20)[:20]
    if len(pages) < 20:
        raise SystemExit(f"FAILED: the home page links to too few pages ({len(links)})")
    driver.set_page_load_timeout(60)
    slowest = 0.0
    for url in pages:
        seconds = timed_get(driver, url)
        slowest = max(slowest, seconds)
        if seconds > 2:
            raise SystemExit(f"FAILED: page {url} took {seconds:.1f} s to load in one tab after others (live reload holding connections?)")
    print(f"ok: 20 pages one after another in one tab, the slowest in {slowest:.2f} s")

    # Back to a page kept in the back/forward cache (or loaded again): it still hears of edits.
    driver.get(base + "/about/")
    driver.get(pages[0])
    driver.back()
    wait("the page comes back", lambda: driver.current_url.endswith("/about/") and driver.execute_script("return document.readyState") == "complete")
    driver.execute_script("window.sitegenMark = 'back';")
    with open(page_source, "w", encoding="utf-8") as f:
        f.write(original + "\nA sentence saved after going back.\n")
    wait("a page restored by the back button reloads after an edit",
         lambda: driver.execute_script("return window.sitegenMark === undefined && document.body.innerText.includes('A sentence saved after going back.')"))
    with open(page_source, "w", encoding="utf-8") as f:
        f.write(original)
    print("ok: a page restored by the back button reloaded after an edit")

    first = driver.current_window_handle
    slowest = 0.0
    for url in pages:
        driver.switch_to.new_window("tab")
        seconds = timed_get(driver, url)
        slowest = max(slowest, seconds)
        if seconds > 2:
            raise SystemExit(f"FAILED: page {url} took {seconds:.1f} s to load in a new tab beside others")
    print(f"ok: 20 tabs, each page loaded, the slowest in {slowest:.2f} s")
    # Every tab still hears of edits: the last one reloads after an edit to its own page's source.
    driver.execute_script("window.sitegenMark = 'tab';")
    with open(page_source, "w", encoding="utf-8") as f:
        f.write(original + "\nA sentence saved with 21 tabs open.\n")
    driver.get(base + "/about/")
    driver.execute_script("window.sitegenMark = 'tab';")
    with open(page_source, "w", encoding="utf-8") as f:
        f.write(original + "\nA second sentence saved with 21 tabs open.\n")
    wait("a page in the 21st tab reloads after an edit",
         lambda: driver.execute_script("return window.sitegenMark === undefined && document.body.innerText.includes('A second sentence saved with 21 tabs open.')"))
    with open(page_source, "w", encoding="utf-8") as f:
        f.write(original)
    print("ok: with 21 tabs open, a page still reloaded after an edit")
    for handle in driver.window_handles:
        if handle != first:
            driver.switch_to.window(handle)
            driver.close()
    driver.switch_to.window(first)


if __name__ == "__main__":
    main()
