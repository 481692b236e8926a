"""The public verify page (docs/rules.md §15): a genuinely sealed round, made through the
signing services, uploaded as it is and tampered with in every way we know; foreign,
unsealed and non-PDF files; empty, missing, huge and malformed uploads; what the page must
never reveal; and the number of queries, whatever the number of signatures.

The verdict is asserted through `response.context["verdict"].kind`, never through wording
(pages are Dutch by default). Names, organisations and numbers are data, so those are
looked for in the page.
"""

import hashlib
import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django_scopes import scopes_disabled

from signing import services as signing
from signing import verification
from signing.certificate import certificate_for
from signing.completion import VERIFY_PATH
from signing.models import AuditEvent, SignatureRequest, SigningRound
from signing.seal_check import check_seal
from signing.sealing import seal_pdf
from signing.verification import KINDS, verify_upload
from signing.verify_forms import MAX_UPLOAD_BYTES, TOO_LARGE, VerifyForm
from tests.factories import (
    PartnershipFactory,
    UserFactory,
    send_round,
    signing_version,
    tiny_real_pdf,
    version_of,
)
from tests.test_sealing import _foreign_signer, _png, _sign_with

CLIENT = signing.Client("192.0.2.10", "Mozilla/5.0 (pytest)")
URL = "/verify/"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
IPV4 = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b")


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Run a service and then what it left for after the commit (e-mail, sealing)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def sealed_round(partnership, leader, act, *, parties=2) -> SigningRound:
    """A round sent, signed by everyone through the signing service and sealed by the task
    that the last signature starts."""
    with scopes_disabled():
        version = signing_version(partnership, parties=parties, real_pdf=True)
        round = act(send_round, version, leader)
        for request in SignatureRequest.objects.filter(round=round).order_by("step", "pk"):
            SignatureRequest.objects.filter(pk=request.pk).update(code_verified_at=timezone.now())
            request.refresh_from_db()
            act(
                signing.request_sign,
                request,
                typed_name=request.name,
                statement_confirmed=True,
                shown_pdf_sha256=version.pdf_sha256,
                client=CLIENT,
            )
        round = SigningRound.objects.select_related("document").get(pk=round.pk)
    assert round.final_pdf_sha256, round.seal_error
    return round


def final_bytes(round) -> bytes:
    with round.final_pdf.open("rb") as handle:
        return handle.read()


def version_bytes(round) -> bytes:
    with version_of(round).pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture
def round(partnership, leader, act):
    return sealed_round(partnership, leader, act)


@pytest.fixture
def sealed(round) -> bytes:
    return final_bytes(round)


def upload(client, data: bytes, name="overeenkomst.pdf", content_type="application/pdf"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type=content_type)})


def kind_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.context["verdict"].kind


def text(response) -> str:
    return response.content.decode()


def incremental_update(data: bytes) -> bytes:
    """A small, harmless-looking change written the way PDF editors write it."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def media_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    return {os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names}


# --- the page ------------------------------------------------------------------------------


def test_the_url_is_the_one_printed_on_every_sealed_agreement():
    assert reverse("verify:page") == VERIFY_PATH == URL


def test_anyone_can_open_the_page_and_it_is_never_cached(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.context["verdict"] is None
    page = text(response)
    assert re.search(r'<label\s+for="id_file"', page)
    assert 'accept=".pdf,application/pdf"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page
    assert client.head(URL).status_code == 200


def test_headings_are_in_order(client, round, sealed):
    page = text(upload(client, sealed))
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", page)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))
    assert 'role="status"' in page


def test_other_methods_are_refused(db):
    response = BrowserClient(enforce_csrf_checks=True).put(URL)
    assert response.status_code == 405
    assert response["Cache-Control"] == "no-store"


# --- genuine and void ----------------------------------------------------------------------


def test_a_genuine_sealed_agreement_is_recognised_with_partnership_version_and_signatures(
    client, round, sealed
):
    response = upload(client, sealed)
    verdict = response.context["verdict"]
    assert kind_of(response) == "genuine"
    assert verdict.seal_confirmed and verdict.seal_status == "sealed"
    number = version_of(round).number
    assert verdict.title == f"Samenwerkingsovereenkomst Regio Twente Techniek, versie {number}"
    assert dict(verdict.lines) == {
        "Samenwerkingsverband": "Regio Twente Techniek (Twente)",
        "Versie": str(number),
        "SHA-256 van de inhoud": version_of(round).snapshot_sha256,
    }
    assert verdict.sealed_at == round.sealed_at and verdict.completed_at == round.completed_at
    assert verdict.voided_at is None
    assert [(s.name, s.organisation, s.method) for s in verdict.signatures] == [
        ("Ondertekenaar 1 de Vries", "Partner 1 B.V.", "online"),
        ("Ondertekenaar 2 de Vries", "Partner 2 B.V.", "online"),
    ]
    assert all(s.signed_at for s in verdict.signatures)
    page = text(response)
    for value in ("Regio Twente Techniek", "Ondertekenaar 1", "Ondertekenaar 2", "Partner 2 B.V."):
        assert value in page
    assert f'<dd class="col-sm-8 text-break">{version_of(round).number}</dd>' in page
    assert hashlib.sha256(sealed).hexdigest() in page
    assert 'class="alert alert-success"' in page


def test_the_seal_is_named_plainly_under_a_translated_label(client, round, sealed):
    """ "Sterk ontwikkelzegel (Sterk)", not asn1crypto's "Common Name: …, Organization: …"."""
    response = upload(client, sealed)
    assert response.context["verdict"].signer == "Sterk ontwikkelzegel (Sterk)"
    page = text(response)
    assert '<dd class="col-sm-8 text-break" id="seal-signer">Sterk ontwikkelzegel (Sterk)</dd>' in (
        page
    )
    assert "Common Name" not in page and "Organization" not in page
    with translation.override("nl"):
        assert f'<dt class="col-sm-4">{escape(translation.gettext("Sealed by"))}</dt>' in page


def test_the_page_never_shows_e_mail_or_ip_addresses(client, round, sealed):
    with scopes_disabled():
        stored = SignatureRequest.objects.filter(round=round)
        assert all(r.ip_address == "192.0.2.10" and r.email for r in stored)
        emails = [r.email for r in stored]
    page = text(upload(client, sealed))
    assert not EMAIL.search(page), EMAIL.search(page)
    assert not IPV4.search(page), IPV4.search(page)
    for address in emails:
        assert address not in page
    assert "Mozilla/5.0 (pytest)" not in page


def test_a_voided_round_is_void_with_its_date_but_not_its_reason(client, round, sealed, leader):
    reason = "Intern: fout in artikel 3, zie mail van Piet"
    with scopes_disabled():
        signing.round_void(round, reason=reason, user=leader)
        round.refresh_from_db()
    response = upload(client, sealed)
    verdict = response.context["verdict"]
    assert kind_of(response) == "void"
    assert verdict.voided_at == round.voided_at
    assert verdict.title.startswith("Samenwerkingsovereenkomst Regio Twente Techniek")
    page = text(response)
    assert "artikel 3" not in page and "Piet" not in page
    assert "Ondertekenaar 1" in page
    assert 'class="alert alert-danger"' in page


def test_the_stored_file_stays_genuine_after_the_seal_certificate_was_replaced(
    client, round, sealed, settings, tmp_path
):
    """Byte for byte our own file: genuine, with a note that the seal cannot be confirmed."""
    settings.SEAL_DEV_DIR = tmp_path / "new-certificate"
    assert check_seal(sealed).status == "foreign"
    response = upload(client, sealed)
    assert kind_of(response) == "genuine"
    assert not response.context["verdict"].seal_confirmed


# --- changed, foreign, unsealed, unreadable -------------------------------------------------


def test_one_byte_changed_in_the_middle_is_altered(client, round, sealed):
    tampered = bytearray(sealed)
    tampered[len(sealed) // 2] ^= 0x01
    response = upload(client, bytes(tampered))
    assert kind_of(response) == "altered"
    assert "Regio Twente Techniek" not in text(response)  # nothing from our records
    assert response.context["verdict"].signatures == ()
    assert 'class="alert alert-danger"' in text(response)


def test_one_byte_changed_inside_a_stream_is_altered(client, round, sealed):
    position = sealed.index(b"stream\n", 200) + len(b"stream\n") + 20
    tampered = bytearray(sealed)
    tampered[position] ^= 0x01
    assert kind_of(upload(client, bytes(tampered))) == "altered"


def test_an_incremental_update_after_the_seal_is_altered(client, round, sealed):
    updated = incremental_update(sealed)
    assert updated.startswith(sealed) and len(updated) > len(sealed)
    response = upload(client, updated)
    assert kind_of(response) == "altered"
    assert "Ondertekenaar 1" not in text(response)


def test_bytes_appended_after_the_seal_are_altered(client, round, sealed):
    assert kind_of(upload(client, sealed + b"\n% extra\n")) == "altered"


def test_the_versions_plain_pdf_is_unsealed(client, db):
    response = upload(client, tiny_real_pdf())  # what signing_version attaches
    assert kind_of(response) == "unsealed"
    assert 'class="alert alert-warning"' in text(response)


def test_a_pdf_signed_with_another_certificate_is_foreign(client, db):
    signed = _sign_with(tiny_real_pdf(), _foreign_signer("Nep Sterk zegel"))
    response = upload(client, signed)
    assert kind_of(response) == "foreign"
    assert response.context["verdict"].signer.endswith("Nep Sterk zegel")
    assert "Nep Sterk zegel" in text(response)


def test_a_sterk_seal_this_installation_has_no_record_of_is_sealed_unknown(client, round):
    other = seal_pdf(version_bytes(round))  # our certificate, but no round has this file
    response = upload(client, other)
    assert kind_of(response) == "sealed_unknown"
    assert response.context["verdict"].title == ""
    assert "Regio Twente Techniek" not in text(response)


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"hello", "hello.txt", "text/plain"),
        (_png(), "handtekening.png", "image/png"),
        (b"hello", "vermomd.pdf", "application/pdf"),
        (b"%PDF-1.7\n%%EOF", "kapot.pdf", "application/pdf"),
        (os.urandom(4096), "ruis.pdf", "application/octet-stream"),
        (b"<script>alert(1)</script>", "<b>x</b>.pdf", "text/html"),
    ],
    ids=["text", "png", "text-named-pdf", "header-only", "random", "hostile-name"],
)
def test_what_is_no_pdf_is_unreadable(client, db, data, name, content_type):
    response = upload(client, data, name=name, content_type=content_type)
    assert kind_of(response) == "unreadable"
    assert hashlib.sha256(data).hexdigest() in text(response)
    assert "<b>x</b>" not in text(response)


# --- the form: missing, empty, huge, malformed -------------------------------------------


def form_errors(response) -> dict:
    assert response.context["verdict"] is None
    return response.context["form"].errors.as_data()


def error_codes(response) -> list[str]:
    return [error.code for error in form_errors(response).get("file", [])]


def test_no_file_is_a_form_error(client, db):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert error_codes(response) == ["required"]
    assert response["Cache-Control"] == "no-store"


def test_a_file_field_sent_as_text_is_a_form_error(client, db):
    response = client.post(URL, {"file": "%PDF-1.7 not a file"})
    assert response.status_code == 400
    assert error_codes(response) == ["required"]


def test_an_empty_file_is_a_form_error(client, db):
    response = upload(client, b"")
    assert response.status_code == 400
    assert error_codes(response) == ["empty"]


def test_a_file_over_20_mb_is_refused_without_being_read(client, db, monkeypatch):
    def never(data):
        raise AssertionError("a file over the limit must not be checked")

    monkeypatch.setattr("signing.views.verify.verify_upload", never)
    data = b"%PDF-" + bytes(21 * 1024 * 1024)
    response = upload(client, data)
    assert response.status_code == 400
    assert error_codes(response) == ["too_large"]
    with translation.override("nl"):
        assert escape(str(TOO_LARGE)) in text(response)
    assert response["Cache-Control"] == "no-store"


def test_a_50_mb_upload_gets_a_clear_answer_and_leaves_no_file(client, db, tmp_path, settings):
    """The issue's own example: the upload handler stops keeping it past the limit, so
    nothing lands on disk, and the page says why."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    response = upload(client, b"%PDF-" + bytes(50 * 1024 * 1024))
    assert response.status_code == 400
    assert error_codes(response) == ["too_large"]
    assert list(tmp_path.iterdir()) == []


def test_the_size_check_uses_the_size_and_never_the_content():
    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("read")

        def chunks(self, *args, **kwargs):
            raise AssertionError("read")

    uploaded = Unreadable("groot.pdf", b"%PDF-", content_type="application/pdf")
    uploaded.size = MAX_UPLOAD_BYTES + 1
    form = VerifyForm(files={"file": uploaded})
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["file"]] == ["too_large"]


def test_the_limit_is_exact(client, db, monkeypatch):
    """At the limit a file is checked; one byte over, it is refused (small limit here)."""
    monkeypatch.setattr("signing.views.verify.MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr("signing.verify_forms.MAX_UPLOAD_BYTES", 1000)
    assert kind_of(upload(client, b"x" * 1000)) == "unreadable"
    response = upload(client, b"x" * 1001)
    assert response.status_code == 400 and error_codes(response) == ["too_large"]


def test_the_limit_counts_every_file_of_the_request(client, db, monkeypatch):
    monkeypatch.setattr("signing.views.verify.MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr("signing.verify_forms.MAX_UPLOAD_BYTES", 1000)
    response = client.post(
        URL,
        {
            "other": SimpleUploadedFile("a.bin", b"y" * 900),
            "file": SimpleUploadedFile("b.pdf", b"x" * 900),
        },
    )
    assert response.status_code == 400 and error_codes(response) == ["too_large"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        (b"anything", "multipart/form-data"),
        (b"anything", "multipart/form-data; boundary=" + "x" * 100),
        (b"file=%PDF", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00", "application/octet-stream"),
    ],
    ids=["truncated", "no-boundary", "bad-boundary", "urlencoded", "binary"],
)
def test_a_malformed_body_gets_a_clear_answer_never_a_500(client, db, body, content_type):
    response = client.generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 400
    assert response.context["verdict"] is None
    assert response["Cache-Control"] == "no-store"


def test_too_many_fields_or_files_get_a_clear_answer(client, db):
    fields = {f"f{index}": "x" for index in range(1200)}
    assert client.post(URL, fields).status_code == 400
    files = {f"f{index}": SimpleUploadedFile(f"{index}.pdf", b"x") for index in range(120)}
    response = client.post(URL, files)
    assert response.status_code == 400
    assert response.context["unreadable_request"]


def test_a_forged_post_without_the_csrf_token_is_refused(db, monkeypatch):
    def never(data):
        raise AssertionError("a forged post must not be checked")

    monkeypatch.setattr("signing.views.verify.verify_upload", never)
    browser = BrowserClient(enforce_csrf_checks=True)
    response = upload(browser, tiny_real_pdf())
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"


def test_a_post_with_the_csrf_token_works(db, sealed):
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.get(URL)
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        URL,
        {"file": SimpleUploadedFile("a.pdf", sealed), "csrfmiddlewaretoken": token},
    )
    assert kind_of(response) == "genuine"


# --- nothing changes, nothing is revealed -------------------------------------------------


def test_checking_stores_and_changes_nothing(client, round, sealed, settings, leader):
    with scopes_disabled():
        before = (
            list(SigningRound.objects.values()),
            list(SignatureRequest.objects.values()),
            AuditEvent.objects.count(),
        )
    files = media_files(settings)
    for data in (sealed, sealed[:-10], b"hello", b"", incremental_update(sealed)):
        upload(client, data)
    with scopes_disabled():
        after = (
            list(SigningRound.objects.values()),
            list(SignatureRequest.objects.values()),
            AuditEvent.objects.count(),
        )
    assert after == before
    assert media_files(settings) == files


def test_another_partnerships_round_is_never_named_for_an_unrelated_file(client, round, act):
    other = PartnershipFactory(name="Regio Zeeland", slug="zeeland")
    with scopes_disabled():
        zeeland_leader = UserFactory(email="leider@zeeland.nl")
    zeeland = sealed_round(other, zeeland_leader, act)
    response = upload(client, final_bytes(round))
    assert response.context["verdict"].title.startswith(
        "Samenwerkingsovereenkomst Regio Twente Techniek"
    )
    assert "Zeeland" not in text(response)
    response = upload(client, final_bytes(zeeland))
    assert response.context["verdict"].title.startswith("Samenwerkingsovereenkomst Regio Zeeland")
    assert "Twente Techniek" not in text(response)


# --- queries -------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_signatures(client, partnership, leader, act):
    counts = []
    for parties in (2, 10):
        round = sealed_round(partnership, leader, act, parties=parties)
        data = final_bytes(round)
        with CaptureQueriesContext(connection) as queries:
            response = upload(client, data)
        assert kind_of(response) == "genuine"
        assert len(response.context["verdict"].signatures) == parties
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 2, counts


def test_the_certificate_names_whom_each_event_concerns_in_a_fixed_number_of_queries(
    partnership, leader, act
):
    """The audit certificate's "concerning" column: the signatory of the event's request
    (also when the project leader acted), nothing for events of the round as a whole."""
    counts = []
    for parties in (2, 6):
        sealed = sealed_round(partnership, leader, act, parties=parties)
        with scopes_disabled():
            round = SigningRound.objects.select_related("document").get(pk=sealed.pk)
            with CaptureQueriesContext(connection) as queries:
                certificate = certificate_for(round)
        counts.append(len(queries))
        events = certificate["events"]
        names = {signature["name"] for signature in certificate["signatures"]}
        assert len(names) == parties
        sent = [event for event in events if event["kind"] == "sent"]
        assert {event["concerning"] for event in sent} == names
        assert all(event["concerning"] not in event["actor"] for event in sent)  # the leader
        signed = [event for event in events if event["kind"] == "signed"]
        assert all(event["actor"].startswith(event["concerning"] + " <") for event in signed)
        assert [event["concerning"] for event in events if event["kind"] == "completed"] == [""]
    assert counts[0] == counts[1], counts


def test_an_unknown_file_costs_one_query(client, db):
    with CaptureQueriesContext(connection) as queries:
        upload(client, b"hello")
    assert len(queries) == 1


# --- the service on its own ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"%PDF-",
        b"%PDF-1.7\ntrailer\n<< /Root 1 0 R >>\nstartxref\n999999\n%%EOF",
        bytearray(b"%PDF-1.7"),
        memoryview(b"%PDF-1.7 \xc3\x86r\xc3\xb8"),
    ],
    ids=["empty", "text", "header", "bad-xref", "bytearray", "memoryview"],
)
def test_verify_upload_never_raises(db, data):
    verdict = verify_upload(data)
    assert verdict.kind in KINDS
    assert verdict.kind == "unreadable"
    assert verdict.sha256 == hashlib.sha256(bytes(data)).hexdigest()


def test_every_seal_status_has_a_verdict():
    assert set(verification._UNKNOWN_FILE) == {
        "sealed",
        "altered",
        "foreign",
        "unsealed",
        "unreadable",
    }
    assert set(verification._UNKNOWN_FILE.values()) <= set(KINDS)


def test_a_forged_post_gets_the_sites_own_page(db):
    response = BrowserClient(enforce_csrf_checks=True).post(URL, {})
    assert response.status_code == 403
    assert "403_csrf.html" in [template.name for template in response.templates]
