"""The ledger of an annual statement (docs/rules.md §22): every line behind its figures, what
the penvoerder's accountant asks for, as a workbook.

- "Bijdragen": every contribution of the year (or the period), whatever its status: pledged
  and realised quantity and value, the realisation date, the rate and its justification,
  why it does not count (funded elsewhere) or was cancelled, its evidence files (names,
  kinds, SHA-256), and the company statement that certified it;
- "Kosten": every cost line: price × quantity, budgeted and realised amount, eligible or
  why not, why it does not count, and its evidence files;
- "Financiering": the funding lines;
- "Bewijsstukken": one row per evidence file, with the line it proves.

The totals at the foot of "Bijdragen" and "Kosten" are those of the summary: the value of
the contributions that count, pledged and up and realised and up, and the eligible realised
costs that count. Five queries, however many rows.
"""

from collections import defaultdict
from decimal import Decimal
from io import BytesIO

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from cofinancing.models import (
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    Contribution,
    CostLine,
    Evidence,
    FundingLine,
)
from sterk.money import ZERO
from sterk.xlsx import EURO_FORMAT, SheetWriter, safe_cell

CONTRIBUTIONS_SHEET = "Bijdragen"
COSTS_SHEET = "Kosten"
FUNDING_SHEET = "Financiering"
EVIDENCE_SHEET = "Bewijsstukken"
QUANTITY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _in_year(year):
    return Q() if year is None else Q(year=year)


def ledger_workbook(*, partnership, year: int | None) -> bytes:
    """The ledger of `year`, or of every year when None, as bytes (Dutch headers)."""
    with translation.override("nl"):
        contributions = list(
            Contribution.objects.filter(_in_year(year), partnership=partnership)
            .select_related("organisation", "activity", "certified_by")
            .order_by("year", "organisation__name", "kind", "pk")
        )
        cost_lines = list(
            CostLine.objects.filter(_in_year(year), partnership=partnership)
            .select_related("activity")
            .order_by("year", "category", "description", "pk")
        )
        funding_lines = list(
            FundingLine.objects.filter(_in_year(year), partnership=partnership).order_by(
                "year", "source", "description", "pk"
            )
        )
        line_year = Q() if year is None else Q(contribution__year=year) | Q(cost_line__year=year)
        evidence = list(
            Evidence.objects.filter(line_year, partnership=partnership)
            .select_related("uploaded_by", "contribution__organisation", "cost_line")
            .order_by("uploaded_at", "pk")
        )
        by_contribution, by_cost_line = defaultdict(list), defaultdict(list)
        for item in evidence:
            if item.contribution_id:
                by_contribution[item.contribution_id].append(item)
            else:
                by_cost_line[item.cost_line_id].append(item)
        workbook = Workbook()
        workbook.remove(workbook.active)
        _contributions(workbook.create_sheet(CONTRIBUTIONS_SHEET), contributions, by_contribution)
        _costs(workbook.create_sheet(COSTS_SHEET), cost_lines, by_cost_line)
        _funding(workbook.create_sheet(FUNDING_SHEET), funding_lines)
        _evidence(workbook.create_sheet(EVIDENCE_SHEET), evidence)
        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _files(items: list[Evidence]) -> list:
    """Count, names, kinds and SHA-256 of a line's evidence, one file a line in a cell."""
    return [
        len(items),
        "\n".join(item.name for item in items) or None,
        "\n".join(item.get_kind_display() for item in items) or None,
        "\n".join(item.sha256 for item in items) or None,
    ]


FILE_HEADERS = (
    gettext_noop("Evidence files"),
    gettext_noop("File names"),
    gettext_noop("Kinds of evidence"),
    gettext_noop("SHA-256"),
)


def _header(sheet, headers) -> SheetWriter:
    writer = SheetWriter(sheet)
    writer.append([_(header) for header in headers], bold=True)
    sheet.freeze_panes = "A2"
    return writer


CONTRIBUTION_HEADERS = (
    gettext_noop("Reference"),
    gettext_noop("Year"),
    gettext_noop("Organisation"),
    gettext_noop("KvK number"),
    gettext_noop("Counts as business"),
    gettext_noop("Activity"),
    gettext_noop("Kind"),
    gettext_noop("Description"),
    gettext_noop("Status"),
    gettext_noop("Pledged quantity"),
    gettext_noop("Pledged value"),
    gettext_noop("Realised on"),
    gettext_noop("Realised quantity"),
    gettext_noop("Realised value"),
    gettext_noop("Hourly rate"),
    gettext_noop("Justification of the rate"),
    gettext_noop("Machine identifier"),
    gettext_noop("Does not count because"),
    gettext_noop("Reason for cancelling"),
    *FILE_HEADERS,
    gettext_noop("Certified by statement"),
    gettext_noop("Reference of the statement"),
)
# 1-based columns of the contribution sheet and their formats.
_CONTRIBUTION_FORMATS = {
    10: QUANTITY_FORMAT, 11: EURO_FORMAT, 12: DATE_FORMAT, 13: QUANTITY_FORMAT, 14: EURO_FORMAT,
    15: EURO_FORMAT,
}  # fmt: skip


def _contributions(sheet, contributions: list[Contribution], evidence) -> None:
    writer = _header(sheet, CONTRIBUTION_HEADERS)
    pledged = realised = ZERO
    for c in contributions:
        reason = c.excluded_reason
        if not reason and c.status in PLEDGED_AND_UP:
            pledged += c.value
        if not reason and c.status in REALISED_AND_UP:
            realised += c.realised_value if c.realised_value is not None else c.value
        organisation = c.organisation
        row = writer.append(
            [
                str(c.code),
                c.year,
                organisation.name,
                organisation.kvk_number or None,
                _yes(organisation.counts_as_business),
                c.activity.short_code if c.activity else None,
                c.get_kind_display(),
                c.description,
                c.get_status_display(),
                c.quantity,
                c.value,
                c.realised_on,
                c.realised_quantity,
                c.realised_value,
                c.hourly_rate,
                c.rate_justification or None,
                c.machine_id or None,
                reason or None,
                c.cancel_reason or None,
                *_files(evidence.get(c.pk, [])),
                *_certified_by(c),
            ],
        )
        writer.formats(row, _CONTRIBUTION_FORMATS)
    _totals(
        writer,
        [
            (_("Total pledged and up that counts (pledged value)"), 11, pledged),
            (_("Total realised and up that counts (realised value)"), 14, realised),
        ],
    )
    writer.widths(38, 16, len(CONTRIBUTION_HEADERS))


def _certified_by(contribution: Contribution) -> list:
    """The company statement whose signing certified the contribution (docs/rules.md §23):
    its number and year, and its reference (the accountant's bundle names its file so)."""
    statement = contribution.certified_by
    if statement is None:
        return [None, None]
    label = _("no. %(number)s of %(year)s") % {
        "number": statement.number,
        "year": statement.year or _("the period"),
    }
    return [label, str(statement.code)]


def _totals(writer: SheetWriter, rows: list[tuple[str, int, Decimal]]) -> None:
    writer.blank()
    for label, column, amount in rows:
        cells: list = [None] * column
        cells[0] = label
        cells[column - 1] = amount
        writer.append(cells, bold=True, money_from=column)


COST_HEADERS = (
    gettext_noop("Reference"),
    gettext_noop("Year"),
    gettext_noop("Cost category"),
    gettext_noop("Description"),
    gettext_noop("Activity"),
    gettext_noop("Price"),
    gettext_noop("Quantity"),
    gettext_noop("Budgeted amount"),
    gettext_noop("Realised amount"),
    gettext_noop("Eligible"),
    gettext_noop("Reason not eligible"),
    gettext_noop("Note"),
    gettext_noop("Does not count because"),
    *FILE_HEADERS,
)
_COST_FORMATS = {6: EURO_FORMAT, 7: QUANTITY_FORMAT, 8: EURO_FORMAT, 9: EURO_FORMAT}


def _costs(sheet, cost_lines: list[CostLine], evidence) -> None:
    writer = _header(sheet, COST_HEADERS)
    budgeted = eligible = ZERO
    for line in cost_lines:
        reason = line.excluded_reason
        if not reason:
            budgeted += line.amount
            if line.eligible and line.realised_amount is not None:
                eligible += line.realised_amount
        row = writer.append(
            [
                str(line.code),
                line.year,
                line.get_category_display(),
                line.description,
                line.activity.short_code if line.activity else None,
                line.unit_price,
                line.quantity,
                line.amount,
                line.realised_amount,
                _yes(line.eligible),
                line.get_ineligible_reason_display() or None,
                line.ineligible_note or None,
                reason or None,
                *_files(evidence.get(line.pk, [])),
            ],
        )
        writer.formats(row, _COST_FORMATS)
    _totals(
        writer,
        [
            (_("Total budgeted that counts"), 8, budgeted),
            (_("Total realised eligible that counts"), 9, eligible),
        ],
    )
    writer.widths(38, 16, len(COST_HEADERS))


FUNDING_HEADERS = (
    gettext_noop("Reference"),
    gettext_noop("Year"),
    gettext_noop("Source"),
    gettext_noop("Description"),
    gettext_noop("Amount"),
)


def _funding(sheet, funding_lines: list[FundingLine]) -> None:
    writer = _header(sheet, FUNDING_HEADERS)
    for line in funding_lines:
        writer.append(
            [
                str(line.code),
                line.year,
                line.get_source_display(),
                line.description or None,
                line.amount,
            ],
            money_from=5,
        )
    _totals(writer, [(_("Total"), 5, sum((line.amount for line in funding_lines), ZERO))])
    writer.widths(38, 18, len(FUNDING_HEADERS))


EVIDENCE_HEADERS = (
    gettext_noop("Proves"),
    gettext_noop("Reference"),
    gettext_noop("Year"),
    gettext_noop("Organisation"),
    gettext_noop("Description"),
    gettext_noop("Kind of evidence"),
    gettext_noop("File name"),
    gettext_noop("Size (bytes)"),
    gettext_noop("Type"),
    gettext_noop("SHA-256"),
    gettext_noop("Uploaded"),
    gettext_noop("Uploaded by"),
    gettext_noop("Note"),
)


def _evidence(sheet, evidence: list[Evidence]) -> None:
    writer = _header(sheet, EVIDENCE_HEADERS)
    for item in evidence:
        line = item.contribution or item.cost_line
        row = writer.append(
            [
                _("Contribution") if item.contribution_id else _("Cost line"),
                str(line.code),
                line.year,
                item.contribution.organisation.name if item.contribution_id else None,
                line.description,
                item.get_kind_display(),
                item.name,
                item.size,
                item.content_type,
                item.sha256,
                safe_cell(item.uploaded_at),
                str(item.uploaded_by) if item.uploaded_by else None,
                item.note or None,
            ],
        )
        writer.formats(row, {11: DATETIME_FORMAT})
    writer.widths(16, 22, len(EVIDENCE_HEADERS))
