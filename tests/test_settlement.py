"""The settlement of a year and of the period, to the cent: budget against realised per
category, eligible and not eligible costs, the realised share and the forecast that falls
short; the page, its query count, who may read it and hostile values on it."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cofinancing.models import Contribution, CostLine
from cofinancing.selectors.settlement import settlement
from cofinancing.services.realisation import contribution_cancel, contribution_realise
from partners.models import OrganisationKind
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.usefixtures("no_scopes")

SCRIPT = "<script>alert(1)</script>"
TODAY = datetime.date(2026, 12, 7)


def url(**query):
    path = reverse("cofinancing:settlement", kwargs={"slug": "twente"})
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


@pytest.fixture
def budget(partnership):
    return BudgetFactory(partnership=partnership)  # sto-2025-2028: 10% of the eligible total


@pytest.fixture
def company(partnership):
    return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def school(partnership):
    return OrganisationFactory(
        partnership=partnership, name="ROC van Twente", kind=OrganisationKind.MBO, kvk_number=""
    )


def line(partnership, year, category, amount, **fields):
    return CostLineFactory(
        partnership=partnership,
        year=year,
        category=category,
        description=fields.pop("description", f"{category} {year}"),
        unit_price=D(amount),
        quantity=D("1"),
        amount=D(amount),
        **fields,
    )


@pytest.fixture
def region(partnership, budget, company, school, leader):
    """2025 realised, 2026 budgeted and pledged; the forecast falls short.

    Cost lines:
    - 2025 internal personnel: budget € 10.000,00, realised € 9.500,05, eligible;
    - 2025 material: budget € 2.000,00, realised € 2.000,00, eligible;
    - 2025 other: budget € 500,00, realised € 420,00, not eligible (recoverable VAT);
    - 2026 internal personnel: budget € 80.000,00, not realised yet;
    - 2026 rent € 3.000,00 of an activity funded by the RIF: left out, with its reason.
    Contributions:
    - 2025 the company's 90 guest-lesson hours at € 50 (€ 4.500,00), realised 60 hours:
      € 3.000,00, not certified;
    - 2025 the company's € 1.000,00 in money, certified;
    - 2026 the company's 40 hours (€ 2.000,00), pledged;
    - 2026 the school's 10 dagdelen at € 250 (€ 2.500,00), pledged: in kind, not business;
    - 2026 the company's € 5.000,00, cancelled: counts nowhere.
    """
    rif = ActivityFactory(partnership=partnership, other_funding="RIF-2024-017")
    line(partnership, 2025, "internal_personnel", "10000.00", realised_amount=D("9500.05"))
    line(partnership, 2025, "material", "2000.00", realised_amount=D("2000.00"))
    line(
        partnership, 2025, "other", "500.00", realised_amount=D("420.00"), eligible=False,
        ineligible_reason="recoverable_vat", ineligible_note="BTW wordt teruggevorderd",
        description="BTW op materiaal",
    )  # fmt: skip
    line(partnership, 2026, "internal_personnel", "80000.00")
    line(partnership, 2026, "rent", "3000.00", activity=rif, description="Huur RIF-hal")
    lessons = ContributionFactory(
        organisation=company, year=2025, hours=D("90"), value=D("4500.00"), status="confirmed"
    )
    contribution_realise(
        budget=budget, contribution=lessons, user=leader, realised_on=datetime.date(2025, 11, 30),
        realised_quantity=D("60"), today=TODAY,
    )  # fmt: skip
    ContributionFactory(
        organisation=company, year=2025, kind="money", hours=None, hourly_rate=None,
        amount=D("1000.00"), value=D("1000.00"), status="certified",
        realised_on=datetime.date(2025, 6, 1), realised_quantity=D("1000.00"),
        realised_value=D("1000.00"), description="Bijdrage lasmateriaal",
    )  # fmt: skip
    ContributionFactory(organisation=company, year=2026, hours=D("40"), value=D("2000.00"))
    ContributionFactory(
        organisation=school, year=2026, kind="room", hours=None, hourly_rate=None,
        units=D("10"), unit_price=D("250.00"), value=D("2500.00"), description="Praktijklokaal",
    )  # fmt: skip
    cancelled = ContributionFactory(
        organisation=company, year=2026, kind="money", hours=None, hourly_rate=None,
        amount=D("5000.00"), value=D("5000.00"), description="Sponsoring",
    )  # fmt: skip
    contribution_cancel(
        budget=budget, contribution=cancelled, user=leader,
        reason="Het bedrijf trekt de toezegging in na de reorganisatie.",
    )  # fmt: skip
    return budget


def test_the_period_realised_to_the_cent(partnership, region):
    result = settlement(partnership=partnership, budget=region)
    realised = result.period.realised
    # Realised eligible costs 9.500,05 + 2.000,00 + in kind 3.000,00 = 14.500,05.
    assert realised.total_costs == D("14500.05")
    assert realised.base_amount == D("14500.05")
    assert realised.required == D("1450.01")  # 1.450,005 rounded up to the cent
    assert realised.business_total == D("4000.00")  # 3.000,00 hours + 1.000,00 money
    assert realised.met is True
    assert realised.shortfall == D("0.00")
    assert realised.percentage == D("27.58")  # 27,586… rounded down
    assert result.eligible_costs == D("11500.05")
    assert result.ineligible_costs == D("420.00")


def test_the_forecast_of_the_period_falls_short_to_the_cent(partnership, region):
    result = settlement(partnership=partnership, budget=region)
    forecast = result.period.forecast
    # Costs: 11.500,05 realised eligible + 80.000,00 budgeted (2026) + nothing of the VAT;
    # in kind: 3.000,00 realised + 2.000,00 hours + 2.500,00 room still pledged.
    assert forecast.total_costs == D("99000.05")
    assert forecast.required == D("9900.01")
    assert forecast.business_total == D("6000.00")  # the cancelled € 5.000 counts nowhere
    assert forecast.met is False
    assert forecast.shortfall == D("3900.01")
    assert result.period.will_be_met is False
    assert result.period.forecast_shortfall == D("3900.01")


def test_the_forecast_per_year(partnership, region):
    result = settlement(partnership=partnership, budget=region)
    by_year = {check.year: check for check in result.per_year}
    assert list(by_year) == [2025, 2026, 2027, 2028]
    assert by_year[2025].forecast.met is True
    assert by_year[2025].forecast.required == D("1450.01")
    # 2026: 80.000,00 + 2.000,00 + 2.500,00 = 84.500,00; 10% = 8.450,00; business 2.000,00.
    assert by_year[2026].forecast.total_costs == D("84500.00")
    assert by_year[2026].forecast.shortfall == D("6450.00")
    assert by_year[2026].realised.total_costs == D("0.00")
    assert by_year[2027].forecast.shortfall == D("0.00")


def test_budget_against_realised_per_category_for_a_year(partnership, region):
    result = settlement(partnership=partnership, budget=region, year=2025)
    rows = {row.key: row for row in result.categories}
    personnel = rows["internal_personnel"]
    assert (personnel.budgeted, personnel.realised) == (D("10000.00"), D("9500.05"))
    assert personnel.difference == D("-499.95")
    assert personnel.percent_spent == D("95.00")  # 95,0005 rounded down
    assert rows["material"].percent_spent == D("100.00")
    other = rows["other"]
    assert (other.realised, other.eligible, other.ineligible) == (
        D("420.00"),
        D("0.00"),
        D("420.00"),
    )
    assert other.percent_spent == D("84.00")
    assert rows["rent"].budgeted == D("0.00")
    assert rows["rent"].percent_spent is None
    assert result.in_kind.budgeted == D("4500.00")
    assert result.in_kind.realised == D("3000.00")
    # Realised eligible costs and in kind are the realised base of the year.
    assert result.total_costs.eligible == result.check.realised.total_costs == D("14500.05")
    assert result.total_costs.budgeted == D("17000.00")
    assert result.unrealised_budget == D("0.00")
    assert result.check.year == 2025


def test_ineligible_costs_carry_their_reason(partnership, region):
    result = settlement(partnership=partnership, budget=region, year=2025)
    [item] = result.ineligible
    assert (item.description, item.amount, item.reason) == (
        "BTW op materiaal",
        D("420.00"),
        "recoverable_vat",
    )
    assert item.note == "BTW wordt teruggevorderd"
    [total] = result.ineligible_by_reason
    assert (total.reason, total.amount, total.count) == ("recoverable_vat", D("420.00"), 1)


def test_lines_funded_elsewhere_are_listed_with_their_reason(partnership, region):
    result = settlement(partnership=partnership, budget=region)
    [excluded] = result.excluded_costs
    assert excluded.description == "Huur RIF-hal"
    assert "RIF-2024-017" in excluded.reason
    assert all(row.budgeted == D("0.00") for row in result.categories if row.key == "rent")
    assert settlement(partnership=partnership, budget=region, year=2025).excluded_costs == []


def test_realised_uncertified_and_still_pledged_are_counted_apart(partnership, region):
    result = settlement(partnership=partnership, budget=region)
    assert (result.uncertified.count, result.uncertified.value) == (1, D("3000.00"))
    assert (result.certified.count, result.certified.value) == (1, D("1000.00"))
    assert (result.still_pledged.count, result.still_pledged.value) == (2, D("4500.00"))
    assert result.still_pledged.business_value == D("2000.00")
    now = settlement(partnership=partnership, budget=region, today=TODAY)
    assert now.still_pledged_past.count == 0
    later = settlement(partnership=partnership, budget=region, today=datetime.date(2027, 1, 4))
    assert (later.still_pledged_past.count, later.still_pledged_past.value) == (2, D("4500.00"))
    year = settlement(partnership=partnership, budget=region, year=2026)
    assert year.uncertified.count == 0
    assert year.unrealised_budget == D("80000.00")


def test_realising_what_is_pledged_moves_the_forecast(partnership, region, leader):
    before = settlement(partnership=partnership, budget=region).period.forecast
    hours = Contribution.objects.get(year=2026, kind="labour")
    contribution_realise(
        budget=region, contribution=hours, user=leader, realised_on=datetime.date(2026, 10, 1),
        realised_quantity=D("100"), today=TODAY,
    )  # fmt: skip
    after = settlement(partnership=partnership, budget=region)
    # 100 hours given instead of 40: € 5.000,00 instead of € 2.000,00.
    assert after.period.forecast.business_total == before.business_total + D("3000.00")
    assert after.period.realised.business_total == D("9000.00")
    assert after.still_pledged.count == 1


def test_a_realised_cost_line_replaces_its_budget_in_the_forecast(partnership, region):
    CostLine.objects.filter(year=2026, category="internal_personnel").update(
        realised_amount=D("60000.00")
    )
    forecast = settlement(partnership=partnership, budget=region).period.forecast
    assert forecast.total_costs == D("79000.05")
    assert forecast.required == D("7900.01")


def test_a_year_outside_the_scheme_or_another_partnerships_budget_is_refused(
    partnership, other_partnership, region
):
    with pytest.raises(ValueError):
        settlement(partnership=partnership, budget=region, year=2024)
    with pytest.raises(ValueError):
        settlement(partnership=other_partnership, budget=region)


# --- The page ----------------------------------------------------------------------------


def test_the_page_shows_the_forecast_shortfall(leader_client, region):
    response = leader_client.get(url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "€\xa03.900,01" in page
    assert 'data-figure="forecast-shortfall"' in page
    assert "Huur RIF-hal" in page


def test_the_page_for_one_year(leader_client, region):
    response = leader_client.get(url(year=2025))
    assert response.status_code == 200
    assert response.context["settlement"].year == 2025
    assert "BTW op materiaal" in response.content.decode()


@pytest.mark.parametrize("year", ["2024", "abc", "99999999999999999999", ""])
def test_a_bad_year_shows_the_period(leader_client, region, year):
    response = leader_client.get(url(year=year))
    assert response.status_code == 200
    assert response.context["settlement"].year is None


def test_without_a_budget_the_page_says_so(leader_client, partnership):
    response = leader_client.get(url())
    assert response.status_code == 200
    assert response.context["settlement"] is None


def test_hostile_values_are_escaped_on_the_page(leader_client, partnership, region, company):
    line(
        partnership, 2025, "other", "10.00", realised_amount=D("10.00"), eligible=False,
        ineligible_reason="other", ineligible_note=SCRIPT, description=SCRIPT,
    )  # fmt: skip
    rif = ActivityFactory(partnership=partnership, other_funding=SCRIPT, short_code="X1")
    line(partnership, 2025, "rent", "10.00", activity=rif, description=SCRIPT)
    ContributionFactory(organisation=company, year=2025, other_funding=SCRIPT)
    page = leader_client.get(url()).content.decode()
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_viewer_reads_the_settlement(client, viewer, region):
    client.force_login(viewer)
    assert client.get(url()).status_code == 200


# --- Speed -------------------------------------------------------------------------------


def _add(partnership, company, count):
    """`count` contributions and cost lines, in bulk (2,000 one by one would take long)."""
    Contribution.objects.bulk_create(
        ContributionFactory.build(
            organisation=company,
            year=2025 + index % 4,
            status=["pledged", "confirmed", "realised", "certified", "cancelled"][index % 5],
            cancel_reason="Het bedrijf trok de toezegging in." if index % 5 == 4 else "",
            realised_value=D("400.00") if index % 5 in (2, 3) else None,
        )
        for index in range(count)
    )
    CostLine.objects.bulk_create(
        CostLineFactory.build(
            partnership=partnership, year=2025 + index % 4, category="material",
            description=f"Materiaal {index}", unit_price=D("100.00"), quantity=D("1"),
            amount=D("100.00"), realised_amount=D("90.00"),
        )
        for index in range(count)
    )  # fmt: skip


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_the_page_runs_the_same_queries_at_5_and_2000_contributions(
    leader_client, partnership, budget, company
):
    _add(partnership, company, 5)
    few = _queries(leader_client, url()), _queries(leader_client, url(year=2026))
    _add(partnership, company, 1995)
    many = _queries(leader_client, url()), _queries(leader_client, url(year=2026))
    assert few == many


def test_the_selector_runs_a_fixed_number_of_queries(partnership, budget, company):
    _add(partnership, company, 5)
    with CaptureQueriesContext(connection) as few:
        settlement(partnership=partnership, budget=budget)
    _add(partnership, company, 1995)
    with CaptureQueriesContext(connection) as many:
        result = settlement(partnership=partnership, budget=budget)
    assert len(few.captured_queries) == len(many.captured_queries) <= 15
    assert result.uncertified.count == 400
