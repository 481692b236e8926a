"""The activity plan and budget of a two-year block (docs/rules.md §22), read back with
openpyxl: the regulation's shape, numbers as numbers in euro, totals to the cent against the
summary, the activity plan by goal in natural order with planned hours, hostile text kept
as text, and a fixed number of queries."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from cofinancing.models import PLEDGED_AND_UP, Scheme
from cofinancing.reports.blocks import Block, find_block, natural_key, scheme_blocks
from cofinancing.reports.plan import BUDGET_SHEET, PLAN_SHEET, plan_workbook
from cofinancing.selectors.summary import partnership_summary
from sterk.xlsx import EURO_FORMAT
from tests.factories import BudgetFactory, CostLineFactory
from tests.reports_data import (
    FORMULA,
    HTML_TITLE,
    bulk_contributions,
    count_queries,
    region,
    row_of,
    rows,
    workbook,
)
from tests.xlsx_checks import assert_defused

pytestmark = pytest.mark.usefixtures("no_scopes")

BLOCK = Block(2025, 2026)
# Columns of the budget sheet: item, activity, price, quantity, 2025, 2026, total.
Y2025, Y2026, TOTAL = 4, 5, 6


@pytest.fixture
def data(partnership):
    return region(partnership)


@pytest.fixture(autouse=True)
def _english():
    # The labels are read back by their msgids; the Dutch ones come with the catalogue.
    with translation.override("en"):
        yield


@pytest.fixture
def book(partnership, data):
    return workbook(plan_workbook(partnership=partnership, budget=data["budget"], block=BLOCK))


# --- blocks ----------------------------------------------------------------------------------


def test_the_blocks_are_the_schemes_years_in_pairs(db):
    assert [b.label for b in scheme_blocks(Scheme.objects.get(code="sto-2025-2028"))] == [
        "2025–2026",
        "2027–2028",
    ]
    odd = Scheme(code="x", name="x", start_year=2020, end_year=2024)
    assert [b.slug for b in scheme_blocks(odd)] == ["2020-2021", "2022-2023", "2024"]
    assert find_block(odd, "2022-2023") == Block(2022, 2023)
    assert find_block(odd, "2021-2022") is None


def test_codes_sort_naturally():
    codes = ["A10", "b1", "A2", "A1", "A10a", "B2"]
    assert sorted(codes, key=natural_key) == ["A1", "A2", "A10", "A10a", "b1", "B2"]


# --- the budget sheet ------------------------------------------------------------------------


def test_the_totals_per_year_are_the_summarys_to_the_cent(partnership, data, book):
    sheet = book[BUDGET_SHEET]
    summary = partnership_summary(partnership=partnership, statuses=PLEDGED_AND_UP)
    for label, key in (
        ("Total costs", "total_costs"),
        ("Total funding", "total_funding"),
        ("Balance (funding − costs)", "balance"),
    ):
        values = row_of(sheet, label)
        expected = [getattr(summary.by_year[year], key) for year in (2025, 2026)]
        assert [values[Y2025], values[Y2026]] == expected, label
        assert values[TOTAL] == sum(expected)
    # The worked example: cost lines + in kind, funding lines + money + in kind.
    # The 2025 VAT line of € 210 is not eligible: in neither.
    assert row_of(sheet, "Total costs")[Y2025 : TOTAL + 1] == (
        D("11950.00"), D("13525.00"), D("25475.00"),
    )  # fmt: skip
    assert row_of(sheet, "Total funding")[Y2025 : TOTAL + 1] == (
        D("21500.00"), D("29550.00"), D("51050.00"),
    )  # fmt: skip


def test_subtotals_add_up_per_category_and_year(book):
    sheet = book[BUDGET_SHEET]
    all_rows = rows(sheet)
    start = next(i for i, r in enumerate(all_rows) if r[0] == "Costs")
    end = next(i for i, r in enumerate(all_rows) if r[0] == "Total costs")
    subtotals, running = [], [D(0), D(0)]
    for values in all_rows[start + 1 : end]:
        if values[0] and str(values[0]).startswith("Subtotal"):
            assert [values[Y2025], values[Y2026]] == running, values[0]
            assert values[TOTAL] == sum(running)
            subtotals.append(values)
            running = [D(0), D(0)]
        elif values[Y2025] is not None or values[Y2026] is not None:
            running = [running[0] + (values[Y2025] or 0), running[1] + (values[Y2026] or 0)]
    assert len(subtotals) == 7  # six categories and the in-kind contributions
    total = row_of(sheet, "Total costs")
    assert sum(s[Y2025] for s in subtotals) == total[Y2025]
    assert sum(s[Y2026] for s in subtotals) == total[Y2026]


def test_a_cost_line_is_price_times_quantity_in_the_column_of_its_year(book):
    sheet = book[BUDGET_SHEET]
    line = row_of(sheet, "Praktijklokaal")
    assert line[1 : TOTAL + 1] == (None, D("250.00"), D("7.50"), None, D("1875.00"), D("1875.00"))
    line = row_of(sheet, "Projectleider 2026")
    assert line[1] == "A2"
    assert "Later jaar" not in [r[0] for r in rows(sheet)]  # 2027 is another block


def test_amounts_are_numbers_in_euro(book):
    sheet = book[BUDGET_SHEET]
    last = next(i for i, r in enumerate(rows(sheet), start=1) if r[0] == "Percentage of the base")
    cells = [
        cell
        for line in sheet.iter_rows(min_row=6, max_row=last)
        for cell in line[2:]
        if cell.value is not None and cell.column != 4 and not isinstance(cell.value, str)
    ]
    assert cells
    money = [c for c in cells if c.number_format not in ("0.0##%", "0.00%")]
    assert all(isinstance(c.value, (int, float)) for c in money)
    assert all(c.number_format == EURO_FORMAT for c in money)
    quantity = [c for c in sheet["D"][6:last] if isinstance(c.value, (int, float))]
    assert quantity and all(c.number_format == "#,##0.00" for c in quantity)


def test_business_and_other_partners_make_the_contributions(partnership, book):
    sheet = book[BUDGET_SHEET]
    summary = partnership_summary(partnership=partnership, statuses=PLEDGED_AND_UP)
    money = row_of(sheet, "Business cofinancing: money")
    in_kind = row_of(sheet, "Business cofinancing: in kind")
    for column, year in ((Y2025, 2025), (Y2026, 2026)):
        assert money[column] == summary.by_year[year].business_money
        assert in_kind[column] == summary.by_year[year].business_in_kind
    assert row_of(sheet, "Other partners: in kind")[Y2026] == D("750.00")  # the school
    assert row_of(sheet, "STO subsidy")[Y2025 : TOTAL + 1] == (
        D("20000.00"), D("22000.00"), D("42000.00"),
    )  # fmt: skip


def test_lines_funded_elsewhere_are_listed_apart_with_their_reason(book):
    sheet = book[BUDGET_SHEET]
    line = row_of(sheet, "Materiaal RIF")
    assert "RIF 2024-17" in line[1]
    assert row_of(sheet, "Metaalwerken Hengelo: Gastlessen CNC", 0)  # other_funding
    assert "Regionaal fonds" in [r[1] for r in rows(sheet) if r[0] and "Metaalwerken" in r[0]]


def test_formula_like_text_is_stored_as_text(book):
    assert_defused(book[BUDGET_SHEET], FORMULA)


# --- the activity plan -----------------------------------------------------------------------


def _plan(book):
    """[(goal heading, [activity rows])] in the sheet's order."""
    groups, current = [], None
    for values in rows(book[PLAN_SHEET])[4:]:
        if values[0] and str(values[0]).startswith(("Goal: ", "Without a goal")):
            current = (values[0], [])
            groups.append(current)
        elif current and values[0] and values[5]:
            current[1].append(values)
    return groups


def test_the_activity_plan_lists_activities_by_goal_in_natural_order(book):
    groups = _plan(book)
    assert [(goal, [r[0] for r in items]) for goal, items in groups] == [
        ("Goal: Docenten bij bedrijven", ["A1", "A10"]),
        ("Goal: Meer instroom techniek", ["A2", "A10"]),  # A3 cancelled, A4 in 2027
        ("Without a goal", ["B1", "R1"]),
    ]
    a2 = groups[1][1][0]
    assert a2[1:6] == (
        "Gastlessen lassen",
        "Practice supervisors or guest teachers",
        "Metaalwerken Hengelo",
        "Metaalwerken Hengelo, ROC van Twente",
        "Running",
    )


def test_planned_hours_are_the_labour_hours_of_the_block(book):
    by_code = {r[0]: r for _goal, items in _plan(book) for r in items}
    assert by_code["A2"][6:9] == (D("10"), D("20"), D("30"))
    assert by_code["A10"][6:9] == (0, D("15"), D("15"))
    assert by_code["A1"][6:9] == (0, 0, 0)
    total = row_of(book[PLAN_SHEET], "Total (every activity once)")
    assert total[6:9] == (D("10"), D("39"), D("49"))  # A2, A10 and R1 once each


def test_html_in_a_title_is_kept_as_text(book):
    assert HTML_TITLE in [r[1] for r in rows(book[PLAN_SHEET])]


def test_the_second_block_has_its_own_years_and_activities(partnership, data):
    book = workbook(
        plan_workbook(partnership=partnership, budget=data["budget"], block=Block(2027, 2028))
    )
    sheet = book[BUDGET_SHEET]
    header = next(r for r in rows(sheet) if r[0] == "Item")
    assert header[Y2025 : TOTAL + 1] == (2027, 2028, "Total")
    assert row_of(sheet, "Later jaar")[Y2025] == D("299.97")
    codes = [r[0] for _goal, items in _plan(book) for r in items]
    assert "A4" in codes and "A2" not in codes


# --- speed and the page ----------------------------------------------------------------------


def test_the_plan_runs_the_same_number_of_queries_for_5_and_200_rows(partnership):
    budget = BudgetFactory(partnership=partnership)

    def build():
        plan_workbook(partnership=partnership, budget=budget, block=BLOCK)

    bulk_contributions(partnership, 5, organisations=5, prefix="Klein")
    few = count_queries(build)
    bulk_contributions(partnership, 195, organisations=5, prefix="Groot")
    for n in range(50):
        CostLineFactory(partnership=partnership, year=2025 + n % 2, description=f"Regel {n}")
    assert count_queries(build) == few


def test_the_download_is_a_workbook_named_after_the_block(client, viewer, partnership, data):
    client.force_login(viewer)
    url = reverse("cofinancing:plan-download", kwargs={"slug": "twente", "block": "2025-2026"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "activiteitenplan-begroting-twente-2025-2026.xlsx" in response["Content-Disposition"]
    assert workbook(response.content).sheetnames == [BUDGET_SHEET, PLAN_SHEET]


def test_an_unknown_block_is_404(client, viewer, partnership, data):
    client.force_login(viewer)
    url = reverse("cofinancing:plan-download", kwargs={"slug": "twente", "block": "2026-2027"})
    assert client.get(url).status_code == 404


def test_without_a_budget_there_is_no_plan(client, viewer, partnership):
    client.force_login(viewer)
    url = reverse("cofinancing:plan-download", kwargs={"slug": "twente", "block": "2025-2026"})
    assert client.get(url).status_code == 404
