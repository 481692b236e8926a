"""The annual statement of a year or of the period (docs/rules.md §22): a PDF that
summarises, and the ledger with every line (cofinancing/reports/ledger.py).

The summary: the budget against what was realised per cost category and the costs that are
not eligible (the settlement, cofinancing/selectors/settlement.py, so the settlement page
and the statement show the same figures); the funding; the business share realised and its
forecast; per organisation what it pledged and realised and how much of it is proven; the
evidence in numbers; what does not count. Lines are never listed in the PDF: they are in
the ledger, whose SHA-256 the PDF prints. The data is read in a fixed number of queries;
the PDF stays small whatever the number of contributions (under 10 s for 2,000).
"""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cofinancing.models import (
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    AnnualStatement,
    Contribution,
    ContributionStatus,
    CostLine,
    Evidence,
    FundingLine,
    FundingSource,
)
from cofinancing.reports.ledger import ledger_workbook
from cofinancing.selectors.evidence import missing_evidence
from cofinancing.selectors.settlement import Settlement, settlement
from cofinancing.selectors.summary import COUNTED, partnership_budget
from cofinancing.summary import Figures
from sterk.canonical import bytes_hash
from sterk.money import ZERO, format_euro
from sterk.printing import PDF_DIR, local_fetcher, stylesheets

STYLESHEET = PDF_DIR / "report.css"


def _euro(value: Decimal | None) -> str:
    return format_euro(value if value is not None else ZERO)


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",") + "%"


def _scope(year: int | None) -> Q:
    return Q() if year is None else Q(year=year)


def _costs(result: Settlement) -> dict:
    def row(label, item):
        return {
            "label": label,
            "budgeted": _euro(item.budgeted),
            "realised": _euro(item.realised),
            "eligible": _euro(item.eligible),
            "difference": _euro(item.difference),
            "percent": _percent(item.percent_spent),
        }

    return {
        "categories": [row(item.label, item) for item in result.categories],
        "in_kind": row("Bijdragen in natura", result.in_kind),
        "total": row("Totaal", result.total_costs),
        "unrealised_budget": _euro(result.unrealised_budget),
        "ineligible": [
            {"label": item.label, "count": item.count, "amount": _euro(item.amount)}
            for item in result.ineligible_by_reason
        ],
        "ineligible_total": _euro(result.ineligible_costs),
        "eligible_total": _euro(result.eligible_costs),
    }


def _funding(*, partnership, year, realised: Figures) -> dict:
    """The funding lines per source (as budgeted), and the contributions realised so far:
    total funding = funding lines + money + in kind (docs/rules.md §3)."""
    sums = {
        row["source"]: row["total"]
        for row in FundingLine.objects.filter(_scope(year), partnership=partnership)
        .values("source")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    lines = sum(sums.values(), ZERO)
    contributions = realised.total_funding - lines
    business = realised.business_money + realised.business_in_kind
    return {
        "sources": [
            {"label": str(source.label), "amount": _euro(sums.get(source.value, ZERO))}
            for source in FundingSource
        ],
        "lines": _euro(lines),
        "business_money": _euro(realised.business_money),
        "business_in_kind": _euro(realised.business_in_kind),
        "others": _euro(contributions - business),
        "total": _euro(realised.total_funding),
    }


def _figures(figures: Figures) -> dict:
    return {
        "base_amount": _euro(figures.base_amount),
        "required": _euro(figures.required),
        "business_total": _euro(figures.business_total),
        "percentage": _percent(figures.percentage),
        "met": figures.met,
        "shortfall": _euro(figures.shortfall),
    }


def _share(result: Settlement) -> dict:
    return {
        "realised": _figures(result.check.realised),
        "forecast": _figures(result.check.forecast),
        "period_realised": _figures(result.period.realised),
        "period_forecast": _figures(result.period.forecast),
        "share": f"{(result.share * 100).normalize():f}".replace(".", ",") + "%",
        "met_only_by_overrides": result.realised_met_only_by_overrides,
        "forecast_only_by_overrides": result.forecast_met_only_by_overrides,
        "tallies": [
            {"label": label, "count": tally.count, "value": _euro(tally.value)}
            for label, tally in (
                ("Gecertificeerd (ondertekende verklaring)", result.certified),
                ("Gerealiseerd, nog niet gecertificeerd", result.uncertified),
                ("Nog toegezegd, niet gerealiseerd", result.still_pledged),
            )
        ],
        "warnings": result.warnings,
    }


def _organisations(*, partnership, year, missing: list) -> list[dict]:
    """Per organisation, one grouped query: pledged and realised value of what counts, and
    how many of its realised contributions have all the evidence they need (`missing`: the
    rows of cofinancing.selectors.evidence.missing_evidence)."""
    lacking = Counter(row.organisation.pk for row in missing if row.contribution is not None)
    realised = Q(status__in=REALISED_AND_UP)
    rows = (
        Contribution.objects.filter(COUNTED, _scope(year), partnership=partnership)
        .values(
            "organisation_id",
            "organisation__name",
            "organisation__kvk_number",
            "organisation__counts_as_business",
        )
        .annotate(
            pledged=Sum("value", filter=Q(status__in=PLEDGED_AND_UP)),
            realised=Sum(Coalesce("realised_value", "value"), filter=realised),
            realised_count=Count("pk", filter=realised),
            certified_count=Count("pk", filter=Q(status=ContributionStatus.CERTIFIED)),
        )
        .order_by("organisation__name", "organisation_id")
    )
    return [
        {
            "name": row["organisation__name"],
            "kvk": row["organisation__kvk_number"],
            "business": row["organisation__counts_as_business"],
            "pledged": _euro(row["pledged"]),
            "realised": _euro(row["realised"]),
            "realised_count": row["realised_count"],
            "certified_count": row["certified_count"],
            "proven_count": row["realised_count"] - lacking[row["organisation_id"]],
            "unproven_count": lacking[row["organisation_id"]],
        }
        for row in rows
        if row["pledged"] is not None or row["realised"] is not None
    ]


def _evidence(*, partnership, year, organisations: list[dict], missing: list) -> dict:
    """Realised contributions and claimed cost lines with and without all the evidence they
    need (cofinancing/evidence_rules.py): one query for the cost lines, the contributions'
    counts come from the organisations, what lacks from `missing`."""
    total = CostLine.objects.filter(
        _scope(year), partnership=partnership, eligible=True, realised_amount__gt=0
    ).count()
    lacking = sum(1 for row in missing if row.cost_line is not None)
    lines = {"total": total, "proven": total - lacking}
    files = Evidence.objects.filter(
        Q() if year is None else Q(contribution__year=year) | Q(cost_line__year=year),
        partnership=partnership,
    ).count()
    realised = sum(o["realised_count"] for o in organisations)
    proven = sum(o["proven_count"] for o in organisations)
    return {
        "contributions": realised,
        "contributions_proven": proven,
        "contributions_unproven": realised - proven,
        "cost_lines": lines["total"],
        "cost_lines_proven": lines["proven"],
        "cost_lines_unproven": lines["total"] - lines["proven"],
        "files": files,
        "pieces_missing": sum(len(row.missing) for row in missing),
    }


def _excluded(result: Settlement) -> dict:
    return {
        "contributions": len(result.excluded_contributions),
        "contributions_value": _euro(sum((c.value for c in result.excluded_contributions), ZERO)),
        "costs": len(result.excluded_costs),
        "costs_amount": _euro(sum((c.amount for c in result.excluded_costs), ZERO)),
    }


def statement_context(*, partnership, budget, year: int | None) -> dict:
    """Everything the PDF shows; a fixed number of queries, however many rows."""
    with translation.override("nl"):
        result = settlement(partnership=partnership, budget=budget, year=year)
        missing = missing_evidence(partnership, year)
        organisations = _organisations(partnership=partnership, year=year, missing=missing)
        scheme = budget.scheme
        return {
            "partnership": partnership,
            "scheme": scheme,
            "year": year,
            "period": f"{scheme.start_year}–{scheme.end_year}",
            "costs": _costs(result),
            "funding": _funding(partnership=partnership, year=year, realised=result.check.realised),
            "share": _share(result),
            "organisations": organisations,
            "evidence": _evidence(
                partnership=partnership, year=year, organisations=organisations, missing=missing
            ),
            "excluded": _excluded(result),
        }


def render_pdf(context: dict) -> bytes:
    from weasyprint import CSS, HTML  # importing WeasyPrint costs ~0.5 s: only when rendering

    with translation.override("nl"):
        html = render_to_string("pdf/statement.html", context)
    fetcher = local_fetcher()
    document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets(CSS, fetcher, STYLESHEET))


def statement_files(
    *,
    partnership,
    year: int | None,
    reference: str | None,
    made_by: str = "",
    made_at=None,
    finish_ledger=None,
) -> tuple[bytes, bytes]:
    """The PDF and the ledger of `year` (None: the period) from the data as it is now; the
    PDF names the ledger by its SHA-256, so the two belong together. `reference` is printed
    as the statement's mark (None: the ledger's SHA-256); without `made_at` the PDF prints no time, so the same data
    gives the same bytes (the accountant's bundle, docs/rules.md §24, which also passes
    `finish_ledger` to give the workbook fixed dates before its SHA-256 is printed)."""
    budget = partnership_budget(partnership=partnership)
    if budget is None:
        raise ValueError("the partnership has no budget (no scheme chosen)")
    ledger = ledger_workbook(partnership=partnership, year=year)
    if finish_ledger is not None:
        ledger = finish_ledger(ledger)
    context = statement_context(partnership=partnership, budget=budget, year=year)
    ledger_sha256 = bytes_hash(ledger)
    context.update(
        reference=reference or ledger_sha256,
        made_by=made_by,
        made_at=made_at,
        ledger_sha256=ledger_sha256,
    )
    return render_pdf(context), ledger


def render_statement_files(statement: AnnualStatement) -> tuple[bytes, bytes]:
    """The PDF and the ledger of a kept statement, from the data as it is now."""
    return statement_files(
        partnership=statement.partnership,
        year=statement.year,
        reference=str(statement.code),
        made_by=str(statement.created_by) if statement.created_by else "",
        made_at=timezone.localtime(statement.created_at),
    )
