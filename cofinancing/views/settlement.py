"""The settlement page: a year (`?year=2026`) or the period (docs/rules.md §20)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cofinancing.selectors.settlement import settlement as settlement_of
from cofinancing.selectors.summary import partnership_budget
from partners.tenancy import partnership_view

try:  # Evidence files come with their own branch; until then the page leaves a slot.
    from cofinancing.selectors.evidence import missing_evidence
except ImportError:  # pragma: no cover - depends on what is merged
    missing_evidence = None


def _year(text: str | None, years: list[int]) -> int | None:
    """The year asked for when it is one of the scheme's; anything else is the period."""
    text = (text or "").strip()
    if not text.isdigit() or len(text) != 4:
        return None
    year = int(text)
    return year if year in years else None


def _missing_evidence_count(*, partnership, year) -> int | None:
    """How many pieces of evidence are still missing, or None while Sterk has no evidence.

    TODO(lead): wire `missing_evidence` when the evidence branch is merged (its signature
    and the template cofinancing/evidence/_missing.html)."""
    if missing_evidence is None:
        return None
    return len(missing_evidence(partnership=partnership, year=year))


@partnership_view()
@require_GET
def settlement(request, tenant):
    partnership = tenant.partnership
    budget = partnership_budget(partnership=partnership)
    data = year = missing = None
    if budget is not None:
        year = _year(request.GET.get("year"), budget.scheme.years)
        data = settlement_of(partnership=partnership, budget=budget, year=year)
        missing = _missing_evidence_count(partnership=partnership, year=year)
    return render(
        request,
        "cofinancing/settlement/settlement.html",
        {
            "tenant": tenant,
            "budget": budget,
            "settlement": data,
            "year": year,
            "missing_evidence": missing,
        },
    )
