"""The final document and its seal (docs/rules.md §15): completion pages, PAdES seal, seal check.

Nothing here needs the database. Every test points SEAL_DEV_DIR at a temporary folder, so
no test writes a certificate into var/. Rendering is slow, so the PDFs most tests look at
are made once per module.
"""

import asyncio
import base64
import hashlib
import io
import logging
import os
import re
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import translation
from pypdf import PdfReader

from agreements.pdf import render_pdf, stylesheets
from signing import completion, seal_check, sealing
from signing.completion import completion_pdf, render_completion_pages
from signing.seal_check import SealCheck, check_seal
from signing.sealing import SEAL_FIELD, platform_certificates, platform_signer, seal_pdf
from tests.test_pdf import HASH, _snapshot, _three_parties

SEAL_SETTINGS = {"SEAL_PKCS12_PATH": None, "SEAL_PKCS12_PASSPHRASE": "", "SEAL_TSA_URL": ""}
STATUSES = {"sealed", "altered", "foreign", "unsealed", "unreadable"}


# --- Helpers ------------------------------------------------------------------------------


def _png(width=240, height=80) -> bytes:
    """A tiny but valid RGBA PNG: a dark stroke on a transparent background."""
    rows = b"".join(
        b"\x00"
        + b"".join(b"\x10\x10\x40\xff" if x == y % width else b"\0\0\0\0" for x in range(width))
        for y in range(height)
    )

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG_URL = "data:image/png;base64," + base64.b64encode(_png()).decode()


def _signature(index, method="online", **overrides):
    signature = {
        "organisation": f"Organisatie {index:02} Techniek B.V.",
        "name": f"Ondertekenaar {index:02}",
        "job_title": "Directeur",
        "authority_label": "zelfstandig bevoegd",
        "evidence": "KvK-uittreksel 12345678, 1 maart 2026, gecontroleerd door P. Leider",
        "method": method,
        "signed_at": "2026-11-27T13:05:00+00:00",
        "typed_name": f"Getypt {index:02}",
        "statement": "Ik verklaar dat ik bevoegd ben deze overeenkomst te ondertekenen.",
        "email": f"ondertekenaar{index}@example.nl",
        "code_verified_at": "2026-11-27T13:04:00+00:00" if method == "online" else "",
        "ip": "192.0.2.10",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        "pdf_sha256": "ab" * 32,
        "signature_image": "",
        "scan_sha256": "cd" * 32 if method == "paper" else "",
    }
    signature.update(overrides)
    return signature


def _event(seq, kind="signed", label="Ondertekend"):
    return {
        "seq": seq,
        "at": f"2026-11-27T13:{seq % 60:02}:00+00:00",
        "kind": kind,
        "label": label,
        "actor": "Projectleider Twente",
        "hash": hashlib.sha256(f"event {seq}".encode()).hexdigest(),
        "prev_hash": hashlib.sha256(f"event {seq - 1}".encode()).hexdigest() if seq > 1 else "",
    }


def _certificate(signatures=None, events=None):
    return {
        "document": {
            "title": "Samenwerkingsovereenkomst Regio Twente Techniek, versie 3",
            "code": "V3",
            "kind_label": "samenwerkingsovereenkomst",
            "pdf_sha256": "ab" * 32,
            "reference": HASH,
        },
        "lines": [
            ["Samenwerkingsverband", "Regio Twente Techniek (Twente)"],
            ["Versie", "3"],
            ["SHA-256 van de inhoud", HASH],
        ],
        "round": {
            "code": "R-1",
            "sent_at": "2026-11-20T09:00:00+00:00",
            "completed_at": "2026-11-27T13:05:00+00:00",
            "ordered": True,
            "deadline": "2026-12-20T23:00:00+00:00",
        },
        "signatures": signatures
        if signatures is not None
        else [
            _signature(1, "online", signature_image=PNG_URL),
            _signature(2, "in_person"),
            _signature(3, "paper"),
        ],
        "events": events if events is not None else [_event(seq) for seq in range(1, 6)],
    }


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def _flat(text: str) -> str:
    """Text without line breaks, so a wrapped long value is found whole."""
    return re.sub(r"\s+", "", text)


def _key_and_certificate(common_name, *, key=None, days=30, now=None):
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = now or datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _pkcs12(path, common_name, passphrase: bytes | None, *, key=None, now=None):
    key, certificate = _key_and_certificate(common_name, key=key, now=now)
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"x", key, certificate, None, encryption)
    )
    return path


def _foreign_signer(common_name="Iemand anders"):
    from pyhanko.sign.signers import SimpleSigner

    key, certificate = _key_and_certificate(common_name)
    data = pkcs12.serialize_key_and_certificates(
        b"x", key, certificate, None, serialization.NoEncryption()
    )
    return SimpleSigner.load_pkcs12_data(data, other_certs=[])


def _sign_with(pdf: bytes, signer, field="Ander") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=field, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


def _validate_directly(pdf: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=platform_certificates(), allow_fetching=False)
    return signature, validate_pdf_signature(signature, context)


def _fingerprint(signer) -> str:
    return hashlib.sha256(signer.signing_cert.dump()).hexdigest()


def _pdfa_metadata(pdf: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data()


# --- Fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seal_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("seal")


@pytest.fixture(autouse=True)
def _seal_settings(settings, seal_dir):
    """Every test seals with the module's development certificate unless it says otherwise."""
    settings.SEAL_DEV_DIR = seal_dir
    for name, value in SEAL_SETTINGS.items():
        setattr(settings, name, value)


@pytest.fixture(scope="module")
def version_pdf():
    return render_pdf(_snapshot(_three_parties()), number=3, snapshot_sha256=HASH)


@pytest.fixture(scope="module")
def final_pdf(version_pdf):
    return completion_pdf(version_pdf, _certificate())


@pytest.fixture(scope="module")
def sealed_pdf(final_pdf, seal_dir):
    with override_settings(SEAL_DEV_DIR=seal_dir, **SEAL_SETTINGS):
        return seal_pdf(final_pdf)


# --- The platform signer ----------------------------------------------------------------


def test_dev_certificate_is_created_once_and_reused(settings, tmp_path):
    settings.SEAL_DEV_DIR = tmp_path / "seal"
    first = platform_signer()
    files = list((tmp_path / "seal").iterdir())
    assert [path.name for path in files] == [sealing.DEV_FILE_NAME]  # no temporary left over
    written = files[0].read_bytes()
    assert platform_signer() is first  # cached per process

    platform_signer.cache_clear()
    again = platform_signer()
    assert again is not first
    assert _fingerprint(again) == _fingerprint(first)
    assert files[0].read_bytes() == written


def test_dev_certificate_is_a_self_signed_rsa_certificate_for_ten_years(settings, tmp_path):
    settings.SEAL_DEV_DIR = tmp_path
    certificate = platform_signer().signing_cert
    assert certificate.public_key.algorithm == "rsa"
    assert certificate.public_key.bit_size == 2048
    assert certificate.subject.native["common_name"] == "Sterk ontwikkelzegel"
    assert certificate.self_signed == "maybe"
    validity = certificate["tbs_certificate"]["validity"]
    lifetime = validity["not_after"].native - validity["not_before"].native
    assert timedelta(days=3649) < lifetime < timedelta(days=3652)
    assert platform_certificates() == [certificate]


def test_dev_certificate_logs_a_warning_when_debug_is_off(settings, tmp_path, caplog):
    settings.SEAL_DEV_DIR = tmp_path
    settings.DEBUG = False
    with caplog.at_level(logging.WARNING, logger="signing.sealing"):
        assert platform_signer() is not None
    assert "SEAL_PKCS12_PATH" in caplog.text


def test_another_settings_value_gives_another_signer(settings, tmp_path):
    settings.SEAL_DEV_DIR = tmp_path / "a"
    first = platform_signer()
    settings.SEAL_DEV_DIR = tmp_path / "b"
    assert _fingerprint(platform_signer()) != _fingerprint(first)


def test_a_configured_pkcs12_file_is_used(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = str(
        _pkcs12(tmp_path / "seal.p12", "Sterk productiezegel", b"geheim")
    )
    settings.SEAL_PKCS12_PASSPHRASE = "geheim"
    signer = platform_signer()
    assert signer.signing_cert.subject.native["common_name"] == "Sterk productiezegel"
    assert platform_certificates() == [signer.signing_cert]


def test_a_configured_pkcs12_seals_and_checks(settings, tmp_path, version_pdf):
    settings.SEAL_PKCS12_PATH = str(_pkcs12(tmp_path / "seal.p12", "Sterk productiezegel", None))
    result = check_seal(seal_pdf(version_pdf))
    assert result.status == "sealed"
    assert "Sterk productiezegel" in result.signer


def test_a_seal_stays_valid_after_its_certificate_expired(
    settings, tmp_path, version_pdf, monkeypatch
):
    """Judged at the time of sealing: an expired platform certificate does not turn every
    archived agreement into an "altered" one."""
    from pyhanko.sign.signers import pdf_signer

    past = datetime(2020, 3, 1, 12, 0, tzinfo=UTC)

    class Then(datetime):
        @classmethod
        def now(cls, tz=None):
            return past if tz is None else past.astimezone(tz)

    path = _pkcs12(tmp_path / "old.p12", "Sterk zegel 2020", None, now=past)  # ended in 2020
    settings.SEAL_PKCS12_PATH = str(path)
    monkeypatch.setattr(pdf_signer, "datetime", Then)
    sealed = seal_pdf(version_pdf)
    monkeypatch.undo()
    result = check_seal(sealed)
    assert result.status == "sealed", result.detail
    assert result.signed_at == past


def test_a_wrong_passphrase_names_the_setting(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = str(_pkcs12(tmp_path / "seal.p12", "Sterk", b"goed"))
    settings.SEAL_PKCS12_PASSPHRASE = "fout"
    with pytest.raises(ImproperlyConfigured, match="SEAL_PKCS12_PASSPHRASE"):
        platform_signer()


def test_a_missing_passphrase_names_the_setting(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = str(_pkcs12(tmp_path / "seal.p12", "Sterk", b"goed"))
    with pytest.raises(ImproperlyConfigured, match="SEAL_PKCS12_PASSPHRASE"):
        platform_signer()


def test_a_missing_file_names_the_setting(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = str(tmp_path / "nergens.p12")
    with pytest.raises(ImproperlyConfigured, match="SEAL_PKCS12_PATH"):
        platform_signer()


def test_a_file_that_is_no_pkcs12_names_the_setting(settings, tmp_path):
    path = tmp_path / "seal.p12"
    path.write_bytes(b"not a certificate")
    settings.SEAL_PKCS12_PATH = str(path)
    with pytest.raises(ImproperlyConfigured, match="SEAL_PKCS12_PATH"):
        platform_signer()


def test_an_ec_key_is_refused_because_it_breaks_pdf_a(settings, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.SEAL_PKCS12_PATH = str(_pkcs12(tmp_path / "ec.p12", "Sterk EC", None, key=key))
    with pytest.raises(ImproperlyConfigured, match="RSA"):
        platform_signer()


def test_an_unreadable_dev_certificate_names_the_setting(settings, tmp_path):
    (tmp_path / sealing.DEV_FILE_NAME).write_bytes(b"half a file")
    settings.SEAL_DEV_DIR = tmp_path
    with pytest.raises(ImproperlyConfigured, match="SEAL_DEV_DIR"):
        platform_signer()


# --- The completion pages ---------------------------------------------------------------


def test_completion_pdf_is_the_version_then_the_completion_pages(version_pdf, final_pdf):
    completion = render_completion_pages(_certificate())
    assert _pages(final_pdf) == _pages(version_pdf) + _pages(completion)
    reader = PdfReader(io.BytesIO(final_pdf))
    assert "Samenwerkingsovereenkomst" in reader.pages[0].extract_text()
    assert "Auditcertificaat" in reader.pages[-1].extract_text()


def test_completion_pdf_keeps_title_and_pdf_a_claim(version_pdf, final_pdf):
    reader = PdfReader(io.BytesIO(final_pdf))
    assert reader.metadata.title == PdfReader(io.BytesIO(version_pdf)).metadata.title
    assert "/OutputIntents" in reader.trailer["/Root"]
    metadata = _pdfa_metadata(final_pdf)
    assert b'pdfaid:part="3"' in metadata
    assert b'pdfaid:conformance="B"' in metadata
    assert final_pdf.startswith(b"%PDF-1.7\n%")


def test_signature_page_shows_every_signature(final_pdf):
    text = _text(final_pdf)
    assert "Ondertekening" in text
    for index in (1, 2, 3):
        assert f"Organisatie {index:02} Techniek B.V." in text
        assert f"Ondertekenaar {index:02}" in text
        assert f"Getypt {index:02}" in text
    assert "27 november 2026 om 14:05" in text  # 13:05 UTC in Amsterdam
    assert "KvK-uittreksel 12345678" in text
    assert "192.0.2.10" in text
    assert "cd" * 32 in _flat(text)  # the paper signature's scan hash


def test_audit_certificate_shows_hashes_rounds_and_events(final_pdf, settings):
    text = _text(final_pdf)
    flat = _flat(text)
    assert "Auditcertificaat" in text
    assert HASH in flat
    assert "ab" * 32 in flat
    assert "20 november 2026 om 10:00" in text
    for seq in range(1, 6):
        digest = _event(seq)["hash"]
        assert digest[:16] in text
        assert digest in flat
    assert f"{settings.SITE_URL}/verify/" in text


def test_drawn_signature_is_embedded_as_an_image(final_pdf, version_pdf):
    reader = PdfReader(io.BytesIO(final_pdf))
    # WeasyPrint shares one resource dictionary between pages: count distinct images.
    images = {image.data for page in reader.pages[_pages(version_pdf) :] for image in page.images}
    assert len(images) == 1


@pytest.mark.parametrize(
    "image",
    [
        "data:image/png;base64,!!!",
        "data:image/png;base64," + base64.b64encode(b"GIF89a not a png").decode(),
        "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode(),
        # A valid header that claims 100000 x 100000 pixels.
        "data:image/png;base64,"
        + base64.b64encode(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + struct.pack(">II", 100000, 100000)
        ).decode(),
        "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"x" * 400_000).decode(),
        "http://192.0.2.1/signature.png",
        "file:///etc/passwd",
    ],
)
def test_a_bad_signature_image_is_left_out(image):
    assert completion._image_url(image) == ""


def test_a_good_signature_image_passes_the_check():
    assert completion._image_url(PNG_URL) == PNG_URL


def test_the_fetcher_serves_data_images_but_never_the_network():
    fetcher = completion._completion_fetcher()
    assert fetcher.fetch(PNG_URL).read().startswith(b"\x89PNG")
    for url in ("http://192.0.2.1/x.png", "https://example.org/", "data:text/html,<p>x</p>"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


HOSTILE = "<script>alert(1)</script> {{ secret }} {% now 'Y' %} Ærø — Zoë & Co"
LONG = "Technischeinstallatieenonderhoudsbedrijf" * 6


def _hostile_certificate():
    signature = _signature(
        1,
        organisation=HOSTILE,
        name=LONG,
        job_title=HOSTILE,
        typed_name=HOSTILE,
        statement=HOSTILE + "\nTweede regel",
        evidence=LONG,
        user_agent="Mozilla/5.0" + "X" * 400,
        ip="2001:db8::" + "f" * 60,
        signature_image="data:image/png;base64,AAAA",
    )
    events = [dict(_event(1), label=HOSTILE, actor=LONG, kind="<b>x</b>")]
    certificate = _certificate([signature, _signature(2, "carrier pigeon")], events)
    certificate["document"]["title"] = HOSTILE
    certificate["lines"][0][1] = HOSTILE
    return certificate


def test_hostile_text_is_printed_as_text():
    text = _text(render_completion_pages(_hostile_certificate()))
    assert "<script>alert(1)</script>" in text
    assert "{{ secret }}" in text
    assert "Ærø — Zoë & Co" in text
    assert LONG in _flat(text)
    assert "carrier pigeon" in text  # an unknown method is shown as it is


def _layout(certificate):
    """The completion pages as WeasyPrint lays them out (render_completion_pages' input),
    for tests that look at boxes rather than at the PDF's text."""
    from weasyprint import CSS, HTML

    with translation.override("nl"):
        html = completion.render_to_string(
            "pdf/completion.html", completion.completion_context(certificate)
        )
    fetcher = completion._completion_fetcher()
    return HTML(
        string=html, base_url=completion.PDF_DIR.as_uri() + "/", url_fetcher=fetcher
    ).render(stylesheets=stylesheets(CSS, fetcher, completion.COMPLETION_STYLESHEET))


def _text_boxes(page):
    from weasyprint.formatting_structure import boxes

    return [box for box in page._page_box.descendants() if isinstance(box, boxes.TextBox)]


def _assert_inside_margins(document) -> int:
    """Every line box ends inside the 18 mm side margins, and every line in a table cell
    inside its cell (a line too wide for a column would overprint the next one); returns
    the number of lines checked."""
    from weasyprint.formatting_structure import boxes

    checked = 0
    for page in document.pages:
        page_box = page._page_box
        right = page_box.margin_width() - page_box.margin_right
        for box in _text_boxes(page):
            assert box.position_x + box.width <= right + 0.5, box.text[:40]
            checked += 1
        for cell in page_box.descendants():
            if isinstance(cell, boxes.TableCellBox):
                cell_right = cell.position_x + cell.border_width()
                for box in cell.descendants():
                    if isinstance(box, boxes.TextBox):
                        assert box.position_x + box.width <= cell_right + 0.5, box.text[:40]
    return checked


def test_long_values_wrap_inside_the_page():
    """Every line box ends inside the 18 mm side margins, whatever the input."""
    assert _assert_inside_margins(_layout(_hostile_certificate())) > 50


def test_empty_and_partial_certificates_render():
    pdf = render_completion_pages({"document": {"title": "X"}, "signatures": [], "events": []})
    assert _pages(pdf) >= 2


def test_fifty_signatures_render_on_many_pages():
    signatures = [
        _signature(index, ("online", "in_person", "paper")[index % 3]) for index in range(50)
    ]
    signatures[0]["signature_image"] = PNG_URL
    events = [_event(seq) for seq in range(1, 61)]
    pdf = render_completion_pages(_certificate(signatures, events))
    assert _pages(pdf) > 2
    text = _text(pdf)
    assert all(f"Organisatie {index:02} Techniek B.V." in text for index in range(50))
    assert _event(60)["hash"][:16] in text


# A large round as it happens: 25 signatories with ordinary Dutch names and addresses, six
# events each (150), two of them by the project leader.
PEOPLE = (
    ("Jan", "de Vries", "roc-twente.nl"),
    ("Fatima", "El Amrani", "techniekbedrijf-hengelo.nl"),
    ("Pieter", "van der Molen", "vandermolen-installatie.nl"),
    ("Sanne", "Bakker", "gemeente-enschede.nl"),
    ("Mohammed", "Yilmaz", "metaalunie-oost.nl"),
    ("Anouk", "Janssen-Visser", "saxion.nl"),
    ("Willem", "Hendriks", "hendriks-elektrotechniek.nl"),
)
STEPS = (
    ("sent", "link verstuurd", "leader"),
    ("opened", "link geopend", "signer"),
    ("reminded", "herinnering verstuurd", "leader"),
    ("code_sent", "code verstuurd", "signer"),
    ("code_verified", "code bevestigd", "signer"),
    ("signed", "ondertekend", "signer"),
)
LEADER = "Petra de Boer"


def _round_of_25() -> dict:
    """The certificate of that round. Its events start at number 4, after three of an
    earlier round, as in an agreement's second round."""
    signatures = []
    events = []
    previous = hashlib.sha256(b"event 3").hexdigest()
    for index in range(25):
        first, last, domain = PEOPLE[index % len(PEOPLE)]
        name = f"{first} {last}"
        email = f"{first[0].lower()}.{last.replace(' ', '').lower()}{index}@{domain}"
        signatures.append(_signature(index, name=name, email=email, typed_name=name))
        for kind, label, who in STEPS:
            seq = len(events) + 4
            digest = hashlib.sha256(f"event {seq}".encode()).hexdigest()
            events.append(
                {
                    **_event(seq, kind, label),
                    "actor": LEADER if who == "leader" else f"{name} <{email}>",
                    "concerning": name,
                    "hash": digest,
                    "prev_hash": previous,
                }
            )
            previous = digest
    return _certificate(signatures, events)


@pytest.fixture(scope="module")
def round_of_25():
    certificate = _round_of_25()
    return certificate, _layout(certificate)


def _audit_pages(document) -> list[list[str]]:
    """The text of each audit certificate page: from the one with its heading to the end."""
    pages = [[box.text for box in _text_boxes(page)] for page in document.pages]
    first = next(number for number, texts in enumerate(pages) if "Auditcertificaat" in texts)
    return pages[first:]


def test_a_round_of_25_has_a_compact_audit_certificate(round_of_25):
    """At least 25 events on every page full of events, so 150 events need 6 pages; the
    summary above the table takes about a third of the first page, hence at most 7.
    (Before the table was made compact, about 7 events fitted on a page: ~20 pages.)"""
    certificate, document = round_of_25
    audit = _audit_pages(document)
    assert len(audit) <= 7, len(audit)
    first_halves = {event["hash"][:32] for event in certificate["events"]}
    second_halves = {event["hash"][32:] for event in certificate["events"]}
    per_page = [sum(text in first_halves for text in texts) for texts in audit]
    assert sum(per_page) == 150  # every event, each hash printed once
    assert sum(text in second_halves for texts in audit for text in texts) == 150
    assert all(count >= 25 for count in per_page[1:-1]), per_page


def test_a_round_of_25_stays_inside_the_margins(round_of_25):
    _certificate, document = round_of_25
    assert _assert_inside_margins(document) > 1000


def test_e_mail_addresses_in_the_event_table_break_only_between_their_parts(round_of_25):
    """A line in the "by" column ends at a space, or after "@", "." or "-": never inside
    a name or a part of an address."""
    from weasyprint.formatting_structure import boxes

    _certificate, document = round_of_25
    breaks = 0
    for page in document.pages:
        for cell in page._page_box.descendants():
            if not isinstance(cell, boxes.TableCellBox) or "actor" not in (
                cell.element.get("class") or ""
            ):
                continue
            # Each line of the cell is a text box; a <wbr> adds an empty-looking one.
            lines = [
                box.text.replace("\u200b", "")
                for box in cell.descendants()
                if isinstance(box, boxes.TextBox)
            ]
            lines = [line for line in lines if line.strip()]
            for line, following in zip(lines, lines[1:], strict=False):
                breaks += 1
                assert line != line.rstrip() or line[-1] in "@.->" or following[0] in " <", (
                    line,
                    following,
                )
    assert breaks > 100


def test_the_event_table_names_whom_an_event_concerns():
    certificate = _certificate(
        events=[dict(_event(1, "sent", "link verstuurd"), concerning="Sanne Bakker")]
    )
    text = _text(render_completion_pages(certificate))
    assert "Betreft" in text
    assert "Sanne Bakker" in text
    assert "Projectleider Twente" in text


def test_each_event_hash_is_printed_once(final_pdf):
    text = _text(final_pdf)
    for seq in range(1, 6):
        digest = _event(seq)["hash"]
        assert _flat(text).count(digest) == 1
        assert text.count(digest[:16]) == 1


def test_the_previous_hash_is_printed_only_where_it_is_not_the_row_above():
    events = [_event(seq) for seq in (3, 4, 7, 8)]  # 5 and 6 belong to another round
    rows = completion.completion_context(_certificate(events=events))["events"]
    assert [row["prev_short"] for row in rows] == [
        _event(2)["hash"][:16],
        "",
        _event(6)["hash"][:16],
        "",
    ]
    assert rows[0]["hash_lines"] == [events[0]["hash"][:32], events[0]["hash"][32:]]
    assert (
        completion.completion_context(_certificate(events=[_event(1)]))["events"][0]["prev_short"]
        == ""
    )


def test_e_mail_addresses_get_break_opportunities_after_the_at_and_domain_dots():
    assert (
        completion.soft_break_emails("j.de.vries@roc.twente.nl")
        == "j.de.vries@<wbr>roc.<wbr>twente.nl"
    )
    assert completion.soft_break_emails("Geen adres. Wel tekst.") == "Geen adres. Wel tekst."
    assert completion.soft_break_emails("a&b@evil.nl") == "a&amp;b@<wbr>evil.nl"
    assert completion.soft_break_emails("<b>x</b>@evil.nl") == "&lt;b&gt;x&lt;/b&gt;@evil.nl"
    assert completion.soft_break_emails("") == ""


def test_a_signatory_actor_gets_the_address_on_its_own_line():
    assert completion.actor_html("Jan de Vries <j.devries@roc-twente.nl>") == (
        'Jan de Vries <span class="address">&lt;j.devries@<wbr>roc-twente.nl&gt;</span>'
    )
    assert completion.actor_html("Petra de Boer") == "Petra de Boer"
    assert completion.actor_html("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"


def _words(certificate) -> str:
    with translation.override("nl"):
        return completion.render_to_string(
            "pdf/completion.html", completion.completion_context(certificate)
        )


def test_the_pdf_uses_the_apps_words_for_the_order_and_addresses_the_reader_as_je():
    ordered = _certificate()
    parallel = _certificate()
    parallel["round"] = {**parallel["round"], "ordered": False}
    assert "Op volgorde" in _words(ordered)
    assert "Iedereen tegelijk" in _words(parallel)
    for html in (_words(ordered), _words(parallel)):
        assert "willekeurige" not in html and "vaste volgorde" not in html
        assert "U kunt" not in html and "Je kunt" in html


def test_the_version_code_is_not_printed_as_a_kenmerk(final_pdf):
    """ "Kenmerk" is the snapshot hash in the footer; the version's UUID adds nothing."""
    text = _text(final_pdf)
    assert "V3" not in text  # the version's code in _certificate()
    assert HASH in _flat(text)  # SHA-256 of the content, still labelled as such
    assert "SHA-256 van de inhoud" in text and "SHA-256 van de PDF" in text


def test_times_are_dutch_in_amsterdam_time():
    assert completion.dutch_datetime("2026-11-27T13:05:00+00:00") == "27 november 2026 om 14:05"
    assert completion.dutch_datetime("2026-07-01T06:00:00Z") == "1 juli 2026 om 08:00"
    assert completion.dutch_datetime("geen tijd") == "geen tijd"
    assert completion.dutch_datetime("") == "—"
    assert completion.compact_datetime("2026-11-27T13:05:09+00:00") == "27-11-2026 14:05:09"


# --- Sealing and checking ---------------------------------------------------------------


def test_a_sealed_document_checks_as_sealed(sealed_pdf):
    result = check_seal(sealed_pdf)
    assert result.status == "sealed", result.detail
    assert result.signer == "Sterk ontwikkelzegel (Sterk)"
    assert result.signed_at.tzinfo is not None
    assert abs(datetime.now(UTC) - result.signed_at) < timedelta(minutes=1)


def test_pyhanko_agrees_the_seal_is_intact_valid_and_covers_the_file(sealed_pdf, final_pdf):
    from pyhanko.sign.validation import SignatureCoverageLevel

    signature, status = _validate_directly(sealed_pdf)
    assert signature.field_name == SEAL_FIELD
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.docmdp_ok
    assert signature.sig_object["/Reason"] == sealing.SEAL_REASON
    # An incremental update: the unsealed document is still there, byte for byte.
    assert sealed_pdf.startswith(final_pdf)


def test_the_seal_keeps_the_pdf_a_claim(sealed_pdf):
    reader = PdfReader(io.BytesIO(sealed_pdf))
    assert sealed_pdf.startswith(b"%PDF-1.7")
    metadata = _pdfa_metadata(sealed_pdf)
    assert b'pdfaid:part="3"' in metadata
    # PDF/A wants the information dictionary and the XMP metadata to agree on the producer.
    producer = reader.metadata["/Producer"]
    assert re.search(rb'pdf:Producer="([^"]*)"', metadata).group(1).decode() == producer


def test_one_changed_byte_inside_the_signed_range_is_altered(sealed_pdf):
    stream = sealed_pdf.index(b"stream\n", 200) + len(b"stream\n") + 20
    tampered = bytearray(sealed_pdf)
    tampered[stream] ^= 0x01
    result = check_seal(bytes(tampered))
    assert result.status == "altered"
    assert "changed" in result.detail


def test_a_changed_signature_value_is_altered(sealed_pdf):
    contents = sealed_pdf.rindex(b"/Contents <") + len(b"/Contents <") + 600
    tampered = bytearray(sealed_pdf)
    tampered[contents] = ord("0") if tampered[contents] != ord("0") else ord("1")
    assert check_seal(bytes(tampered)).status == "altered"


def test_an_incremental_update_after_the_seal_is_altered(sealed_pdf):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(sealed_pdf))
    writer.root["/Lang"] = generic.TextStringObject("en")  # a small, harmless-looking change
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    updated = output.getvalue()
    assert updated.startswith(sealed_pdf) and len(updated) > len(sealed_pdf)
    result = check_seal(updated)
    assert result.status == "altered"
    assert "coverage" in result.detail
    assert "Sterk" in result.signer


def test_a_foreign_signature_after_the_seal_is_altered(sealed_pdf):
    assert check_seal(_sign_with(sealed_pdf, _foreign_signer())).status == "altered"


def test_bytes_appended_after_the_seal_are_altered(sealed_pdf):
    assert check_seal(sealed_pdf + b"\n% extra\n").status == "altered"


def test_a_damaged_seal_is_altered(sealed_pdf):
    start = sealed_pdf.rindex(b"/Contents <") + len(b"/Contents <")
    damaged = sealed_pdf[:start] + b"0" * 400 + sealed_pdf[start + 400 :]
    assert check_seal(damaged).status == "altered"


def test_a_damaged_foreign_signature_is_foreign_not_altered(final_pdf):
    signed = _sign_with(final_pdf, _foreign_signer())
    start = signed.rindex(b"/Contents <") + len(b"/Contents <")
    damaged = signed[:start] + b"0" * 400 + signed[start + 400 :]
    assert check_seal(damaged).status == "foreign"


def test_a_document_sealed_by_someone_else_is_foreign(final_pdf):
    result = check_seal(_sign_with(final_pdf, _foreign_signer("Nep Sterk zegel")))
    assert result.status == "foreign"
    assert "Nep Sterk zegel" in result.signer
    assert result.signed_at is not None


SUBJECT_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _named(*attributes):
    """An asn1crypto certificate whose subject has these (oid, value) attributes."""
    from asn1crypto import x509 as asn1_x509

    name = x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(SUBJECT_KEY.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(SUBJECT_KEY, hashes.SHA256())
    )
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (
            [
                (NameOID.COMMON_NAME, "Sterk ontwikkelzegel"),
                (NameOID.ORGANIZATION_NAME, "Sterk"),
                (NameOID.COUNTRY_NAME, "NL"),
            ],
            "Sterk ontwikkelzegel (Sterk)",
        ),
        ([(NameOID.COMMON_NAME, "Nep Sterk zegel")], "Nep Sterk zegel"),
        ([(NameOID.ORGANIZATION_NAME, "Sterk B.V.")], "Sterk B.V."),
        ([(NameOID.COMMON_NAME, "Sterk"), (NameOID.ORGANIZATION_NAME, "Sterk")], "Sterk"),
        (
            [(NameOID.ORGANIZATIONAL_UNIT_NAME, "Zegels"), (NameOID.COUNTRY_NAME, "NL")],
            "Zegels, NL",
        ),
    ],
    ids=["dev-seal", "common-name", "organisation", "same-twice", "neither"],
)
def test_a_seal_is_named_by_its_common_name_and_organisation_without_labels(attributes, expected):
    """Not asn1crypto's English "Common Name: …, Organization: …": the verify page is Dutch."""
    assert seal_check._subject(_named(*attributes)) == expected


def test_a_certificate_that_cannot_be_read_has_no_name():
    assert seal_check._subject(object()) == ""


def test_a_seal_by_an_earlier_platform_certificate_is_foreign(sealed_pdf, settings, tmp_path):
    settings.SEAL_DEV_DIR = tmp_path  # a new installation, a new development certificate
    assert check_seal(sealed_pdf).status == "foreign"


def test_the_unsealed_version_is_unsealed(version_pdf, final_pdf):
    assert check_seal(version_pdf).status == "unsealed"
    assert check_seal(final_pdf).status == "unsealed"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        os.urandom(4096),
        b"%PDF-" * (5 * 1024 * 1024 // 5),
        b"%PDF-1.7\n%%EOF",
        b"%PDF-1.7\ntrailer\n<< /Root 1 0 R >>\nstartxref\n999999\n%%EOF",
        "%PDF-1.7 Ærø".encode(),
    ],
    ids=["empty", "text", "random", "5MB-garbage", "header-only", "bad-xref", "unicode"],
)
def test_garbage_is_unreadable(data):
    result = check_seal(data)
    assert isinstance(result, SealCheck)
    assert result.status == "unreadable"
    assert result.signed_at is None and result.signer == ""


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_sealed_document_never_raises(sealed_pdf, keep):
    result = check_seal(sealed_pdf[: int(len(sealed_pdf) * keep)])
    assert result.status in {"unreadable", "altered"}


def test_odd_inputs_never_raise(sealed_pdf):
    for data in (
        bytearray(sealed_pdf),
        memoryview(sealed_pdf),
        sealed_pdf.replace(b"/ByteRange", b"/ByteRangX"),
        sealed_pdf.replace(b"/SubFilter /ETSI.CAdES.detached", b"/SubFilter /Nonsense"),
        sealed_pdf.replace(b"%%EOF", b"%%EOX"),
    ):
        assert check_seal(data).status in STATUSES


def test_check_seal_works_inside_a_running_event_loop(sealed_pdf):
    async def check():
        return check_seal(sealed_pdf)

    assert asyncio.run(check()).status == "sealed"


def test_seal_pdf_works_inside_a_running_event_loop(version_pdf):
    async def seal():
        return seal_pdf(version_pdf)

    assert check_seal(asyncio.run(seal())).status == "sealed"


def test_a_time_stamped_seal_checks_as_sealed(version_pdf, monkeypatch):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.general import load_private_key_from_pemder_data
    from pyhanko.sign.timestamps import DummyTimeStamper

    key, certificate = _key_and_certificate("Test TSA")
    tsa = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=load_private_key_from_pemder_data(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            passphrase=None,
        ),
    )
    monkeypatch.setattr(sealing, "_timestamper", lambda: tsa)
    sealed = seal_pdf(version_pdf)
    result = check_seal(sealed)
    assert result.status == "sealed", result.detail
    assert abs(datetime.now(UTC) - result.signed_at) < timedelta(minutes=1)


def test_a_tsa_url_gives_an_http_timestamper(settings):
    from pyhanko.sign.timestamps import HTTPTimeStamper

    assert sealing._timestamper() is None
    settings.SEAL_TSA_URL = "http://tsa.example.invalid/"
    timestamper = sealing._timestamper()
    assert isinstance(timestamper, HTTPTimeStamper)
    assert timestamper.url == "http://tsa.example.invalid/"


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler-utils (pdfsig)")
def test_poppler_also_finds_one_valid_seal_over_the_whole_file(sealed_pdf, tmp_path):
    """A second, independent reader: what an auditor's own tools would say. The development
    certificate is self-signed, so only the signature itself is judged, not the issuer."""
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed_pdf)
    output = subprocess.run(
        ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=False
    ).stdout
    assert output.count("Signature #") == 1
    assert "Signature is Valid" in output
    assert "Total document signed" in output
    changed = bytearray(sealed_pdf)
    changed[len(changed) // 3] ^= 0x01
    path.write_bytes(bytes(changed))
    output = subprocess.run(
        ["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature is Valid" not in output
