"""Browser tests: Playwright drives the system's Chromium (Debian's package) headless
against pytest-django's live server. No browser is downloaded."""

import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from cohorts import services
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import CohortFactory, ManagerFactory

CHROMIUM = os.environ.get("ATTUNE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = os.environ.get("ATTUNE_SCREENSHOTS")  # a folder: save the main pages there

# Playwright's sync API runs an event loop in this thread; the tests' own database calls
# happen outside it, so Django's guard against async-unsafe calls does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, live_server, email, password="pw"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def running_cohort():
    """A cohort on its third day, so the first module's week is under way."""
    facilitator = ManagerFactory(email="maya@example.com")
    cohort = CohortFactory(
        program=rollout_program(),
        name="Browser cohort",
        start_date=timezone.localdate() - datetime.timedelta(days=2),
        time_zone="UTC",
        facilitators=[facilitator],
    )
    enrol(cohort, 6)
    services.cohort_start(cohort=cohort, now=timezone.now() - datetime.timedelta(days=3))
    services.cohort_status_sweep()  # day 1 has come: scheduled -> running
    cohort.refresh_from_db()
    return cohort
