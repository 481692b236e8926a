"""The threshold summary of a partnership, read from the database in a fixed number of
queries: sums are made in SQL per organisation, year and kind, then cofinancing.summary
applies the rules."""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from cofinancing.models import (
    NOT_FUNDED_ELSEWHERE,
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    Budget,
    Contribution,
    CostLine,
    FundingLine,
    funded_elsewhere,
)
from cofinancing.summary import (
    BudgetFact,
    ContributionFact,
    ExcludedCost,
    Summary,
    summarize,
)
from cofinancing.valuation import HUNDRED
from partners.models import BUSINESS_KINDS

__all__ = ["PLEDGED_AND_UP", "REALISED_AND_UP", "partnership_budget", "threshold_facts"]

# A contribution counts unless it, or its activity, is funded by another scheme.
COUNTED = Q(other_funding="") & NOT_FUNDED_ELSEWHERE


def partnership_budget(*, partnership) -> Budget | None:
    return Budget.objects.select_related("scheme").filter(partnership=partnership).first()


def is_realised_basis(statuses) -> bool:
    """Figures of realised contributions use what was realised, not what was pledged."""
    return set(statuses) <= set(REALISED_AND_UP)


def _fact(row, value, reason="") -> ContributionFact:
    return ContributionFact(
        organisation_id=row["organisation_id"],
        organisation_name=row["organisation__name"],
        kvk_number=row["organisation__kvk_number"],
        counts_as_business=row["organisation__counts_as_business"],
        year=row["year"],
        kind=row["kind"],
        value=value,
        description=row.get("description", ""),
        excluded_reason=reason,
        machine_id=row.get("machine_id", ""),
        reference=str(row.get("code", "")),
        by_override=bool(
            row["organisation__business_override"]
            and row["organisation__kind"] not in BUSINESS_KINDS
        ),
    )


def weighted_months(row) -> Decimal:
    """The months a depreciation claims, weighted by its project share: what was used once
    it is realised, else what was pledged (docs/rules.md §8)."""
    months = row["months_used"] or 0
    if row["status"] in REALISED_AND_UP and row["realised_quantity"] is not None:
        months = row["realised_quantity"]
    share = HUNDRED if row["project_share"] is None else row["project_share"]
    return Decimal(months) * share / HUNDRED


def _reason(row) -> str:
    return funded_elsewhere(
        other_funding=row.get("other_funding", ""),
        activity_code=row["activity__short_code"] or "",
        activity_funding=row["activity__other_funding"] or "",
        not_double_financed=row["not_double_financed"],
    )


_ORG = ("organisation_id", "organisation__name", "organisation__kvk_number",
        "organisation__counts_as_business", "organisation__business_override",
        "organisation__kind")  # fmt: skip
_WHY = ("activity__short_code", "activity__other_funding", "not_double_financed")


@dataclass(frozen=True)
class ThresholdFacts:
    """What `summarize` needs, read from the database; kept so it can be summarised again
    with one contribution more, or one replaced (the live preview of a contribution)."""

    share: Decimal
    base: str
    years: list[int]
    contributions: list[ContributionFact]
    cost_lines: list[BudgetFact]
    funding_lines: list[BudgetFact]
    machine_facts: list[ContributionFact]
    excluded_costs: list[ExcludedCost]

    def summarize(self, *, contributions=None, machine_facts=None) -> Summary:
        return summarize(
            share=self.share,
            base=self.base,
            years=self.years,
            contributions=self.contributions if contributions is None else contributions,
            cost_lines=self.cost_lines,
            funding_lines=self.funding_lines,
            machine_facts=self.machine_facts if machine_facts is None else machine_facts,
            excluded_costs=self.excluded_costs,
        )


def threshold_facts(*, budget: Budget, statuses=PLEDGED_AND_UP) -> ThresholdFacts:
    """Six queries whatever the number of rows: sums per organisation, year and kind, the
    excluded and the machine contributions one by one, the budget lines per year and the
    excluded cost lines.

    On the realised basis (`REALISED_AND_UP`) a contribution counts at its realised value
    and the costs are the realised amounts of the eligible cost lines (docs/rules.md §20).
    """
    partnership = budget.partnership_id
    realised = is_realised_basis(statuses)
    value = Coalesce("realised_value", "value") if realised else F("value")
    contributions = Contribution.objects.filter(
        partnership=partnership, status__in=statuses
    ).annotate(counted_value=value)
    counted = contributions.filter(COUNTED)
    grouped = (
        counted.values(*_ORG, "year", "kind")
        .annotate(total=Sum("counted_value"))
        .order_by("organisation__name", "year", "kind")
    )
    facts = [_fact(row, row["total"]) for row in grouped]
    excluded = [
        _fact(row, row["counted_value"], _reason(row))
        for row in contributions.exclude(COUNTED)
        .values(
            *_ORG, *_WHY, "year", "kind", "counted_value", "description", "other_funding",
            "machine_id", "code",
        )
        .order_by("year", "organisation__name", "pk")
    ]  # fmt: skip
    machines = [
        replace(
            _fact(row, row["counted_value"]),
            machine_months=weighted_months(row),
            machine_life=row["life_months"] or 0,
        )
        for row in counted.filter(kind="depreciation")
        .exclude(machine_id="")
        .values(
            *_ORG, "year", "kind", "counted_value", "description", "machine_id", "code",
            "status", "months_used", "realised_quantity", "project_share", "life_months",
        )
    ]  # fmt: skip
    # A cost that is not eligible (recoverable VAT, outside the period, not in the plan) is in
    # neither base; the settlement page lists it with its reason.
    cost_lines = CostLine.objects.filter(partnership=partnership, eligible=True)
    if realised:
        cost_lines = cost_lines.filter(realised_amount__isnull=False)
    cost_amount = "realised_amount" if realised else "amount"
    costs = [
        BudgetFact(row["year"], row["total"], row["category"])
        for row in cost_lines.filter(NOT_FUNDED_ELSEWHERE)
        .values("year", "category")
        .annotate(total=Sum(cost_amount))
        .order_by()
    ]
    excluded_costs = [
        ExcludedCost(
            year=row["year"],
            description=row["description"],
            amount=row[cost_amount],
            reason=_reason(row),
            reference=str(row["code"]),
        )
        for row in cost_lines.exclude(NOT_FUNDED_ELSEWHERE)
        .values(*_WHY, "year", "description", cost_amount, "code")
        .order_by("year", "description", "pk")
    ]
    funding = [
        BudgetFact(row["year"], row["total"], row["source"])
        for row in FundingLine.objects.filter(partnership=partnership)
        .values("year", "source")
        .annotate(total=Sum("amount"))
        .order_by()
    ]
    scheme = budget.scheme
    return ThresholdFacts(
        share=scheme.share,
        base=scheme.base,
        years=scheme.years,
        contributions=facts + excluded,
        cost_lines=costs,
        funding_lines=funding,
        machine_facts=machines,
        excluded_costs=excluded_costs,
    )


def partnership_summary(*, partnership, statuses=PLEDGED_AND_UP, budget=None) -> Summary | None:
    """None when the partnership has no budget (no scheme) yet. Seven queries at most."""
    budget = budget or partnership_budget(partnership=partnership)
    if budget is None:
        return None
    return threshold_facts(budget=budget, statuses=statuses).summarize()
