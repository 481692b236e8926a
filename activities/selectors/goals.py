"""Reads on goals and the progress toward their targets.

Progress: the total of the values of all results measured toward a goal
(a setback may carry a negative value for ground lost), and that total as a percentage of the
target. The percentage is a Decimal rounded DOWN to one decimal (38.75 → 38.7, never
overstated, as docs/rules.md §9 asks of displayed percentages); it is None without a target or
with a target of 0. Everything is computed in SQL, so a list of goals costs one query.
"""

from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round

from activities.models import Activity, Goal, Result
from partners.models import Partnership

_MONEY = DecimalField(max_digits=14, decimal_places=2)
_PERCENT = DecimalField(max_digits=20, decimal_places=1)


def _cents(expression):
    # Exact integers on every database: SQLite keeps decimals as floats, so 0.29 × 100 is
    # 28.999…; rounding before the cast brings back the 29 the user typed.
    return Cast(Round(expression * 100), BigIntegerField())


def _progress_annotations(partnership: Partnership) -> dict:
    # The activity count is a subquery, so that joining the activities does not multiply
    # the rows the results' sum is taken over.
    activity_count = (
        Activity.goals.through.objects.filter(goal=OuterRef("pk"))
        .order_by()
        .values("goal")
        .annotate(count=Count("pk"))
        .values("count")
    )
    value_total = Sum("results__value", filter=Q(results__partnership=partnership))
    total_cents = F("_progress_total_cents")
    target_cents = _cents(F("target_value"))
    # Tenths of a percent, floored: integer division truncates toward zero on SQLite and
    # PostgreSQL alike, so a negative total is shifted to round down as well.
    tenths = Case(
        When(
            _progress_total_cents__gte=0,
            then=total_cents * 1000 / target_cents,
        ),
        default=-((-total_cents * 1000 + target_cents - 1) / target_cents),
        output_field=BigIntegerField(),
    )
    return {
        "progress_total": Round(
            Coalesce(value_total, Value(Decimal("0")), output_field=_MONEY),
            2,
            output_field=_MONEY,
        ),
        "_progress_total_cents": _cents(F("progress_total")),
        "progress_percentage": Case(
            When(
                target_value__gt=0,
                then=Cast(Cast(tenths, _PERCENT) * Value(Decimal("0.1")), _PERCENT),
            ),
            default=None,
            output_field=_PERCENT,
        ),
        "activity_count": Coalesce(Subquery(activity_count), 0),
    }


def goal_progress(*, partnership: Partnership) -> QuerySet[Goal]:
    """The partnership's goals by title, each annotated with `progress_total` (Decimal),
    `progress_percentage` (Decimal or None, see the module docstring), `progress_bar` (the
    percentage kept within 0–100, for the width of a progress bar) and `activity_count`."""
    return (
        Goal.objects.filter(partnership=partnership)
        .annotate(**_progress_annotations(partnership))
        .annotate(
            progress_bar=Case(
                When(progress_percentage__lt=0, then=Value(Decimal("0"))),
                When(progress_percentage__gt=100, then=Value(Decimal("100"))),
                default=F("progress_percentage"),
                output_field=_PERCENT,
            )
        )
        .order_by("title", "pk")
    )


def goal_results(*, goal: Goal) -> QuerySet[Result]:
    """The results measured toward a goal, newest first, with their activity."""
    return (
        Result.objects.filter(partnership=goal.partnership_id, goal=goal)
        .select_related("activity")
        .order_by("-date", "-pk")
    )


def goal_activities(*, goal: Goal) -> QuerySet[Activity]:
    """The activities serving a goal, by code, with their lead organisation."""
    return (
        Activity.objects.filter(partnership=goal.partnership_id, goals=goal)
        .select_related("lead_organisation")
        .order_by("sort_key", "pk")
    )


def goal_usage(*, goal: Goal) -> dict[str, int]:
    """How many activities serve the goal and how many results measure toward it: while
    either is above zero the goal cannot be deleted."""
    return {
        "activities": Activity.objects.filter(partnership=goal.partnership_id, goals=goal).count(),
        "results": Result.objects.filter(partnership=goal.partnership_id, goal=goal).count(),
    }
