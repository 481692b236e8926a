"""A region for the bundle tests: the report tests' region (tests/reports_data.py) plus a
sealed agreement in force, and helpers to open a bundle."""

import csv
import hashlib
import io
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone

from bundle.building import bundle_write
from signing.models import RoundStatus
from tests.factories import send_round, signing_version
from tests.reports_data import region

SEALED = b"%PDF-1.7 sealed agreement with its audit certificate\n%%EOF\n"


def agreement_in_force(partnership, leader):
    """A version sent and its round completed with a (tiny, not real) sealed PDF."""
    version = signing_version(partnership, parties=1, real_pdf=True)
    signing_round = send_round(version, leader)
    signing_round.status = RoundStatus.COMPLETED
    signing_round.completed_at = timezone.now()
    signing_round.final_pdf.save("sealed.pdf", ContentFile(SEALED), save=False)
    signing_round.final_pdf_sha256 = hashlib.sha256(SEALED).hexdigest()
    signing_round.sealed_at = timezone.now()
    signing_round.save()
    return signing_round


def bundle_region(partnership, leader):
    data = region(partnership)
    data["round"] = agreement_in_force(partnership, leader)
    return data


def ready_build(partnership, user, *, year=2026):
    """A build as after building, with a tiny file (not a real bundle)."""
    from bundle.models import BuildStatus, BuildVia, BundleBuild

    build = BundleBuild(
        partnership=partnership,
        year=year,
        via=BuildVia.PAGE,
        built_by=user,
        status=BuildStatus.READY,
        finished_at=timezone.now(),
        manifest_sha256="ab" * 32,
        size=22,
        file_count=1,
    )
    build.file.save("b.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
    build.save()
    return build


def build_bytes(partnership, year):
    buffer = io.BytesIO()
    written = bundle_write(partnership=partnership, year=year, target=buffer)
    return buffer.getvalue(), written


def manifest(archive: zipfile.ZipFile) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read("MANIFEST.csv").decode("utf-8"))))


def open_zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))
