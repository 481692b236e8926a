"""Browser tests: Debian's Chromium driven by Playwright, with axe-core on every page.

They run when /usr/bin/chromium exists; with REQUIRE_BROWSER=1 a missing browser fails.
Under pytest-xdist (`make test`) they all run in one worker, one after the other, while the
other workers run the rest of the suite.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in
# one unless told. Tests only, never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BLOCKING_IMPACTS = {"serious", "critical"}

# Every wait has a timeout. Ordinary steps (a page, a click, a check) get DEFAULT_MS, set in
# a11y(). Steps that wait for work known to take seconds on a quiet machine (rendering or
# sealing a PDF, reading or writing a workbook) wait SLOW_WORK_MS, explicitly at the step:
# on a busy machine that work can take several times as long. Import it in a test module
# with `from tests.e2e.conftest import SLOW_WORK_MS`, or use click_slow() and download_slow().
DEFAULT_MS = 10_000
SLOW_WORK_MS = 60_000


def click_slow(target):
    """Click `target` (a button or link whose request does slow work) and wait for the page
    it leads to. Playwright's click itself waits for the navigation it starts, with the
    click's own timeout, so both the click and the navigation get SLOW_WORK_MS."""
    with target.page.expect_navigation(timeout=SLOW_WORK_MS):
        target.click(timeout=SLOW_WORK_MS)


def choose_remote(scope, label, search, option):
    """Pick `option` (a regex of its text) in a select that loads its options on demand
    (partners/widgets.py): type `search` in its searchable field, click the match."""
    import re

    box = scope.get_by_role("combobox", name=re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
    box.focus()
    box.press_sequentially(search)
    box.page.get_by_role("option", name=re.compile(option)).first.click()


def download_slow(target):
    """Click `target` (a link whose response is built slowly) and return the Download."""
    with target.page.expect_download(timeout=SLOW_WORK_MS) as download:
        target.click(timeout=SLOW_WORK_MS)
    return download.value


def pytest_collection_modifyitems(items):
    # Under pytest-xdist these all go to one worker: pytest_xdist_make_scheduler in
    # tests/conftest.py.
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Playwright's sync API runs an asyncio event loop in this thread from start to stop, and
# asyncio.run() fails while it runs (tests/test_sealing.py calls it to seal from inside a
# loop). pytest-playwright starts Playwright once per session; these overrides start it for
# the browser tests only (package scope: tests/e2e/) and stop it after the last of them, so
# the xdist worker that ran them, first, can go on with any other test.
@pytest.fixture(scope="package")
def playwright(_require_browser):
    # _require_browser first: without Chromium the tests are skipped, not errors at launch.
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


# The Content-Security-Policy (sterk/settings.py) is never bypassed here: a page that breaks
# it fails its test. Every browser context reports violations two ways: Chromium's console
# message ("Refused to ... because it violates the following Content Security Policy
# directive") and the page's securitypolicyviolation event, which this script turns into a
# console message of its own (it runs in every frame, before the page's scripts).
CSP_PREFIX = "CSP violation:"
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP_PREFIX " + event.effectiveDirective + " refused " + (event.blockedURI || "inline") +
    " in " + (event.sourceFile || event.documentURI) + ":" + event.lineNumber +
    (event.sample ? " (" + event.sample + ")" : "")
  );
});
""".replace("CSP_PREFIX", CSP_PREFIX)
CSP_VIOLATIONS: list[str] = []


def watch_csp(context):
    """Record every CSP violation in `context`; the test fails at teardown if there was one."""
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        text = message.text
        if text.startswith(CSP_PREFIX) or "Content Security Policy" in text:
            CSP_VIOLATIONS.append(f"{message.location.get('url', '')}: {text}")

    context.on("console", on_console)
    return context


@pytest.fixture(scope="package")
def browser(launch_browser):
    browser = launch_browser()
    new_context = browser.new_context

    def new_watched_context(*args, **kwargs):
        # Bypassing the policy would hide exactly what these tests look for.
        assert not kwargs.get("bypass_csp"), "browser tests keep the Content-Security-Policy"
        return watch_csp(new_context(*args, **kwargs))

    # pytest-playwright's `context` and the tests' own browser.new_context() both come here.
    browser.new_context = new_watched_context
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _no_csp_violations():
    CSP_VIOLATIONS.clear()
    yield
    violations, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture(scope="package")
def browser_context_args(base_url):
    # pytest-playwright's own version asks for the session-wide Playwright (for --device).
    return {"base_url": base_url} if base_url else {}


@pytest.fixture(scope="package", autouse=True)
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


def axe_violations(page, axe) -> str:
    """The page's serious and critical axe-core violations, as text ("" for none).

    Colours are checked once they have settled: a button that was just clicked fades to its
    pressed colours (Bootstrap's 0.15 s transition), and halfway its contrast is not yet
    what it will be."""
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')",
        timeout=DEFAULT_MS,
    )
    results = axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in blocking
    )


def axe_check(page, axe):
    """A check() for a page of its own (another browser context, another viewport)."""

    def check():
        page.wait_for_load_state("load")
        problems = axe_violations(page, axe)
        assert not problems, f"{page.url}\n{problems}"

    return check


def twente_leader(settings, live_server):
    """The partnership "twente" with its project leader, e-mail kept in memory and links
    pointing at the live server: what every signing browser test starts from."""
    from django_scopes import scopes_disabled

    from partners.models import Role
    from tests.factories import MembershipFactory, PartnershipFactory, UserFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = live_server.url
    with scopes_disabled():
        partnership = PartnershipFactory(name="Regio Twente Techniek", slug="twente")
        leader = MembershipFactory(
            partnership=partnership,
            role=Role.LEADER,
            user=UserFactory(email="leider@twente.nl", first_name="Lotte", last_name="Leider"),
        ).user
    return partnership, leader


@pytest.fixture
def a11y(page, _axe):
    """Call a11y() on every page the test reaches; teardown fails if one was skipped.

    Runs axe-core and fails on any serious or critical violation.
    """
    page.set_default_timeout(DEFAULT_MS)
    expect.set_options(timeout=DEFAULT_MS)
    visited: list[str] = []
    checked: set[str] = set()

    def on_navigation(frame):
        if frame == page.main_frame:
            visited.append(frame.url.split("#")[0])

    page.on("framenavigated", on_navigation)

    def check():
        page.wait_for_load_state("load")
        problems = axe_violations(page, _axe)
        assert not problems, f"{page.url}\n{problems}"
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
