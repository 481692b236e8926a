"""Realising a contribution by worked example to the cent, undoing and cancelling it, what
a certified contribution refuses, the cost line's realisation and eligibility, and bad or
hostile input on every new field."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cofinancing.forms.contributions import ContributionForm
from cofinancing.forms.realisation import RealiseForm, default_date
from cofinancing.models import Contribution, ContributionStatus
from cofinancing.selectors.summary import partnership_summary
from cofinancing.services.contributions import contribution_delete, contribution_save
from cofinancing.services.realisation import (
    contribution_cancel,
    contribution_realise,
    contribution_unrealise,
)
from tests.factories import BudgetFactory, ContributionFactory, OrganisationFactory

pytestmark = pytest.mark.usefixtures("no_scopes")

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HUGE = "x" * 10_000
TODAY = datetime.date(2026, 12, 7)
DAY = datetime.date(2026, 10, 1)
REASON = "Het bedrijf trekt de toezegging in na de reorganisatie."


@pytest.fixture(autouse=True)
def _english():
    """The services' messages in English, whatever the catalogue holds; the pages choose
    their own language per request, so page tests compare with the translated message."""
    with translation.override("en"):
        yield


def in_dutch(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


CERTIFIED = (
    "This is confirmed by a signed statement of the company; it can no longer be changed. "
    "If it is wrong, the company signs a new statement."
)


def url(name, **kwargs):
    return reverse(f"cofinancing:{name}", kwargs={"slug": "twente", **kwargs})


@pytest.fixture
def budget(partnership):
    return BudgetFactory(partnership=partnership)  # sto-2025-2028: € 50 an hour


@pytest.fixture
def company(partnership):
    return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def pledge(budget, company, leader, **fields):
    """A contribution saved through the service, as the form saves it."""
    base = {"organisation": company, "activity": None, "year": 2026, "description": "Gastlessen"}
    return contribution_save(budget=budget, user=leader, **{**base, **fields})


def lessons(budget, company, leader, **fields):
    """30 guest lessons of 4 hours at the default € 50: 120 hours, € 6.000,00."""
    return pledge(budget, company, leader, kind="labour", hours=D("120"), **fields)


def lathe(budget, company, leader, months=12, share=D("50"), **fields):
    """The rules' CNC lathe: € 60.000, life 120 months, at 50%."""
    return pledge(
        budget, company, leader, kind="depreciation", acquisition_value=D("60000"),
        life_months=120, months_used=months, project_share=share, machine_id="CNC-01",
        description=fields.pop("description", "CNC-draaibank"), **fields,
    )  # fmt: skip


def realise(budget, contribution, leader, quantity, on=DAY):
    return contribution_realise(
        budget=budget, contribution=contribution, user=leader, realised_on=on,
        realised_quantity=quantity, today=TODAY,
    )  # fmt: skip


def certified(company, **fields):
    return ContributionFactory(
        organisation=company, status="certified", realised_on=DAY,
        realised_quantity=D("10"), realised_value=D("500.00"), **fields,
    )  # fmt: skip


# --- Worked examples, to the cent ---------------------------------------------------------


def test_labour_is_realised_at_the_hours_given_times_the_rate(budget, company, leader):
    contribution = lessons(budget, company, leader)
    assert contribution.value == D("6000.00")
    # 30 lessons × 3 hours were given, not 4: 90 h × € 50 = € 4.500,00.
    realised = realise(budget, contribution, leader, D("90"))
    assert realised.status == ContributionStatus.REALISED
    assert realised.realised_quantity == D("90")
    assert realised.realised_value == D("4500.00")
    assert realised.realised_on == DAY
    assert realised.history.first().history_user == leader
    realised.refresh_from_db()
    assert (realised.hours, realised.value) == (D("120.00"), D("6000.00"))  # the pledge stays


def test_labour_is_realised_at_the_contributions_own_rate(budget, company, leader):
    contribution = lessons(
        budget, company, leader, hourly_rate=D("47.35"),
        rate_justification="Het uurtarief volgt schaal 8 van de cao Metalektro.",
    )  # fmt: skip
    # 33,5 h × € 47,35 = € 1.586,225, rounded half up to € 1.586,23.
    assert realise(budget, contribution, leader, "33.5").realised_value == D("1586.23")


def test_room_is_realised_at_the_units_used(budget, company, leader):
    room = pledge(
        budget, company, leader, kind="room", units=D("20"), unit_price=D("250"),
        description="Praktijklokaal",
    )  # fmt: skip
    assert room.value == D("5000.00")
    assert realise(budget, room, leader, D("17")).realised_value == D("4250.00")


def test_a_machine_is_realised_at_the_months_actually_used(budget, company, leader):
    contribution = lathe(budget, company, leader)
    assert contribution.value == D("3000.00")  # 60.000 ÷ 120 × 12 × 50%
    # Used 7 months: 60.000 ÷ 120 × 7 × 50% = € 1.750,00.
    assert realise(budget, contribution, leader, D("7")).realised_value == D("1750.00")


def test_a_machine_with_a_residual_value_is_valued_as_one_fraction(budget, company, leader):
    contribution = pledge(
        budget, company, leader, kind="depreciation", acquisition_value=D("10000"),
        residual_value=D("1000"), life_months=84, months_used=6, project_share=D("40"),
        machine_id="LAS-7", description="Lasrobot",
    )  # fmt: skip
    # (10.000 − 1.000) × 5 × 40% ÷ 84 = 214,2857… → € 214,29.
    assert realise(budget, contribution, leader, 5).realised_value == D("214.29")


@pytest.mark.parametrize("kind", ["money", "material", "lease"])
def test_money_material_and_lease_are_realised_at_the_amount(budget, company, leader, kind):
    contribution = pledge(budget, company, leader, kind=kind, amount=D("1500.00"))
    assert realise(budget, contribution, leader, "1234.56").realised_value == D("1234.56")


def test_realising_again_corrects_and_the_same_again_changes_nothing(budget, company, leader):
    contribution = realise(budget, lessons(budget, company, leader), leader, D("90"))
    records = contribution.history.count()
    same = realise(budget, contribution, leader, D("90"))
    assert same.history.count() == records
    corrected = realise(budget, contribution, leader, D("80"))
    assert corrected.realised_value == D("4000.00")
    assert corrected.history.count() == records + 1


def test_a_realised_contribution_counts_at_its_realised_value(budget, company, leader):
    realise(budget, lessons(budget, company, leader), leader, D("90"))
    realised = partnership_summary(partnership=budget.partnership, statuses=("realised",))
    assert realised.total.business_total == D("4500.00")
    pledged = partnership_summary(partnership=budget.partnership)
    assert pledged.total.business_total == D("6000.00")


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (D("-5"), "above zero"),
        (D("0"), "above zero"),
        ("abc", "number"),
        ("", "actually given"),
        (None, "actually given"),
        ("NaN", "number"),
        ("Infinity", "number"),
        (1.5, "number"),
        (D("1.005"), "two decimals"),
        (D("1000001"), "1,000,000 hours"),
    ],
)
def test_a_bad_quantity_is_refused_and_nothing_changes(budget, company, leader, quantity, message):
    contribution = lessons(budget, company, leader)
    with pytest.raises(ValidationError) as refused:
        realise(budget, contribution, leader, quantity)
    assert message in " ".join(refused.value.message_dict["realised_quantity"])
    contribution.refresh_from_db()
    assert contribution.status == "pledged"
    assert contribution.realised_value is None


def test_an_absurd_amount_is_refused(budget, company, leader):
    money = pledge(budget, company, leader, kind="money", amount=D("1000"))
    with pytest.raises(ValidationError) as refused:
        realise(budget, money, leader, D("100000000.01"))
    assert "realised_quantity" in refused.value.message_dict


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(2024, 12, 31), "scheme's period"),
        (datetime.date(2029, 1, 1), "scheme's period"),
        (TODAY + datetime.timedelta(days=1), "up to today"),
        ("2026-10-01", "date it was given"),
        (None, "date it was given"),
    ],
)
def test_a_date_outside_the_period_or_in_the_future_is_refused(
    budget, company, leader, day, message
):
    contribution = lessons(budget, company, leader)
    with pytest.raises(ValidationError) as refused:
        realise(budget, contribution, leader, D("90"), on=day)
    assert message in " ".join(refused.value.message_dict["realised_on"])


def test_today_itself_is_a_realisation_date(budget, company, leader):
    contribution = lessons(budget, company, leader)
    assert realise(budget, contribution, leader, D("90"), on=TODAY).realised_on == TODAY


@pytest.mark.parametrize("months", [13, D("6.5")])
def test_a_machine_realises_whole_months_of_its_own_year(budget, company, leader, months):
    contribution = lathe(budget, company, leader)
    with pytest.raises(ValidationError) as refused:
        realise(budget, contribution, leader, months)
    assert "realised_quantity" in refused.value.message_dict


def test_a_machine_month_claimed_twice_through_realisation_is_refused(budget, company, leader):
    first = lathe(budget, company, leader, months=6, share=D("100"))
    lathe(budget, company, leader, months=6, share=D("100"), description="CNC, tweede helft")
    # 7 months used instead of 6: 13 months of one machine in 2026.
    with pytest.raises(ValidationError) as refused:
        realise(budget, first, leader, 7)
    text = " ".join(refused.value.messages)
    assert "CNC-01" in text
    assert "CNC, tweede helft" in text
    first.refresh_from_db()
    assert first.status == "pledged"
    assert realise(budget, first, leader, 6).realised_value == D("3000.00")


def test_a_cancelled_contribution_is_not_realised(budget, company, leader):
    contribution = lessons(budget, company, leader)
    contribution_cancel(budget=budget, contribution=contribution, user=leader, reason=REASON)
    with pytest.raises(ValidationError, match="cancelled"):
        realise(budget, contribution, leader, D("90"))


# --- Certified: never changed -------------------------------------------------------------


def test_a_certified_contribution_is_refused_by_every_service(budget, company, leader):
    contribution = certified(company)
    for attempt in (
        lambda: realise(budget, contribution, leader, D("5")),
        lambda: contribution_unrealise(budget=budget, contribution=contribution, user=leader),
        lambda: contribution_cancel(
            budget=budget, contribution=contribution, user=leader, reason=REASON
        ),
        lambda: contribution_save(
            budget=budget, user=leader, contribution=contribution, organisation=company,
            activity=None, year=2026, kind="labour", description="Anders", hours=D("1"),
        ),
        lambda: contribution_delete(contribution=contribution),
    ):  # fmt: skip
        with pytest.raises(ValidationError, match="signed statement"):
            attempt()
    contribution.refresh_from_db()
    assert contribution.status == "certified"
    assert contribution.description == "Gastlessen CNC"


def test_the_form_and_the_service_never_make_a_contribution_certified(budget, company, leader):
    with pytest.raises(ValidationError) as refused:
        lessons(budget, company, leader, status="certified")
    assert "status" in refused.value.message_dict
    form = ContributionForm(partnership=budget.partnership, budget=budget)
    assert [value for value, _label in form.fields["status"].choices] == ["pledged", "confirmed"]


def test_the_pages_of_a_certified_contribution_offer_no_change(editor_client, budget, company):
    contribution = certified(company)
    page = editor_client.get(url("contribution-detail", code=contribution.code))
    assert page.context["realise_form"] is None
    assert url("contribution-update", code=contribution.code) not in page.content.decode()
    response = editor_client.post(
        url("contribution-realise", code=contribution.code),
        {"realised_on": "2026-10-01", "realised_quantity": "5"},
    )
    assert response.status_code == 200
    assert in_dutch(CERTIFIED) in response.content.decode()
    response = editor_client.post(url("contribution-delete", code=contribution.code))
    assert response.status_code == 302
    assert Contribution.objects.filter(pk=contribution.pk).exists()


# --- Undo and cancel ----------------------------------------------------------------------


def test_undoing_a_realisation_goes_back_to_what_it_was(budget, company, leader):
    contribution = lessons(budget, company, leader, status="confirmed")
    realise(budget, contribution, leader, D("90"))
    undone = contribution_unrealise(budget=budget, contribution=contribution, user=leader)
    assert undone.status == "confirmed"
    assert (undone.realised_on, undone.realised_quantity, undone.realised_value) == (None,) * 3
    assert undone.value == D("6000.00")


def test_cancelling_needs_a_sentence(budget, company, leader):
    contribution = lessons(budget, company, leader)
    for reason in ("", "x", "zie bijlage", HUGE):
        with pytest.raises(ValidationError) as refused:
            contribution_cancel(
                budget=budget, contribution=contribution, user=leader, reason=reason
            )
        assert "reason" in refused.value.message_dict
    contribution.refresh_from_db()
    assert contribution.status == "pledged"


def test_a_cancelled_contribution_counts_nowhere(budget, company, leader):
    contribution = lessons(budget, company, leader)
    cancelled = contribution_cancel(
        budget=budget, contribution=contribution, user=leader, reason=REASON
    )
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", REASON)
    assert partnership_summary(partnership=budget.partnership).total.business_total == D("0.00")


# --- The pages ----------------------------------------------------------------------------


def test_the_detail_page_shows_pledge_and_realisation_side_by_side(
    editor_client, budget, company, leader
):
    contribution = realise(budget, lessons(budget, company, leader), leader, D("90"))
    page = editor_client.get(url("contribution-detail", code=contribution.code)).content.decode()
    assert "€\xa06.000,00" in page and "€\xa04.500,00" in page
    assert 'data-detail="realised-calculation"' in page
    calculation = editor_client.get(url("contribution-detail", code=contribution.code)).context[
        "realised_calculation"
    ]
    assert calculation == "90 u × €\xa050,00 = €\xa04.500,00"  # Dutch: uur


def test_the_realise_form_defaults_to_the_pledge_and_a_date_in_its_year(budget, company, leader):
    contribution = lessons(budget, company, leader, year=2025)
    form = RealiseForm(contribution=contribution)
    assert form.initial["realised_quantity"] == D("120")
    assert default_date(contribution, today=TODAY) == datetime.date(2025, 12, 31)
    assert default_date(lessons(budget, company, leader), today=TODAY) == TODAY
    assert "(hours)" in str(form.fields["realised_quantity"].label)


def test_an_editor_realises_with_a_dutch_number_and_a_second_post_changes_nothing(
    editor_client, budget, company, leader
):
    contribution = lessons(budget, company, leader)
    data = {"realised_on": "2026-10-01", "realised_quantity": "87,5"}
    first = editor_client.post(url("contribution-realise", code=contribution.code), data)
    assert first.status_code == 302
    contribution.refresh_from_db()
    assert contribution.realised_value == D("4375.00")
    records = contribution.history.count()
    second = editor_client.post(url("contribution-realise", code=contribution.code), data)
    assert second.status_code == 302
    assert contribution.history.count() == records


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"realised_on": "2026-10-01", "realised_quantity": "-3"}, "realised_quantity"),
        ({"realised_on": "2026-10-01", "realised_quantity": "veel"}, "realised_quantity"),
        ({"realised_on": "2026-10-01", "realised_quantity": SCRIPT}, "realised_quantity"),
        ({"realised_on": "2099-01-01", "realised_quantity": "3"}, "realised_on"),
        ({"realised_on": "2020-01-01", "realised_quantity": "3"}, "realised_on"),
        ({"realised_on": SCRIPT, "realised_quantity": "3"}, "realised_on"),
        ({"realised_on": "2026-10-01", "realised_quantity": "9" * 30}, "realised_quantity"),
    ],
)
def test_bad_input_on_the_realise_form_is_a_field_error(
    editor_client, budget, company, leader, data, field
):
    contribution = lessons(budget, company, leader)
    response = editor_client.post(url("contribution-realise", code=contribution.code), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert SCRIPT not in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.status == "pledged"


def test_cancel_asks_first_and_shows_the_reason_escaped(editor_client, budget, company, leader):
    contribution = lessons(budget, company, leader)
    cancel = url("contribution-cancel", code=contribution.code)
    assert editor_client.get(cancel).status_code == 200
    refused = editor_client.post(cancel, {"reason": "x"})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    too_long = editor_client.post(cancel, {"reason": HUGE})
    assert too_long.status_code == 200 and too_long.context["form"].errors["reason"]
    reason = f"{SCRIPT} het bedrijf trok de toezegging in."
    assert editor_client.post(cancel, {"reason": reason}).status_code == 302
    page = editor_client.get(url("contribution-detail", code=contribution.code)).content.decode()
    assert SCRIPT not in page and ESCAPED in page


def test_undo_asks_first_and_is_posted(editor_client, budget, company, leader):
    contribution = realise(budget, lessons(budget, company, leader), leader, D("90"))
    page = editor_client.get(url("contribution-unrealise", code=contribution.code))
    assert page.status_code == 200 and b'<form method="post"' in page.content
    contribution.refresh_from_db()
    assert contribution.status == "realised"  # asking changed nothing
    response = editor_client.post(url("contribution-unrealise", code=contribution.code))
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == "pledged"


def test_a_cancellation_can_be_undone_back_to_the_status_before(
    editor_client, budget, company, leader
):
    contribution = realise(budget, lessons(budget, company, leader), leader, D("84"))
    cancel = url("contribution-cancel", code=contribution.code)
    editor_client.post(cancel, {"reason": "Het bedrijf trok de toezegging in, per abuis."})
    contribution.refresh_from_db()
    assert contribution.status == "cancelled"
    page = editor_client.get(url("contribution-detail", code=contribution.code)).content.decode()
    assert url("contribution-reinstate", code=contribution.code) in page
    editor_client.post(url("contribution-reinstate", code=contribution.code))
    contribution.refresh_from_db()
    assert (contribution.status, contribution.cancel_reason) == ("realised", "")
    assert contribution.realised_quantity == D("84")


def test_a_viewer_cannot_realise_or_cancel(client, viewer, budget, company, leader):
    contribution = lessons(budget, company, leader)
    client.force_login(viewer)
    data = {"realised_on": "2026-10-01", "realised_quantity": "90"}
    assert client.post(url("contribution-realise", code=contribution.code), data).status_code == 403
    assert (
        client.post(url("contribution-cancel", code=contribution.code), {"reason": REASON})
    ).status_code == 403
    contribution.refresh_from_db()
    assert contribution.status == "pledged"
    page = client.get(url("contribution-detail", code=contribution.code))
    assert page.context["realise_form"] is None


def test_editing_a_realised_contribution_keeps_its_realisation(
    editor_client, budget, company, leader
):
    contribution = realise(budget, lessons(budget, company, leader), leader, D("90"))
    form = editor_client.get(url("contribution-update", code=contribution.code)).context["form"]
    assert "status" not in form.fields
    data = {
        "organisation": company.pk, "activity": "", "year": "2026", "kind": "labour",
        "description": "Gastlessen lassen", "other_funding": "", "not_double_financed": "",
        "hours": "100", "hourly_rate": "", "rate_justification": "", "status": "pledged",
    }  # fmt: skip
    response = editor_client.post(url("contribution-update", code=contribution.code), data)
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert (contribution.status, contribution.value) == ("realised", D("5000.00"))
    assert contribution.realised_value == D("4500.00")
    money = {**data, "kind": "money", "amount": "100", "hours": ""}
    refused = editor_client.post(url("contribution-update", code=contribution.code), money)
    assert refused.status_code == 200 and refused.context["form"].errors["kind"]


def test_the_list_filters_on_the_new_statuses_and_shows_realised_values(
    editor_client, budget, company, leader
):
    realise(budget, lessons(budget, company, leader), leader, D("90"))
    contribution_cancel(
        budget=budget, contribution=lessons(budget, company, leader, description="Weg"),
        user=leader, reason=REASON,
    )  # fmt: skip
    realised = editor_client.get(url("contribution-list"), {"status": "realised"})
    assert realised.context["totals"].count == 1
    assert realised.context["totals"].realised_business == D("4500.00")
    cancelled = editor_client.get(url("contribution-list"), {"status": "cancelled"})
    assert cancelled.context["totals"].count == 1
    assert cancelled.context["totals"].counted == D("0.00")


def test_the_admin_shows_a_certified_contribution_read_only(admin_client, company):
    contribution = certified(company)
    change = reverse("admin:cofinancing_contribution_change", args=[contribution.pk])
    response = admin_client.get(change)
    assert response.status_code == 200
    assert 'name="description"' not in response.content.decode()
    delete = reverse("admin:cofinancing_contribution_delete", args=[contribution.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Contribution.objects.filter(pk=contribution.pk).exists()
