"""Speed where it was missing (docs/rules.md, "Speed"): the dashboard's lean cofinancing
totals equal the full summary; long organisation and activity choices load on demand; the
overview shows the top 20 and pages the rest. Query counts hold at 5 and at 2,000
organisations."""

import random
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import demo as activities_demo
from activities.models import Activity, CooperationForm
from cofinancing import demo as cofinancing_demo
from cofinancing.models import Budget, Contribution, CostLine, FundingLine
from cofinancing.selectors.dashboard import dashboard_cofinancing
from cofinancing.selectors.summary import PLEDGED_AND_UP, REALISED_AND_UP, partnership_summary
from partners import demo as partners_demo
from partners.models import Organisation
from tests.factories import BudgetFactory, OrganisationFactory, scheme

D = Decimal
KINDS = ["company", "mbo", "vmbo", "branch_organisation", "government"]
STATUSES = ["pledged", "confirmed", "realised", "certified", "cancelled"]


def assert_lean_equals_summary(partnership):
    lean = dashboard_cofinancing(partnership=partnership)
    for statuses, threshold in ((PLEDGED_AND_UP, lean.pledged), (REALISED_AND_UP, lean.realised)):
        full = partnership_summary(partnership=partnership, statuses=statuses)
        assert threshold.total == full.total
        assert threshold.without_overrides == full.without_overrides
        assert threshold.has_overrides == full.has_overrides
        assert threshold.met_only_by_overrides == full.met_only_by_overrides


def test_lean_dashboard_totals_equal_the_full_summary_for_the_demo(db):
    with scopes_disabled():
        partnership = partners_demo.seed()
        activities_demo.seed(partnership)
        cofinancing_demo.seed(partnership)
        assert Contribution.objects.filter(partnership=partnership).exists()
        assert_lean_equals_summary(partnership)


def test_no_budget_means_no_panel(partnership):
    with scopes_disabled():
        assert dashboard_cofinancing(partnership=partnership) is None


class Rollback(Exception):
    pass


def build_random_region(partnership, rng: random.Random, organisations: int, rows: int):
    """Organisations of every kind, some counted as business by override; contributions of
    every status, some funded elsewhere (themselves or by their activity); cost lines
    eligible or not, realised or not; funding lines of every source."""
    orgs = []
    for index in range(organisations):
        kind = rng.choice(KINDS)
        override = rng.choice([None, None, True, False])
        orgs.append(
            Organisation.objects.create(
                partnership=partnership, name=f"Org {index}", kind=kind,
                business_override=override,
                business_justification="Werkt mee als bedrijf." if override is not None else "",
            )
        )  # fmt: skip
    activities = [
        Activity.objects.create(
            partnership=partnership, short_code=f"A{index}", title=f"Activiteit {index}",
            form=CooperationForm.GUEST_TEACHERS, other_funding=rng.choice(["", "", "Regio Deal"]),
        )
        for index in range(3)
    ]  # fmt: skip

    def money(low=0, high=500000):
        return D(rng.randint(low, high)) / 100

    for index in range(rows):
        status = rng.choice(STATUSES)
        kind = rng.choice(["money", "labour", "material", "room", "depreciation", "lease"])
        realised = money() if status in ("realised", "certified") and rng.random() < 0.7 else None
        Contribution.objects.create(
            partnership=partnership, organisation=rng.choice(orgs), year=rng.randint(2025, 2028),
            kind=kind, description=f"Bijdrage {index}", status=status,
            cancel_reason="Gaat niet door." if status == "cancelled" else "",
            value=money(), realised_value=realised,
            other_funding=rng.choice(["", "", "", "ESF"]),
            activity=rng.choice([None, *activities]),
            not_double_financed=rng.choice(["", "", "Andere uren."]),
        )  # fmt: skip
    for index in range(rng.randint(0, 6)):
        eligible = rng.random() < 0.8
        CostLine.objects.create(
            partnership=partnership, year=rng.randint(2025, 2028), category="material",
            description=f"Kosten {index}", unit_price=D("1.00"), quantity=D("1"),
            amount=money(), realised_amount=rng.choice([None, money()]), eligible=eligible,
            ineligible_reason="" if eligible else "recoverable_vat",
            activity=rng.choice([None, *activities]),
            not_double_financed=rng.choice(["", "Andere uren."]),
        )  # fmt: skip
    for index in range(rng.randint(0, 4)):
        FundingLine.objects.create(
            partnership=partnership, year=rng.randint(2025, 2028),
            source=rng.choice(["subsidy", "schools", "other_public", "other"]),
            description=f"Financiering {index}", amount=money(),
        )  # fmt: skip


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32),
    base=st.sampled_from(["sto-2025-2028", "eligible_total", "subsidy"]),
)
def test_lean_dashboard_totals_equal_the_full_summary_for_random_data(partnership, seed, base):
    rng = random.Random(seed)
    try:
        with scopes_disabled(), transaction.atomic():
            budget = BudgetFactory(partnership=partnership, scheme=scheme())
            if base != "sto-2025-2028":
                budget.scheme.base = base
                budget.scheme.save(update_fields=["base"])
            build_random_region(partnership, rng, rng.randint(1, 12), rng.randint(0, 40))
            assert_lean_equals_summary(Budget.objects.get(pk=budget.pk).partnership)
            raise Rollback
    except Rollback:
        pass


# Query counts at 5 and at 2,000 organisations ---------------------------------------------


def grow(partnership, until: int):
    """Organisations up to `until` (every third not business), each with a contribution,
    and an activity per ten organisations: bulk, fast."""
    with scopes_disabled():
        have = Organisation.objects.filter(partnership=partnership).count()
        organisations = Organisation.objects.bulk_create(
            Organisation(
                partnership=partnership, name=f"Bedrijf {index:04} B.V.",
                kind="company" if index % 3 else "mbo", city="Hengelo",
            )
            for index in range(have, until)
        )  # fmt: skip
        Contribution.objects.bulk_create(
            Contribution(
                partnership=partnership, organisation=organisation, year=2026, kind="labour",
                description="Gastlessen", hours=D("10"), hourly_rate=D("50.00"),
                value=D(500 + index), status="realised" if index % 2 else "pledged",
            )
            for index, organisation in enumerate(organisations)
        )  # fmt: skip
        Activity.objects.bulk_create(
            Activity(
                partnership=partnership, short_code=f"B{index}", title=f"Techniekdag {index}",
                form=CooperationForm.GUEST_TEACHERS,
            )
            for index in range(have // 10, until // 10)
        )  # fmt: skip


def count_queries(client, url, data=None):
    cache.clear()  # the dashboard's kept panels: count the queries that compute them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(queries), response


def url(name, **kwargs):
    return reverse(name, kwargs={"slug": "twente", **kwargs})


PAGES = [
    ("dashboard", None),
    ("cofinancing:contribution-list", None),
    ("cofinancing:contribution-list", {"organisation": "first"}),
    ("cofinancing:contribution-create", None),
    ("cofinancing:overview", None),
    ("cofinancing:overview", {"status": "realised"}),
    ("cofinancing:overview-organisations", None),
    ("cofinancing:overview-organisations", {"page": "3"}),
    ("partners:organisation-options", {"q": "bedrijf"}),
    ("partners:organisation-options", None),
    ("activities:activity-options", {"q": "techniek"}),
    ("cofinancing:evidence-missing", None),
    ("partners:organisation-board", None),
    ("activities:participant-row", {"participants-TOTAL_FORMS": "2"}),
    ("search", {"q": "bedrijf"}),
]


@pytest.mark.parametrize(("name", "data"), PAGES)
def test_pages_run_the_same_queries_at_5_and_2000_organisations(
    leader_client, partnership, name, data
):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
    grow(partnership, 5)

    def query():
        if data and data.get("organisation") == "first":
            with scopes_disabled():
                first = Organisation.objects.filter(partnership=partnership).order_by("pk")[0]
            return {"organisation": first.pk}
        return data

    few, _ = count_queries(leader_client, url(name), query())
    grow(partnership, 2000)
    many, response = count_queries(leader_client, url(name), query())
    assert many == few
    # No page carries thousands of rows: the largest (the contribution list) stays small.
    assert len(response.content) < 200_000


def organisation_options_of(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r"<option[^>]*>", select.group(1))


def test_the_contribution_list_renders_the_chosen_organisation_only(
    leader_client, partnership, other_partnership
):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
    grow(partnership, 2000)
    with scopes_disabled():
        chosen = Organisation.objects.get(partnership=partnership, name="Bedrijf 1234 B.V.")
        stranger = OrganisationFactory(partnership=other_partnership)
    page = url("cofinancing:contribution-list")
    html = leader_client.get(page).content.decode()
    assert html.count("<option") < 60  # kind, year, status, yes/no: never 2,000
    assert organisation_options_of(html, "organisation") == ['<option value="" selected>']
    assert 'data-remote-options="/p/twente/partners/options/"' in html

    response = leader_client.get(page, {"organisation": chosen.pk})
    assert [c.organisation_id for c in response.context["page"]] == [chosen.pk]
    html = response.content.decode()
    assert organisation_options_of(html, "organisation") == [
        '<option value="">',
        f'<option value="{chosen.pk}" selected>',
    ]
    assert "Bedrijf 1234 B.V." in html

    for forged in (stranger.pk, "9999999", "1 OR 1=1", "<script>alert(1)</script>", "9" * 40):
        response = leader_client.get(page, {"organisation": forged})
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert "organisation" in response.context["filter"].errors
            assert "<script>alert(1)</script>" not in response.content.decode()
            assert stranger.name not in response.content.decode()


def test_the_contribution_form_renders_the_chosen_organisation_and_activity_only(
    leader_client, partnership
):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
    grow(partnership, 600)  # 60 activities: more than partners.widgets.FULL_OPTIONS
    html = leader_client.get(url("cofinancing:contribution-create")).content.decode()
    assert len(organisation_options_of(html, "organisation")) == 1
    assert len(organisation_options_of(html, "activity")) == 1
    assert 'data-remote-options="/p/twente/activities/options/"' in html


def options(client, name, q=None):
    response = client.get(url(name), {} if q is None else {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_organisation_options_match_every_word_and_stop_at_20(
    viewer, client, partnership, other_partnership
):
    client.force_login(viewer)
    grow(partnership, 60)
    with scopes_disabled():
        OrganisationFactory(partnership=partnership, name="Lasbedrijf Oost", city="Almelo")
        OrganisationFactory(partnership=other_partnership, name="Lasbedrijf West", city="Almelo")
    assert len(options(client, "partners:organisation-options")) == 20
    assert len(options(client, "partners:organisation-options", "bedrijf")) == 20
    found = options(client, "partners:organisation-options", "lasbedrijf almelo")
    assert [row["text"] for row in found] == ["Lasbedrijf Oost (Almelo)"]
    assert found[0]["value"].isdigit()
    assert options(client, "partners:organisation-options", "Bedrijf 0042")[0]["text"] == (
        "Bedrijf 0042 B.V. (Hengelo)"
    )
    assert options(client, "partners:organisation-options", "West") == []


def test_activity_options_match_code_or_title(viewer, client, partnership, other_partnership):
    client.force_login(viewer)
    grow(partnership, 300)
    with scopes_disabled():
        Activity.objects.create(
            partnership=other_partnership, short_code="X1", title="Techniekdag elders",
            form=CooperationForm.GUEST_TEACHERS,
        )  # fmt: skip
    assert len(options(client, "activities:activity-options", "techniekdag")) == 20
    assert [r["text"] for r in options(client, "activities:activity-options", "B7 ")] == [
        "B7 Techniekdag 7"
    ]
    assert options(client, "activities:activity-options", "elders") == []


@pytest.mark.parametrize(
    "q",
    ["", " ", "x" * 10_000, "' OR 1=1 --", "%", "_", "<script>alert(1)</script>", "\\", "a\x00b"],
)
@pytest.mark.parametrize("name", ["partners:organisation-options", "activities:activity-options"])
def test_options_survive_hostile_queries(leader_client, partnership, name, q):
    grow(partnership, 30)
    response = leader_client.get(url(name), {"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        results = response.json()["results"]
        assert len(results) <= 20
        if q in ("' OR 1=1 --", "%", "_", "<script>alert(1)</script>"):
            assert results == []


@pytest.mark.parametrize("name", ["partners:organisation-options", "activities:activity-options"])
def test_options_of_another_partnership_are_not_found(client, outsider, partnership, name):
    client.force_login(outsider)
    assert client.get(url(name), {"q": "a"}).status_code == 404


def test_the_overview_shows_the_top_20_and_the_others_summed(leader_client, partnership):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
    grow(partnership, 2000)
    response = leader_client.get(url("cofinancing:overview"))
    overview = response.context["overview"]
    slices = overview.by_organisation
    assert len(slices) == 21
    assert slices[-1].key == "others"
    assert str(slices[-1].label).startswith("1.980 ")  # Dutch grouping, in the page's language
    with scopes_disabled():
        full = partnership_summary(partnership=partnership)
    assert [s.value for s in slices[:20]] == [o.total for o in full.by_organisation[:20]]
    assert sum(s.value for s in slices) == sum(o.total for o in full.by_organisation)
    assert len(overview.organisation_chart["labels"]) == 21
    html = response.content.decode()
    assert html.count('data-row="others"') == 1
    assert len(response.content) < 100_000
    assert url("cofinancing:overview-organisations") in html


def test_the_full_list_of_organisations_pages_by_50(leader_client, partnership):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
    grow(partnership, 2000)
    page = leader_client.get(url("cofinancing:overview-organisations")).context["page"]
    assert len(page.object_list) == 50
    assert page.paginator.count == 2000
    assert page.paginator.num_pages == 40
    last = leader_client.get(url("cofinancing:overview-organisations"), {"page": "999"})
    assert len(last.context["page"].object_list) == 50
    assert last.context["page"].number == 40
    realised = leader_client.get(
        url("cofinancing:overview-organisations"), {"status": "realised"}
    ).context["page"]
    assert realised.paginator.count == 1000


def test_the_full_list_without_a_budget_is_an_empty_state(leader_client):
    response = leader_client.get(url("cofinancing:overview-organisations"))
    assert response.status_code == 200
    assert not response.context["page"].object_list
