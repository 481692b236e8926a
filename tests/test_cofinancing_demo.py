"""The demo region's budget and contributions."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.apps import apps
from django_scopes import scopes_disabled

from activities import demo as activities_demo
from cofinancing import demo as cofinancing_demo
from cofinancing.exporter import export_workbook
from cofinancing.importer import import_workbook
from cofinancing.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    CostCategory,
    CostLine,
    Evidence,
    FundingLine,
)
from cofinancing.report import partnership_report
from cofinancing.selectors.evidence import missing_evidence
from cofinancing.selectors.settlement import settlement
from cofinancing.selectors.summary import (
    REALISED_AND_UP,
    partnership_budget,
    partnership_summary,
)
from cofinancing.services.contributions import ALL_INPUTS, contribution_value
from partners import demo as partners_demo
from partners.models import Partnership


def seed_all():
    with scopes_disabled():
        partnership = partners_demo.seed()
        activities_demo.seed(partnership)
        cofinancing_demo.seed(partnership)
    return partnership


@pytest.fixture
def region(db, no_scopes):
    return seed_all()


def row_counts():
    with scopes_disabled():
        return {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models(include_auto_created=True)
        }


def test_the_budget_follows_sto_2025_2028(region):
    budget = partnership_budget(partnership=region)
    assert budget.scheme.code == "sto-2025-2028"


def test_business_meets_the_share_pledged_and_up_without_the_overrides_too(region):
    summary = partnership_summary(partnership=region)
    total = summary.total
    assert total.met
    assert total.shortfall == Decimal("0.00")
    # The O&O fund counts only by the leader's override; without it the share is still met,
    # just above the 10%.
    assert [o.name for o in summary.override_organisations] == [
        "Stichting Opleidingsfonds Techniek Voorbeeldregio"
    ]
    assert not summary.met_only_by_overrides
    assert Decimal("10.00") <= summary.without_overrides.percentage <= Decimal("10.50")


def test_the_region_is_in_its_second_year(region):
    """2025 realised with its costs, 2026 partly, 2027–2028 pledged; one cancelled."""
    contributions = Contribution.objects.filter(partnership=region)
    statuses = {year: set(contributions.filter(year=year).values_list("status", flat=True))
                for year in (2025, 2026, 2027, 2028)}  # fmt: skip
    assert statuses[2025] == {"realised"}
    assert {"realised", "confirmed", "cancelled"} <= statuses[2026]
    assert statuses[2027] | statuses[2028] <= {"pledged"}
    cancelled = contributions.get(status="cancelled")
    assert len(cancelled.cancel_reason) > 40
    lines = CostLine.objects.filter(partnership=region)
    assert not lines.filter(year=2025, realised_amount__isnull=True).exists()
    assert lines.filter(year=2026, realised_amount__isnull=False).exists()
    assert lines.filter(year=2026, realised_amount__isnull=True).exists()
    assert not lines.filter(year__gte=2027, realised_amount__isnull=False).exists()
    assert lines.filter(eligible=False, ineligible_reason="recoverable_vat").count() == 1
    # Realised otherwise than pledged, in its own fields beside the pledge.
    lessons = contributions.get(description="Dertig gastlessen verspanen van drie uur")
    assert (lessons.hours, lessons.realised_quantity) == (Decimal("90.00"), Decimal("84.00"))
    assert lessons.realised_value == Decimal("4200.00")


def test_realised_the_share_is_met_only_thanks_to_the_override_and_the_forecast_is_met(region):
    realised = partnership_summary(partnership=region, statuses=REALISED_AND_UP)
    assert realised.total.met and realised.met_only_by_overrides
    budget = partnership_budget(partnership=region)
    period = settlement(partnership=region, budget=budget).period
    assert period.will_be_met
    assert period.forecast.percentage > Decimal("10.00")


def test_evidence_is_there_for_2025_but_for_a_few_pieces(region):
    missing = missing_evidence(region, 2025)
    assert 1 <= len(missing) <= 5
    assert {row.description for row in missing} >= {"Begeleiding ontwerp groen dak"}
    assert Evidence.objects.filter(partnership=region).count() >= 20


def test_every_kind_is_contributed_and_by_business(region):
    summary = partnership_summary(partnership=region)
    assert all(summary.by_kind[kind] > 0 for kind in ContributionKind.values)
    business_kinds = set(
        Contribution.objects.filter(
            partnership=region, organisation__counts_as_business=True, other_funding=""
        ).values_list("kind", flat=True)
    )
    assert business_kinds == set(ContributionKind.values)


def test_the_rif_activity_takes_out_what_does_not_say_why_it_is_not_double_financed(region):
    summary = partnership_summary(partnership=region)
    assert [(c.organisation_name, c.kind, c.excluded_reason) for c in summary.excluded] == [
        ("ROC Voorbeeldstad", "labour", "activiteit A15 wordt betaald uit RIF-2024-017"),
        ("Robotica Heidelo B.V.", "lease", "RIF-2024-017"),
    ]
    # The engineer's hours at A15 say why they are not paid by the RIF: they count.
    engineer = Contribution.objects.filter(
        partnership=region,
        activity__short_code="A15",
        kind="labour",
        organisation__name__startswith="Rob",
    )
    assert engineer.count() == 4 and not any(c.is_excluded for c in engineer)


def test_one_machine_in_two_contributions_of_a_year_stays_within_its_limits(region):
    # The CNC lathe serves two activities in 2026 (6 + 1,2 weighted months): allowed, and
    # no warning, since the guard keeps every claim within the year and the life.
    machine = Contribution.objects.filter(partnership=region, machine_id="VDM-CNC-2019-01")
    assert machine.filter(year=2026).count() == 2
    assert partnership_summary(partnership=region).warnings == []


def test_every_value_is_the_value_of_its_inputs_by_the_rules(region):
    budget = partnership_budget(partnership=region)
    contributions = Contribution.objects.filter(partnership=region)
    assert contributions.count() >= 40
    for contribution in contributions:
        contribution.full_clean()
        fields = {name: getattr(contribution, name) for name in ALL_INPUTS}
        expected = contribution_value(budget=budget, kind=contribution.kind, fields=fields)
        assert contribution.value == expected, contribution.description


def test_labour_at_the_default_rate_and_at_another_rate_with_a_justification(region):
    labour = Contribution.objects.filter(partnership=region, kind="labour")
    default = partnership_budget(partnership=region).scheme.default_hourly_rate
    assert labour.filter(hourly_rate=default, rate_justification="").exists()
    others = labour.exclude(hourly_rate=default)
    assert others.exists()
    assert all(c.rate_justification.strip() for c in others)


def test_statuses_are_spread_and_every_contribution_names_a_demo_activity(region):
    contributions = Contribution.objects.filter(partnership=region)
    # Certified comes with the companies' signed statements (issue 14).
    assert set(contributions.values_list("status", flat=True)) == set(ContributionStatus.values) - {
        ContributionStatus.CERTIFIED
    }
    codes = {code for code, *_rest in activities_demo.ACTIVITIES}
    assert set(contributions.values_list("activity__short_code", flat=True)) <= codes


def test_the_budget_has_every_cost_category_in_every_year_and_balances(region):
    lines = CostLine.objects.filter(partnership=region)
    assert set(lines.values_list("year", "category")) >= {
        (year, category) for year in (2025, 2026, 2027, 2028) for category in CostCategory.values
    }
    for line in lines:
        assert line.amount == (line.unit_price * line.quantity).quantize(Decimal("0.01"))
    funding = FundingLine.objects.filter(partnership=region)
    assert set(funding.values_list("source", flat=True)) == {"subsidy", "schools", "other_public"}
    subsidy = sum(f.amount for f in funding if f.source == "subsidy")
    assert subsidy > sum(f.amount for f in funding) / 2
    summary = partnership_summary(partnership=region)
    assert all(figures.balance == 0 for figures in summary.by_year.values())


def test_seeding_twice_changes_no_row_counts(region):
    before = row_counts()
    seed_all()
    assert row_counts() == before


def test_seeding_keeps_what_users_changed(region):
    contribution = Contribution.objects.filter(partnership=region, kind="money").first()
    contribution.status = ContributionStatus.REALISED
    contribution.save()
    seed_all()
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.REALISED


def test_the_demo_data_is_the_same_on_every_run(db, no_scopes):
    def snapshot():
        return (
            sorted(
                Contribution.objects.values_list(
                    "organisation__name", "activity__short_code", "year", "kind", "description",
                    "status", "value", "realised_on", "realised_quantity", "realised_value",
                ),
                key=str,
            ),
            sorted(CostLine.objects.values_list(
                "year", "category", "description", "amount", "realised_amount", "eligible"
            )),
            sorted(Evidence.objects.values_list("name", "kind", "sha256")),
            sorted(FundingLine.objects.values_list("year", "source", "description", "amount")),
        )  # fmt: skip

    seed_all()
    first = snapshot()
    for model in (Evidence, Contribution, CostLine, FundingLine):
        model.objects.all().delete()
    seed_all()
    assert snapshot() == first


def test_the_demo_survives_the_export_and_import_round_trip(region):
    budget = partnership_budget(partnership=region)
    content = export_workbook(partnership=region, budget=budget)
    result = import_workbook(BytesIO(content), partnership="demo-kopie")
    assert result.ok, result.error_messages
    copy = Partnership.objects.get(slug="demo-kopie")
    assert partnership_report(
        partnership=copy, budget=partnership_budget(partnership=copy)
    ) == partnership_report(partnership=region, budget=budget)


def test_demo_leader_can_open_the_cofinancing_pages_and_download_the_export(region, client):
    login = {"username": partners_demo.DEMO_ACCOUNTS[0][0], "password": partners_demo.DEMO_PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302
    base = f"/p/{partners_demo.DEMO_SLUG}/cofinancing/"
    for path in ("", "?status=realised", "budget/", "contributions/", "export/"):
        assert client.get(base + path).status_code == 200, path
