"""Company statements in the browser (docs/rules.md §23): a project leader sends the
statements of 2025 from the board; the company's director opens the link from the e-mail on
a phone (390×844), asks a code, confirms it and signs; the leader then sees the statement
signed and its contributions certified. The leader's pages in Dutch (the default), the
signer's in English (see test_sign_phone.py); axe on every page."""

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from cofinancing.models import CompanyStatement, ContributionStatus, StatementStatus
from tests.e2e.conftest import DEFAULT_MS, SLOW_WORK_MS, axe_check, click_slow, twente_leader
from tests.factories import PASSWORD
from tests.statements_data import region

LINK = re.compile(r"https?://\S+/sign/[A-Za-z0-9_-]{43}/")
CODE = re.compile(r"\b(\d{6})\b")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def company(transactional_db, settings, live_server):
    partnership, leader = twente_leader(settings, live_server)
    with scopes_disabled():
        _budget, (organisation,) = region(partnership, companies=1)
        director = organisation.contacts.get()
    return leader, organisation, director


def _sign_in(page, live_server, a11y, leader):
    page.goto(live_server.url + "/accounts/login/")
    a11y()
    page.get_by_label("E-mailadres").fill(leader.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(live_server.url + "/p/twente/")
    a11y()


def _sign_on_a_phone(browser, live_server, _axe, director):
    """The director has no account: a fresh browser context at a phone's size."""
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(DEFAULT_MS)
    check = axe_check(page, _axe)
    invitation = next(m for m in mail.outbox if m.to == [director.email] and LINK.search(m.body))
    page.goto(LINK.search(invitation.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Metaalbedrijf 001 B.V.")
    expect(page.locator("#page-1 img")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{width}px wide on a phone"
    check()
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_label("Code from the e-mail")).to_be_visible()
    check()
    code_mail = [m for m in mail.outbox if m.to == [director.email] and CODE.search(m.subject)]
    page.get_by_label("Code from the e-mail").fill(CODE.search(code_mail[-1].subject).group(1))
    page.get_by_role("button", name="Confirm the code").click()
    expect(page.get_by_label("Your full name")).to_be_visible()
    expect(page.get_by_text("I sign on behalf of Metaalbedrijf 001 B.V.")).to_be_visible()
    check()
    page.get_by_label("I confirm this statement").check()
    page.get_by_label("Your full name").fill(director.name)
    canvas = page.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 50, steps=6)
    page.mouse.up()
    page.get_by_role("button", name="Sign", exact=True).click()
    # The only signature completes the round: the PDF is sealed within the request.
    expect(page.get_by_role("heading", name="Thank you for signing")).to_be_visible(
        timeout=SLOW_WORK_MS
    )
    check()
    context.close()


def test_send_the_year_sign_on_a_phone_and_see_the_contributions_certified(
    company, live_server, page, browser, a11y, _axe
):
    leader, organisation, director = company
    _sign_in(page, live_server, a11y, leader)

    page.goto(live_server.url + "/p/twente/cofinancing/company-statements/2025/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verklaringen cofinanciering 2025")
    row = page.get_by_role("row", name=re.compile("Metaalbedrijf 001 B.V."))
    expect(row).to_contain_text("niet verstuurd")
    a11y()
    # Each statement's PDF is rendered (here within the request) and its round sent.
    click_slow(page.get_by_role("button", name="Verstuur de verklaringen over 2025"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verklaringen cofinanciering 2025")
    expect(row).to_contain_text("verstuurd")
    expect(row).not_to_contain_text("niet verstuurd")
    expect(row).to_contain_text(director.name)
    a11y()
    with scopes_disabled():
        statement = CompanyStatement.objects.get(organisation=organisation)
    assert statement.status == StatementStatus.SENT

    _sign_on_a_phone(browser, live_server, _axe, director)

    page.reload()
    expect(row).to_contain_text("ondertekend")
    a11y()
    row.get_by_role("link", name="Nr. 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Metaalbedrijf 001 B.V.")
    expect(page.locator("main")).to_contain_text("ondertekend")
    a11y()
    page.get_by_role("link", name="Gastles", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gastles")
    expect(page.locator("main")).to_contain_text("Gecertificeerd")
    a11y()
    with scopes_disabled():
        statement.refresh_from_db()
        assert statement.status == StatementStatus.SIGNED
        assert {c.status for c in statement.contributions.all()} == {ContributionStatus.CERTIFIED}
