"""Reads for the budget page: the multi-year budget as a person reads it.

Every figure comes from cofinancing.selectors.summary.partnership_summary (the same rules
as the threshold check), plus one grouped query for the lines per category and source and
the lines themselves for the detail lists: a fixed number of queries however many rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, F, Q, Sum, Value
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cofinancing.models import (
    NOT_FUNDED_ELSEWHERE,
    Budget,
    Contribution,
    ContributionKind,
    CostCategory,
    CostLine,
    FundingLine,
    FundingSource,
    Scheme,
)
from cofinancing.selectors.summary import PLEDGED_AND_UP, is_realised_basis, partnership_summary
from cofinancing.summary import Summary
from sterk.money import ZERO

COST = "cost"
FUNDING = "funding"


def records_outside_years(*, partnership, first: int, last: int) -> dict[str, int]:
    """How many contributions, cost lines and funding lines lie outside first..last."""
    outside = Q(year__lt=first) | Q(year__gt=last)
    return {
        "contributions": Contribution.objects.filter(outside, partnership=partnership).count(),
        "cost_lines": CostLine.objects.filter(outside, partnership=partnership).count(),
        "funding_lines": FundingLine.objects.filter(outside, partnership=partnership).count(),
    }


def line_sums(*, partnership) -> dict[tuple[str, str], dict[int, Decimal]]:
    """Sums of the cost lines that count (eligible, not funded elsewhere: as the threshold
    check counts them) per category and year and of the funding lines per source and year,
    in one grouped query: {("cost", category): {year: total}, ("funding", source): ...}.
    """
    costs = (
        CostLine.objects.filter(NOT_FUNDED_ELSEWHERE, partnership=partnership, eligible=True)
        .order_by()
        .values("year", key=F("category"))
        .annotate(total=Sum("amount"), side=Value(COST, output_field=CharField()))
    )
    funding = (
        FundingLine.objects.filter(partnership=partnership)
        .order_by()
        .values("year", key=F("source"))
        .annotate(total=Sum("amount"), side=Value(FUNDING, output_field=CharField()))
    )
    sums: dict[tuple[str, str], dict[int, Decimal]] = defaultdict(dict)
    for row in costs.union(funding, all=True):
        sums[(row["side"], row["key"])][row["year"]] = row["total"]
    return sums


BUDGETED_ONLY = {"total_funding", "subsidy"}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: list[Decimal]  # one per year, in the order of BudgetTable.years
    total: Decimal
    lines: list = field(default_factory=list)  # the cost or funding lines behind the row


@dataclass(frozen=True)
class BudgetTable:
    years: list[int]
    cost_rows: list[Row]
    in_kind_costs: Row
    total_costs: Row
    funding_rows: list[Row]
    money: Row
    in_kind_funding: Row
    total_funding: Row
    balance: Row
    summary: Summary

    @property
    def cost_line_count(self) -> int:
        return sum(len(row.lines) for row in self.cost_rows)

    @property
    def funding_line_count(self) -> int:
        return sum(len(row.lines) for row in self.funding_rows)


def _row(key, label, cells, total=None, lines=None) -> Row:
    return Row(
        key=key,
        label=label,
        cells=cells,
        total=sum(cells, ZERO) if total is None else total,
        lines=lines or [],
    )


def budget_table(*, partnership, budget: Budget) -> BudgetTable:
    """The budget with the years as columns: costs per category plus in-kind contributions,
    funding per source plus money and in-kind contributions, and the balance.

    Contributions count from "pledged" up, as in the overview's first tab; an excluded
    contribution (funded by another scheme) counts on neither side.
    """
    summary = partnership_summary(partnership=partnership, statuses=PLEDGED_AND_UP, budget=budget)
    years = summary.years
    sums = line_sums(partnership=partnership)
    cost_lines = defaultdict(list)
    for line in (
        CostLine.objects.filter(partnership=partnership)
        .select_related("activity")
        .annotate(evidence_count=Count("evidence"))
        .order_by("year", "description", "pk")
    ):
        cost_lines[line.category].append(line)
    funding_lines = defaultdict(list)
    for line in FundingLine.objects.filter(partnership=partnership).order_by(
        "year", "description", "pk"
    ):
        funding_lines[line.source].append(line)

    def side_per_year(side):
        return [
            sum((per_year.get(year, ZERO) for (s, _k), per_year in sums.items() if s == side), ZERO)
            for year in years
        ]

    cost_rows = [
        _row(
            category.value,
            category.label,
            [sums[(COST, category.value)].get(year, ZERO) for year in years],
            lines=cost_lines[category.value],
        )
        for category in CostCategory
    ]
    funding_rows = [
        _row(
            source.value,
            source.label,
            [sums[(FUNDING, source.value)].get(year, ZERO) for year in years],
            lines=funding_lines[source.value],
        )
        for source in FundingSource
    ]
    by_year = [summary.by_year[year] for year in years]
    # Cost lines + in kind = total costs; funding lines + money + in kind = total funding
    # (docs/rules.md §3): the contributions' parts follow from the summary's totals.
    in_kind = [
        figures.total_costs - lines
        for figures, lines in zip(by_year, side_per_year(COST), strict=True)
    ]
    money = [
        figures.total_funding - lines - kind
        for figures, lines, kind in zip(by_year, side_per_year(FUNDING), in_kind, strict=True)
    ]
    total = summary.total
    return BudgetTable(
        years=years,
        cost_rows=cost_rows,
        in_kind_costs=_row("in_kind", "", in_kind),
        total_costs=_row("total_costs", "", [f.total_costs for f in by_year], total.total_costs),
        funding_rows=funding_rows,
        money=_row("money", "", money),
        in_kind_funding=_row("in_kind", "", in_kind),
        total_funding=_row(
            "total_funding", "", [f.total_funding for f in by_year], total.total_funding
        ),
        balance=_row("balance", "", [f.balance for f in by_year], total.balance),
        summary=summary,
    )


# The overview page ----------------------------------------------------------------------

TOP_ORGANISATIONS = 20
OTHERS = "others"

YEAR_FIGURES = (
    ("total_costs", _("Total costs"), "money"),
    ("total_funding", _("Total funding"), "money"),
    ("subsidy", _("Subsidy"), "money"),
    ("business_money", _("Business: money"), "money"),
    ("business_in_kind", _("Business: in kind"), "money"),
    ("business_total", _("Business total"), "money"),
    ("base_amount", _("Base amount"), "money"),
    ("required", _("Required"), "money"),
    ("shortfall", _("Shortfall"), "money"),
    ("percentage", _("Percentage of the base"), "percent"),
)


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    format: str  # "money" or "percent"
    cells: list[Decimal]
    total: Decimal


@dataclass(frozen=True)
class Slice:
    """One row of a chart and of the table beside it (the table is the source of truth)."""

    key: str
    label: str
    value: Decimal
    counts_as_business: bool | None = None


@dataclass(frozen=True)
class Overview:
    summary: Summary
    scheme: Scheme
    share_percent: Decimal
    by_kind: list[Slice]
    by_organisation: list[Slice]  # the largest TOP_ORGANISATIONS, then "others" summed
    year_rows: list[FigureRow]

    @property
    def organisation_count(self) -> int:
        return len(self.summary.by_organisation)

    @property
    def has_others(self) -> bool:
        return self.organisation_count > TOP_ORGANISATIONS

    @property
    def has_contributions(self) -> bool:
        return bool(self.summary.by_organisation or self.summary.excluded)

    @property
    def kind_chart(self) -> dict:
        return _chart(self.by_kind)

    @property
    def organisation_chart(self) -> dict:
        chart = _chart(self.by_organisation)
        chart["business"] = [s.counts_as_business for s in self.by_organisation]
        return chart


def _chart(slices: list[Slice]) -> dict:
    # Amounts as strings ("4500.00"), exactly as in the table: the script turns them into
    # numbers only to draw.
    return {"labels": [str(s.label) for s in slices], "values": [str(s.value) for s in slices]}


def cofinancing_overview(*, partnership, budget: Budget, statuses=PLEDGED_AND_UP) -> Overview:
    """The threshold at a glance for the given statuses (pledged and up, or realised)."""
    summary = partnership_summary(partnership=partnership, statuses=statuses, budget=budget)
    years = summary.years
    realised = is_realised_basis(statuses)
    return Overview(
        summary=summary,
        scheme=budget.scheme,
        share_percent=share_percent(summary.share),
        by_kind=[
            Slice(kind.value, kind.label, summary.by_kind.get(kind.value, ZERO))
            for kind in ContributionKind
        ],
        by_organisation=top_organisations(summary),
        year_rows=[
            FigureRow(
                key,
                label,
                fmt,
                [getattr(summary.by_year[year], key) for year in years],
                getattr(summary.total, key),
            )
            for key, label, fmt in YEAR_FIGURES
            # Funding is budgeted, never realised: beside realised costs it would mislead.
            if not (realised and key in BUDGETED_ONLY)
        ],
    )


def top_organisations(summary: Summary) -> list[Slice]:
    """The TOP_ORGANISATIONS largest, then one row summing the others: a table and chart of
    2,000 organisations help nobody; the full list has its own page, paginated."""
    rows = summary.by_organisation
    top = [
        Slice(str(o.organisation_id), o.name, o.total, o.counts_as_business)
        for o in rows[:TOP_ORGANISATIONS]
    ]
    rest = rows[TOP_ORGANISATIONS:]
    if rest:
        label = ngettext(
            "%(count)s other organisation", "%(count)s other organisations", len(rest)
        ) % {"count": number_format(len(rest), force_grouping=True)}
        top.append(Slice(OTHERS, label, sum((o.total for o in rest), ZERO), None))
    return top


def share_percent(share: Decimal) -> Decimal:
    """0.0750 → 7.5 and 0.1000 → 10: a scheme's share as a percentage."""
    percent = share * 100
    return percent.quantize(Decimal(1)) if percent == percent.to_integral() else percent.normalize()
