"""python manage.py cofinancing_report (docs/rules.md §3): one JSON object, or text."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from cofinancing.models import CostLine
from cofinancing.report import AMOUNT_KEYS, rate
from cofinancing.services.contributions import contribution_save
from partners.models import OrganisationKind
from sterk.money import format_euro
from tests.factories import (
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    FundingLineFactory,
    OrganisationFactory,
    scheme,
)

D = Decimal
TWO_DECIMALS = re.compile(r"^-?\d+\.\d{2}$")
KEYS = {
    "partnership", "scheme", "rate", "base", *AMOUNT_KEYS, "percentage", "met", "by_year",
    "by_kind", "by_organisation", "excluded", "warnings",
}  # fmt: skip


def run(*args) -> str:
    out = StringIO()
    call_command("cofinancing_report", *args, stdout=out)
    return out.getvalue()


def report(*args) -> dict:
    return json.loads(run("twente", "--format", "json", *args))


@pytest.fixture
def budget(partnership, leader):
    """The worked examples of docs/rules.md §5 to §7 in 2026 beside a cost line of € 8,000
    and a subsidy of € 7,500; a school's room and an excluded contribution."""
    with scopes_disabled():
        budget = BudgetFactory(partnership=partnership)
        company = OrganisationFactory(
            partnership=partnership, name="Metaalwerken Hengelo B.V.", kvk_number="12345678"
        )
        smaller = OrganisationFactory(
            partnership=partnership, name="Lasbedrijf Oost", kvk_number="87654321"
        )
        school = OrganisationFactory(
            partnership=partnership,
            name="ROC van Twente",
            kind=OrganisationKind.MBO,
            kvk_number="",
        )

        def save(organisation, kind, description, status="pledged", other_funding="", **inputs):
            contribution_save(
                budget=budget,
                user=leader,
                organisation=organisation,
                activity=None,
                year=2026,
                kind=kind,
                description=description,
                status=status,
                other_funding=other_funding,
                **inputs,
            )

        save(company, "labour", "30 gastlessen van 3 uur", status="realised", hours=D("90"))
        save(company, "depreciation", "CNC-draaibank", acquisition_value=D("60000"),
             life_months=120, months_used=12, project_share=D("100"), machine_id="CNC-1")  # fmt: skip
        save(smaller, "money", "Bijdrage lasdemonstratie", amount=D("1000.50"))
        save(school, "room", "Werkplaats", units=D("20"), unit_price=D("250"))
        save(smaller, "lease", "Robotcel", other_funding="RIF-2024-017", amount=D("999"))
        CostLineFactory(partnership=partnership)  # € 8,000.00 in 2026
        FundingLineFactory(partnership=partnership)  # subsidy € 7,500.00 in 2026
    return budget


def test_json_is_one_object_with_exactly_the_keys_of_the_issue(budget):
    data = report()
    assert set(data) == KEYS
    assert data["partnership"] == "Regio Twente Techniek"
    assert data["scheme"] == "sto-2025-2028"
    assert data["rate"] == "0.10"
    assert data["base"] == "eligible_total"
    assert isinstance(data["met"], bool)
    assert list(data["by_year"]) == ["2025", "2026", "2027", "2028"]
    assert list(data["by_kind"]) == ["money", "labour", "material", "room", "depreciation",
                                     "lease"]  # fmt: skip
    for figures in data["by_year"].values():
        assert set(figures) == {*AMOUNT_KEYS, "percentage", "met"}


def test_every_amount_is_a_string_with_exactly_two_decimals(budget):
    data = report()
    amounts = [data[key] for key in (*AMOUNT_KEYS, "percentage")]
    for figures in data["by_year"].values():
        amounts += [figures[key] for key in (*AMOUNT_KEYS, "percentage")]
    amounts += list(data["by_kind"].values())
    amounts += [item["total"] for item in data["by_organisation"]]
    amounts += [item["value"] for item in data["excluded"]]
    assert amounts and all(isinstance(a, str) and TWO_DECIMALS.match(a) for a in amounts)


def test_figures_follow_the_rules_of_the_budget(budget):
    data = report()
    # in kind 4,500 + 6,000 + 5,000; money 1,000.50; the excluded 999 counts nowhere.
    assert data["total_costs"] == "23500.00"
    assert data["total_funding"] == "24000.50"
    assert data["subsidy"] == "7500.00"
    assert data["business_money"] == "1000.50"
    assert data["business_in_kind"] == "10500.00"
    assert data["business_total"] == "11500.50"
    assert data["base_amount"] == "23500.00"
    assert data["required"] == "2350.00"
    assert data["shortfall"] == "0.00"
    assert data["percentage"] == "48.93"  # 48.938..., rounded down
    assert data["met"] is True
    assert data["by_year"]["2026"]["business_total"] == "11500.50"
    assert data["by_year"]["2025"] == {
        **dict.fromkeys(AMOUNT_KEYS, "0.00"), "percentage": "0.00", "met": True,
    }  # fmt: skip
    assert data["by_kind"] == {
        "money": "1000.50", "labour": "4500.00", "material": "0.00", "room": "5000.00",
        "depreciation": "6000.00", "lease": "0.00",
    }  # fmt: skip


def test_organisations_are_listed_largest_first_with_kvk_and_whether_they_count(budget):
    assert report()["by_organisation"] == [
        {"name": "Metaalwerken Hengelo B.V.", "kvk": "12345678", "counts_as_business": True,
         "total": "10500.00"},
        {"name": "ROC van Twente", "kvk": "", "counts_as_business": False, "total": "5000.00"},
        {"name": "Lasbedrijf Oost", "kvk": "87654321", "counts_as_business": True,
         "total": "1000.50"},
    ]  # fmt: skip


def test_an_excluded_contribution_is_listed_with_its_reason(budget):
    assert report()["excluded"] == [
        {"organisation": "Lasbedrijf Oost", "description": "Robotcel", "value": "999.00",
         "reason": "RIF-2024-017"},
    ]  # fmt: skip


def test_realised_counts_only_realised_contributions_and_realised_costs(budget):
    data = report("--status", "realised")
    assert data["business_total"] == "4500.00"
    # No cost line is realised yet: the costs are the realised labour only.
    assert data["total_costs"] == "4500.00"
    assert data["required"] == "450.00"
    assert data["excluded"] == []
    with scopes_disabled():
        CostLine.objects.filter(partnership=budget.partnership).update(realised_amount=D("8000.00"))
    data = report("--status", "realised")
    assert data["total_costs"] == "12500.00"
    assert data["required"] == "1250.00"


def test_a_machine_claimed_beyond_its_year_is_a_warning(budget, leader):
    # Written around the guard (as data from before it): the report shows it.
    with scopes_disabled():
        organisation = budget.partnership.organisations.get(name="Lasbedrijf Oost")
        for description in ("Freesmachine lessen", "Freesmachine stages"):
            ContributionFactory(
                organisation=organisation, year=2027, kind="depreciation",
                description=description, hours=None, hourly_rate=None,
                acquisition_value=D("1200"), life_months=60, months_used=12,
                machine_id="FR-7", value=D("240.00"),
            )  # fmt: skip
    warnings = report()["warnings"]
    assert len(warnings) == 1
    assert "FR-7" in warnings[0] and "2027" in warnings[0]


def test_the_share_is_written_as_a_decimal_string():
    assert rate(D("0.1000")) == "0.10"
    assert rate(D("0.0750")) == "0.075"
    assert rate(D("0.1250")) == "0.125"
    assert rate(D("1.0000")) == "1.00"


def test_a_scheme_of_seven_and_a_half_percent_reports_rate_0_075(partnership):
    with scopes_disabled():
        BudgetFactory(partnership=partnership, scheme=scheme("sto-2024"))
    data = report()
    assert data["rate"] == "0.075"
    assert list(data["by_year"]) == ["2024"]


def test_a_budget_without_any_rows_reports_zeros(partnership):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
    data = report()
    assert data["business_total"] == "0.00" and data["percentage"] == "0.00"
    assert data["by_organisation"] == [] and data["excluded"] == [] and data["warnings"] == []


def test_text_shows_the_same_figures_in_dutch_euros_aligned(budget):
    text = run("twente", "--format", "text")
    assert "Regio Twente Techniek" in text
    for amount in ("23500.00", "11500.50", "2350.00", "999.00"):
        assert format_euro(D(amount)) in text
    assert "48,93 %" in text
    lines = text.splitlines()
    table = [line for line in lines if format_euro(D("23500.00")) in line]
    # Total costs and base amount: the same figures, right-aligned in the same columns.
    assert len(table) == 2 and len(table[0]) == len(table[1])
    assert table[0].endswith(format_euro(D("23500.00")))
    first, second = lines[3], lines[4]
    assert len(first) == len(second)


def test_text_is_the_default_format(budget):
    assert run("twente") == run("twente", "--format", "text")


def test_an_unknown_partnership_is_an_error(db):
    with pytest.raises(CommandError):
        run("bestaat-niet", "--format", "json")


def test_a_partnership_without_a_budget_is_an_error(partnership):
    with pytest.raises(CommandError):
        run("twente", "--format", "json")
