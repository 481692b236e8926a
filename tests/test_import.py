"""The Excel import, with its refusal of bad input and its speed.

Workbooks are built in memory by tests/fixtures_xlsx.py. No test asserts on UI wording:
errors are checked by their sheet, row and column, pages by status, data and redirects.
"""

import time
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from activities.models import Activity
from cofinancing.importer import MAX_FILE_BYTES, import_workbook
from cofinancing.importer import reading as importer_reading
from cofinancing.importer.spec import OPTIONAL
from cofinancing.models import Budget, Contribution, CostLine, FundingLine
from partners.models import Organisation, Partnership, Role, StageChange
from tests.factories import (
    BudgetFactory,
    ContributionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    scheme,
)
from tests.fixtures_xlsx import (
    ACTIVITIES,
    CONTRIBUTIONS,
    COST_LINES,
    EXPECTED_VALUES,
    FUNDING_LINES,
    HEADERS,
    ORGANISATIONS,
    PARTNERSHIP,
    contribution_rows,
    workbook,
)

SHEET_NAMES = list(HEADERS)
MODELS = (Organisation, Activity, Contribution, CostLine, FundingLine)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def row_counts(partnership):
    with scopes_disabled():
        return {
            model.__name__: model.objects.filter(partnership=partnership).count()
            for model in MODELS
        }


def snapshot(partnership):
    """Every imported field of every row, to compare before and after."""
    with scopes_disabled():
        return {
            "organisations": sorted(
                Organisation.objects.filter(partnership=partnership).values_list(
                    "pk", "name", "kind", "sector", "kvk_number", "brin_code", "city",
                    "business_override", "business_justification",
                )
            ),
            "activities": sorted(
                Activity.objects.filter(partnership=partnership).values_list(
                    "pk", "short_code", "title", "form", "lead_organisation", "start_date",
                    "end_date",
                )
            ),
            "contributions": sorted(
                Contribution.objects.filter(partnership=partnership).values_list(
                    "pk", "organisation", "activity", "year", "kind", "description", "status",
                    "amount", "hours", "hourly_rate", "rate_justification", "units",
                    "unit_price", "acquisition_value", "residual_value", "life_months",
                    "months_used", "project_share", "machine_id", "other_funding", "value",
                )
            ),
            "cost_lines": sorted(
                CostLine.objects.filter(partnership=partnership).values_list(
                    "pk", "year", "category", "description", "unit_price", "quantity", "amount",
                    "activity",
                )
            ),
            "funding_lines": sorted(
                FundingLine.objects.filter(partnership=partnership).values_list(
                    "pk", "year", "source", "description", "amount"
                )
            ),
        }  # fmt: skip


def nothing_written(partnership):
    assert row_counts(partnership) == dict.fromkeys(
        ["Organisation", "Activity", "Contribution", "CostLine", "FundingLine"], 0
    )
    with scopes_disabled():
        assert not Budget.objects.filter(partnership=partnership).exists()


def places(result):
    return {(e.sheet, e.row, e.column) for e in result.errors}


# --- A happy import ----------------------------------------------------------------------


def test_a_workbook_is_imported_with_every_row_created(partnership, leader):
    result = import_workbook(workbook(), partnership=partnership, user=leader)

    assert result.ok, result.error_messages
    assert result.written
    assert result.partnership == partnership
    assert result.budget_created
    created = {sheet: counts.created for sheet, counts in result.counts.items()}
    assert created == {
        "Samenwerkingsverband": 0,
        "Organisaties": 3,
        "Activiteiten": 2,
        "Bijdragen": 7,
        "Begroting": 2,
        "Dekking": 2,
    }
    assert result.counts["Samenwerkingsverband"].changed == 1  # the budget was created
    assert row_counts(partnership) == {
        "Organisation": 3,
        "Activity": 2,
        "Contribution": 7,
        "CostLine": 2,
        "FundingLine": 2,
    }
    with scopes_disabled():
        assert Budget.objects.get(partnership=partnership).scheme.code == "sto-2025-2028"


def test_contributions_are_valued_exactly_by_the_rules(partnership, leader):
    import_workbook(workbook(), partnership=partnership, user=leader)

    with scopes_disabled():
        values = dict(
            Contribution.objects.filter(partnership=partnership).values_list("description", "value")
        )
        labour = Contribution.objects.get(partnership=partnership, description__startswith="30 ")
        machine = Contribution.objects.get(partnership=partnership, description="CNC-draaibank")
        rated = Contribution.objects.get(partnership=partnership, description="Docentstage")
    assert values == {name: Decimal(value) for name, value in EXPECTED_VALUES.items()}
    # 90 hours at the scheme's default rate: the rate used is stored with the value.
    assert labour.hours == Decimal("90.00")
    assert labour.hourly_rate == Decimal("50.00")
    assert labour.status == "pledged"
    assert labour.activity.short_code == "A1"
    assert (machine.machine_id, machine.status, machine.residual_value) == (
        "CNC-001",
        "confirmed",
        None,
    )
    assert machine.project_share == Decimal("50.00")
    assert rated.hourly_rate == Decimal("65.00")
    assert rated.activity.short_code == "A1"  # "a1" matches A1


def test_organisations_activities_and_budget_lines_are_stored_as_given(partnership, leader):
    import_workbook(workbook(), partnership=partnership, user=leader)

    with scopes_disabled():
        metal = Organisation.objects.get(partnership=partnership, name="Metaalwerken Hengelo")
        school = Organisation.objects.get(partnership=partnership, name="ROC van Twente")
        fund = Organisation.objects.get(partnership=partnership, name="OO-fonds Metaal")
        a1 = Activity.objects.get(partnership=partnership, short_code="A1")
        a2 = Activity.objects.get(partnership=partnership, short_code="A2")
        rent = CostLine.objects.get(partnership=partnership, description="Werkplaatshuur")
        leader_line = CostLine.objects.get(partnership=partnership, description="Projectleider")
        schools = FundingLine.objects.get(partnership=partnership, source="schools")
        material = Contribution.objects.get(partnership=partnership, description="Lesmateriaal")
        stage_changes = StageChange.objects.filter(partnership=partnership).count()
    assert (metal.kind, metal.sector, metal.kvk_number, metal.city) == (
        "company",
        "metal",
        "12345678",
        "Hengelo",
    )
    assert metal.counts_as_business is True
    assert (school.kind, school.brin_code, school.counts_as_business) == ("mbo", "25LH", False)
    assert fund.kind == "oo_fund"
    assert fund.business_override is True
    assert fund.counts_as_business is True
    assert a1.lead_organisation == metal
    assert (a1.form, a1.start_date.isoformat(), a1.end_date.isoformat()) == (
        3,
        "2026-01-01",
        "2026-12-31",
    )
    assert (a2.lead_organisation, a2.start_date.isoformat(), a2.end_date) == (
        school,
        "2026-01-31",
        None,
    )
    assert (rent.category, rent.unit_price, rent.quantity, rent.amount) == (
        "rent",
        Decimal("1250.00"),
        Decimal("2.00"),
        Decimal("2500.00"),
    )
    assert leader_line.activity == a1
    assert leader_line.amount == Decimal("8000.00")
    assert schools.amount == Decimal("2000.00")
    assert material.other_funding == "RIF 2024-17"
    assert material.is_excluded
    assert stage_changes == 3


def test_imported_rows_have_history_by_the_importing_user(partnership, leader):
    import_workbook(workbook(), partnership=partnership, user=leader)

    with scopes_disabled():
        contribution = Contribution.objects.get(partnership=partnership, description="Lesmateriaal")
        organisation = Organisation.objects.get(partnership=partnership, name="ROC van Twente")
        history = list(contribution.history.all())
        assert contribution.created_by == leader
        assert organisation.history.count() == 1
        assert CostLine.history.filter(partnership=partnership).count() == 2
        assert FundingLine.history.filter(partnership=partnership).count() == 2
    assert [(h.history_type, h.history_user) for h in history] == [("+", leader)]


def test_a_dry_run_counts_like_the_import_but_writes_nothing(partnership, leader):
    dry = import_workbook(workbook(), partnership=partnership, user=leader, dry_run=True)

    assert dry.ok and not dry.written
    nothing_written(partnership)
    real = import_workbook(workbook(), partnership=partnership, user=leader)
    assert dry.counts == real.counts
    assert {(c.sheet, c.row) for c in dry.changes} == {(c.sheet, c.row) for c in real.changes}


def test_a_slug_of_an_existing_partnership_imports_into_it(partnership, leader):
    result = import_workbook(workbook(), partnership="twente", user=leader)

    assert result.ok
    assert result.partnership == partnership
    assert not result.partnership_created
    assert row_counts(partnership)["Contribution"] == 7


# --- Importing again ---------------------------------------------------------------------


def test_importing_the_same_workbook_again_changes_nothing(partnership, leader):
    import_workbook(workbook(), partnership=partnership, user=leader)
    before = snapshot(partnership)
    with scopes_disabled():
        history_before = Contribution.history.filter(partnership=partnership).count()

    again = import_workbook(workbook(), partnership=partnership, user=leader)

    assert again.ok and again.written
    for sheet in SHEET_NAMES:
        counts = again.counts[sheet]
        assert (counts.created, counts.changed, counts.rejected) == (0, 0, 0), sheet
    assert again.counts["Bijdragen"].unchanged == 7
    assert again.counts["Organisaties"].unchanged == 3
    assert again.changes == []
    assert snapshot(partnership) == before
    with scopes_disabled():
        assert Contribution.history.filter(partnership=partnership).count() == history_before


def test_a_changed_cell_changes_only_its_row(partnership, leader):
    import_workbook(workbook(), partnership=partnership, user=leader)
    rows = [dict(row) for row in CONTRIBUTIONS]
    rows[0]["Uren"] = 100  # was 90
    organisations = [dict(row) for row in ORGANISATIONS]
    organisations[1]["Plaats"] = "Hengelo"

    result = import_workbook(
        workbook(rows={"Bijdragen": rows, "Organisaties": organisations}),
        partnership=partnership,
        user=leader,
    )

    assert result.ok
    assert (result.counts["Bijdragen"].changed, result.counts["Bijdragen"].unchanged) == (1, 6)
    assert (result.counts["Organisaties"].changed, result.counts["Organisaties"].unchanged) == (
        1,
        2,
    )
    assert [(c.sheet, c.row) for c in result.changes] == [("Organisaties", 3), ("Bijdragen", 2)]
    with scopes_disabled():
        labour = Contribution.objects.get(partnership=partnership, description__startswith="30 ")
        assert labour.value == Decimal("5000.00")
        assert [h.history_type for h in labour.history.all()] == ["~", "+"]
        assert labour.history.first().value == Decimal("5000.00")
        assert Organisation.objects.get(partnership=partnership, name="ROC van Twente").city == (
            "Hengelo"
        )


def test_rows_not_in_the_workbook_are_left_alone_and_counted(partnership, leader):
    with scopes_disabled():
        kept = ContributionFactory(
            organisation=OrganisationFactory(partnership=partnership, name="Bouwbedrijf Oost")
        )
    result = import_workbook(workbook(), partnership=partnership, user=leader)

    assert result.ok
    assert result.counts["Bijdragen"].untouched == 1
    assert result.counts["Organisaties"].untouched == 1
    with scopes_disabled():
        kept.refresh_from_db()
        assert kept.value == Decimal("500.00")
        assert Contribution.objects.filter(partnership=partnership).count() == 8


def test_organisations_already_in_the_partnership_are_matched_by_name_ignoring_case(
    partnership, leader
):
    with scopes_disabled():
        existing = OrganisationFactory(
            partnership=partnership, name="Lasbedrijf Twente", kind="company"
        )
    contributions = contribution_rows(2, organisation="LASBEDRIJF twente")

    result = import_workbook(
        workbook(rows={"Bijdragen": contributions}), partnership=partnership, user=leader
    )

    assert result.ok, result.error_messages
    with scopes_disabled():
        assert set(
            Contribution.objects.filter(partnership=partnership).values_list(
                "organisation", flat=True
            )
        ) == {existing.pk}
        assert Organisation.objects.filter(partnership=partnership).count() == 4


def test_an_existing_organisation_in_the_workbook_is_updated_not_duplicated(partnership, leader):
    with scopes_disabled():
        existing = OrganisationFactory(
            partnership=partnership, name="metaalwerken hengelo", kind="other", city="Almelo"
        )
    result = import_workbook(workbook(), partnership=partnership, user=leader)

    assert result.ok
    assert result.counts["Organisaties"].changed == 1
    with scopes_disabled():
        existing.refresh_from_db()
        assert (existing.name, existing.kind, existing.city) == (
            "Metaalwerken Hengelo",
            "company",
            "Hengelo",
        )
        assert Organisation.objects.filter(partnership=partnership).count() == 3


# --- Bad input: one case per rule, each placed by sheet, row and column --------------------

LABOUR = {"Organisatie": "Metaalwerken Hengelo", "Jaar": 2026, "Soort": "uren",
          "Omschrijving": "Gastlessen", "Uren": 10}  # fmt: skip
MONEY = {"Organisatie": "Metaalwerken Hengelo", "Jaar": 2026, "Soort": "geld",
         "Omschrijving": "Geld", "Bedrag": 100}  # fmt: skip
MACHINE = {"Organisatie": "Metaalwerken Hengelo", "Jaar": 2026, "Soort": "afschrijving",
           "Omschrijving": "Draaibank", "Aanschafwaarde": 60000, "Levensduur (maanden)": 120,
           "Gebruik (maanden)": 12, "Projectaandeel (%)": 50, "Machine-ID": "DB-1"}  # fmt: skip
ROOM = {"Organisatie": "Metaalwerken Hengelo", "Jaar": 2026, "Soort": "ruimte",
        "Omschrijving": "Lokaal", "Eenheden": 20, "Prijs per eenheid": 250}  # fmt: skip

CONTRIBUTION_CASES = {
    "negative amount": ({**MONEY, "Bedrag": -5}, "Bedrag"),
    "negative amount as Dutch text": ({**MONEY, "Bedrag": "-1.234,56"}, "Bedrag"),
    "absurd amount": ({**MONEY, "Bedrag": "100.000.000,01"}, "Bedrag"),
    "empty amount": ({**MONEY, "Bedrag": None}, "Bedrag"),
    "zero hours": ({**LABOUR, "Uren": 0}, "Uren"),
    "negative hours": ({**LABOUR, "Uren": -3}, "Uren"),
    "text where hours belong": ({**LABOUR, "Uren": "veel"}, "Uren"),
    "text where an amount belongs": ({**MONEY, "Bedrag": "duizend euro"}, "Bedrag"),
    "a date where a number belongs": ({**MONEY, "Bedrag": "2026-01-01"}, "Bedrag"),
    "rate without justification": ({**LABOUR, "Uurtarief": 65}, "Onderbouwing uurtarief"),
    "absurd rate": ({**LABOUR, "Uurtarief": 5000, "Onderbouwing uurtarief": "x"}, "Uurtarief"),
    "life of 0 months": ({**MACHINE, "Levensduur (maanden)": 0}, "Levensduur (maanden)"),
    "life not whole": ({**MACHINE, "Levensduur (maanden)": 12.5}, "Levensduur (maanden)"),
    "months used above life": ({**MACHINE, "Gebruik (maanden)": 121}, "Gebruik (maanden)"),
    "residual at acquisition": ({**MACHINE, "Restwaarde": 60000}, "Restwaarde"),
    "residual above acquisition": ({**MACHINE, "Restwaarde": "70.000"}, "Restwaarde"),
    "project share 0%": ({**MACHINE, "Projectaandeel (%)": 0}, "Projectaandeel (%)"),
    "project share over 100%": ({**MACHINE, "Projectaandeel (%)": "100,5"}, "Projectaandeel (%)"),
    "zero units": ({**ROOM, "Eenheden": 0}, "Eenheden"),
    "year outside the scheme": ({**LABOUR, "Jaar": 2024}, "Jaar"),
    "year as text": ({**LABOUR, "Jaar": "volgend jaar"}, "Jaar"),
    "unknown organisation": ({**LABOUR, "Organisatie": "Onbekend BV"}, "Organisatie"),
    "unknown activity": ({**LABOUR, "Activiteit": "Z9"}, "Activiteit"),
    "unknown kind": ({**LABOUR, "Soort": "kracht"}, "Soort"),
    "unknown status": ({**LABOUR, "Status": "misschien"}, "Status"),
    "no description": ({**LABOUR, "Omschrijving": None}, "Omschrijving"),
    "huge description": ({**LABOUR, "Omschrijving": "x" * 10_000}, "Omschrijving"),
}


@pytest.mark.parametrize("case", CONTRIBUTION_CASES, ids=str)
def test_a_bad_contribution_is_reported_in_place_and_nothing_is_written(partnership, leader, case):
    row, column = CONTRIBUTION_CASES[case]
    rows = [*contribution_rows(3), row]  # the bad row is row 5 of the sheet

    result = import_workbook(
        workbook(rows={"Bijdragen": rows}), partnership=partnership, user=leader
    )

    assert not result.ok
    assert ("Bijdragen", 5, column) in places(result), result.error_messages
    assert all(e.row == 5 for e in result.errors), result.error_messages
    message = next(str(e) for e in result.errors if e.column == column)
    assert message.startswith("Bijdragen") and "5" in message and column in message
    assert result.counts["Bijdragen"].rejected == 1
    assert result.counts["Bijdragen"].created == 3
    assert not result.written
    nothing_written(partnership)


OTHER_CASES = {
    "organisation without kind": ("Organisaties", {"Naam": "Nieuw BV"}, "Soort"),
    "organisation of an unknown kind": (
        "Organisaties", {"Naam": "Nieuw BV", "Soort": "multinational"}, "Soort",
    ),
    "override without justification": (
        "Organisaties", {"Naam": "Nieuw BV", "Soort": "gemeente", "Telt als bedrijfsleven": "ja"},
        "Onderbouwing",
    ),
    "invalid KvK number": (
        "Organisaties", {"Naam": "Nieuw BV", "Soort": "bedrijf", "KvK-nummer": "1234"},
        "KvK-nummer",
    ),
    "BRIN for a company": (
        "Organisaties", {"Naam": "Nieuw BV", "Soort": "bedrijf", "BRIN": "25LH"}, "BRIN",
    ),
    "organisation twice": ("Organisaties", {"Naam": "roc VAN twente", "Soort": "mbo"}, "Naam"),
    "form of cooperation 9": ("Activiteiten", {"Code": "A9", "Titel": "X", "Vorm": 9}, "Vorm"),
    "unknown lead": (
        "Activiteiten", {"Code": "A9", "Titel": "X", "Vorm": 1, "Trekker": "Niemand"}, "Trekker",
    ),
    "impossible date": (
        "Activiteiten", {"Code": "A9", "Titel": "X", "Vorm": 1, "Start": "31-02-2026"}, "Start",
    ),
    "end before start": (
        "Activiteiten",
        {"Code": "A9", "Titel": "X", "Vorm": 1, "Start": "2026-05-01", "Eind": "2026-04-01"},
        "Eind",
    ),
    "negative cost price": (
        "Begroting",
        {"Jaar": 2026, "Kostensoort": "overig", "Omschrijving": "X", "Prijs": -1, "Aantal": 1},
        "Prijs",
    ),
    "cost line outside the scheme": (
        "Begroting",
        {"Jaar": 2029, "Kostensoort": "overig", "Omschrijving": "X", "Prijs": 1, "Aantal": 1},
        "Jaar",
    ),
    "cost line for an unknown activity": (
        "Begroting",
        {"Jaar": 2026, "Kostensoort": "overig", "Omschrijving": "X", "Prijs": 1, "Aantal": 1,
         "Activiteit": "Z9"},
        "Activiteit",
    ),
    "text as quantity": (
        "Begroting",
        {"Jaar": 2026, "Kostensoort": "overig", "Omschrijving": "X", "Prijs": 1, "Aantal": "twee"},
        "Aantal",
    ),
    "absurd funding": (
        "Dekking", {"Jaar": 2026, "Bron": "subsidie", "Bedrag": 200_000_000}, "Bedrag",
    ),
    "unknown funding source": ("Dekking", {"Jaar": 2026, "Bron": "loterij", "Bedrag": 1}, "Bron"),
}  # fmt: skip


@pytest.mark.parametrize("case", OTHER_CASES, ids=str)
def test_a_bad_row_in_the_other_sheets_is_reported_in_place(partnership, leader, case):
    sheet, row, column = OTHER_CASES[case]
    defaults = {
        "Organisaties": ORGANISATIONS,
        "Activiteiten": ACTIVITIES,
        "Begroting": COST_LINES,
        "Dekking": FUNDING_LINES,
    }
    rows = [*defaults[sheet], row]
    number = len(rows) + 1

    result = import_workbook(workbook(rows={sheet: rows}), partnership=partnership, user=leader)

    assert (sheet, number, column) in places(result), result.error_messages
    assert result.counts[sheet].rejected == 1
    nothing_written(partnership)


PARTNERSHIP_CASES = {
    "unknown scheme": ({**PARTNERSHIP, "Regeling": "sto-2099"}, 3),
    "end year before start year": ({**PARTNERSHIP, "Eindjaar": 2024}, 5),
    "year as text": ({**PARTNERSHIP, "Startjaar": "dit jaar"}, 4),
    "no name": ({**PARTNERSHIP, "Naam": None}, 2),
}


@pytest.mark.parametrize("case", PARTNERSHIP_CASES, ids=str)
def test_a_bad_partnership_sheet_is_reported_in_place(partnership, leader, case):
    values, row = PARTNERSHIP_CASES[case]
    result = import_workbook(workbook(partnership=values), partnership=partnership, user=leader)

    assert ("Samenwerkingsverband", row, "Waarde") in places(result), result.error_messages
    nothing_written(partnership)


def test_the_partnership_sheet_ignores_case_in_fields_and_scheme_code(partnership, leader):
    values = {"naam": "Regio Twente", "REGELING": "STO-2024", "Startjaar": 2024, "Eindjaar": 2024}
    rows = {"Bijdragen": [{**LABOUR, "Jaar": 2024}], "Begroting": [], "Dekking": []}

    result = import_workbook(
        workbook(partnership=values, rows=rows), partnership=partnership, user=leader
    )

    assert result.ok, result.error_messages
    with scopes_disabled():
        assert Budget.objects.get(partnership=partnership).scheme.code == "sto-2024"


def test_a_missing_partnership_field_is_named(partnership, leader):
    values = {k: v for k, v in PARTNERSHIP.items() if k != "Regeling"}
    result = import_workbook(workbook(partnership=values), partnership=partnership, user=leader)

    assert any(
        e.sheet == "Samenwerkingsverband" and e.column == "Veld" and "Regeling" in e.message
        for e in result.errors
    ), result.error_messages
    nothing_written(partnership)


def test_a_budget_under_another_scheme_is_not_silently_revalued(partnership, leader):
    with scopes_disabled():
        BudgetFactory(partnership=partnership, scheme=scheme("sto-2024"))
    result = import_workbook(workbook(), partnership=partnership, user=leader)

    assert ("Samenwerkingsverband", 3, "Waarde") in places(result)
    assert row_counts(partnership)["Contribution"] == 0


def test_the_same_contribution_twice_in_the_workbook_is_refused(partnership, leader):
    rows = [LABOUR, {**LABOUR, "Uren": 20}]
    result = import_workbook(
        workbook(rows={"Bijdragen": rows}), partnership=partnership, user=leader
    )

    assert ("Bijdragen", 3, "Omschrijving") in places(result)
    nothing_written(partnership)


def test_several_errors_are_reported_at_once(partnership, leader):
    contributions = [
        {**LABOUR, "Uren": 0},
        {**MONEY, "Organisatie": "Onbekend BV", "Bedrag": "veel"},
        {**MACHINE, "Levensduur (maanden)": 0, "Projectaandeel (%)": 0},
        {**LABOUR, "Omschrijving": "Goed", "Jaar": 2030},
    ]
    funding = [{"Jaar": 2026, "Bron": "subsidie", "Bedrag": -1}]

    result = import_workbook(
        workbook(rows={"Bijdragen": contributions, "Dekking": funding}),
        partnership=partnership,
        user=leader,
    )

    assert places(result) >= {
        ("Bijdragen", 2, "Uren"),
        ("Bijdragen", 3, "Organisatie"),
        ("Bijdragen", 3, "Bedrag"),
        ("Bijdragen", 4, "Levensduur (maanden)"),
        ("Bijdragen", 4, "Projectaandeel (%)"),
        ("Bijdragen", 5, "Jaar"),
        ("Dekking", 2, "Bedrag"),
    }
    assert result.counts["Bijdragen"].rejected == 4
    nothing_written(partnership)


# --- Bad files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"Naam;Soort\nMetaalwerken;bedrijf\n", b"%PDF-1.7\n", b"", b"PK\x03\x04broken zip"],
    ids=["csv", "pdf", "empty", "broken zip"],
)
def test_a_file_that_is_not_a_workbook_is_refused(partnership, leader, content):
    result = import_workbook(BytesIO(content), partnership=partnership, user=leader)

    assert len(result.errors) == 1
    assert result.errors[0].sheet == ""
    nothing_written(partnership)


def test_a_zip_that_is_not_a_workbook_is_refused(partnership, leader):
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")
    result = import_workbook(buffer, partnership=partnership, user=leader)

    assert len(result.errors) == 1
    nothing_written(partnership)


def test_a_workbook_of_50_mb_is_refused_quickly_without_being_opened(
    partnership, leader, tmp_path, monkeypatch
):
    path = tmp_path / "groot.xlsx"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: instant, no 50 MB in memory
    monkeypatch.setattr(
        importer_reading, "load_workbook", lambda *a, **k: pytest.fail("the file was opened")
    )

    started = time.monotonic()
    result = import_workbook(path, partnership=partnership, user=leader)

    assert time.monotonic() - started < 1
    assert len(result.errors) == 1
    nothing_written(partnership)


def test_a_file_just_over_10_mb_is_refused(partnership, leader):
    result = import_workbook(
        BytesIO(b"\0" * (MAX_FILE_BYTES + 1)), partnership=partnership, user=leader
    )
    assert len(result.errors) == 1
    nothing_written(partnership)


def test_a_missing_sheet_is_named(partnership, leader):
    result = import_workbook(
        workbook(drop_sheets=["Dekking"]), partnership=partnership, user=leader
    )

    assert places(result) == {("Dekking", None, "")}
    assert str(result.errors[0]).startswith("Dekking")
    nothing_written(partnership)


def test_missing_columns_and_sheets_are_all_named(partnership, leader):
    result = import_workbook(
        workbook(
            drop_sheets=["Activiteiten"],
            drop_columns={"Bijdragen": ["Uren", "Status"], "Organisaties": ["KvK-nummer"]},
        ),
        partnership=partnership,
        user=leader,
    )

    assert places(result) == {
        ("Activiteiten", None, ""),
        ("Bijdragen", None, "Uren"),
        ("Bijdragen", None, "Status"),
        ("Organisaties", None, "KvK-nummer"),
    }
    assert any("Uren" in str(e) and "Bijdragen" in str(e) for e in result.errors)
    nothing_written(partnership)


def test_a_sheet_with_too_many_rows_is_refused(partnership, leader, monkeypatch):
    monkeypatch.setattr(importer_reading, "MAX_ROWS", 5)
    result = import_workbook(
        workbook(rows={"Bijdragen": contribution_rows(6)}), partnership=partnership, user=leader
    )

    assert places(result) == {("Bijdragen", None, "")}
    nothing_written(partnership)


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(partnership, leader):
    rows = [LABOUR, {}, {}, {**LABOUR, "Omschrijving": "Tweede", "Uren": 0}]
    result = import_workbook(
        workbook(rows={"Bijdragen": rows}), partnership=partnership, user=leader
    )

    assert places(result) == {("Bijdragen", 5, "Uren")}


def test_floats_from_excel_never_reach_an_amount_as_binary_fractions(partnership, leader):
    rows = [
        {**MONEY, "Omschrijving": "A", "Bedrag": 0.1 + 0.2},  # 0.30000000000000004
        {**LABOUR, "Omschrijving": "B", "Uren": 2.675, "Uurtarief": 50.0},
    ]
    result = import_workbook(
        workbook(rows={"Bijdragen": rows}), partnership=partnership, user=leader
    )

    assert result.ok, result.error_messages
    with scopes_disabled():
        values = dict(
            Contribution.objects.filter(partnership=partnership).values_list("description", "value")
        )
    # 2.675 as a float is 2.67499999...; via its decimal text it is 2.675 → 2.68 hours.
    assert values == {"A": Decimal("0.30"), "B": Decimal("134.00")}


# --- Speed -------------------------------------------------------------------------------


@pytest.fixture
def unbatched_sqlite(monkeypatch):
    """SQLite's compile-time default of 999 parameters makes Django split one bulk INSERT
    into chunks; the linked library allows 250,000 (PostgreSQL never splits). Lift the
    default so the count measures the importer, not the chunking."""
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.features, "max_query_params", 250_000)


def _queries(partnership, leader, book):
    with CaptureQueriesContext(connection) as captured:
        result = import_workbook(book, partnership=partnership, user=leader)
    assert result.ok, result.error_messages[:5]
    return len(captured)


def test_import_runs_a_fixed_number_of_queries_at_10_and_500_contributions(
    partnership, other_partnership, leader, unbatched_sqlite
):
    small = _queries(partnership, leader, workbook(rows={"Bijdragen": contribution_rows(10)}))
    large = _queries(
        other_partnership, leader, workbook(rows={"Bijdragen": contribution_rows(500)})
    )

    assert small == large
    assert row_counts(other_partnership)["Contribution"] == 500


def test_reimport_with_changes_runs_a_fixed_number_of_queries(
    partnership, other_partnership, leader, unbatched_sqlite
):
    import_workbook(workbook(rows={"Bijdragen": contribution_rows(10)}), partnership=partnership)
    import_workbook(
        workbook(rows={"Bijdragen": contribution_rows(500)}), partnership=other_partnership
    )
    small = _queries(
        partnership, leader, workbook(rows={"Bijdragen": contribution_rows(10, hours=12)})
    )
    large = _queries(
        other_partnership, leader, workbook(rows={"Bijdragen": contribution_rows(500, hours=12)})
    )

    assert small == large
    with scopes_disabled():
        assert set(
            Contribution.objects.filter(partnership=other_partnership).values_list(
                "value", flat=True
            )
        ) == {Decimal("600.00")}


# --- The management command --------------------------------------------------------------


@pytest.fixture
def workbook_file(tmp_path):
    def write(**options):
        path = tmp_path / "partnership.xlsx"
        path.write_bytes(workbook(as_bytes=True, **options))
        return str(path)

    return write


def test_the_command_creates_the_partnership_from_the_workbook(db, workbook_file, capsys):
    call_command("import_partnership", workbook_file(), partnership="twente-nieuw")

    with scopes_disabled():
        created = Partnership.objects.get(slug="twente-nieuw")
        assert (created.name, created.start_year, created.end_year) == (
            "Regio Twente Techniek",
            2025,
            2028,
        )
        assert Budget.objects.get(partnership=created).scheme.code == "sto-2025-2028"
    assert row_counts(created)["Contribution"] == 7
    assert "Bijdragen" in capsys.readouterr().out


def test_the_command_imports_into_an_existing_partnership_and_again_changes_nothing(
    partnership, workbook_file
):
    call_command("import_partnership", workbook_file(), partnership="twente")
    before = snapshot(partnership)
    call_command("import_partnership", workbook_file(), partnership="twente")

    assert snapshot(partnership) == before
    assert Partnership.objects.filter(slug="twente").count() == 1


def test_a_dry_run_of_the_command_writes_nothing(db, workbook_file, capsys):
    call_command("import_partnership", workbook_file(), partnership="droog", dry_run=True)

    assert not Partnership.objects.filter(slug="droog").exists()
    with scopes_disabled():
        assert not Organisation.objects.exists()
    assert "7" in capsys.readouterr().out


def test_the_command_exits_non_zero_on_errors_and_writes_nothing(db, workbook_file, capsys):
    path = workbook_file(rows={"Bijdragen": [{**LABOUR, "Uren": 0}]})
    # A CommandError makes manage.py exit with status 1. (Running it through
    # ManagementUtility here would close the test's database connection.)
    with pytest.raises(CommandError):
        call_command("import_partnership", path, partnership="fout")
    assert "Bijdragen" in capsys.readouterr().err
    assert not Partnership.objects.filter(slug="fout").exists()


def test_the_command_refuses_an_invalid_slug(db, workbook_file):
    with pytest.raises(CommandError):
        call_command("import_partnership", workbook_file(), partnership="Geen Slug!")
    assert not Partnership.objects.exists()


# --- The pages ---------------------------------------------------------------------------


def _upload(client, content, name="twente.xlsx"):
    url = reverse("cofinancing:import-upload", kwargs={"slug": "twente"})
    return client.post(url, {"workbook": SimpleUploadedFile(name, content)})


def _pending_files(settings):
    folder = settings.MEDIA_ROOT / "imports"
    return sorted(folder.glob("*.xlsx")) if folder.exists() else []


def test_a_leader_uploads_sees_the_preview_and_confirms(leader_client, partnership, settings):
    page = leader_client.get(reverse("cofinancing:import-upload", kwargs={"slug": "twente"}))
    assert page.status_code == 200
    assert reverse("cofinancing:export", kwargs={"slug": "twente"}).encode() in page.content
    assert reverse("cofinancing:import-template", kwargs={"slug": "twente"}).encode() in (
        page.content
    )

    preview = _upload(leader_client, workbook(as_bytes=True))

    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.ok and result.dry_run
    assert result.counts["Bijdragen"].created == 7
    assert reverse("cofinancing:import-confirm", kwargs={"slug": "twente"}).encode() in (
        preview.content
    )
    assert b"Metaalwerken Hengelo" in preview.content
    nothing_written(partnership)
    assert len(_pending_files(settings)) == 1

    confirmed = leader_client.post(reverse("cofinancing:import-confirm", kwargs={"slug": "twente"}))

    assert confirmed.status_code == 302
    assert confirmed.url == reverse("cofinancing:overview", kwargs={"slug": "twente"})
    assert row_counts(partnership)["Contribution"] == 7
    assert _pending_files(settings) == []
    with scopes_disabled():
        assert Contribution.objects.filter(partnership=partnership, created_by__isnull=False)


def test_confirming_twice_imports_once(leader_client, partnership):
    _upload(leader_client, workbook(as_bytes=True))
    url = reverse("cofinancing:import-confirm", kwargs={"slug": "twente"})
    leader_client.post(url)
    again = leader_client.post(url)

    assert again.status_code == 302
    assert again.url == reverse("cofinancing:import-upload", kwargs={"slug": "twente"})
    assert row_counts(partnership)["Contribution"] == 7


def test_confirm_without_a_pending_import_redirects_to_the_upload_page(leader_client, partnership):
    response = leader_client.post(reverse("cofinancing:import-confirm", kwargs={"slug": "twente"}))

    assert response.status_code == 302
    assert response.url == reverse("cofinancing:import-upload", kwargs={"slug": "twente"})
    nothing_written(partnership)


def test_a_preview_with_errors_lists_them_and_offers_no_confirmation(
    leader_client, partnership, settings
):
    book = workbook(rows={"Bijdragen": [{**LABOUR, "Uren": 0}, {**MONEY, "Bedrag": -1}]})
    preview = _upload(leader_client, book.getvalue())

    assert preview.status_code == 200
    assert places(preview.context["result"]) == {
        ("Bijdragen", 2, "Uren"),
        ("Bijdragen", 3, "Bedrag"),
    }
    assert reverse("cofinancing:import-confirm", kwargs={"slug": "twente"}).encode() not in (
        preview.content
    )
    assert _pending_files(settings) == []
    confirm = leader_client.post(reverse("cofinancing:import-confirm", kwargs={"slug": "twente"}))
    assert confirm.url == reverse("cofinancing:import-upload", kwargs={"slug": "twente"})
    nothing_written(partnership)


def test_a_hostile_name_in_a_workbook_is_shown_escaped(leader_client, partnership):
    hostile = "<script>alert(1)</script>"
    organisations = [{"Naam": hostile, "Soort": "bedrijf"}]
    contributions = [{**LABOUR, "Organisatie": "Onbekend <b>BV</b>"}]
    book = workbook(rows={"Organisaties": organisations, "Bijdragen": contributions})

    preview = _upload(leader_client, book.getvalue())

    assert preview.status_code == 200
    assert hostile.encode() not in preview.content
    assert b"<b>BV</b>" not in preview.content
    assert b"&lt;script&gt;" in preview.content


def test_an_oversized_upload_is_a_form_error_and_is_not_kept(leader_client, partnership, settings):
    response = _upload(leader_client, b"\0" * (MAX_FILE_BYTES + 1))

    assert response.status_code == 200
    assert "workbook" in response.context["form"].errors
    assert _pending_files(settings) == []


def test_an_upload_without_a_file_is_a_form_error(leader_client, partnership):
    response = leader_client.post(reverse("cofinancing:import-upload", kwargs={"slug": "twente"}))

    assert response.status_code == 200
    assert "workbook" in response.context["form"].errors


def test_a_text_file_upload_shows_an_error_and_nothing_is_kept(
    leader_client, partnership, settings
):
    response = _upload(leader_client, b"Naam;Soort\n", name="lijst.csv")

    assert response.status_code == 200
    assert len(response.context["result"].errors) == 1
    assert _pending_files(settings) == []


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_a_leader_may_upload(client, partnership, settings, role):
    user = UserFactory()
    with scopes_disabled():
        MembershipFactory(partnership=partnership, user=user, role=role)
    client.force_login(user)

    page = client.get(reverse("cofinancing:import-upload", kwargs={"slug": "twente"}))
    assert page.status_code == 200
    assert b'type="file"' not in page.content
    assert reverse("cofinancing:export", kwargs={"slug": "twente"}).encode() in page.content

    assert _upload(client, workbook(as_bytes=True)).status_code == 403
    confirm = client.post(reverse("cofinancing:import-confirm", kwargs={"slug": "twente"}))
    assert confirm.status_code == 403
    assert _pending_files(settings) == []
    nothing_written(partnership)


def test_a_pending_import_of_one_partnership_cannot_be_confirmed_in_another(
    client, partnership, other_partnership, leader, settings
):
    with scopes_disabled():
        MembershipFactory(partnership=other_partnership, user=leader, role=Role.LEADER)
    client.force_login(leader)
    _upload(client, workbook(as_bytes=True))

    other = client.post(reverse("cofinancing:import-confirm", kwargs={"slug": "zeeland"}))

    assert other.url == reverse("cofinancing:import-upload", kwargs={"slug": "zeeland"})
    nothing_written(other_partnership)
    assert len(_pending_files(settings)) == 1


def test_the_template_download_has_the_six_sheets_with_the_exact_headers(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("cofinancing:import-template", kwargs={"slug": "twente"}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == SHEET_NAMES
    for name, headers in HEADERS.items():
        # The required columns, then the optional ones a workbook may leave out.
        optional = list(OPTIONAL.get(name, ()))
        assert [cell.value for cell in book[name][1]] == headers + optional, name
    fields = [row[0] for row in book["Samenwerkingsverband"].iter_rows(min_row=2, values_only=True)]
    assert fields == ["Naam", "Regeling", "Startjaar", "Eindjaar"]


def test_the_template_filled_in_imports(client, leader, partnership):
    client.force_login(leader)
    response = client.get(reverse("cofinancing:import-template", kwargs={"slug": "twente"}))
    book = load_workbook(BytesIO(response.content))
    partnership_sheet = book["Samenwerkingsverband"]
    for row, value in zip(range(2, 6), PARTNERSHIP.values(), strict=True):
        partnership_sheet.cell(row=row, column=2, value=value)
    book["Organisaties"].append(["Metaalwerken Hengelo", "bedrijf"])
    book["Bijdragen"].append(["Metaalwerken Hengelo", None, 2026, "uren", "Gastlessen", None, 90])
    buffer = BytesIO()
    book.save(buffer)

    result = import_workbook(BytesIO(buffer.getvalue()), partnership=partnership, user=leader)

    assert result.ok, result.error_messages
    with scopes_disabled():
        assert Contribution.objects.get(partnership=partnership).value == Decimal("4500.00")
