"""The signed company statements in the accountant's bundle (docs/rules.md §23, §24): the
sealed PDF of every signed statement of the year, in its organisation's folder, and the
ledger naming for each contribution the statement that certified it."""

import hashlib

import pytest

from cofinancing.models import CompanyStatement, StatementStatus
from cofinancing.reports.ledger import CONTRIBUTION_HEADERS
from cofinancing.statements import services
from signing.models import SignatureRequest, SigningRound
from tests.bundle_data import build_bytes, manifest, open_zip
from tests.factories import ContributionFactory
from tests.reports_data import workbook
from tests.statements_data import deadline, region, sign

pytestmark = pytest.mark.usefixtures("no_scopes")


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def signed(partnership, leader, django_capture_on_commit_callbacks):
    """Two companies with statements of 2025 out for signing; the first one signed."""
    budget, (company, other) = region(partnership)
    with django_capture_on_commit_callbacks(execute=True):
        services.statements_send(budget=budget, year=2025, user=leader, deadline=deadline())
    statement = CompanyStatement.objects.get(organisation=company)
    request = SignatureRequest.objects.get(round__document=statement.document)
    sign(request, capture=django_capture_on_commit_callbacks)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SIGNED
    return statement, SigningRound.objects.get(document=statement.document)


def test_the_bundle_holds_the_sealed_signed_statement_and_the_ledger_names_it(partnership, signed):
    statement, signing_round = signed
    assert signing_round.final_pdf_sha256

    content, _written = build_bytes(partnership, 2025)
    archive = open_zip(content)
    rows = {row["path"]: row for row in manifest(archive)}
    statements = [path for path in rows if path.startswith("verklaringen/")]

    code = str(statement.code)[:8]
    assert statements == [
        f"verklaringen/metaalbedrijf-001-bv/verklaring-2025-nr1-{code}-verzegeld.pdf"
    ]
    row = rows[statements[0]]
    assert row["status"] == "OK" and row["recorded_sha256"] == signing_round.final_pdf_sha256
    assert hashlib.sha256(archive.read(statements[0])).hexdigest() == signing_round.final_pdf_sha256
    text = archive.read("LEESMIJ.txt").decode()
    assert "(1 in dit dossier)" in text

    sheet = workbook(archive.read("ledger.xlsx"))["Bijdragen"]
    by = len(CONTRIBUTION_HEADERS) - 2
    certified = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[by + 1]]
    assert len(certified) == 2
    assert {r[by + 1] for r in certified} == {str(statement.code)}
    assert {r[2] for r in certified} == {"Metaalbedrijf 001 B.V."}


def test_a_statement_of_another_year_stays_out(partnership, signed):
    ContributionFactory(organisation=signed[0].organisation, year=2026)
    content, _written = build_bytes(partnership, 2026)
    assert not any(n.startswith("verklaringen/") for n in open_zip(content).namelist())
