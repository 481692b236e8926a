"""The list of missing evidence (cofinancing.selectors.evidence.missing_evidence), its page
and its Excel export: a worked example, the filters, a fixed number of queries at 5 and at
2,000 contributions, and the workbook read back."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from activities.models import CooperationForm
from cofinancing.models import Contribution, ContributionKind, CostCategory, Evidence
from cofinancing.selectors.evidence import kind_labels, missing_evidence, missing_export_headers
from cofinancing.services import evidence as services
from tests.evidence_files import PDF, upload
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    OrganisationFactory,
)
from tests.xlsx_checks import assert_defused

pytestmark = pytest.mark.usefixtures("no_scopes")
D = Decimal
KINDS = ["internship_agreement", "invoice proof_of_payment", "proof_of_payment"]
LABOUR, MONEY = ContributionKind.LABOUR, ContributionKind.MONEY


def url(name, **kwargs):
    return reverse(f"cofinancing:{name}", kwargs={"slug": "twente", **kwargs})


def prove(partnership, user, target, *kinds):
    key = "contribution" if isinstance(target, Contribution) else "cost_line"
    for kind in kinds:
        services.evidence_add(
            partnership=partnership,
            user=user,
            kind=kind,
            file=upload(f"{kind}.pdf", PDF),
            **{key: target},
        )


@pytest.fixture
def example(partnership, other_partnership, leader, outsider):
    """Metaalwerken gives labour (realised, proven) and money (realised, invoice only);
    Bouwbedrijf gives a room (only pledged) and interns' supervision (realised, hours but no
    internship agreement); the project has a realised invoice-less material cost line, an
    ineligible one and one not yet realised. Another partnership's files count for nothing
    here."""
    BudgetFactory(partnership=partnership)
    metal = OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")
    build = OrganisationFactory(partnership=partnership, name="Bouwbedrijf Almelo")
    internships = ActivityFactory(partnership=partnership, form=CooperationForm.INTERNSHIPS)
    labour = ContributionFactory(organisation=metal, status="realised", description="Gastlessen")
    money = ContributionFactory(
        organisation=metal,
        kind="money",
        amount=D("5000.00"),
        value=D("5000.00"),
        realised_value=D("4800.00"),
        status="certified",
        description="Schenking",
        year=2027,
    )
    ContributionFactory(organisation=build, kind="room", status="pledged", description="Hal")
    interns = ContributionFactory(
        organisation=build, activity=internships, status="realised", description="Stagebegeleiding"
    )
    material = CostLineFactory(
        partnership=partnership,
        category="material",
        description="Lasapparatuur",
        realised_amount=D("2500.00"),
    )
    CostLineFactory(
        partnership=partnership,
        category="material",
        description="BTW",
        realised_amount=D("500.00"),
        eligible=False,
        ineligible_reason="recoverable_vat",
    )
    CostLineFactory(partnership=partnership, description="Nog niet gerealiseerd")
    prove(partnership, leader, labour, "hours_statement")
    prove(partnership, leader, money, "invoice")
    prove(partnership, leader, interns, "hours_statement", "other")
    foreign = ContributionFactory(
        organisation=OrganisationFactory(partnership=other_partnership), status="realised"
    )
    prove(other_partnership, outsider, foreign, "internship_agreement", "proof_of_payment")
    return {
        "metal": metal,
        "build": build,
        "money": money,
        "interns": interns,
        "material": material,
    }


def summary(rows):
    return [
        (
            row.year,
            row.organisation.name if row.organisation else None,
            row.description,
            row.missing,
        )
        for row in rows
    ]


def test_the_worked_example(partnership, example):
    assert summary(missing_evidence(partnership=partnership)) == [
        (2026, "Bouwbedrijf Almelo", "Stagebegeleiding", ("internship_agreement",)),
        (2026, None, "Lasapparatuur", ("invoice", "proof_of_payment")),
        (2027, "Metaalwerken Hengelo", "Schenking", ("proof_of_payment",)),
    ]


def test_a_row_carries_its_realised_value_and_labels(partnership, example):
    rows = missing_evidence(partnership=partnership)
    money = next(row for row in rows if row.contribution == example["money"])
    assert money.value == D("4800.00")
    assert money.missing_labels == ["Betaalbewijs"]
    line = next(row for row in rows if row.cost_line == example["material"])
    assert line.value == D("2500.00") and line.organisation is None


def test_filtered_by_year_and_by_organisation(partnership, example):
    assert [r.description for r in missing_evidence(partnership=partnership, year=2027)] == [
        "Schenking"
    ]
    by_build = missing_evidence(partnership=partnership, organisation=example["build"])
    assert [r.description for r in by_build] == ["Stagebegeleiding"]
    assert missing_evidence(partnership=partnership, year=2028) == []


def test_proving_everything_empties_the_list(partnership, leader, example):
    prove(partnership, leader, example["money"], "proof_of_payment")
    prove(partnership, leader, example["interns"], "internship_agreement")
    prove(partnership, leader, example["material"], "invoice", "proof_of_payment")
    assert missing_evidence(partnership=partnership) == []


# --- A fixed number of queries ---------------------------------------------------------------


def bulk(partnership, count):
    organisation = OrganisationFactory(partnership=partnership)
    activity = ActivityFactory(partnership=partnership, form=CooperationForm.INTERNSHIPS)
    Contribution.objects.bulk_create(
        Contribution(
            partnership=partnership,
            organisation=organisation,
            activity=activity if n % 2 else None,
            year=2026,
            kind="labour",
            description=f"Gastles {n}",
            hours=D("10"),
            hourly_rate=D("50"),
            value=D("500.00"),
            status="realised",
        )
        for n in range(count)
    )
    CostLineFactory.create_batch(
        count // 5 or 1, partnership=partnership, realised_amount=D("100.00")
    )


def add_files(partnership, user):
    """One file for every tenth contribution, without the disk."""
    Evidence.objects.bulk_create(
        Evidence(
            partnership=partnership,
            contribution=contribution,
            kind="hours_statement",
            file=f"evidence/{partnership.pk}/x{contribution.pk}",
            name="u.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=user,
        )
        for contribution in Contribution.objects.filter(partnership=partnership)[::10]
    )


def test_the_selector_runs_three_queries_at_5_and_at_2000_contributions(
    partnership, leader, django_assert_num_queries
):
    bulk(partnership, 5)
    add_files(partnership, leader)
    with django_assert_num_queries(3):
        few = missing_evidence(partnership=partnership)
    bulk(partnership, 1995)
    add_files(partnership, leader)
    with django_assert_num_queries(3):
        many = missing_evidence(partnership=partnership)
    assert len(few) < len(many)


def count_queries(client, path, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data or {})
    assert response.status_code == 200
    return len(queries), response


def test_the_page_and_the_export_run_the_same_queries_at_5_and_at_2000(client, partnership, leader):
    BudgetFactory(partnership=partnership)
    client.force_login(leader)
    bulk(partnership, 5)
    add_files(partnership, leader)
    few_page, _ = count_queries(client, url("evidence-missing"))
    few_filtered, _ = count_queries(client, url("evidence-missing"), {"year": "2026"})
    few_export, _ = count_queries(client, url("evidence-missing-export"))
    bulk(partnership, 1995)
    add_files(partnership, leader)
    many_page, response = count_queries(client, url("evidence-missing"))
    assert many_page == few_page
    assert count_queries(client, url("evidence-missing"), {"year": "2026"})[0] == few_filtered
    assert count_queries(client, url("evidence-missing-export"))[0] == few_export
    assert response.context["page"].paginator.count > 50
    assert len(response.context["rows"]) == 50


# --- The page ------------------------------------------------------------------------------


def test_the_page_lists_the_rows_and_links_to_where_they_are_proven(client, viewer, example):
    client.force_login(viewer)
    response = client.get(url("evidence-missing"))
    html = response.content.decode()
    assert response.context["total"] == 3
    assert url("contribution-detail", code=example["money"].code) + "#evidence" in html
    assert url("cost-line-evidence", code=example["material"].code) in html
    assert 'data-evidence="missing-list"' in html


def test_the_page_filters_by_organisation_and_year(client, viewer, example):
    client.force_login(viewer)
    response = client.get(
        url("evidence-missing"), {"organisation": example["metal"].pk, "year": "2027"}
    )
    assert [row.description for row in response.context["rows"]] == ["Schenking"]


def test_an_invalid_filter_is_shown_and_counts_as_not_given(client, viewer, example):
    client.force_login(viewer)
    response = client.get(url("evidence-missing"), {"year": "1999", "organisation": "x"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert response.context["total"] == 3


def test_another_partnerships_organisation_is_not_a_filter(
    client, viewer, example, other_partnership
):
    client.force_login(viewer)
    foreign = OrganisationFactory(partnership=other_partnership)
    response = client.get(url("evidence-missing"), {"organisation": foreign.pk})
    assert "organisation" in response.context["filter"].form.errors


def test_the_empty_state(client, viewer, partnership):
    BudgetFactory(partnership=partnership)
    client.force_login(viewer)
    html = client.get(url("evidence-missing")).content.decode()
    assert 'data-evidence="nothing-missing"' in html


# --- The export ----------------------------------------------------------------------------


def test_the_export_reads_back_with_the_same_rows(client, viewer, example):
    client.force_login(viewer)
    response = client.get(url("evidence-missing-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="ontbrekend-bewijs-twente-'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    with translation.override("nl"):  # the language of the request
        assert list(rows[0]) == missing_export_headers()
        contribution, cost_line = _("Contribution"), _("Cost line")
        labels = {kind: ", ".join(kind_labels(kind.split())) for kind in KINDS}
        labour, material, money = (
            str(label) for label in (LABOUR.label, CostCategory.MATERIAL.label, MONEY.label)
        )
    body = rows[1:]
    assert [row[:5] + (row[6],) for row in body] == [
        (
            2026,
            "Bouwbedrijf Almelo",
            contribution,
            "Stagebegeleiding",
            labour,
            labels["internship_agreement"],
        ),
        (2026, None, cost_line, "Lasapparatuur", material, labels["invoice proof_of_payment"]),
        (
            2027,
            "Metaalwerken Hengelo",
            contribution,
            "Schenking",
            money,
            labels["proof_of_payment"],
        ),
    ]
    assert Decimal(str(body[2][5])) == D("4800.00")
    assert sheet.cell(row=4, column=6).number_format == '"€" #,##0.00'


def test_the_export_takes_the_filter(client, viewer, example):
    client.force_login(viewer)
    response = client.get(url("evidence-missing-export"), {"year": "2027"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[3] for row in rows[1:]] == ["Schenking"]


def test_an_invalid_filter_exports_nothing(client, viewer, example):
    client.force_login(viewer)
    response = client.get(url("evidence-missing-export"), {"year": "1999"})
    assert response.status_code == 302
    assert response["Location"].startswith(url("evidence-missing") + "?")


def test_a_description_that_looks_like_a_formula_is_exported_as_text(
    client, partnership, leader, viewer
):
    BudgetFactory(partnership=partnership)
    ContributionFactory(
        organisation=OrganisationFactory(partnership=partnership),
        status="realised",
        description='=HYPERLINK("http://evil.example")',
    )
    client.force_login(viewer)
    response = client.get(url("evidence-missing-export"))
    assert_defused(
        load_workbook(io.BytesIO(response.content)).active, '=HYPERLINK("http://evil.example")'
    )
