"""The settlement (vaststelling) of a year or of the period, by docs/rules.md §16 and §20.

Plain frozen dataclasses, so the settlement page and the reports read the same figures:

- budget against realised per cost category (difference, % spent), without the lines of an
  activity funded elsewhere, which are listed with their reason;
- realised costs eligible and not eligible, the latter with their reasons;
- the realised business share against what it requires: `threshold_facts` on
  `REALISED_AND_UP`, so the rules of cofinancing/summary.py are applied, never re-made here;
- a forecast: contributions realised and up at their realised value plus those still
  pledged at their pledged value; costs at the realised amount where a line is realised,
  else at its budgeted amount (nothing of a line that is not eligible). It says whether the
  share will be met and by how much it falls short, per year and for the period; never a
  penalty (no public formula exists, §16);
- realised contributions that no signed statement certifies yet, counted separately.

A fixed number of queries, whatever the number of contributions and lines.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cofinancing.models import (
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    STILL_PLEDGED,
    Budget,
    Contribution,
    ContributionStatus,
    CostCategory,
    CostLine,
    IneligibleReason,
    funded_elsewhere,
)
from cofinancing.selectors.summary import COUNTED, threshold_facts
from cofinancing.summary import BudgetFact, ContributionFact, ExcludedCost, Figures
from cofinancing.valuation import IN_KIND
from sterk.money import ZERO, floor_percentage

__all__ = ["Settlement", "settlement"]


@dataclass(frozen=True)
class CostRow:
    """Budget against realised for one cost category (or a total)."""

    key: str
    label: str
    budgeted: Decimal
    realised: Decimal  # the realised amounts, eligible or not
    eligible: Decimal  # of which eligible
    lines: int = 0
    realised_lines: int = 0

    @property
    def ineligible(self) -> Decimal:
        return self.realised - self.eligible

    @property
    def difference(self) -> Decimal:
        """Realised − budgeted: below zero is spent less than budgeted."""
        return self.realised - self.budgeted

    @property
    def percent_spent(self) -> Decimal | None:
        """Realised ÷ budgeted × 100, rounded down to two places; None without a budget."""
        if self.budgeted <= 0:
            return None
        return floor_percentage(self.realised * 100 / self.budgeted)


@dataclass(frozen=True)
class IneligibleCost:
    year: int
    category: str
    description: str
    amount: Decimal  # the realised amount that does not count
    reason: str  # an IneligibleReason value
    reason_label: str
    note: str
    reference: str  # the cost line's public id


@dataclass(frozen=True)
class ReasonTotal:
    reason: str
    label: str
    amount: Decimal
    count: int


@dataclass(frozen=True)
class Tally:
    """How many contributions and their value (that of business organisations apart)."""

    count: int = 0
    value: Decimal = ZERO
    business_value: Decimal = ZERO

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.count + other.count,
            self.value + other.value,
            self.business_value + other.business_value,
        )


@dataclass(frozen=True)
class ShareCheck:
    """The share of one year (information) or of the period (what is judged): realised so
    far, and the forecast of realised plus still pledged."""

    year: int | None
    realised: Figures
    forecast: Figures

    @property
    def will_be_met(self) -> bool:
        return self.forecast.met

    @property
    def forecast_shortfall(self) -> Decimal:
        return self.forecast.shortfall


@dataclass(frozen=True)
class Settlement:
    year: int | None  # None: the period
    years: list[int]  # the scheme's years
    share: Decimal
    base: str
    categories: list[CostRow]
    in_kind: CostRow  # in-kind contributions: pledged value against realised value
    total_costs: CostRow  # cost lines + in kind
    unrealised_budget: Decimal  # the budgeted amount of lines with no realised amount yet
    check: ShareCheck  # of the year, or of the period
    per_year: list[ShareCheck]
    period: ShareCheck
    ineligible: list[IneligibleCost]
    ineligible_by_reason: list[ReasonTotal]
    uncertified: Tally  # realised, no signed statement yet
    certified: Tally
    still_pledged: Tally  # pledged or confirmed, not realised yet
    excluded_costs: list[ExcludedCost]
    excluded_contributions: list[ContributionFact]
    # The period's realised and forecast figures without business overrides (§4).
    realised_without_overrides: Figures | None = None
    forecast_without_overrides: Figures | None = None
    warnings: list[str] = field(default_factory=list)
    # Still pledged for a year that is over: the forecast counts them, but they should be
    # realised or cancelled.
    still_pledged_past: Tally = field(default_factory=Tally)

    @property
    def eligible_costs(self) -> Decimal:
        return sum((row.eligible for row in self.categories), ZERO)

    @property
    def ineligible_costs(self) -> Decimal:
        return sum((row.ineligible for row in self.categories), ZERO)

    @property
    def realised_met_only_by_overrides(self) -> bool:
        without = self.realised_without_overrides
        return bool(without and self.period.realised.met and not without.met)

    @property
    def forecast_met_only_by_overrides(self) -> bool:
        without = self.forecast_without_overrides
        return bool(without and self.period.forecast.met and not without.met)


_LINE_FIELDS = (
    "code", "year", "category", "description", "amount", "realised_amount", "eligible",
    "ineligible_reason", "ineligible_note", "activity__short_code", "activity__other_funding",
    "not_double_financed",
)  # fmt: skip


def _line_reason(row) -> str:
    return funded_elsewhere(
        activity_code=row["activity__short_code"] or "",
        activity_funding=row["activity__other_funding"] or "",
        not_double_financed=row["not_double_financed"],
    )


def _forecast_amount(row) -> Decimal:
    """What a cost line will cost: its realised amount once realised, else its budget;
    nothing when it is not eligible."""
    if not row["eligible"]:
        return ZERO
    return row["amount"] if row["realised_amount"] is None else row["realised_amount"]


def _tally(row, prefix) -> Tally:
    return Tally(
        row[f"{prefix}_count"] or 0,
        row[f"{prefix}_value"] or ZERO,
        row[f"{prefix}_business"] or ZERO,
    )


def _contribution_rows(partnership_id) -> dict[int, dict]:
    """Per year, one grouped query: the in-kind value pledged and realised, and the tallies
    of realised-uncertified, certified and still-pledged contributions that count."""
    realised_value = Coalesce("realised_value", "value")
    business = Q(organisation__counts_as_business=True)
    in_kind = Q(kind__in=IN_KIND)
    by_status = {
        "uncertified": (Q(status=ContributionStatus.REALISED), realised_value),
        "certified": (Q(status=ContributionStatus.CERTIFIED), realised_value),
        "pledged": (Q(status__in=STILL_PLEDGED), "value"),
    }
    sums = {}
    for prefix, (condition, value) in by_status.items():
        sums[f"{prefix}_count"] = Count("pk", filter=condition)
        sums[f"{prefix}_value"] = Sum(value, filter=condition)
        sums[f"{prefix}_business"] = Sum(value, filter=condition & business)
    rows = (
        Contribution.objects.filter(COUNTED, partnership=partnership_id)
        .values("year")
        .annotate(
            pledged_in_kind=Sum("value", filter=in_kind & Q(status__in=PLEDGED_AND_UP)),
            realised_in_kind=Sum(realised_value, filter=in_kind & Q(status__in=REALISED_AND_UP)),
            **sums,
        )
        .order_by()
    )
    return {row["year"]: row for row in rows}


@dataclass(frozen=True)
class _Costs:
    categories: list[CostRow]
    forecast: dict[tuple[int, str], Decimal]  # (year, category): what it will cost
    ineligible: list[IneligibleCost]
    by_reason: list[ReasonTotal]
    excluded: list[ExcludedCost]
    unrealised_budget: Decimal


def _ineligible(row) -> IneligibleCost:
    reason = row["ineligible_reason"]
    return IneligibleCost(
        year=row["year"],
        category=row["category"],
        description=row["description"],
        amount=row["realised_amount"],
        reason=reason,
        reason_label=str(
            IneligibleReason(reason).label if reason in IneligibleReason.values else reason
        ),
        note=row["ineligible_note"],
        reference=str(row["code"]),
    )


def _costs(lines: list[dict], in_scope) -> _Costs:
    """The cost lines in scope per category, the ineligible and the excluded ones; and what
    every line of the period will cost, for the forecast."""
    budgeted, realised, eligible = defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal)
    counts, realised_counts = defaultdict(int), defaultdict(int)
    forecast: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    ineligible, excluded = [], []
    unrealised_budget = ZERO
    for row in lines:
        year, category = row["year"], row["category"]
        reason = _line_reason(row)
        if reason:
            if in_scope(year):
                amount = row["amount"] if row["realised_amount"] is None else row["realised_amount"]
                excluded.append(
                    ExcludedCost(year, row["description"], amount, reason, str(row["code"]))
                )
            continue
        forecast[(year, category)] += _forecast_amount(row)
        if not in_scope(year):
            continue
        budgeted[category] += row["amount"]
        counts[category] += 1
        if row["realised_amount"] is None:
            unrealised_budget += row["amount"]
            continue
        realised[category] += row["realised_amount"]
        realised_counts[category] += 1
        if row["eligible"]:
            eligible[category] += row["realised_amount"]
        else:
            ineligible.append(_ineligible(row))
    by_reason: dict[str, list[IneligibleCost]] = defaultdict(list)
    for item in ineligible:
        by_reason[item.reason].append(item)
    return _Costs(
        categories=[
            CostRow(
                key=category.value,
                label=str(category.label),
                budgeted=budgeted[category.value] + ZERO,
                realised=realised[category.value] + ZERO,
                eligible=eligible[category.value] + ZERO,
                lines=counts[category.value],
                realised_lines=realised_counts[category.value],
            )
            for category in CostCategory
        ],
        forecast=forecast,
        ineligible=ineligible,
        by_reason=[
            ReasonTotal(
                reason=reason,
                label=items[0].reason_label,
                amount=sum((i.amount for i in items), ZERO),
                count=len(items),
            )
            for reason, items in sorted(by_reason.items())
        ],
        excluded=excluded,
        unrealised_budget=unrealised_budget,
    )


def settlement(
    *, partnership, budget: Budget, year: int | None = None, today: datetime.date | None = None
) -> Settlement:
    """The settlement of `year`, or of the scheme's period when `year` is None.

    ValueError for a year outside the scheme. Fifteen queries, whatever the number of rows.
    """
    if budget.partnership_id != partnership.pk:
        raise ValueError("the budget is not this partnership's")
    today = today or timezone.localdate()
    scheme = budget.scheme
    if year is not None and year not in scheme.years:
        raise ValueError(f"{year} is not a year of {scheme.code}")
    in_scope = (lambda y: True) if year is None else (lambda y: y == year)

    realised_facts = threshold_facts(budget=budget, statuses=REALISED_AND_UP)
    pledged_facts = threshold_facts(budget=budget, statuses=STILL_PLEDGED)
    lines = list(
        CostLine.objects.filter(partnership=budget.partnership_id)
        .values(*_LINE_FIELDS)
        .order_by("year", "category", "description", "pk")
    )
    contribution_rows = _contribution_rows(budget.partnership_id)

    costs = _costs(lines, in_scope)
    categories = costs.categories

    # The contributions in scope: in kind, and the tallies.
    scoped = [row for y, row in contribution_rows.items() if in_scope(y)]
    in_kind = CostRow(
        key="in_kind",
        label="",
        budgeted=sum((row["pledged_in_kind"] or ZERO for row in scoped), ZERO),
        realised=sum((row["realised_in_kind"] or ZERO for row in scoped), ZERO),
        eligible=sum((row["realised_in_kind"] or ZERO for row in scoped), ZERO),
    )
    total_costs = CostRow(
        key="total_costs",
        label="",
        budgeted=sum((row.budgeted for row in categories), in_kind.budgeted),
        realised=sum((row.realised for row in categories), in_kind.realised),
        eligible=sum((row.eligible for row in categories), in_kind.eligible),
        lines=sum(row.lines for row in categories),
        realised_lines=sum(row.realised_lines for row in categories),
    )

    # The share: realised, and the forecast by the same rules (cofinancing/summary.py).
    realised_summary = realised_facts.summarize()
    forecast_facts = replace(
        realised_facts,
        contributions=realised_facts.contributions + pledged_facts.contributions,
        machine_facts=realised_facts.machine_facts + pledged_facts.machine_facts,
        cost_lines=[
            BudgetFact(line_year, amount, category)
            for (line_year, category), amount in sorted(costs.forecast.items())
        ],
    )
    forecast_summary = forecast_facts.summarize()
    per_year = [
        ShareCheck(y, realised_summary.by_year[y], forecast_summary.by_year[y])
        for y in realised_summary.years
        if y in scheme.years
    ]
    period = ShareCheck(None, realised_summary.total, forecast_summary.total)
    check = period if year is None else next(c for c in per_year if c.year == year)

    def tally(prefix, rows=scoped):
        return sum((_tally(row, prefix) for row in rows), Tally())

    return Settlement(
        year=year,
        years=scheme.years,
        share=scheme.share,
        base=scheme.base,
        categories=categories,
        in_kind=in_kind,
        total_costs=total_costs,
        unrealised_budget=costs.unrealised_budget,
        check=check,
        per_year=per_year,
        period=period,
        ineligible=costs.ineligible,
        ineligible_by_reason=costs.by_reason,
        uncertified=tally("uncertified"),
        certified=tally("certified"),
        still_pledged=tally("pledged"),
        excluded_costs=costs.excluded,
        excluded_contributions=[c for c in forecast_summary.excluded if in_scope(c.year)],
        realised_without_overrides=realised_summary.without_overrides,
        forecast_without_overrides=forecast_summary.without_overrides,
        warnings=forecast_summary.warnings,
        still_pledged_past=tally(
            "pledged",
            [row for y, row in contribution_rows.items() if in_scope(y) and y < today.year],
        ),
    )
