"""Reads on organisations: lists, the pipeline board, the detail page and its history."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import date_format, number_format
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
from partners.options import matching
from partners.widgets import OPTIONS_LIMIT
from sterk.money import format_euro


def organisation_list(
    *, partnership: Partnership, today: date | None = None
) -> QuerySet[Organisation]:
    """The partnership's organisations by name, with `last_contact`: the date of the latest
    contact moment up to `today` (a planned moment in the future is not contact yet)."""
    today = today or timezone.localdate()
    return (
        Organisation.objects.filter(partnership=partnership)
        .select_related("relationship_owner")
        .annotate(last_contact=Max("interactions__date", filter=Q(interactions__date__lte=today)))
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


BOARD_COLUMN_ROWS = 20


def organisation_board(*, partnership: Partnership, limit: int = BOARD_COLUMN_ROWS) -> list[dict]:
    """Columns of the pipeline board, in pipeline order: every stage with its `count` and
    its `limit` organisations moved there last (latest first); `hidden` says how many more
    the column has ("show all" leads to the list filtered on the stage). Two queries
    whatever the number of organisations: the counts, and the rows numbered per stage by a
    window function and cut in SQL."""
    counts = {value: count for value, _label, count in stage_counts(partnership=partnership)}
    rows = (
        Organisation.objects.filter(partnership=partnership)
        .select_related("relationship_owner")
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=F("stage"),
                order_by=[F("stage_changed_at").desc(), F("pk").desc()],
            )
        )
        .filter(position__lte=limit)
        .order_by("position")
    )
    columns = {
        value: {"stage": value, "label": label, "organisations": [], "count": counts[value]}
        for value, label in Stage.choices
    }
    for organisation in rows:
        columns[organisation.stage]["organisations"].append(organisation)
    for column in columns.values():
        column["hidden"] = column["count"] - len(column["organisations"])
    return list(columns.values())


def organisation_stage_changes(*, organisation: Organisation, limit: int = 10) -> list[StageChange]:
    return list(
        StageChange.objects.filter(partnership=organisation.partnership, organisation=organisation)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")[:limit]
    )


def organisation_locations(*, organisation: Organisation) -> list[Organisation]:
    """The organisations that belong to this one (its school locations or branches)."""
    return list(
        Organisation.objects.filter(
            partnership=organisation.partnership, belongs_to=organisation
        ).order_by("name")
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

# Decimal fields that hold an amount in euros; other Decimals are shown as plain numbers.
_MONEY_FIELDS = {"proxy_limit"}


def _display(model_field, value, names) -> str:
    """A value from the history as the rest of the page shows it: choices by label, users,
    signatories, contacts and organisations by name (from `names`, keyed by related model,
    so no query per row), datetimes in local time, dates and amounts the Dutch way."""
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return str(names.get(model_field.related_model, {}).get(value, "…"))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "j b Y H:i")
    if isinstance(value, date):
        return date_format(value, "j b Y")
    if isinstance(value, Decimal):
        if model_field.name in _MONEY_FIELDS:
            return format_euro(value)
        return number_format(value, use_l10n=True)
    return str(value)


def _entries(records, subject_of, names) -> list[HistoryEntry]:
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
                        _display(model_field, change.old, names),
                        _display(model_field, change.new, names),
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

    Four or five queries whatever the length of the history: the records of each model, the
    partnership's members to name users in changed fields, and the legal entities the
    organisation belonged to. A co-signatory is named from the
    signatory and contact records already loaded (a co-signatory belongs to the same
    organisation).
    """
    org_records = list(organisation.history.select_related("history_user"))
    # The legal entities it belonged to, named in one query.
    entity_ids = {r.belongs_to_id for r in org_records if r.belongs_to_id}
    organisation_names = {organisation.pk: organisation.name}
    if entity_ids:
        organisation_names |= dict(
            Organisation.objects.filter(
                partnership=organisation.partnership, pk__in=entity_ids
            ).values_list("pk", "name")
        )
    contact_model = Contact.history.model
    contact_records = list(
        contact_model.objects.filter(organisation_id=organisation.pk).select_related("history_user")
    )
    contact_names = {r.id: r.name for r in contact_records}
    signatory_records = list(
        Signatory.history.model.objects.filter(
            contact_id__in={r.id for r in contact_records}
        ).select_related("history_user")
    )
    users = {
        user.pk: user
        for user in get_user_model().objects.filter(
            memberships__partnership=organisation.partnership
        )
    }
    names = {
        get_user_model(): users,
        Signatory: {r.id: contact_names.get(r.contact_id, "…") for r in signatory_records},
        Contact: contact_names,
        Organisation: organisation_names,
    }
    entries = [
        *_entries(org_records, lambda r: _("Organisation"), names),
        *_entries(contact_records, lambda r: _("Contact %(name)s") % {"name": r.name}, names),
        *_entries(
            signatory_records,
            lambda r: _("Signatory %(name)s") % {"name": contact_names.get(r.contact_id, "")},
            names,
        ),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


# --- Deleting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeletionSummary:
    """What deleting an organisation would remove, and what keeps it from being deleted."""

    contacts: int
    interactions: int
    network_memberships: int
    stage_changes: int

    @property
    def blocked(self) -> bool:
        return bool(self.contacts or self.interactions)


def organisation_deletion_summary(*, organisation: Organisation) -> DeletionSummary:
    """The counts `services.organisation_delete` goes by (contacts and contact moments block
    it; network memberships and stage history go with the organisation)."""
    return DeletionSummary(
        contacts=organisation.contacts.count(),
        interactions=organisation.interactions.count(),
        network_memberships=organisation.network_memberships.count(),
        stage_changes=organisation.stage_changes.count(),
    )


def organisation_options(*, partnership, words: list[str]) -> list[tuple[int, str]]:
    """At most OPTIONS_LIMIT organisations of the partnership whose name, city or KvK number
    holds every word, by name: (id, "name (city)") pairs, one query."""
    rows = (
        matching(
            Organisation.objects.filter(partnership=partnership),
            words,
            ("name", "city", "kvk_number"),
        )
        .order_by("name", "pk")
        .values_list("pk", "name", "city")[:OPTIONS_LIMIT]
    )
    return [(pk, f"{name} ({city})" if city else name) for pk, name, city in rows]
