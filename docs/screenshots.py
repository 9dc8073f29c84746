"""Screenshots of the main pages from the running demo.

    .venv/bin/python manage.py demo &          # serves the demo on 127.0.0.1:8000
    .venv/bin/python docs/screenshots.py        # writes docs/*.png

Uses Debian's Chromium (/usr/bin/chromium) through Playwright; no browser download.
"""

import sys
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).parent
# (who signs in, where they go, the file's name, and optionally a link to follow from there)
PAGES = [
    ("agent2@attune.example", "/plan/", "agent-my-plan", None),
    ("manager@attune.example", "/cohorts/1/", "manager-cohort", None),
    ("hr@attune.example", "/insights/", "hr-insights", None),
    ("coach@attune.example", "/reviews/2/", "coach-review", None),
    ("agent4@attune.example", "/plan/", "agent-feedback", None),
    ("manager@attune.example", "/cohorts/1/certification/", "manager-certification-queue", None),
    ("manager@attune.example", "/cohorts/new/", "manager-open-cohort", None),
    ("agent@attune.example", "/plan/", "agent-coaching", "Your coaching session"),
    ("agent2@attune.example", "/plan/", "badge-verify", "Share / verify"),
]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for email, path, name, link in PAGES:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{BASE}/accounts/login/")
            page.get_by_label("E-mail address").fill(email)
            page.get_by_label("Password").fill("attune-demo")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            page.goto(f"{BASE}{path}")
            if link:
                # Links may be absolute on the configured site URL: follow their path here.
                href = page.get_by_role("link", name=link).first.get_attribute("href")
                page.goto(f"{BASE}{urlparse(href).path}")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
