"""Writes on a partnership's goals.

Rules: a title is required, the target value is a
number of at least zero (Decimal, never float), and a goal that activities serve or results
measure is not deleted.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, TextField
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import Goal, GoalHorizon
from activities.selectors.goals import goal_usage
from partners.models import Partnership

FIELDS = ("title", "description", "regional_need", "indicator", "target_value", "unit", "horizon")


def _check_target(target_value) -> None:
    if target_value is not None and not isinstance(target_value, Decimal):
        raise TypeError("target_value must be a Decimal or None")


def check_text_lengths(instance) -> None:
    """Refuse texts over a TextField's max_length, which Django checks in forms only."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, TextField) and field.max_length:
            value = getattr(instance, field.attname) or ""
            if len(value) > field.max_length:
                errors[field.name] = _(
                    "Use at most %(limit)d characters (this has %(length)d)."
                ) % {"limit": field.max_length, "length": len(value)}
    if errors:
        raise ValidationError(errors)


def _save(goal: Goal) -> Goal:
    goal.title = (goal.title or "").strip()
    check_text_lengths(goal)
    # full_clean gives field-keyed errors for an empty title, a negative target, too many
    # digits, an unknown horizon and short texts over their length, before any write.
    goal.full_clean()
    goal.save()
    return goal


def goal_create(
    *,
    partnership: Partnership,
    title: str,
    description: str = "",
    regional_need: str = "",
    indicator: str = "",
    target_value: Decimal | None = None,
    unit: str = "",
    horizon: str = GoalHorizon.LONG,
) -> Goal:
    _check_target(target_value)
    goal = Goal(
        partnership=partnership,
        title=title,
        description=description,
        regional_need=regional_need,
        indicator=indicator,
        target_value=target_value,
        unit=unit,
        horizon=horizon,
    )
    return _save(goal)


def goal_update(*, goal: Goal, **fields) -> Goal:
    """Change any of FIELDS; the partnership never changes."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"goal_update() got unexpected fields: {sorted(unknown)}")
    if "target_value" in fields:
        _check_target(fields["target_value"])
    for name, value in fields.items():
        setattr(goal, name, value)
    return _save(goal)


def goal_delete(*, goal: Goal) -> None:
    """Delete a goal nothing refers to.

    A goal that activities serve or results measure toward is refused, with how many, so
    the progress already recorded and the activity plan do not silently lose their goal.
    """
    with transaction.atomic():
        usage = goal_usage(goal=goal)
        activity_count, result_count = usage["activities"], usage["results"]
        refusals = []
        if activity_count:
            refusals.append(
                ngettext(
                    "This goal cannot be deleted: %(count)d activity serves it.",
                    "This goal cannot be deleted: %(count)d activities serve it.",
                    activity_count,
                )
                % {"count": activity_count}
            )
        if result_count:
            refusals.append(
                ngettext(
                    "This goal cannot be deleted: %(count)d result is measured toward it.",
                    "This goal cannot be deleted: %(count)d results are measured toward it.",
                    result_count,
                )
                % {"count": result_count}
            )
        if refusals:
            raise ValidationError([ValidationError(text, code="in_use") for text in refusals])
        try:
            goal.delete()
        except ProtectedError as error:  # a result was linked meanwhile
            raise ValidationError(
                _("This goal cannot be deleted: results are measured toward it."),
                code="in_use",
            ) from error
