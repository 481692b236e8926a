"""A project leader realises a pledged contribution and sees the settlement's forecast change,
with axe on every page. Run in English, the language the labels were written in."""

import re
from decimal import Decimal as D

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from tests.e2e.conftest import twente_leader
from tests.factories import (
    PASSWORD,
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    OrganisationFactory,
)


def _field(scope, label):
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


@pytest.fixture
def region(transactional_db, settings, live_server):
    """2026: € 80.000,00 budgeted for personnel and 120 hours pledged by a company (€ 6.000,00):
    the forecast base is € 86.000,00, 10% is € 8.600,00, so it falls short by € 2.600,00."""
    partnership, leader = twente_leader(settings, live_server)
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
        company = OrganisationFactory(partnership=partnership, name="Lasbedrijf Hendriks")
        ContributionFactory(
            organisation=company, year=2026, hours=D("120"), value=D("6000.00"),
            description="Gastlessen lassen, 30 lessen",
        )  # fmt: skip
        CostLineFactory(
            partnership=partnership, year=2026, unit_price=D("80000.00"), quantity=D("1"),
            amount=D("80000.00"), description="Projectleider",
        )  # fmt: skip
    return leader


def test_realising_a_pledge_changes_the_forecast(live_server, page, a11y, region):
    page.goto(live_server.url + "/accounts/login/")
    a11y()
    page.get_by_label("E-mailadres").fill(region.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/p/twente/$"))
    a11y()
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wissel").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    a11y()

    # The settlement before: nothing realised, the forecast falls short by € 2.600,00.
    page.goto(live_server.url + "/p/twente/cofinancing/settlement/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settlement of the period")
    shortfall = page.locator("[data-figure=forecast-shortfall]")
    expect(shortfall).to_have_text("€\u00a02.600,00")
    expect(page.locator("[data-figure=forecast-verdict]")).to_contain_text("fall short")
    expect(page.locator("[data-figure=realised-business-total]")).to_have_text("€\u00a00,00")
    a11y()

    # Realise it from its page: 150 hours were given, not 120.
    page.get_by_role("link", name="Contributions", exact=True).click()
    a11y()
    page.get_by_role("link", name="Gastlessen lassen, 30 lessen").click()
    a11y()
    quantity = _field(page, "Realised quantity (hours)")
    expect(quantity).to_have_value("120,00")
    quantity.fill("150")
    page.get_by_role("button", name="Realise", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("€\u00a07.500,00")
    expect(page.locator("[data-detail=realised-value]")).to_have_text("€\u00a07.500,00")
    expect(page.locator("[data-detail=value]")).to_have_text("€\u00a06.000,00")
    a11y()

    # The settlement after: € 87.500,00 × 10% = € 8.750,00 against € 7.500,00 realised; the
    # realised hours still lack their hours statement.
    page.get_by_role("link", name="Settlement", exact=True).click()
    expect(page.locator("[data-figure=missing-evidence]")).to_have_attribute("data-value", "1")
    expect(page.locator("[data-evidence=missing-list]")).to_contain_text("Hours statement")
    expect(shortfall).to_have_text("€\u00a01.250,00")
    expect(page.locator("[data-figure=realised-business-total]")).to_have_text("€\u00a07.500,00")
    expect(page.locator("[data-tally=uncertified]")).to_contain_text("€\u00a07.500,00")
    a11y()

    # Attach the hours statement from the contribution's page: nothing is missing any more.
    page.get_by_role("link", name="Gastlessen lassen, 30 lessen").first.click()
    page.get_by_label("Kind of evidence").select_option("hours_statement")
    page.locator("#evidence input[type=file]").set_input_files(
        files=[{"name": "urenstaat-hendriks.csv", "mimeType": "text/csv",
                "buffer": b"datum;naam;uren\r\n2026-03-12;J. Hendriks;5\r\n"}]
    )  # fmt: skip
    page.locator("#evidence form button[type=submit]").click()
    expect(page.locator("[data-evidence=files]")).to_contain_text("urenstaat-hendriks.csv")
    a11y()
    page.get_by_role("link", name="Settlement", exact=True).click()
    expect(page.locator("[data-figure=missing-evidence]")).to_have_attribute("data-value", "0")
    a11y()
    page.get_by_role("link", name="2026", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settlement 2026")
    expect(shortfall).to_have_text("€\u00a01.250,00")
    a11y()
