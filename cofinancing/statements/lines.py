"""The lines a statement lists, frozen as plain data when it is made (docs/rules.md §23):
per realised contribution the date, activity, kind, realised quantity, rate or valuation
formula (with the justification of a non-standard rate or economic life) and value, in
Dutch as printed; and the totals per kind."""

from decimal import Decimal

from django.utils import formats, translation

from cofinancing.models import Contribution, ContributionKind
from cofinancing.valuation import DEPRECIATION, LABOUR, ROOM
from sterk.canonical import snapshot_hash
from sterk.money import ZERO, format_euro


def dutch_number(value) -> str:
    """12 → "12", 12.5 → "12,5", 1234.25 → "1.234,25"."""
    whole, _comma, cents = format_euro(Decimal(value), symbol=False).partition(",")
    cents = cents.rstrip("0")
    return f"{whole},{cents}" if cents else whole


def _formula(contribution: Contribution, default_rate: Decimal) -> tuple[str, str, str]:
    """(quantity, formula, justification) of the realised contribution, in Dutch."""
    quantity = contribution.realised_quantity
    kind = contribution.kind
    if kind == LABOUR:
        rate = contribution.hourly_rate or default_rate
        justification = contribution.rate_justification if rate != default_rate else ""
        return (
            f"{dutch_number(quantity)} uur",
            f"{dutch_number(quantity)} uur × {format_euro(rate)} per uur",
            justification,
        )
    if kind == ROOM:
        return (
            f"{dutch_number(quantity)} eenheden",
            f"{dutch_number(quantity)} × {format_euro(contribution.unit_price)}",
            "",
        )
    if kind == DEPRECIATION:
        share = contribution.project_share if contribution.project_share is not None else 100
        residual = contribution.residual_value or ZERO
        return (
            f"{dutch_number(quantity)} maanden",
            f"({format_euro(contribution.acquisition_value)} − {format_euro(residual)}) "
            f"÷ {contribution.life_months} maanden × {dutch_number(quantity)} maanden "
            f"× {dutch_number(share)}%",
            contribution.life_justification,
        )
    return format_euro(quantity), "bedrag zoals betaald", ""


def _activity(contribution: Contribution) -> str:
    activity = contribution.activity
    if activity is None:
        return ""
    return " ".join(part for part in (activity.short_code, activity.title) if part)


def statement_lines(contributions: list[Contribution], *, default_rate: Decimal) -> list[dict]:
    """One line per contribution (activity selected with it), numbered from 1, in a fixed
    order: date, activity, kind, description."""
    ordered = sorted(
        contributions,
        key=lambda c: (c.realised_on or c.created_at.date(), _activity(c), c.kind, c.pk),
    )
    labels = dict(ContributionKind.choices)
    result = []
    with translation.override("nl"):
        for number, contribution in enumerate(ordered, start=1):
            quantity, formula, justification = _formula(contribution, default_rate)
            value = contribution.realised_value
            if value is None:
                value = contribution.value
            result.append(
                {
                    "number": number,
                    "code": str(contribution.code),
                    "date": formats.date_format(contribution.realised_on, "j F Y")
                    if contribution.realised_on
                    else "",
                    "activity": _activity(contribution),
                    "kind": contribution.kind,
                    "kind_label": str(labels.get(contribution.kind, contribution.kind)),
                    "description": contribution.description,
                    "quantity": quantity,
                    "formula": formula,
                    "justification": justification.strip(),
                    "value": f"{value:.2f}",
                }
            )
    return result


def lines_total(lines: list[dict]) -> Decimal:
    return sum((Decimal(line["value"]) for line in lines), ZERO)


def totals_per_kind(lines: list[dict]) -> list[dict]:
    """The total per kind, in the order of the kinds."""
    totals: dict[str, Decimal] = {}
    labels = {}
    for line in lines:
        totals[line["kind"]] = totals.get(line["kind"], ZERO) + Decimal(line["value"])
        labels[line["kind"]] = line["kind_label"]
    return [
        {"kind": kind, "label": labels[kind], "total": totals[kind]}
        for kind in ContributionKind.values
        if kind in totals
    ]


def lines_hash(lines: list[dict]) -> str:
    return snapshot_hash({"lines": lines})
