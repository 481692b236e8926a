"""Browser tests: Debian's Chromium driven by Playwright, with axe-core on every page.

They run when /usr/bin/chromium exists; with REQUIRE_BROWSER=1 a missing browser fails.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in
# one unless told. Tests only, never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _require_browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message + "; set REQUIRE_BROWSER=1 to make this a failure")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def _axe():
    return Axe()


@pytest.fixture
def a11y(page, _axe):
    """Call a11y() on every page the test reaches; teardown fails if one was skipped.

    Runs axe-core and fails on any serious or critical violation.
    """
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    visited: list[str] = []
    checked: set[str] = set()

    def on_navigation(frame):
        if frame == page.main_frame:
            visited.append(frame.url.split("#")[0])

    page.on("framenavigated", on_navigation)

    def check():
        page.wait_for_load_state("load")
        results = _axe.run(page)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"{page.url}\n" + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in blocking
        )
        checked.add(page.url.split("#")[0])

    yield check
    unchecked = [url for url in visited if url not in checked and url != "about:blank"]
    assert not unchecked, f"pages visited without an accessibility check: {unchecked}"


@pytest.fixture
def demo(transactional_db, settings, monkeypatch):
    """The demo region, without its signing rounds: signing them renders and seals real
    PDFs (seconds each), which these tests do not need; tests/test_signing_demo.py checks
    them and tests/e2e/test_signing.py signs in the browser."""
    from django.core.management import call_command

    from agreements import demo as agreements_demo

    monkeypatch.setattr(agreements_demo, "seed_signing", lambda partnership: None)
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


@pytest.fixture
def sign_in(live_server, page, a11y):
    """Sign in through the login page as a demo account (the leader by default)."""

    def sign_in(email="leider@demo.sterk.test", password="sterk-demo-2026"):
        page.goto(live_server.url + "/accounts/login/")
        a11y()
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        expect(page).to_have_url(live_server.url + "/p/demo/")
        a11y()

    return sign_in
