"""The demo region's goals, activities, results and evaluation round."""

import datetime

import pytest
from django.apps import apps
from django.db.models import Count, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from activities import demo as activities_demo
from activities.models import (
    EVALUATION_QUESTIONS,
    Activity,
    ActivityHorizon,
    ActivityStatus,
    CooperationForm,
    Evaluation,
    Goal,
    GoalHorizon,
    Participant,
    Result,
    ResultKind,
)
from partners import demo as partners_demo
from partners.models import Role


def seed_both():
    with scopes_disabled():
        partnership = partners_demo.seed()
        activities_demo.seed(partnership)
    return partnership


@pytest.fixture
def region(db, no_scopes):
    return seed_both()


def row_counts():
    with scopes_disabled():
        return {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models(include_auto_created=True)
        }


def test_four_goals_two_short_and_two_long_with_measurable_indicators(region):
    goals = Goal.objects.filter(partnership=region)
    assert goals.count() == 4
    horizons = sorted(goals.values_list("horizon", flat=True))
    assert horizons == sorted([GoalHorizon.SHORT] * 2 + [GoalHorizon.LONG] * 2)
    for goal in goals:
        goal.full_clean()
        assert goal.indicator and goal.unit and goal.description and goal.regional_need
        assert goal.target_value > 0


def test_about_twenty_activities_cover_all_eight_forms(region):
    activities = Activity.objects.filter(partnership=region)
    assert activities.count() >= 20
    assert set(activities.values_list("form", flat=True)) == set(CooperationForm.values)
    assert set(activities.values_list("status", flat=True)) == set(ActivityStatus.values)
    assert set(activities.values_list("horizon", flat=True)) == set(ActivityHorizon.values)
    codes = sorted(activities.values_list("short_code", flat=True), key=lambda c: int(c[1:]))
    assert codes == [f"A{number}" for number in range(1, len(codes) + 1)]


def test_every_activity_passes_the_model_validators_and_lies_in_2025_to_2028(region):
    for activity in Activity.objects.filter(partnership=region).prefetch_related("goals"):
        activity.full_clean()
        assert activity.title and activity.description
        assert activity.lead_organisation.partnership_id == region.pk
        assert activity.goals.exists(), activity.short_code
        assert all(goal.partnership_id == region.pk for goal in activity.goals.all())
        assert datetime.date(2025, 1, 1) <= activity.start_date <= activity.end_date
        assert activity.end_date <= datetime.date(2028, 12, 31)


def test_one_activity_is_paid_in_part_by_a_rif_project(region):
    funded = Activity.objects.filter(partnership=region).exclude(other_funding="")
    assert list(funded.values_list("other_funding", flat=True)) == ["RIF-2024-017"]
    assert funded.get().other_funding_note


def test_every_activity_has_two_or_three_participants_with_tasks_and_responsibilities(region):
    activities = Activity.objects.filter(partnership=region).annotate(size=Count("participants"))
    for activity in activities:
        assert 2 <= activity.size <= 3, activity.short_code
    participants = Participant.objects.filter(partnership=region).select_related(
        "activity", "organisation"
    )
    for participant in participants:
        participant.full_clean()
        assert participant.tasks.strip() and participant.responsibilities.strip()
        assert participant.activity.partnership_id == region.pk
        assert participant.organisation.partnership_id == region.pk
    leads = set(activities.values_list("pk", "lead_organisation_id"))
    joined = set(participants.values_list("activity_id", "organisation_id"))
    assert leads <= joined


def test_results_move_the_goals_forward_and_some_are_celebrated(region):
    results = Result.objects.filter(partnership=region).select_related("activity", "goal")
    assert results.count() >= 15
    for result in results:
        result.full_clean()
        assert result.date <= timezone.localdate()
        assert result.activity.start_date <= result.date <= result.activity.end_date
        if result.goal is not None:
            assert result.activity.goals.filter(pk=result.goal_id).exists()
    successes = results.filter(kind=ResultKind.SUCCESS)
    assert successes.filter(celebrated=True).count() >= 3
    assert successes.filter(celebrated=False).exists()
    assert 2 <= results.filter(kind=ResultKind.SETBACK).count() <= 5
    assert not results.filter(kind=ResultKind.SETBACK, celebrated=True).exists()
    assert not results.filter(activity__status=ActivityStatus.CANCELLED).exists()
    progress = Goal.objects.filter(partnership=region).annotate(reached=Sum("results__value"))
    for goal in progress:
        assert goal.reached is not None and 0 < goal.reached < goal.target_value, goal.title


def test_one_evaluation_round_with_every_answer_and_who_took_part(region):
    evaluation = Evaluation.objects.get(partnership=region)
    evaluation.full_clean()
    for field, _question in EVALUATION_QUESTIONS:
        assert getattr(evaluation, field).strip(), field
    assert evaluation.decisions and evaluation.other_participants
    assert evaluation.date <= timezone.localdate()
    roles = set(evaluation.members.values_list("memberships__role", flat=True))
    assert roles == {Role.LEADER, Role.EDITOR}
    organisations = list(evaluation.organisations.all())
    assert len(organisations) >= 5
    assert all(organisation.partnership_id == region.pk for organisation in organisations)
    assert evaluation.created_by.memberships.get(partnership=region).role == Role.LEADER


def test_seeding_twice_changes_no_row_counts(region):
    before = row_counts()
    seed_both()
    assert row_counts() == before


def test_seeding_again_on_a_later_day_creates_nothing_new(region, monkeypatch):
    before = row_counts()
    later = timezone.localdate() + datetime.timedelta(days=40)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    seed_both()
    assert row_counts() == before


def test_seeding_keeps_what_users_changed(region):
    activity = Activity.objects.get(partnership=region, short_code="A3")
    activity.title = "Draaibank op dinsdag"
    activity.save()
    activity.participants.first().delete()
    seed_both()
    activity.refresh_from_db()
    assert activity.title == "Draaibank op dinsdag"
    assert activity.participants.count() == 1


def test_the_demo_data_is_the_same_on_every_run(db, no_scopes):
    def snapshot():
        return (
            sorted(
                Activity.objects.values_list(
                    "short_code", "title", "form", "status", "start_date", "lead_organisation__name"
                )
            ),
            sorted(Result.objects.values_list("activity__short_code", "date", "kind", "value")),
            list(Evaluation.objects.values_list("date", "answer_goals")),
        )

    seed_both()
    first = snapshot()
    for model in (Result, Participant, Evaluation, Activity, Goal):
        model.objects.all().delete()
    seed_both()
    assert snapshot() == first


def test_demo_leader_can_open_the_evaluation_pages(region, client):
    login = {"username": partners_demo.DEMO_ACCOUNTS[0][0], "password": partners_demo.DEMO_PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302
    evaluation = Evaluation.objects.get(partnership=region)
    base = f"/p/{partners_demo.DEMO_SLUG}/evaluations/"
    for path in [
        "",
        f"{evaluation.code}/",
        f"{evaluation.code}/edit/",
        f"{evaluation.code}/delete/",
    ]:
        assert client.get(base + path).status_code == 200, path
