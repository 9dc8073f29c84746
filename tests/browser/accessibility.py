"""axe-core in the browser tests: the axe script ships inside axe-playwright-python, so
nothing is downloaded at run time."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
_axe = Axe()


def blocking_violations(page) -> list[str]:
    """The serious and critical axe violations on the page as it is now, one line each
    (rule, impact, and the first offending elements)."""
    results = _axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = ", ".join(
            " ".join(str(t) for t in node["target"]) for node in violation["nodes"][:3]
        )
        found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def assert_accessible(page) -> None:
    # A click that navigates returns once the new page is committed, before it is parsed:
    # axe needs the whole document.
    page.wait_for_load_state()
    violations = blocking_violations(page)
    assert not violations, f"axe on {page.url}:\n" + "\n".join(violations)
