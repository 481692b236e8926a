"""The Content-Security-Policy in the browser: the watch in conftest.py sees a violation, and
the Django admin (Django's and django-simple-history's templates, not ours) works under the
policy without an exception for its paths."""

import time

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.e2e.conftest import CSP_VIOLATIONS
from tests.factories import OrganisationFactory, PartnershipFactory


def test_the_watch_sees_a_refused_style_attribute(live_server, page, db):
    page.goto(live_server.url + "/accounts/login/")
    assert not CSP_VIOLATIONS
    # A style attribute set from script is refused like one in the HTML (style-src-attr).
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    # Both reports arrive: Chromium's console message and the securitypolicyviolation event.
    deadline = time.monotonic() + 5
    while len(CSP_VIOLATIONS) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert any("Content Security Policy directive" in v for v in CSP_VIOLATIONS), CSP_VIOLATIONS
    assert any("CSP violation: style-src-attr" in v for v in CSP_VIOLATIONS), CSP_VIOLATIONS
    # Styles set through the DOM (CSSOM), as Bootstrap and Chart.js do, are allowed.
    CSP_VIOLATIONS.clear()
    page.evaluate("document.body.style.background = 'white'")
    page.wait_for_timeout(200)
    assert not CSP_VIOLATIONS


def test_the_admin_works_under_the_policy(live_server, page, django_user_model):
    with scopes_disabled():
        partnership = PartnershipFactory(name="Regio Twente Techniek", slug="twente")
        organisation = OrganisationFactory(partnership=partnership, name="Metaalwerken")
        organisation.city = "Hengelo"
        organisation.save()
    django_user_model.objects.create_superuser("beheer@sterk.test", "beheer-wachtwoord-1")

    page.goto(live_server.url + "/admin/")
    page.get_by_label("E-mailadres").fill("beheer@sterk.test")
    page.get_by_label("Wachtwoord").fill("beheer-wachtwoord-1")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator("#site-name")).to_be_visible()

    for path in [
        "/admin/partners/partnership/",
        f"/admin/partners/partnership/{partnership.pk}/change/",
        "/admin/partners/organisation/",
        f"/admin/partners/organisation/{organisation.pk}/change/",
        f"/admin/partners/organisation/{organisation.pk}/history/",
        "/admin/accounts/user/add/",
        "/admin/signing/signinground/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()

    # The admin's own scripts run: the change list's "select all" ticks every row.
    page.goto(live_server.url + "/admin/partners/organisation/")
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select").first).to_be_checked()
    # And a change form saves.
    page.goto(live_server.url + f"/admin/partners/organisation/{organisation.pk}/change/")
    page.locator("#id_city").fill("Enschede")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    with scopes_disabled():
        organisation.refresh_from_db()
    assert organisation.city == "Enschede"
