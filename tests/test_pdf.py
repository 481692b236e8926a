"""The agreement PDF, read back with pdftotext (docs/rules.md §12).

The snapshots are built by hand, so these tests do not depend on the snapshot builder, and
no test here has database access: pytest-django would fail a render that queried it.
"""

import re
import subprocess
import zlib
from decimal import Decimal

import pytest

from agreements.clauses import DEFAULT_CLAUSES, UnknownPlaceholder, render_clause
from agreements.pdf import render_pdf

HASH = "0123456789abcdef" * 4


def _signatory(key, name, *, job_title="Directeur", authority_label="zelfstandig bevoegd"):
    return {
        "key": key,
        "name": name,
        "job_title": job_title,
        "email": f"{key}@example.nl",
        "authority": "sole",
        "authority_label": authority_label,
        "proxy_limit": None,
        "co_signatory": None,
        "evidence_source": "kvk",
        "evidence_reference": "",
        "evidence_date": None,
        "checked_by": None,
        "checked_at": None,
    }


def _contribution(
    year, kind, kind_label, description, value, *, excluded_reason="", rate_justification=""
):
    return {
        "rate_justification": rate_justification,
        "year": year,
        "kind": kind,
        "kind_label": kind_label,
        "description": description,
        "status": "confirmed",
        "valuation": "",
        "value": value,
        "excluded_reason": excluded_reason,
    }


def _party(
    key,
    name,
    *,
    kind="company",
    business=True,
    kvk="",
    brin="",
    signatories=(),
    tasks=(),
    contributions=(),
    total="0.00",
):
    return {
        "key": key,
        "name": name,
        "kind": kind,
        "kind_label": "Bedrijf" if business else "School",
        "kvk_number": kvk,
        "brin_code": brin,
        "legal_form": "",
        "address": "Industrieweg 1",
        "postal_code": "7550 AA",
        "city": "Hengelo",
        "counts_as_business": business,
        "signatories": list(signatories),
        "tasks": list(tasks),
        "contributions": list(contributions),
        "total": total,
    }


def _snapshot(parties, *, clauses=None):
    return {
        "schema": 1,
        "partnership": {
            "name": "Regio Twente Techniek",
            "slug": "twente",
            "region": "Twente",
            "start_year": 2025,
            "end_year": 2028,
        },
        "scheme": {
            "code": "sto-2025-2028",
            "name": "STO 2025–2028",
            "share": "0.1000",
            "base": "eligible",
            "default_hourly_rate": "50.00",
        },
        "penvoerder": parties[0]["key"],
        "parties": parties,
        "cofinancing": {
            "rate": "0.10",
            "base_amount": "100000.00",
            "business_money": "1000.00",
            "business_in_kind": "10500.00",
            "business_total": "11500.00",
            "required": "10000.00",
            "shortfall": "0.00",
            "percentage": "11.50",
            "met": True,
            "excluded": [],
        },
        "clauses": clauses
        if clauses is not None
        else [{"key": k, "title": t, "text": x} for k, t, x in DEFAULT_CLAUSES],
        "readiness": {"ready": True, "items": []},
    }


def _three_parties():
    return [
        _party(
            "a",
            "Metaalwerken Hengelo B.V.",
            kvk="12345678",
            signatories=[_signatory("s1", "Anna de Vries")],
            tasks=[
                {
                    "activity_code": "x",
                    "activity_title": "Gastlessen CNC",
                    "tasks": "Dertig gastlessen geven",
                    "responsibilities": "Veilige werkplaats",
                }
            ],
            contributions=[
                _contribution(2025, "labour", "Uren", "30 gastlessen", "4500.00"),
                _contribution(2026, "depreciation", "Machine", "CNC-draaibank", "6000.00"),
            ],
            total="10500.00",
        ),
        _party(
            "b",
            "Installatiebedrijf Oost",
            kvk="87654321",
            signatories=[
                _signatory("s2", "Bram Jansen", authority_label="gezamenlijk bevoegd"),
                _signatory("s3", "Carla Smit", authority_label="gezamenlijk bevoegd"),
            ],
            contributions=[_contribution(2025, "money", "Geld", "Bijdrage", "1000.00")],
            total="1000.00",
        ),
        _party(
            "c",
            "Het Techniek College",
            kind="school",
            business=False,
            brin="12AB",
            signatories=[_signatory("s4", "Dirk Bakker", job_title="Lid College van Bestuur")],
            tasks=[
                {
                    "activity_code": "y",
                    "activity_title": "Keuzevak",
                    "tasks": "Lessen roosteren",
                    "responsibilities": "Leerlingen begeleiden",
                }
            ],
        ),
    ]


def _text(pdf: bytes, tmp_path, *, page=None) -> str:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    result = subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout.replace("\u00a0", " ")


def _page_count(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))


@pytest.fixture(scope="module")
def small_pdf():
    return render_pdf(_snapshot(_three_parties()), number=3, snapshot_sha256=HASH)


def test_pdf_shows_every_party_with_kvk_or_brin(small_pdf, tmp_path):
    text = _text(small_pdf, tmp_path)
    for name in ("Metaalwerken Hengelo B.V.", "Installatiebedrijf Oost", "Het Techniek College"):
        assert name in text
    assert "KvK-nummer 12345678" in text
    assert "BRIN 12AB" in text


def test_pdf_shows_every_signatory_with_authority(small_pdf, tmp_path):
    text = _text(small_pdf, tmp_path)
    for name in ("Anna de Vries", "Bram Jansen", "Carla Smit", "Dirk Bakker"):
        assert f"Naam: {name}" in text
    assert "gezamenlijk bevoegd" in text
    assert "Lid College van Bestuur" in text


def test_pdf_shows_each_amount_as_printed_and_the_totals(small_pdf, tmp_path):
    text = _text(small_pdf, tmp_path)
    for amount in ("€ 4.500,00", "€ 6.000,00", "€ 1.000,00", "€ 10.500,00"):
        assert amount in text
    assert re.search(r"Totaal alle partijen\s+€ 11\.500,00", text)
    assert re.search(r"Vereiste cofinanciering\s+€ 10\.000,00", text)
    assert re.search(r"Percentage van de grondslag\s+11,50%", text)


def test_pdf_shows_why_a_rate_differs_from_the_schemes(tmp_path):
    parties = _three_parties()
    parties[0]["contributions"][0] = _contribution(
        2025,
        "labour",
        "Uren",
        "Hybride docent",
        "4500.00",
        rate_justification="Uurtarief volgens de GPL van de CAO VO, schaal LB.",
    )
    pdf = render_pdf(_snapshot(parties), number=3, snapshot_sha256=HASH)
    text = " ".join(_text(pdf, tmp_path).split())
    assert "Onderbouwing van het tarief: Uurtarief volgens de GPL van de CAO VO, schaal LB." in text


def test_pdf_shows_tasks_per_party(small_pdf, tmp_path):
    text = _text(small_pdf, tmp_path)
    assert "Dertig gastlessen geven" in text
    assert "Leerlingen begeleiden" in text


def test_annex_lists_companies_only_per_kind_per_year(small_pdf, tmp_path):
    text = _text(small_pdf, tmp_path)
    annex = text[text.index("Bedrijfscofinanciering per bedrijf") :]
    assert "Metaalwerken Hengelo B.V." in annex
    assert "Het Techniek College" not in annex
    assert re.search(r"Machine\s+€ 0,00\s+€ 6\.000,00\s+€ 6\.000,00", annex)


def test_header_and_footer_show_version_page_numbers_and_hash_prefix(small_pdf, tmp_path):
    first = _text(small_pdf, tmp_path, page=1)
    pages = _page_count(small_pdf, tmp_path)
    assert "Regio Twente Techniek — Versie 3" in first
    assert f"Pagina 1 van {pages}" in first
    assert HASH[:12] in first
    assert HASH[:13] not in first


def test_output_is_a_pdf_a_3b(small_pdf):
    assert small_pdf.startswith(b"%PDF")
    streams = [small_pdf]
    for match in re.finditer(rb"stream\r?\n", small_pdf):
        try:
            streams.append(zlib.decompressobj().decompress(small_pdf[match.end() :]))
        except zlib.error:
            continue
    metadata = b"".join(s for s in streams if b"pdfaid:part" in s)
    assert b'pdfaid:part="3"' in metadata
    assert b'pdfaid:conformance="B"' in metadata


def test_html_in_a_clause_and_a_party_name_is_printed_as_text(tmp_path):
    parties = _three_parties()
    parties[1]["name"] = "<script>alert(1)</script> B.V."
    clauses = [
        {"key": "purpose", "title": "Doel", "text": "Wij <b>samen</b> <script>alert(2)</script>"}
    ]
    pdf = render_pdf(_snapshot(parties, clauses=clauses), number=1, snapshot_sha256=HASH)
    text = _text(pdf, tmp_path)
    assert "<script>alert(1)</script> B.V." in text
    assert "Wij <b>samen</b> <script>alert(2)</script>" in text


def test_unknown_placeholder_raises_naming_it():
    clauses = [{"key": "purpose", "title": "Doel", "text": "Voor {partnership} en {bestaatniet}."}]
    with pytest.raises(UnknownPlaceholder) as raised:
        render_pdf(_snapshot(_three_parties(), clauses=clauses), number=1, snapshot_sha256=HASH)
    assert raised.value.name == "bestaatniet"
    assert "bestaatniet" in str(raised.value)


def test_render_clause_fills_placeholders_with_dutch_amounts_and_splits_paragraphs():
    snapshot = _snapshot(_three_parties())
    text = "{partnership} ({region}), {start_year}–{end_year}, {share}.\n\n{penvoerder}: {party_count} partijen, {business_total} van {required}."
    assert render_clause(text, snapshot) == [
        "Regio Twente Techniek (Twente), 2025–2028, 10%.",
        "Metaalwerken Hengelo B.V.: 3 partijen, €\u00a011.500,00 van €\u00a010.000,00.",
    ]


def test_render_clause_shows_a_fractional_share_the_dutch_way():
    snapshot = _snapshot(_three_parties())
    snapshot["scheme"]["share"] = "0.0750"
    assert render_clause("{share}", snapshot) == ["7,5%"]


def test_every_default_clause_renders_and_includes_purpose():
    snapshot = _snapshot(_three_parties())
    keys = [key for key, _title, _text in DEFAULT_CLAUSES]
    assert "purpose" in keys
    assert len(keys) == len(set(keys))
    for _key, _title, text in DEFAULT_CLAUSES:
        assert render_clause(text, snapshot)


def test_a_very_long_name_wraps_inside_the_page(tmp_path):
    parties = _three_parties()
    long_name = "Technischeinstallatieenonderhoudsbedrijf" * 8
    parties[0]["name"] = long_name
    parties[0]["contributions"][0]["description"] = "Omschrijving" * 40
    pdf = render_pdf(_snapshot(parties), number=1, snapshot_sha256=HASH)
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    page_width = Decimal(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    right_edges = [Decimal(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)]
    assert right_edges
    assert max(right_edges) < page_width - 40  # inside the 18 mm margin, give or take


def _many_parties(count):
    return [
        _party(
            f"p{index:03}",
            f"Partner {index:03} Techniek B.V.",
            kvk=f"{10000000 + index}",
            signatories=[_signatory(f"s{index:03}", f"Ondertekenaar {index:03}")],
            tasks=[
                {
                    "activity_code": "x",
                    "activity_title": "Gastlessen",
                    "tasks": "Lesgeven",
                    "responsibilities": "Veiligheid",
                }
            ],
            contributions=[_contribution(2025, "labour", "Uren", "Gastlessen", "4500.00")],
            total="4500.00",
        )
        for index in range(count)
    ]


def test_150_parties_render_and_no_signature_block_is_split(tmp_path):
    pdf = render_pdf(_snapshot(_many_parties(150)), number=1, snapshot_sha256=HASH)
    pages = _page_count(pdf, tmp_path)
    assert pages > 1
    seen = set()
    for page in range(1, pages + 1):
        lines = [line.strip() for line in _text(pdf, tmp_path, page=page).splitlines()]
        blocks = [line for line in lines if line.startswith(("Naam:", "Handtekening:"))]
        # On every page each block's name line is followed by its signature line.
        assert len(blocks) % 2 == 0, f"page {page}: {blocks}"
        for name_line, signature_line in zip(blocks[::2], blocks[1::2], strict=True):
            assert name_line.startswith("Naam: Ondertekenaar"), f"page {page}: {blocks}"
            assert signature_line.startswith("Handtekening:"), f"page {page}: {blocks}"
            seen.add(name_line)
    assert len(seen) == 150
