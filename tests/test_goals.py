"""Goals and the progress toward their targets."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from activities.forms.goals import GoalForm
from activities.models import Goal, GoalHorizon, ResultKind
from activities.selectors import goals as selectors
from activities.services import goals as services
from tests.factories import (
    ActivityFactory,
    GoalFactory,
    OrganisationFactory,
    ResultFactory,
)

SCRIPT = "<script>alert(1)</script>"
HUGE = "x" * 10_000


def url(name, goal=None, slug="twente"):
    kwargs = {"slug": slug}
    if goal is not None:
        kwargs["code"] = goal.code
    return reverse(f"activities:{name}", kwargs=kwargs)


def goal_count():
    with scopes_disabled():
        return Goal.objects.count()


def form_data(**changes):
    data = {
        "title": "Meer technici in de regio",
        "description": "",
        "regional_need": "",
        "indicator": "Leerlingen in technische profielen",
        "target_value": "40",
        "unit": "leerlingen",
        "horizon": GoalHorizon.LONG,
    }
    data.update(changes)
    return data


@pytest.fixture
def goal(partnership):
    with scopes_disabled():
        return GoalFactory(partnership=partnership, title="Meer instroom", target_value=40)


def measured(goal, *values, kind=ResultKind.SUCCESS):
    """An activity serving the goal with one result per value."""
    activity = ActivityFactory(partnership=goal.partnership)
    activity.goals.add(goal)
    for value in values:
        ResultFactory(activity=activity, goal=goal, value=Decimal(value), kind=kind)
    return activity


def progress_of(goal):
    with scopes_disabled():
        return selectors.goal_progress(partnership=goal.partnership).get(pk=goal.pk)


# Services


def test_goal_create_saves_the_goal_in_the_partnership(partnership, no_scopes):
    goal = services.goal_create(
        partnership=partnership,
        title="  Meer technici  ",
        indicator="Leerlingen",
        target_value=Decimal("12.5"),
        unit="leerlingen",
        horizon=GoalHorizon.SHORT,
    )
    goal.refresh_from_db()
    assert goal.partnership == partnership
    assert goal.title == "Meer technici"
    assert goal.target_value == Decimal("12.50")
    assert goal.horizon == GoalHorizon.SHORT


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": HUGE}, "title"),
        ({"description": HUGE}, "description"),
        ({"regional_need": HUGE}, "regional_need"),
        ({"indicator": HUGE}, "indicator"),
        ({"unit": HUGE}, "unit"),
        ({"target_value": Decimal("-1")}, "target_value"),
        ({"target_value": Decimal("1E+15")}, "target_value"),
        ({"target_value": Decimal("1.005")}, "target_value"),
        ({"horizon": "forever"}, "horizon"),
    ],
)
def test_goal_create_refuses_bad_input_and_saves_nothing(partnership, no_scopes, changes, field):
    fields = {"title": "Meer technici", "target_value": Decimal("40"), **changes}
    with pytest.raises(ValidationError) as error:
        services.goal_create(partnership=partnership, **fields)
    assert field in error.value.message_dict
    assert Goal.objects.count() == 0


def test_goal_create_refuses_a_float_target(partnership, no_scopes):
    with pytest.raises(TypeError):
        services.goal_create(partnership=partnership, title="Doel", target_value=12.5)
    assert Goal.objects.count() == 0


def test_goal_update_changes_the_fields(goal, no_scopes):
    services.goal_update(goal=goal, title="Nieuw", target_value=None, unit="")
    goal.refresh_from_db()
    assert (goal.title, goal.target_value, goal.unit) == ("Nieuw", None, "")


def test_goal_update_refuses_a_negative_target_and_keeps_the_old_one(goal, no_scopes):
    with pytest.raises(ValidationError) as error:
        services.goal_update(goal=goal, target_value=Decimal("-0.01"))
    assert "target_value" in error.value.message_dict
    goal.refresh_from_db()
    assert goal.target_value == Decimal("40.00")


def test_goal_update_refuses_fields_it_does_not_know(goal, no_scopes):
    with pytest.raises(TypeError):
        services.goal_update(goal=goal, partnership=None)


def test_an_unused_goal_is_deleted(goal, no_scopes):
    services.goal_delete(goal=goal)
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_a_goal_that_activities_serve_is_not_deleted_and_the_message_says_how_many(goal, no_scopes):
    for _ in range(2):
        ActivityFactory(partnership=goal.partnership).goals.add(goal)
    with pytest.raises(ValidationError) as error:
        services.goal_delete(goal=goal)
    assert [item.code for item in error.value.error_list] == ["in_use"]
    assert "2" in error.value.messages[0]
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_a_goal_that_results_measure_is_not_deleted_and_the_message_says_how_many(goal, no_scopes):
    activity = measured(goal, "1", "2", "3")
    activity.goals.remove(goal)
    with pytest.raises(ValidationError) as error:
        services.goal_delete(goal=goal)
    assert len(error.value.messages) == 1
    assert "3" in error.value.messages[0]
    assert selectors.goal_usage(goal=goal) == {"activities": 0, "results": 3}
    assert Goal.objects.filter(pk=goal.pk).exists()


# The form


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        (" 40 ", Decimal("40")),
        ("0", Decimal("0")),
        ("1.234,56", Decimal("1234.56")),
        ("", None),
    ],
)
def test_the_goal_form_reads_a_dutch_decimal_comma(no_scopes, typed, expected):
    form = GoalForm(data=form_data(target_value=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["target_value"] == expected


@pytest.mark.parametrize(
    "typed",
    ["abc", "1,5e9", "1.5e9", "-1", "-0,01", "NaN", "Infinity", "12,555", "1,2,3", HUGE],
)
def test_the_goal_form_refuses_a_target_that_is_not_a_number_of_at_least_zero(no_scopes, typed):
    form = GoalForm(data=form_data(target_value=typed))
    assert not form.is_valid()
    assert list(form.errors) == ["target_value"]


@pytest.mark.parametrize(
    "field, typed",
    [
        ("title", ""),
        ("title", HUGE),
        ("description", HUGE),
        ("regional_need", HUGE),
        ("indicator", HUGE),
        ("unit", HUGE),
        ("horizon", "forever"),
    ],
)
def test_the_goal_form_refuses_empty_and_huge_texts(no_scopes, field, typed):
    form = GoalForm(data=form_data(**{field: typed}))
    assert not form.is_valid()
    assert list(form.errors) == [field]


# Progress


def test_progress_is_the_total_of_the_values_as_a_percentage_rounded_down(goal, no_scopes):
    measured(goal, "10", "5.5")
    goal = progress_of(goal)
    assert goal.progress_total == Decimal("15.50")
    # 15.5 / 40 = 38.75 %: one decimal, rounded down.
    assert goal.progress_percentage == Decimal("38.7")
    assert goal.progress_bar == Decimal("38.7")


@pytest.mark.parametrize(
    "target, values, total, percentage, bar",
    [
        ("3", ["2"], "2", "66.6", "66.6"),
        ("1", ["0.29"], "0.29", "29.0", "29.0"),
        ("10", ["0.1", "0.2"], "0.30", "3.0", "3.0"),
        ("40", ["50"], "50", "125.0", "100"),
        ("40", ["40"], "40", "100.0", "100"),
        ("40", ["10", "-15.55"], "-5.55", "-13.9", "0"),
        ("40", [], "0", "0", "0"),
        ("999999999999.99", ["999999999999.99"], "999999999999.99", "100", "100"),
    ],
)
def test_progress_is_exact_for_awkward_numbers(
    partnership, no_scopes, target, values, total, percentage, bar
):
    goal = GoalFactory(partnership=partnership, target_value=Decimal(target))
    measured(goal, *values)
    goal = progress_of(goal)
    assert goal.progress_total == Decimal(total)
    assert goal.progress_percentage == Decimal(percentage)
    assert goal.progress_bar == Decimal(bar)


@pytest.mark.parametrize("target", [None, Decimal("0")])
def test_a_goal_without_a_target_has_a_total_but_no_percentage(partnership, no_scopes, target):
    goal = GoalFactory(partnership=partnership, target_value=target)
    measured(goal, "7")
    goal = progress_of(goal)
    assert goal.progress_total == Decimal("7")
    assert goal.progress_percentage is None
    assert goal.progress_bar is None


def test_progress_counts_only_this_goals_values_and_setbacks_count_too(goal, no_scopes):
    other = GoalFactory(partnership=goal.partnership, target_value=40)
    activity = measured(goal, "10")
    activity.goals.add(other)
    ResultFactory(activity=activity, goal=other, value=Decimal("30"))
    ResultFactory(activity=activity, goal=goal, value=Decimal("-2"), kind=ResultKind.SETBACK)
    ResultFactory(activity=activity, goal=None, value=None)
    assert progress_of(goal).progress_total == Decimal("8")
    assert progress_of(other).progress_total == Decimal("30")


def test_activity_count_is_not_multiplied_by_the_results(goal, no_scopes):
    measured(goal, "1", "2", "3")
    measured(goal, "4")
    ActivityFactory(partnership=goal.partnership)  # serves no goal
    goal = progress_of(goal)
    assert goal.activity_count == 2
    assert goal.progress_total == Decimal("10")


def test_goal_progress_lists_only_the_partnerships_goals(goal, other_partnership, no_scopes):
    GoalFactory(partnership=other_partnership)
    assert list(selectors.goal_progress(partnership=goal.partnership)) == [goal]


# Pages


def test_creating_a_goal_with_a_dutch_comma_saves_it_and_shows_it(leader_client, no_scopes):
    response = leader_client.post(url("goal-create"), form_data(target_value="12,5"))
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response.url == url("goal-detail", goal)
    assert goal.partnership.slug == "twente"
    assert goal.target_value == Decimal("12.50")


@pytest.mark.parametrize("typed", ["abc", "1,5e9", "-5", HUGE])
def test_creating_a_goal_with_a_bad_target_shows_the_form_again_and_saves_nothing(
    leader_client, typed
):
    response = leader_client.post(url("goal-create"), form_data(target_value=typed))
    assert response.status_code == 200
    assert "target_value" in response.context["form"].errors
    assert goal_count() == 0


def test_updating_a_goal_saves_the_changes(leader_client, goal):
    response = leader_client.post(
        url("goal-update", goal), form_data(title="Meer meiden in techniek", target_value="7,25")
    )
    assert response.status_code == 302
    with scopes_disabled():
        goal.refresh_from_db()
    assert goal.title == "Meer meiden in techniek"
    assert goal.target_value == Decimal("7.25")


def test_a_refused_update_changes_nothing(leader_client, goal):
    response = leader_client.post(url("goal-update", goal), form_data(title="", target_value="x"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "target_value"}
    with scopes_disabled():
        goal.refresh_from_db()
    assert goal.title == "Meer instroom"


def test_a_script_in_a_goal_is_shown_escaped(leader_client, goal):
    with scopes_disabled():
        services.goal_update(goal=goal, title=SCRIPT, unit=SCRIPT, indicator=SCRIPT)
        activity = measured(goal, "5")
        activity.title = SCRIPT
        activity.lead_organisation = OrganisationFactory(partnership=goal.partnership, name=SCRIPT)
        activity.save()
    for address in (
        url("goal-list"),
        url("goal-detail", goal),
        url("goal-update", goal),
        url("goal-delete", goal),
    ):
        html = leader_client.get(address).content.decode()
        assert SCRIPT not in html, address
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, address


def test_a_script_typed_in_the_form_is_shown_escaped_when_refused(leader_client):
    response = leader_client.post(url("goal-create"), form_data(title=SCRIPT, target_value=SCRIPT))
    html = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in html
    assert goal_count() == 0


def test_the_goal_page_shows_progress_results_and_activities(leader_client, goal):
    with scopes_disabled():
        activity = measured(goal, "10", "5.5")
    response = leader_client.get(url("goal-detail", goal))
    assert response.status_code == 200
    shown = response.context["goal"]
    assert shown.progress_total == Decimal("15.50")
    assert shown.progress_percentage == Decimal("38.7")
    # Same date: the last entered first.
    assert [result.value for result in response.context["results"]] == [
        Decimal("5.50"),
        Decimal("10.00"),
    ]
    assert list(response.context["activities"]) == [activity]
    html = response.content.decode()
    assert 'role="progressbar"' in html
    assert 'aria-valuenow="38.7"' in html
    assert (
        reverse("activities:activity-detail", kwargs={"slug": "twente", "code": activity.code})
        in html
    )


def test_the_goal_list_shows_the_progress_of_each_goal(leader_client, goal):
    with scopes_disabled():
        measured(goal, "10", "5.5")
    response = leader_client.get(url("goal-list"))
    assert response.status_code == 200
    [shown] = response.context["page"].object_list
    assert (shown.progress_percentage, shown.activity_count) == (Decimal("38.7"), 1)
    assert url("goal-detail", goal) in response.content.decode()


def test_a_viewer_sees_no_buttons_to_change_goals(client, viewer, goal):
    client.force_login(viewer)
    html = client.get(url("goal-list")).content.decode()
    assert url("goal-create") not in html
    html = client.get(url("goal-detail", goal)).content.decode()
    assert url("goal-update", goal) not in html
    assert url("goal-delete", goal) not in html


def test_a_goal_of_another_partnership_is_not_found(leader_client, other_partnership):
    with scopes_disabled():
        foreign = GoalFactory(partnership=other_partnership)
    for name in ("goal-detail", "goal-update", "goal-delete"):
        assert leader_client.get(url(name, foreign)).status_code == 404
    assert leader_client.post(url("goal-delete", foreign)).status_code == 404
    with scopes_disabled():
        assert Goal.objects.filter(pk=foreign.pk).exists()


def test_deleting_an_unused_goal_asks_first_then_deletes(leader_client, goal):
    assert leader_client.get(url("goal-delete", goal)).status_code == 200
    assert goal_count() == 1
    response = leader_client.post(url("goal-delete", goal))
    assert response.status_code == 302
    assert response.url == url("goal-list")
    assert goal_count() == 0


def test_deleting_a_goal_in_use_is_refused(leader_client, goal):
    with scopes_disabled():
        measured(goal, "1", "2")
    response = leader_client.get(url("goal-delete", goal))
    assert response.status_code == 200
    assert response.context["usage"] == {"activities": 1, "results": 2}
    assert 'method="post"' not in response.content.decode().split("<main", 1)[1]
    response = leader_client.post(url("goal-delete", goal))
    assert response.status_code == 400
    assert len(response.context["errors"]) == 2
    assert goal_count() == 1


# Speed


def _queries(client, address):
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200
    return len(context.captured_queries)


def _goals_with_progress(partnership, count):
    organisation = OrganisationFactory(partnership=partnership)
    for goal in GoalFactory.create_batch(count, partnership=partnership):
        activity = ActivityFactory(partnership=partnership, lead_organisation=organisation)
        activity.goals.add(goal)
        ResultFactory(activity=activity, goal=goal, value=Decimal("2.5"))


def test_the_goal_list_runs_the_same_number_of_queries_for_5_and_200_goals(
    leader_client, partnership
):
    with scopes_disabled():
        _goals_with_progress(partnership, 5)
    few = _queries(leader_client, url("goal-list"))
    with scopes_disabled():
        _goals_with_progress(partnership, 195)
    assert _queries(leader_client, url("goal-list")) == few


def _results_and_activities(goal, count):
    organisation = OrganisationFactory(partnership=goal.partnership)
    for day in range(count):
        activity = ActivityFactory(partnership=goal.partnership, lead_organisation=organisation)
        activity.goals.add(goal)
        ResultFactory(
            activity=activity,
            goal=goal,
            value=Decimal("1.25"),
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
            celebrated=day % 2 == 0,
        )


def test_the_goal_page_runs_the_same_number_of_queries_for_5_and_200_results(
    leader_client, goal, django_assert_num_queries
):
    with scopes_disabled():
        _results_and_activities(goal, 5)
    few = _queries(leader_client, url("goal-detail", goal))
    with scopes_disabled():
        _results_and_activities(goal, 195)
    with django_assert_num_queries(few):
        response = leader_client.get(url("goal-detail", goal))
    assert len(response.context["results"]) == 200
    assert len(response.context["activities"]) == 200
    assert response.context["goal"].progress_total == Decimal("250.00")


def test_a_service_error_on_a_field_the_form_lacks_is_shown_above_the_form(no_scopes):
    from activities.views.goals import add_service_error

    form = GoalForm(data=form_data())
    assert form.is_valid()
    add_service_error(form, ValidationError({"partnership": "No.", "title": "Taken."}))
    assert form.non_field_errors() == ["No."]
    assert form.errors["title"] == ["Taken."]
