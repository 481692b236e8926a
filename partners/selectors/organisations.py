"""Reads on organisations: lists, the pipeline board, the detail page and its history."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from partners.models import (
    Contact,
    NetworkMember,
    Organisation,
    Partnership,
    Signatory,
    Stage,
    StageChange,
)


def organisation_list(*, partnership: Partnership) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(partnership=partnership)
        .select_related("relationship_owner")
        .annotate(last_contact=Max("interactions__date"))
        .order_by("name", "pk")
    )


def stage_counts(*, partnership: Partnership) -> list[tuple[str, str, int]]:
    """(stage, label, count) for every stage in pipeline order, zeros included."""
    counts = dict(
        Organisation.objects.filter(partnership=partnership)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in Stage.choices]


def organisation_board(*, partnership: Partnership, organisations=None) -> list[dict]:
    """Columns of the pipeline board: every stage with its organisations, in one query."""
    rows = (
        organisations if organisations is not None else organisation_list(partnership=partnership)
    )
    columns = {
        value: {"stage": value, "label": label, "organisations": []}
        for value, label in Stage.choices
    }
    for organisation in rows:
        columns[organisation.stage]["organisations"].append(organisation)
    return list(columns.values())


def organisation_stage_changes(*, organisation: Organisation, limit: int = 10) -> list[StageChange]:
    return list(
        StageChange.objects.filter(partnership=organisation.partnership, organisation=organisation)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")[:limit]
    )


def organisation_networks(*, organisation: Organisation) -> list[NetworkMember]:
    return list(
        NetworkMember.objects.filter(
            partnership=organisation.partnership, organisation=organisation
        )
        .select_related("network")
        .order_by("network__name")
    )


# --- Change history ----------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: datetime
    who: object
    subject: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


_SKIPPED = {"id", "code", "partnership", "created_at", "stage_changed_at", "counts_as_business"}


def _display(record, model_field, value, users) -> str:
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        if model_field.related_model is get_user_model():
            return str(users.get(value, "—"))
        return "…"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _entries(records, subject_of, users) -> list[HistoryEntry]:
    """One entry per historical record, with the fields that changed since the previous one."""
    entries, previous = [], {}
    model = None
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        model = model or record.instance_type
        before = previous.get(record.id)
        action = {"+": _("created"), "~": _("changed"), "-": _("deleted")}[record.history_type]
        changes = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, excluded_fields=_SKIPPED)
            for change in delta.changes:
                model_field = model._meta.get_field(change.field)
                changes.append(
                    (
                        str(model_field.verbose_name),
                        _display(record, model_field, change.old, users),
                        _display(record, model_field, change.new, users),
                    )
                )
            if not changes:
                previous[record.id] = record
                continue
        entries.append(
            HistoryEntry(
                record.history_date, record.history_user, subject_of(record), action, changes
            )
        )
        previous[record.id] = record
    return entries


def organisation_history(*, organisation: Organisation, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what and when, on the organisation, its contacts and their signatories.

    Four queries whatever the length of the history: the records of each model, and the
    partnership's members to name users in changed fields.
    """
    org_records = organisation.history.select_related("history_user")
    contact_model = Contact.history.model
    contact_records = list(
        contact_model.objects.filter(organisation_id=organisation.pk).select_related("history_user")
    )
    contact_names = {r.id: r.name for r in contact_records}
    signatory_records = Signatory.history.model.objects.filter(
        contact_id__in={r.id for r in contact_records}
    ).select_related("history_user")
    users = {
        user.pk: user
        for user in get_user_model().objects.filter(
            memberships__partnership=organisation.partnership
        )
    }
    entries = [
        *_entries(org_records, lambda r: _("Organisation"), users),
        *_entries(contact_records, lambda r: _("Contact %(name)s") % {"name": r.name}, users),
        *_entries(
            signatory_records,
            lambda r: _("Signatory %(name)s") % {"name": contact_names.get(r.contact_id, "")},
            users,
        ),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
