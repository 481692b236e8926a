"""The cofinancing panel of the dashboard, lean: the period's totals pledged and realised,
made by SQL sums over kind, counts-as-business and override, in four queries whatever the
number of organisations. Nothing per organisation or per year is built; the figures are
those of `partnership_summary` (same rules, cofinancing/summary.py, docs/rules.md §3 and
§20), which tests/test_speed.py checks on random data."""

from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from cofinancing.models import (
    NOT_FUNDED_ELSEWHERE,
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    Contribution,
    CostLine,
    FundingLine,
)
from cofinancing.selectors.summary import COUNTED, partnership_budget
from cofinancing.summary import SUBSIDY_SOURCE, ContributionFact, Threshold, threshold
from partners.models import BUSINESS_KINDS
from sterk.money import ZERO


@dataclass(frozen=True)
class DashboardCofinancing:
    pledged: Threshold  # contributions pledged and up, budgeted costs
    realised: Threshold  # realised contributions at their realised value, realised costs


def dashboard_cofinancing(*, partnership) -> DashboardCofinancing | None:
    """None when the partnership has no budget (no scheme) yet. Four queries."""
    budget = partnership_budget(partnership=partnership)
    if budget is None:
        return None
    rows = (
        Contribution.objects.filter(partnership=partnership, status__in=PLEDGED_AND_UP)
        .filter(COUNTED)
        .values(
            "kind",
            "organisation__counts_as_business",
            "organisation__business_override",
            "organisation__kind",
        )
        .annotate(
            pledged=Sum("value"),
            realised=Sum(Coalesce("realised_value", "value"), filter=Q(status__in=REALISED_AND_UP)),
        )
        .order_by()
    )
    pledged, realised = [], []
    for row in rows:
        fact = {
            "organisation_id": 0,
            "organisation_name": "",
            "kvk_number": "",
            "counts_as_business": row["organisation__counts_as_business"],
            "year": 0,
            "kind": row["kind"],
            "by_override": bool(
                row["organisation__business_override"]
                and row["organisation__kind"] not in BUSINESS_KINDS
            ),
        }
        pledged.append(ContributionFact(value=row["pledged"] or ZERO, **fact))
        if row["realised"] is not None:
            realised.append(ContributionFact(value=row["realised"], **fact))
    # Costs that are not eligible, or whose activity is funded elsewhere, are in no base.
    costs = (
        CostLine.objects.filter(partnership=partnership, eligible=True)
        .filter(NOT_FUNDED_ELSEWHERE)
        .aggregate(budgeted=Sum("amount"), realised=Sum("realised_amount"))
    )
    funding = FundingLine.objects.filter(partnership=partnership).aggregate(
        total=Sum("amount"), subsidy=Sum("amount", filter=Q(source=SUBSIDY_SOURCE))
    )
    scheme = budget.scheme
    common = {
        "share": scheme.share,
        "base": scheme.base,
        "funding": funding["total"] or ZERO,
        "subsidy": funding["subsidy"] or ZERO,
    }
    return DashboardCofinancing(
        pledged=threshold(costs=costs["budgeted"] or ZERO, contributions=pledged, **common),
        realised=threshold(costs=costs["realised"] or ZERO, contributions=realised, **common),
    )
