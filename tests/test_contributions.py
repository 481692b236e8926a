"""Contribution pages, the live threshold preview and the change history, with bad input
and speed."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cofinancing.models import Contribution
from cofinancing.selectors.contributions import (
    contribution_calculation,
    contribution_effect,
    contribution_fact,
)
from cofinancing.selectors.summary import partnership_summary, threshold_facts
from cofinancing.services.contributions import contribution_save
from partners.models import OrganisationKind
from sterk.money import format_euro
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    FundingLineFactory,
    OrganisationFactory,
)

SCRIPT = "<script>alert(1)</script>"
HUGE = "x" * 10_000

pytestmark = pytest.mark.usefixtures("no_scopes")


def url(name, **kwargs):
    return reverse(f"cofinancing:{name}", kwargs={"slug": "twente", **kwargs})


@pytest.fixture
def budget(partnership):
    return BudgetFactory(partnership=partnership)  # sto-2025-2028: 10%, € 50 an hour


@pytest.fixture
def company(partnership):
    return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def school(partnership):
    return OrganisationFactory(
        partnership=partnership, name="ROC van Twente", kind=OrganisationKind.MBO, kvk_number=""
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def form_data(organisation, /, **overrides):
    """A POST of the contribution page: 90 hours of guest lessons at the default rate."""
    data = {
        "organisation": organisation.pk,
        "activity": "",
        "year": "2026",
        "kind": "labour",
        "description": "Gastlessen CNC",
        "status": "pledged",
        "other_funding": "",
        "amount": "",
        "hours": "90",
        "hourly_rate": "",
        "rate_justification": "",
        "units": "",
        "unit_price": "",
        "acquisition_value": "",
        "residual_value": "",
        "life_months": "",
        "months_used": "",
        "project_share": "",
        "machine_id": "",
    }
    return {**data, **overrides}


def depreciation(**overrides):
    return {
        "kind": "depreciation",
        "hours": "",
        "acquisition_value": "60.000",
        "life_months": "120",
        "months_used": "12",
        "project_share": "50",
        "machine_id": "CNC-1",
        **overrides,
    }


# --- Create and update --------------------------------------------------------------------


def test_editor_adds_labour_at_the_default_rate_valued_hours_times_rate(
    editor_client, budget, company, editor
):
    response = editor_client.post(url("contribution-create"), form_data(company))
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response.url == url("contribution-detail", code=contribution.code)
    assert contribution.value == D("4500.00")
    assert contribution.hourly_rate == D("50.00")
    assert contribution.partnership == budget.partnership
    assert contribution.created_by == editor


def test_dutch_notation_is_accepted_for_amounts(editor_client, budget, company):
    editor_client.post(
        url("contribution-create"),
        form_data(company, kind="money", hours="", amount="1.234,56"),
    )
    assert Contribution.objects.get().value == D("1234.56")


def test_the_worked_depreciation_example_is_valued_per_year(editor_client, budget, company):
    # The rules' CNC lathe, 24 months at 50% (€ 6,000), entered as its first year.
    editor_client.post(url("contribution-create"), form_data(company, **depreciation()))
    contribution = Contribution.objects.get()
    assert contribution.value == D("3000.00")
    assert contribution.residual_value is None  # empty means 0, and stays empty
    response = editor_client.get(url("contribution-detail", code=contribution.code))
    calculation = response.context["calculation"]
    for number in ("€\u00a060.000,00", "€\u00a00,00", "120", "12", "50%", "€\u00a03.000,00"):
        assert number in calculation


def test_room_is_units_times_price(editor_client, budget, company):
    editor_client.post(
        url("contribution-create"),
        form_data(company, kind="room", hours="", units="20", unit_price="250"),
    )
    assert Contribution.objects.get().value == D("5000.00")


def test_a_rate_other_than_the_default_is_saved_with_its_justification(
    editor_client, budget, company
):
    editor_client.post(
        url("contribution-create"),
        form_data(company, hourly_rate="65,50", rate_justification="GPL CAO VO schaal 11"),
    )
    contribution = Contribution.objects.get()
    assert contribution.hourly_rate == D("65.50")
    assert contribution.value == D("5895.00")


def test_inputs_of_another_kind_are_ignored_even_when_they_are_garbage(
    editor_client, budget, company
):
    response = editor_client.post(
        url("contribution-create"), form_data(company, amount="abc", life_months="nul")
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.amount is None
    assert contribution.life_months is None


def test_other_funding_is_saved_and_the_contribution_is_excluded(editor_client, budget, company):
    editor_client.post(url("contribution-create"), form_data(company, other_funding="RIF-2024-017"))
    contribution = Contribution.objects.get()
    assert contribution.is_excluded
    summary = partnership_summary(partnership=budget.partnership)
    assert summary.total.business_total == D("0.00")
    assert [c.excluded_reason for c in summary.excluded] == ["RIF-2024-017"]


def test_the_activity_is_optional_and_limited_to_the_partnership(
    editor_client, budget, company, partnership
):
    activity = ActivityFactory(partnership=partnership)
    editor_client.post(url("contribution-create"), form_data(company, activity=activity.pk))
    assert Contribution.objects.get().activity == activity


def test_editing_changes_the_value_and_clears_the_inputs_of_the_old_kind(
    editor_client, budget, company
):
    contribution = ContributionFactory(organisation=company)
    page = editor_client.get(url("contribution-update", code=contribution.code))
    assert page.status_code == 200
    assert page.context["form"].initial["hours"] == D("10.00")
    response = editor_client.post(
        url("contribution-update", code=contribution.code),
        form_data(company, kind="money", hours="", amount="2.000"),
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.kind == "money"
    assert contribution.value == D("2000.00")
    assert contribution.hours is None
    assert contribution.hourly_rate is None


def test_a_refused_edit_changes_nothing(editor_client, budget, company):
    contribution = ContributionFactory(organisation=company)
    response = editor_client.post(
        url("contribution-update", code=contribution.code), form_data(company, hours="0")
    )
    assert response.status_code == 200
    assert "hours" in response.context["form"].errors
    contribution.refresh_from_db()
    assert contribution.hours == D("10.00")
    assert contribution.value == D("500.00")


def test_the_form_offers_only_this_partnerships_organisations_and_the_schemes_years(
    editor_client, budget, company, other_partnership
):
    stranger = OrganisationFactory(partnership=other_partnership)
    form = editor_client.get(url("contribution-create")).context["form"]
    assert list(form.fields["organisation"].queryset) == [company]
    assert stranger not in form.fields["organisation"].queryset
    years = [value for value, _label in form.fields["year"].choices if value]
    assert years == [2025, 2026, 2027, 2028]
    assert form.fields["hourly_rate"].widget.attrs["placeholder"] == "50,00"


def test_without_a_budget_the_create_page_links_to_the_scheme_choice_and_saves_nothing(
    client, leader, partnership, company
):
    client.force_login(leader)
    response = client.get(url("contribution-create"))
    assert response.status_code == 200
    assert "form" not in response.context
    assert url("budget-scheme").encode() in response.content
    response = client.post(url("contribution-create"), form_data(company))
    assert response.status_code == 200
    assert not Contribution.objects.exists()


# --- Bad input ------------------------------------------------------------------------------

BAD_INPUT = [
    ("negative amount", {"kind": "money", "hours": "", "amount": "-5"}, "amount"),
    ("absurd amount", {"kind": "money", "hours": "", "amount": "100.000.000,01"}, "amount"),
    ("zero hours", {"hours": "0"}, "hours"),
    ("negative hours", {"hours": "-3"}, "hours"),
    ("missing hours", {"hours": ""}, "hours"),
    ("hours as text", {"hours": "abc"}, "hours"),
    ("hours as a list", {"hours": "1,2,3"}, "hours"),
    ("life of zero months", depreciation(life_months="0"), "life_months"),
    ("life as text", depreciation(life_months="tien jaar"), "life_months"),
    ("used beyond the life", depreciation(months_used="121"), "months_used"),
    ("residual at acquisition", depreciation(residual_value="60.000"), "residual_value"),
    ("residual above acquisition", depreciation(residual_value="70000"), "residual_value"),
    ("share of 0%", depreciation(project_share="0"), "project_share"),
    ("share above 100%", depreciation(project_share="100,01"), "project_share"),
    ("room without a price", {"kind": "room", "hours": "", "units": "20"}, "unit_price"),
    ("year before the scheme", {"year": "2024"}, "year"),
    ("year as text", {"year": "volgend jaar"}, "year"),
    ("unknown kind", {"kind": "barter"}, "kind"),
    ("rate without justification", {"hourly_rate": "65"}, "rate_justification"),
    (
        "rate justified by 'x'",
        {"hourly_rate": "95", "rate_justification": "x"},
        "rate_justification",
    ),
    ("huge description", {"description": HUGE}, "description"),
    ("empty description", {"description": "   "}, "description"),
    ("huge other funding", {"other_funding": HUGE}, "other_funding"),
    ("unknown organisation", {"organisation": "999999"}, "organisation"),
]


@pytest.mark.parametrize(("case", "overrides", "field"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_a_field_error_and_saves_nothing(
    editor_client, budget, company, case, overrides, field
):
    response = editor_client.post(url("contribution-create"), form_data(company, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Contribution.objects.exists()


def test_an_organisation_of_another_partnership_is_refused(
    editor_client, budget, company, other_partnership
):
    stranger = OrganisationFactory(partnership=other_partnership)
    response = editor_client.post(
        url("contribution-create"), form_data(company, organisation=stranger.pk)
    )
    assert "organisation" in response.context["form"].errors
    assert not Contribution.objects.exists()


def test_an_activity_of_another_partnership_is_refused(
    editor_client, budget, company, other_partnership
):
    stranger = ActivityFactory(partnership=other_partnership)
    response = editor_client.post(
        url("contribution-create"), form_data(company, activity=stranger.pk)
    )
    assert "activity" in response.context["form"].errors
    assert not Contribution.objects.exists()


def test_hostile_text_is_shown_escaped(editor_client, budget, partnership):
    hostile = OrganisationFactory(partnership=partnership, name=SCRIPT)
    editor_client.post(
        url("contribution-create"),
        form_data(hostile, description=SCRIPT, other_funding=SCRIPT),
    )
    contribution = Contribution.objects.get()
    assert contribution.description == SCRIPT
    pages = [
        editor_client.get(url("contribution-list")),
        editor_client.get(url("contribution-detail", code=contribution.code)),
        editor_client.get(url("contribution-update", code=contribution.code)),
        editor_client.get(url("contribution-delete", code=contribution.code)),
        editor_client.post(url("contribution-preview"), form_data(hostile, description=SCRIPT)),
        editor_client.post(
            url("contribution-create"), form_data(hostile, description=HUGE + SCRIPT)
        ),
    ]
    for page in pages:
        assert page.status_code == 200
        assert SCRIPT.encode() not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1].content


# --- Live preview -------------------------------------------------------------------------


def preview(client, data):
    response = client.post(url("contribution-preview"), data)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0].endswith("partials/preview.html")
    return response.context["preview"]


def test_preview_values_the_contribution_and_shows_its_effect_without_saving(
    editor_client, budget, company, partnership
):
    CostLineFactory(partnership=partnership, amount=D("40000.00"))
    FundingLineFactory(partnership=partnership, amount=D("40000.00"))
    ContributionFactory(organisation=company, value=D("500.00"))
    result = preview(editor_client, form_data(company))
    assert result["value"] == D("4500.00")
    assert result["errors"] == []
    current = partnership_summary(partnership=partnership).total
    assert result["current"] == current
    after = result["effect"].after
    assert after.business_total == current.business_total + D("4500.00")
    # In kind counts as a cost too: base 40,000 + 500 + 4,500, 10% of it.
    assert after.base_amount == D("45000.00")
    assert after.required == D("4500.00")
    assert after.met and not current.met
    assert after.shortfall == D("0.00")
    assert after.percentage == D("11.11")
    assert Contribution.objects.count() == 1


def test_preview_of_a_non_business_contribution_raises_the_required_amount_only(
    editor_client, budget, school, partnership
):
    CostLineFactory(partnership=partnership, amount=D("40000.00"))
    result = preview(editor_client, form_data(school))
    effect = result["effect"]
    assert effect.after.business_total == effect.current.business_total
    assert effect.after.required == effect.current.required + D("450.00")


def test_preview_of_an_excluded_contribution_changes_no_figure(
    editor_client, budget, company, partnership
):
    CostLineFactory(partnership=partnership)
    result = preview(editor_client, form_data(company, other_funding="RIF"))
    assert result["value"] == D("4500.00")
    assert result["excluded"]
    assert result["effect"].after == result["effect"].current


def test_preview_of_an_edit_replaces_the_old_value(editor_client, budget, company, partnership):
    CostLineFactory(partnership=partnership)
    old = ContributionFactory(organisation=company, value=D("500.00"))
    result = preview(editor_client, form_data(company, hours="20", contribution=str(old.code)))
    effect = result["effect"]
    assert result["value"] == D("1000.00")
    assert effect.after.business_total == effect.current.business_total + D("500.00")
    old.refresh_from_db()
    assert old.value == D("500.00")


def test_preview_of_an_excluded_contribution_being_edited_back_into_the_count(
    editor_client, budget, company, partnership
):
    old = ContributionFactory(organisation=company, value=D("500.00"), other_funding="RIF")
    result = preview(editor_client, form_data(company, hours="10", contribution=str(old.code)))
    effect = result["effect"]
    assert effect.current.business_total == D("0.00")
    assert effect.after.business_total == D("500.00")


def test_preview_flags_a_machine_depreciated_twice_in_a_year(editor_client, budget, company):
    # 12 months of CNC-7 in 2026 already: 6 more (12 at 50%) pass the year's 12.
    ContributionFactory(
        organisation=company, kind="depreciation", machine_id="CNC-7", hours=None,
        value=D("10"), months_used=12, life_months=120,
    )  # fmt: skip
    result = preview(editor_client, form_data(company, **depreciation(machine_id="cnc-7")))
    assert len(result["effect"].new_warnings) == 1
    assert "CNC-7" in result["effect"].new_warnings[0]


def test_preview_without_organisation_still_shows_the_value(editor_client, budget):
    result = preview(editor_client, {"kind": "labour", "hours": "12", "year": "2026"})
    assert result["value"] == D("600.00")
    assert result["effect"] is None
    assert result["errors"] == []


def test_preview_shows_the_rule_that_is_broken(editor_client, budget, company):
    result = preview(editor_client, form_data(company, **depreciation(months_used="130")))
    assert result["value"] is None
    assert len(result["errors"]) == 1


GARBAGE = [
    {},
    {"kind": "labour"},
    {"kind": "barter", "hours": "12"},
    {"kind": "labour", "hours": "abc", "year": "2026"},
    {"kind": "labour", "hours": "1,2,3", "hourly_rate": "-1"},
    {"kind": "labour", "hours": "1e400"},
    {"kind": "labour", "hours": "NaN"},
    {"kind": "money", "amount": "9" * 10_000},
    {"kind": "depreciation", "acquisition_value": "10", "residual_value": "20", "life_months": "0"},
    {"kind": "room", "units": "-1", "unit_price": "x"},
    {"kind": "labour", "hours": "5", "organisation": "abc", "year": "99999999999"},
    {"kind": "labour", "hours": "5", "contribution": "not-a-uuid"},
    {"kind": "labour", "hours": "5", "contribution": "00000000-0000-0000-0000-000000000000"},
    {"kind": ["labour", "money"], "hours": "5", "description": HUGE + SCRIPT},
]


@pytest.mark.parametrize("data", GARBAGE)
def test_preview_answers_garbage_with_messages_never_an_error_page(editor_client, budget, data):
    response = editor_client.post(url("contribution-preview"), data)
    assert response.status_code == 200
    assert SCRIPT.encode() not in response.content
    assert not Contribution.objects.exists()


def test_preview_lists_the_messages_of_invalid_inputs(editor_client, budget, company):
    result = preview(editor_client, form_data(company, hours="abc"))
    assert result["value"] is None
    assert len(result["errors"]) == 1


def test_preview_without_a_budget_answers_without_figures(editor_client, partnership):
    response = editor_client.post(url("contribution-preview"), {"kind": "labour", "hours": "1"})
    assert response.status_code == 200
    assert "preview" not in response.context


def test_the_form_page_posts_the_preview_while_typing(editor_client, budget, company):
    contribution = ContributionFactory(organisation=company)
    content = editor_client.get(url("contribution-update", code=contribution.code)).content
    assert f'hx-post="{url("contribution-preview")}"'.encode() in content
    assert b'hx-trigger="input changed delay:300ms, change"' in content
    assert b'aria-live="polite"' in content
    assert f'name="contribution" value="{contribution.code}"'.encode() in content
    for kinds in (b"money material lease", b"labour", b"room", b"depreciation"):
        assert b'data-contribution-kinds="' + kinds + b'"' in content


def test_the_facts_summarised_again_equal_the_partnership_summary(budget, company, school):
    partnership = budget.partnership
    CostLineFactory(partnership=partnership, amount=D("12345.67"))
    FundingLineFactory(partnership=partnership, amount=D("9000.00"))
    ContributionFactory(organisation=company, value=D("500.00"))
    ContributionFactory(organisation=school, value=D("250.00"), year=2027)
    ContributionFactory(organisation=company, value=D("99.00"), other_funding="RIF")
    for _ in range(2):
        ContributionFactory(
            organisation=company, kind="depreciation", machine_id="M1", hours=None, value=D("7")
        )
    facts = threshold_facts(budget=budget)
    assert facts.summarize() == partnership_summary(partnership=partnership)


def test_the_effect_of_a_new_contribution_agrees_with_saving_it(budget, company, editor):
    partnership = budget.partnership
    CostLineFactory(partnership=partnership, amount=D("20000.00"))
    ContributionFactory(organisation=company, value=D("500.00"))
    fact = contribution_fact(organisation=company, year=2027, kind="labour", value=D("1500.00"))
    effect = contribution_effect(facts=threshold_facts(budget=budget), fact=fact)
    contribution_save(
        budget=budget, user=editor, organisation=company, activity=None, year=2027,
        kind="labour", description="Stages", status="pledged", other_funding="",
        hours=D("30"), hourly_rate=None, rate_justification="",
    )  # fmt: skip
    assert effect.after == partnership_summary(partnership=partnership).total


def test_the_calculation_reads_as_the_worked_examples():
    labour = contribution_calculation(
        kind="labour", inputs={"hours": D("90")}, value=D("4500"), default_rate=D("50")
    )
    assert labour.startswith("90 ")
    assert labour.endswith("€\u00a050,00 = €\u00a04.500,00")
    room = contribution_calculation(
        kind="room", inputs={"units": D("20"), "unit_price": D("250")}, value=D("5000"),
        default_rate=D("50"),
    )  # fmt: skip
    assert room.startswith("20 ") and room.endswith("€\u00a0250,00 = €\u00a05.000,00")


# --- List ---------------------------------------------------------------------------------


def test_the_list_shows_every_contribution_with_totals_summed_in_sql(
    client, viewer, budget, company, school
):
    ContributionFactory(organisation=company, value=D("500.00"))
    ContributionFactory(organisation=school, value=D("250.00"))
    ContributionFactory(organisation=company, value=D("99.99"), other_funding="RIF")
    client.force_login(viewer)
    response = client.get(url("contribution-list"))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.count, totals.total, totals.counted, totals.business) == (
        3, D("849.99"), D("750.00"), D("500.00"),
    )  # fmt: skip
    assert format_euro(D("849.99")).encode() in response.content
    # A viewer sees no write buttons.
    assert url("contribution-create").encode() not in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "money"}, {"Sponsoring"}),
        ({"year": "2027"}, {"Ruimte"}),
        ({"status": "realised"}, {"Sponsoring"}),
        ({"business": "yes"}, {"Gastlessen", "Sponsoring", "Dubbel"}),
        ({"business": "no"}, {"Ruimte"}),
        ({"excluded": "yes"}, {"Dubbel"}),
        ({"excluded": "no"}, {"Gastlessen", "Sponsoring", "Ruimte"}),
        ({"q": "gastles"}, {"Gastlessen"}),
        ({"q": "  "}, {"Gastlessen", "Sponsoring", "Ruimte", "Dubbel"}),
    ],
)
def test_the_list_filters(editor_client, budget, company, school, query, expected):
    ContributionFactory(organisation=company, description="Gastlessen")
    ContributionFactory(
        organisation=company, description="Sponsoring", kind="money", status="realised"
    )
    ContributionFactory(organisation=school, description="Ruimte", kind="room", year=2027)
    ContributionFactory(organisation=company, description="Dubbel", other_funding="RIF")
    response = editor_client.get(url("contribution-list"), query)
    assert {c.description for c in response.context["page"]} == expected


def test_the_list_filters_by_organisation_of_this_partnership_only(
    editor_client, budget, company, school, other_partnership
):
    ContributionFactory(organisation=company, description="Gastlessen")
    ContributionFactory(organisation=school, description="Ruimte")
    response = editor_client.get(url("contribution-list"), {"organisation": school.pk})
    assert [c.description for c in response.context["page"]] == ["Ruimte"]
    stranger = OrganisationFactory(partnership=other_partnership)
    response = editor_client.get(url("contribution-list"), {"organisation": stranger.pk})
    assert "organisation" in response.context["filter"].errors


def test_the_list_pages_by_fifty_and_totals_cover_every_page(editor_client, budget, company):
    bulk(company, 51)
    response = editor_client.get(url("contribution-list"))
    assert len(response.context["page"].object_list) == 50
    assert response.context["totals"].total == D("25500.00")
    assert len(editor_client.get(url("contribution-list"), {"page": 2}).context["page"]) == 1


def test_the_list_of_an_empty_partnership_shows_an_empty_state(editor_client, budget):
    response = editor_client.get(url("contribution-list"))
    assert response.status_code == 200
    assert not response.context["page"].object_list
    assert url("contribution-create").encode() in response.content


def test_the_list_never_shows_another_partnerships_contributions(
    editor_client, budget, other_partnership
):
    ContributionFactory(organisation=OrganisationFactory(partnership=other_partnership))
    response = editor_client.get(url("contribution-list"))
    assert response.context["totals"].count == 0


# --- Speed --------------------------------------------------------------------------------


def bulk(organisation, count):
    activity = ActivityFactory(partnership=organisation.partnership)
    Contribution.objects.bulk_create(
        Contribution(
            partnership=organisation.partnership,
            organisation=organisation,
            activity=activity if n % 2 else None,
            year=2025 + n % 4,
            kind="labour",
            description=f"Gastles {n}",
            hours=D("10"),
            hourly_rate=D("50"),
            value=D("500.00"),
            other_funding="RIF" if n % 10 == 0 else "",
        )
        for n in range(count)
    )


def count_queries(client, path, data=None, method="get"):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data or {})
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_at_5_and_2000_contributions(
    editor_client, budget, company, partnership
):
    bulk(company, 5)
    few = count_queries(editor_client, url("contribution-list"))
    filtered_few = count_queries(editor_client, url("contribution-list"), {"business": "yes"})
    bulk(OrganisationFactory(partnership=partnership), 1995)
    assert count_queries(editor_client, url("contribution-list")) == few
    assert (
        count_queries(editor_client, url("contribution-list"), {"business": "yes"}) == filtered_few
    )


def test_the_preview_runs_the_same_queries_at_5_and_2000_contributions(
    editor_client, budget, company, partnership
):
    bulk(company, 5)
    data = form_data(company, **depreciation(machine_id="M1"))
    few = count_queries(editor_client, url("contribution-preview"), data, method="post")
    bulk(OrganisationFactory(partnership=partnership), 1995)
    assert count_queries(editor_client, url("contribution-preview"), data, method="post") == few


def test_the_detail_page_runs_the_same_queries_however_long_the_history(
    editor_client, budget, company, partnership
):
    activity = ActivityFactory(partnership=partnership)
    contribution = ContributionFactory(organisation=company, activity=activity)
    detail = url("contribution-detail", code=contribution.code)
    few = count_queries(editor_client, detail)
    other = OrganisationFactory(partnership=partnership)
    for hours in range(11, 41):
        editor_client.post(
            url("contribution-update", code=contribution.code),
            form_data(other if hours % 2 else company, hours=str(hours), activity=activity.pk),
        )
    assert contribution.history.count() == 31
    assert count_queries(editor_client, detail) == few


# --- Detail, history, delete --------------------------------------------------------------


def test_the_history_shows_who_changed_which_value_from_old_to_new(
    editor_client, editor, budget, company
):
    editor_client.post(url("contribution-create"), form_data(company, hours="10"))
    contribution = Contribution.objects.get()
    editor_client.post(
        url("contribution-update", code=contribution.code),
        form_data(company, hours="20", status="confirmed"),
    )
    history = editor_client.get(url("contribution-detail", code=contribution.code)).context[
        "history"
    ]
    assert len(history) == 2
    edit, created = history
    assert edit.who == editor and created.who == editor
    changes = {(old, new) for _label, old, new in edit.changes}
    assert ("10", "20") in changes
    assert (format_euro(D("500")), format_euro(D("1000"))) in changes
    assert len(edit.changes) == 3  # hours, status and value; nothing else changed


def test_the_history_names_organisations_not_ids(editor_client, budget, company, school):
    contribution = ContributionFactory(organisation=company)
    editor_client.post(url("contribution-update", code=contribution.code), form_data(school))
    history = editor_client.get(url("contribution-detail", code=contribution.code)).context[
        "history"
    ]
    changes = {(old, new) for _label, old, new in history[0].changes}
    assert (company.name, school.name) in changes


def test_the_detail_shows_inputs_and_hides_write_buttons_from_viewers(
    client, viewer, budget, company
):
    contribution = ContributionFactory(
        organisation=company, hours=D("90"), value=D("4500.00"), other_funding="RIF-2024"
    )
    client.force_login(viewer)
    response = client.get(url("contribution-detail", code=contribution.code))
    assert response.status_code == 200
    assert b"RIF-2024" in response.content
    assert format_euro(D("4500")).encode() in response.content
    assert url("contribution-update", code=contribution.code).encode() not in response.content
    assert url("contribution-delete", code=contribution.code).encode() not in response.content


def test_delete_asks_first_then_deletes_on_post(editor_client, budget, company):
    contribution = ContributionFactory(organisation=company)
    confirm = editor_client.get(url("contribution-delete", code=contribution.code))
    assert confirm.status_code == 200
    assert Contribution.objects.exists()
    response = editor_client.post(url("contribution-delete", code=contribution.code))
    assert response.status_code == 302
    assert response.url == url("contribution-list")
    assert not Contribution.objects.exists()


def test_another_partnerships_contribution_is_not_found(editor_client, budget, other_partnership):
    stranger = ContributionFactory(organisation=OrganisationFactory(partnership=other_partnership))
    for name in ("contribution-detail", "contribution-update", "contribution-delete"):
        assert editor_client.get(url(name, code=stranger.code)).status_code == 404
    assert editor_client.post(url("contribution-delete", code=stranger.code)).status_code == 404
    assert Contribution.objects.filter(pk=stranger.pk).exists()


def test_a_preview_cannot_subtract_another_partnerships_contribution(
    editor_client, budget, company, other_partnership
):
    stranger = ContributionFactory(organisation=OrganisationFactory(partnership=other_partnership))
    result = preview(editor_client, form_data(company, contribution=str(stranger.code)))
    assert result["replacing"] is None
    assert result["effect"].after.business_total == D("4500.00")
