"""The empty import workbook offered for download: six sheets, headers in row 1, the fields
of Samenwerkingsverband filled in, and drop-down lists for the columns with fixed words."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from cofinancing.importer.spec import (
    ACTIVITIES,
    CONTRIBUTION_KINDS,
    CONTRIBUTION_STATUSES,
    CONTRIBUTIONS,
    COST_CATEGORIES,
    COST_LINES,
    FUNDING_LINES,
    FUNDING_SOURCES,
    INELIGIBLE_REASONS,
    ORGANISATION_KINDS,
    ORGANISATIONS,
    PARTNERSHIP,
    PARTNERSHIP_FIELDS,
    SECTORS,
    SHEETS,
    YES_NO,
    columns,
)

# The drop-down lists; rows 2 to LIST_ROWS get them.
LISTS = {
    ORGANISATIONS: {
        "Soort": ORGANISATION_KINDS,
        "Sector": SECTORS,
        "Telt als bedrijfsleven": YES_NO,
    },
    ACTIVITIES: {"Vorm": {str(n): n for n in range(1, 9)}},
    CONTRIBUTIONS: {"Soort": CONTRIBUTION_KINDS, "Status": CONTRIBUTION_STATUSES},
    COST_LINES: {
        "Kostensoort": COST_CATEGORIES,
        "Subsidiabel": YES_NO,
        "Reden niet subsidiabel": INELIGIBLE_REASONS,
    },
    FUNDING_LINES: {"Bron": FUNDING_SOURCES},
}
LIST_ROWS = 2000


def template_workbook() -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in SHEETS:
        headers = columns(name)
        sheet = workbook.create_sheet(name)
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, header in enumerate(headers, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(12, min(40, len(header) + 4))
            words = LISTS.get(name, {}).get(header)
            if words:
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(words) + '"', allow_blank=True
                )
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{LIST_ROWS}")
        sheet.freeze_panes = "A2"
    for label in PARTNERSHIP_FIELDS:
        workbook[PARTNERSHIP].append([label, None])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
