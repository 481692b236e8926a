"""The demo region's bundles build (docs/rules.md §24): 2025 and 2026 each hold the ledger,
the annual statement, the demo's evidence and the sealed agreement in force."""

import hashlib

import pytest
from django.core.management import call_command

from agreements.demo import seed_signing
from bundle.services import bundle_check
from partners import demo
from partners.models import Partnership
from tests.bundle_data import build_bytes, manifest, open_zip


@pytest.mark.django_db
def test_the_demo_bundles_of_2025_and_2026_build(settings, no_scopes, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    partnership = Partnership.objects.get(slug=demo.DEMO_SLUG)
    seed_signing(partnership)  # after commit when seeding outside a test transaction

    for year in (2025, 2026):
        bundle_check(partnership=partnership, year=year)
        content, written = build_bytes(partnership, year)
        archive = open_zip(content)
        names = archive.namelist()
        assert written.missing_count == 0
        # 2025 is realised with evidence; 2026 only partly, without files yet.
        assert any(name.startswith("bewijsstukken/") for name in names) == (year == 2025)
        assert any(
            name.startswith("overeenkomst/") and name.endswith("-verzegeld.pdf") for name in names
        )
        for row in manifest(archive):
            assert hashlib.sha256(archive.read(row["path"])).hexdigest() == row["sha256"]
