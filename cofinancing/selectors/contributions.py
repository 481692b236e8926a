"""Reads on contributions: the list and its totals, the detail page (how the value was
computed, the change history) and the live preview of a contribution's effect on the
threshold.

Every read runs a fixed number of queries, whatever the number of contributions.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from activities.models import Activity
from cofinancing.models import Contribution
from cofinancing.selectors.summary import (
    COUNTED,
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    ThresholdFacts,
    weighted_months,
)
from cofinancing.summary import ContributionFact, Figures
from cofinancing.valuation import AMOUNT_KINDS, DEPRECIATION, LABOUR, QUANTITY_FIELD, ROOM
from partners.models import BUSINESS_KINDS, Organisation, Partnership
from partners.selectors.organisations import HistoryEntry
from sterk.money import ZERO, format_euro

# --- Choices -----------------------------------------------------------------------------


def partnership_organisations(*, partnership: Partnership) -> QuerySet[Organisation]:
    """The organisations a contribution of this partnership may come from."""
    return Organisation.objects.filter(partnership=partnership).order_by("name", "pk")


def partnership_activities(*, partnership: Partnership) -> QuerySet[Activity]:
    return Activity.objects.filter(partnership=partnership).order_by("sort_key", "title", "pk")


# --- The list ----------------------------------------------------------------------------


def contribution_list(*, partnership: Partnership) -> QuerySet[Contribution]:
    """The partnership's contributions with organisation and activity: one query."""
    return (
        Contribution.objects.filter(partnership=partnership)
        .select_related("organisation", "activity")
        .order_by("year", "organisation__name", "kind", "pk")
    )


@dataclass(frozen=True)
class ContributionTotals:
    count: int
    total: Decimal  # every listed contribution
    counted: Decimal  # pledged and up, without those funded by another scheme
    business: Decimal  # counted, of organisations that count as business
    # The same, realised and up at their realised value (docs/rules.md §20).
    realised: Decimal = ZERO
    realised_counted: Decimal = ZERO
    realised_business: Decimal = ZERO


def contribution_totals(*, contributions: QuerySet[Contribution]) -> ContributionTotals:
    """The sums of a (filtered) list of contributions, in one SQL query."""
    counted = COUNTED & Q(status__in=PLEDGED_AND_UP)
    business = Q(organisation__counts_as_business=True)
    realised = Q(status__in=REALISED_AND_UP)
    realised_value = Coalesce("realised_value", "value")
    row = contributions.order_by().aggregate(
        count=Count("pk"),
        # A cancelled contribution is listed but adds up nowhere, not even here.
        total=Sum("value", filter=Q(status__in=PLEDGED_AND_UP)),
        counted=Sum("value", filter=counted),
        business=Sum("value", filter=counted & business),
        realised=Sum(realised_value, filter=realised),
        realised_counted=Sum(realised_value, filter=realised & COUNTED),
        realised_business=Sum(realised_value, filter=realised & COUNTED & business),
    )
    return ContributionTotals(
        **{name: row[name] or ZERO for name in row if name != "count"}, count=row["count"]
    )


# --- How the value was computed ----------------------------------------------------------


def _number(value) -> str:
    """Dutch style, without decimals when it is whole: 90, 12,5, 1.234,56."""
    value = Decimal(value)
    text = format_euro(value, symbol=False)
    return text[:-3] if value == value.to_integral_value() else text.rstrip("0")


def contribution_calculation(
    *, kind: str, inputs: Mapping, value: Decimal, default_rate: Decimal
) -> str:
    """The value's calculation in words and numbers, by docs/rules.md §5 to §7:
    "90 h × € 50,00 = € 4.500,00", "(€ 60.000,00 − € 0,00) ÷ 120 × 24 × 50% = € 6.000,00"."""
    total = format_euro(value)
    if kind == LABOUR:
        rate = inputs.get("hourly_rate") or default_rate
        return _("%(hours)s h × %(rate)s = %(value)s") % {
            "hours": _number(inputs["hours"]),
            "rate": format_euro(rate),
            "value": total,
        }
    if kind == ROOM:
        return _("%(units)s units × %(price)s = %(value)s") % {
            "units": _number(inputs["units"]),
            "price": format_euro(inputs["unit_price"]),
            "value": total,
        }
    if kind == DEPRECIATION:
        residual = inputs.get("residual_value") or ZERO
        share = inputs.get("project_share") or Decimal(100)
        return _(
            "(%(acquisition)s − %(residual)s) ÷ %(life)s months × %(used)s months × "
            "%(share)s%% = %(value)s"
        ) % {
            "acquisition": format_euro(inputs["acquisition_value"]),
            "residual": format_euro(residual),
            "life": inputs["life_months"],
            "used": inputs["months_used"],
            "share": _number(share),
            "value": total,
        }
    if kind in AMOUNT_KINDS:
        return _("The amount paid: %(value)s") % {"value": total}
    return total


def calculation_of(contribution: Contribution, *, default_rate: Decimal) -> str:
    return contribution_calculation(
        kind=contribution.kind,
        inputs=vars(contribution),
        value=contribution.value,
        default_rate=default_rate,
    )


def realised_calculation_of(contribution: Contribution, *, default_rate: Decimal) -> str:
    """The realised value's calculation: the pledge's inputs with the realised quantity in
    place of the pledged one (docs/rules.md §20); "" when it is not realised."""
    if contribution.realised_value is None or contribution.realised_quantity is None:
        return ""
    inputs = dict(vars(contribution))
    quantity = contribution.realised_quantity
    inputs[QUANTITY_FIELD[contribution.kind]] = (
        int(quantity) if contribution.kind == DEPRECIATION else quantity
    )
    return contribution_calculation(
        kind=contribution.kind,
        inputs=inputs,
        value=contribution.realised_value,
        default_rate=default_rate,
    )


# --- Change history ----------------------------------------------------------------------

_HISTORY_SKIPPED = {"id", "code", "partnership", "created_by", "created_at"}
_MONEY_FIELDS = {
    "amount", "hourly_rate", "unit_price", "acquisition_value", "residual_value", "value",
    "realised_value", "realised_amount",
}  # fmt: skip


def history_entries(obj, *, subject, names=None, limit: int = 100) -> list[HistoryEntry]:
    """Who changed what and when on a record with django-simple-history, newest first, with
    old → new value per field. `names(records)` may map foreign-key fields to display names
    ({field: {pk: name}}), loaded in one query per field, so the count stays fixed."""
    records = list(
        obj.history.select_related("history_user").order_by("history_date", "history_id")
    )
    names = names(records) if names else {}
    meta = type(obj)._meta

    def display(name, value) -> str:
        if value in (None, ""):
            return "—"
        model_field = meta.get_field(name)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if name in names:
            return names[name].get(value, "—")
        if name in _MONEY_FIELDS:
            return format_euro(value)
        if isinstance(value, Decimal):
            return _number(value)
        return str(value)

    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries, previous = [], None
    for record in records:
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=_HISTORY_SKIPPED)
            changes = [
                (
                    str(meta.get_field(change.field).verbose_name),
                    display(change.field, change.old),
                    display(change.field, change.new),
                )
                for change in delta.changes
            ]
        previous = record
        if record.history_type == "~" and not changes:
            continue
        entries.append(
            HistoryEntry(
                record.history_date, record.history_user, subject, actions[record.history_type],
                changes,
            )
        )  # fmt: skip
    entries.reverse()
    return entries[:limit]


def _activity_names(partnership_id, records) -> dict:
    return {
        pk: f"{code} {title}"
        for pk, code, title in Activity.objects.filter(
            partnership=partnership_id, pk__in={r.activity_id for r in records if r.activity_id}
        ).values_list("pk", "short_code", "title")
    }


def contribution_history(*, contribution: Contribution, limit: int = 100) -> list[HistoryEntry]:
    """The contribution's history; three queries: the records with their users, and the
    names of the organisations and activities they mention."""

    def names(records):
        return {
            "organisation": dict(
                Organisation.objects.filter(
                    partnership=contribution.partnership_id,
                    pk__in={r.organisation_id for r in records},
                ).values_list("pk", "name")
            ),
            "activity": _activity_names(contribution.partnership_id, records),
        }

    return history_entries(contribution, subject=_("Contribution"), names=names, limit=limit)


def budget_line_history(*, line, limit: int = 100) -> list[HistoryEntry]:
    """The history of a cost or funding line (who, when, old and new value)."""

    def names(records):
        if not hasattr(line, "activity_id"):
            return {}
        return {"activity": _activity_names(line.partnership_id, records)}

    return history_entries(
        line, subject=str(type(line)._meta.verbose_name), names=names, limit=limit
    )


# --- Live preview: the effect on the threshold -------------------------------------------


NEW_REFERENCE = "new"


def contribution_fact(
    *,
    organisation: Organisation,
    year: int,
    kind: str,
    value: Decimal,
    description: str = "",
    excluded_reason: str = "",
    machine_id: str = "",
    reference: str = NEW_REFERENCE,
    months_used=None,
    project_share=None,
    life_months=None,
) -> ContributionFact:
    return ContributionFact(
        organisation_id=organisation.pk,
        organisation_name=organisation.name,
        kvk_number=organisation.kvk_number,
        counts_as_business=organisation.counts_as_business,
        by_override=bool(
            organisation.business_override and organisation.kind not in BUSINESS_KINDS
        ),
        year=year,
        kind=kind,
        value=value,
        description=description,
        excluded_reason=excluded_reason,
        machine_id=machine_id.strip() if kind == DEPRECIATION else "",
        reference=reference,
        machine_months=weighted_months(
            {
                "status": "",
                "months_used": months_used,
                "realised_quantity": None,
                "project_share": project_share,
            }
        ),  # fmt: skip
        machine_life=life_months or 0,
    )


def _removal(old: Contribution) -> ContributionFact:
    """A fact that cancels `old` in pre-aggregated facts: the same organisation, year and
    kind with the opposite value."""
    return contribution_fact(
        organisation=old.organisation, year=old.year, kind=old.kind, value=-old.value
    )


@dataclass(frozen=True)
class ThresholdEffect:
    current: Figures
    after: Figures
    new_warnings: list[str] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        return self.after.business_total - self.current.business_total


def contribution_effect(
    *,
    facts: ThresholdFacts,
    fact: ContributionFact,
    replacing: Contribution | None = None,
    statuses=PLEDGED_AND_UP,
) -> ThresholdEffect:
    """The period's figures now, and if `fact` were added (replacing the contribution
    `replacing`, as it is saved now). Pure: no queries beyond `replacing.organisation`."""
    current = facts.summarize()
    contributions = list(facts.contributions)
    machines = list(facts.machine_facts)
    if replacing is not None and replacing.status in statuses:
        old_reference = str(replacing.code)
        if replacing.is_excluded:
            contributions = [c for c in contributions if c.reference != old_reference]
        else:
            contributions.append(_removal(replacing))
        machines = [c for c in machines if c.reference != old_reference]
    contributions.append(fact)
    if fact.kind == DEPRECIATION and fact.machine_id and not fact.excluded_reason:
        machines.append(fact)
    after = facts.summarize(contributions=contributions, machine_facts=machines)
    return ThresholdEffect(
        current=current.total,
        after=after.total,
        new_warnings=[w for w in after.warnings if w not in current.warnings],
    )


def contribution_by_code(*, partnership: Partnership, code) -> Contribution | None:
    """The contribution with this public id, or None for anything else (also for garbage)."""
    try:
        code = uuid.UUID(str(code))
    except ValueError:
        return None
    return (
        Contribution.objects.select_related("organisation", "activity")
        .filter(partnership=partnership, code=code)
        .first()
    )
