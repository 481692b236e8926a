"""Signing in the browser: a leader sends a version, two signatories each open their link from
the e-mail, ask for a code, enter it and sign; the sealed PDF arrives by e-mail and the
public verify page recognises it. In English (see test_activities.py); axe on every page."""

import re

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from signing.models import RoundStatus, SigningRound
from tests.e2e.conftest import SLOW_WORK_MS, axe_check, twente_leader
from tests.factories import (
    PASSWORD,
    signing_version,
)

LINK = re.compile(r"https?://\S+/sign/[A-Za-z0-9_-]{43}/")
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def region(transactional_db, settings, live_server):
    partnership, leader = twente_leader(settings, live_server)
    with scopes_disabled():
        version = signing_version(partnership, parties=2, real_pdf=True)
    return partnership, leader, version


def _english(page):
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()


def _sign_in(page, live_server, a11y):
    page.goto(live_server.url + "/accounts/login/")
    a11y()
    page.get_by_label("E-mailadres").fill("leider@twente.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(live_server.url + "/p/twente/")
    a11y()
    _english(page)
    a11y()


def _press(button):
    """Press a button with the keyboard, as a keyboard user does (the other signing test
    uses the mouse and touch-sized screens)."""
    button.focus()
    button.page.keyboard.press("Enter")


def _sign_from_email(browser, live_server, a11y_for, address, name):
    """A signatory without an account: a fresh browser context (no cookies)."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    check = a11y_for(page)
    invitation = next(m for m in mail.outbox if m.to == [address] and LINK.search(m.body))
    page.goto(LINK.search(invitation.body).group(0))
    check()
    # The page opens in Dutch, the default.
    expect(page.get_by_text("Graag je handtekening", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Samenwerkingsovereenkomst Regio Twente Techniek, versie \d+$")
    )
    _english(page)
    check()
    expect(page.locator("#page-1 img")).to_be_visible()
    _press(page.get_by_role("button", name="Send me a code"))
    expect(page.get_by_label("Code from the e-mail")).to_be_visible()
    check()
    code_mail = [m for m in mail.outbox if m.to == [address] and CODE.search(m.subject)][-1]
    page.get_by_label("Code from the e-mail").fill(CODE.search(code_mail.subject).group(1))
    _press(page.get_by_role("button", name="Confirm the code"))
    expect(page.get_by_label("Your full name")).to_be_visible()
    check()
    confirm = page.get_by_label("I confirm this statement")
    confirm.focus()
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    page.get_by_label("Your full name").fill(name)
    canvas = page.locator("canvas")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 90, steps=8)
    page.mouse.move(box["x"] + 220, box["y"] + 30, steps=8)
    page.mouse.up()
    _press(page.get_by_role("button", name="Sign", exact=True))
    # The last signature seals the document within the request: slow work.
    expect(page.get_by_role("heading", name="Thank you for signing")).to_be_visible(
        timeout=SLOW_WORK_MS
    )
    check()
    context.close()


def test_send_sign_twice_receive_and_verify(region, live_server, page, browser, a11y, _axe):
    partnership, _leader, version = region
    _sign_in(page, live_server, a11y)
    page.goto(f"{live_server.url}/p/twente/agreements/versions/{version.code}/")
    a11y()
    page.get_by_role("link", name="Send for signing").click()
    a11y()
    page.get_by_role("button", name="Send for signing").click()
    a11y()
    with scopes_disabled():
        round = SigningRound.objects.get(partnership=partnership)
    expect(page).to_have_url(re.compile(rf"/rounds/{round.code}/$"))
    invitations = [m for m in mail.outbox if LINK.search(m.body)]
    assert sorted(m.to[0] for m in invitations) == [
        "tekenaar1@partner1.nl",
        "tekenaar2@partner2.nl",
    ]

    def a11y_for(other_page):
        return axe_check(other_page, _axe)

    _sign_from_email(
        browser, live_server, a11y_for, "tekenaar1@partner1.nl", "Ondertekenaar 1 de Vries"
    )
    _sign_from_email(
        browser, live_server, a11y_for, "tekenaar2@partner2.nl", "Ondertekenaar 2 de Vries"
    )

    with scopes_disabled():
        round.refresh_from_db()
        assert round.status == RoundStatus.COMPLETED
        assert round.final_pdf_sha256, round.seal_error
        drawn = list(round.requests.values_list("signature_image", flat=True))
    # The drawing made with the mouse was kept as each signature's image.
    assert all(image.startswith("data:image/png;base64,") for image in drawn)
    finals = [m for m in mail.outbox if m.attachments]
    assert {m.to[0] for m in finals} >= {
        "tekenaar1@partner1.nl",
        "tekenaar2@partner2.nl",
        "leider@twente.nl",
    }
    filename, content, mimetype = finals[0].attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")

    # The leader's page shows the round as signed by everyone, with the sealed PDF.
    page.reload()
    a11y()
    expect(page.get_by_role("link", name="Download the signed agreement (PDF)")).to_be_visible()

    # Anyone can check the PDF that arrived.
    page.goto(live_server.url + "/verify/")
    a11y()
    page.get_by_label(re.compile(r"^\s*PDF file to check\s*\*?\s*$")).set_input_files(
        files=[{"name": filename, "mimeType": "application/pdf", "buffer": content}]
    )
    _press(page.get_by_role("button", name="Check the file"))
    status = page.get_by_role("status")
    expect(status).to_have_class(re.compile("alert-success"))
    expect(page.get_by_text("Ondertekenaar 1").first).to_be_visible()
    a11y()

    # One byte changed: not genuine.
    tampered = bytearray(content)
    tampered[len(tampered) // 2] ^= 0x01
    page.get_by_label(re.compile(r"^\s*PDF file to check\s*\*?\s*$")).set_input_files(
        files=[{"name": "changed.pdf", "mimeType": "application/pdf", "buffer": bytes(tampered)}]
    )
    _press(page.get_by_role("button", name="Check the file"))
    expect(page.get_by_role("status")).to_have_class(re.compile("alert-danger|alert-warning"))
    a11y()
