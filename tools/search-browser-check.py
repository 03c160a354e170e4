#!/usr/bin/env python3
"""The site's search in a real browser: headless Chromium (Debian's chromium and chromium-driver) via selenium.

    python3 tools/search-browser-check.py [PUBLIC]

Serves a copy of PUBLIC (default `public`) under a subpath with `python3 -m http.server`, types the queries
a reader would into the search page's box, keyboard only, and reads the results: the page meant is in the
top 3, the matched words are marked, the count is in the live region, every request stays on the site.
Then the same page without JavaScript (it says search needs it, and links to the timeline and the index),
and from file:// (script tags, no fetch). Exits 1 with the reasons otherwise.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

# (query, a part of the URL of the page meant, which must be among the first three results)
QUERIES = [
    ("Albright", "timeline/#1999-10-18-madeleine-albright-visit"),
    ("visa bond", "timeline/#2025-10-08-visa-bond-pilot"),
    ("coup", "-military-coup"),
    ("Keita", "timeline/#1961-09-12-modibo-keita-visit"),
    ("Keïta", "timeline/#1961-09-12-modibo-keita-visit"),
    ("Konare", "konare-working-visit"),
    ("MCC", "mcc-compact"),
    ("1960", "timeline/#1960-"),
    ("2012", "timeline/#2012-"),
    ("embassy", "embassy"),
    ("visits Albright", "madeleine-albright-visit"),
    ("Albri", "madeleine-albright-visit"),
    ("Dean", "ambassadors/john-gunther-dean/"),
]


def browser(javascript=True):
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def wait(condition, seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def results(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.search-results li')).map(li => ["
        "li.querySelector('a').href, li.innerText, li.querySelectorAll('mark').length])")


def search(driver, query):
    """Types the query into the box with the keyboard, and waits until the status names it."""
    box = driver.find_element(By.ID, "search-query")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    driver.execute_script("document.querySelector('[role=status]').textContent = ''")
    box.send_keys(query)
    wait(lambda: driver.execute_script("return document.querySelector('[role=status]').textContent") != "")
    return results(driver)


def main():
    public = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "public")
    problems = []
    serve = tempfile.mkdtemp()
    shutil.copytree(public, os.path.join(serve, "sub", "site"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", serve],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/sub/site/"
    driver = browser()
    try:
        wait(lambda: subprocess.run(["curl", "-sf", base], stdout=subprocess.DEVNULL).returncode == 0)
        # The header's box, keyboard only: it leads to the search page with the query.
        driver.get(base + "history/")
        header_box = driver.find_element(By.ID, "site-search-query")
        header_box.send_keys("Albright", Keys.ENTER)
        if not wait(lambda: "/sub/site/search/" in driver.current_url and results(driver)):
            problems.append(f"the header's box did not lead to results: {driver.current_url}")
        driver.get(base + "search/")
        if driver.execute_script("return document.querySelector('.search-nojs').offsetHeight") != 0:
            problems.append("with JavaScript, the page still says that search needs it")
        for query, expected in QUERIES:
            found = search(driver, query)
            top = [href for href, _, _ in found[:3]]
            if not any(expected in href for href in top):
                problems.append(f"{query!r}: {expected!r} is not in the first three results: {top}")
            elif not any(marks for _, _, marks in found[:3]):
                problems.append(f"{query!r}: none of the first three results marks a word: {found[:3]!r}")
            print(f"{query!r}: {len(found)} shown; first: {top[:1]}")
        status = driver.execute_script("const s = document.querySelector('[role=status]'); return [s.getAttribute('aria-live'), s.textContent]")
        if status[0] != "polite" or "result" not in status[1]:
            problems.append(f"the count is not in a live region: {status}")
        # Keyboard only: from the box, Tab (past the button) reaches the first result, Enter follows it.
        search(driver, "Albright")
        for _ in range(2):
            driver.switch_to.active_element.send_keys(Keys.TAB)
        if "albright" not in (driver.switch_to.active_element.get_attribute("href") or ""):
            problems.append("Tab from the box does not reach the first result")
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        if not wait(lambda: driver.current_url.endswith("timeline/#1999-10-18-madeleine-albright-visit")):
            problems.append(f"Enter on the first result did not open its row: {driver.current_url}")
        # Every request went to this site.
        driver.get(base + "search/?q=visa+bond")
        wait(lambda: results(driver))
        hosts = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        others = [name for name in hosts if urlparse(name).netloc != f"127.0.0.1:{port}"]
        if others:
            problems.append(f"requests to other hosts: {others}")
        # From file://: the script tags load the index there too.
        driver.get("file://" + os.path.join(public, "search", "index.html") + "?q=Albright")
        if not wait(lambda: results(driver)) or "albright" not in results(driver)[0][0]:
            problems.append("from file://, 'Albright' finds nothing")
    finally:
        driver.quit()
    # Without JavaScript, the page says so and links to the timeline and the index.
    driver = browser(javascript=False)
    try:
        driver.get(base + "search/?q=Albright")
        text = driver.find_element(By.TAG_NAME, "main").text
        links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main .search-nojs a")]
        if "JavaScript" not in text or not any(l.endswith("/timeline/") for l in links) or not any(l.endswith("/ambassadors/") for l in links):
            problems.append(f"without JavaScript, the page does not say search needs it with its links: {text!r} {links}")
    finally:
        driver.quit()
        server.terminate()
        shutil.rmtree(serve, ignore_errors=True)
    for problem in problems:
        print("search:", problem)
    print(f"search: {len(QUERIES)} queries, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
