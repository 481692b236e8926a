"""The Excel export of a partnership's cofinancing.

One workbook with:

- "Meerjarenbegroting": the budget as a person reads it (years as columns, cost categories
  and funding sources as rows, contributions in money and in kind, totals, the balance) and
  the threshold check, for contributions pledged and up and for realised ones;
- "Cofinanciering": per company, year and kind what business brings in (only organisations
  that count as business, excluded contributions left out), with a total row;
- the six sheets of the import (cofinancing.importer.spec.SHEETS), filled with the
  partnership's records in the importer's words, so importing the file into another
  partnership reproduces the same report.

The human-readable budget cannot be called "Begroting": that name belongs to the import
sheet of cost lines. Every figure is a Decimal from the summary or the stored rows (openpyxl
writes it as a number), summed in Python, never a float; text that a spreadsheet would run as
a formula is stored as text (sterk.xlsx.defuse). A fixed number of queries, however many
rows.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from activities.models import Activity
from cofinancing.importer.spec import (
    ACTIVITIES,
    CONTRIBUTIONS,
    COST_LINES,
    FUNDING_LINES,
    ORGANISATIONS,
    PARTNERSHIP,
    WORDS,
    columns,
)
from cofinancing.models import (
    Budget,
    Contribution,
    ContributionKind,
    CostCategory,
    FundingSource,
)
from cofinancing.selectors.budget import BudgetTable, budget_table
from cofinancing.selectors.summary import PLEDGED_AND_UP, REALISED_AND_UP, partnership_summary
from cofinancing.summary import Summary
from cofinancing.valuation import KINDS
from partners.models import Organisation
from sterk.money import ZERO, round_money
from sterk.xlsx import EURO_FORMAT, defuse

BUDGET_SHEET = "Meerjarenbegroting"
COFINANCING_SHEET = "Cofinanciering"
PERCENT_FORMAT = "0.00%"
SHARE_FORMAT = "0.0##%"
DATE_FORMAT = "yyyy-mm-dd"
BOLD = Font(bold=True)

# Import sheets: the columns holding euro amounts, and those holding dates.
MONEY_COLUMNS = {
    CONTRIBUTIONS: {
        "Bedrag", "Uurtarief", "Prijs per eenheid", "Aanschafwaarde", "Restwaarde",
    },
    COST_LINES: {"Prijs", "Gerealiseerd bedrag"},
    FUNDING_LINES: {"Bedrag"},
}  # fmt: skip
DATE_COLUMNS = {ACTIVITIES: {"Start", "Eind"}, CONTRIBUTIONS: {"Realisatiedatum"}}


def export_filename(partnership, day: dt.date) -> str:
    return f"cofinanciering-{partnership.slug}-{day.isoformat()}.xlsx"


def export_workbook(*, partnership, budget: Budget) -> bytes:
    """The workbook as bytes. Sixteen queries, whatever the number of rows."""
    table = budget_table(partnership=partnership, budget=budget)
    realised = partnership_summary(partnership=partnership, statuses=REALISED_AND_UP, budget=budget)
    organisations = list(Organisation.objects.filter(partnership=partnership).order_by("name"))
    activities = list(
        Activity.objects.filter(partnership=partnership)
        .select_related("lead_organisation")
        .order_by("sort_key", "pk")
    )
    # Within one organisation, year and kind in the order they were entered (pk), so an
    # import recreates them in that order too.
    contributions = list(
        Contribution.objects.filter(partnership=partnership)
        .select_related("organisation", "activity")
        .order_by("year", "organisation__name", "kind", "pk")
    )
    workbook = Workbook()
    workbook.remove(workbook.active)
    _budget_sheet(workbook.create_sheet(BUDGET_SHEET), partnership, budget, table, realised)
    _cofinancing_sheet(workbook.create_sheet(COFINANCING_SHEET), contributions)
    # The lines as the budget page lists them (per year in the order of the categories and
    # sources), read once by budget_table.
    categories, sources = list(CostCategory.values), list(FundingSource.values)
    cost_lines = sorted(
        (line for row in table.cost_rows for line in row.lines),
        key=lambda line: (line.year, categories.index(line.category), line.description, line.pk),
    )
    funding_lines = sorted(
        (line for row in table.funding_rows for line in row.lines),
        key=lambda line: (line.year, sources.index(line.source), line.description, line.pk),
    )
    for name, rows in (
        (PARTNERSHIP, _partnership_rows(partnership, budget)),
        (ORGANISATIONS, _organisation_rows(organisations)),
        (ACTIVITIES, _activity_rows(activities)),
        (CONTRIBUTIONS, _contribution_rows(contributions)),
        (COST_LINES, _cost_line_rows(cost_lines)),
        (FUNDING_LINES, _funding_line_rows(funding_lines)),
    ):
        _import_sheet(workbook.create_sheet(name), name, rows)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- writing cells -------------------------------------------------------------------------


def _append(sheet, values, *, bold=False, money_from=None, number_format=None) -> int:
    """Append a row; text that looks like a formula stays text. Returns the row number.

    Cells from column `money_from` (1-based) on get `number_format` (the euro by default).
    """
    sheet.append(list(values))
    row = sheet.max_row
    for cell in sheet[row]:
        defuse(cell)
        if bold:
            cell.font = BOLD
        is_number = isinstance(cell.value, (Decimal, int)) and not isinstance(cell.value, bool)
        if money_from is not None and cell.column >= money_from and is_number:
            cell.number_format = number_format or EURO_FORMAT
            if cell.number_format == EURO_FORMAT:
                # Sums from the database may carry extra places (SQLite); amounts are cents.
                cell.value = round_money(cell.value)
    return row


def _widths(sheet, first: int, others: int, count: int) -> None:
    for index in range(1, count + 1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = first if index == 1 else others


# --- Meerjarenbegroting --------------------------------------------------------------------


def _budget_sheet(sheet, partnership, budget: Budget, table: BudgetTable, realised) -> None:
    scheme = budget.scheme
    years = table.years
    width = len(years) + 2
    sheet.append([_("Multi-year budget of %(name)s") % {"name": partnership.name}])
    sheet["A1"].font = Font(bold=True, size=14)
    defuse(sheet["A1"])
    sheet.append(
        [
            _("Scheme: %(scheme)s (%(first)s–%(last)s), base of the share: %(base)s.")
            % {
                "scheme": scheme.name,
                "first": scheme.start_year,
                "last": scheme.end_year,
                "base": scheme.get_base_display(),
            }
        ]
    )
    sheet.append(
        [
            _(
                "Contributions count from pledged up; in-kind contributions count as costs and "
                "as funding, money contributions as funding. Contributions funded by another "
                "scheme are left out."
            )
        ]
    )
    sheet.append([])
    header = [_("Item"), *years, _("Total")]
    header_row = _append(sheet, header, bold=True)
    for cell in sheet[header_row][1:]:
        cell.alignment = Alignment(horizontal="right")

    def money_row(label, cells, total, *, bold=False):
        _append(sheet, [label, *cells, total], bold=bold, money_from=2)

    _append(sheet, [_("Costs")], bold=True)
    labels = {category.value: category.label for category in CostCategory}
    for row in table.cost_rows:
        money_row(str(labels.get(row.key, row.label)), row.cells, row.total)
    money_row(_("In-kind contributions"), table.in_kind_costs.cells, table.in_kind_costs.total)
    money_row(_("Total costs"), table.total_costs.cells, table.total_costs.total, bold=True)
    sheet.append([])
    _append(sheet, [_("Funding")], bold=True)
    labels = {source.value: source.label for source in FundingSource}
    for row in table.funding_rows:
        money_row(str(labels.get(row.key, row.label)), row.cells, row.total)
    money_row(_("Money contributions"), table.money.cells, table.money.total)
    money_row(_("In-kind contributions"), table.in_kind_funding.cells, table.in_kind_funding.total)
    money_row(_("Total funding"), table.total_funding.cells, table.total_funding.total, bold=True)
    sheet.append([])
    money_row(_("Balance (funding − costs)"), table.balance.cells, table.balance.total, bold=True)
    for title, summary in (
        (_("Threshold, contributions pledged and up"), table.summary),
        (_("Threshold, realised contributions"), realised),
    ):
        sheet.append([])
        _threshold(sheet, title, summary, years)
    _widths(sheet, 44, 17, width)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)


def _threshold(sheet, title: str, summary: Summary, years: list[int]) -> None:
    """The check per year (information) and for the period (what counts)."""
    _append(sheet, [title, *years, _("Total")], bold=True)
    figures = [summary.by_year[year] for year in years] + [summary.total]
    rows = (
        ("base_amount", _("Base amount"), EURO_FORMAT),
        ("share", _("Share required"), SHARE_FORMAT),
        ("required", _("Required"), EURO_FORMAT),
        ("business_money", _("Business: money"), EURO_FORMAT),
        ("business_in_kind", _("Business: in kind"), EURO_FORMAT),
        ("business_total", _("Business total"), EURO_FORMAT),
        ("shortfall", _("Shortfall"), EURO_FORMAT),
        ("percentage", _("Percentage of the base"), PERCENT_FORMAT),
    )
    for key, label, number_format in rows:
        if key == "share":
            cells = [summary.share] * len(figures)
        elif key == "percentage":
            cells = [f.percentage / 100 for f in figures]
        else:
            cells = [getattr(f, key) for f in figures]
        _append(sheet, [label, *cells], money_from=2, number_format=number_format)
    _append(
        sheet,
        [_("Share met"), *[_("yes") if f.met else _("no") for f in figures]],
        bold=True,
    )


# --- Cofinanciering ------------------------------------------------------------------------


def _cofinancing_sheet(sheet, contributions: list[Contribution]) -> None:
    """Business cofinancing per company, year and kind, pledged and up, excluded left out."""
    kinds = {kind.value: str(kind.label) for kind in ContributionKind}
    sums: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(KINDS, ZERO))
    for contribution in contributions:
        organisation = contribution.organisation
        if (
            not organisation.counts_as_business
            or contribution.is_excluded
            or contribution.status not in PLEDGED_AND_UP
        ):
            continue
        key = (organisation.name.casefold(), organisation.pk, contribution.year)
        sums[key][contribution.kind] += contribution.value
    names = {c.organisation.pk: c.organisation for c in contributions}
    _append(
        sheet,
        [_("Organisation"), _("KvK number"), _("Year"), *[kinds[k] for k in KINDS], _("Total")],
        bold=True,
    )
    totals = dict.fromkeys(KINDS, ZERO)
    for (_name, organisation_id, year), by_kind in sorted(sums.items()):
        organisation = names[organisation_id]
        for kind, value in by_kind.items():
            totals[kind] += value
        _append(
            sheet,
            [
                organisation.name,
                organisation.kvk_number or None,
                year,
                *[by_kind[k] for k in KINDS],
                sum(by_kind.values(), ZERO),
            ],
            money_from=4,
        )
    _append(
        sheet,
        [_("Total"), None, None, *[totals[k] for k in KINDS], sum(totals.values(), ZERO)],
        bold=True,
        money_from=4,
    )
    _widths(sheet, 40, 16, len(KINDS) + 4)
    sheet.freeze_panes = "B2"


# --- the import sheets ---------------------------------------------------------------------


def _import_sheet(sheet, name: str, rows) -> None:
    headers = columns(name)
    _append(sheet, headers, bold=True)
    money = MONEY_COLUMNS.get(name, set())
    dates = DATE_COLUMNS.get(name, set())
    for values in rows:
        row = _append(sheet, [values.get(header) for header in headers])
        for cell, header in zip(sheet[row], headers, strict=True):
            if header in money and cell.value is not None:
                cell.number_format = EURO_FORMAT
            elif header in dates and cell.value is not None:
                cell.number_format = DATE_FORMAT
    for index, header in enumerate(headers, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, min(40, len(header) + 4))
    sheet.freeze_panes = "A2"


def _text(value: str) -> str | None:
    return value or None


def _partnership_rows(partnership, budget: Budget):
    for label, value in (
        ("Naam", partnership.name),
        ("Regeling", budget.scheme.code),
        ("Startjaar", partnership.start_year),
        ("Eindjaar", partnership.end_year),
    ):
        yield {"Veld": label, "Waarde": value}


def _organisation_rows(organisations: list[Organisation]):
    for organisation in organisations:
        yield {
            "Naam": organisation.name,
            "Soort": WORDS["organisation_kind"].get(organisation.kind, organisation.kind),
            "Sector": _text(WORDS["sector"].get(organisation.sector, organisation.sector)),
            "KvK-nummer": _text(organisation.kvk_number),
            "BRIN": _text(organisation.brin_code),
            "Plaats": _text(organisation.city),
            "Telt als bedrijfsleven": _text(
                WORDS["business_override"][organisation.business_override]
            ),
            "Onderbouwing": _text(organisation.business_justification)
            if organisation.business_override is not None
            else None,
        }


def _activity_rows(activities: list[Activity]):
    for activity in activities:
        lead = activity.lead_organisation
        yield {
            "Code": activity.short_code,
            "Titel": activity.title,
            "Vorm": activity.form,
            "Trekker": lead.name if lead else None,
            "Start": activity.start_date,
            "Eind": activity.end_date,
            "Andere financiering": _text(activity.other_funding),
        }


def _contribution_rows(contributions: list[Contribution]):
    for c in contributions:
        yield {
            "Organisatie": c.organisation.name,
            "Activiteit": c.activity.short_code if c.activity else None,
            "Jaar": c.year,
            "Soort": WORDS["contribution_kind"][c.kind],
            "Omschrijving": c.description,
            "Bedrag": c.amount,
            "Uren": c.hours,
            "Uurtarief": c.hourly_rate,
            "Onderbouwing uurtarief": _text(c.rate_justification),
            "Eenheden": c.units,
            "Prijs per eenheid": c.unit_price,
            "Aanschafwaarde": c.acquisition_value,
            "Restwaarde": c.residual_value,
            "Levensduur (maanden)": c.life_months,
            "Gebruik (maanden)": c.months_used,
            "Projectaandeel (%)": c.project_share,
            "Machine-ID": _text(c.machine_id),
            "Andere financiering": _text(c.other_funding),
            "Status": WORDS["contribution_status"][c.status],
            "Onderbouwing levensduur": _text(c.life_justification),
            "Niet dubbel gefinancierd": _text(c.not_double_financed),
            "Realisatiedatum": c.realised_on,
            "Gerealiseerde hoeveelheid": c.realised_quantity,
            "Reden annulering": _text(c.cancel_reason),
        }


def _cost_line_rows(cost_lines):
    for line in cost_lines:
        yield {
            "Jaar": line.year,
            "Kostensoort": WORDS["cost_category"][line.category],
            "Omschrijving": line.description,
            "Prijs": line.unit_price,
            "Aantal": line.quantity,
            "Activiteit": line.activity.short_code if line.activity else None,
            "Gerealiseerd bedrag": line.realised_amount,
            "Subsidiabel": WORDS["business_override"][line.eligible],
            "Reden niet subsidiabel": _text(
                WORDS["ineligible_reason"].get(line.ineligible_reason, "")
            ),
            "Niet dubbel gefinancierd": _text(line.not_double_financed),
        }


def _funding_line_rows(funding_lines):
    for line in funding_lines:
        yield {
            "Jaar": line.year,
            "Bron": WORDS["funding_source"][line.source],
            "Omschrijving": _text(line.description),
            "Bedrag": line.amount,
        }
