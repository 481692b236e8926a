"""The accountant's bundle at scale (docs/rules.md §24): files are streamed into the ZIP, so
memory stays flat whatever the evidence weighs, and building reads the data in a fixed
number of queries. Time and resident memory are measured by benchmarks/bundle.py."""

import hashlib
import os
import tempfile
import tracemalloc
import zipfile
from decimal import Decimal as D
from functools import partial

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bundle.archive import Member, write_bundle
from bundle.building import bundle_write
from bundle.contents import bundle_contents
from cofinancing.models import Contribution, Evidence
from tests.bundle_data import agreement_in_force, manifest
from tests.factories import BudgetFactory, ContributionFactory, OrganisationFactory
from tests.reports_data import bulk_contributions

pytestmark = pytest.mark.usefixtures("no_scopes")
BIG = 30 * 1024 * 1024


def test_a_30_mb_file_is_streamed_with_a_memory_peak_far_below_its_size(tmp_path):
    source = tmp_path / "groot.pdf"
    digest = hashlib.sha256()
    with open(source, "wb") as handle:
        for _ in range(BIG // (1024 * 1024)):
            chunk = os.urandom(1024 * 1024)
            digest.update(chunk)
            handle.write(chunk)
    members = [Member(path="bewijs/groot.pdf", opener=partial(open, source, "rb"))]

    with tempfile.TemporaryFile() as target:
        tracemalloc.start()
        try:
            written = write_bundle(members, target)
            _size, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        target.seek(0)
        with zipfile.ZipFile(target) as archive, archive.open("bewijs/groot.pdf") as member:
            check = hashlib.sha256()
            while chunk := member.read(1024 * 1024):
                check.update(chunk)

    assert peak < BIG / 8, f"peak {peak} bytes"
    assert written.rows[0].sha256 == digest.hexdigest() == check.hexdigest()
    assert written.rows[0].size == BIG


def test_a_30_mb_evidence_file_goes_through_the_storage_by_streaming(partnership, leader):
    BudgetFactory(partnership=partnership)
    contribution = ContributionFactory(
        organisation=OrganisationFactory(partnership=partnership), year=2026, status="realised"
    )
    data = os.urandom(BIG)
    evidence = Evidence(
        partnership=partnership,
        contribution=contribution,
        kind="hours_statement",
        name="groot.pdf",
        content_type="application/pdf",
        size=BIG,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    evidence.file.save("groot", ContentFile(data), save=False)
    evidence.save()
    del data
    contents = bundle_contents(partnership=partnership, year=2026)  # renders the PDF first

    with tempfile.TemporaryFile() as target:
        tracemalloc.start()
        try:
            written = write_bundle(list(contents), target)
            _size, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        target.seek(0)
        rows = manifest(zipfile.ZipFile(target))

    assert peak < BIG / 8, f"peak {peak} bytes"
    row = next(row for row in rows if row["path"].endswith("groot.pdf"))
    assert row["status"] == "OK" and row["sha256"] == evidence.sha256
    assert written.missing_count == 0


def _region(partnership, leader, count):
    """`count` contributions (half realised) over 40 companies, each realised one with an
    evidence row whose file is not on disk (listed MISSING: no bytes to write here)."""
    BudgetFactory(partnership=partnership)
    bulk_contributions(partnership, count)
    Evidence.objects.bulk_create(
        Evidence(
            partnership=partnership,
            contribution=contribution,
            kind="hours_statement",
            file=f"evidence/{partnership.pk}/{contribution.code}",
            name=f"urenstaat {n}.pdf",
            content_type="application/pdf",
            size=1000,
            sha256=f"{n:064x}",
        )
        for n, contribution in enumerate(
            Contribution.objects.filter(partnership=partnership, status="realised")
        )
    )
    agreement_in_force(partnership, leader)


def _queries(partnership, year) -> tuple[int, int]:
    with tempfile.TemporaryFile() as target, CaptureQueriesContext(connection) as context:
        written = bundle_write(partnership=partnership, year=year, target=target)
    return len(context.captured_queries), written.missing_count


def test_building_runs_the_same_queries_at_5_and_2000_contributions(
    partnership, other_partnership, leader, outsider
):
    _region(partnership, leader, 5)
    _region(other_partnership, outsider, 2000)

    few, few_missing = _queries(partnership, None)
    many, many_missing = _queries(other_partnership, None)
    assert few == many <= 36  # the statement counts what evidence lacks: 3 queries
    assert (few_missing, many_missing) == (2, 1000)
    assert _queries(partnership, 2026)[0] == _queries(other_partnership, 2026)[0] == few


def test_contributions_of_other_partnerships_never_enter_the_bundle(
    partnership, other_partnership, leader, outsider
):
    _region(partnership, leader, 5)
    ContributionFactory(
        organisation=OrganisationFactory(partnership=other_partnership, name="Vreemd B.V."),
        year=2026,
        value=D("5.00"),
    )
    with tempfile.TemporaryFile() as target:
        bundle_write(partnership=partnership, year=None, target=target)
        target.seek(0)
        archive = zipfile.ZipFile(target)
        names = archive.namelist()
        ledger = archive.read("ledger.xlsx")
    assert not any("vreemd" in name for name in names)
    from tests.reports_data import workbook

    organisations = {row[2] for row in workbook(ledger)["Bijdragen"].iter_rows(values_only=True)}
    assert "Vreemd B.V." not in organisations
