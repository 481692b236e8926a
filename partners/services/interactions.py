"""Writes on contact moments (Interaction) and their next steps.

Rules: a next step has a due date and the
other way round, the due date is not before the moment, a moment in the future is a planned
one and so has a next step, and dates stay within ten years of today.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Contact, Interaction, Membership, Organisation, Partnership
from sterk import dashboard_cache
from sterk.dates import long_date

# Further than this from today is a typing error (2062 for 2026), not a real contact moment.
MAX_YEARS_AWAY = 10


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year + years, day=28)


def date_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest date a contact moment or next step may have."""
    return _years_from(today, -MAX_YEARS_AWAY), _years_from(today, MAX_YEARS_AWAY)


def interaction_rules(
    *,
    date: datetime.date | None,
    next_step: str,
    next_step_due: datetime.date | None,
    today: datetime.date,
) -> None:
    """Check the date and next-step rules of a contact moment.

    Raises ValidationError with the keys of the fields at fault. `date` may be None when
    the form already refused it; the rules that need it are then skipped.
    """
    errors: dict[str, list[str]] = {}
    earliest, latest = date_bounds(today)
    for field, value in (("date", date), ("next_step_due", next_step_due)):
        if value is not None and not earliest <= value <= latest:
            errors.setdefault(field, []).append(
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": long_date(earliest), "latest": long_date(latest)}
            )
    if next_step and next_step_due is None:
        errors.setdefault("next_step_due", []).append(_("A next step needs a due date."))
    if next_step_due is not None and not next_step:
        errors.setdefault("next_step", []).append(
            _("Describe the next step that is due on this date, or clear the due date.")
        )
    if date is not None and next_step_due is not None and next_step_due < date:
        errors.setdefault("next_step_due", []).append(
            _("The next step cannot be due before the contact moment itself.")
        )
    if date is not None and date > today and not next_step:
        errors.setdefault("next_step", []).append(
            _("A contact moment in the future is a planned one: describe its next step.")
        )
    if errors:
        raise ValidationError(errors)


def _check_people(
    *, partnership: Partnership, organisation: Organisation, contacts, members, owner
) -> None:
    """Their people belong to the organisation, our people to the partnership."""
    errors = {}
    if any(contact.organisation_id != organisation.pk for contact in contacts):
        errors["contacts"] = _("Choose people of %(organisation)s.") % {
            "organisation": organisation.name
        }
    user_ids = {user.pk for user in members}
    if owner is not None:
        user_ids.add(owner.pk)
    if user_ids:
        known = set(
            Membership.objects.filter(partnership=partnership, user__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        if any(user.pk not in known for user in members):
            errors["members"] = _("Choose members of this partnership.")
        if owner is not None and owner.pk not in known:
            errors["next_step_owner"] = _("Choose a member of this partnership.")
    if errors:
        raise ValidationError(errors)


def _apply(
    interaction: Interaction,
    *,
    user,
    kind: str,
    date: datetime.date,
    summary: str,
    contacts: Iterable[Contact],
    members: Iterable,
    next_step: str,
    next_step_due: datetime.date | None,
    next_step_owner,
    today: datetime.date | None,
) -> Interaction:
    contacts, members = list(contacts), list(members)
    next_step = (next_step or "").strip()
    interaction_rules(
        date=date,
        next_step=next_step,
        next_step_due=next_step_due,
        today=today or timezone.localdate(),
    )
    if next_step:
        # Whoever writes down a next step without naming an owner takes it on.
        next_step_owner = next_step_owner or user
    else:
        next_step_owner = None
        interaction.next_step_done_at = None
        interaction.next_step_done_by = None
    _check_people(
        partnership=interaction.partnership,
        organisation=interaction.organisation,
        contacts=contacts,
        members=members,
        owner=next_step_owner,
    )
    interaction.kind = kind
    interaction.date = date
    interaction.summary = summary
    interaction.next_step = next_step
    interaction.next_step_due = next_step_due
    interaction.next_step_owner = next_step_owner
    interaction.full_clean(exclude=["partnership", "organisation", "created_by"])
    with transaction.atomic():
        interaction.save()
        interaction.contacts.set(contacts)
        interaction.members.set(members)
    return interaction


def interaction_create(
    *,
    partnership: Partnership,
    organisation: Organisation,
    created_by,
    kind: str,
    date: datetime.date,
    summary: str,
    contacts: Iterable[Contact] = (),
    members: Iterable = (),
    next_step: str = "",
    next_step_due: datetime.date | None = None,
    next_step_owner=None,
    today: datetime.date | None = None,
) -> Interaction:
    """Log a contact moment with an organisation; see `interaction_rules` for the rules."""
    if organisation.partnership_id != partnership.pk:
        raise ValidationError(_("This organisation belongs to another partnership."))
    interaction = Interaction(
        partnership=partnership, organisation=organisation, created_by=created_by
    )
    return _apply(
        interaction,
        user=created_by,
        kind=kind,
        date=date,
        summary=summary,
        contacts=contacts,
        members=members,
        next_step=next_step,
        next_step_due=next_step_due,
        next_step_owner=next_step_owner,
        today=today,
    )


def interaction_update(
    *,
    interaction: Interaction,
    user,
    kind: str,
    date: datetime.date,
    summary: str,
    contacts: Iterable[Contact] = (),
    members: Iterable = (),
    next_step: str = "",
    next_step_due: datetime.date | None = None,
    next_step_owner=None,
    today: datetime.date | None = None,
) -> Interaction:
    """Change a contact moment; removing its next step also forgets that it was done."""
    return _apply(
        interaction,
        user=user,
        kind=kind,
        date=date,
        summary=summary,
        contacts=contacts,
        members=members,
        next_step=next_step,
        next_step_due=next_step_due,
        next_step_owner=next_step_owner,
        today=today,
    )


def interaction_delete(*, interaction: Interaction) -> None:
    with transaction.atomic():
        interaction.contacts.clear()
        interaction.members.clear()
        interaction.delete()


def next_step_mark_done(*, interaction: Interaction, user) -> Interaction:
    """Mark the next step of a contact moment done ("marking one done is one click").

    Idempotent: a second click (or a double submit) keeps the first time and person.
    """
    if not interaction.next_step:
        raise ValidationError(_("This contact moment has no next step to mark done."))
    Interaction.objects.filter(
        partnership=interaction.partnership_id, pk=interaction.pk, next_step_done_at=None
    ).update(next_step_done_at=timezone.now(), next_step_done_by=user)
    dashboard_cache.changed(interaction.partnership_id)  # an update() sends no signal
    interaction.refresh_from_db(fields=["next_step_done_at", "next_step_done_by"])
    return interaction


def next_step_reopen(*, interaction: Interaction) -> Interaction:
    """Undo "mark done": the next step is open again, and who marked it done and when is
    forgotten. Reopening an open step changes nothing."""
    if not interaction.next_step:
        raise ValidationError(_("This contact moment has no next step to reopen."))
    Interaction.objects.filter(partnership=interaction.partnership_id, pk=interaction.pk).update(
        next_step_done_at=None, next_step_done_by=None
    )
    dashboard_cache.changed(interaction.partnership_id)  # an update() sends no signal
    interaction.refresh_from_db(fields=["next_step_done_at", "next_step_done_by"])
    return interaction
