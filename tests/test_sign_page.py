"""The signatory's page and signing together (docs/rules.md §13), through the views.

The rules are agreements.signing's; these tests check that the pages use them: every step,
every refusal, every hostile post answered with a clear page and nothing changed.
"""

import base64
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_scopes import scopes_disabled

from signing import services as signing
from signing.audit import chain_of, verify_chain
from signing.models import (
    AuditEvent,
    Document,
    RequestStatus,
    RoundStatus,
    SignatureRequest,
    SigningRound,
    SignMethod,
)
from signing.views.sign import PRIVATE_HEADERS, SESSION_KEY, mask_email
from signing.views.together import _signable
from tests.factories import MAIL_EVENTS, send_round, signing_version, version_of

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()
CODE = re.compile(r"\b\d{6}\b")


@pytest.fixture(autouse=True)
def _mail_and_media(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (mail is delivered after commit, by a task)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _round(partnership, leader, *, parties=2, real_pdf=False, **kwargs):
    with scopes_disabled():
        version = signing_version(partnership, parties=parties, real_pdf=real_pdf)
        round = send_round(version, leader, **kwargs)
        requests = list(SignatureRequest.objects.filter(round=round).order_by("step", "pk"))
    return version, round, requests


def _url(sig) -> str:
    return reverse("sign:page", kwargs={"token": signing.token_for(sig)})


def _doc_url(sig) -> str:
    return reverse("sign:document", kwargs={"token": signing.token_for(sig)})


def _fresh(sig) -> SignatureRequest:
    with scopes_disabled():
        return SignatureRequest.objects.select_related("round").get(pk=sig.pk)


def _kinds(round) -> list[str]:
    with scopes_disabled():
        return [event.kind for event in chain_of(round.chain) if event.kind not in MAIL_EVENTS]


def _state(sig) -> tuple:
    """Everything a refused or hostile post must leave as it was."""
    with scopes_disabled():
        values = SignatureRequest.objects.filter(round_id=sig.round_id).order_by("pk").values()
        rounds = SigningRound.objects.filter(pk=sig.round_id).values()
        events = AuditEvent.objects.filter(chain=sig.round.chain).count()
        return (list(values), list(rounds), events, len(mail.outbox))


def _ask_code(client, url, on_commit) -> str:
    with on_commit():
        response = client.post(url, {"action": "code"})
    assert response.status_code == 303
    return CODE.search(mail.outbox[-1].body).group()


def _verify(client, url, on_commit) -> None:
    code = _ask_code(client, url, on_commit)
    response = client.post(url, {"action": "verify", "code": code})
    assert response.status_code == 303


def _sign_data(version, **extra) -> dict:
    return {
        "action": "sign",
        "confirm": "on",
        "typed_name": "Jan de Vries",
        "pdf_sha256": version.pdf_sha256,
        **extra,
    }


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# --- The happy path -----------------------------------------------------------------------


@pytest.mark.django_db
def test_two_signatories_sign_through_their_links_and_the_round_completes(
    partnership, leader, settings, tmp_path, on_commit
):
    settings.SEAL_DEV_DIR = tmp_path / "seal"
    version, round, requests = _round(partnership, leader, real_pdf=True)
    for index, sig in enumerate(requests):
        client = Client(HTTP_USER_AGENT="pytest-browser", REMOTE_ADDR="192.0.2.7")
        url = _url(sig)
        page = client.get(url)
        assert page.status_code == 200
        assert _doc_url(sig).encode() in page.content
        assert version.pdf_sha256.encode() in page.content
        assert _fresh(sig).opened_at is not None

        code = _ask_code(client, url, on_commit)
        assert mail.outbox[-1].to == [sig.email]
        assert mask_email(sig.email).encode() in client.get(url).content
        response = client.post(url, {"action": "verify", "code": f" {code[:3]} {code[3:]} "})
        assert response.status_code == 303
        assert client.session[SESSION_KEY.format(code=sig.code)] is True

        with on_commit():
            response = client.post(url, _sign_data(version, signature_image=PNG_URL))
        assert response.status_code == 303
        assert response["Location"] == url
        assert SESSION_KEY.format(code=sig.code) not in client.session
        signed = _fresh(sig)
        assert signed.status == RequestStatus.SIGNED
        assert signed.method == SignMethod.ONLINE
        assert signed.typed_name == "Jan de Vries"
        assert signed.signature_image == PNG_URL
        assert signed.shown_pdf_sha256 == version.pdf_sha256
        assert signed.ip_address == "192.0.2.7"
        assert signed.user_agent == "pytest-browser"
        assert signed.statement
        thanks = client.get(url)
        assert thanks.status_code == 200
        assert b'name="action"' not in thanks.content
        if index == 0:
            assert _fresh(sig).round.status == RoundStatus.OPEN

    with scopes_disabled():
        round.refresh_from_db()
    assert round.status == RoundStatus.COMPLETED
    assert round.final_pdf_sha256, round.seal_error
    kinds = _kinds(round)
    for kind in ("opened", "code_sent", "code_verified", "signed", "completed", "sealed"):
        assert kind in kinds
    assert kinds.count("signed") == 2
    with scopes_disabled():
        assert verify_chain(chain_of(round.chain)) is None


@pytest.mark.django_db
def test_opening_twice_records_one_opened_event(client, partnership, leader):
    _version, round, (sig, _other) = _round(partnership, leader)
    client.get(_url(sig))
    client.get(_url(sig))
    assert _kinds(round).count("opened") == 1


@pytest.mark.django_db
def test_sign_page_renders_for_an_anonymous_visitor_without_member_links(
    client, partnership, leader
):
    _version, _round_, (sig, _other) = _round(partnership, leader)
    response = client.get(_url(sig))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/p/{partnership.slug}/" not in html
    assert reverse("accounts:logout") not in html
    assert "signature-pad.js" in html


# --- The headers and the document ---------------------------------------------------------


def _assert_private(response):
    for header, value in PRIVATE_HEADERS.items():
        assert response[header] == value, header


@pytest.mark.django_db
def test_every_response_of_the_link_is_private(client, partnership, leader, on_commit):
    version, _round_, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    _assert_private(client.get(url))
    _assert_private(client.get("/sign/not-a-token/"))
    _assert_private(client.get("/sign/" + "A" * 43 + "/"))
    _assert_private(client.get(_doc_url(sig)))
    _assert_private(client.get("/sign/" + "A" * 43 + "/document/"))
    with on_commit():
        _assert_private(client.post(url, {"action": "code"}))
    _assert_private(client.post(url, {"action": "nonsense"}))
    _assert_private(client.put(url))
    assert client.get(url)["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 42 + "=", "A" * 500, "%00" * 3])
def test_unknown_or_malformed_token_is_a_friendly_404_revealing_nothing(
    client, partnership, leader, token
):
    _round(partnership, leader)
    response = client.get(f"/sign/{token}/")
    assert response.status_code == 404
    assert partnership.name.encode() not in response.content
    assert b"Partner 1" not in response.content
    assert client.get(f"/sign/{token}/document/").status_code == 404


@pytest.mark.django_db
def test_document_is_the_versions_exact_pdf_inline_or_as_download(client, partnership, leader):
    version, _round_, (sig, _other) = _round(partnership, leader)
    response = client.get(_doc_url(sig))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    with scopes_disabled():
        version.pdf.open("rb")
        stored = version.pdf.read()
        version.pdf.close()
    assert b"".join(response.streaming_content) == stored
    download = client.get(_doc_url(sig) + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert (
        f"samenwerkingsovereenkomst-{partnership.slug}-v{version.number}.pdf"
        in (download["Content-Disposition"])
    )


@pytest.mark.django_db
def test_document_is_gone_for_a_voided_round_a_revoked_request_or_a_missing_pdf(
    client, partnership, leader
):
    version, round, (first, second) = _round(partnership, leader)
    with scopes_disabled():
        signing.request_revoke(first, reason="Verkeerde persoon", user=leader)
    assert client.get(_doc_url(first)).status_code == 404
    assert client.get(_doc_url(second)).status_code == 200
    with scopes_disabled():
        Document.objects.filter(pk=round.document_id).update(pdf="")
    assert client.get(_doc_url(second)).status_code == 404
    with scopes_disabled():
        Document.objects.filter(pk=round.document_id).update(pdf=version.pdf.name)
        signing.round_void(round, reason="Fout in bijlage", user=leader)
    assert client.get(_doc_url(second)).status_code == 404


# --- Refusals -------------------------------------------------------------------------------


def _void(round, sig, leader):
    with scopes_disabled():
        signing.round_void(round, reason="Fout", user=leader)


def _supersede(round, sig, leader):
    with scopes_disabled():
        signing_version(round.partnership, parties=1, number=version_of(round).number + 1)


def _revoke(round, sig, leader):
    with scopes_disabled():
        signing.request_revoke(sig, reason="Verkeerd adres", user=leader)


def _expire(round, sig, leader):
    with scopes_disabled():
        SigningRound.objects.filter(pk=round.pk).update(
            deadline=timezone.now() - timedelta(minutes=1)
        )


def _decline(round, sig, leader):
    with scopes_disabled():
        SignatureRequest.objects.filter(pk=sig.pk).update(code_verified_at=timezone.now())
        signing.request_decline(
            _fresh(sig), reason="Niet akkoord", client=signing.Client(None, "t")
        )


def _redirected(round, sig, leader):
    with scopes_disabled():
        SignatureRequest.objects.filter(pk=sig.pk).update(code_verified_at=timezone.now())
        signing.request_redirect(
            _fresh(sig), name="Piet Bakker", email="", note="", client=signing.Client(None, "t")
        )


def _signed(round, sig, leader):
    with scopes_disabled():
        client = signing.Client(None, "t")
        signing.code_send(sig, client=client)
        SignatureRequest.objects.filter(pk=sig.pk).update(code_verified_at=timezone.now())
        signing.request_sign(
            _fresh(sig),
            typed_name="Jan de Vries",
            statement_confirmed=True,
            shown_pdf_sha256=round.document.pdf_sha256,
            client=client,
        )


REFUSED = [
    (_void, "voided", 410),
    (_supersede, "superseded", 410),
    (_revoke, "revoked", 410),
    (_expire, "expired", 410),
    (_decline, "declined", 410),
    (_redirected, "redirected", 410),
    (_signed, "signed", 200),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "reason", "status"), REFUSED, ids=[r[1] for r in REFUSED])
def test_a_refused_link_shows_its_page_and_changes_nothing(
    client, partnership, leader, make, reason, status, on_commit
):
    version, round, (sig, other) = _round(partnership, leader)
    with on_commit():
        make(round, sig, leader)
    assert signing.refusal(_fresh(sig)) == reason
    url = _url(sig)
    before = _state(sig)
    response = client.get(url)
    assert response.status_code == status
    assert b'name="action"' not in response.content
    assert response.context["message"] == signing.refusal_message(reason)
    for data in (
        {"action": "code"},
        {"action": "verify", "code": "123456"},
        _sign_data(version),
        {"action": "decline", "reason": "Toch niet", "confirm": "on"},
        {"action": "redirect", "name": "Iemand Anders", "confirm": "on"},
        {"action": "nonsense"},
    ):
        with on_commit():
            response = client.post(url, data)
        assert response.status_code == status, data
    assert _state(sig) == before


@pytest.mark.django_db
def test_not_your_turn_shows_its_page_without_forms_and_changes_nothing(
    client, partnership, leader, on_commit
):
    version, _round_, requests = _round(partnership, leader, order=signing.ORDER_PENVOERDER_LAST)
    penvoerder = next(sig for sig in requests if sig.is_penvoerder)
    assert signing.refusal(_fresh(penvoerder)) == "not_your_turn"
    before = _state(penvoerder)
    response = client.get(_url(penvoerder))
    assert response.status_code == 200
    assert b'name="action"' not in response.content
    with on_commit():
        assert client.post(_url(penvoerder), {"action": "code"}).status_code == 200
    assert _state(penvoerder) == before


@pytest.mark.django_db
def test_a_replayed_sign_post_after_signing_is_refused(client, partnership, leader, on_commit):
    version, round, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    _verify(client, url, on_commit)
    data = _sign_data(version)
    with on_commit():
        assert client.post(url, data).status_code == 303
    # The same post again, even with the session flag put back.
    session = client.session
    session[SESSION_KEY.format(code=sig.code)] = True
    session.save()
    before = _state(sig)
    with on_commit():
        response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["reason"] == "signed"
    assert _state(sig) == before
    assert _kinds(round).count("signed") == 1


@pytest.mark.django_db
def test_a_refusal_arising_between_page_and_post_shows_the_refusal(
    client, partnership, leader, on_commit
):
    version, round, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    _verify(client, url, on_commit)
    # The leader voids the round while the signatory is typing.
    with scopes_disabled():
        signing.round_void(round, reason="Fout", user=leader)
    before = _state(sig)
    response = client.post(url, _sign_data(version))
    assert response.status_code == 410
    assert _state(sig) == before


# --- Codes ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_codes_lock_the_code(client, partnership, leader, on_commit):
    _version, round, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    code = _ask_code(client, url, on_commit)
    for attempt in range(1, 6):
        response = client.post(url, {"action": "verify", "code": _wrong(code)})
        assert response.status_code == 200
        assert response.context["code_form"].errors["code"]
        assert _fresh(sig).code_attempts == attempt
    response = client.post(url, {"action": "verify", "code": code})
    assert response.status_code == 200
    assert "code" in response.context["code_form"].errors
    assert _fresh(sig).code_verified_at is None
    assert SESSION_KEY.format(code=sig.code) not in client.session
    kinds = _kinds(round)
    assert kinds.count("code_failed") == 4
    assert kinds.count("code_locked") == 1
    assert "code_verified" not in kinds
    # A new code unlocks.
    _verify(client, url, on_commit)
    assert _fresh(sig).code_verified_at is not None


@pytest.mark.django_db
def test_a_code_expires_after_ten_minutes(client, partnership, leader, on_commit, monkeypatch):
    _version, round, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    code = _ask_code(client, url, on_commit)
    later = timezone.now() + signing.CODE_TTL + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.post(url, {"action": "verify", "code": code})
    assert response.status_code == 200
    assert response.context["code_form"].errors["code"]
    assert _fresh(sig).code_verified_at is None
    assert SESSION_KEY.format(code=sig.code) not in client.session
    assert "code_verified" not in _kinds(round)


@pytest.mark.django_db
def test_a_code_just_before_ten_minutes_still_works(
    client, partnership, leader, on_commit, monkeypatch
):
    _version, _round_, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    code = _ask_code(client, url, on_commit)
    later = timezone.now() + signing.CODE_TTL - timedelta(seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.post(url, {"action": "verify", "code": code}).status_code == 303


@pytest.mark.django_db
def test_a_valid_sign_post_after_the_confirmation_expired_asks_for_a_new_code(
    client, partnership, leader, on_commit, monkeypatch
):
    version, _round_, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    _verify(client, url, on_commit)
    later = timezone.now() + signing.VERIFIED_TTL + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    before = _state(sig)
    response = client.post(url, _sign_data(version))
    assert response.status_code == 200
    assert response.context["step_error"]
    assert response.context["verified"] is False
    assert _state(sig) == before


@pytest.mark.django_db
def test_too_many_codes_in_an_hour_are_refused_on_the_page(client, partnership, leader, on_commit):
    _version, _round_, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    for _ in range(signing.CODES_PER_HOUR):
        _ask_code(client, url, on_commit)
    sent = len(mail.outbox)
    with on_commit():
        response = client.post(url, {"action": "code"})
    assert response.status_code == 200
    assert response.context["step_error"]
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_a_token_of_one_signatory_cannot_sign_for_another(client, partnership, leader, on_commit):
    version, _round_, (first, second) = _round(partnership, leader)
    _verify(client, _url(first), on_commit)
    before = _state(second)
    response = client.post(_url(second), _sign_data(version))
    assert response.status_code == 200
    assert response.context["verified"] is False
    # Nor does the first one's code confirm the second.
    code = _ask_code(client, _url(first), on_commit)
    response = client.post(_url(second), {"action": "verify", "code": code})
    assert response.status_code == 200
    assert _fresh(second).status == RequestStatus.PENDING
    assert _fresh(second).code_verified_at is None
    assert _state(second)[0][1]["status"] == before[0][1]["status"]


# --- Decline and "not the right person" ----------------------------------------------------


@pytest.mark.django_db
def test_decline_tells_the_leader_and_records_the_reason(client, partnership, leader, on_commit):
    _version, round, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    client.get(url)
    _verify(client, url, on_commit)
    with on_commit():
        response = client.post(
            url, {"action": "decline", "reason": "Wij stoppen als partner.", "confirm": "on"}
        )
    assert response.status_code == 303
    declined = _fresh(sig)
    assert declined.status == RequestStatus.DECLINED
    assert declined.reason == "Wij stoppen als partner."
    assert mail.outbox[-1].to == [leader.email]
    assert "Wij stoppen als partner." in mail.outbox[-1].body
    assert _kinds(round)[-1] == "declined"
    assert client.get(url).status_code == 410


@pytest.mark.django_db
def test_redirect_tells_the_leader_who_can_sign(client, partnership, leader, on_commit):
    _version, round, (sig, _other) = _round(partnership, leader)
    url = _url(sig)
    _verify(client, url, on_commit)
    with on_commit():
        response = client.post(
            url,
            {
                "action": "redirect",
                "name": "  Piet   Bakker ",
                "email": "piet@partner1.nl",
                "note": "Piet is de bestuurder.",
                "confirm": "on",
            },
        )
    assert response.status_code == 303
    redirected = _fresh(sig)
    assert redirected.status == RequestStatus.REDIRECTED
    assert redirected.suggested_name == "Piet Bakker"
    assert redirected.suggested_email == "piet@partner1.nl"
    assert mail.outbox[-1].to == [leader.email]
    with scopes_disabled():
        event = chain_of(round.chain).exclude(kind__in=MAIL_EVENTS).last()
    assert event.kind == "redirected"
    assert event.data["name"] == "Piet Bakker"
    assert client.get(url).status_code == 410


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "decline", "reason": ""}, "reason"),
        ({"action": "decline", "reason": "   "}, "reason"),
        ({"action": "decline", "reason": "x" * 2001}, "reason"),
        ({"action": "redirect", "name": ""}, "name"),
        ({"action": "redirect", "name": "x" * 301}, "name"),
        ({"action": "redirect", "name": "Piet", "email": "not-an-address"}, "email"),
        ({"action": "redirect", "name": "Piet", "note": "x" * 2001}, "note"),
        ({"action": "decline", "reason": "Wij stoppen."}, "confirm"),
        ({"action": "redirect", "name": "Piet Bakker"}, "confirm"),
    ],
)
def test_decline_and_redirect_keep_the_input_and_show_the_error(
    client, partnership, leader, data, field, on_commit
):
    _version, _round_, (sig, _other) = _round(partnership, leader)
    _verify(client, _url(sig), on_commit)
    before = _state(_fresh(sig))
    response = client.post(_url(sig), data)
    assert response.status_code == 200
    form = response.context[f"{data['action']}_form"]
    assert form.errors[field]
    for name, value in data.items():
        if name != "action":
            assert form[name].value() == value  # what was typed stays
    assert _state(sig) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"action": "decline", "reason": "Wij stoppen.", "confirm": "on"},
        {"action": "redirect", "name": "Piet Bakker", "confirm": "on"},
    ],
)
def test_a_forwarded_link_cannot_decline_or_redirect_without_the_code(
    client, partnership, leader, data
):
    _version, round, (sig, _other) = _round(partnership, leader)
    before = _state(sig)
    response = client.post(_url(sig), data)
    assert response.status_code == 200
    assert "Bevestig eerst je e-mailadres met een code." in response.content.decode()
    assert _state(sig) == before
    assert _fresh(sig).status == RequestStatus.PENDING
    assert _kinds(round)[-1] != data["action"] + "d"


# --- Hostile input ---------------------------------------------------------------------------


def _verified_client(client, sig, on_commit):
    _verify(client, _url(sig), on_commit)
    return client


HOSTILE_SIGN = [
    ({"typed_name": ""}, "typed_name"),
    ({"typed_name": "   "}, "typed_name"),
    ({"typed_name": "12345"}, "typed_name"),
    ({"typed_name": "x" * 201}, "typed_name"),
    ({"typed_name": "x" * 5000}, "typed_name"),
    ({"confirm": ""}, "confirm"),
    ({"signature_image": "data:image/gif;base64,R0lGODlhAQABAAAAACw="}, "signature_image"),
    ({"signature_image": "data:image/png;base64,not base64!"}, "signature_image"),
    (
        {"signature_image": "data:image/png;base64," + base64.b64encode(b"GIF89a").decode()},
        "signature_image",
    ),
    ({"signature_image": "javascript:alert(1)"}, "signature_image"),
    ({"signature_image": PNG_URL + "A" * signing.MAX_SIGNATURE_IMAGE}, "signature_image"),
    ({"pdf_sha256": ""}, "pdf_sha256"),
    ({"pdf_sha256": "0" * 64}, None),
    ({"pdf_sha256": "0" * 65}, "pdf_sha256"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("override", "field"), HOSTILE_SIGN)
def test_a_hostile_sign_post_is_refused_with_the_input_kept(
    client, partnership, leader, on_commit, override, field
):
    version, round, (sig, _other) = _round(partnership, leader)
    _verified_client(client, sig, on_commit)
    before = _state(sig)
    data = _sign_data(version, **{"typed_name": "<script>x</script> Jan de Vries", **override})
    response = client.post(_url(sig), data)
    assert response.status_code == 200
    form = response.context["sign_form"]
    if field is None:
        assert form.non_field_errors()
    else:
        assert form.errors[field]
    if field != "typed_name":
        assert form["typed_name"].value() == "<script>x</script> Jan de Vries"
        assert b"&lt;script&gt;x&lt;/script&gt; Jan de Vries" in response.content
    # The page offers this version's PDF again, whatever was posted.
    assert form["pdf_sha256"].value() == version.pdf_sha256
    assert _state(sig) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": ""},
        {"action": "nonsense"},
        {"action": ["code", "sign"]},
        {"action": "SIGN"},
        {"action": "sign"},
        {"action": "verify"},
        {"action": "verify", "code": "abc"},
        {"action": "verify", "code": "12 34 5"},
        {"action": "verify", "code": "1" * 10_000},
        {"action": "verify", "code": "١٢٣٤٥٦"},
        {"action": "verify", "code": "12345\x00"},
        {"action": "decline"},
        {"action": "redirect"},
    ],
)
def test_malformed_posts_never_fail_and_change_nothing(client, partnership, leader, data):
    _version, _round_, (sig, _other) = _round(partnership, leader)
    with scopes_disabled():
        signing.code_send(sig, client=signing.Client(None, "t"))
    before = _state(sig)
    response = client.post(_url(sig), data)
    assert response.status_code in (200, 400)
    assert _state(sig) == before


@pytest.mark.django_db
def test_an_unknown_action_is_a_bad_request(client, partnership, leader):
    _version, _round_, (sig, _other) = _round(partnership, leader)
    assert client.post(_url(sig), {"action": "delete-everything"}).status_code == 400


@pytest.mark.django_db
def test_a_code_with_letters_costs_no_try(client, partnership, leader, on_commit):
    _version, _round_, (sig, _other) = _round(partnership, leader)
    _ask_code(client, _url(sig), on_commit)
    response = client.post(_url(sig), {"action": "verify", "code": "abc"})
    assert response.status_code == 200
    assert response.context["code_form"].errors["code"]
    assert _fresh(sig).code_attempts == 0


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["typed_name", "signature_image"])
def test_a_huge_post_is_a_bad_request_not_a_crash(client, partnership, leader, on_commit, field):
    version, _round_, (sig, _other) = _round(partnership, leader)
    _verified_client(client, sig, on_commit)
    before = _state(sig)
    huge = "x" * (10 * 1024 * 1024) if field == "typed_name" else PNG_URL + "A" * 5_000_000
    response = client.post(_url(sig), _sign_data(version, **{field: huge}))
    assert response.status_code == 400
    _assert_private(response)
    assert _state(sig) == before


@pytest.mark.django_db
def test_a_forged_post_without_csrf_token_is_forbidden_and_changes_nothing(
    partnership, leader, on_commit
):
    version, _round_, (sig, _other) = _round(partnership, leader)
    forger = Client(enforce_csrf_checks=True)
    before = _state(sig)
    for data in (
        {"action": "code"},
        {"action": "decline", "reason": "Vervalst", "confirm": "on"},
        {"action": "redirect", "name": "Mallory", "confirm": "on"},
        _sign_data(version),
    ):
        with on_commit():
            assert forger.post(_url(sig), data).status_code == 403
    assert _state(sig) == before
    # The same client with the page's token gets through.
    page = forger.get(_url(sig))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    with on_commit():
        response = forger.post(_url(sig), {"action": "code", "csrfmiddlewaretoken": token.decode()})
    assert response.status_code == 303


@pytest.mark.django_db
def test_a_hostile_name_is_escaped_on_the_page(client, partnership, leader, on_commit):
    _version, _round_, (sig, _other) = _round(partnership, leader)
    _verify(client, _url(sig), on_commit)
    response = client.post(_url(sig), {"action": "redirect", "name": "", "note": "<b>x</b>"})
    assert b"<b>x</b>" not in response.content
    assert b"&lt;b&gt;x&lt;/b&gt;" in response.content


# --- Queries -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("parties", [5, 200])
def test_the_sign_page_makes_a_constant_number_of_queries(
    client, partnership, leader, on_commit, django_assert_max_num_queries, parties
):
    version, _round_, requests = _round(partnership, leader, parties=parties)
    sig = requests[-1]
    url = _url(sig)
    client.get(url)  # the first opening writes an event
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
    _verify(client, url, on_commit)
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("parties", [5, 200])
def test_the_together_page_makes_a_constant_number_of_queries(
    leader_client, partnership, leader, django_assert_max_num_queries, parties
):
    _version, round, _requests = _round(partnership, leader, parties=parties)
    with django_assert_max_num_queries(7):
        assert leader_client.get(_together_url(partnership, round)).status_code == 200


# --- Signing together ----------------------------------------------------------------------


def _together_url(partnership, round) -> str:
    return reverse("signing:round-together", kwargs={"slug": partnership.slug, "code": round.code})


def _together_sign_url(partnership, round, sig) -> str:
    return reverse(
        "signing:together-sign",
        kwargs={"slug": partnership.slug, "code": round.code, "request_code": sig.code},
    )


@pytest.mark.django_db
def test_signing_together_records_that_it_happened_in_person(
    leader_client, partnership, leader, settings, tmp_path, on_commit
):
    settings.SEAL_DEV_DIR = tmp_path / "seal"
    version, round, requests = _round(partnership, leader, real_pdf=True)
    together = _together_url(partnership, round)
    page = leader_client.get(together)
    assert page.status_code == 200
    for sig in requests:
        assert _together_sign_url(partnership, round, sig).encode() in page.content
    leader_name = leader.get_full_name() or leader.email

    for index, sig in enumerate(requests):
        url = _together_sign_url(partnership, round, sig)
        page = leader_client.get(url)
        assert page.status_code == 200
        assert version.pdf_sha256.encode() in page.content
        assert page.context["verified"] is False  # each signatory identifies themselves
        _verify(leader_client, url, on_commit)
        assert mail.outbox[-1].to == [sig.email]
        with on_commit():
            response = leader_client.post(url, _sign_data(version))
        assert response.status_code == 303
        if index == 0:
            assert response["Location"] == together
        else:
            assert response["Location"] == reverse(
                "signing:round-detail", kwargs={"slug": partnership.slug, "code": round.code}
            )
        assert SESSION_KEY.format(code=sig.code) not in leader_client.session
        signed = _fresh(sig)
        assert signed.status == RequestStatus.SIGNED
        assert signed.method == SignMethod.IN_PERSON
        assert signed.in_person_with == leader_name

    with scopes_disabled():
        round.refresh_from_db()
        events = list(chain_of(round.chain))
    assert round.status == RoundStatus.COMPLETED
    signed_events = [e for e in events if e.kind == "signed_in_person"]
    assert len(signed_events) == 2
    assert all(e.data["in_person_with"] == leader_name for e in signed_events)
    assert all(e.data["in_person_with"] == leader_name for e in events if e.kind == "code_verified")
    assert "opened" not in [e.kind for e in events]
    # The round is no longer open: the together page is gone.
    assert leader_client.get(together).status_code == 404


@pytest.mark.django_db
def test_the_together_list_forgets_an_unused_identification(
    leader_client, partnership, leader, on_commit
):
    _version, round, (sig, _other) = _round(partnership, leader)
    url = _together_sign_url(partnership, round, sig)
    _verify(leader_client, url, on_commit)
    assert leader_client.session[SESSION_KEY.format(code=sig.code)] is True
    leader_client.get(_together_url(partnership, round))
    assert SESSION_KEY.format(code=sig.code) not in leader_client.session
    assert leader_client.get(url).context["verified"] is False


@pytest.mark.django_db
def test_together_declining_returns_to_the_list(leader_client, partnership, leader, on_commit):
    _version, round, (sig, _other) = _round(partnership, leader)
    with on_commit():
        response = leader_client.post(
            _together_sign_url(partnership, round, sig),
            {"action": "decline", "reason": "Nee", "confirm": "on"},
        )
    assert response.status_code == 303
    assert response["Location"] == _together_url(partnership, round)
    assert _fresh(sig).status == RequestStatus.DECLINED


@pytest.mark.django_db
def test_together_shows_sign_now_only_for_those_whose_turn_it_is(
    leader_client, partnership, leader
):
    _version, round, requests = _round(partnership, leader, order=signing.ORDER_PENVOERDER_LAST)
    response = leader_client.get(_together_url(partnership, round))
    for sig, can_sign in response.context["rows"]:
        assert can_sign == (not sig.is_penvoerder)
    penvoerder = next(sig for sig in requests if sig.is_penvoerder)
    refused = leader_client.get(_together_sign_url(partnership, round, penvoerder))
    assert refused.status_code == 200
    assert b'name="action"' not in refused.content


@pytest.mark.django_db
def test_signable_agrees_with_refusal_in_every_state(partnership, leader):
    _version, round, requests = _round(
        partnership, leader, parties=4, order=signing.ORDER_PENVOERDER_LAST
    )
    with scopes_disabled():
        signing.request_revoke(requests[0], reason="x", user=leader)
        _decline(round, requests[1], leader)

        def check():
            round.refresh_from_db()
            fresh = list(SignatureRequest.objects.filter(round=round).select_related("round"))
            expected = {sig.pk for sig in fresh if signing.refusal(sig) is None}
            assert _signable(round, fresh) == expected

        check()
        for sig in requests[2:]:
            if not sig.is_penvoerder:
                _signed(round, _fresh(sig), leader)
        check()
        SigningRound.objects.filter(pk=round.pk).update(
            deadline=timezone.now() - timedelta(seconds=1)
        )
        check()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_only_a_leader_can_sign_together(client, partnership, leader, request, who):
    _version, round, (sig, _other) = _round(partnership, leader)
    client.force_login(request.getfixturevalue(who))
    assert client.get(_together_url(partnership, round)).status_code == 403
    assert client.get(_together_sign_url(partnership, round, sig)).status_code == 403
    assert (
        client.post(_together_sign_url(partnership, round, sig), {"action": "code"}).status_code
        == 403
    )


@pytest.mark.django_db
def test_an_outsider_gets_404_and_an_anonymous_visitor_the_login(
    client, partnership, leader, outsider
):
    _version, round, (sig, _other) = _round(partnership, leader)
    assert client.get(_together_url(partnership, round)).status_code == 302
    assert client.get(_together_sign_url(partnership, round, sig)).status_code == 302
    client.force_login(outsider)
    assert client.get(_together_url(partnership, round)).status_code == 404
    assert client.get(_together_sign_url(partnership, round, sig)).status_code == 404


@pytest.mark.django_db
def test_another_partnerships_round_is_404_under_ones_own_slug(
    client, partnership, leader, other_partnership, outsider
):
    _version, round, (sig, _other) = _round(other_partnership, outsider)
    client.force_login(leader)
    assert client.get(_together_url(partnership, round)).status_code == 404
    assert client.get(_together_sign_url(partnership, round, sig)).status_code == 404
    assert (
        client.post(_together_sign_url(partnership, round, sig), {"action": "code"}).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_request_of_another_round_is_404(leader_client, partnership, leader):
    with scopes_disabled():
        _version, first_round, (sig, _other) = _round(partnership, leader)
        # A second agreement's round is impossible per partnership, so use a voided one.
        signing.round_void(first_round, reason="x", user=leader)
        _v2, second_round, _requests = _round(partnership, leader)
    assert leader_client.get(_together_sign_url(partnership, second_round, sig)).status_code == 404


@pytest.mark.django_db
def test_together_for_a_round_that_is_not_open_is_404(leader_client, partnership, leader):
    _version, round, (sig, _other) = _round(partnership, leader)
    with scopes_disabled():
        signing.round_void(round, reason="x", user=leader)
    assert leader_client.get(_together_url(partnership, round)).status_code == 404
    # The request page itself says why it cannot be signed.
    response = leader_client.get(_together_sign_url(partnership, round, sig))
    assert response.status_code == 410
    assert b'name="action"' not in response.content


@pytest.mark.django_db
def test_identification_holds_on_one_device_only(partnership, leader, on_commit):
    version, _round_, (sig, _other) = _round(partnership, leader)
    _verify(Client(), _url(sig), on_commit)
    assert _fresh(sig).code_verified_at is not None
    before = _state(sig)
    response = Client().post(_url(sig), _sign_data(version))
    assert response.status_code == 200
    assert response.context["verified"] is False
    assert _state(sig) == before


@pytest.mark.django_db
def test_a_code_before_asking_for_one_shows_why_it_fails(client, partnership, leader):
    _version, _round_, (sig, _other) = _round(partnership, leader)
    before = _state(sig)
    response = client.post(_url(sig), {"action": "verify", "code": "123456"})
    assert response.status_code == 200
    errors = response.context["code_form"].errors["code"]
    assert errors
    assert escape(errors[0]).encode() in response.content
    assert _state(sig) == before
