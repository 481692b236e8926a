"""The statement's PDF (docs/rules.md §23), in Dutch, from its frozen lines: rendered with
the annual statement's helpers (sterk.printing, templates/pdf/report.css)."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation

from cofinancing.models import CompanyStatement
from cofinancing.reports.statement import STYLESHEET
from cofinancing.statements.lines import totals_per_kind
from cofinancing.statements.penvoerder import penvoerder_name
from sterk.money import format_euro
from sterk.printing import PDF_DIR, local_fetcher, stylesheets


def title_of(statement: CompanyStatement) -> str:
    """The document's title, in Dutch."""
    period = str(statement.year) if statement.year else "hele periode"
    return (
        f"Verklaring cofinanciering {statement.organisation.name} {period}, nr. {statement.number}"
    )


def statement_context(statement: CompanyStatement) -> dict:
    partnership = statement.partnership
    lines = [
        {**line, "value_text": format_euro(Decimal(line["value"]))} for line in statement.lines
    ]
    return {
        "statement": statement,
        "title": title_of(statement),
        "partnership": partnership,
        "organisation": statement.organisation,
        "penvoerder": penvoerder_name(partnership),
        "lines": lines,
        "totals": [
            {**row, "total_text": format_euro(row["total"])}
            for row in totals_per_kind(statement.lines)
        ],
        "total": format_euro(statement.total),
        "made_at": timezone.localtime(statement.created_at),
    }


def render_pdf(statement: CompanyStatement) -> bytes:
    from weasyprint import CSS, HTML  # importing WeasyPrint costs ~0.5 s: only when rendering

    with translation.override("nl"):
        html = render_to_string("pdf/company_statement.html", statement_context(statement))
    fetcher = local_fetcher()
    document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets(CSS, fetcher, STYLESHEET))
