"""Writes on results: the dated successes and setbacks of an activity.

Rules: a result has a description; a measured value
counts toward a goal, so it needs one, and that goal must be one the activity serves (of the
same partnership, also against a forged post); only a success can be celebrated; a cancelled
activity has no results in the future; and a date stays within ten years of today.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, ActivityStatus, Goal, Result, ResultKind
from activities.services.goals import check_text_lengths
from partners.services.interactions import date_bounds
from sterk.dates import long_date

FIELDS = ("date", "kind", "description", "goal", "value", "celebrated")


def result_rules(
    *,
    activity: Activity,
    date: datetime.date | None,
    kind: str | None,
    goal: Goal | None,
    value: Decimal | None,
    celebrated: bool,
    today: datetime.date,
) -> None:
    """Check the rules of a result that need no database (the form runs them too).

    Raises ValidationError with the keys of the fields at fault. `date` or `kind` may be
    None when the form already refused them; the rules that need them are then skipped.
    """
    errors: dict[str, list[str]] = {}
    if date is not None:
        earliest, latest = date_bounds(today)
        if not earliest <= date <= latest:
            errors.setdefault("date", []).append(
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": long_date(earliest), "latest": long_date(latest)}
            )
        elif date > today and activity.status == ActivityStatus.CANCELLED:
            errors.setdefault("date", []).append(
                _("This activity is cancelled: it cannot have results after today.")
            )
    if value is not None and goal is None:
        errors.setdefault("goal", []).append(
            _("A measured value counts toward a goal: choose the goal, or clear the value.")
        )
    if celebrated and kind is not None and kind != ResultKind.SUCCESS:
        errors.setdefault("celebrated", []).append(_("Only a success can be celebrated."))
    if errors:
        raise ValidationError(errors)


def _check_goal(*, activity: Activity, goal: Goal | None, current_goal_id: int | None) -> None:
    """The goal is one this activity serves; a result may keep the goal it already had
    even when the activity no longer serves it."""
    if goal is None or goal.pk == current_goal_id:
        if goal is not None and goal.partnership_id != activity.partnership_id:
            raise ValidationError({"goal": _("Choose a goal of this partnership.")})
        return
    if (
        goal.partnership_id != activity.partnership_id
        or not activity.goals.filter(pk=goal.pk, partnership=activity.partnership_id).exists()
    ):
        raise ValidationError({"goal": _("Choose one of the goals this activity serves.")})


def _apply(
    result: Result,
    *,
    activity: Activity,
    date: datetime.date,
    kind: str,
    description: str,
    goal: Goal | None,
    value: Decimal | None,
    celebrated: bool,
    today: datetime.date | None,
    current_goal_id: int | None,
) -> Result:
    if value is not None and not isinstance(value, Decimal):
        raise TypeError("value must be a Decimal or None")
    description = (description or "").strip()
    result_rules(
        activity=activity,
        date=date,
        kind=kind,
        goal=goal,
        value=value,
        celebrated=celebrated,
        today=today or timezone.localdate(),
    )
    _check_goal(activity=activity, goal=goal, current_goal_id=current_goal_id)
    result.date = date
    result.kind = kind
    result.description = description
    result.goal = goal
    result.value = value
    result.celebrated = bool(celebrated)
    check_text_lengths(result)
    # An empty description, an unknown kind or too many digits. Who entered it may be
    # unknown (a deleted account, a data import).
    result.full_clean(exclude=["created_by"])
    result.save()
    return result


def result_create(
    *,
    activity: Activity,
    created_by,
    date: datetime.date,
    kind: str,
    description: str,
    goal: Goal | None = None,
    value: Decimal | None = None,
    celebrated: bool = False,
    today: datetime.date | None = None,
) -> Result:
    """Record a success or setback of an activity (see the module docstring for the rules)."""
    result = Result(
        partnership_id=activity.partnership_id, activity=activity, created_by=created_by
    )
    with transaction.atomic():
        return _apply(
            result,
            activity=activity,
            date=date,
            kind=kind,
            description=description,
            goal=goal,
            value=value,
            celebrated=celebrated,
            today=today,
            current_goal_id=None,
        )


def result_update(*, result: Result, today: datetime.date | None = None, **fields) -> Result:
    """Change any of FIELDS of a result; its activity and partnership never change."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"result_update() got unexpected fields: {sorted(unknown)}")
    current = {
        "date": result.date,
        "kind": result.kind,
        "description": result.description,
        "goal": result.goal,
        "value": result.value,
        "celebrated": result.celebrated,
    }
    with transaction.atomic():
        return _apply(
            result,
            activity=result.activity,
            today=today,
            current_goal_id=result.goal_id,
            **{**current, **fields},
        )


def result_delete(*, result: Result) -> None:
    result.delete()
