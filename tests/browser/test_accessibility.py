"""axe-core on every page each role can reach, at desktop and at phone width.

Each role signs in to the demo (the same data `manage.py demo` serves) and follows every
link Attune's pages offer it, breadth first, one page per URL shape (the first scorecard
stands for all of them). Every HTML page must have no serious or critical axe violation, and
at phone width the page itself must not scroll sideways (wide tables scroll inside their
own focusable region instead).
"""

import io
import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command

from certification import openbadges
from certification.models import BadgeAssertion
from tests.browser.accessibility import blocking_violations
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "manager": "manager@attune.example",
    "coach": "coach@attune.example",
    "hr": "hr@attune.example",
    "agent": "agent@attune.example",
}
SKIP = re.compile(
    r"^/(admin|api|api-auth|accounts/logout|static|media|oidc)(/|$)"
    r"|\.(csv|ics|png|svg|json)$|/calendar/|/export|/download|[?&]format="
)
MAX_PAGES = 110  # the manager reaches about 70 shapes; room for the pages to come
# Pages each role must reach from its start page by following links.
EXPECTED = {
    "anonymous": {"/accounts/login/", "/accounts/password_reset/"},
    "manager": {
        "/cohorts/", "/cohorts/N/", "/reviews/plans/N/", "/reviews/disputes/N/",
        "/calibration/", "/calibration/new/", "/calibration/N/results/", "/scorecard/N/",
        "/insights/", "/audit/", "/cohorts/new/", "/cohorts/N/certification/",
        "/cohorts/N/enrollments/N/withdraw/", "/cohorts/N/pairs/regenerate/",
        "/cohorts/N/schedule/N/move/", "/cohorts/N/schedule/resync/", "/role-plays/N/",
        "/experiments/", "/experiments/new/", "/experiments/N/", "/notifications/",
        "/measurement/", "/measurement/N/", "/wellbeing/", "/support/", "/support/manage/",
        "/support/manage/new/", "/support/manage/N/", "/wellbeing/exposure/",
        "/wellbeing/exposure/teams/", "/macros/", "/badge-links/", "/badge-links/N/revoke/",
        "/helpdesk/", "/helpdesk/N/",
    },
    "coach": {
        "/reviews/", "/reviews/N/", "/reviews/disputes/", "/calibration/", "/support/",
        "/macros/",
    },
    "hr": {
        "/insights/", "/notifications/", "/wellbeing/", "/support/",
        "/wellbeing/exposure/teams/",
    },
    "agent": {
        "/plan/", "/plan/coaching/N/", "/feedback/", "/scorecard/", "/notifications/",
        "/pulse/", "/journal/", "/journal/N/edit/", "/journal/N/delete/", "/debriefs/",
        "/support/", "/plan/badge-link/", "/badge-links/N/revoke/",
    },
}  # fmt: skip
# Hiring (docs/hiring.md): the demo opening's pages, for its manager and its interviewer.
EXPECTED["manager"] |= {
    "/hiring/", "/hiring/openings/N/", "/hiring/openings/N/comparison/", "/hiring/candidates/N/",
    "/hiring/interviews/N/",
}  # fmt: skip
EXPECTED["coach"] |= {"/hiring/", "/hiring/openings/N/", "/hiring/candidates/N/",
                      "/hiring/interviews/N/"}  # fmt: skip
EXPECTED["agent"] |= {"/hiring/starting-point/"}


def _shape(path: str) -> str:
    return re.sub(r"/\d+/", "/N/", path)


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        url, _ = urldefrag(href)
        parsed = urlparse(url)
        if f"{parsed.scheme}://{parsed.netloc}" != origin or SKIP.search(parsed.path):
            continue
        found.append(url)
    return found


def _crawl(page, live_server, starts):
    """Every page reachable from the start pages, by following links; the problems found."""
    origin = live_server.url
    queue, seen, problems, visited = deque(origin + s for s in starts), set(), [], []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        shape = _shape(urlparse(url).path) + ("?" if urlparse(url).query else "")
        if shape in seen:
            continue
        seen.add(shape)
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(page.url)
        if response.status >= 500:
            problems.append(f"{url}: HTTP {response.status}")
            continue
        problems += [f"{page.url}: {v}" for v in blocking_violations(page)]
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"{page.url}: the page scrolls sideways ({width[0]} > {width[1]})")
        queue.extend(_links(page, origin))
    return visited, problems


@pytest.fixture
def demo():
    call_command("demo", "--no-serve", stdout=io.StringIO())
    badge = BadgeAssertion.objects.get(recipient__email="agent2@attune.example")
    return urlparse(openbadges.verify_url(badge)).path


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_of_every_role_passes_axe(request, demo, live_server, width):
    page = request.getfixturevalue("page" if width == "desktop" else "phone")
    problems, reached = [], {}
    # Signed out first: the sign-in and password pages, and a badge's public page.
    visited, found = _crawl(page, live_server, ["/accounts/login/", demo])
    reached["anonymous"] = {_shape(urlparse(url).path) for url in visited}
    problems += [f"[anonymous] {p}" for p in found]
    for role, email in ROLES.items():
        page.context.clear_cookies()
        sign_in(page, live_server, email, password="attune-demo")
        visited, found = _crawl(page, live_server, ["/"])
        reached[role] = {_shape(urlparse(url).path) for url in visited}
        problems += [f"[{role}] {p}" for p in found]

    assert not problems, "\n".join(problems)
    # The crawl reached each role's pages by their links, not just a start page.
    for role, shapes in EXPECTED.items():
        assert shapes <= reached[role], (role, shapes - reached[role])
