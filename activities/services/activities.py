"""Writes on activities and their participants.

An activity and its participants are saved together in one transaction, after every rule
has been checked, so a refused save leaves nothing behind: no activity without its
participants, no participants without their tasks.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    ActivityHorizon,
    ActivityStatus,
    Goal,
    Participant,
    Result,
)
from partners.models import Organisation, Partnership

_CODE_CONSTRAINT = "activity_code_unique_per_partnership"


class ParticipantData(TypedDict):
    organisation: Organisation
    tasks: str
    responsibilities: str


def _text_limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_texts(activity: Activity, errors: dict) -> None:
    # TextField.max_length is only a form hint; the service enforces it for every caller.
    for name in ("description", "other_funding_note"):
        limit = _text_limit(Activity, name)
        if len(getattr(activity, name)) > limit:
            _add(
                errors,
                name,
                _("Keep this to %(limit)d characters or fewer.") % {"limit": limit},
            )


def _check_code_free(activity: Activity, errors: dict) -> None:
    """The short code is unique in the partnership, ignoring case (A7 and a7 are the same),
    because people refer to activities by it."""
    if not activity.short_code:
        return
    others = Activity.objects.filter(
        partnership=activity.partnership_id, short_code__iexact=activity.short_code
    )
    if activity.pk:
        others = others.exclude(pk=activity.pk)
    if others.exists():
        _add(
            errors,
            "short_code",
            _("Another activity of this partnership already has the code %(code)s.")
            % {"code": activity.short_code},
        )


def _check_relations(
    activity: Activity, goals: Sequence[Goal], participants: Sequence[ParticipantData], errors
) -> None:
    """Goals, the lead and participants all belong to the activity's own partnership: a
    forged id of another partnership's goal or organisation is refused here too."""
    partnership_id = activity.partnership_id
    if any(goal.partnership_id != partnership_id for goal in goals):
        _add(errors, "goals", _("Choose goals of this partnership."))
    lead = activity.lead_organisation
    if lead is not None and lead.partnership_id != partnership_id:
        _add(errors, "lead_organisation", _("Choose an organisation of this partnership."))
    seen = set()
    limit = _text_limit(Participant, "tasks")
    for row in participants:
        organisation = row["organisation"]
        name = organisation.name
        if organisation.partnership_id != partnership_id:
            _add(errors, "participants", _("Choose participants of this partnership."))
            continue
        if organisation.pk in seen:
            _add(
                errors,
                "participants",
                _("%(organisation)s takes part only once.") % {"organisation": name},
            )
        seen.add(organisation.pk)
        if not row["tasks"] or not row["responsibilities"]:
            _add(
                errors,
                "participants",
                _("Write out the tasks and the responsibilities of %(organisation)s.")
                % {"organisation": name},
            )
        if len(row["tasks"]) > limit or len(row["responsibilities"]) > limit:
            _add(
                errors,
                "participants",
                _("Keep the tasks and responsibilities of %(organisation)s to %(limit)d "
                  "characters each.")
                % {"organisation": name, "limit": limit},
            )  # fmt: skip


def _check_dates_and_status(activity: Activity, errors: dict, today: datetime.date) -> None:
    if activity.start_date and activity.end_date and activity.end_date < activity.start_date:
        _add(errors, "end_date", _("The end date cannot be before the start date."))
    # A cancelled activity cannot still produce results: those dated after today would
    # show as coming successes or setbacks of something that no longer happens.
    if (
        activity.pk
        and activity.status == ActivityStatus.CANCELLED
        and Result.objects.filter(
            partnership=activity.partnership_id, activity=activity, date__gt=today
        ).exists()
    ):
        _add(
            errors,
            "status",
            _(
                "This activity still has results dated after today. A cancelled activity "
                "cannot have future results: change or delete those results first."
            ),
        )


def _validate(activity, *, goals, participants, today) -> None:
    errors: dict[str, list[str]] = {}
    try:
        # The code rule and the end date are checked below with clearer messages; the
        # database constraints back them.
        activity.full_clean(
            exclude=["partnership", "lead_organisation"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        error.update_error_dict(errors)
    _check_texts(activity, errors)
    _check_code_free(activity, errors)
    _check_relations(activity, goals, participants, errors)
    _check_dates_and_status(activity, errors, today)
    if errors:
        raise ValidationError(errors)


def _normalise_participants(participants: Iterable) -> list[ParticipantData]:
    return [
        ParticipantData(
            organisation=row["organisation"],
            tasks=(row.get("tasks") or "").strip(),
            responsibilities=(row.get("responsibilities") or "").strip(),
        )
        for row in participants
    ]


def _sync_participants(activity: Activity, participants: list[ParticipantData], user) -> None:
    """Make the activity's participants exactly `participants`, matched by organisation:
    rows for other organisations are deleted, changed texts are updated, new ones added.
    One row at a time, so each change is in the participant's history."""
    existing = {p.organisation_id: p for p in activity.participants.all()}
    wanted = {row["organisation"].pk: row for row in participants}
    for organisation_id, participant in existing.items():
        if organisation_id not in wanted:
            participant._history_user = user
            participant.delete()
    for organisation_id, row in wanted.items():
        participant = existing.get(organisation_id)
        if participant is None:
            participant = Participant(
                partnership_id=activity.partnership_id,
                activity=activity,
                organisation=row["organisation"],
            )
        elif (participant.tasks, participant.responsibilities) == (
            row["tasks"],
            row["responsibilities"],
        ):
            continue
        participant.tasks = row["tasks"]
        participant.responsibilities = row["responsibilities"]
        participant._history_user = user
        participant.save()


def _save(activity: Activity, *, user, fields: dict, goals, participants) -> Activity:
    for name, value in fields.items():
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    goals = list(goals)
    participants = _normalise_participants(participants)
    _validate(activity, goals=goals, participants=participants, today=timezone.localdate())
    activity._history_user = user
    try:
        with transaction.atomic():
            activity.save()
            activity.goals.set(goals)
            _sync_participants(activity, participants, user)
    except IntegrityError as error:
        # Another save took the code between the check and this one.
        if _CODE_CONSTRAINT not in str(error):
            raise
        raise ValidationError(
            {"short_code": _("Another activity of this partnership already has this code.")}
        ) from None
    return activity


def activity_create(
    *,
    partnership: Partnership,
    user,
    short_code: str,
    title: str,
    form: int,
    description: str = "",
    goals: Iterable[Goal] = (),
    lead_organisation: Organisation | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    status: str = ActivityStatus.IDEA,
    horizon: str = ActivityHorizon.LONG_TERM,
    other_funding: str = "",
    other_funding_note: str = "",
    participants: Iterable[ParticipantData] = (),
) -> Activity:
    """Create an activity with its goals and participants.

    Rules: the short code is unique in the partnership ignoring case; the end is not
    before the start; goals, lead and participants belong to the partnership; every
    participant has its tasks and responsibilities written out (they go into the
    agreement) and takes part once. Raises ValidationError with field keys
    (participant rules under "participants"); nothing is saved then.
    """
    activity = Activity(partnership=partnership)
    fields = {
        "short_code": short_code,
        "title": title,
        "form": form,
        "description": description,
        "lead_organisation": lead_organisation,
        "start_date": start_date,
        "end_date": end_date,
        "status": status,
        "horizon": horizon,
        "other_funding": other_funding,
        "other_funding_note": other_funding_note,
    }
    return _save(activity, user=user, fields=fields, goals=goals, participants=participants)


def activity_update(
    *,
    activity: Activity,
    user,
    short_code: str,
    title: str,
    form: int,
    description: str = "",
    goals: Iterable[Goal] = (),
    lead_organisation: Organisation | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    status: str = ActivityStatus.IDEA,
    horizon: str = ActivityHorizon.LONG_TERM,
    other_funding: str = "",
    other_funding_note: str = "",
    participants: Iterable[ParticipantData] = (),
) -> Activity:
    """Change an activity; `goals` and `participants` replace the current ones.

    The rules of `activity_create` apply, and one more: a cancelled activity cannot
    still have results dated after today. On a ValidationError
    nothing is saved and `activity` is reloaded from the database.
    """
    fields = {
        "short_code": short_code,
        "title": title,
        "form": form,
        "description": description,
        "lead_organisation": lead_organisation,
        "start_date": start_date,
        "end_date": end_date,
        "status": status,
        "horizon": horizon,
        "other_funding": other_funding,
        "other_funding_note": other_funding_note,
    }
    try:
        return _save(activity, user=user, fields=fields, goals=goals, participants=participants)
    except ValidationError:
        activity.refresh_from_db()
        raise


def activity_delete(*, activity: Activity, user=None) -> None:
    """Delete an activity with its participants and results (they cascade).

    An activity that later parts of Sterk still refer to (a cofinancing contribution or a
    budget line) is kept: ValidationError, and nothing is deleted.
    """
    activity._history_user = user
    try:
        with transaction.atomic():
            activity.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "This activity is still used elsewhere in Sterk, for example by a cofinancing "
                "contribution or a budget line. Link those to another activity first, or set "
                "this activity's status to “Cancelled”."
            )
        ) from None
