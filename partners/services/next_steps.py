"""Who may tick off a next step, and "done, plan the next" in one go.

A next step lives on a contact moment (Interaction.next_step, _due, _owner). Ticking it off
is the one write a viewer may do, on a next step they own. "Done, plan the next" marks the
step done and records its outcome as a new contact moment of today that carries the next
step: both are saved in one transaction or neither is.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partners.models import Interaction, InteractionKind
from partners.services.interactions import date_bounds, interaction_create
from sterk.validators import has_line_break

OUTCOME_MAX = 5000
NEXT_STEP_MAX = 300


def may_tick_off(*, tenant, user, interaction: Interaction) -> bool:
    """Leaders and editors may tick off any next step; a viewer only one they own. Nobody
    may in a renewed partnership (read-only history)."""
    if tenant.may("write"):
        return True
    return (
        tenant.may("read")
        and not tenant.is_history
        and interaction.next_step_owner_id is not None
        and interaction.next_step_owner_id == user.pk
    )


def _text_errors(value: str, *, required: str, maximum: int, one_line: bool) -> list[str]:
    if "\x00" in value:
        return [_("Remove the invisible control character (NUL) from this text.")]
    if not value.strip():
        return [required]
    if len(value) > maximum:
        return [
            _("Keep this to at most %(maximum)d characters (it has %(length)d).")
            % {"maximum": maximum, "length": len(value)}
        ]
    if one_line and has_line_break(value):
        return [_("Keep this on one line: remove the line break.")]
    return []


def plan_rules(
    *,
    outcome: str,
    kind: str,
    next_step: str,
    next_step_due: datetime.date | None,
    today: datetime.date,
) -> None:
    """The rules of "done, plan the next": an outcome note and a next step (one line) are
    given, the next step is due today or later (and within ten years), the kind is a kind
    of contact moment. Raises ValidationError keyed by the form's field names."""
    errors: dict[str, list[str]] = {}
    outcome_errors = _text_errors(
        outcome or "",
        required=_("Describe what came of this step."),
        maximum=OUTCOME_MAX,
        one_line=False,
    )
    if outcome_errors:
        errors["outcome"] = outcome_errors
    step_errors = _text_errors(
        next_step or "",
        required=_("Describe the next step."),
        maximum=NEXT_STEP_MAX,
        one_line=True,
    )
    if step_errors:
        errors["next_step"] = step_errors
    if kind not in InteractionKind.values:
        errors["kind"] = [_("Choose the kind of contact.")]
    if next_step_due is None:
        errors["next_step_due"] = [_("A next step needs a due date.")]
    elif next_step_due < today:
        errors["next_step_due"] = [_("The next step cannot be due in the past.")]
    elif next_step_due > date_bounds(today)[1]:
        errors["next_step_due"] = [
            _("Enter a date no later than %(latest)s.")
            % {"latest": date_format(date_bounds(today)[1])}
        ]
    if errors:
        raise ValidationError(errors)


def next_step_done_and_plan(
    *,
    interaction: Interaction,
    user,
    outcome: str,
    kind: str,
    next_step: str,
    next_step_due: datetime.date | None,
    next_step_owner=None,
    today: datetime.date | None = None,
) -> Interaction:
    """Mark the open next step of `interaction` done and plan the next one; returns the new
    contact moment (dated today, the outcome as its summary, the next step on it; without
    an owner the user takes it on).

    Nothing is saved on bad input. The step is marked done by a conditional update inside
    the transaction, so of two submits of the same form (a double click, two tabs) only the
    first plans a next step; the second is refused.
    """
    today = today or timezone.localdate()
    if not interaction.next_step:
        raise ValidationError(_("This contact moment has no next step to mark done."))
    plan_rules(
        outcome=outcome, kind=kind, next_step=next_step, next_step_due=next_step_due, today=today
    )
    with transaction.atomic():
        marked = Interaction.objects.filter(
            partnership=interaction.partnership_id, pk=interaction.pk, next_step_done_at=None
        ).update(next_step_done_at=timezone.now(), next_step_done_by=user)
        if not marked:
            raise ValidationError(
                _("This next step was already marked done: nothing was saved."),
                code="already_done",
            )
        planned = interaction_create(
            partnership=interaction.partnership,
            organisation=interaction.organisation,
            created_by=user,
            kind=kind,
            date=today,
            summary=outcome.strip(),
            members=[user],
            next_step=next_step.strip(),
            next_step_due=next_step_due,
            next_step_owner=next_step_owner,
            today=today,
        )
    interaction.refresh_from_db(fields=["next_step_done_at", "next_step_done_by"])
    return planned
