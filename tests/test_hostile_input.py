"""A forged `next` sends nobody off the site, and a forged id is a form error, never a 500
(the two faults tests/test_fuzz.py found first). Run on SQLite and on PostgreSQL."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from activities.forms.activities import MAX_PARTICIPANT_ROWS
from activities.models import Activity, Evaluation, Goal
from partners.models import Interaction, StageChange
from sterk.redirects import is_local_path, safe_next
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    GoalFactory,
    InteractionFactory,
    OrganisationFactory,
)

HUGE = "99999999999999999999"  # beyond any integer column, 64 bits included
FORGED_NEXT = [
    "foo",
    "//evil.example",
    "https://evil.example",
    "http://evil.example/p/twente/",
    "/\\evil.example",
    "\\\\evil.example",
    "/p/twente/\r\nSet-Cookie: x=1",
    "/p/twente/\x00",
    "javascript:alert(1)",
    "",
    "/" + "x" * 3000,
]

pytestmark = pytest.mark.usefixtures("no_scopes")


def _url(name, **kwargs):
    return reverse(name, kwargs={"slug": "twente", **kwargs})


# --- `next` ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", FORGED_NEXT)
def test_only_a_path_on_this_site_is_a_next_page(target):
    request = RequestFactory().post("/", {"next": target})
    assert not is_local_path(target, request)
    assert safe_next(request, "/home/") == "/home/"


def test_a_path_with_its_query_string_is_kept():
    request = RequestFactory().post("/", {"next": "/p/twente/organisations/?stage=prospect"})
    assert safe_next(request, "/home/") == "/p/twente/organisations/?stage=prospect"


def test_a_get_reads_next_from_the_query_string():
    request = RequestFactory().get("/", {"next": "/p/twente/"})
    assert safe_next(request, "/home/") == "/p/twente/"


def test_on_https_a_full_address_of_this_very_site_over_http_is_refused():
    request = RequestFactory().post("/", {"next": "http://testserver/p/"}, secure=True)
    assert safe_next(request, "/home/") == "/home/"


@pytest.mark.parametrize("target", ["foo", "//evil.example", "https://evil.example"])
def test_moving_in_the_pipeline_with_a_forged_next_goes_to_the_organisation(
    leader_client, partnership, target
):
    organisation = OrganisationFactory(partnership=partnership, stage="approached")
    response = leader_client.post(
        _url("partners:organisation-move", code=organisation.code),
        {"stage": "committed", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("partners:organisation-detail", code=organisation.code)
    organisation.refresh_from_db()
    assert organisation.stage == "committed"  # the move itself still happened
    assert StageChange.objects.filter(organisation=organisation).count() == 1


@pytest.mark.parametrize("target", ["foo", "//evil.example", "https://evil.example"])
def test_marking_a_next_step_done_with_a_forged_next_goes_to_the_follow_up_list(
    leader_client, leader, partnership, target
):
    step = InteractionFactory(
        organisation=OrganisationFactory(partnership=partnership),
        next_step="Offerte sturen",
        next_step_due=datetime.date.today(),
        next_step_owner=leader,
    )
    response = leader_client.post(_url("partners:next-step-done", code=step.code), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == _url("partners:follow-up")
    step.refresh_from_db()
    assert step.next_step_done_by == leader


# --- Ids out of range --------------------------------------------------------------------


def test_an_id_beyond_any_integer_column_matches_no_row(partnership):
    goal = GoalFactory(partnership=partnership)
    huge = int(HUGE)
    assert list(Goal.objects.filter(pk__in=[huge])) == []
    assert list(Goal.objects.filter(pk__in=[huge, -huge, goal.pk])) == [goal]
    assert list(Goal.objects.exclude(pk__in=[huge])) == [goal]
    activity = ActivityFactory(partnership=partnership, lead_organisation=None)
    activity.goals.add(goal)
    assert list(Activity.objects.filter(lead_organisation__in=[huge, -huge])) == []
    assert list(Activity.objects.filter(goals__in=[huge, goal.pk])) == [activity]


def _activity_data(**overrides):
    return {
        "short_code": "G7",
        "title": "Gastlessen lassen",
        "description": "",
        "form": "guest_teachers",
        "lead_organisation": "",
        "start_date": "2026-02-01",
        "end_date": "2026-06-30",
        "status": "planned",
        "horizon": "quick_win",
        "other_funding": "",
        "other_funding_note": "",
        "participants-TOTAL_FORMS": 0,
        "participants-INITIAL_FORMS": 0,
        **overrides,
    }


@pytest.mark.parametrize("goals", [[HUGE], ["-" + HUGE], ["1", HUGE], [HUGE, HUGE + "0"]])
def test_a_huge_goal_id_is_a_form_error_and_saves_nothing(leader_client, partnership, goals):
    response = leader_client.post(_url("activities:activity-create"), _activity_data(goals=goals))
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["goals"]
    assert [error.code for error in errors] == ["invalid_choice"]  # "geen beschikbare keuze"
    assert not Activity.objects.exists()


def test_a_forged_participant_count_is_a_form_error_and_saves_nothing(leader_client):
    response = leader_client.post(
        _url("activities:activity-create"), _activity_data(**{"participants-TOTAL_FORMS": HUGE})
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) <= MAX_PARTICIPANT_ROWS
    assert formset.non_form_errors()
    assert not Activity.objects.exists()


def test_a_huge_contact_id_on_a_contact_moment_is_a_form_error_and_saves_nothing(
    leader_client, partnership
):
    organisation = OrganisationFactory(partnership=partnership)
    ContactFactory(organisation=organisation)
    response = leader_client.post(
        _url("partners:interaction-create", code=organisation.code),
        {
            "kind": "visit_company",
            "date": (datetime.date.today() - datetime.timedelta(days=2)).isoformat(),
            "summary": "Rondleiding.",
            "contacts": [HUGE],
            "members": [HUGE],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "contacts" in errors and "members" in errors
    assert not Interaction.objects.exists()


def test_a_huge_organisation_id_on_an_evaluation_is_a_form_error_and_saves_nothing(
    editor_client, partnership
):
    response = editor_client.post(
        _url("activities:evaluation-create"),
        {"date": datetime.date.today().isoformat(), "organisations": [HUGE, "-1"]},
    )
    assert response.status_code == 200
    assert "organisations" in response.context["form"].errors
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "-1", "1e309", "NaN"])
def test_a_huge_id_in_a_list_filter_is_ignored_not_a_500(leader_client, value):
    for name, field in [
        ("partners:organisation-list", "network"),
        ("partners:organisation-list", "owner"),
        ("activities:activity-list", "goal"),
        ("cofinancing:contribution-list", "organisation"),
        ("partners:follow-up", "owner"),
    ]:
        response = leader_client.get(_url(name), {field: value})
        assert response.status_code == 200, f"{name}?{field}={value}"


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
