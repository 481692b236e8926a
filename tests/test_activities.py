"""Activities with their participants, and the activity plan."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import (
    Activity,
    ActivityHorizon,
    ActivityStatus,
    CooperationForm,
    Participant,
    Result,
    ResultKind,
)
from activities.selectors.activities import activity_counts, activity_list, activity_plan
from activities.services import activities as services
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContributionFactory,
    GoalFactory,
    OrganisationFactory,
    ParticipantFactory,
    ResultFactory,
)
from tests.xlsx_checks import assert_defused

SCRIPT = "<script>alert(1)</script>"
HUGE = "x" * 10_000

pytestmark = pytest.mark.usefixtures("no_scopes")


def url(name, **kwargs):
    return reverse(f"activities:{name}", kwargs={"slug": "twente", **kwargs})


def fields(**overrides):
    """Keyword arguments for the services."""
    return {
        "short_code": "G7",
        "title": "Gastlessen lassen",
        "form": CooperationForm.GUEST_TEACHERS,
        "description": "Lassers uit de regio geven les op het vmbo.",
        "start_date": datetime.date(2026, 2, 1),
        "end_date": datetime.date(2026, 6, 30),
        "status": ActivityStatus.PLANNED,
        "horizon": ActivityHorizon.QUICK_WIN,
        **overrides,
    }


def row(organisation, tasks="Levert twee gastdocenten.", responsibilities="Veiligheid."):
    return {"organisation": organisation, "tasks": tasks, "responsibilities": responsibilities}


def form_data(participants=(), initial=0, **overrides):
    """A POST of the activity page: the activity fields and the participant rows."""
    data = {
        "short_code": "G7",
        "title": "Gastlessen lassen",
        "description": "Lassers uit de regio geven les op het vmbo.",
        "form": CooperationForm.GUEST_TEACHERS,
        "lead_organisation": "",
        "start_date": "2026-02-01",
        "end_date": "2026-06-30",
        "status": ActivityStatus.PLANNED,
        "horizon": ActivityHorizon.QUICK_WIN,
        "other_funding": "",
        "other_funding_note": "",
        "participants-TOTAL_FORMS": len(participants),
        "participants-INITIAL_FORMS": initial,
        "participants-MIN_NUM_FORMS": 0,
        "participants-MAX_NUM_FORMS": 1000,
    }
    for index, participant in enumerate(participants):
        for key, value in participant.items():
            data[f"participants-{index}-{key}"] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_row(organisation, tasks="Levert twee gastdocenten.", responsibilities="Veiligheid."):
    return {
        "organisation": organisation.pk if organisation else "",
        "tasks": tasks,
        "responsibilities": responsibilities,
    }


@pytest.fixture
def organisation(partnership):
    return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def school(partnership):
    return OrganisationFactory(partnership=partnership, name="Vmbo De Bolster")


# --- Services: create ---------------------------------------------------------------------


def test_create_saves_the_activity_with_its_goals_and_participants(
    partnership, leader, organisation, school
):
    goal = GoalFactory(partnership=partnership)
    activity = services.activity_create(
        partnership=partnership,
        user=leader,
        goals=[goal],
        lead_organisation=organisation,
        participants=[row(organisation), row(school, tasks="Roostert de lessen in.")],
        **fields(short_code="  G7 "),
    )
    activity.refresh_from_db()
    assert activity.partnership == partnership
    assert activity.short_code == "G7"
    assert activity.lead_organisation == organisation
    assert list(activity.goals.all()) == [goal]
    tasks = dict(activity.participants.values_list("organisation__name", "tasks"))
    assert tasks == {
        "Metaalwerken Hengelo": "Levert twee gastdocenten.",
        "Vmbo De Bolster": "Roostert de lessen in.",
    }
    assert set(Participant.objects.values_list("partnership", flat=True)) == {partnership.pk}
    assert activity.history.first().history_user == leader


def test_create_refuses_an_end_before_the_start(partnership, leader):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            partnership=partnership,
            user=leader,
            **fields(start_date=datetime.date(2026, 6, 1), end_date=datetime.date(2026, 5, 31)),
        )
    assert "end_date" in error.value.message_dict
    assert not Activity.objects.exists()


def test_create_refuses_a_code_taken_in_another_case(partnership, leader):
    ActivityFactory(partnership=partnership, short_code="G7")
    with pytest.raises(ValidationError) as error:
        services.activity_create(partnership=partnership, user=leader, **fields(short_code="g7"))
    assert "short_code" in error.value.message_dict
    assert Activity.objects.count() == 1


def test_the_same_code_is_allowed_in_another_partnership(partnership, other_partnership, leader):
    ActivityFactory(partnership=other_partnership, short_code="G7")
    services.activity_create(partnership=partnership, user=leader, **fields(short_code="G7"))
    assert Activity.objects.filter(short_code="G7").count() == 2


def test_update_keeps_its_own_code_but_not_another_activitys(partnership, leader):
    activity = ActivityFactory(partnership=partnership, short_code="G7")
    ActivityFactory(partnership=partnership, short_code="B1")
    services.activity_update(activity=activity, user=leader, **fields(short_code="g7"))
    assert Activity.objects.get(pk=activity.pk).short_code == "g7"
    with pytest.raises(ValidationError) as error:
        services.activity_update(activity=activity, user=leader, **fields(short_code="b1"))
    assert "short_code" in error.value.message_dict
    assert Activity.objects.get(pk=activity.pk).short_code == "g7"


@pytest.mark.parametrize("missing", ["tasks", "responsibilities"])
def test_a_participant_without_tasks_or_responsibilities_saves_nothing(
    partnership, leader, organisation, missing
):
    participant = row(organisation)
    participant[missing] = "   "
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            partnership=partnership, user=leader, participants=[participant], **fields()
        )
    assert "participants" in error.value.message_dict
    assert not Activity.objects.exists()
    assert not Participant.objects.exists()


def test_the_same_organisation_cannot_take_part_twice(partnership, leader, organisation):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            partnership=partnership,
            user=leader,
            participants=[row(organisation), row(organisation, tasks="Iets anders.")],
            **fields(),
        )
    assert "participants" in error.value.message_dict
    assert not Activity.objects.exists()


def test_goals_and_organisations_of_another_partnership_are_refused(
    partnership, other_partnership, leader, organisation
):
    foreign_goal = GoalFactory(partnership=other_partnership)
    foreign_organisation = OrganisationFactory(partnership=other_partnership)
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            partnership=partnership,
            user=leader,
            goals=[foreign_goal],
            lead_organisation=foreign_organisation,
            participants=[row(organisation), row(foreign_organisation)],
            **fields(),
        )
    assert {"goals", "lead_organisation", "participants"} <= set(error.value.message_dict)
    assert not Activity.objects.exists()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("field", ["title", "description", "short_code", "other_funding_note"])
def test_a_text_of_10000_characters_is_refused(partnership, leader, field):
    with pytest.raises(ValidationError) as error:
        services.activity_create(partnership=partnership, user=leader, **fields(**{field: HUGE}))
    assert field in error.value.message_dict
    assert not Activity.objects.exists()


def test_tasks_of_10000_characters_are_refused(partnership, leader, organisation):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            partnership=partnership,
            user=leader,
            participants=[row(organisation, tasks=HUGE)],
            **fields(),
        )
    assert "participants" in error.value.message_dict
    assert not Activity.objects.exists()


def test_an_unknown_form_or_status_is_refused(partnership, leader):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            partnership=partnership, user=leader, **fields(form=9, status="gone")
        )
    assert {"form", "status"} <= set(error.value.message_dict)


# --- Services: update and delete ----------------------------------------------------------


def test_update_replaces_goals_and_participants(partnership, leader, organisation, school):
    old_goal, new_goal = GoalFactory(partnership=partnership), GoalFactory(partnership=partnership)
    activity = ActivityFactory(partnership=partnership)
    activity.goals.add(old_goal)
    kept = ParticipantFactory(activity=activity, organisation=organisation)
    ParticipantFactory(activity=activity, organisation=school)
    newcomer = OrganisationFactory(partnership=partnership, name="Installatiebedrijf Oost")
    services.activity_update(
        activity=activity,
        user=leader,
        goals=[new_goal],
        participants=[row(organisation, tasks="Nieuwe taken."), row(newcomer)],
        **fields(title="Lassen en solderen"),
    )
    activity.refresh_from_db()
    assert activity.title == "Lassen en solderen"
    assert list(activity.goals.all()) == [new_goal]
    assert set(activity.participants.values_list("organisation__name", flat=True)) == {
        "Metaalwerken Hengelo",
        "Installatiebedrijf Oost",
    }
    kept.refresh_from_db()  # the same row, changed in place
    assert kept.tasks == "Nieuwe taken."


def test_cancelling_an_activity_with_future_results_is_refused_and_saves_nothing(
    partnership, leader, organisation
):
    activity = ActivityFactory(partnership=partnership, title="Oud", status=ActivityStatus.RUNNING)
    ResultFactory(activity=activity, date=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.activity_update(
            activity=activity,
            user=leader,
            participants=[row(organisation)],
            **fields(title="Nieuw", status=ActivityStatus.CANCELLED),
        )
    assert "status" in error.value.message_dict
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.title, stored.status) == ("Oud", ActivityStatus.RUNNING)
    assert activity.title == "Oud"  # the object in memory is reloaded too
    assert not Participant.objects.exists()


def test_cancelling_an_activity_with_only_past_results_is_allowed(partnership, leader):
    activity = ActivityFactory(partnership=partnership)
    ResultFactory(activity=activity, date=timezone.localdate())
    services.activity_update(
        activity=activity, user=leader, **fields(status=ActivityStatus.CANCELLED)
    )
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.CANCELLED


def test_delete_removes_the_activity_with_its_participants_and_results(partnership, leader):
    activity = ActivityFactory(partnership=partnership)
    ParticipantFactory(activity=activity)
    ResultFactory(activity=activity)
    other = ActivityFactory(partnership=partnership)
    ParticipantFactory(activity=other)
    services.activity_delete(activity=activity, user=leader)
    assert list(Activity.objects.all()) == [other]
    assert Participant.objects.get().activity == other
    assert not Result.objects.exists()


def test_delete_keeps_an_activity_that_a_contribution_refers_to(partnership, leader):
    activity = ActivityFactory(partnership=partnership)
    BudgetFactory(partnership=partnership)
    ContributionFactory(
        organisation=OrganisationFactory(partnership=partnership), activity=activity
    )
    with pytest.raises(ValidationError):
        services.activity_delete(activity=activity, user=leader)
    assert Activity.objects.filter(pk=activity.pk).exists()


# --- The activity page: create and update --------------------------------------------------


def test_the_new_activity_page_shows_two_empty_participant_rows(leader_client):
    response = leader_client.get(url("activity-create"))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.prefix == "participants"
    assert formset.total_form_count() == 2
    assert 'name="participants-1-tasks"' in response.content.decode()


def test_the_edit_page_shows_the_participants_and_two_empty_rows(leader_client, partnership):
    activity = ActivityFactory(partnership=partnership)
    ParticipantFactory(activity=activity)
    response = leader_client.get(url("activity-update", code=activity.code))
    assert response.context["formset"].total_form_count() == 3
    assert response.context["form"].initial["short_code"] == activity.short_code


def test_editor_adds_an_activity_with_two_participants(
    client, editor, partnership, organisation, school
):
    goal = GoalFactory(partnership=partnership)
    client.force_login(editor)
    response = client.post(
        url("activity-create"),
        form_data(
            participants=[post_row(organisation), post_row(school, tasks="Levert lokalen.")],
            goals=[goal.pk],
            lead_organisation=organisation.pk,
            short_code=" G12 ",
        ),
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == url("activity-detail", code=activity.code)
    assert activity.short_code == "G12"
    assert activity.lead_organisation == organisation
    assert list(activity.goals.all()) == [goal]
    assert dict(activity.participants.values_list("organisation", "tasks")) == {
        organisation.pk: "Levert twee gastdocenten.",
        school.pk: "Levert lokalen.",
    }


def test_empty_participant_rows_are_skipped(leader_client, organisation):
    response = leader_client.post(
        url("activity-create"),
        form_data(participants=[post_row(organisation), post_row(None, "", "")]),
    )
    assert response.status_code == 302
    assert Participant.objects.count() == 1


def test_a_valid_activity_with_an_invalid_participant_saves_nothing(leader_client, organisation):
    response = leader_client.post(
        url("activity-create"),
        form_data(participants=[post_row(organisation, responsibilities="")]),
    )
    assert response.status_code == 200
    assert "responsibilities" in response.context["formset"].forms[0].errors
    assert not Activity.objects.exists()
    assert not Participant.objects.exists()


def test_a_row_with_tasks_but_no_organisation_is_an_error(leader_client):
    response = leader_client.post(url("activity-create"), form_data(participants=[post_row(None)]))
    assert "organisation" in response.context["formset"].forms[0].errors
    assert not Activity.objects.exists()


def test_the_same_organisation_in_two_rows_is_an_error(leader_client, organisation):
    response = leader_client.post(
        url("activity-create"),
        form_data(participants=[post_row(organisation), post_row(organisation, "Anders.")]),
    )
    assert response.status_code == 200
    assert "organisation" in response.context["formset"].forms[1].errors
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"short_code": ""}, "short_code"),
        ({"short_code": "   "}, "short_code"),
        ({"short_code": HUGE}, "short_code"),
        ({"title": ""}, "title"),
        ({"title": HUGE}, "title"),
        ({"description": HUGE}, "description"),
        ({"form": "9"}, "form"),
        ({"form": SCRIPT}, "form"),
        ({"status": "gone"}, "status"),
        ({"horizon": ""}, "horizon"),
        ({"start_date": "31-31-2026"}, "start_date"),
        ({"start_date": "2026-06-01", "end_date": "2026-05-31"}, "end_date"),
        ({"other_funding": HUGE}, "other_funding"),
        ({"other_funding_note": HUGE}, "other_funding_note"),
    ],
)
def test_bad_input_gives_a_field_error_and_saves_nothing(leader_client, overrides, field):
    response = leader_client.post(url("activity-create"), form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Activity.objects.exists()


def test_a_duplicate_code_in_another_case_is_an_error_on_the_code(leader_client, partnership):
    ActivityFactory(partnership=partnership, short_code="G7")
    response = leader_client.post(url("activity-create"), form_data(short_code="g7"))
    assert "short_code" in response.context["form"].errors
    assert Activity.objects.count() == 1


def test_forged_ids_of_another_partnership_are_form_errors(
    leader_client, partnership, other_partnership
):
    foreign_goal = GoalFactory(partnership=other_partnership)
    foreign = OrganisationFactory(partnership=other_partnership)
    response = leader_client.post(
        url("activity-create"),
        form_data(
            participants=[post_row(foreign)],
            goals=[foreign_goal.pk],
            lead_organisation=foreign.pk,
        ),
    )
    assert response.status_code == 200
    assert {"goals", "lead_organisation"} <= set(response.context["form"].errors)
    assert "organisation" in response.context["formset"].forms[0].errors
    assert not Activity.objects.exists()


def test_the_choices_hold_only_this_partnerships_goals_and_organisations(
    leader_client, partnership, other_partnership, organisation
):
    goal = GoalFactory(partnership=partnership)
    GoalFactory(partnership=other_partnership)
    OrganisationFactory(partnership=other_partnership)
    response = leader_client.get(url("activity-create"))
    form = response.context["form"]
    assert list(form.fields["goals"].queryset) == [goal]
    assert list(form.fields["lead_organisation"].queryset) == [organisation]
    participant_field = response.context["formset"].forms[0].fields["organisation"]
    assert list(participant_field.queryset) == [organisation]


def test_update_saves_changes_and_deletes_a_row_marked_for_deletion(
    leader_client, partnership, organisation, school
):
    activity = ActivityFactory(partnership=partnership, short_code="T1")
    leaving = ParticipantFactory(activity=activity, organisation=school)  # "Vmbo" sorts last
    staying = ParticipantFactory(activity=activity, organisation=organisation)
    data = form_data(
        participants=[
            {"id": staying.pk, **post_row(organisation, tasks="Meer gastlessen.")},
            {"id": leaving.pk, **post_row(school), "DELETE": "on"},
        ],
        initial=2,
        short_code="T1",
        title="Gastlessen lassen en solderen",
    )
    response = leader_client.post(url("activity-update", code=activity.code), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Gastlessen lassen en solderen"
    assert list(activity.participants.values_list("organisation", "tasks")) == [
        (organisation.pk, "Meer gastlessen.")
    ]


def test_a_deleted_row_frees_its_organisation_for_another_row(
    leader_client, partnership, organisation, school
):
    activity = ActivityFactory(partnership=partnership, short_code="T1")
    first = ParticipantFactory(activity=activity, organisation=organisation)
    second = ParticipantFactory(activity=activity, organisation=school)
    # Swap the two organisations' rows: the database never holds a duplicate.
    data = form_data(
        participants=[
            {"id": first.pk, **post_row(school, tasks="Taak school.")},
            {"id": second.pk, **post_row(organisation, tasks="Taak bedrijf.")},
        ],
        initial=2,
        short_code="T1",
    )
    response = leader_client.post(url("activity-update", code=activity.code), data)
    assert response.status_code == 302
    assert dict(activity.participants.values_list("organisation", "tasks")) == {
        school.pk: "Taak school.",
        organisation.pk: "Taak bedrijf.",
    }


def test_a_participant_id_of_another_activity_is_refused(leader_client, partnership, school):
    activity = ActivityFactory(partnership=partnership, short_code="T1")
    elsewhere = ParticipantFactory(activity=ActivityFactory(partnership=partnership))
    data = form_data(
        participants=[{"id": elsewhere.pk, **post_row(school, tasks="Gekaapt.")}],
        initial=1,
        short_code="T1",
    )
    response = leader_client.post(url("activity-update", code=activity.code), data)
    assert response.status_code == 200
    assert "id" in response.context["formset"].forms[0].errors
    assert not activity.participants.exists()
    # Marked for deletion, the forged row is ignored: the other activity keeps its participant.
    data["participants-0-DELETE"] = "on"
    leader_client.post(url("activity-update", code=activity.code), data)
    elsewhere.refresh_from_db()
    assert elsewhere.tasks != "Gekaapt."


def test_cancelling_with_future_results_is_an_error_on_the_status(
    leader_client, partnership, organisation
):
    activity = ActivityFactory(partnership=partnership, short_code="T1", title="Oud")
    ResultFactory(activity=activity, date=timezone.localdate() + datetime.timedelta(days=30))
    data = form_data(
        participants=[post_row(organisation)],
        short_code="T1",
        title="Nieuw",
        status=ActivityStatus.CANCELLED,
    )
    response = leader_client.post(url("activity-update", code=activity.code), data)
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    activity.refresh_from_db()
    assert (activity.title, activity.status) == ("Oud", ActivityStatus.PLANNED)
    assert not Participant.objects.exists()


def test_an_activity_of_another_partnership_is_404(leader_client, other_partnership):
    activity = ActivityFactory(partnership=other_partnership)
    for name in ("activity-detail", "activity-update", "activity-delete"):
        assert leader_client.get(url(name, code=activity.code)).status_code == 404
    assert leader_client.post(url("activity-delete", code=activity.code)).status_code == 404
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_viewer_cannot_add_an_activity(client, viewer):
    client.force_login(viewer)
    assert client.post(url("activity-create"), form_data()).status_code == 403
    assert not Activity.objects.exists()


# --- Detail and delete ---------------------------------------------------------------------


def test_detail_shows_goals_lead_participants_and_results_with_their_links(
    leader_client, partnership, organisation
):
    goal = GoalFactory(partnership=partnership, title="Meer instroom vmbo techniek")
    activity = ActivityFactory(partnership=partnership, lead_organisation=organisation)
    activity.goals.add(goal)
    ParticipantFactory(activity=activity, organisation=organisation, tasks="Levert lassers.")
    result = ResultFactory(activity=activity, goal=goal, value=12, celebrated=True)
    response = leader_client.get(url("activity-detail", code=activity.code))
    assert response.status_code == 200
    content = response.content.decode()
    assert url("goal-detail", code=goal.code) in content
    org_url = reverse(
        "partners:organisation-detail", kwargs={"slug": "twente", "code": organisation.code}
    )
    assert org_url in content
    assert "Levert lassers." in content
    assert url("result-create", code=activity.code) in content
    assert url("result-update", code=result.code) in content
    assert url("result-delete", code=result.code) in content
    assert url("activity-update", code=activity.code) in content


def test_a_viewer_sees_no_write_links(client, viewer, partnership):
    activity = ActivityFactory(partnership=partnership)
    result = ResultFactory(activity=activity)
    client.force_login(viewer)
    detail = client.get(url("activity-detail", code=activity.code)).content.decode()
    plan = client.get(url("activity-list")).content.decode()
    for link in (
        url("activity-update", code=activity.code),
        url("activity-delete", code=activity.code),
        url("result-create", code=activity.code),
        url("result-update", code=result.code),
    ):
        assert link not in detail
    assert url("activity-create") not in plan


def test_delete_asks_first_and_then_deletes_with_participants_and_results(
    leader_client, partnership
):
    activity = ActivityFactory(partnership=partnership)
    ParticipantFactory(activity=activity)
    ResultFactory(activity=activity)
    response = leader_client.get(url("activity-delete", code=activity.code))
    assert response.status_code == 200
    assert Activity.objects.exists()
    response = leader_client.post(url("activity-delete", code=activity.code), follow=True)
    assert response.redirect_chain == [(url("activity-list"), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert not Activity.objects.exists()
    assert not Participant.objects.exists()
    assert not Result.objects.exists()


def test_deleting_an_activity_still_in_use_returns_to_it_with_an_error(leader_client, partnership):
    activity = ActivityFactory(partnership=partnership)
    BudgetFactory(partnership=partnership)
    ContributionFactory(
        organisation=OrganisationFactory(partnership=partnership), activity=activity
    )
    response = leader_client.post(url("activity-delete", code=activity.code), follow=True)
    assert response.redirect_chain == [(url("activity-detail", code=activity.code), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_script_is_shown_escaped_on_the_plan_the_detail_and_the_form(leader_client, partnership):
    goal = GoalFactory(partnership=partnership, title=SCRIPT)
    organisation = OrganisationFactory(partnership=partnership, name=SCRIPT)
    activity = ActivityFactory(
        partnership=partnership,
        short_code="<b>",
        title=SCRIPT,
        description=SCRIPT,
        lead_organisation=organisation,
        other_funding=SCRIPT,
    )
    activity.goals.add(goal)
    ParticipantFactory(
        activity=activity, organisation=organisation, tasks=SCRIPT, responsibilities=SCRIPT
    )
    ResultFactory(activity=activity, goal=goal, description=SCRIPT)
    pages = [
        url("activity-list"),
        url("activity-detail", code=activity.code),
        url("activity-update", code=activity.code),
        url("activity-delete", code=activity.code),
    ]
    for page in pages:
        content = leader_client.get(page).content.decode()
        assert SCRIPT not in content, page
        assert "&lt;script&gt;" in content, page
    response = leader_client.post(url("activity-create"), form_data(title=SCRIPT, end_date="x"))
    content = response.content.decode()
    assert SCRIPT not in content and "&lt;script&gt;" in content


# --- The activity plan ---------------------------------------------------------------------


def _titles(group):
    return [[a.title for a in year.activities] for year in group.years]


def test_the_plan_groups_by_goal_and_by_start_year(partnership):
    jobs = GoalFactory(partnership=partnership, title="Banen")
    inflow = GoalFactory(partnership=partnership, title="Instroom")
    both = ActivityFactory(
        partnership=partnership,
        title="Beide",
        start_date=datetime.date(2027, 3, 1),
        end_date=None,
    )
    both.goals.add(jobs, inflow)
    early = ActivityFactory(
        partnership=partnership, title="Vroeg", start_date=datetime.date(2026, 9, 1)
    )
    early.goals.add(inflow)
    undated = ActivityFactory(partnership=partnership, title="Ooit", start_date=None)
    undated.goals.add(inflow)
    ActivityFactory(partnership=partnership, title="Los", start_date=datetime.date(2026, 1, 1))
    plan = activity_plan(activities=activity_list(partnership=partnership))
    assert [group.goal for group in plan] == [jobs, inflow, None]
    assert [y.year for y in plan[1].years] == [2026, 2027, None]
    assert _titles(plan[0]) == [["Beide"]]
    assert _titles(plan[1]) == [["Vroeg"], ["Beide"], ["Ooit"]]
    assert _titles(plan[2]) == [["Los"]]
    assert plan[1].activity_count == 3


def test_the_plan_page_lists_each_activity_under_every_goal_it_serves(
    leader_client, partnership, organisation
):
    first, second = GoalFactory(partnership=partnership), GoalFactory(partnership=partnership)
    activity = ActivityFactory(partnership=partnership, title="Open dag techniek")
    activity.goals.add(first, second)
    ParticipantFactory(activity=activity, organisation=organisation)
    response = leader_client.get(url("activity-list"))
    assert response.status_code == 200
    assert response.context["activity_count"] == 1
    assert len(response.context["plan"]) == 2
    content = response.content.decode()
    assert content.count(url("activity-detail", code=activity.code)) == 2
    assert "Metaalwerken Hengelo" in content


def test_the_plan_shows_only_this_partnerships_activities(
    leader_client, partnership, other_partnership
):
    ActivityFactory(partnership=other_partnership, title="Daar")
    ActivityFactory(partnership=partnership, title="Hier")
    plan = leader_client.get(url("activity-list")).context["plan"]
    assert [_titles(group) for group in plan] == [[["Hier"]]]


def test_the_empty_plan_offers_to_add_an_activity_and_links_to_the_goals(leader_client):
    response = leader_client.get(url("activity-list"))
    content = response.content.decode()
    assert response.context["plan"] == []
    assert url("activity-create") in content
    assert url("goal-list") in content


def _plan_codes(client, **params):
    response = client.get(url("activity-list"), params)
    assert response.status_code == 200
    return sorted(
        {
            activity.short_code
            for group in response.context["plan"]
            for year in group.years
            for activity in year.activities
        }
    )


def test_the_plan_filters_by_search_form_status_and_horizon(leader_client, partnership):
    ActivityFactory(
        partnership=partnership,
        short_code="T1",
        title="Gastlessen lassen",
        form=CooperationForm.GUEST_TEACHERS,
        status=ActivityStatus.RUNNING,
        horizon=ActivityHorizon.QUICK_WIN,
    )
    ActivityFactory(
        partnership=partnership,
        short_code="B2",
        title="Stages installatietechniek",
        form=CooperationForm.INTERNSHIPS,
        status=ActivityStatus.PLANNED,
        horizon=ActivityHorizon.LONG_TERM,
    )
    assert _plan_codes(leader_client, q="lassen") == ["T1"]
    assert _plan_codes(leader_client, q="b2") == ["B2"]
    assert _plan_codes(leader_client, form=CooperationForm.INTERNSHIPS) == ["B2"]
    assert _plan_codes(leader_client, status=ActivityStatus.RUNNING) == ["T1"]
    assert _plan_codes(leader_client, horizon=ActivityHorizon.LONG_TERM) == ["B2"]
    assert _plan_codes(leader_client) == ["B2", "T1"]


def test_the_plan_filters_by_goal_organisation_and_year(
    leader_client, partnership, organisation, school
):
    goal = GoalFactory(partnership=partnership)
    led = ActivityFactory(
        partnership=partnership,
        short_code="L1",
        lead_organisation=organisation,
        start_date=datetime.date(2026, 3, 1),
    )
    led.goals.add(goal, GoalFactory(partnership=partnership))
    joined = ActivityFactory(
        partnership=partnership,
        short_code="J1",
        start_date=datetime.date(2027, 3, 1),
        end_date=None,
    )
    ParticipantFactory(activity=joined, organisation=organisation)
    ParticipantFactory(activity=joined, organisation=school)
    ActivityFactory(partnership=partnership, short_code="X1", start_date=None)
    assert _plan_codes(leader_client, goal=goal.pk) == ["L1"]
    assert _plan_codes(leader_client, organisation=organisation.pk) == ["J1", "L1"]
    assert _plan_codes(leader_client, organisation=school.pk) == ["J1"]
    assert _plan_codes(leader_client, year=2027) == ["J1"]
    response = leader_client.get(url("activity-list"), {"organisation": organisation.pk})
    assert response.context["activity_count"] == 2
    # L1 also serves a second goal; filtered on the first, only that goal's group is shown.
    response = leader_client.get(url("activity-list"), {"goal": goal.pk})
    assert [group.goal for group in response.context["plan"]] == [goal]


def test_filter_choices_are_this_partnerships_goals_organisations_and_years(
    leader_client, partnership, other_partnership, organisation
):
    goal = GoalFactory(partnership=partnership)
    GoalFactory(partnership=other_partnership)
    OrganisationFactory(partnership=other_partnership)
    ActivityFactory(partnership=partnership, start_date=datetime.date(2026, 5, 1))
    ActivityFactory(
        partnership=other_partnership, start_date=datetime.date(2031, 5, 1), end_date=None
    )
    activity_filter = leader_client.get(url("activity-list")).context["filter"]
    assert list(activity_filter.filters["goal"].queryset) == [goal]
    assert list(activity_filter.filters["organisation"].queryset) == [organisation]
    assert activity_filter.form.fields["year"].choices[1:] == [("2026", "2026")]


# --- Excel export --------------------------------------------------------------------------


def _rows(response):
    assert response.status_code == 200
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_export_has_one_row_per_activity_with_goals_and_participants(
    leader_client, partnership, organisation, school
):
    activity = ActivityFactory(
        partnership=partnership,
        short_code="G7",
        title="Gastlessen lassen",
        form=CooperationForm.GUEST_TEACHERS,
        lead_organisation=organisation,
        start_date=datetime.date(2026, 2, 1),
        end_date=datetime.date(2026, 6, 30),
        other_funding="RIF-2025-017",
    )
    activity.goals.add(
        GoalFactory(partnership=partnership, title="Banen"),
        GoalFactory(partnership=partnership, title="Instroom"),
    )
    ParticipantFactory(activity=activity, organisation=organisation)
    ParticipantFactory(activity=activity, organisation=school)
    ActivityFactory(partnership=partnership, short_code="B1")
    rows = _rows(leader_client.get(url("activity-export")))
    assert len(rows[0]) == 11
    assert len(rows) == 3
    a7 = next(r for r in rows[1:] if r[0] == "G7")
    assert a7[1] == "Gastlessen lassen"
    assert a7[2] == str(CooperationForm.GUEST_TEACHERS.label)
    assert a7[5].date() == datetime.date(2026, 2, 1)
    assert a7[6].date() == datetime.date(2026, 6, 30)
    assert a7[7] == "Metaalwerken Hengelo"
    assert a7[8] == "Banen; Instroom"
    assert a7[9] == "Metaalwerken Hengelo; Vmbo De Bolster"
    assert a7[10] == "RIF-2025-017"


def test_the_export_uses_the_filter_and_leaves_out_other_partnerships(
    leader_client, partnership, other_partnership
):
    ActivityFactory.create_batch(30, partnership=partnership, status=ActivityStatus.RUNNING)
    ActivityFactory(partnership=partnership, short_code="IDEE", status=ActivityStatus.IDEA)
    ActivityFactory(partnership=other_partnership, status=ActivityStatus.RUNNING)
    rows = _rows(leader_client.get(url("activity-export"), {"status": ActivityStatus.RUNNING}))
    assert len(rows) == 31
    assert "IDEE" not in {r[0] for r in rows}


def test_the_export_defuses_formulas_and_keeps_a_script_as_text(leader_client, partnership):
    ActivityFactory(partnership=partnership, short_code="T1", title='=HYPERLINK("http://x")')
    ActivityFactory(partnership=partnership, short_code="T2", title=SCRIPT)
    response = leader_client.get(url("activity-export"))
    rows = {r[0]: r for r in _rows(response)[1:]}
    assert_defused(load_workbook(BytesIO(response.content)).active, '=HYPERLINK("http://x")')
    assert rows["T2"][1] == SCRIPT


# --- Dashboard counts ----------------------------------------------------------------------


def test_activity_counts_give_every_form_status_and_horizon_with_zeros(
    partnership, other_partnership
):
    ActivityFactory.create_batch(
        2,
        partnership=partnership,
        form=CooperationForm.INTERNSHIPS,
        status=ActivityStatus.RUNNING,
        horizon=ActivityHorizon.QUICK_WIN,
    )
    ActivityFactory(
        partnership=partnership,
        form=CooperationForm.FINANCIAL,
        status=ActivityStatus.IDEA,
        horizon=ActivityHorizon.LONG_TERM,
    )
    ActivityFactory(partnership=other_partnership, form=CooperationForm.FINANCIAL)
    with CaptureQueriesContext(connection) as queries:
        counts = activity_counts(partnership=partnership)
    assert len(queries.captured_queries) == 1
    assert counts["total"] == 3
    forms = {item.value: item.count for item in counts["forms"]}
    assert forms == {1: 1, 2: 0, 3: 0, 4: 0, 5: 2, 6: 0, 7: 0, 8: 0}
    assert [item.label for item in counts["forms"]] == list(CooperationForm.labels)
    statuses = {item.value: item.count for item in counts["statuses"]}
    assert statuses == {"idea": 1, "planned": 0, "running": 2, "completed": 0, "cancelled": 0}
    assert (counts["quick_wins"], counts["long_term"]) == (2, 1)
    assert [item.count for item in counts["horizons"]] == [2, 1]


# --- Speed ---------------------------------------------------------------------------------


def _queries(client, address, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(address, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def _activities(partnership, count):
    goals = GoalFactory.create_batch(2, partnership=partnership)
    lead = OrganisationFactory(partnership=partnership)
    for index, activity in enumerate(
        ActivityFactory.create_batch(count, partnership=partnership, lead_organisation=lead)
    ):
        activity.goals.add(*goals[: 1 + index % 2])
        ParticipantFactory.create_batch(2, activity=activity)


def test_the_plan_runs_the_same_number_of_queries_for_5_and_200_activities(
    leader_client, partnership
):
    _activities(partnership, 5)
    few = _queries(leader_client, url("activity-list"))
    filtered = _queries(leader_client, url("activity-list"), q="Gast", status="planned")
    _activities(partnership, 195)
    with CaptureQueriesContext(connection) as context:
        response = leader_client.get(url("activity-list"))
    assert response.context["activity_count"] == 200
    assert len(context.captured_queries) == few
    assert _queries(leader_client, url("activity-list"), q="Gast", status="planned") == filtered


def test_the_export_runs_the_same_number_of_queries_for_5_and_200_activities(
    leader_client, partnership
):
    _activities(partnership, 5)
    few = _queries(leader_client, url("activity-export"))
    _activities(partnership, 195)
    with CaptureQueriesContext(connection) as context:
        response = leader_client.get(url("activity-export"))
    assert len(_rows(response)) == 201
    assert len(context.captured_queries) == few


def test_the_detail_runs_the_same_number_of_queries_for_5_and_200_participants_and_results(
    leader_client, partnership
):
    goal = GoalFactory(partnership=partnership)
    activity = ActivityFactory(
        partnership=partnership, lead_organisation=OrganisationFactory(partnership=partnership)
    )
    activity.goals.add(goal)

    def add(count):
        ParticipantFactory.create_batch(count, activity=activity)
        ResultFactory.create_batch(count, activity=activity, goal=goal, value=1)
        ResultFactory.create_batch(count, activity=activity, kind=ResultKind.SETBACK)

    add(5)
    few = _queries(leader_client, url("activity-detail", code=activity.code))
    add(195)
    with CaptureQueriesContext(connection) as context:
        response = leader_client.get(url("activity-detail", code=activity.code))
    assert len(response.context["activity"].participants.all()) == 200
    assert len(context.captured_queries) == few
