"""The partner update in Chromium (docs/rules.md, the partner update): compose an update from
the data, edit it and see the preview change, send it once and see who received it; then,
as the recipient, open the unsubscribe link of the e-mail (it only asks) and confirm; a mail
program's one-click POST of the List-Unsubscribe header unsubscribes another recipient
without a page. Axe on every page; in English (see test_accession.py)."""

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.e2e.conftest import click_slow, twente_leader
from tests.factories import PASSWORD, ContactFactory, OrganisationFactory


@pytest.fixture
def subscribers(transactional_db, settings, live_server):
    """Twente's leader and two contacts who opted in to the update."""
    partnership, leader = twente_leader(settings, live_server)
    with scopes_disabled():
        company = OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")
        anna = ContactFactory(
            organisation=company,
            name="Anna de Vries",
            email="anna@metaal.nl",
            receives_updates=True,
        )
        bram = ContactFactory(
            organisation=company, name="Bram Jansen", email="bram@metaal.nl", receives_updates=True
        )
    return leader, anna, bram


def _header_link(address: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [address]]
    assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return message.message()["List-Unsubscribe"].strip("<>")


def test_compose_edit_send_an_update_and_unsubscribe_from_it(live_server, page, a11y, subscribers):
    leader, anna, bram = subscribers
    page.goto(live_server.url + "/accounts/login/")
    a11y()
    page.get_by_label("E-mailadres").fill(leader.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/p/twente/$"))
    a11y()
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    a11y()

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Partner updates"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner updates")
    a11y()
    page.get_by_role("link", name="New update").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New update")
    a11y()
    page.get_by_label("Title").fill("Nieuws uit Twente")
    page.get_by_role("button", name="Compose the update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Nieuws uit Twente")
    a11y()

    page.get_by_label("Introduction").fill("Beste partners, dit was ons halfjaar.")
    page.get_by_label("Successes celebrated").fill("- Twintig gastlessen\n- Een nieuwe leerlijn")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text("saved")
    a11y()
    preview = page.locator("h2", has_text="Preview").locator("xpath=..")
    expect(preview).to_contain_text("Beste partners, dit was ons halfjaar.")
    expect(preview.get_by_role("listitem").filter(has_text="Twintig gastlessen")).to_be_visible()

    page.get_by_role("link", name="Send…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send Nieuws uit Twente")
    expect(page.get_by_text("goes to 2 contacts")).to_be_visible()
    a11y()
    click_slow(page.get_by_role("button", name="Send the update now"))  # renders the PDF
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuws uit Twente")
    expect(page.get_by_text("Sent", exact=True)).to_be_visible()
    received = page.get_by_role("table")
    expect(received).to_contain_text("Anna de Vries")
    expect(received).to_contain_text("Bram Jansen")
    a11y()
    # Sent once: no edit or send button any more.
    expect(page.get_by_role("link", name="Send…")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    assert len(mail.outbox) == 2

    # Anna opens the link of her e-mail: the page asks first, a scanner changes nothing.
    link = _header_link(anna.email)
    assert link in [m for m in mail.outbox if m.to == [anna.email]][0].body
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe from the partner update")
    expect(page.get_by_text("Do you, Anna de Vries, want to stop receiving")).to_be_visible()
    a11y()
    with scopes_disabled():
        anna.refresh_from_db()
    assert anna.receives_updates
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("status")).to_contain_text("You are unsubscribed")
    a11y()
    with scopes_disabled():
        anna.refresh_from_db()
    assert not anna.receives_updates

    # Bram's mail program unsubscribes him in one POST, without cookie or page (RFC 8058).
    mailer = page.context.browser.new_context()
    try:
        response = mailer.request.post(
            _header_link(bram.email), form={"List-Unsubscribe": "One-Click"}
        )
        assert response.status == 200
        assert "U bent afgemeld" in response.text()  # a mail program sends no language cookie
    finally:
        mailer.close()
    with scopes_disabled():
        bram.refresh_from_db()
    assert not bram.receives_updates
