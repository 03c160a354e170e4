#!/usr/bin/env python3
"""Every page of a built site through axe-core in headless Chromium, at 1280 px, at 360 px and in dark mode.

    python3 tools/axe-check.py AXE_MIN_JS URL PAGE...

AXE_MIN_JS is axe-core's `axe.min.js` (it ships inside PyPI packages such as axe-playwright-python); URL is
where the site is served; each PAGE is a path below it (`history/`). Rule tags: wcag2a, wcag2aa, wcag21a,
wcag21aa, wcag22aa and best-practice. A page with a search box (`[data-search]`) is checked again showing
the results of a query. Prints every violation with its nodes and exits 1 if there is any.
"""
import json
import shutil
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

# What a search page is given for its second check: words that many pages have, so that results show.
SEARCH_QUERY = "visit+embassy"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def main():
    axe_source = open(sys.argv[1], encoding="utf-8").read()
    base, pages = sys.argv[2].rstrip("/") + "/", sys.argv[3:]
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    failures = 0
    try:
        for label, width, scheme in (("1280 px", 1280, "light"), ("360 px", 360, "light"), ("dark, 1280 px", 1280, "dark")):
            driver.set_window_size(width, 900)
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            for page in pages:
                driver.get(base + page)
                states = [page]
                # A search page is checked a second time showing results, with the words found marked.
                if driver.execute_script("return !!document.querySelector('[data-search]')"):
                    states.append(page + "?q=" + SEARCH_QUERY)
                for state in states:
                    if state != page:
                        driver.get(base + state)
                        driver.execute_async_script(
                            "const done = arguments[arguments.length - 1], end = Date.now() + 10000;"
                            "const wait = () => document.querySelector('.search-results li') || Date.now() > end ? done() : setTimeout(wait, 50); wait();")
                    driver.execute_script(axe_source)
                    result = driver.execute_async_script(
                        "const done = arguments[arguments.length - 1];"
                        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));",
                        TAGS)
                    for violation in json.loads(result):
                        failures += 1
                        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                        print(f"{label} {state}: {violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: {targets})")
    finally:
        driver.quit()
    print(f"axe-core: {failures} violations on {len(pages)} pages at 1280 px, 360 px and in dark mode")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
