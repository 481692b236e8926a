"""The signer's page in Chromium at a phone's size (390×844) and a laptop's (1366×768): the
exact PDF page by page at the screen's width, nothing wider than the screen, headings that
wrap between words; then ask a code, confirm it, sign, all without reloading the page (htmx);
and declining, which needs the code first. axe on every state of the page."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from signing import services as signing
from signing.models import RequestStatus, SignatureRequest
from tests.e2e.conftest import DEFAULT_MS, axe_check, twente_leader
from tests.factories import (
    send_round,
    signing_version,
)

CODE = re.compile(r"\b(\d{6})\b")
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}

# Every heading of the page wraps between words only, and none is wider than its box.
HEADINGS_WHOLE = """() => [...document.querySelectorAll('main h1, main h2, main h3')]
  .filter(h => h.offsetParent !== null)
  .filter(h => getComputedStyle(h).overflowWrap !== 'normal'
            || getComputedStyle(h).wordBreak === 'break-all'
            || h.scrollWidth > h.clientWidth + 1)
  .map(h => h.textContent.trim())"""


@pytest.fixture
def signers(transactional_db, settings, live_server):
    partnership, leader = twente_leader(settings, live_server)
    with scopes_disabled():
        version = signing_version(partnership, parties=2, real_pdf=True)
        signing_round = send_round(version, leader, days=10)
        requests = list(SignatureRequest.objects.filter(round=signing_round).order_by("pk"))
    return [(item, signing.token_for(item)) for item in requests]


def _open(browser, live_server, _axe, size, token):
    context = browser.new_context(viewport=SIZES[size], locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(DEFAULT_MS)
    page.goto(f"{live_server.url}/sign/{token}/")
    return context, page, axe_check(page, _axe)


def _fits(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{width}px wide"
    assert page.evaluate(HEADINGS_WHOLE) == []


def _code_for(address: str) -> str:
    message = [m for m in mail.outbox if m.to == [address] and CODE.search(m.subject)][-1]
    return CODE.search(message.subject).group(1)


def _confirm_code(page, address):
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_label("Code from the e-mail")).to_be_visible()
    page.get_by_label("Code from the e-mail").fill(_code_for(address))
    page.get_by_role("button", name="Confirm the code").click()
    expect(page.get_by_label("Your full name")).to_be_visible()


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_read_code_and_sign_on_one_page(size, signers, live_server, browser, _axe):
    (sig, token), _other = signers
    context, page, check = _open(browser, live_server, _axe, size, token)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Samenwerkingsovereenkomst Regio Twente Techniek, versie \d+$")
    )
    # The exact PDF, page by page, as wide as the screen allows.
    first = page.locator("#page-1 img")
    expect(first).to_be_visible()
    page.wait_for_function("() => document.querySelector('#page-1 img').naturalWidth > 0")
    shown = first.bounding_box()["width"]
    assert shown >= min(page.viewport_size["width"] - 40, 850)
    expect(page.locator(".pdf-page img")).to_have_count(2)
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    _fits(page)
    check()

    page.evaluate("() => { window.stillTheSamePage = true; }")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_label("Code from the e-mail")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("We sent a code")
    _fits(page)
    check()
    page.get_by_label("Code from the e-mail").fill(_code_for(sig.email))
    page.get_by_role("button", name="Confirm the code").click()
    expect(page.get_by_label("Your full name")).to_be_visible()
    expect(page.get_by_text("I sign on behalf of Partner 1 B.V.")).to_be_visible()
    _fits(page)
    check()
    page.get_by_label("I confirm this statement").check()
    page.get_by_label("Your full name").fill(sig.name)
    canvas = page.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 50, steps=6)
    page.mouse.up()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name="Thank you for signing")).to_be_visible()
    # Every step was swapped in place: the document was loaded once.
    assert page.evaluate("() => window.stillTheSamePage === true")
    _fits(page)
    check()
    with scopes_disabled():
        signed = SignatureRequest.objects.get(pk=sig.pk)
    assert signed.status == RequestStatus.SIGNED
    assert signed.signature_image.startswith("data:image/png;base64,")
    context.close()


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_declining_needs_the_code_first(size, signers, live_server, browser, _axe):
    _first, (sig, token) = signers
    context, page, check = _open(browser, live_server, _axe, size, token)
    page.get_by_text("Not signing?").scroll_into_view_if_needed()
    expect(page.get_by_text("first confirm it is you with the code")).to_be_visible()
    expect(page.get_by_text("I decline to sign")).to_have_count(0)
    check()
    _confirm_code(page, sig.email)
    page.get_by_text("I decline to sign").click()
    page.get_by_label("Why do you decline to sign?").fill("Wij stoppen als partner.")
    page.get_by_label("I understand that this link then no longer works").first.check()
    page.get_by_role("button", name="Decline to sign").click()
    expect(page.get_by_role("heading", name="Your answer was passed on")).to_be_visible()
    _fits(page)
    check()
    with scopes_disabled():
        declined = SignatureRequest.objects.get(pk=sig.pk)
    assert declined.status == RequestStatus.DECLINED
    assert declined.reason == "Wij stoppen als partner."
    assert declined.code_verified_at is not None and declined.code_verified_at <= timezone.now()
    context.close()
