"""Writes on evaluation rounds (docs/rules.md §17).

The guide (section 4, "keeping the partnership alive") asks partners to evaluate their shared
ambition and results regularly with five questions; a round records an answer to each, the
decisions taken and who took part.

Rules: a round is dated at most one year ahead (planning the next round is fine, a typing
error like 2062 is not) and at most ten years back; the people and organisations who took
part belong to the round's partnership.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import EVALUATION_QUESTIONS, Evaluation
from partners.models import Membership, Organisation, Partnership
from sterk.dates import long_date

MAX_YEARS_AHEAD = 1
MAX_YEARS_BACK = 10

ANSWER_FIELDS = [field for field, _question in EVALUATION_QUESTIONS]


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year + years, day=28)


def date_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest date an evaluation round may have."""
    return _years_from(today, -MAX_YEARS_BACK), _years_from(today, MAX_YEARS_AHEAD)


def evaluation_rules(*, date: datetime.date | None, today: datetime.date) -> None:
    """Check the date of a round; raises ValidationError keyed on `date`."""
    if date is None:
        return
    earliest, latest = date_bounds(today)
    if date > latest:
        raise ValidationError(
            {
                "date": _("An evaluation round can be planned at most a year ahead (%(latest)s).")
                % {"latest": long_date(latest)}
            }
        )
    if date < earliest:
        raise ValidationError(
            {"date": _("Enter a date after %(earliest)s.") % {"earliest": long_date(earliest)}}
        )


def _check_participants(*, partnership: Partnership, members, organisations) -> None:
    """Members and organisations who took part belong to this partnership; the form already
    limits its choices, this guards every other caller."""
    errors = {}
    if any(organisation.partnership_id != partnership.pk for organisation in organisations):
        errors["organisations"] = _("Choose organisations of this partnership.")
    user_ids = {user.pk for user in members}
    if user_ids:
        known = set(
            Membership.objects.filter(partnership=partnership, user__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        if user_ids - known:
            errors["members"] = _("Choose members of this partnership.")
    if errors:
        raise ValidationError(errors)


def _apply(
    evaluation: Evaluation,
    *,
    date: datetime.date,
    answers: dict[str, str],
    decisions: str,
    members: Iterable,
    organisations: Iterable[Organisation],
    other_participants: str,
    today: datetime.date | None,
) -> Evaluation:
    members, organisations = list(members), list(organisations)
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise TypeError(f"not an evaluation question: {sorted(unknown)}")
    evaluation_rules(date=date, today=today or timezone.localdate())
    _check_participants(
        partnership=evaluation.partnership, members=members, organisations=organisations
    )
    evaluation.date = date
    for field in ANSWER_FIELDS:
        setattr(evaluation, field, (answers.get(field) or "").strip())
    evaluation.decisions = (decisions or "").strip()
    evaluation.other_participants = (other_participants or "").strip()
    evaluation.full_clean(exclude=["partnership", "created_by"])
    with transaction.atomic():
        evaluation.save()
        evaluation.members.set(members)
        evaluation.organisations.set(organisations)
    return evaluation


def evaluation_create(
    *,
    partnership: Partnership,
    created_by,
    date: datetime.date,
    answers: dict[str, str],
    decisions: str = "",
    members: Iterable = (),
    organisations: Iterable[Organisation] = (),
    other_participants: str = "",
    today: datetime.date | None = None,
) -> Evaluation:
    """Record an evaluation round; `answers` maps each field of EVALUATION_QUESTIONS to its
    answer. Every question needs an answer (the model requires all five)."""
    evaluation = Evaluation(partnership=partnership, created_by=created_by)
    return _apply(
        evaluation,
        date=date,
        answers=answers,
        decisions=decisions,
        members=members,
        organisations=organisations,
        other_participants=other_participants,
        today=today,
    )


def evaluation_update(
    *,
    evaluation: Evaluation,
    date: datetime.date,
    answers: dict[str, str],
    decisions: str = "",
    members: Iterable = (),
    organisations: Iterable[Organisation] = (),
    other_participants: str = "",
    today: datetime.date | None = None,
) -> Evaluation:
    """Change an evaluation round; the same rules as `evaluation_create`."""
    return _apply(
        evaluation,
        date=date,
        answers=answers,
        decisions=decisions,
        members=members,
        organisations=organisations,
        other_participants=other_participants,
        today=today,
    )


def evaluation_delete(*, evaluation: Evaluation) -> None:
    with transaction.atomic():
        evaluation.members.clear()
        evaluation.organisations.clear()
        evaluation.delete()
