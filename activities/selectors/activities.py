"""Reads on activities: the activity plan, the detail page, the export and the dashboard counts.

Every read runs a fixed number of queries, whatever the number of activities, goals,
participants or results.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    ActivityHorizon,
    ActivityStatus,
    CooperationForm,
    Goal,
    Participant,
    Result,
)
from partners.models import Organisation, Partnership
from partners.options import matching
from partners.widgets import OPTIONS_LIMIT
from sterk.sorting import natural_key


def partnership_goals(*, partnership: Partnership) -> QuerySet[Goal]:
    """The goals an activity of this partnership may serve (the only valid choices)."""
    return Goal.objects.filter(partnership=partnership).order_by("title", "pk")


def partnership_organisations(*, partnership: Partnership) -> QuerySet[Organisation]:
    """The organisations that may lead or join an activity of this partnership."""
    return Organisation.objects.filter(partnership=partnership).order_by("name", "pk")


def activity_list(*, partnership: Partnership) -> QuerySet[Activity]:
    """The partnership's activities with lead, goals (by title) and participants (by
    organisation name): three queries however many rows."""
    return (
        Activity.objects.filter(partnership=partnership)
        .select_related("lead_organisation")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("title", "pk")),
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("organisation").order_by(
                    "organisation__name", "pk"
                ),
            ),
        )
        .order_by("start_date", "sort_key", "pk")
    )


def activity_detail(*, partnership: Partnership) -> QuerySet[Activity]:
    """`activity_list` plus the results (newest first, with their goal), for one activity."""
    return activity_list(partnership=partnership).prefetch_related(
        Prefetch(
            "results",
            queryset=Result.objects.select_related("goal").order_by("-date", "-pk"),
        )
    )


# --- The activity plan --------------------------------------------------------------------


@dataclass
class YearGroup:
    year: int | None  # None: activities without a start date
    activities: list[Activity] = field(default_factory=list)


@dataclass
class GoalGroup:
    goal: Goal | None  # None: activities that serve no goal
    years: list[YearGroup] = field(default_factory=list)

    @property
    def activity_count(self) -> int:
        return sum(len(group.activities) for group in self.years)


def _sort_key(activity: Activity):
    return (activity.start_date is None, activity.start_date, natural_key(activity.short_code))


def _by_year(activities: list[Activity]) -> list[YearGroup]:
    years: dict[int | None, YearGroup] = {}
    for activity in sorted(activities, key=_sort_key):
        year = activity.start_date.year if activity.start_date else None
        years.setdefault(year, YearGroup(year=year)).activities.append(activity)
    # Years ascending, "no date" last.
    return sorted(years.values(), key=lambda group: (group.year is None, group.year or 0))


def activity_plan(*, activities, only_goal: Goal | None = None) -> list[GoalGroup]:
    """The activity plan: activities grouped by goal, and within each goal
    by the year they start.

    An activity serving two goals is listed under both; those serving none are in a last
    group with `goal=None`. Goals come in title order; only goals with activities appear.
    With `only_goal` (the plan filtered on a goal) only that goal's group is made.
    Works on the prefetched rows of `activity_list`, so it adds no queries.
    """
    by_goal: dict[int | None, tuple[Goal | None, list[Activity]]] = {}
    for activity in activities:
        goals = list(activity.goals.all())
        for goal in goals or [None]:
            if only_goal is not None and goal != only_goal:
                continue
            key = goal.pk if goal else None
            by_goal.setdefault(key, (goal, []))[1].append(activity)
    groups = [GoalGroup(goal=goal, years=_by_year(rows)) for goal, rows in by_goal.values()]
    return sorted(groups, key=_goal_order)


def _goal_order(group: GoalGroup):
    goal = group.goal
    return (goal is None, goal.title.lower() if goal else "", goal.pk if goal else 0)


def activity_years(*, partnership: Partnership) -> list[int]:
    """The start years of the partnership's activities, for the year filter."""
    return [
        day.year
        for day in Activity.objects.filter(partnership=partnership, start_date__isnull=False).dates(
            "start_date", "year"
        )
    ]


def activity_export_rows(*, activities) -> list[tuple]:
    """One row per activity: code, title, form, status, horizon, start, end, lead, goals
    (joined with "; "), participants (joined with "; "), other funding."""
    return [
        (
            activity.short_code,
            activity.title,
            activity.get_form_display(),
            activity.get_status_display(),
            activity.get_horizon_display(),
            activity.start_date,
            activity.end_date,
            activity.lead_organisation.name if activity.lead_organisation else "",
            "; ".join(goal.title for goal in activity.goals.all()),
            "; ".join(p.organisation.name for p in activity.participants.all()),
            activity.other_funding,
        )
        for activity in activities
    ]


def activity_export_headers() -> list[str]:
    return [
        _("Code"),
        _("Title"),
        _("Form of cooperation"),
        _("Status"),
        _("Horizon"),
        _("Start"),
        _("End"),
        _("Lead organisation"),
        _("Goals"),
        _("Participants"),
        _("Other funding"),
    ]


# --- Dashboard ----------------------------------------------------------------------------


class LabelledCount(NamedTuple):
    value: object
    label: str
    count: int


def activity_counts(*, partnership: Partnership) -> dict:
    """Counts for the dashboard panel, in one aggregate query.

    Returns {"total": int, "forms": [LabelledCount] for all eight forms in the guide's
    order, "statuses": [LabelledCount] for every status, "horizons": [LabelledCount],
    "quick_wins": int, "long_term": int}. Zeros are included.
    """
    aggregates = {"total": Count("pk")}
    for value in CooperationForm.values:
        aggregates[f"form_{value}"] = Count("pk", filter=Q(form=value))
    for value in ActivityStatus.values:
        aggregates[f"status_{value}"] = Count("pk", filter=Q(status=value))
    for value in ActivityHorizon.values:
        aggregates[f"horizon_{value}"] = Count("pk", filter=Q(horizon=value))
    row = Activity.objects.filter(partnership=partnership).aggregate(**aggregates)

    def counts(prefix, choices):
        return [LabelledCount(value, label, row[f"{prefix}_{value}"]) for value, label in choices]

    return {
        "total": row["total"],
        "forms": counts("form", CooperationForm.choices),
        "statuses": counts("status", ActivityStatus.choices),
        "horizons": counts("horizon", ActivityHorizon.choices),
        "quick_wins": row[f"horizon_{ActivityHorizon.QUICK_WIN}"],
        "long_term": row[f"horizon_{ActivityHorizon.LONG_TERM}"],
    }


def activity_options(*, partnership: Partnership, words: list[str]) -> list[tuple[int, str]]:
    """At most OPTIONS_LIMIT activities of the partnership whose code or title holds every
    word, by code: (id, "code title") pairs, one query."""
    rows = (
        matching(Activity.objects.filter(partnership=partnership), words, ("short_code", "title"))
        .order_by("sort_key", "title", "pk")
        .values_list("pk", "short_code", "title")[:OPTIONS_LIMIT]
    )
    return [(pk, f"{code} {title}") for pk, code, title in rows]
