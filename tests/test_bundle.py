"""The accountant's bundle (docs/rules.md §24): what the ZIP holds, its manifest, and that
the same data gives the same bundle."""

import hashlib
import io
import time

import pytest
from openpyxl import load_workbook

from bundle.archive import FIXED_TIME
from cofinancing.models import Evidence
from tests.bundle_data import build_bytes, bundle_region, manifest, open_zip
from tests.reports_data import attach, pdf_text

pytestmark = pytest.mark.usefixtures("no_scopes")


@pytest.fixture
def data(partnership, leader, no_scopes):
    return bundle_region(partnership, leader)


def test_the_bundle_of_a_year_holds_ledger_statement_evidence_agreement_and_manifest(
    partnership, data
):
    content, written = build_bytes(partnership, 2025)
    names = open_zip(content).namelist()

    assert names == sorted(names[:-1]) + ["MANIFEST.csv"]
    assert {"LEESMIJ.txt", "ledger.xlsx", "jaarverantwoording.pdf"} <= set(names)
    version = data["round"].document.details["version"]
    assert f"overeenkomst/samenwerkingsovereenkomst-v{version}-verzegeld.pdf" in names
    assert f"overeenkomst/audittrail-v{version}.csv" in names
    labour = data["labour"]
    assert (
        f"bewijsstukken/metaalwerken-hengelo/2025-{str(labour.code)[:8]}-urenstaat-2025.pdf"
        in names
    )
    # The cost line's invoice is under the project costs (no penvoerder chosen here).
    assert any(
        name.startswith("bewijsstukken/projectkosten/2025-")
        and name.endswith("factuur-trainer.pdf")
        for name in names
    )
    assert written.file_count == len(names) - 1 and written.missing_count == 0


def test_every_manifest_hash_is_the_sha256_of_its_member(partnership, data):
    content, written = build_bytes(partnership, None)
    archive = open_zip(content)
    rows = manifest(archive)

    assert [row["path"] for row in rows] == sorted(set(archive.namelist()) - {"MANIFEST.csv"})
    for row in rows:
        member = archive.read(row["path"])
        assert row["sha256"] == hashlib.sha256(member).hexdigest(), row["path"]
        assert int(row["size"]) == len(member)
        assert row["status"] == "OK"
    assert written.manifest_sha256 == hashlib.sha256(archive.read("MANIFEST.csv")).hexdigest()
    # Evidence and the sealed agreement carry the SHA-256 Sterk recorded for them.
    recorded = {row["path"]: row["recorded_sha256"] for row in rows if row["recorded_sha256"]}
    assert len(recorded) == 3
    assert all(info.date_time == FIXED_TIME for info in archive.infolist())


def test_leesmij_explains_the_structure_in_dutch(partnership, data):
    content, _written = build_bytes(partnership, 2025)
    text = open_zip(content).read("LEESMIJ.txt").decode("utf-8")

    assert "Dossier voor de accountant — Regio Twente Techniek" in text
    assert "Dit dossier gaat over het jaar 2025." in text
    for part in ("Wat staat waar", "ledger.xlsx", "jaarverantwoording.pdf", "bewijsstukken/",
                 "verklaringen/", "overeenkomst/", "auditcertificaat", "MANIFEST.csv",
                 "MISSING", "Controleren", "sha256sum"):  # fmt: skip
        assert part in text, part
    assert "metaalwerken-hengelo: Metaalwerken Hengelo" in text


def test_the_ledger_reads_back_with_every_line_of_the_year(partnership, data):
    content, _written = build_bytes(partnership, 2026)
    workbook = load_workbook(io.BytesIO(open_zip(content).read("ledger.xlsx")))

    assert workbook.sheetnames == ["Bijdragen", "Kosten", "Financiering", "Bewijsstukken"]
    contributions = [row for row in workbook["Bijdragen"].iter_rows(min_row=2, values_only=True)]
    years = {row[1] for row in contributions if row[0] and len(row[0]) == 36}
    assert years == {2026}
    assert workbook.properties.modified.year == 1980


def test_the_statement_names_the_ledger_by_its_sha256_and_prints_no_time(
    partnership, data, tmp_path
):
    content, _written = build_bytes(partnership, 2025)
    archive = open_zip(content)
    text = pdf_text(archive.read("jaarverantwoording.pdf"), tmp_path)

    ledger_sha256 = hashlib.sha256(archive.read("ledger.xlsx")).hexdigest()
    assert ledger_sha256 in text.replace("\n", "").replace(" ", "")
    assert "Jaarverantwoording 2025" in text
    assert "Gemaakt voor het dossier van de accountant" in text
    assert "Gemaakt op" not in text


def test_the_same_data_gives_the_same_bundle_byte_for_byte(partnership, data):
    first, first_written = build_bytes(partnership, 2025)
    time.sleep(1.1)  # openpyxl and ZIP times have a resolution of seconds
    second, second_written = build_bytes(partnership, 2025)

    assert first_written.manifest_sha256 == second_written.manifest_sha256
    assert first == second


def test_changed_data_gives_another_manifest(partnership, data):
    _content, before = build_bytes(partnership, 2025)
    attach(data["labour"], "presentielijst.pdf", kind="attendance_list")
    _content, after = build_bytes(partnership, 2025)

    assert before.manifest_sha256 != after.manifest_sha256


def test_an_evidence_file_missing_on_disk_is_listed_missing_and_the_bundle_still_built(
    partnership, data
):
    evidence = Evidence.objects.get(name="urenstaat-2025.pdf")
    evidence.file.storage.delete(evidence.file.name)

    content, written = build_bytes(partnership, 2025)
    archive = open_zip(content)
    rows = {row["path"]: row for row in manifest(archive)}
    missing = [row for row in rows.values() if row["status"] == "MISSING"]

    assert written.missing_count == 1 and len(missing) == 1
    assert missing[0]["path"].endswith("urenstaat-2025.pdf")
    assert missing[0]["path"] not in archive.namelist()
    assert missing[0]["sha256"] == missing[0]["recorded_sha256"] == evidence.sha256
    assert int(missing[0]["size"]) == evidence.size
    assert "ledger.xlsx" in archive.namelist()


def test_an_evidence_file_whose_bytes_changed_is_listed_changed(partnership, data):
    evidence = Evidence.objects.get(name="urenstaat-2025.pdf")
    with open(evidence.file.path, "wb") as handle:
        handle.write(b"%PDF-1.7 something else")

    content, _written = build_bytes(partnership, 2025)
    row = next(r for r in manifest(open_zip(content)) if r["path"].endswith("urenstaat-2025.pdf"))

    assert row["status"] == "CHANGED"
    assert row["recorded_sha256"] == evidence.sha256
    assert row["sha256"] == hashlib.sha256(b"%PDF-1.7 something else").hexdigest()


def test_the_penvoerder_folder_holds_the_project_costs(partnership, data):
    from agreements.models import Agreement

    Agreement.objects.update_or_create(
        partnership=partnership, defaults={"penvoerder": data["company"]}
    )
    content, _written = build_bytes(partnership, 2025)
    names = open_zip(content).namelist()

    assert any(
        name.startswith("bewijsstukken/metaalwerken-hengelo/projectkosten/2025-") for name in names
    )
    text = open_zip(content).read("LEESMIJ.txt").decode()
    assert "Penvoerder: Metaalwerken Hengelo." in text


def test_odd_file_names_stay_inside_their_folder_and_unique(partnership, data):
    labour = data["labour"]
    attach(labour, "../../etc/passwd", kind="other")
    attach(labour, "urenstaat-2025.pdf", kind="other")
    content, _written = build_bytes(partnership, 2025)
    names = [n for n in open_zip(content).namelist() if n.startswith("bewijsstukken/")]

    assert len(names) == len(set(names)) == 4
    assert all(part not in {"", ".", ".."} for name in names for part in name.split("/"))
    assert any(name.endswith("urenstaat-2025-2.pdf") for name in names)


def test_the_agreement_is_left_out_until_one_is_signed(partnership, leader, no_scopes):
    from tests.reports_data import region

    region(partnership)
    content, _written = build_bytes(partnership, 2025)
    archive = open_zip(content)

    assert not any(name.startswith("overeenkomst/") for name in archive.namelist())
    assert "nog geen ondertekende samenwerkingsovereenkomst" in archive.read("LEESMIJ.txt").decode()
