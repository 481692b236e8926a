"""The annual statement's contents (docs/rules.md §22): the ledger read back with openpyxl
(every line, its status, pledged and realised values, eligibility, why it does not count,
its evidence; totals to the cent against the summary and the settlement), the PDF read back
with pdftotext (Dutch words, amounts as printed), and fixed queries at 5 and 2,000
contributions."""

import hashlib
import re
from decimal import Decimal as D

import pytest

from cofinancing.models import PLEDGED_AND_UP, REALISED_AND_UP, AnnualStatement, Contribution
from cofinancing.reports.ledger import (
    CONTRIBUTIONS_SHEET,
    COSTS_SHEET,
    EVIDENCE_SHEET,
    FUNDING_SHEET,
    ledger_workbook,
)
from cofinancing.reports.statement import render_statement_files, statement_context
from cofinancing.selectors.settlement import settlement
from cofinancing.selectors.summary import partnership_summary
from sterk.money import format_euro
from sterk.xlsx import EURO_FORMAT
from tests.factories import BudgetFactory
from tests.reports_data import (
    FORMULA,
    bulk_contributions,
    count_queries,
    pdf_text,
    region,
    rows,
    workbook,
)
from tests.xlsx_checks import assert_defused

pytestmark = pytest.mark.usefixtures("no_scopes")

# Columns (0-based) of the ledger's contribution sheet.
STATUS, PLEDGED_QTY, PLEDGED, REALISED_ON, REALISED_QTY, REALISED = 8, 9, 10, 11, 12, 13
EXCLUDED, CANCELLED, FILES, NAMES, KINDS, SHA = 17, 18, 19, 20, 21, 22
# ... and of the cost sheet.
BUDGETED, REALISED_AMOUNT, ELIGIBLE, INELIGIBLE, COST_EXCLUDED = 7, 8, 9, 10, 12


@pytest.fixture
def data(partnership):
    return region(partnership)


def _by_reference(sheet) -> dict:
    return {r[0]: r for r in rows(sheet)[1:] if r[0] and re.fullmatch(r"[0-9a-f-]{36}", r[0])}


def _euro(value) -> str:
    return format_euro(value).replace("\u00a0", " ")


# --- the ledger ------------------------------------------------------------------------------


def test_the_ledger_of_the_period_has_every_line(partnership, data):
    book = workbook(ledger_workbook(partnership=partnership, year=None))
    assert book.sheetnames == [CONTRIBUTIONS_SHEET, COSTS_SHEET, FUNDING_SHEET, EVIDENCE_SHEET]
    contributions = _by_reference(book[CONTRIBUTIONS_SHEET])
    assert set(contributions) == {str(c.code) for c in Contribution.objects.all()}
    assert len(_by_reference(book[COSTS_SHEET])) == 8
    assert len(_by_reference(book[FUNDING_SHEET])) == 4
    assert len(rows(book[EVIDENCE_SHEET])) == 3  # the header and two files


def test_a_realised_contribution_shows_pledge_realisation_and_evidence(partnership, data):
    book = workbook(ledger_workbook(partnership=partnership, year=2025))
    labour = data["labour"]
    row = _by_reference(book[CONTRIBUTIONS_SHEET])[str(labour.code)]
    assert row[1:3] == (2025, "Metaalwerken Hengelo")
    assert row[PLEDGED_QTY : REALISED + 1] == (
        D("10"), D("500"), row[REALISED_ON], D("9"), D("450"),
    )  # fmt: skip
    assert row[REALISED_ON].date().isoformat() == "2025-11-01"
    evidence = labour.evidence.get()
    assert row[FILES : SHA + 1] == (
        1, "urenstaat-2025.pdf", evidence.get_kind_display(), evidence.sha256,
    )  # fmt: skip
    assert evidence.sha256 == hashlib.sha256(b"%PDF-1.7 urenstaat-2025.pdf").hexdigest()
    sheet = book[EVIDENCE_SHEET]
    assert [r[6] for r in rows(sheet)[1:]] == ["urenstaat-2025.pdf", "factuur-trainer.pdf"]
    assert rows(sheet)[1][9] == evidence.sha256


def test_the_year_holds_only_its_own_lines(partnership, data):
    book = workbook(ledger_workbook(partnership=partnership, year=2025))
    assert {r[1] for r in _by_reference(book[CONTRIBUTIONS_SHEET]).values()} == {2025}
    assert len(_by_reference(book[CONTRIBUTIONS_SHEET])) == 2
    assert {r[1] for r in _by_reference(book[COSTS_SHEET]).values()} == {2025}


def test_lines_that_do_not_count_say_why(partnership, data):
    book = workbook(ledger_workbook(partnership=partnership, year=2026))
    contributions = list(_by_reference(book[CONTRIBUTIONS_SHEET]).values())
    reasons = {r[EXCLUDED] for r in contributions if r[EXCLUDED]}
    assert reasons == {"Regionaal fonds", "activiteit R1 wordt betaald uit RIF 2024-17"}
    assert [r[CANCELLED] for r in contributions if r[CANCELLED]] == ["Weg"]
    costs = list(_by_reference(book[COSTS_SHEET]).values())
    assert [r[COST_EXCLUDED] for r in costs if r[COST_EXCLUDED]] == [
        "activiteit R1 wordt betaald uit RIF 2024-17"
    ]
    vat = _by_reference(workbook(ledger_workbook(partnership=partnership, year=2025))[COSTS_SHEET])
    btw = next(r for r in vat.values() if r[3] == "Btw")
    assert btw[REALISED_AMOUNT] == D("210")
    assert btw[ELIGIBLE] in ("no", "nee")
    assert btw[INELIGIBLE]


def test_the_ledger_totals_are_the_summarys_and_the_settlements(partnership, data):
    book = workbook(ledger_workbook(partnership=partnership, year=None))
    pledged = partnership_summary(partnership=partnership, statuses=PLEDGED_AND_UP)
    realised = partnership_summary(partnership=partnership, statuses=REALISED_AND_UP)
    result = settlement(partnership=partnership, budget=data["budget"])
    totals = [
        r for r in rows(book[CONTRIBUTIONS_SHEET]) if r[0] and r[0].startswith(("Total", "Totaal"))
    ]
    assert totals[0][PLEDGED] == sum(pledged.by_kind.values())
    assert totals[1][REALISED] == sum(realised.by_kind.values()) == D("1450.00")
    costs = [r for r in rows(book[COSTS_SHEET]) if r[0] and r[0].startswith(("Total", "Totaal"))]
    assert costs[0][BUDGETED] == sum(row.budgeted for row in result.categories)
    assert costs[1][REALISED_AMOUNT] == result.eligible_costs == D("900.00")


def test_the_ledger_amounts_are_numbers_in_euro_and_formulas_are_text(partnership, data):
    book = workbook(ledger_workbook(partnership=partnership, year=None))
    sheet = book[CONTRIBUTIONS_SHEET]
    for line in sheet.iter_rows(min_row=2):
        for cell in (line[PLEDGED], line[REALISED]):
            if cell.value is not None:
                assert isinstance(cell.value, (int, float))
                assert cell.number_format == EURO_FORMAT
    assert_defused(sheet, FORMULA)
    assert_defused(book[COSTS_SHEET], FORMULA)


# --- the PDF ---------------------------------------------------------------------------------


def _render(partnership, leader, year):
    statement = AnnualStatement.objects.create(
        partnership=partnership, year=year, created_by=leader
    )
    return render_statement_files(statement)


def test_the_statement_of_a_year_prints_budget_against_realised(
    partnership, data, leader, tmp_path
):
    pdf, ledger = _render(partnership, leader, 2025)
    flat = " ".join(pdf_text(pdf, tmp_path).split())
    for words in (
        "Jaarverantwoording 2025",
        "Regio Twente Techniek",
        f"SHA-256 {hashlib.sha256(ledger).hexdigest()}",
        "1. Begroting en realisatie per kostensoort",
        "Personeel extern € 950,00 € 900,00 € 900,00 € -50,00 94,73%",
        "Overig € 210,00 € 210,00 € 0,00 € 0,00 100,00%",
        "Bijdragen in natura € 500,00 € 450,00 € 450,00 € -50,00 90,00%",
        "Afschrijving € 0,00 € 0,00 € 0,00 € 0,00 —",
        "Niet subsidiabel (€ 210,00)",
        "STO-subsidie (begroot) € 20.000,00",
        "Bedrijfsleven: geld (gerealiseerd) € 1.000,00",
        "Bedrijfsleven: in natura (gerealiseerd) € 450,00",
        "Gecertificeerd (ondertekende verklaring) 1 € 1.000,00",
        "Gerealiseerd, nog niet gecertificeerd 1 € 450,00",
        "Bijdragen, bewijs compleet 1 van 2",
        # The cost line has an invoice but not its proof of payment.
        "Kostenregels, bewijs compleet 0 van 1",
        "Ontbrekende bewijsstukken 3",
        "Bestanden 2",
    ):
        assert words in flat, words
    result = settlement(partnership=partnership, budget=data["budget"], year=2025)
    total = result.total_costs
    assert f"Totaal {_euro(total.budgeted)} {_euro(total.realised)} {_euro(total.eligible)}" in flat
    realised = result.check.realised
    assert f"Bedrijfsleven {_euro(realised.business_total)}" in flat
    assert re.search(r"Metaalwerken Hengelo (KvK 10000000 )?ja € 500,00 € 450,00 0 1 0", flat), flat


def test_the_statement_of_the_period_counts_what_does_not_count(
    partnership, data, leader, tmp_path
):
    pdf, _ledger = _render(partnership, leader, None)
    flat = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Jaarverantwoording 2025–2028 (hele periode)" in flat
    assert "2 bijdragen (€ 600,00) en 1 kostenregel (€ 400,00)" in flat
    period = settlement(partnership=partnership, budget=data["budget"]).period
    assert f"Vereist {_euro(period.realised.required)} {_euro(period.forecast.required)}" in flat


def test_hostile_names_print_as_text(partnership, data, leader, tmp_path):
    data["company"].name = "<i>Schuin</i> & Zn"
    data["company"].save()
    pdf, _ledger = _render(partnership, leader, 2025)
    assert "<i>Schuin</i> & Zn" in pdf_text(pdf, tmp_path)


# --- speed -----------------------------------------------------------------------------------


def test_the_statement_reads_the_same_number_of_queries_at_5_and_2000_contributions(
    partnership, leader, tmp_path
):
    budget = BudgetFactory(partnership=partnership)

    def build():
        statement_context(partnership=partnership, budget=budget, year=None)
        statement_context(partnership=partnership, budget=budget, year=2026)
        ledger_workbook(partnership=partnership, year=None)

    bulk_contributions(partnership, 5, organisations=5, prefix="Klein")
    few = count_queries(build)
    bulk_contributions(partnership, 1995, organisations=35, prefix="Groot")
    assert Contribution.objects.filter(partnership=partnership).count() == 2000
    assert count_queries(build) == few
    # It summarises: a few pages, whatever the number of contributions (the lines are in
    # the ledger). Rendered once here; its time is measured by hand, not by a test.
    pdf, ledger = _render(partnership, leader, None)
    text = pdf_text(pdf, tmp_path)
    pages = int(re.search(r"Pagina 1 van (\d+)", text).group(1))
    assert pages <= 6
    assert len(_by_reference(workbook(ledger)[CONTRIBUTIONS_SHEET])) == 2000
