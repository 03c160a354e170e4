#!/usr/bin/env python3
"""`sitegen serve` in a real browser: headless Chromium (Debian's chromium and chromium-driver) via selenium.

    python3 tools/serve-browser-check.py [SITEGEN]

In a copy of the project's site: a page reloads by itself after its source is saved, and only after the
new version is served; a broken edit shows the errors over the page (also with JavaScript off), and the
fix takes them away; a stylesheet edit is swapped in without a reload. Exits 1 with the reason otherwise.
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
    finally:
        if driver:
            driver.quit()
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
