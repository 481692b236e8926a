"""Excel export shared by every list: a header row, typed cells, formula injection defused.

A text cell starting with = + - @ (or a tab/carriage return) could be run as a formula by
a spreadsheet. Such cells are stored as text with Excel's quote prefix (what typing a
leading apostrophe does): shown and kept exactly as entered, never evaluated.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sterk.money import round_money

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EURO_FORMAT = '"€" #,##0.00'
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as openpyxl should store it; Decimal kept exact, aware datetimes local."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, Decimal, dt.date)):
        return value
    return safe_cell(str(value))


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_PREFIXES)


def defuse(cell) -> None:
    """Store text that looks like a formula as plain text with Excel's quote prefix."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_response(
    filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence], money_columns=()
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
        for cell in sheet[sheet.max_row]:
            defuse(cell)
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = EURO_FORMAT
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            12, min(50, len(str(header)) + 4)
        )
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


BOLD = Font(bold=True)


class SheetWriter:
    """Writes a sheet row after row in constant time per cell, for workbooks of thousands of
    rows: openpyxl's `max_row` and `sheet[n]` scan every cell of the sheet, so a writer that
    asks for them once a row takes quadratic time. Text that looks like a formula stays
    text (`defuse`); a number from column `money_from` (1-based) on gets `number_format`,
    the euro by default, and a euro amount is rounded to the cent."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.row = 0

    def append(self, values, *, bold=False, money_from=None, number_format=None) -> int:
        """Write the next row; None leaves a cell empty. Returns the row's number."""
        self.row += 1
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = self.sheet.cell(row=self.row, column=column, value=value)
            defuse(cell)
            if bold:
                cell.font = BOLD
            is_number = isinstance(value, (Decimal, int)) and not isinstance(value, bool)
            if money_from is not None and column >= money_from and is_number:
                cell.number_format = number_format or EURO_FORMAT
                if cell.number_format == EURO_FORMAT:
                    cell.value = round_money(value)
        return self.row

    def blank(self) -> None:
        self.row += 1

    def formats(self, row: int, formats: dict[int, str]) -> None:
        """Give the filled cells of `row` these number formats, by column (1-based)."""
        for column, number_format in formats.items():
            cell = self.sheet.cell(row=row, column=column)
            if cell.value is not None:
                cell.number_format = number_format

    def widths(self, first: int, others: int, count: int) -> None:
        for index in range(1, count + 1):
            width = first if index == 1 else others
            self.sheet.column_dimensions[get_column_letter(index)].width = width
