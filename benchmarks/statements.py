"""Time of sending a year's company statements, and of rendering one (docs/rules.md §23).

Not a test: run it by hand against a database that is migrated (SQLite by default, or
DATABASE_URL), on a quiet machine:

    .venv/bin/python benchmarks/statements.py [--organisations 150] [--contributions 4]

It makes a throwaway partnership inside a transaction that is rolled back at the end: the
business organisations, each with a checked solely authorised director and a few realised
contributions of 2025, with bulk_create. It times `statements_send` for 2025 (the rows and
their lines made, the signers chosen, the renders queued after commit: inside the rolled
back transaction they are counted, never run), then, separately, rendering the PDF of one
statement (WeasyPrint), and prints one Markdown table row. The issue asks for sending to
150 organisations in under 30 s, the PDFs rendered in the background.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sterk.settings")
MEDIA = tempfile.TemporaryDirectory(prefix="sterk-statements-bench-")
os.environ["MEDIA_ROOT"] = MEDIA.name

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from cofinancing.models import Budget, Contribution, Scheme  # noqa: E402
from cofinancing.schemes import ensure_schemes  # noqa: E402
from cofinancing.statements.pdf import render_pdf  # noqa: E402
from cofinancing.statements.services import statements_send  # noqa: E402
from partners.models import Authority, Contact, Organisation, Partnership, Signatory  # noqa: E402

YEAR = 2025


class Rollback(Exception):
    pass


def make_region(organisations: int, per_organisation: int) -> Budget:
    ensure_schemes()
    stamp = int(time.time())
    partnership = Partnership.objects.create(
        name=f"Benchmark verklaringen {stamp}",
        slug=f"bench-statements-{stamp}",
        region="Benchmark",
        start_year=2025,
        end_year=2028,
    )
    budget = Budget.objects.create(
        partnership=partnership, scheme=Scheme.objects.get(code="sto-2025-2028")
    )
    companies = Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=f"Bedrijf {n:03d} B.V.", kind="company")
        for n in range(organisations)
    )
    contacts = Contact.objects.bulk_create(
        Contact(
            partnership=partnership,
            organisation=company,
            name=f"Directeur {n:03d}",
            email=f"directeur{n:03d}@bedrijf{n:03d}.example.nl",
            job_title="Directeur",
        )
        for n, company in enumerate(companies)
    )
    now = timezone.now()
    Signatory.objects.bulk_create(
        Signatory(
            partnership=partnership,
            contact=contact,
            authority=Authority.SOLE_DIRECTOR,
            evidence_source="kvk_extract",
            evidence_reference=f"KvK-uittreksel {n}",
            evidence_date=date(2026, 1, 15),
            checked_at=now,
        )
        for n, contact in enumerate(contacts)
    )
    Contribution.objects.bulk_create(
        Contribution(
            partnership=partnership,
            organisation=company,
            year=YEAR,
            kind="labour",
            description=f"Gastlessen {n}",
            hours=D("10"),
            hourly_rate=D("50.00"),
            value=D("500.00"),
            status="realised",
            realised_on=date(YEAR, 3, 1) + timedelta(days=7 * n),
            realised_quantity=D("10"),
            realised_value=D("500.00"),
        )
        for company in companies
        for n in range(per_organisation)
    )
    return budget


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=150)
    parser.add_argument("--contributions", type=int, default=4, help="per organisation")
    options = parser.parse_args()
    with scopes_disabled():
        try:
            with transaction.atomic():
                budget = make_region(options.organisations, options.contributions)
                waiting = len(connection.run_on_commit)
                started = time.perf_counter()
                result = statements_send(
                    budget=budget,
                    year=YEAR,
                    user=None,
                    deadline=timezone.now() + timedelta(days=21),
                )
                send_seconds = time.perf_counter() - started
                queued = len(connection.run_on_commit) - waiting
                one = result.made[0]
                started = time.perf_counter()
                pdf = render_pdf(one)
                render_seconds = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
    print(
        "| organisations | contributions | statements made | refused | renders queued "
        "| send | one PDF | PDF size |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {options.organisations:,} | {options.organisations * options.contributions:,} "
        f"| {len(result.made):,} | {len(result.refused):,} | {queued:,} "
        f"| {send_seconds:.2f} s | {render_seconds:.2f} s | {len(pdf) / 1024:.0f} KB |"
    )
    MEDIA.cleanup()


if __name__ == "__main__":
    main()
