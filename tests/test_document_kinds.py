"""A second kind of document, defined here only: a one-page note with two signers goes
through send, sign, seal and verify without a line of signing/ knowing it. And what a kind
can do wrong (not registered, a completion that raises) is recorded on the round, loses no
signature, and is finished by retry_sealing."""

import re
import uuid
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from signing import services as signing
from signing.kinds import DeclineField, DocumentKind, register_kind, unregister_kind
from signing.models import AuditEvent, RequestStatus, RoundStatus, SignatureRequest
from signing.tasks import seal_round
from signing.verification import verify_upload
from sterk.canonical import bytes_hash
from tests.factories import PartnershipFactory, UserFactory

KIND = "test-note"
CLIENT = signing.Client("192.0.2.1", "pytest")
COMPLETED: list = []
_NOTE: dict = {}


def one_page_note() -> bytes:
    """A real one-page PDF/A-3b, rendered once per test process."""
    if "pdf" not in _NOTE:
        from weasyprint import HTML

        html = (
            '<html lang="nl"><head><meta charset="utf-8"><title>Verklaring</title></head>'
            "<body><h1>Verklaring van levering</h1><p>Wij verklaren geleverd te hebben."
            "</p></body></html>"
        )
        _NOTE["pdf"] = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    return _NOTE["pdf"]


def _complete(document, signing_round):
    COMPLETED.append((document.subject, signing_round.pk))


NOTE_KIND = DocumentKind(
    key=KIND,
    label="verklaring",
    on_complete=_complete,
    signature_page=lambda document: [("Kenmerk", document.subject)],
    filename=lambda document: f"verklaring-{document.subject}.pdf",
    decline_fields=(DeclineField("disputed", "Welke posten kloppen niet?", required=True),),
)


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"


@pytest.fixture
def note_kind():
    COMPLETED.clear()
    register_kind(NOTE_KIND)
    yield NOTE_KIND
    unregister_kind(KIND)


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def _signer(number: int) -> signing.Signer:
    return signing.Signer(
        party_key=str(uuid.uuid4()),
        signatory_key=str(uuid.uuid4()),
        organisation=f"Bedrijf {number} B.V.",
        name=f"Directeur{number} Jansen",
        job_title="Directeur",
        email=f"directeur{number}@bedrijf{number}.nl",
        authority_label="Zelfstandig bevoegd bestuurder",
        evidence="KvK-uittreksel",
        is_penvoerder=False,
    )


@pytest.fixture
def note(db, no_scopes, note_kind):
    partnership = PartnershipFactory(name="Regio Twente Techniek", slug="twente")
    data = one_page_note()
    name = default_storage.save("notes/note-1.pdf", ContentFile(data))
    return signing.document_create(
        partnership=partnership,
        kind=KIND,
        subject="note-1",
        chain="test-note:1",
        title="Verklaring van levering 2026",
        pdf_name=name,
        pdf_sha256=bytes_hash(data),
        signers=[_signer(1), _signer(2)],
    )


@pytest.fixture
def leader(db):
    return UserFactory(email="leider@twente.nl")


def _send(act, note, leader):
    return act(
        signing.round_send,
        document=note,
        user=leader,
        deadline=timezone.now() + timezone.timedelta(days=14),
    )


def _sign(act, signature_request, note):
    act(signing.code_send, signature_request, client=CLIENT)
    code = "135790"
    SignatureRequest.objects.filter(pk=signature_request.pk).update(
        code_hash=signing.code_hash(signature_request, code)
    )
    fresh = SignatureRequest.objects.get(pk=signature_request.pk)
    act(signing.code_verify, fresh, code, client=CLIENT)
    fresh = SignatureRequest.objects.get(pk=signature_request.pk)
    return act(
        signing.request_sign,
        fresh,
        typed_name=fresh.name,
        statement_confirmed=True,
        shown_pdf_sha256=note.pdf_sha256,
        client=CLIENT,
    )


def _requests(signing_round):
    return list(SignatureRequest.objects.filter(round=signing_round).order_by("pk"))


def test_a_kind_defined_outside_signing_is_sent_signed_sealed_and_verified(
    act, note, leader, mailoutbox
):
    signing_round = _send(act, note, leader)
    first, second = _requests(signing_round)
    assert {m.to[0] for m in mailoutbox} == {first.email, second.email}
    assert "Verklaring van levering 2026" in mailoutbox[0].subject
    _sign(act, first, note)
    assert COMPLETED == []
    _sign(act, second, note)
    signing_round.refresh_from_db()
    assert signing_round.status == RoundStatus.COMPLETED
    assert signing_round.finished_at and signing_round.final_pdf_sha256
    assert [("note-1", signing_round.pk)] == COMPLETED
    final = mailoutbox[-1]
    assert final.attachments[0][0] == "verklaring-note-1-ondertekend.pdf"
    with signing_round.final_pdf.open("rb") as handle:
        verdict = verify_upload(handle.read())
    assert verdict.kind == "genuine"
    assert verdict.title == "Verklaring van levering 2026"
    assert verdict.lines == (("Kenmerk", "note-1"),)
    assert [s.name for s in verdict.signatures] == ["Directeur1 Jansen", "Directeur2 Jansen"]
    call_command("verify_audit", stdout=StringIO())


def test_a_kinds_decline_fields_are_asked_and_kept(act, note, leader):
    signing_round = _send(act, note, leader)
    first = _requests(signing_round)[0]
    SignatureRequest.objects.filter(pk=first.pk).update(code_verified_at=timezone.now())
    first = SignatureRequest.objects.get(pk=first.pk)
    with pytest.raises(ValidationError) as excinfo:
        act(signing.request_decline, first, reason="Klopt niet", client=CLIENT, details={})
    assert "disputed" in excinfo.value.message_dict
    act(
        signing.request_decline,
        first,
        reason="Klopt niet",
        client=CLIENT,
        details={"disputed": "  Post 3: 40 uur in plaats van 20  ", "other": "ignored"},
    )
    declined = SignatureRequest.objects.get(pk=first.pk)
    assert declined.status == RequestStatus.DECLINED
    assert declined.decline_details == {"disputed": "Post 3: 40 uur in plaats van 20"}
    event = AuditEvent.objects.filter(request=declined).order_by("-seq").first()
    assert event.kind == "declined" and event.data["disputed"].startswith("Post 3")


def test_a_document_of_a_kind_nobody_registered_cannot_be_sent(act, note, leader):
    unregister_kind(KIND)
    with pytest.raises(ValidationError, match="soort document"):
        _send(act, note, leader)


def test_a_kind_gone_after_signing_is_recorded_and_retry_sealing_finishes_it(act, note, leader):
    signing_round = _send(act, note, leader)
    first, second = _requests(signing_round)
    _sign(act, first, note)
    unregister_kind(KIND)
    _sign(act, second, note)  # the last signature: completion fails, the signatures stay
    signing_round.refresh_from_db()
    assert signing_round.status == RoundStatus.COMPLETED and signing_round.sealing_pending
    assert "UnknownKind" in signing_round.seal_error
    assert SignatureRequest.objects.filter(round=signing_round, status="signed").count() == 2
    assert AuditEvent.objects.filter(round=signing_round).last().kind == "completion_failed"
    with pytest.raises(CommandError):
        call_command("retry_sealing", stdout=StringIO())
    register_kind(NOTE_KIND)
    output = StringIO()
    call_command("retry_sealing", stdout=output)
    signing_round.refresh_from_db()
    assert not signing_round.sealing_pending and signing_round.seal_error == ""
    assert re.search(r"Verklaring van levering 2026 round \S+: sealed", output.getvalue())
    assert [("note-1", signing_round.pk)] == COMPLETED


def test_a_completion_that_raises_is_recorded_and_runs_once_when_retried(
    act, note, leader, monkeypatch
):
    calls = []

    def broken(document, signing_round):
        calls.append(signing_round.pk)
        raise RuntimeError("the statement's items could not be locked")

    register_kind(DocumentKind(**{**NOTE_KIND.__dict__, "on_complete": broken}))
    signing_round = _send(act, note, leader)
    for item in _requests(signing_round):
        _sign(act, item, note)
    signing_round.refresh_from_db()
    assert calls and signing_round.finished_at is None and not signing_round.final_pdf_sha256
    assert "could not be locked" in signing_round.seal_error
    register_kind(NOTE_KIND)
    assert seal_round.call(signing_round.pk) == "sealed"
    assert seal_round.call(signing_round.pk) == "already sealed"
    assert [("note-1", signing_round.pk)] == COMPLETED


@pytest.mark.parametrize(("send_need", "status"), [("lead", 403), ("write", 200)])
def test_the_send_page_asks_the_role_the_kind_names(rf, note, leader, send_need, status):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.core.exceptions import PermissionDenied

    from partners.models import Role
    from partners.tenancy import Tenant
    from signing.views.rounds import send_page

    register_kind(DocumentKind(**{**NOTE_KIND.__dict__, "send_need": send_need}))
    request = rf.get("/")
    request.user = leader  # a member with the editor's role, below
    request.htmx = False
    request.session = {}
    request._messages = FallbackStorage(request)
    editor = Tenant(partnership=note.partnership, role=Role.EDITOR)

    def show():
        return send_page(
            request,
            editor,
            document=note,
            template="signing/rounds/_email_preview.html",
            template_context={},
            send=lambda **arguments: None,
        ).status_code

    if status == 403:
        with pytest.raises(PermissionDenied):
            show()
    else:
        assert show() == 200
