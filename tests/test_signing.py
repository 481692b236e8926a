"""Signing online (docs/rules.md §13): every service of signing.services, the events it records and
the status it leaves behind; sealing after the last signature; reminders and expiry; the
commands send_signing_reminders and retry_sealing; the read-only admin of rounds."""

import base64
import copy
import hashlib
import re
import struct
import zlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail as outbox_mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from agreements import signing as agreement_signing
from agreements.models import AgreementVersion
from signing import mail, reminders, sealing
from signing import services as signing
from signing.models import (
    AuditEvent,
    RequestStatus,
    RoundStatus,
    SignatureRequest,
    SigningRound,
    SignMethod,
)
from signing.tasks import seal_round
from tests.factories import MAIL_EVENTS, UserFactory, VersionFactory, send_round, signing_version

CLIENT = signing.Client("192.0.2.10", "Mozilla/5.0 (pytest)")


def png_data_url(width: int = 2, height: int = 1) -> str:
    """A real, tiny RGB PNG as a data: URL (what the signature pad sends)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return signing.PNG_PREFIX + base64.b64encode(png).decode()


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _signing_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Run a service and then what it left for after the commit (e-mail, sealing)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


class Clock:
    """A stopped clock that tests move by hand; everything reading timezone.now sees it."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def move(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    stopped = Clock()
    monkeypatch.setattr("django.utils.timezone.now", stopped)
    return stopped


@pytest.fixture
def version(partnership, leader, no_scopes):
    return signing_version(partnership, parties=2)


@pytest.fixture
def round(version, leader, act):
    return act(send_round, version, leader)


def requests_of(round) -> list[SignatureRequest]:
    return list(SignatureRequest.objects.filter(round=round).order_by("step", "pk"))


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def kinds(chain, **filters) -> list[str]:
    """The chain's events, without the delivery of its mail (tests/test_outbox.py)."""
    return list(
        AuditEvent.objects.filter(chain=chain, **filters)
        .exclude(kind__in=MAIL_EVENTS)
        .order_by("seq")
        .values_list("kind", flat=True)
    )


def last_event(request) -> AuditEvent:
    return (
        AuditEvent.objects.filter(request=request)
        .exclude(kind__in=MAIL_EVENTS)
        .order_by("-seq")
        .first()
    )


def mails_to(address: str) -> list:
    return [message for message in outbox_mail.outbox if address in message.to]


def send_code(act, request, **kwargs) -> str:
    """Ask for a code and read it from the one e-mail that brings it."""
    before = len(outbox_mail.outbox)
    act(signing.code_send, request, client=CLIENT, **kwargs)
    assert len(outbox_mail.outbox) == before + 1
    message = outbox_mail.outbox[-1]
    assert message.to == [request.email]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def verify(act, request) -> None:
    act(signing.code_verify, request, send_code(act, request), client=CLIENT)


def sign(act, request, **kwargs):
    values = {
        "typed_name": "Jan de Vries",
        "statement_confirmed": True,
        "shown_pdf_sha256": request.round.document.pdf_sha256,
        "client": CLIENT,
    }
    values.update(kwargs)
    return act(signing.request_sign, request, **values)


def verify_and_sign(act, request, **kwargs):
    verify(act, request)
    return sign(act, fresh(request), **kwargs)


def refused(excinfo) -> str:
    return excinfo.value.code


# --- sending -------------------------------------------------------------------------------


def test_sending_makes_one_request_per_signatory_each_with_a_working_link_by_mail(
    partnership, leader, act, no_scopes
):
    version = signing_version(partnership, parties=3)
    round = act(send_round, version, leader)

    requests = requests_of(round)
    assert len(requests) == 3
    assert round.status == RoundStatus.OPEN and not round.ordered
    assert {r.email for r in requests} == {
        "tekenaar1@partner1.nl",
        "tekenaar2@partner2.nl",
        "tekenaar3@partner3.nl",
    }
    assert all(r.signatory is not None and r.invited_at is not None for r in requests)
    assert len(outbox_mail.outbox) == 3
    for request in requests:
        token = signing.token_for(request)
        assert signing.request_for_token(token).pk == request.pk
        assert signing.refusal(request) is None
        (message,) = mails_to(request.email)
        assert mail.sign_url(token) in message.body
    assert kinds(f"agreement:{version.partnership_id}") == ["sent", "sent", "sent"]


def test_the_database_holds_no_token(round):
    for request in requests_of(round):
        token = signing.token_for(request)
        assert request.token_hash == hashlib.sha256(token.encode()).hexdigest()
        row = SignatureRequest.objects.filter(pk=request.pk).values().get()
        assert not [column for column, value in row.items() if token in str(value)]
        for event in AuditEvent.objects.filter(request=request):
            assert token not in str(event.data)


def test_malformed_or_unknown_tokens_find_nothing(round):
    for token in ["", "x", "a" * 43, "a" * 44, "../" * 15, None, 42, "é" * 43]:
        assert signing.request_for_token(token) is None


def _english_errors(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_only_the_latest_version_can_be_sent(partnership, leader, act, no_scopes):
    older = signing_version(partnership)
    VersionFactory(partnership=partnership, snapshot=older.snapshot)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        act(send_round, older, leader)
    assert "latest version" in _english_errors(excinfo)
    assert not SigningRound.objects.exists() and not outbox_mail.outbox


def test_a_version_without_pdf_cannot_be_sent(partnership, leader, act, no_scopes):
    version = signing_version(partnership)
    AgreementVersion.objects.filter(pk=version.pk).update(pdf_sha256="")
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        act(send_round, fresh(version), leader)
    assert "PDF" in _english_errors(excinfo)
    assert not SigningRound.objects.exists() and not outbox_mail.outbox


def test_a_version_without_signatories_cannot_be_sent(partnership, leader, act, no_scopes):
    version = signing_version(partnership, parties=0)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        act(send_round, version, leader)
    assert "no signatories" in _english_errors(excinfo)
    assert not SigningRound.objects.exists()


def test_a_signatory_without_email_stops_the_sending(partnership, leader, act, no_scopes):
    snapshot = copy.deepcopy(signing_version(partnership).snapshot)
    snapshot["parties"][1]["signatories"][0]["email"] = ""
    version = VersionFactory(partnership=partnership, snapshot=snapshot)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        act(send_round, version, leader)
    assert "Ondertekenaar 2" in _english_errors(excinfo)
    assert not SigningRound.objects.exists() and not outbox_mail.outbox


@pytest.mark.parametrize(
    "delta", [timedelta(days=-1), timedelta(0), timedelta(minutes=30), timedelta(days=367)]
)
def test_a_deadline_in_the_past_or_more_than_a_year_ahead_is_refused(version, leader, act, delta):
    with pytest.raises(ValidationError):
        act(
            agreement_signing.version_send,
            version=version,
            user=leader,
            deadline=timezone.now() + delta,
        )
    assert not SigningRound.objects.exists() and not outbox_mail.outbox


def test_a_fully_signed_version_cannot_be_sent_again(version, round, leader, act):
    for request in requests_of(round):
        verify_and_sign(act, request)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        act(send_round, version, leader)
    assert "already signed" in _english_errors(excinfo)


def test_sending_a_newer_version_voids_the_open_round_of_the_old_one(
    partnership, version, round, leader, act
):
    first, second = requests_of(round)
    verify_and_sign(act, first)
    old_tokens = [signing.token_for(r) for r in (first, second)]
    outbox_mail.outbox.clear()

    newer = VersionFactory(partnership=partnership, snapshot=version.snapshot)
    new_round = act(send_round, newer, leader)

    old = fresh(round)
    assert old.status == RoundStatus.VOIDED and old.voided_by == leader and old.void_reason
    assert kinds(f"agreement:{version.partnership_id}", round=old)[-1] == "voided"
    for token in old_tokens:
        assert signing.refusal(signing.request_for_token(token)) == "voided"
    # The one who signed the old round is told; then everyone gets the new link.
    assert len(mails_to(first.email)) == 2 and len(mails_to(second.email)) == 1
    assert SigningRound.objects.filter(status=RoundStatus.OPEN).get() == new_round
    assert [r.status for r in requests_of(new_round)] == [RequestStatus.PENDING] * 2


# --- in order: the penvoerder last ---------------------------------------------------------


def test_penvoerder_last_invites_the_penvoerder_only_after_the_others_signed(
    partnership, leader, act, no_scopes
):
    version = signing_version(partnership, parties=3, penvoerder=0)
    round = act(send_round, version, leader, order=signing.ORDER_PENVOERDER_LAST)
    assert round.ordered
    requests = requests_of(round)
    others, penvoerder = requests[:2], requests[2]
    assert [r.step for r in requests] == [1, 1, 2]
    assert penvoerder.is_penvoerder and penvoerder.invited_at is None
    assert not mails_to(penvoerder.email)
    assert signing.refusal(penvoerder) == "not_your_turn"
    with pytest.raises(ValidationError) as excinfo:
        act(signing.code_send, penvoerder, client=CLIENT)
    assert refused(excinfo) == "not_your_turn"

    verify_and_sign(act, others[0])
    assert fresh(penvoerder).invited_at is None and not mails_to(penvoerder.email)
    verify_and_sign(act, others[1])

    penvoerder = fresh(penvoerder)
    assert penvoerder.invited_at is not None
    event = last_event(penvoerder)
    assert (event.kind, event.actor) == ("sent", "Sterk")
    (message,) = mails_to(penvoerder.email)
    assert mail.sign_url(signing.token_for(penvoerder)) in message.body
    assert signing.refusal(penvoerder) is None
    verify_and_sign(act, penvoerder)
    assert fresh(round).status == RoundStatus.COMPLETED


def test_custom_order_numbers_turns_densely(partnership, leader, act, no_scopes):
    version = signing_version(partnership, parties=3)
    keys = [s.signatory_key for s in agreement_signing.signers_of(version)]
    round = act(
        send_round,
        version,
        leader,
        order=signing.ORDER_CUSTOM,
        steps={keys[0]: 7, keys[1]: 3, keys[2]: 7},
    )
    by_key = {r.signatory_key: r for r in requests_of(round)}
    assert [by_key[k].step for k in keys] == [2, 1, 2]
    assert [by_key[k].invited_at is not None for k in keys] == [False, True, False]


# --- the e-mail code -----------------------------------------------------------------------


def test_a_code_is_sent_by_mail_and_confirms_the_address(round, act):
    request = requests_of(round)[0]
    code = send_code(act, request)
    assert len(code) == 6 and code.isdigit()
    stored = fresh(request)
    assert stored.code_hash and code not in stored.code_hash
    assert stored.codes_sent == 1 and stored.code_expires_at > timezone.now()
    assert last_event(request).kind == "code_sent"

    act(signing.code_verify, request, code, client=CLIENT)
    stored = fresh(request)
    assert stored.code_verified_at is not None and stored.code_hash == ""
    event = last_event(request)
    assert event.kind == "code_verified" and event.data["ip"] == "192.0.2.10"


def test_a_used_code_does_not_work_twice(round, act):
    request = requests_of(round)[0]
    code = send_code(act, request)
    act(signing.code_verify, request, code, client=CLIENT)
    with pytest.raises(ValidationError) as excinfo:
        act(signing.code_verify, request, code, client=CLIENT)
    assert refused(excinfo) == "none"


def test_verifying_without_asking_for_a_code_is_refused(round, act):
    with pytest.raises(ValidationError) as excinfo:
        act(signing.code_verify, requests_of(round)[0], "123456", client=CLIENT)
    assert refused(excinfo) == "none"


def test_wrong_codes_count_and_lock_the_code_even_against_the_right_one(round, act):
    request = requests_of(round)[0]
    code = send_code(act, request)
    hostile = ["", "abcdef", "12345", "1" * 10_000, "<script>"]
    for attempt, value in enumerate(hostile[:4], start=1):
        with pytest.raises(ValidationError) as excinfo:
            act(signing.code_verify, request, value, client=CLIENT)
        assert refused(excinfo) == "wrong"
        assert fresh(request).code_attempts == attempt
        assert last_event(request).kind == "code_failed"
    with pytest.raises(ValidationError) as excinfo:
        act(signing.code_verify, request, hostile[4], client=CLIENT)
    assert refused(excinfo) == "locked"
    assert last_event(request).kind == "code_locked"
    assert fresh(request).code_attempts == 5

    with pytest.raises(ValidationError) as excinfo:
        act(signing.code_verify, request, code, client=CLIENT)
    assert refused(excinfo) == "locked"
    assert fresh(request).code_verified_at is None

    new_code = send_code(act, request)
    assert fresh(request).code_attempts == 0
    act(signing.code_verify, request, new_code, client=CLIENT)
    assert fresh(request).code_verified_at is not None


def test_a_code_expires_after_ten_minutes(round, act, clock):
    first, second = requests_of(round)
    code = send_code(act, first)
    clock.move(minutes=10)
    with pytest.raises(ValidationError) as excinfo:
        act(signing.code_verify, first, code, client=CLIENT)
    assert refused(excinfo) == "code_expired"
    assert fresh(first).code_verified_at is None

    code = send_code(act, second)
    clock.move(minutes=9, seconds=59)
    act(signing.code_verify, second, code, client=CLIENT)
    assert fresh(second).code_verified_at is not None


def test_more_than_five_codes_an_hour_are_refused(round, act, clock):
    request = requests_of(round)[0]
    for _ in range(signing.CODES_PER_HOUR):
        send_code(act, request)
        clock.move(minutes=1)
    count = len(outbox_mail.outbox)
    with pytest.raises(ValidationError) as excinfo:
        act(signing.code_send, request, client=CLIENT)
    assert refused(excinfo) == "rate"
    assert len(outbox_mail.outbox) == count
    assert kinds(round.chain, request=request).count("code_sent") == 5

    clock.move(hours=1)
    send_code(act, request)
    assert fresh(request).codes_sent == 1


# --- signing -------------------------------------------------------------------------------


def test_signing_needs_a_confirmed_code(round, act):
    with pytest.raises(ValidationError) as excinfo:
        sign(act, requests_of(round)[0])
    assert refused(excinfo) == "unverified"
    assert fresh(requests_of(round)[0]).status == RequestStatus.PENDING


def test_a_code_confirmed_more_than_half_an_hour_ago_is_not_enough(round, act, clock):
    request = requests_of(round)[0]
    verify(act, request)
    clock.move(minutes=31)
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request))
    assert refused(excinfo) == "unverified"


def test_signing_needs_the_statement_confirmed(round, act):
    request = requests_of(round)[0]
    verify(act, request)
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request), statement_confirmed=False)
    assert refused(excinfo) == "statement"
    assert fresh(request).status == RequestStatus.PENDING


@pytest.mark.parametrize("typed_name", ["", "   ", "J", "12345 678", "x" * 300, None])
def test_signing_needs_a_real_typed_name(round, act, typed_name):
    request = requests_of(round)[0]
    verify(act, request)
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request), typed_name=typed_name)
    assert refused(excinfo) == "name"
    assert fresh(request).status == RequestStatus.PENDING


@pytest.mark.parametrize(
    "image",
    [
        "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0" + b"0" * 20).decode(),
        signing.PNG_PREFIX + "!!!not base64!!!",
        signing.PNG_PREFIX + base64.b64encode(b"GIF89a not a png").decode(),
        signing.PNG_PREFIX + "A" * 200_001,
        "javascript:alert(1)",
    ],
    ids=["jpeg", "garbage", "not-png", "too-big", "hostile"],
)
def test_a_drawn_signature_must_be_a_small_png(round, act, image):
    request = requests_of(round)[0]
    verify(act, request)
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request), signature_image=image)
    assert refused(excinfo) == "image"
    assert fresh(request).status == RequestStatus.PENDING


def test_signing_records_the_evidence(round, act):
    request = requests_of(round)[0]
    image = png_data_url()
    verify_and_sign(act, request, typed_name="  Jan   de Vries ", signature_image=image)
    signed = fresh(request)
    assert signed.status == RequestStatus.SIGNED
    assert signed.method == SignMethod.ONLINE
    assert signed.typed_name == "Jan de Vries"
    assert signed.signature_image == image
    assert signed.ip_address == "192.0.2.10" and signed.user_agent == CLIENT.user_agent
    assert signed.shown_pdf_sha256 == round.document.pdf_sha256
    assert signed.signed_at is not None and signed.statement
    event = last_event(request)
    assert event.kind == "signed"
    assert event.data["typed_name"] == "Jan de Vries"
    assert event.data["pdf_sha256"] == round.document.pdf_sha256
    assert event.data["drawn_signature_sha256"] == hashlib.sha256(image.encode()).hexdigest()
    assert fresh(round).status == RoundStatus.OPEN  # one of two


@pytest.mark.parametrize("shown", ["", "0" * 64, "not a hash"])
def test_signing_a_document_other_than_the_versions_pdf_is_refused(round, act, shown):
    request = requests_of(round)[0]
    verify(act, request)
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request), shown_pdf_sha256=shown)
    assert refused(excinfo) == "document"
    assert fresh(request).status == RequestStatus.PENDING


def test_a_replay_after_signing_is_refused(round, act):
    request = requests_of(round)[0]
    verify_and_sign(act, request)
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request), typed_name="Iemand Anders")
    assert refused(excinfo) == "signed"
    with pytest.raises(ValidationError):
        act(signing.code_send, request, client=CLIENT)
    assert fresh(request).typed_name == "Jan de Vries"
    assert AuditEvent.objects.count() == count


def test_signing_a_superseded_version_is_refused(partnership, version, round, act):
    request = requests_of(round)[0]
    verify(act, request)
    VersionFactory(partnership=partnership, snapshot=version.snapshot)
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request))
    assert refused(excinfo) == "superseded"
    assert fresh(request).status == RequestStatus.PENDING


def test_signing_in_a_voided_round_is_refused(round, leader, act):
    request = requests_of(round)[0]
    verify(act, request)
    act(signing.round_void, round, reason="Fout in artikel 3", user=leader)
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request))
    assert refused(excinfo) == "voided"


def test_signing_after_the_deadline_is_refused(round, act, clock):
    request = requests_of(round)[0]
    clock.now = fresh(round).deadline - timedelta(minutes=5)
    verify(act, request)
    clock.move(minutes=5)
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request))
    assert refused(excinfo) == "expired"


def test_the_last_signature_completes_the_round_once_and_seals_it(
    partnership, leader, act, no_scopes
):
    from signing.seal_check import check_seal

    version = signing_version(partnership, parties=2, real_pdf=True)
    round = act(send_round, version, leader)
    first, second = requests_of(round)
    verify_and_sign(act, first, signature_image=png_data_url())
    assert fresh(round).status == RoundStatus.OPEN
    assert "completed" not in kinds(f"agreement:{version.partnership_id}")
    outbox_mail.outbox.clear()

    verify_and_sign(act, second)

    round = fresh(round)
    assert round.status == RoundStatus.COMPLETED and round.completed_at is not None
    assert kinds(f"agreement:{version.partnership_id}").count("completed") == 1
    assert kinds(f"agreement:{version.partnership_id}")[-2:] == ["completed", "sealed"]
    assert round.final_pdf_sha256 and not round.sealing_pending and round.sealed_at
    data = round.final_pdf.read()
    assert hashlib.sha256(data).hexdigest() == round.final_pdf_sha256
    assert check_seal(data).status == "sealed"
    sealed = AuditEvent.objects.get(round=round, kind="sealed")
    assert sealed.data["sha256"] == round.final_pdf_sha256

    finals = [m for m in outbox_mail.outbox if m.attachments]
    assert sorted(address for m in finals for address in m.to) == sorted(
        [first.email, second.email, leader.email]
    )
    for message in finals:
        ((name, content, mimetype),) = message.attachments
        assert mimetype == "application/pdf" and name.endswith(".pdf")
        assert content == data

    # Sealing again, or signing again, changes nothing.
    count = AuditEvent.objects.count()
    assert seal_round.call(round.pk) == "already sealed"
    with pytest.raises(ValidationError):
        sign(act, fresh(second))
    assert AuditEvent.objects.count() == count


def test_a_failed_seal_is_recorded_and_keeps_the_round_completed(round, act):
    for request in requests_of(round):  # the factory's PDF is fake: sealing must fail
        verify_and_sign(act, request)
    round = fresh(round)
    assert round.status == RoundStatus.COMPLETED
    assert round.sealing_pending and round.seal_error and round.seal_attempts == 1
    assert kinds(round.chain)[-2:] == ["completed", "seal_failed"]
    assert not [m for m in outbox_mail.outbox if m.attachments]
    assert all(r.status == RequestStatus.SIGNED for r in requests_of(round))


def test_retry_sealing_seals_what_failed_once_the_cause_is_fixed(
    partnership, leader, act, monkeypatch, no_scopes
):

    def broken(data, **kwargs):
        raise RuntimeError("the seal certificate is unreadable")

    version = signing_version(partnership, parties=1, real_pdf=True)
    round = act(send_round, version, leader)
    with monkeypatch.context() as patch:
        patch.setattr(sealing, "seal_pdf", broken)
        verify_and_sign(act, requests_of(round)[0])
        assert fresh(round).sealing_pending
        with pytest.raises(CommandError):
            act(call_command, "retry_sealing", stdout=StringIO())
        assert fresh(round).seal_attempts == 2
    assert kinds(f"agreement:{version.partnership_id}").count("seal_failed") == 2

    output = StringIO()
    act(call_command, "retry_sealing", stdout=output)
    round = fresh(round)
    assert not round.sealing_pending and round.seal_error == ""
    assert f"{round.code}: sealed" in output.getvalue()
    assert kinds(f"agreement:{version.partnership_id}")[-1] == "sealed"
    assert [m for m in outbox_mail.outbox if m.attachments]

    output = StringIO()
    act(call_command, "retry_sealing", stdout=output)
    assert "0 rounds" in output.getvalue()
    assert kinds(f"agreement:{version.partnership_id}").count("sealed") == 1


# --- declining and redirecting -------------------------------------------------------------


def test_declining_ends_the_request_and_tells_the_leader(round, leader, act):
    request = requests_of(round)[0]
    verify(act, request)
    act(signing.request_decline, fresh(request), reason="  Bedrag klopt niet  ", client=CLIENT)
    declined = fresh(request)
    assert declined.status == RequestStatus.DECLINED and declined.reason == "Bedrag klopt niet"
    event = last_event(request)
    assert event.kind == "declined" and event.data["reason"] == "Bedrag klopt niet"
    (message,) = mails_to(leader.email)
    assert "Bedrag klopt niet" in message.body
    assert signing.refusal(declined) == "declined"
    assert fresh(round).status == RoundStatus.OPEN


def test_a_forwarded_link_cannot_decline_or_redirect_without_the_code(round, leader, act):
    request = requests_of(round)[0]
    for attempt in (
        lambda: act(signing.request_decline, request, reason="Niet mee eens", client=CLIENT),
        lambda: act(
            signing.request_redirect, request, name="Piet Bakker", email="", note="", client=CLIENT
        ),
    ):
        with pytest.raises(ValidationError) as excinfo:
            attempt()
        assert refused(excinfo) == "unverified"
    assert fresh(request).status == RequestStatus.PENDING
    assert not mails_to(leader.email)


def test_a_code_confirmed_too_long_ago_no_longer_lets_one_decline(round, act):
    request = requests_of(round)[0]
    verify(act, request)
    SignatureRequest.objects.filter(pk=request.pk).update(
        code_verified_at=timezone.now() - signing.VERIFIED_TTL - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError):
        act(signing.request_decline, fresh(request), reason="Niet mee eens", client=CLIENT)
    assert fresh(request).status == RequestStatus.PENDING


@pytest.mark.parametrize("reason", ["", "   ", "x" * 3000, None])
def test_declining_needs_a_sensible_reason(round, leader, act, reason):
    request = requests_of(round)[0]
    with pytest.raises(ValidationError):
        act(signing.request_decline, request, reason=reason, client=CLIENT)
    assert fresh(request).status == RequestStatus.PENDING
    assert not mails_to(leader.email)


def test_redirecting_names_the_right_person_for_the_leader(round, leader, act):
    request = requests_of(round)[1]
    verify(act, request)
    act(
        signing.request_redirect,
        fresh(request),
        name="Piet  Bakker",
        email="piet@partner2.nl",
        note="Ik ben geen bestuurder.",
        client=CLIENT,
    )
    redirected = fresh(request)
    assert redirected.status == RequestStatus.REDIRECTED
    assert (redirected.suggested_name, redirected.suggested_email) == (
        "Piet Bakker",
        "piet@partner2.nl",
    )
    event = last_event(request)
    assert event.kind == "redirected" and event.data["email"] == "piet@partner2.nl"
    (message,) = mails_to(leader.email)
    assert "piet@partner2.nl" in message.body
    assert signing.refusal(redirected) == "redirected"


@pytest.mark.parametrize(
    "name,email,note",
    [
        ("", "piet@partner2.nl", ""),
        ("P" * 301, "", ""),
        ("Piet Bakker", "not-an-email", ""),
        ("Piet Bakker", "piet@" + "a" * 250 + ".nl", ""),
        ("Piet Bakker", "<script>@x", ""),
        ("Piet Bakker", "", "x" * 3000),
    ],
)
def test_redirecting_validates_what_is_typed(round, leader, act, name, email, note):
    request = requests_of(round)[1]
    with pytest.raises(ValidationError):
        act(signing.request_redirect, request, name=name, email=email, note=note, client=CLIENT)
    assert fresh(request).status == RequestStatus.PENDING
    assert not mails_to(leader.email)


# --- the project leader's follow-up --------------------------------------------------------


def test_a_reminder_sends_the_same_link_again(round, leader, act):
    request = requests_of(round)[0]
    outbox_mail.outbox.clear()
    act(signing.request_remind, request, user=leader)
    reminded = fresh(request)
    assert reminded.reminders_sent == 1 and reminded.last_reminded_at is not None
    event = last_event(request)
    assert event.kind == "reminded" and event.actor == leader.get_full_name()
    (message,) = mails_to(request.email)
    assert mail.sign_url(signing.token_for(request)) in message.body


def test_a_signed_request_gets_no_reminder(round, leader, act):
    request = requests_of(round)[0]
    verify_and_sign(act, request)
    with pytest.raises(ValidationError):
        act(signing.request_remind, fresh(request), user=leader)


def test_extending_the_deadline_reopens_expired_links(round, leader, act, clock):
    first, second = requests_of(round)
    verify_and_sign(act, first)
    clock.now = fresh(round).deadline
    act(signing.send_reminders)
    assert fresh(second).status == RequestStatus.EXPIRED
    assert signing.refusal(fresh(second)) == "expired"
    outbox_mail.outbox.clear()

    new_deadline = clock.now + timedelta(days=7)
    act(signing.round_extend, round, deadline=new_deadline, user=leader)

    assert fresh(round).deadline == new_deadline
    reopened = fresh(second)
    assert reopened.status == RequestStatus.PENDING and signing.refusal(reopened) is None
    assert fresh(first).status == RequestStatus.SIGNED
    event = (
        AuditEvent.objects.filter(round=round).exclude(kind__in=MAIL_EVENTS).order_by("-seq")
    ).first()
    assert event.kind == "extended" and event.data["reopened"] == 1
    assert len(mails_to(second.email)) == 1 and not mails_to(first.email)


def test_the_deadline_can_only_move_later(round, leader, act):
    deadline = fresh(round).deadline
    for wrong in [deadline - timedelta(days=1), deadline, timezone.now() + timedelta(days=400)]:
        with pytest.raises(ValidationError):
            act(signing.round_extend, round, deadline=wrong, user=leader)
    assert fresh(round).deadline == deadline
    assert "extended" not in kinds(round.chain)


def test_revoking_a_link_makes_it_refuse(round, leader, act):
    request = requests_of(round)[0]
    act(signing.request_revoke, request, reason="Verkeerde persoon", user=leader)
    revoked = fresh(request)
    assert revoked.status == RequestStatus.REVOKED
    assert signing.refusal(signing.request_for_token(signing.token_for(revoked))) == "revoked"
    assert last_event(request).kind == "revoked"
    with pytest.raises(ValidationError) as excinfo:
        act(signing.code_send, revoked, client=CLIENT)
    assert refused(excinfo) == "revoked"
    with pytest.raises(ValidationError):
        act(signing.request_revoke, revoked, reason="Nogmaals", user=leader)


def test_a_signature_cannot_be_revoked(round, leader, act):
    request = requests_of(round)[0]
    verify_and_sign(act, request)
    with pytest.raises(ValidationError):
        act(signing.request_revoke, fresh(request), reason="Spijt", user=leader)
    assert fresh(request).status == RequestStatus.SIGNED


@pytest.mark.parametrize("reason", ["", "  ", "x" * 2001])
def test_revoking_needs_a_reason(round, leader, act, reason):
    request = requests_of(round)[0]
    with pytest.raises(ValidationError):
        act(signing.request_revoke, request, reason=reason, user=leader)
    assert fresh(request).status == RequestStatus.PENDING


def test_reissuing_sends_a_new_link_and_kills_the_old_one(round, leader, act):
    request = requests_of(round)[0]
    old_token = signing.token_for(request)
    act(signing.request_revoke, request, reason="Link doorgestuurd", user=leader)
    outbox_mail.outbox.clear()

    act(signing.request_reissue, request, user=leader)

    reissued = fresh(request)
    new_token = signing.token_for(reissued)
    assert new_token != old_token
    assert signing.request_for_token(old_token) is None
    assert signing.request_for_token(new_token).pk == request.pk
    assert reissued.status == RequestStatus.PENDING and signing.refusal(reissued) is None
    assert last_event(request).kind == "reissued"
    (message,) = mails_to(request.email)
    assert mail.sign_url(new_token) in message.body and old_token not in message.body


def test_a_signed_request_cannot_be_reissued(round, leader, act):
    request = requests_of(round)[0]
    verify_and_sign(act, request)
    with pytest.raises(ValidationError):
        act(signing.request_reissue, fresh(request), user=leader)


def test_voiding_refuses_every_link_and_tells_who_signed(round, leader, act):
    first, second = requests_of(round)
    verify_and_sign(act, first)
    outbox_mail.outbox.clear()

    act(signing.round_void, round, reason="Fout in de begroting", user=leader)

    voided = fresh(round)
    assert voided.status == RoundStatus.VOIDED and voided.void_reason == "Fout in de begroting"
    event = (
        AuditEvent.objects.filter(round=round).exclude(kind__in=MAIL_EVENTS).order_by("-seq")
    ).first()
    assert event.kind == "voided" and event.data["reason"] == "Fout in de begroting"
    (message,) = mails_to(first.email)
    assert "Fout in de begroting" in message.body
    assert not mails_to(second.email)
    for request in (first, second):
        found = signing.request_for_token(signing.token_for(request))
        assert signing.refusal(found) == "voided"
    with pytest.raises(ValidationError) as excinfo:
        act(signing.code_send, second, client=CLIENT)
    assert refused(excinfo) == "voided"
    with pytest.raises(ValidationError):
        act(signing.round_void, round, reason="Nogmaals", user=leader)
    with pytest.raises(ValidationError):
        act(signing.request_remind, second, user=leader)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_voiding_needs_a_reason(round, leader, act, reason):
    with pytest.raises(ValidationError):
        act(signing.round_void, round, reason=reason, user=leader)
    assert fresh(round).status == RoundStatus.OPEN


def test_a_paper_signature_is_recorded_with_its_scan_and_can_complete_the_round(round, leader, act):
    first, second = requests_of(round)
    verify_and_sign(act, first)
    scan_bytes = b"%PDF-1.4\n% a scanned wet-ink signature\n"
    scan = SimpleUploadedFile("handtekening.pdf", scan_bytes, content_type="application/pdf")
    signed_on = timezone.now() - timedelta(days=1)

    act(
        signing.request_paper,
        second,
        scan=scan,
        signed_by="Ondertekenaar  2  de Vries",
        signed_on=signed_on,
        user=leader,
    )

    paper = fresh(second)
    assert paper.status == RequestStatus.SIGNED and paper.method == SignMethod.PAPER
    assert paper.typed_name == "Ondertekenaar 2 de Vries" and paper.signed_at == signed_on
    assert paper.scan_sha256 == hashlib.sha256(scan_bytes).hexdigest()
    assert paper.scan.read() == scan_bytes
    event = AuditEvent.objects.get(request=second, kind="signed_on_paper")
    assert event.data["scan_sha256"] == paper.scan_sha256
    assert event.actor == leader.get_full_name()
    assert fresh(round).status == RoundStatus.COMPLETED
    assert kinds(round.chain).count("completed") == 1

    again = SimpleUploadedFile("nog.pdf", b"%PDF-1.4 other", content_type="application/pdf")
    with pytest.raises(ValidationError):
        act(
            signing.request_paper,
            paper,
            scan=again,
            signed_by="X Y",
            signed_on=signed_on,
            user=leader,
        )


# --- reminders, deadline warning and expiry ------------------------------------------------


def test_reminders_follow_the_schedule_and_never_repeat(partnership, leader, act, clock, no_scopes):
    start = clock.now
    version = signing_version(partnership, parties=1)
    round = act(send_round, version, leader, days=14)
    (request,) = requests_of(round)

    def run_at(days):
        clock.now = start + timedelta(days=days)
        before = len(mails_to(request.email))
        counts = act(signing.send_reminders)
        assert (
            len(mails_to(request.email)) - before == counts["reminded"] + counts["deadline_warned"]
        )
        return counts

    nothing = {"reminded": 0, "deadline_warned": 0, "expired": 0}
    assert run_at(4) == nothing
    assert run_at(5) == {**nothing, "reminded": 1}
    assert run_at(5) == nothing
    assert run_at(7) == nothing
    assert run_at(8) == {**nothing, "reminded": 1}
    assert run_at(8) == nothing
    assert run_at(11) == {**nothing, "reminded": 1}
    assert run_at(12) == {**nothing, "deadline_warned": 1}
    assert run_at(12) == nothing
    assert run_at(13.9) == nothing
    assert kinds(f"agreement:{version.partnership_id}") == [
        "sent",
        "reminded",
        "reminded",
        "reminded",
        "deadline_warned",
    ]
    assert fresh(request).deadline_warned_at == start + timedelta(days=12)

    assert run_at(14) == {**nothing, "expired": 1}
    assert fresh(request).status == RequestStatus.EXPIRED
    assert kinds(f"agreement:{version.partnership_id}")[-1] == "expired"
    (leader_mail,) = mails_to(leader.email)
    assert "Ondertekenaar 1" in leader_mail.body
    assert signing.refusal(signing.request_for_token(signing.token_for(request))) == "expired"

    assert run_at(14) == nothing
    assert run_at(20) == nothing
    assert len(mails_to(leader.email)) == 1


def test_reminders_skip_signed_and_not_yet_invited_requests(
    partnership, leader, act, clock, no_scopes
):
    start = clock.now
    version = signing_version(partnership, parties=3, penvoerder=2)
    round = act(send_round, version, leader, order=signing.ORDER_PENVOERDER_LAST)
    first, second, penvoerder = requests_of(round)
    verify_and_sign(act, first)
    clock.now = start + timedelta(days=5)
    assert act(signing.send_reminders)["reminded"] == 1
    assert fresh(second).reminders_sent == 1
    assert fresh(first).reminders_sent == 0 and fresh(penvoerder).reminders_sent == 0


def test_a_superseded_round_gets_no_reminders_and_does_not_stop_the_others(
    partnership, other_partnership, version, round, leader, act, clock
):
    VersionFactory(partnership=partnership, snapshot=version.snapshot)
    elsewhere = act(send_round, signing_version(other_partnership, parties=1), leader)
    clock.move(days=6)
    outbox_mail.outbox.clear()
    counts = act(signing.send_reminders)
    assert counts["reminded"] == 1
    (reminded,) = requests_of(elsewhere)
    assert [m.to for m in outbox_mail.outbox] == [[reminded.email]]
    assert all(r.reminders_sent == 0 for r in requests_of(round))


def test_expiry_never_overwrites_a_signature_that_came_in_meanwhile(round, act, clock):
    first, second = requests_of(round)
    read_as_pending = requests_of(round)  # what a reminder run read just before
    clock.now = fresh(round).deadline - timedelta(minutes=1)
    verify_and_sign(act, first)
    clock.move(minutes=1)
    assert act(reminders._expire, fresh(round), read_as_pending) == 1
    assert fresh(first).status == RequestStatus.SIGNED
    assert fresh(second).status == RequestStatus.EXPIRED
    assert kinds(round.chain).count("expired") == 1


def test_the_reminder_command_prints_its_counts_and_is_idempotent(round, act, clock):
    clock.move(days=5, minutes=1)
    output = StringIO()
    act(call_command, "send_signing_reminders", stdout=output)
    assert "reminded: 2" in output.getvalue()
    output = StringIO()
    act(call_command, "send_signing_reminders", stdout=output)
    assert "reminded: 0" in output.getvalue() and "expired: 0" in output.getvalue()


# --- the admin: everything read-only, no secrets -------------------------------------------


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(email="beheer@sterk.test", is_staff=True, is_superuser=True))
    return client


def test_the_admin_shows_rounds_requests_and_events_read_only_without_secrets(
    round, act, superuser_client
):
    request = requests_of(round)[0]
    verify_and_sign(act, request, signature_image=png_data_url())
    send_code(act, requests_of(round)[1])
    event = AuditEvent.objects.filter(chain=round.chain).first()
    pages = [
        ("signinground", round.pk),
        ("signaturerequest", request.pk),
        ("signaturerequest", requests_of(round)[1].pk),
        ("auditevent", event.pk),
    ]
    secrets = {
        value
        for r in requests_of(round)
        for value in (r.token_salt, r.token_hash, r.code_hash, signing.token_for(r))
        if value
    }
    with scopes_disabled():
        for model, pk in pages:
            for url in (
                reverse(f"admin:signing_{model}_changelist"),
                reverse(f"admin:signing_{model}_change", args=[pk]),
            ):
                response = superuser_client.get(url)
                assert response.status_code == 200, url
                content = response.content.decode()
                assert not [s for s in secrets if s in content], url
            change = superuser_client.get(reverse(f"admin:signing_{model}_change", args=[pk]))
            assert not change.context["has_change_permission"]
            assert not change.context["has_delete_permission"]
            assert superuser_client.get(reverse(f"admin:signing_{model}_add")).status_code == 403
            delete = reverse(f"admin:signing_{model}_delete", args=[pk])
            assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
        response = superuser_client.get(
            reverse("admin:signing_signaturerequest_changelist"), {"q": "tekenaar1@"}
        )
        assert response.status_code == 200 and response.context["cl"].result_count == 1


def test_posting_the_admin_change_form_of_a_round_changes_nothing(round, superuser_client):
    deadline = fresh(round).deadline
    url = reverse("admin:signing_signinground_change", args=[round.pk])
    with scopes_disabled():
        response = superuser_client.post(url, {"status": "completed", "deadline": "2020-01-01"})
    assert response.status_code == 403
    assert fresh(round).status == RoundStatus.OPEN and fresh(round).deadline == deadline


# --- rules added after the review: the name, the receipt, the pipeline, reminders ----------


@pytest.mark.parametrize(
    ("typed", "recorded", "matches"),
    [
        ("Peter Gerritsen", "Peter Gerritsen", True),
        ("P. Gerritsen", "Peter Gerritsen", True),
        ("peter  GÉRRITSEN", "Peter Gerritsen", True),
        ("J.P. van der Berg", "Jan van der Berg", True),
        ("Peter", "Peter Gerritsen", False),
        ("Jan Jansen", "Peter Gerritsen", False),
        ("Gerritsen Peter", "Peter Gerritsen", False),
        ("<b>Peter</b> Gerritsen", "Peter Gerritsen", True),
        ("Peter Gerritsen", "", False),
    ],
)
def test_a_typed_name_must_end_with_the_signatorys_family_name(typed, recorded, matches):
    assert signing.name_matches(typed, recorded) is matches


def test_someone_else_s_name_is_refused_and_changes_nothing(round, act):
    request = requests_of(round)[0]
    verify(act, request)
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        sign(act, fresh(request), typed_name="Iemand Anders")
    assert "typed_name" in excinfo.value.error_dict
    assert fresh(request).status == RequestStatus.PENDING
    assert AuditEvent.objects.count() == count


def test_a_paper_signature_by_someone_else_is_refused(round, leader, act):
    request = requests_of(round)[0]
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%scan\n", content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        act(
            signing.request_paper,
            request,
            scan=scan,
            signed_by="Iemand Anders",
            signed_on=timezone.now(),
            user=leader,
        )
    assert "signed_by" in excinfo.value.error_dict
    assert fresh(request).status == RequestStatus.PENDING and not fresh(request).scan


def test_the_statement_names_organisation_function_authority_and_evidence(round):
    request = requests_of(round)[0]
    with translation.override("en"):
        statement = signing.statement_for(request)
    assert statement.startswith(
        f"I sign on behalf of {request.organisation_name} as {request.job_title} and am "
        "authorised to do so as zelfstandig bevoegd bestuurder, as shown by: "
    )
    # Who checked the evidence is in the evidence, not in the signatory's statement.
    assert "Lotte Leider" in request.evidence and "Lotte Leider" not in statement


def test_a_signatory_gets_a_receipt_of_their_signature(round, act):
    request = requests_of(round)[0]
    verify(act, request)
    outbox_mail.outbox.clear()
    sign(act, fresh(request), typed_name=request.name)
    (receipt,) = mails_to(request.email)
    signed = fresh(request)
    assert signed.shown_pdf_sha256 in receipt.body
    assert signed.statement in receipt.body


def test_completion_moves_the_parties_to_signed_in_the_pipeline(round, act):
    from partners.models import Organisation, Stage, StageChange

    for request in requests_of(round):
        verify_and_sign(act, request, typed_name=request.name)
    parties = Organisation.objects.filter(code__in=[r.party_key for r in requests_of(round)])
    assert {o.stage for o in parties} == {Stage.SIGNED}
    assert StageChange.objects.filter(organisation__in=parties, to_stage=Stage.SIGNED).count() == 2


def test_a_leader_cannot_remind_twice_within_an_hour(round, leader, act, clock):
    request = requests_of(round)[0]
    act(signing.request_remind, request, user=leader)
    outbox_mail.outbox.clear()
    with pytest.raises(ValidationError) as excinfo:
        act(signing.request_remind, fresh(request), user=leader)
    assert excinfo.value.code == "too_soon"
    assert outbox_mail.outbox == [] and fresh(request).reminders_sent == 1
    clock.move(minutes=61)
    act(signing.request_remind, fresh(request), user=leader)
    assert fresh(request).reminders_sent == 2


def test_a_new_link_can_go_to_a_corrected_address(round, leader, act):
    request = requests_of(round)[0]
    act(signing.request_revoke, request, reason="Verkeerd e-mailadres", user=leader)
    old_token = signing.token_for(fresh(request))
    outbox_mail.outbox.clear()
    act(signing.request_reissue, fresh(request), user=leader, email="juist@partner1.nl")
    reissued = fresh(request)
    assert reissued.email == "juist@partner1.nl" and reissued.status == RequestStatus.PENDING
    assert signing.request_for_token(old_token) is None
    (message,) = mails_to("juist@partner1.nl")
    assert mail.sign_url(signing.token_for(reissued)) in message.body
    event = last_event(reissued)
    assert event.kind == "reissued" and event.data["previous_email"] == request.email


@pytest.mark.parametrize("address", ["geen-adres", "a@" + "b" * 260 + ".nl", "<x>@y.nl"])
def test_a_malformed_corrected_address_changes_nothing(round, leader, act, address):
    request = requests_of(round)[0]
    act(signing.request_revoke, request, reason="Verkeerd e-mailadres", user=leader)
    before = fresh(request)
    with pytest.raises(ValidationError):
        act(signing.request_reissue, before, user=leader, email=address)
    after = fresh(request)
    assert (after.email, after.status, after.token_hash) == (
        before.email,
        before.status,
        before.token_hash,
    )


def test_the_invitation_names_the_project_leader_to_ask(partnership, leader, act, no_scopes):
    outbox_mail.outbox.clear()
    act(send_round, signing_version(partnership, parties=1), leader)
    (invitation,) = outbox_mail.outbox
    assert leader.email in invitation.body and leader.get_full_name() in invitation.body
