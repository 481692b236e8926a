"""Results of an activity: successes and setbacks, measured toward goals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from activities.forms.results import ResultForm
from activities.models import ActivityStatus, Result, ResultKind
from activities.selectors import results as selectors
from activities.services import results as services
from tests.factories import ActivityFactory, GoalFactory, ResultFactory

SCRIPT = "<script>alert(1)</script>"
HUGE = "x" * 10_000
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


@pytest.fixture
def goal(partnership):
    with scopes_disabled():
        return GoalFactory(partnership=partnership, title="Meer instroom", target_value=40)


@pytest.fixture
def activity(partnership, goal):
    with scopes_disabled():
        activity = ActivityFactory(
            partnership=partnership, short_code="A7", status=ActivityStatus.RUNNING
        )
        activity.goals.add(goal)
        return activity


@pytest.fixture
def result(activity, goal):
    with scopes_disabled():
        return ResultFactory(activity=activity, goal=goal, value=Decimal("5"), date=today())


def create_url(activity):
    return reverse(
        "activities:result-create",
        kwargs={"slug": activity.partnership.slug, "code": activity.code},
    )


def result_url(name, result):
    return reverse(
        f"activities:{name}", kwargs={"slug": result.partnership.slug, "code": result.code}
    )


def activity_url(activity):
    return reverse(
        "activities:activity-detail",
        kwargs={"slug": activity.partnership.slug, "code": activity.code},
    )


def result_count():
    with scopes_disabled():
        return Result.objects.count()


def form_data(goal=None, **changes):
    data = {
        "date": (today() - 2 * DAY).isoformat(),
        "kind": ResultKind.SUCCESS,
        "description": "Eerste gastles gegeven aan drie vmbo-klassen.",
        "goal": str(goal.code) if goal else "",
        "value": "12,5" if goal else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def create(activity, user=None, **changes):
    fields = {
        "date": today() - DAY,
        "kind": ResultKind.SUCCESS,
        "description": "Eerste gastles gegeven.",
        **changes,
    }
    return services.result_create(activity=activity, created_by=user, **fields)


# Services


def test_result_create_saves_the_result_with_who_entered_it(activity, goal, leader, no_scopes):
    result = create(
        activity, leader, goal=goal, value=Decimal("12.5"), celebrated=True, description="  Feest "
    )
    result.refresh_from_db()
    assert result.partnership == activity.partnership
    assert result.activity == activity
    assert result.created_by == leader
    assert (result.goal, result.value, result.celebrated) == (goal, Decimal("12.50"), True)
    assert result.description == "Feest"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": HUGE}, "description"),
        ({"kind": "triumph"}, "kind"),
        ({"value": Decimal("3")}, "goal"),
        ({"kind": ResultKind.SETBACK, "celebrated": True}, "celebrated"),
        ({"date": today() + 3660 * DAY}, "date"),
        ({"date": today() - 3660 * DAY}, "date"),
    ],
)
def test_result_create_refuses_bad_input_and_saves_nothing(activity, no_scopes, changes, field):
    with pytest.raises(ValidationError) as error:
        create(activity, **changes)
    assert field in error.value.message_dict
    assert Result.objects.count() == 0


def test_a_value_with_too_many_digits_is_refused(activity, goal, no_scopes):
    with pytest.raises(ValidationError) as error:
        create(activity, goal=goal, value=Decimal("1E+15"))
    assert "value" in error.value.message_dict
    assert Result.objects.count() == 0


def test_a_float_value_is_refused(activity, goal, no_scopes):
    with pytest.raises(TypeError):
        create(activity, goal=goal, value=12.5)
    assert Result.objects.count() == 0


def test_a_cancelled_activity_gets_no_results_in_the_future(activity, no_scopes):
    activity.status = ActivityStatus.CANCELLED
    activity.save()
    with pytest.raises(ValidationError) as error:
        create(activity, date=today() + DAY)
    assert list(error.value.message_dict) == ["date"]
    assert Result.objects.count() == 0
    # What happened up to today can still be recorded.
    assert create(activity, date=today()).pk
    assert create(activity, date=today() - 30 * DAY).pk


def test_a_running_activity_may_have_a_result_dated_in_the_future(activity, no_scopes):
    assert create(activity, date=today() + 7 * DAY).pk


def test_a_goal_the_activity_does_not_serve_is_refused(activity, partnership, no_scopes):
    unserved = GoalFactory(partnership=partnership)
    with pytest.raises(ValidationError) as error:
        create(activity, goal=unserved, value=Decimal("1"))
    assert list(error.value.message_dict) == ["goal"]
    assert Result.objects.count() == 0


def test_a_goal_of_another_partnership_is_refused(activity, other_partnership, no_scopes):
    foreign = GoalFactory(partnership=other_partnership)
    # Even when it was linked to the activity behind the application's back.
    activity.goals.add(foreign)
    with pytest.raises(ValidationError) as error:
        create(activity, goal=foreign)
    assert list(error.value.message_dict) == ["goal"]
    assert Result.objects.count() == 0


def test_result_update_changes_the_fields(result, no_scopes):
    services.result_update(
        result=result, kind=ResultKind.SETBACK, description="Docent ziek", goal=None, value=None
    )
    result.refresh_from_db()
    assert (result.kind, result.description, result.goal, result.value) == (
        ResultKind.SETBACK,
        "Docent ziek",
        None,
        None,
    )


def test_result_update_keeps_a_goal_the_activity_no_longer_serves(result, goal, no_scopes):
    result.activity.goals.remove(goal)
    services.result_update(result=result, value=Decimal("6"))
    result.refresh_from_db()
    assert (result.goal, result.value) == (goal, Decimal("6.00"))


def test_result_update_refuses_a_setback_that_stays_celebrated(result, no_scopes):
    result.celebrated = True
    result.save()
    with pytest.raises(ValidationError) as error:
        services.result_update(result=result, kind=ResultKind.SETBACK)
    assert "celebrated" in error.value.message_dict
    assert Result.objects.get(pk=result.pk).kind == ResultKind.SUCCESS


def test_result_update_refuses_fields_it_does_not_know(result, no_scopes):
    with pytest.raises(TypeError):
        services.result_update(result=result, activity=None)


def test_result_delete_deletes_the_result(result, no_scopes):
    services.result_delete(result=result)
    assert Result.objects.count() == 0


# The form


def test_the_form_offers_only_the_goals_the_activity_serves(
    activity, goal, partnership, other_partnership, no_scopes
):
    GoalFactory(partnership=partnership)
    GoalFactory(partnership=other_partnership)
    form = ResultForm(activity=activity)
    assert list(form.fields["goal"].queryset) == [goal]
    assert form.initial["date"] == today()
    assert form.initial["kind"] == ResultKind.SUCCESS
    assert [value for value, _label in form.fields["kind"].choices] == ["success", "setback"]


def test_the_form_of_a_result_keeps_its_goal_when_the_activity_no_longer_serves_it(
    result, goal, no_scopes
):
    result.activity.goals.remove(goal)
    form = ResultForm(instance=result, activity=result.activity)
    assert list(form.fields["goal"].queryset) == [goal]


@pytest.mark.parametrize("typed, expected", [("12,5", "12.5"), ("12.5", "12.5"), ("-3", "-3")])
def test_the_form_reads_a_value_with_a_dutch_comma(activity, goal, no_scopes, typed, expected):
    form = ResultForm(data=form_data(goal, value=typed), activity=activity)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == Decimal(expected)
    assert form.cleaned_data["goal"] == goal


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"value": "abc"}, "value"),
        ({"value": "1,5e9"}, "value"),
        ({"value": "12,555"}, "value"),
        ({"value": HUGE}, "value"),
        ({"description": ""}, "description"),
        ({"description": HUGE}, "description"),
        ({"date": ""}, "date"),
        ({"date": "31-02-2026"}, "date"),
        ({"date": (today() + 3660 * DAY).isoformat()}, "date"),
        ({"date": (today() - 3660 * DAY).isoformat()}, "date"),
        ({"kind": "triumph"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"kind": ResultKind.SETBACK, "celebrated": "on"}, "celebrated"),
    ],
)
def test_the_form_refuses_bad_input(activity, goal, no_scopes, changes, field):
    form = ResultForm(data=form_data(goal, **changes), activity=activity)
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_the_form_refuses_a_value_without_a_goal(activity, no_scopes):
    form = ResultForm(data=form_data(value="12,5"), activity=activity)
    assert not form.is_valid()
    assert list(form.errors) == ["goal"]


def test_the_form_refuses_a_future_date_on_a_cancelled_activity(activity, goal, no_scopes):
    activity.status = ActivityStatus.CANCELLED
    activity.save()
    form = ResultForm(data=form_data(goal, date=(today() + DAY).isoformat()), activity=activity)
    assert not form.is_valid()
    assert list(form.errors) == ["date"]


def test_the_form_refuses_a_forged_goal_of_another_partnership(
    activity, other_partnership, no_scopes
):
    foreign = GoalFactory(partnership=other_partnership)
    form = ResultForm(data=form_data(foreign), activity=activity)
    assert not form.is_valid()
    assert list(form.errors) == ["goal"]


def test_the_form_refuses_a_goal_the_activity_does_not_serve(activity, partnership, no_scopes):
    unserved = GoalFactory(partnership=partnership)
    form = ResultForm(data=form_data(unserved), activity=activity)
    assert not form.is_valid()
    assert list(form.errors) == ["goal"]


# Pages


def test_recording_a_result_saves_it_and_returns_to_the_activity(leader_client, leader, activity):
    goal = activity.goals.through.objects.get().goal
    response = leader_client.post(create_url(activity), form_data(goal, celebrated="on"))
    assert response.status_code == 302
    assert response.url == activity_url(activity)
    with scopes_disabled():
        result = Result.objects.get()
    assert result.activity == activity
    assert result.partnership == activity.partnership
    assert result.created_by == leader
    assert (result.goal, result.value, result.celebrated) == (goal, Decimal("12.50"), True)


def test_the_result_form_opens_with_today(leader_client, activity):
    response = leader_client.get(create_url(activity))
    assert response.status_code == 200
    assert f'value="{today().isoformat()}"' in response.content.decode()


@pytest.mark.parametrize(
    "changes",
    [
        {"value": "abc"},
        {"value": "1,5e9"},
        {"description": ""},
        {"description": HUGE},
        {"kind": ResultKind.SETBACK, "celebrated": "on"},
        {"date": (today() + 3660 * DAY).isoformat()},
    ],
)
def test_a_refused_result_shows_the_form_again_and_saves_nothing(
    leader_client, activity, goal, changes
):
    response = leader_client.post(create_url(activity), form_data(goal, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert result_count() == 0


def test_a_forged_goal_of_another_partnership_saves_nothing(
    leader_client, activity, other_partnership
):
    with scopes_disabled():
        foreign = GoalFactory(partnership=other_partnership)
    response = leader_client.post(create_url(activity), form_data(foreign))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["goal"]
    assert result_count() == 0


def test_a_script_in_a_result_is_shown_escaped(leader_client, activity, goal):
    with scopes_disabled():
        result = create(activity, description=SCRIPT, goal=goal, value=Decimal("1"))
    for address in (
        result_url("result-update", result),
        result_url("result-delete", result),
        reverse("activities:goal-detail", kwargs={"slug": "twente", "code": goal.code}),
    ):
        html = leader_client.get(address).content.decode()
        assert SCRIPT not in html, address
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, address
    response = leader_client.post(
        create_url(activity), form_data(goal, description=SCRIPT, value=SCRIPT)
    )
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


def test_updating_a_result_saves_the_changes(leader_client, result, goal):
    response = leader_client.post(
        result_url("result-update", result),
        form_data(goal, value="7,25", description="Tweede gastles", date=today().isoformat()),
    )
    assert response.status_code == 302
    assert response.url == activity_url(result.activity)
    with scopes_disabled():
        result.refresh_from_db()
    assert (result.value, result.description) == (Decimal("7.25"), "Tweede gastles")


def test_a_refused_update_changes_nothing(leader_client, result, goal):
    response = leader_client.post(
        result_url("result-update", result), form_data(goal, kind=ResultKind.SETBACK, value="x")
    )
    assert response.status_code == 200
    with scopes_disabled():
        result.refresh_from_db()
    assert (result.kind, result.value) == (ResultKind.SUCCESS, Decimal("5.00"))


def test_deleting_a_result_asks_first_then_deletes(leader_client, result):
    assert leader_client.get(result_url("result-delete", result)).status_code == 200
    assert result_count() == 1
    response = leader_client.post(result_url("result-delete", result))
    assert response.status_code == 302
    assert response.url == activity_url(result.activity)
    assert result_count() == 0


def test_a_viewer_cannot_record_or_delete_results(client, viewer, activity, result, goal):
    client.force_login(viewer)
    assert client.post(create_url(activity), form_data(goal)).status_code == 403
    assert client.post(result_url("result-delete", result)).status_code == 403
    assert result_count() == 1


def test_results_of_another_partnership_are_not_found(leader_client, other_partnership):
    with scopes_disabled():
        foreign = ResultFactory(activity=ActivityFactory(partnership=other_partnership))
    assert leader_client.get(create_url(foreign.activity)).status_code == 404
    assert leader_client.post(create_url(foreign.activity), form_data()).status_code == 404
    for name in ("result-update", "result-delete"):
        assert leader_client.get(result_url(name, foreign)).status_code == 404
        assert leader_client.post(result_url(name, foreign), form_data()).status_code == 404
    assert result_count() == 1


# Selectors


def test_latest_results_are_the_newest_of_the_partnership_with_their_activity(
    activity, other_partnership, no_scopes, django_assert_num_queries
):
    dates = [today() - n * DAY for n in range(8)]
    for date in reversed(dates):
        ResultFactory(activity=activity, date=date, kind=ResultKind.SETBACK)
    ResultFactory(activity=ActivityFactory(partnership=other_partnership), date=today())
    with django_assert_num_queries(1):
        latest = list(selectors.latest_results(partnership=activity.partnership))
        assert [result.activity.short_code for result in latest] == ["A7"] * 5
    assert [result.date for result in latest] == dates[:5]
    assert len(selectors.latest_results(partnership=activity.partnership, limit=3)) == 3


def test_activity_results_are_the_results_of_one_activity(activity, result, no_scopes):
    ResultFactory(activity=ActivityFactory(partnership=activity.partnership))
    assert list(selectors.activity_results(activity=activity)) == [result]


def test_future_results_are_those_after_today(activity, no_scopes):
    ResultFactory(activity=activity, date=today())
    later = ResultFactory(activity=activity, date=today() + DAY)
    assert list(selectors.future_results(activity=activity)) == [later]


# Speed


def _queries(client, address):
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_result_form_runs_the_same_number_of_queries_for_5_and_200_goals(
    leader_client, activity, partnership, result
):
    with scopes_disabled():
        activity.goals.add(*GoalFactory.create_batch(4, partnership=partnership))
    few = _queries(leader_client, result_url("result-update", result))
    with scopes_disabled():
        activity.goals.add(*GoalFactory.create_batch(195, partnership=partnership))
    assert _queries(leader_client, result_url("result-update", result)) == few
