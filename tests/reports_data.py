"""A small region for the report tests (docs/rules.md §22): goals, activities (codes that
sort naturally, one serving two goals, one cancelled, one later), cost lines in three
years and four categories, funding lines, contributions of a company and a school in every
status, one funded elsewhere, realised ones with evidence; and hostile text in places."""

import datetime
import hashlib
import io
import subprocess
from decimal import Decimal as D

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import ActivityStatus, CooperationForm
from cofinancing.models import AnnualStatement, Contribution, Evidence
from partners.models import OrganisationKind
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    EvaluationFactory,
    FundingLineFactory,
    GoalFactory,
    OrganisationFactory,
    ParticipantFactory,
    ResultFactory,
)

FORMULA = '=HYPERLINK("http://evil.example/x","klik")'
HTML_TITLE = "<b>Vet</b> & <script>alert(1)</script>"


def region(partnership):
    """Everything a report reads; call without scopes (the `no_scopes` fixture)."""
    budget = BudgetFactory(partnership=partnership)
    company = OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")
    other = OrganisationFactory(partnership=partnership, name="Installatiebedrijf Oost")
    school = OrganisationFactory(
        partnership=partnership, name="ROC van Twente", kind=OrganisationKind.MBO, kvk_number=""
    )
    skills = GoalFactory(partnership=partnership, title="Meer instroom techniek")
    teachers = GoalFactory(
        partnership=partnership, title="Docenten bij bedrijven", indicator="", target_value=None
    )

    def activity(code, title, *, goals=(), lead=company, status=ActivityStatus.RUNNING, **kw):
        item = ActivityFactory(
            partnership=partnership,
            short_code=code,
            title=title,
            lead_organisation=lead,
            status=status,
            start_date=kw.pop("start_date", datetime.date(2025, 1, 1)),
            end_date=kw.pop("end_date", datetime.date(2026, 12, 31)),
            **kw,
        )
        item.goals.set(goals)
        return item

    a2 = activity("A2", "Gastlessen lassen", goals=[skills])
    a10 = activity(
        "A10",
        HTML_TITLE,
        goals=[skills, teachers],
        lead=school,
        form=CooperationForm.TEACHER_PLACEMENTS,
    )
    a1 = activity("A1", "Open dag techniek", goals=[teachers], lead=None)
    loose = activity("B1", "Losse activiteit")
    activity("A3", "Geschrapt", goals=[skills], status=ActivityStatus.CANCELLED)
    later = activity(
        "A4",
        "Later",
        goals=[skills],
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2028, 6, 30),
    )
    rif = activity("R1", "RIF-project", other_funding="RIF 2024-17")
    ParticipantFactory(activity=a2, organisation=company)
    ParticipantFactory(activity=a2, organisation=school)
    ParticipantFactory(activity=a10, organisation=other)
    ResultFactory(activity=a2, goal=skills, value=D("40"), date=datetime.date(2025, 6, 1))
    ResultFactory(
        activity=a10, goal=skills, value=D("55.5"), date=datetime.date(2026, 3, 1),
        description="Tweede meting",
    )  # fmt: skip
    EvaluationFactory(partnership=partnership, answer_works=FORMULA)

    def cost(year, category, price, quantity, description, **kw):
        return CostLineFactory(
            partnership=partnership,
            year=year,
            category=category,
            unit_price=D(price),
            quantity=D(quantity),
            amount=(D(price) * D(quantity)).quantize(D("0.01")),
            description=description,
            **kw,
        )

    cost(2025, "internal_personnel", "80.00", "100", "Projectleider 2025")
    cost(2026, "internal_personnel", "80.00", "120", "Projectleider 2026", activity=a2)
    cost(2025, "material", "1250.00", "2", FORMULA)
    cost(2026, "rent", "250.00", "7.5", "Praktijklokaal")
    cost(2027, "other", "99.99", "3", "Later jaar")
    cost(2026, "material", "400.00", "1", "Materiaal RIF", activity=rif)
    realised = cost(
        2025, "external_personnel", "95.00", "10", "Trainer", realised_amount=D("900.00")
    )
    cost(
        2025, "other", "21.00", "10", "Btw", realised_amount=D("210.00"), eligible=False,
        ineligible_reason="recoverable_vat",
    )  # fmt: skip
    for year, source, amount in (
        (2025, "subsidy", "20000.00"),
        (2026, "subsidy", "22000.00"),
        (2026, "schools", "3000.00"),
        (2027, "subsidy", "15000.00"),
    ):
        FundingLineFactory(partnership=partnership, year=year, source=source, amount=D(amount))

    def give(organisation, year, kind, value, **kw):
        return ContributionFactory(
            organisation=organisation, partnership=partnership, year=year, kind=kind,
            value=D(value), **kw,
        )  # fmt: skip

    labour = give(company, 2025, "labour", "500.00", activity=a2, hours=D("10"))
    labour.status, labour.realised_value, labour.realised_quantity = "realised", D("450.00"), D("9")
    labour.realised_on = datetime.date(2025, 11, 1)
    labour.save()
    give(company, 2026, "labour", "1000.00", activity=a2, hours=D("20"))
    give(school, 2026, "labour", "750.00", activity=a10, hours=D("15"))
    give(other, 2026, "money", "2500.00", hours=None, amount=D("2500.00"), status="confirmed")
    give(
        other, 2025, "money", "1000.00", hours=None, amount=D("1000.00"), status="certified",
        realised_value=D("1000.00"), realised_on=datetime.date(2025, 12, 1),
    )  # fmt: skip
    give(company, 2026, "material", "300.00", hours=None, amount=D("300.00"), description=FORMULA)
    give(company, 2026, "labour", "400.00", hours=D("8"), other_funding="Regionaal fonds")
    give(company, 2026, "labour", "200.00", activity=rif, hours=D("4"))
    give(company, 2026, "labour", "600.00", hours=D("12"), status="cancelled", cancel_reason="Weg")
    give(company, 2027, "labour", "5000.00", activity=later, hours=D("100"))
    attach(labour, "urenstaat-2025.pdf", kind="hours_statement")
    attach(realised, "factuur-trainer.pdf", kind="invoice")
    return {
        "budget": budget,
        "company": company,
        "school": school,
        "activities": {"A1": a1, "A2": a2, "A10": a10, "B1": loose, "A4": later},
        "labour": labour,
    }


def attach(line, name, *, kind="other", data=None):
    data = data or f"%PDF-1.7 {name}".encode()
    is_contribution = isinstance(line, Contribution)
    evidence = Evidence(
        partnership=line.partnership,
        contribution=line if is_contribution else None,
        cost_line=None if is_contribution else line,
        kind=kind,
        name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    evidence.file.save(name, ContentFile(data), save=False)
    evidence.save()
    return evidence


def bulk_contributions(partnership, count, *, organisations=40, prefix="Werkgever"):
    """`count` realised and pledged contributions over `organisations` companies, quickly."""
    companies = [
        OrganisationFactory(partnership=partnership, name=f"{prefix} {n:03d}")
        for n in range(organisations)
    ]
    Contribution.objects.bulk_create(
        Contribution(
            partnership=partnership,
            organisation=companies[n % organisations],
            year=2025 + n % 4,
            kind="labour" if n % 3 else "money",
            description=f"Bijdrage {prefix} {n}",
            hours=D("2") if n % 3 else None,
            amount=None if n % 3 else D("100.00"),
            value=D("100.00"),
            status="realised" if n % 2 else "pledged",
            realised_value=D("90.00") if n % 2 else None,
        )
        for n in range(count)
    )


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def exact(value):
    """A number read back as the Decimal it was written as (openpyxl reads floats)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return D(str(value))
    return value


def rows(sheet) -> list[tuple]:
    return [tuple(exact(v) for v in values) for values in sheet.iter_rows(values_only=True)]


def row_of(sheet, label, column=0) -> tuple:
    """The first row whose cell in `column` is `label`, numbers as Decimals."""
    for values in rows(sheet):
        if values[column] == label:
            return values
    raise AssertionError(f"{label!r} is not in column {column} of {sheet.title}")


def cell_of(sheet, value):
    for line in sheet.iter_rows():
        for cell in line:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} is not in {sheet.title}")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return result.stdout.replace("\u00a0", " ")


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def rendered_statement(partnership, *, year=2026, user=None):
    """A statement with (tiny, not real) files attached, as after its rendering."""
    statement = AnnualStatement(partnership=partnership, year=year, created_by=user)
    statement.pdf.save("s.pdf", ContentFile(b"%PDF-1.7 statement"), save=False)
    statement.ledger.save("s.xlsx", ContentFile(b"PK ledger"), save=False)
    statement.pdf_sha256 = hashlib.sha256(b"%PDF-1.7 statement").hexdigest()
    statement.ledger_sha256 = hashlib.sha256(b"PK ledger").hexdigest()
    statement.rendered_at = timezone.now()
    statement.save()
    return statement
