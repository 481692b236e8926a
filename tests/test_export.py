"""The Excel export of a partnership's cofinancing and its round trip:
export, import into a new partnership, and the same report."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from cofinancing.exporter import BUDGET_SHEET, COFINANCING_SHEET, export_workbook
from cofinancing.importer import SHEETS, import_workbook
from cofinancing.importer.spec import columns
from cofinancing.models import Contribution
from cofinancing.report import partnership_report
from cofinancing.selectors.summary import REALISED_AND_UP, partnership_budget, partnership_summary
from cofinancing.services.budget import cost_line_save, funding_line_save
from cofinancing.services.contributions import contribution_save
from partners.models import Organisation, OrganisationKind, Partnership
from sterk.xlsx import EURO_FORMAT, XLSX_CONTENT_TYPE
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    OrganisationFactory,
)

D = Decimal
FORMULA = "=SOM(A1:A9)+1"


@pytest.fixture
def url(partnership):
    return reverse("cofinancing:export", kwargs={"slug": partnership.slug})


def _save(budget, leader, organisation, activity, year, kind, description, status="pledged",
          other_funding="", **inputs):  # fmt: skip
    return contribution_save(
        budget=budget,
        user=leader,
        organisation=organisation,
        activity=activity,
        year=year,
        kind=kind,
        description=description,
        status=status,
        other_funding=other_funding,
        **inputs,
    )


@pytest.fixture
def full(partnership, leader):
    """Every kind, an excluded contribution, a machine depreciated twice in 2026, overrides,
    activities with and without a lead, cost and funding lines, and text that looks like a
    formula."""
    with scopes_disabled():
        budget = BudgetFactory(partnership=partnership)
        company = OrganisationFactory(
            partnership=partnership,
            name="Metaalwerken Hengelo B.V.",
            kind=OrganisationKind.COMPANY,
            sector="metal",
            kvk_number="01234567",
            city="Hengelo",
        )
        plus = OrganisationFactory(
            partnership=partnership, name="+Plus Techniek", kind=OrganisationKind.COMPANY
        )
        fund = OrganisationFactory(
            partnership=partnership,
            name="Opleidingsfonds Techniek",
            kind=OrganisationKind.OO_FUND,
            business_override=True,
            business_justification="Gevuld met premies van werkgevers.",
        )
        developer = OrganisationFactory(
            partnership=partnership,
            name="Ontwikkelbedrijf Enschede",
            kind=OrganisationKind.COMPANY,
            business_override=False,
            business_justification="Volledig eigendom van de gemeente.",
        )
        school = OrganisationFactory(
            partnership=partnership,
            name="ROC van Twente",
            kind=OrganisationKind.MBO,
            brin_code="25LH",
            kvk_number="",
        )
        OrganisationFactory(
            partnership=partnership, name="Gemeente Enschede", kind=OrganisationKind.MUNICIPALITY
        )
        lessons = ActivityFactory(
            partnership=partnership,
            short_code="A1",
            title="Gastlessen CNC",
            lead_organisation=company,
            start_date=datetime.date(2025, 9, 1),
            end_date=datetime.date(2027, 7, 15),
        )
        ActivityFactory(
            partnership=partnership,
            short_code="A2",
            title="Techniekdag",
            form=7,
            lead_organisation=None,
            start_date=None,
            end_date=None,
        )
        save = _save
        save(
            budget,
            leader,
            fund,
            None,
            2025,
            "money",
            "Storting praktijkroutes",
            status="realised",
            amount=D("40000.00"),
        )
        save(
            budget,
            leader,
            developer,
            None,
            2026,
            "money",
            "Bijdrage verbouwing",
            amount=D("5000.00"),
        )
        save(
            budget,
            leader,
            company,
            lessons,
            2025,
            "labour",
            "Dertig gastlessen van drie uur",
            status="realised",
            hours=D("90"),
        )
        save(
            budget,
            leader,
            company,
            lessons,
            2026,
            "labour",
            "Hybride docent",
            status="confirmed",
            hours=D("12.5"),
            hourly_rate=D("62.37"),
            rate_justification="GPL van de CAO VO.",
        )
        save(budget, leader, school, lessons, 2026, "labour", "Ontwikkeling lessen", hours=D("40"))
        save(budget, leader, plus, None, 2026, "material", FORMULA, amount=D("1234.56"))
        save(
            budget,
            leader,
            company,
            None,
            2027,
            "room",
            "Werkplaats, twintig dagdelen",
            units=D("20"),
            unit_price=D("250.00"),
        )
        save(
            budget,
            leader,
            company,
            lessons,
            2026,
            "depreciation",
            "CNC-draaibank",
            status="realised",
            acquisition_value=D("60000.00"),
            life_months=120,
            months_used=12,
            project_share=D("50"),
            machine_id="CNC-01",
        )
        save(
            budget,
            leader,
            company,
            None,
            2026,
            "depreciation",
            "CNC-draaibank voor stages",
            acquisition_value=D("60000.00"),
            residual_value=D("1000.00"),
            life_months=120,
            months_used=7,
            project_share=D("33.33"),
            machine_id="CNC-02",
        )
        save(budget, leader, plus, None, 2028, "lease", "Lease lesauto", amount=D("3150.00"))
        save(budget, leader, company, None, 2027, "lease", "Robotcel", amount=D("18000.00"),
             other_funding="RIF-2024-017")  # fmt: skip
        cost_line_save(
            budget=budget,
            year=2025,
            category="internal_personnel",
            description="Projectleider",
            unit_price=D("85.00"),
            quantity=D("800"),
        )
        cost_line_save(
            budget=budget,
            year=2026,
            category="rent",
            description="Huur Fablab",
            unit_price=D("275.50"),
            quantity=D("3.5"),
            activity=lessons,
        )
        cost_line_save(
            budget=budget,
            year=2028,
            category="other",
            description="-Slotdag",
            unit_price=D("0.01"),
            quantity=D("1"),
        )
        funding_line_save(
            budget=budget,
            year=2025,
            source="subsidy",
            description="STO-subsidie",
            amount=D("60000.00"),
        )
        funding_line_save(
            budget=budget, year=2026, source="schools", description="", amount=D("2500.00")
        )
        funding_line_save(budget=budget, year=2027, source="other_public",
                          description="Provincie", amount=D("7500.00"))  # fmt: skip
    return budget


def _workbook(response, **options):
    return load_workbook(BytesIO(response.content), **options)


def _decimal(value):
    """A number as openpyxl reads it back, as the Decimal it was written from."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return D(str(value))


def _number_rows(sheet):
    """Every row whose cells after the first are all numbers, as Decimals."""
    rows = []
    for values in sheet.iter_rows(min_row=1, values_only=True):
        cells = [v for v in values[1:] if v is not None]
        if cells and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in cells):
            rows.append([_decimal(v) for v in cells])
    return rows


def test_leader_downloads_one_workbook_named_after_the_partnership_and_today(
    leader_client, full, url
):
    response = leader_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="cofinanciering-twente-{today}.xlsx"'
    )
    assert _workbook(response).sheetnames == [BUDGET_SHEET, COFINANCING_SHEET, *SHEETS]


def test_a_viewer_may_download_the_export(client, viewer, full, url):
    client.force_login(viewer)
    assert client.get(url).status_code == 200


def test_without_a_budget_the_export_redirects_to_the_overview(leader_client, url):
    response = leader_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("cofinancing:overview", kwargs={"slug": "twente"})


def test_each_import_sheet_has_the_importers_headers_in_row_one(leader_client, full, url):
    workbook = _workbook(leader_client.get(url))
    for name in SHEETS:
        first = next(workbook[name].iter_rows(min_row=1, max_row=1, values_only=True))
        assert tuple(first) == columns(name), name


def test_the_budget_sheet_shows_every_year_and_the_totals_of_the_summary(
    leader_client, full, url, partnership
):
    sheet = _workbook(leader_client.get(url))[BUDGET_SHEET]
    with scopes_disabled():
        summary = partnership_summary(partnership=partnership)
        realised = partnership_summary(partnership=partnership, statuses=REALISED_AND_UP)
    rows = _number_rows(sheet)
    headers = [values[1:5] for values in sheet.iter_rows(values_only=True)]
    assert (2025, 2026, 2027, 2028) in headers
    for name in ("total_costs", "total_funding", "balance", "base_amount", "required",
                 "business_total", "shortfall"):  # fmt: skip
        expected = [getattr(summary.by_year[y], name) for y in summary.years]
        expected.append(getattr(summary.total, name))
        assert expected in rows, name
    for name in ("required", "business_total", "shortfall"):
        expected = [getattr(realised.by_year[y], name) for y in realised.years]
        assert [*expected, getattr(realised.total, name)] in rows, name
    percentages = [summary.by_year[y].percentage / 100 for y in summary.years]
    assert [*percentages, summary.total.percentage / 100] in rows
    # The cost line of € 0,01 in 2028 is there, to the cent.
    assert [D(0), D(0), D(0), D("0.01"), D("0.01")] in rows


def test_amounts_are_numbers_in_euro_format_never_text(leader_client, full, url):
    workbook = _workbook(leader_client.get(url))
    sheet = workbook[BUDGET_SHEET]
    money_cells = [
        cell
        for row in sheet.iter_rows(min_row=6)
        for cell in row[1:]
        if cell.number_format == EURO_FORMAT
    ]
    assert len(money_cells) > 50
    assert all(isinstance(cell.value, (int, float)) for cell in money_cells)
    contributions = workbook["Bijdragen"]
    headers = [cell.value for cell in contributions[1]]
    amount = headers.index("Bedrag")
    filled = [row[amount] for row in contributions.iter_rows(min_row=2) if row[amount].value]
    assert filled
    assert all(isinstance(cell.value, (int, float)) for cell in filled)
    assert all(cell.number_format == EURO_FORMAT for cell in filled)


def test_the_cofinancing_sheet_lists_only_business_per_year_and_adds_up(
    leader_client, full, url, partnership
):
    sheet = _workbook(leader_client.get(url))[COFINANCING_SHEET]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    body, total = rows[:-1], rows[-1]
    names = {row[0] for row in body}
    assert names == {"Metaalwerken Hengelo B.V.", "+Plus Techniek", "Opleidingsfonds Techniek"}
    assert {(row[0], row[2]) for row in body} == {
        ("Opleidingsfonds Techniek", 2025),
        ("Metaalwerken Hengelo B.V.", 2025),
        ("Metaalwerken Hengelo B.V.", 2026),
        ("Metaalwerken Hengelo B.V.", 2027),
        ("+Plus Techniek", 2026),
        ("+Plus Techniek", 2028),
    }
    with scopes_disabled():
        summary = partnership_summary(partnership=partnership)
    for row in body:
        assert sum(_decimal(v) for v in row[3:9]) == _decimal(row[9])
    assert _decimal(total[9]) == summary.total.business_total
    # The excluded robot cell (2027, lease) is left out: Metaalwerken's 2027 is the room only.
    (row_2027,) = [row for row in body if row[0].startswith("Metaal") and row[2] == 2027]
    assert _decimal(row_2027[9]) == D("5000.00")
    assert row_2027[1] == "01234567"


def test_text_that_looks_like_a_formula_is_stored_as_text(leader_client, full, url):
    workbook = _workbook(leader_client.get(url))
    cells = [
        cell
        for name in ("Bijdragen", "Organisaties", "Begroting", COFINANCING_SHEET)
        for row in workbook[name].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-"
    ]
    assert {cell.value for cell in cells} >= {FORMULA, "+Plus Techniek", "-Slotdag"}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


def test_the_import_sheets_use_the_importers_words(leader_client, full, url):
    workbook = _workbook(leader_client.get(url))

    def column(sheet, header):
        headers = [cell.value for cell in workbook[sheet][1]]
        index = headers.index(header)
        return [row[index] for row in workbook[sheet].iter_rows(min_row=2, values_only=True)]

    assert set(column("Bijdragen", "Soort")) == {
        "geld", "uren", "materiaal", "ruimte", "afschrijving", "lease",
    }  # fmt: skip
    assert set(column("Bijdragen", "Status")) == {"toegezegd", "bevestigd", "gerealiseerd"}
    assert set(column("Organisaties", "Telt als bedrijfsleven")) == {"ja", "nee", None}
    assert set(column("Begroting", "Kostensoort")) == {"personeel-intern", "huur", "overig"}
    assert set(column("Dekking", "Bron")) == {"subsidie", "eigen-bijdrage-onderwijs",
                                              "overig-publiek"}  # fmt: skip
    fields = dict(zip(column("Samenwerkingsverband", "Veld"),
                      column("Samenwerkingsverband", "Waarde"), strict=True))  # fmt: skip
    assert fields == {
        "Naam": "Regio Twente Techniek",
        "Regeling": "sto-2025-2028",
        "Startjaar": fields["Startjaar"],
        "Eindjaar": fields["Eindjaar"],
    }
    assert isinstance(fields["Startjaar"], int) and isinstance(fields["Eindjaar"], int)


# --- the round trip -----------------------------------------------------------------------


def _report(partnership, statuses=None):
    with scopes_disabled():
        budget = partnership_budget(partnership=partnership)
        options = {} if statuses is None else {"statuses": statuses}
        return partnership_report(partnership=partnership, budget=budget, **options)


def test_importing_the_export_into_a_new_partnership_reproduces_the_report(full, partnership):
    with scopes_disabled():
        content = export_workbook(partnership=partnership, budget=full)
    result = import_workbook(BytesIO(content), partnership="twente-kopie")
    assert result.ok, result.error_messages
    copy = Partnership.objects.get(slug="twente-kopie")
    assert copy.pk != partnership.pk
    original = _report(partnership)
    assert original["excluded"]
    assert set(original["by_kind"].values()) != {"0.00"}
    assert _report(copy) == original
    assert _report(copy, REALISED_AND_UP) == _report(partnership, REALISED_AND_UP)
    with scopes_disabled():
        for name in ("Opleidingsfonds Techniek", "Ontwikkelbedrijf Enschede"):
            assert (
                Organisation.objects.get(partnership=copy, name=name).counts_as_business
                == Organisation.objects.get(partnership=partnership, name=name).counts_as_business
            )
        fields = ("organisation__name", "activity__short_code", "year", "kind", "description",
                  "status", "value", "hours", "hourly_rate", "rate_justification", "units",
                  "unit_price", "acquisition_value", "residual_value", "life_months",
                  "months_used", "project_share", "machine_id", "other_funding")  # fmt: skip
        copied = Contribution.objects.filter(partnership=copy).values_list(*fields)
        originals = Contribution.objects.filter(partnership=partnership).values_list(*fields)
        assert sorted(copied, key=str) == sorted(originals, key=str)


def test_importing_the_export_into_the_same_partnership_changes_nothing(full, partnership):
    with scopes_disabled():
        content = export_workbook(partnership=partnership, budget=full)
    result = import_workbook(BytesIO(content), partnership=partnership, dry_run=True)
    assert result.ok, result.error_messages
    assert result.changes == []
    assert all(counts.untouched == 0 for counts in result.counts.values())


# --- speed ---------------------------------------------------------------------------------


def _bulk_contributions(partnership, count, prefix):
    with scopes_disabled():
        organisations = [
            OrganisationFactory(partnership=partnership, name=f"{prefix} {n}") for n in range(5)
        ]
        Contribution.objects.bulk_create(
            Contribution(
                partnership=partnership,
                organisation=organisations[n % 5],
                year=2025 + n % 4,
                kind="money",
                description=f"Bijdrage {n}",
                amount=D("100.00"),
                value=D("100.00"),
            )
            for n in range(count)
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_export_runs_the_same_number_of_queries_for_5_and_2000_contributions(
    leader_client, partnership, url, django_assert_num_queries
):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
    _bulk_contributions(partnership, 5, "Bedrijf")
    few = _queries(leader_client, url)
    _bulk_contributions(partnership, 1995, "Werkgever")
    with django_assert_num_queries(few):
        response = leader_client.get(url)
    sheet = _workbook(response)["Bijdragen"]
    assert sheet.max_row == 2001
