"""The threshold summary of a partnership, read from the database in a fixed number of
queries: sums are made in SQL per organisation, year and kind, then cofinancing.summary
applies the rules."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from cofinancing.models import Budget, Contribution, ContributionStatus, CostLine, FundingLine
from cofinancing.summary import BudgetFact, ContributionFact, Summary, summarize

PLEDGED_AND_UP = (
    ContributionStatus.PLEDGED,
    ContributionStatus.CONFIRMED,
    ContributionStatus.REALISED,
)
REALISED = (ContributionStatus.REALISED,)


def partnership_budget(*, partnership) -> Budget | None:
    return Budget.objects.select_related("scheme").filter(partnership=partnership).first()


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
    )


_ORG = ("organisation_id", "organisation__name", "organisation__kvk_number",
        "organisation__counts_as_business")  # fmt: skip


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

    def summarize(self, *, contributions=None, machine_facts=None) -> Summary:
        return summarize(
            share=self.share,
            base=self.base,
            years=self.years,
            contributions=self.contributions if contributions is None else contributions,
            cost_lines=self.cost_lines,
            funding_lines=self.funding_lines,
            machine_facts=self.machine_facts if machine_facts is None else machine_facts,
        )


def threshold_facts(*, budget: Budget, statuses=PLEDGED_AND_UP) -> ThresholdFacts:
    """Five queries whatever the number of rows: sums per organisation, year and kind, the
    excluded and the machine contributions one by one, and the budget lines per year."""
    partnership = budget.partnership_id
    contributions = Contribution.objects.filter(partnership=partnership, status__in=statuses)
    counted = contributions.filter(other_funding="")
    grouped = (
        counted.values(*_ORG, "year", "kind")
        .annotate(total=Sum("value"))
        .order_by("organisation__name", "year", "kind")
    )
    facts = [_fact(row, row["total"]) for row in grouped]
    excluded = [
        _fact(row, row["value"], row["other_funding"])
        for row in contributions.exclude(other_funding="")
        .values(
            *_ORG, "year", "kind", "value", "description", "other_funding", "machine_id", "code"
        )
        .order_by("year", "organisation__name")
    ]
    machines = [
        _fact(row, row["value"])
        for row in counted.filter(kind="depreciation")
        .exclude(machine_id="")
        .values(*_ORG, "year", "kind", "value", "description", "machine_id", "code")
    ]
    costs = [
        BudgetFact(row["year"], row["total"], row["category"])
        for row in CostLine.objects.filter(partnership=partnership)
        .values("year", "category")
        .annotate(total=Sum("amount"))
        .order_by()
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
    )


def partnership_summary(*, partnership, statuses=PLEDGED_AND_UP, budget=None) -> Summary | None:
    """None when the partnership has no budget (no scheme) yet. Six queries at most."""
    budget = budget or partnership_budget(partnership=partnership)
    if budget is None:
        return None
    return threshold_facts(budget=budget, statuses=statuses).summarize()
