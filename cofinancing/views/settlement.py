"""The settlement page: a year (`?year=2026`) or the period (docs/rules.md §20)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cofinancing.panels import settlement_panels
from cofinancing.selectors.evidence import missing_evidence
from cofinancing.selectors.settlement import settlement as settlement_of
from cofinancing.selectors.summary import partnership_budget
from cofinancing.statements.selectors import disputed_lines
from partners.tenancy import partnership_view

MISSING_SHOWN = 10  # the rest on the missing-evidence page


def _year(text: str | None, years: list[int]) -> int | None:
    """The year asked for when it is one of the scheme's; anything else is the period."""
    text = (text or "").strip()
    if not text.isdigit() or len(text) != 4:
        return None
    year = int(text)
    return year if year in years else None


def _missing(*, partnership, year) -> dict:
    """What still lacks evidence: the number of lines, of pieces, and the first rows."""
    rows = missing_evidence(partnership, year)
    return {
        "lines": len(rows),
        "pieces": sum(len(row.missing) for row in rows),
        "rows": rows[:MISSING_SHOWN],
    }


@partnership_view()
@require_GET
def settlement(request, tenant):
    partnership = tenant.partnership
    budget = partnership_budget(partnership=partnership)
    data = year = missing = None
    disputed = []
    panels = []
    if budget is not None:
        year = _year(request.GET.get("year"), budget.scheme.years)
        data = settlement_of(partnership=partnership, budget=budget, year=year)
        missing = _missing(partnership=partnership, year=year)
        disputed = disputed_lines(partnership=partnership, year=year)
        panels = settlement_panels(tenant=tenant, year=year)
    return render(
        request,
        "cofinancing/settlement/settlement.html",
        {
            "tenant": tenant,
            "budget": budget,
            "settlement": data,
            "year": year,
            "missing_evidence": missing,
            "disputed": disputed,
            "panels": panels,
        },
    )
