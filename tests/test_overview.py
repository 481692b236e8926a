"""The cofinancing overview and the dashboard panel: the threshold at a glance, for
contributions pledged and up and for realised ones, with speed."""

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from cofinancing.models import Contribution
from cofinancing.selectors.summary import REALISED_AND_UP, partnership_summary
from partners.models import Role
from partners.tenancy import Tenant
from tests.factories import (
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    FundingLineFactory,
    OrganisationFactory,
)

SCRIPT = "<script>alert(1)</script>"
D = Decimal
OVERVIEW = reverse("cofinancing:overview", kwargs={"slug": "twente"})
SCHEME = reverse("cofinancing:budget-scheme", kwargs={"slug": "twente"})


@pytest.fixture
def budget(partnership):
    with scopes_disabled():
        return BudgetFactory(partnership=partnership)  # sto-2025-2028: 10% of total costs


@pytest.fixture
def company(partnership):
    with scopes_disabled():
        return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def school(partnership):
    with scopes_disabled():
        return OrganisationFactory(partnership=partnership, name="ROC van Twente", kind="mbo")


def money(organisation, amount, **fields):
    return ContributionFactory(
        organisation=organisation,
        kind="money",
        amount=D(amount),
        hours=None,
        hourly_rate=None,
        value=D(amount),
        **fields,
    )


@pytest.fixture
def contributions(partnership, budget, company, school):
    """Costs € 10,000 in 2026; the company pledged € 1,000 money and realised € 500 labour;
    the school realised € 250 labour; € 700 is funded by another scheme."""
    with scopes_disabled():
        CostLineFactory(
            partnership=partnership, year=2026, amount=D("10000.00"), realised_amount=D("10000.00")
        )
        # Realised but not eligible: in neither tab's base.
        CostLineFactory(
            partnership=partnership, year=2026, amount=D("0.00"), realised_amount=D("2100.00"),
            eligible=False, ineligible_reason="recoverable_vat",
        )  # fmt: skip
        FundingLineFactory(partnership=partnership, year=2026, amount=D("9000.00"))
        money(company, "1000.00", status="pledged")
        ContributionFactory(organisation=company, status="realised", year=2025)
        ContributionFactory(organisation=school, status="realised", hours=D("5"), value=D("250.00"))
        money(company, "700.00", status="realised", other_funding="RIF 2024")
    return budget


def overview(client, status=None):
    response = client.get(OVERVIEW, {"status": status} if status else {})
    assert response.status_code == 200
    return response


def test_pledged_and_up_counts_a_pledged_contribution_realised_does_not(
    leader_client, contributions
):
    pledged = overview(leader_client).context["overview"].summary.total
    # costs 10,000 + in kind 750 = 10,750; required 10% = 1,075.00
    assert pledged.total_costs == D("10750.00")
    assert pledged.business_money == D("1000.00")
    assert pledged.business_in_kind == D("500.00")  # the school is not business
    assert pledged.business_total == D("1500.00")
    assert pledged.required == D("1075.00")
    assert pledged.shortfall == D("0.00")
    assert pledged.percentage == D("13.95")  # 13.953…, rounded down
    assert pledged.met is True

    realised = overview(leader_client, "realised").context["overview"].summary.total
    assert realised.business_money == D("0.00")
    assert realised.business_total == D("500.00")
    assert realised.required == D("1075.00")
    assert realised.shortfall == D("575.00")
    assert realised.percentage == D("4.65")  # 4.651…
    assert realised.met is False


def test_the_page_shows_the_figures_of_the_chosen_tab(leader_client, contributions):
    def figure(response, name):
        match = re.search(rf'data-figure="{name}">([^<]*)', response.content.decode())
        return unescape(match.group(1)).strip()

    pledged, realised = overview(leader_client), overview(leader_client, "realised")
    assert figure(pledged, "business_total") == "€\xa01.500,00"
    assert figure(realised, "business_total") == "€\xa0500,00"
    assert figure(pledged, "shortfall") == "€\xa00,00"
    assert figure(realised, "shortfall") == "€\xa0575,00"
    assert figure(realised, "percentage") == "4,65%"
    assert pledged.context["status"] == "pledged"
    assert realised.context["status"] == "realised"


def test_an_unknown_status_shows_pledged_and_up(leader_client, contributions):
    response = overview(leader_client, "bogus")
    assert response.context["status"] == "pledged"
    assert response.context["overview"].summary.total.business_total == D("1500.00")


def test_overview_lists_excluded_contributions_with_their_reason(leader_client, contributions):
    response = overview(leader_client, "realised")
    excluded = response.context["overview"].summary.excluded
    assert [(c.value, c.excluded_reason) for c in excluded] == [(D("700.00"), "RIF 2024")]
    assert b"RIF 2024" in response.content


def test_overview_shows_the_warning_for_a_machine_depreciated_twice(leader_client, budget, company):
    with scopes_disabled():
        for _ in range(2):
            ContributionFactory(
                organisation=company,
                kind="depreciation",
                hours=None,
                hourly_rate=None,
                acquisition_value=D("60000"),
                life_months=120,
                months_used=24,
                project_share=D("50"),
                machine_id="CNC-42",
                value=D("6000.00"),
            )
    response = overview(leader_client)
    assert len(response.context["overview"].summary.warnings) == 1
    assert b"CNC-42" in response.content


def _json_script(response, element_id):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def _table(response, element_id):
    table = re.search(
        rf'<table[^>]*id="{element_id}".*?</table>', response.content.decode(), re.S
    ).group(0)
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>.*?data-value="([^"]+)"', table, re.S)
    return [unescape(label) for label, _ in rows], [value for _, value in rows]


def test_the_charts_draw_exactly_the_data_of_the_tables_beside_them(leader_client, contributions):
    response = overview(leader_client)
    kind = _json_script(response, "chart-kind-data")
    assert (kind["labels"], kind["values"]) == _table(response, "table-kind")
    # In the order of the kinds: money, labour, material, room, depreciation, lease.
    assert kind["values"] == ["1000.00", "750.00", "0.00", "0.00", "0.00", "0.00"]

    organisations = _json_script(response, "chart-organisation-data")
    labels, values = _table(response, "table-organisation")
    assert (organisations["labels"], organisations["values"]) == (labels, values)
    assert labels == ["Metaalwerken Hengelo", "ROC van Twente"]  # largest first
    assert values == ["1500.00", "250.00"]
    assert organisations["business"] == [True, False]


def test_names_and_descriptions_are_escaped_in_the_page_and_the_chart_data(
    leader_client, budget, partnership
):
    with scopes_disabled():
        hostile = OrganisationFactory(partnership=partnership, name=SCRIPT)
        money(hostile, "100.00", description=SCRIPT)
        money(hostile, "50.00", description=SCRIPT, other_funding=SCRIPT)
    response = overview(leader_client)
    assert SCRIPT.encode() not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    assert _json_script(response, "chart-organisation-data")["labels"] == [SCRIPT]


def test_overview_without_a_budget_invites_the_leader_to_choose_a_scheme(
    leader_client, client, viewer
):
    response = overview(leader_client)
    assert response.context["overview"] is None
    assert SCHEME.encode() in response.content
    client.force_login(viewer)
    response = overview(client)
    assert response.context["overview"] is None
    assert SCHEME.encode() not in response.content


def test_overview_without_contributions_shows_no_charts(leader_client, budget):
    response = overview(leader_client)
    assert response.context["overview"].has_contributions is False
    assert b"chart-kind-data" not in response.content
    assert b"chart.umd.min.js" not in response.content
    assert reverse("cofinancing:contribution-create", kwargs={"slug": "twente"}).encode() in (
        response.content
    )


def test_overview_loads_the_vendored_chart_library_when_there_is_data(leader_client, contributions):
    content = overview(leader_client).content
    assert b"vendor/chartjs-4.6.1/chart.umd.min.js" in content
    assert b"js/cofinancing-charts.js" in content


def test_the_per_year_table_has_every_year_of_the_scheme(leader_client, contributions):
    data = overview(leader_client).context["overview"]
    assert data.summary.years == [2025, 2026, 2027, 2028]
    business = next(row for row in data.year_rows if row.key == "business_total")
    assert business.cells == [D("500.00"), D("1000.00"), D("0.00"), D("0.00")]
    assert business.total == D("1500.00")


@pytest.mark.parametrize("status", [None, "realised"])
def test_overview_runs_the_same_queries_for_5_and_2000_contributions(
    leader_client, partnership, budget, status
):
    with scopes_disabled():
        organisations = OrganisationFactory.create_batch(5, partnership=partnership)

    def add(start, count):
        with scopes_disabled():
            Contribution.objects.bulk_create(
                Contribution(
                    partnership=partnership,
                    organisation=organisations[i % 5],
                    year=2025 + i % 4,
                    kind=["money", "material", "lease"][i % 3],
                    description=f"Bijdrage {i}",
                    status=["pledged", "realised"][i % 2],
                    amount=D("10.00"),
                    value=D("10.00"),
                    other_funding="RIF" if i % 50 == 0 else "",
                )
                for i in range(start, start + count)
            )

    def queries():
        with CaptureQueriesContext(connection) as context:
            overview(leader_client, status)
        return len(context.captured_queries)

    add(0, 5)
    few = queries()
    add(5, 1995)
    assert queries() == few


# --- The dashboard panel --------------------------------------------------------------------


def _panel(partnership, summary, role=Role.LEADER):
    return render_to_string(
        "cofinancing/_dashboard_panel.html",
        {"cofinancing": summary, "tenant": Tenant(partnership=partnership, role=role)},
    )


def test_dashboard_panel_shows_total_required_shortfall_and_link(partnership, contributions):
    with scopes_disabled():
        summary = partnership_summary(partnership=partnership, statuses=REALISED_AND_UP)
    html = _panel(partnership, summary)
    assert "€\xa0500,00" in html  # business total
    assert "€\xa01.075,00" in html  # required
    assert "€\xa0575,00" in html  # shortfall
    assert "4,65" in html
    assert "text-bg-danger" in html  # not met
    assert OVERVIEW in html


def test_dashboard_panel_shows_the_share_met(partnership, contributions):
    with scopes_disabled():
        summary = partnership_summary(partnership=partnership)
    html = _panel(partnership, summary)
    assert "text-bg-success" in html
    assert "bar-w-100" in html  # 1,500 of 1,075: the bar is full


def test_dashboard_panel_without_a_budget_links_the_leader_to_the_scheme(partnership):
    assert SCHEME in _panel(partnership, None)
    assert SCHEME not in _panel(partnership, None, role=Role.VIEWER)
