"""The project leader's pages of a signing round (docs/rules.md §13): send, follow, remind, extend,
revoke, reissue, record paper, void, the sealed PDF, the agreement page and the dashboard panel.

Tests run in Dutch while the catalogue is not translated yet, so they assert on statuses,
database state, audit events and the outbox, never on wording.
"""

import datetime
import hashlib
import io

import pytest
from django.conf import settings
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from agreements import signing as agreement_signing
from agreements.models import AgreementVersion
from agreements.panels import signing_panel
from partners.models import Role
from partners.tenancy import Tenant
from signing import services as signing
from signing.audit import chain_of, verify_chain
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound, SignMethod
from signing.round_forms import AMSTERDAM, end_of_day, today
from signing.selectors import round_status
from tests.factories import (
    MAIL_EVENTS,
    MembershipFactory,
    UserFactory,
    VersionFactory,
    round_of,
    send_round,
    signing_version,
    tiny_real_pdf,
    version_of,
)

pytestmark = pytest.mark.usefixtures("no_scopes")

HOSTILE = "<script>alert('x')</script>"
HUGE = "x" * 100_000
SLUG = "twente"


@pytest.fixture(autouse=True)
def _signing_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a service hands to on_commit (e-mail delivery, sealing) as it would run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def viewer_client(viewer):
    return _client_for(viewer)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


SIGNING_URLS = {
    "round-detail",
    "round-document",
    "round-pdf",
    "round-extend",
    "round-void",
    "round-together",
    "request-remind",
    "request-revoke",
    "request-reissue",
    "request-paper",
    "request-scan",
}


def url(name, code, slug=SLUG):
    app = "signing" if name in SIGNING_URLS else "agreements"
    return reverse(f"{app}:{name}", kwargs={"slug": slug, "code": code})


def kinds(round: SigningRound) -> list[str]:
    """The round's events, without the delivery of its mail (tests/test_outbox.py)."""
    return [event.kind for event in chain_of(round.chain) if event.kind not in MAIL_EVENTS]


def requests_of(round: SigningRound) -> list[SignatureRequest]:
    return list(SignatureRequest.objects.filter(round=round).order_by("pk"))


def day(offset: int) -> str:
    return (today() + datetime.timedelta(days=offset)).isoformat()


def message_levels(response) -> list[int]:
    return [message.level for message in get_messages(response.wsgi_request)]


def age(item: SignatureRequest) -> None:
    """Move the request's link and reminders past the leader's reminder cool-down."""
    before = timezone.now() - signing.REMIND_COOLDOWN - datetime.timedelta(minutes=1)
    SignatureRequest.objects.filter(pk=item.pk).exclude(invited_at=None).update(invited_at=before)
    SignatureRequest.objects.filter(pk=item.pk).exclude(last_reminded_at=None).update(
        last_reminded_at=before
    )


def english(client: Client) -> Client:
    """The client with English chosen in the language switch, to check wording."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sign_online(item: SignatureRequest, version: AgreementVersion) -> None:
    SignatureRequest.objects.filter(pk=item.pk).update(code_verified_at=timezone.now())
    signing.request_sign(
        item,
        typed_name=item.name,
        statement_confirmed=True,
        shown_pdf_sha256=version.pdf_sha256,
        client=signing.Client("192.0.2.1", "pytest"),
    )


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def version(partnership):
    return signing_version(partnership, parties=3)


@pytest.fixture
def open_round(version, leader):
    return send_round(version, leader)


# --- Sending --------------------------------------------------------------------------------


def test_leader_sees_the_send_form_with_a_default_deadline(leader_client, version):
    response = leader_client.get(url("round-send", version.code))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["deadline"].value() == today() + datetime.timedelta(days=14)
    assert len(form.turn_fields()) == 3
    assert response.context["open_round"] is None


def test_sending_in_parallel_mails_every_signatory_a_link(leader_client, version, commit):
    with commit():
        response = leader_client.post(
            url("round-send", version.code), {"deadline": day(10), "order": "parallel"}
        )
    round = round_of(version)
    assert response.status_code == 302
    assert response.url == url("round-detail", round.code)
    assert SUCCESS in message_levels(response)
    assert round.status == RoundStatus.OPEN
    assert not round.ordered
    expected = datetime.datetime.combine(
        today() + datetime.timedelta(days=10), datetime.time(23, 59), tzinfo=AMSTERDAM
    )
    assert round.deadline == expected
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in requests_of(round))
    assert len(mail.outbox) == 3
    assert all(r.invited_at is not None for r in requests_of(round))
    assert kinds(round) == ["sent", "sent", "sent"]


def test_sending_penvoerder_last_mails_only_the_first_turn(leader_client, partnership, commit):
    version = signing_version(partnership, parties=3, penvoerder=1)
    with commit():
        leader_client.post(
            url("round-send", version.code), {"deadline": day(10), "order": "penvoerder_last"}
        )
    round = round_of(version)
    assert round.ordered
    penvoerder = SignatureRequest.objects.get(round=round, is_penvoerder=True)
    others = SignatureRequest.objects.filter(round=round, is_penvoerder=False)
    assert penvoerder.step == 2 and {r.step for r in others} == {1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in others)
    assert penvoerder.invited_at is None
    assert signing.refusal(penvoerder) == "not_your_turn"


def test_sending_in_a_custom_order_uses_the_turns_given(leader_client, version, commit):
    signers = agreement_signing.signers_of(version)
    data = {"deadline": day(10), "order": "custom"}
    for signer, turn in zip(signers, [3, 1, 1], strict=True):
        data[f"turn_{signer.signatory_key}"] = str(turn)
    with commit():
        response = leader_client.post(url("round-send", version.code), data)
    assert response.status_code == 302
    round = round_of(version)
    steps = {r.signatory_key: r.step for r in requests_of(round)}
    # Turns are made dense: 3, 1, 1 becomes 2, 1, 1.
    assert [steps[s.signatory_key] for s in signers] == [2, 1, 1]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in signers[1:])


@pytest.mark.parametrize("turn", ["", "abc", "0", "-1", "4", "99999999999999999999999", HOSTILE])
def test_a_custom_order_with_a_missing_or_wrong_turn_sends_nothing(leader_client, version, turn):
    signers = agreement_signing.signers_of(version)
    data = {"deadline": day(10), "order": "custom"}
    for signer in signers:
        data[f"turn_{signer.signatory_key}"] = "1"
    data[f"turn_{signers[0].signatory_key}"] = turn
    response = leader_client.post(url("round-send", version.code), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not SigningRound.objects.exists()
    assert mail.outbox == []


def test_turns_typed_but_not_used_do_not_block_a_parallel_round(leader_client, version):
    signers = agreement_signing.signers_of(version)
    data = {"deadline": day(10), "order": "parallel", f"turn_{signers[0].signatory_key}": "abc"}
    response = leader_client.post(url("round-send", version.code), data)
    assert response.status_code == 302
    assert not round_of(version).ordered


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"deadline": "", "order": "parallel"},
        {"deadline": day(-1), "order": "parallel"},
        {"deadline": day(400), "order": "parallel"},
        {"deadline": "31-02-2026", "order": "parallel"},
        {"deadline": "0000-00-00", "order": "parallel"},
        {"deadline": HUGE, "order": "parallel"},
        {"deadline": day(10), "order": "sideways"},
        {"deadline": day(10), "order": HOSTILE},
    ],
)
def test_wrong_send_input_sends_nothing_and_keeps_the_input(leader_client, version, data):
    response = leader_client.post(url("round-send", version.code), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert form["deadline"].value() == data.get("deadline", form["deadline"].value())
    assert not SigningRound.objects.exists()
    assert mail.outbox == []


def test_an_older_version_cannot_be_sent(leader_client, partnership, version):
    newer = signing_version(partnership, parties=2)
    assert newer.number > version.number
    response = leader_client.post(
        url("round-send", version.code), {"deadline": day(10), "order": "parallel"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["form"]["deadline"].value() == day(10)
    assert not SigningRound.objects.exists()


def test_a_version_without_pdf_cannot_be_sent(leader_client, partnership):
    version = signing_version(partnership, parties=2)
    AgreementVersion.objects.filter(pk=version.pk).update(pdf="", pdf_sha256="")
    response = leader_client.post(
        url("round-send", version.code), {"deadline": day(10), "order": "parallel"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not SigningRound.objects.exists()


def test_a_signatory_without_email_blocks_sending(leader_client, partnership):
    snapshot = {
        "schema": 1,
        "partnership": {"name": partnership.name},
        "penvoerder": "p1",
        "parties": [
            {
                "key": "p1",
                "name": "Zonder Mail B.V.",
                "signatories": [{"key": "s1", "name": "Piet Zondermail", "email": ""}],
            }
        ],
    }
    version = VersionFactory(partnership=partnership, snapshot=snapshot)
    response = leader_client.post(
        url("round-send", version.code), {"deadline": day(10), "order": "parallel"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not SigningRound.objects.exists()


def test_the_send_form_warns_of_an_open_round_of_an_older_version_and_sending_voids_it(
    leader_client, partnership, open_round, commit
):
    newer = signing_version(partnership, parties=2)
    response = leader_client.get(url("round-send", newer.code))
    assert response.context["open_round"] == open_round
    with commit():
        leader_client.post(
            url("round-send", newer.code), {"deadline": day(10), "order": "parallel"}
        )
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.VOIDED
    assert round_of(newer).status == RoundStatus.OPEN


# --- Following a round ----------------------------------------------------------------------


def test_round_page_shows_every_request_and_the_events(leader_client, open_round):
    response = leader_client.get(url("round-detail", open_round.code))
    assert response.status_code == 200
    assert [r.pk for r in response.context["requests"]] == [
        r.pk for r in SignatureRequest.objects.filter(round=open_round)
    ]
    shown = [event.kind for event, _label in response.context["events"]]
    assert [kind for kind in shown if kind not in MAIL_EVENTS] == ["sent"] * 3
    assert shown.count("mail_delivered") == 0  # delivered after commit: none here
    content = response.content.decode()
    assert 'hx-trigger="every 10s' in content
    for item in requests_of(open_round):
        assert url("request-remind", item.code) in content
        assert url("request-revoke", item.code) in content
        assert url("request-reissue", item.code) in content
        assert url("request-paper", item.code) in content
        # One date format everywhere: day, month in words, year, time.
        with translation.override("nl"):
            sent = formats.date_format(timezone.localtime(item.invited_at), "j F Y")
        assert f'<span class="text-nowrap">{sent}</span>' in content
    assert url("round-void", open_round.code) in content
    assert url("round-extend", open_round.code) in content
    assert url("round-together", open_round.code) in content


def test_viewer_sees_the_status_without_actions(viewer_client, open_round):
    response = viewer_client.get(url("round-detail", open_round.code))
    assert response.status_code == 200
    content = response.content.decode()
    assert url("round-void", open_round.code) not in content
    assert all(url("request-remind", r.code) not in content for r in requests_of(open_round))


def test_the_audit_table_names_its_columns_and_the_signatory_of_each_event(
    leader_client, open_round
):
    content = english(leader_client).get(url("round-detail", open_round.code)).content.decode()
    events = content[content.index('id="events-heading"') :]
    for header in ["No.", "Time", "What happened", "Signatory", "By"]:
        assert f'<th scope="col">{header}</th>' in events
    for item in requests_of(open_round):
        assert item.name in events


def test_the_actions_are_one_menu_per_request_and_polling_waits_for_an_open_menu(
    leader_client, open_round
):
    content = leader_client.get(url("round-detail", open_round.code)).content.decode()
    for item in requests_of(open_round):
        assert f'id="actions-{item.code}"' in content
    # The pause is static/js/sterk.js's, not an htmx event filter (eval, refused by the CSP).
    assert 'hx-trigger="every 10s" data-poll-pause=".dropdown-menu.show"' in content


def test_htmx_polling_gets_the_status_partial_and_stops_when_void(leader_client, open_round):
    response = leader_client.get(url("round-detail", open_round.code), HTTP_HX_REQUEST="true")
    assert [t.name for t in response.templates][0] == "signing/round_status.html"
    assert "hx-get" in response.content.decode()
    signing.round_void(open_round, reason="fout", user=None)
    response = leader_client.get(url("round-detail", open_round.code), HTTP_HX_REQUEST="true")
    assert "hx-get" not in response.content.decode()


def test_the_audit_events_are_paginated(leader_client, open_round, leader):
    for _ in range(30):
        # As the reminder command does: a leader's reminders are at most one an hour.
        signing.request_remind(requests_of(open_round)[0], user=None)
    response = leader_client.get(url("round-detail", open_round.code))
    assert len(response.context["events"]) == 25
    # 33 links and reminders, each with its mail queued (delivered after commit: not here).
    response = leader_client.get(url("round-detail", open_round.code) + "?page=3")
    assert len(response.context["events"]) == 66 - 50
    response = leader_client.get(url("round-detail", open_round.code) + "?page=" + HOSTILE)
    assert response.status_code == 200


def test_a_failed_seal_is_shown_to_leaders_only(leader_client, viewer_client, open_round, leader):
    for item in requests_of(open_round):
        sign_online(item, version_of(open_round))
    SigningRound.objects.filter(pk=open_round.pk).update(seal_error="SealBoom: kapot")
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.COMPLETED and open_round.sealing_pending
    leader_page = leader_client.get(url("round-detail", open_round.code)).content.decode()
    viewer_page = viewer_client.get(url("round-detail", open_round.code)).content.decode()
    assert "SealBoom: kapot" in leader_page
    assert "SealBoom: kapot" not in viewer_page
    # Still polling: the seal may come.
    assert "hx-get" in viewer_page
    assert leader_client.get(url("round-pdf", open_round.code)).status_code == 404


# --- Remind, revoke, reissue ----------------------------------------------------------------


def test_remind_sends_the_link_again(leader_client, open_round, commit):
    item = requests_of(open_round)[0]
    age(item)
    with commit():
        response = leader_client.post(url("request-remind", item.code))
    assert response.status_code == 302
    assert response.url == url("round-detail", open_round.code)
    assert SUCCESS in message_levels(response)
    item.refresh_from_db()
    assert item.reminders_sent == 1
    assert [m.to for m in mail.outbox] == [[item.email]]
    assert kinds(open_round)[-1] == "reminded"


def test_a_second_reminder_within_the_hour_is_refused_and_sends_nothing(
    leader_client, open_round, commit
):
    item = requests_of(open_round)[0]
    age(item)
    with commit():
        first = leader_client.post(url("request-remind", item.code))
        second = leader_client.post(url("request-remind", item.code))
    assert message_levels(first) == [SUCCESS]
    assert second.status_code == 302
    # The refusal is shown on the round page the leader is sent back to.
    page = leader_client.get(second.url)
    shown = list(page.context["messages"])
    assert [m.level for m in shown] == [SUCCESS, ERROR]
    assert str(shown[-1]) in page.content.decode()
    item.refresh_from_db()
    assert item.reminders_sent == 1
    assert len(mail.outbox) == 1
    assert kinds(open_round).count("reminded") == 1


def test_reminding_a_request_whose_turn_has_not_come_changes_nothing(
    leader_client, partnership, leader
):
    version = signing_version(partnership, parties=2, penvoerder=0)
    round = send_round(version, leader, order=signing.ORDER_PENVOERDER_LAST)
    penvoerder = SignatureRequest.objects.get(round=round, is_penvoerder=True)
    before = kinds(round)
    response = leader_client.post(url("request-remind", penvoerder.code))
    assert response.status_code == 302
    assert message_levels(response) == [ERROR]
    penvoerder.refresh_from_db()
    assert penvoerder.reminders_sent == 0
    assert kinds(round) == before


def test_remind_refuses_get(leader_client, open_round):
    item = requests_of(open_round)[0]
    assert leader_client.get(url("request-remind", item.code)).status_code == 405


def test_revoke_with_a_reason_stops_the_link(leader_client, open_round):
    item = requests_of(open_round)[0]
    assert leader_client.get(url("request-revoke", item.code)).status_code == 200
    response = leader_client.post(url("request-revoke", item.code), {"reason": HOSTILE})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.REVOKED
    assert item.reason == HOSTILE
    event = list(chain_of(open_round.chain))[-1]
    assert event.kind == "revoked" and event.data["reason"] == HOSTILE
    assert signing.refusal(item) == "revoked"
    # The reason is shown, escaped.
    page = leader_client.get(url("round-detail", open_round.code)).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("reason", ["", "   ", HUGE])
def test_revoke_with_a_wrong_reason_changes_nothing(leader_client, open_round, reason):
    item = requests_of(open_round)[0]
    response = leader_client.post(url("request-revoke", item.code), {"reason": reason})
    assert response.status_code == 200
    assert response.context["form"].errors
    item.refresh_from_db()
    assert item.status == RequestStatus.PENDING
    assert "revoked" not in kinds(open_round)


def test_revoking_a_signed_request_is_refused_on_the_form(leader_client, open_round):
    item = requests_of(open_round)[0]
    sign_online(item, version_of(open_round))
    response = leader_client.post(url("request-revoke", item.code), {"reason": "weg"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    item.refresh_from_db()
    assert item.status == RequestStatus.SIGNED


def test_reissue_gives_a_revoked_request_a_new_link(leader_client, open_round, leader, commit):
    item = requests_of(open_round)[0]
    signing.request_revoke(item, reason="verkeerd adres", user=leader)
    old_hash = SignatureRequest.objects.get(pk=item.pk).token_hash
    page = leader_client.get(url("round-detail", open_round.code)).content.decode()
    assert url("request-reissue", item.code) in page
    with commit():
        response = leader_client.post(url("request-reissue", item.code))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.PENDING
    assert item.token_hash != old_hash
    assert kinds(open_round)[-1] == "reissued"
    assert [m.to for m in mail.outbox] == [[item.email]]


def test_the_reissue_page_offers_the_current_address(leader_client, open_round):
    item = requests_of(open_round)[0]
    response = leader_client.get(url("request-reissue", item.code))
    assert response.status_code == 200
    assert response.context["form"]["email"].value() == item.email


def test_reissue_with_a_corrected_address_sends_the_link_there(
    leader_client, open_round, leader, commit
):
    item = requests_of(open_round)[0]
    signing.request_revoke(item, reason="adres klopt niet", user=leader)
    old = item.email
    with commit():
        response = leader_client.post(
            url("request-reissue", item.code), {"email": "nieuw@partner1.nl"}
        )
    assert response.status_code == 302
    assert SUCCESS in message_levels(response)
    item.refresh_from_db()
    assert item.email == "nieuw@partner1.nl"
    assert item.status == RequestStatus.PENDING
    assert [m.to for m in mail.outbox] == [["nieuw@partner1.nl"]]
    event = list(chain_of(open_round.chain).exclude(kind__in=MAIL_EVENTS))[-1]
    assert event.kind == "reissued"
    assert old in str(event.data) and "nieuw@partner1.nl" in str(event.data)


@pytest.mark.parametrize(
    "email", ["geen-adres", "a@", "@partner1.nl", "jan @partner1.nl", HOSTILE, HUGE + "@x.nl"]
)
def test_reissue_with_a_malformed_address_changes_nothing(leader_client, open_round, leader, email):
    item = requests_of(open_round)[0]
    signing.request_revoke(item, reason="adres klopt niet", user=leader)
    before = SignatureRequest.objects.get(pk=item.pk)
    response = leader_client.post(url("request-reissue", item.code), {"email": email})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    item.refresh_from_db()
    assert (item.email, item.status, item.token_hash) == (
        before.email,
        RequestStatus.REVOKED,
        before.token_hash,
    )
    assert "reissued" not in kinds(open_round)
    assert mail.outbox == []


def test_reissuing_a_signed_request_changes_nothing(leader_client, open_round):
    item = requests_of(open_round)[0]
    sign_online(item, version_of(open_round))
    before = SignatureRequest.objects.get(pk=item.pk).token_hash
    response = leader_client.post(url("request-reissue", item.code))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    item.refresh_from_db()
    assert item.status == RequestStatus.SIGNED and item.token_hash == before


# --- Extend and void ------------------------------------------------------------------------


def _expire(round: SigningRound) -> None:
    SigningRound.objects.filter(pk=round.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    signing.send_reminders()


def test_extending_the_deadline_reopens_expired_requests(leader_client, open_round, commit):
    _expire(open_round)
    assert {r.status for r in requests_of(open_round)} == {RequestStatus.EXPIRED}
    assert leader_client.get(url("round-extend", open_round.code)).status_code == 200
    mail.outbox.clear()
    with commit():
        response = leader_client.post(url("round-extend", open_round.code), {"deadline": day(20)})
    assert response.status_code == 302
    open_round.refresh_from_db()
    assert open_round.deadline == end_of_day(today() + datetime.timedelta(days=20))
    assert {r.status for r in requests_of(open_round)} == {RequestStatus.PENDING}
    assert kinds(open_round)[-1] == "extended"
    assert len(mail.outbox) == 3
    assert all(signing.refusal(r) is None for r in requests_of(open_round))


@pytest.mark.parametrize("deadline", ["", day(-1), day(3), day(400), "2026-13-45", HUGE, HOSTILE])
def test_a_wrong_new_deadline_changes_nothing(leader_client, open_round, deadline):
    # The round's deadline is 14 days ahead, so 3 days ahead is earlier: refused too.
    before = open_round.deadline
    response = leader_client.post(url("round-extend", open_round.code), {"deadline": deadline})
    assert response.status_code == 200
    assert response.context["form"].errors
    open_round.refresh_from_db()
    assert open_round.deadline == before
    assert "extended" not in kinds(open_round)


def test_void_tells_everyone_who_signed(leader_client, open_round, commit):
    signed = requests_of(open_round)[0]
    sign_online(signed, version_of(open_round))
    assert leader_client.get(url("round-void", open_round.code)).status_code == 200
    mail.outbox.clear()
    with commit():
        response = leader_client.post(
            url("round-void", open_round.code), {"reason": HOSTILE, "confirm": "on"}
        )
    assert response.status_code == 302
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.VOIDED
    assert open_round.void_reason == HOSTILE
    assert kinds(open_round)[-1] == "voided"
    assert [m.to for m in mail.outbox] == [[signed.email]]
    assert all(signing.refusal(r) == "voided" for r in requests_of(open_round))
    page = leader_client.get(url("round-detail", open_round.code)).content.decode()
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert url("round-void", open_round.code) not in page
    assert "hx-get" not in page


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reason": "fout", "confirm": ""},
        {"reason": "", "confirm": "on"},
        {"reason": "   ", "confirm": "on"},
        {"reason": HUGE, "confirm": "on"},
    ],
)
def test_void_without_reason_or_confirmation_changes_nothing(leader_client, open_round, data):
    response = leader_client.post(url("round-void", open_round.code), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN
    assert "voided" not in kinds(open_round)


@pytest.fixture
def completed_round(open_round):
    """Everyone signed; the seal is not made (no commit), so it is sealing pending."""
    for item in requests_of(open_round):
        sign_online(item, version_of(open_round))
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.COMPLETED
    return open_round


def test_voiding_a_completed_round_asks_for_the_documents_title(leader_client, completed_round):
    response = leader_client.get(url("round-void", completed_round.code))
    assert response.status_code == 200
    form = response.context["form"]
    assert "confirm_title" in form.fields and "confirm" not in form.fields
    open_page = english(leader_client).get(url("round-void", completed_round.code))
    assert "signed document in force" in open_page.content.decode()
    assert completed_round.document.title in open_page.content.decode()


@pytest.mark.parametrize(
    "wrong",
    [
        lambda title: "",
        lambda title: "   ",
        lambda title: title[:-1],
        lambda title: title + " 2",
        lambda title: title.replace("versie", "versie 1"),
        lambda title: "abc",
        lambda title: "9" * 5000,
        lambda title: HOSTILE,
    ],
)
def test_voiding_a_completed_round_with_a_wrong_title_changes_nothing(
    leader_client, completed_round, wrong
):
    response = leader_client.post(
        url("round-void", completed_round.code),
        {
            "reason": "fout",
            "confirm": "on",
            "confirm_title": wrong(completed_round.document.title),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_title"]
    completed_round.refresh_from_db()
    assert completed_round.status == RoundStatus.COMPLETED
    assert "voided" not in kinds(completed_round)


def test_voiding_a_completed_round_with_its_title_voids_it(leader_client, completed_round, commit):
    mail.outbox.clear()
    with commit():
        response = leader_client.post(
            url("round-void", completed_round.code),
            # Case and spacing are forgiven; the words are not.
            {"reason": "fout ontdekt", "confirm_title": completed_round.document.title.upper()},
        )
    assert response.status_code == 302
    completed_round.refresh_from_db()
    assert completed_round.status == RoundStatus.VOIDED
    assert len(mail.outbox) == 3
    # No longer in force.
    page = leader_client.get(reverse("agreements:agreement-list", kwargs={"slug": SLUG}))
    assert page.context["in_force"] is None
    assert [status for _v, status in page.context["rows"]] == ["ready"]


def test_an_open_round_keeps_the_checkbox(leader_client, open_round):
    form = leader_client.get(url("round-void", open_round.code)).context["form"]
    assert "confirm" in form.fields and "confirm_title" not in form.fields


def test_voiding_twice_is_refused_on_the_form(leader_client, open_round, leader):
    signing.round_void(open_round, reason="eerste keer", user=leader)
    response = leader_client.post(
        url("round-void", open_round.code), {"reason": "tweede", "confirm": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    open_round.refresh_from_db()
    assert open_round.void_reason == "eerste keer"
    assert kinds(open_round).count("voided") == 1


def test_actions_on_a_void_round_change_nothing(leader_client, open_round, leader):
    item = requests_of(open_round)[0]
    signing.round_void(open_round, reason="fout", user=leader)
    before = kinds(open_round)
    leader_client.post(url("request-remind", item.code))
    leader_client.post(url("request-reissue", item.code))
    leader_client.post(url("request-revoke", item.code), {"reason": "x"})
    leader_client.post(url("round-extend", open_round.code), {"deadline": day(30)})
    assert kinds(open_round) == before
    item.refresh_from_db()
    assert item.status == RequestStatus.PENDING and item.reminders_sent == 0


# --- Paper ----------------------------------------------------------------------------------


def _paper(client, item, scan, *, signed_by="Jan de Vries", signed_on=None):
    return client.post(
        url("request-paper", item.code),
        {"scan": scan, "signed_by": signed_by, "signed_on": signed_on or day(0)},
    )


def test_a_paper_signature_records_the_scan_and_its_hash(leader_client, open_round):
    item = requests_of(open_round)[0]
    data = png_bytes()
    assert leader_client.get(url("request-paper", item.code)).status_code == 200
    response = _paper(leader_client, item, SimpleUploadedFile("scan.png", data, "image/png"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.SIGNED
    assert item.method == SignMethod.PAPER
    assert item.scan_sha256 == hashlib.sha256(data).hexdigest()
    assert item.typed_name == "Jan de Vries"
    assert item.scan.name.endswith(".png")
    assert open_round.sent_at <= item.signed_at <= timezone.now()
    event = list(chain_of(open_round.chain))[-1]
    assert event.kind == "signed_on_paper"
    assert event.data["scan_sha256"] == item.scan_sha256
    assert event.data["signed_by"] == "Jan de Vries"
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN
    # The scan can be downloaded (by a viewer too), as an attachment.
    page = leader_client.get(url("round-detail", open_round.code)).content.decode()
    assert url("request-scan", item.code) in page
    download = leader_client.get(url("request-scan", item.code))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == data


def test_the_last_signature_on_paper_completes_and_seals_the_round(
    leader_client, viewer_client, partnership, leader, commit
):
    version = signing_version(partnership, parties=2, real_pdf=True)
    round = send_round(version, leader)
    first, last = requests_of(round)
    sign_online(first, version)
    assert leader_client.get(url("round-pdf", round.code)).status_code == 404
    pdf = tiny_real_pdf()
    with commit():
        response = _paper(
            leader_client, last, SimpleUploadedFile("getekend.pdf", pdf, "application/pdf")
        )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.status == RoundStatus.COMPLETED
    assert round.final_pdf_sha256
    events = kinds(round)
    assert events[-3:] == ["signed_on_paper", "completed", "sealed"]
    assert verify_chain(chain_of(round.chain)) is None
    download = viewer_client.get(url("round-pdf", round.code))
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="samenwerkingsovereenkomst-{SLUG}-v{version.number}-ondertekend.pdf"'
    )
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == round.final_pdf_sha256
    page = viewer_client.get(url("round-detail", round.code)).content.decode()
    assert round.final_pdf_sha256 in page
    assert "hx-get" not in page
    # Voided afterwards: the sealed PDF stays downloadable, marked void on the page.
    signing.round_void(round, reason="fout ontdekt", user=leader)
    assert viewer_client.get(url("round-pdf", round.code)).status_code == 200


def test_the_last_signature_shows_sealing_pending_until_sealed(leader_client, open_round):
    for item in requests_of(open_round)[:-1]:
        sign_online(item, version_of(open_round))
    last = requests_of(open_round)[-1]
    # The sealing task is not run (no commit): the round waits for its seal.
    response = _paper(leader_client, last, SimpleUploadedFile("s.png", png_bytes(), "image/png"))
    assert response.status_code == 302
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.COMPLETED
    assert open_round.sealing_pending
    page = leader_client.get(reverse("agreements:agreement-list", kwargs={"slug": SLUG}))
    assert page.context["signing"]["round"].sealing_pending
    assert "hx-get" in page.content.decode()


@pytest.mark.parametrize(
    "scan, code",
    [
        pytest.param(
            lambda: SimpleUploadedFile("scan.pdf", b"just some text\n"), "type", id="text-as-pdf"
        ),
        pytest.param(lambda: SimpleUploadedFile("scan.pdf", b""), "empty", id="empty"),
        pytest.param(
            lambda: SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024)),
            "too_large",
            id="11-MB",
        ),
        pytest.param(lambda: SimpleUploadedFile("scan.html", HOSTILE.encode()), "type", id="html"),
        pytest.param(
            lambda: SimpleUploadedFile("scan.gif", b"GIF89a" + b"\0" * 20), "type", id="gif"
        ),
        pytest.param(lambda: "", "required", id="no-file"),
    ],
)
def test_a_wrong_scan_records_nothing(leader_client, open_round, scan, code):
    item = requests_of(open_round)[0]
    response = _paper(leader_client, item, scan())
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["scan"]] == [code]
    item.refresh_from_db()
    assert item.status == RequestStatus.PENDING and not item.scan_sha256
    assert "signed_on_paper" not in kinds(open_round)


@pytest.mark.parametrize(
    "signed_by, signed_on",
    [
        ("", None),
        ("   ", None),
        ("12345", None),
        (HUGE, None),
        ("Jan de Vries", "tomorrow"),
        ("Jan de Vries", "yesterday"),
        ("Jan de Vries", "gisteren"),
        ("Jan de Vries", "9999-99-99"),
        ("Jan de Vries", ""),
    ],
)
def test_wrong_paper_details_record_nothing(leader_client, open_round, signed_by, signed_on):
    item = requests_of(open_round)[0]
    scan = SimpleUploadedFile("scan.png", png_bytes(), "image/png")
    response = leader_client.post(
        url("request-paper", item.code),
        {
            "scan": scan,
            "signed_by": signed_by,
            # Days are worked out when the test runs, not when it is collected (a run that
            # passes midnight in the Netherlands would otherwise post today as "tomorrow").
            "signed_on": {None: day(0), "tomorrow": day(1), "yesterday": day(-1)}.get(
                signed_on, signed_on
            ),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    item.refresh_from_db()
    assert item.status == RequestStatus.PENDING
    assert "signed_on_paper" not in kinds(open_round)


def test_a_name_with_html_on_paper_is_shown_escaped(leader_client, open_round):
    item = requests_of(open_round)[0]
    name = "Jan <b>de</b> Vries"
    _paper(leader_client, item, SimpleUploadedFile("s.png", png_bytes()), signed_by=name)
    item.refresh_from_db()
    assert item.typed_name == name
    page = leader_client.get(url("round-detail", open_round.code)).content.decode()
    assert name not in page and "Jan &lt;b&gt;de&lt;/b&gt; Vries" in page


def test_a_request_without_scan_has_no_scan_to_download(viewer_client, open_round):
    item = requests_of(open_round)[0]
    assert viewer_client.get(url("request-scan", item.code)).status_code == 404


# --- Permissions ----------------------------------------------------------------------------


def _actions(round, item, version):
    return [
        ("post", url("round-send", version.code)),
        ("get", url("round-send", version.code)),
        ("post", url("round-extend", round.code)),
        ("get", url("round-extend", round.code)),
        ("post", url("round-void", round.code)),
        ("get", url("round-void", round.code)),
        ("post", url("request-remind", item.code)),
        ("post", url("request-revoke", item.code)),
        ("get", url("request-revoke", item.code)),
        ("post", url("request-reissue", item.code)),
        ("post", url("request-paper", item.code)),
        ("get", url("request-paper", item.code)),
    ]


@pytest.mark.parametrize("who", ["viewer_client", "editor_client"])
def test_viewers_and_editors_may_not_act(request, open_round, version, who):
    client = request.getfixturevalue(who)
    item = requests_of(open_round)[0]
    before = kinds(open_round)
    for method, address in _actions(open_round, item, version):
        response = getattr(client, method)(address, {"reason": "x", "confirm": "on"})
        assert response.status_code == 403, address
    assert client.get(url("round-detail", open_round.code)).status_code == 200
    assert kinds(open_round) == before
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


def test_outsiders_get_404_everywhere(outsider_client, open_round, version):
    item = requests_of(open_round)[0]
    addresses = [address for _method, address in _actions(open_round, item, version)]
    addresses += [
        url("round-detail", open_round.code),
        url("round-pdf", open_round.code),
        url("request-scan", item.code),
    ]
    for address in addresses:
        assert outsider_client.get(address).status_code == 404, address


def test_another_partnerships_round_is_404_under_our_slug(
    leader_client, other_partnership, outsider
):
    version = signing_version(other_partnership, parties=2)
    round = send_round(version, outsider)
    item = requests_of(round)[0]
    for method, address in _actions(round, item, version):
        assert getattr(leader_client, method)(address).status_code == 404, address
    for name, code in [("round-detail", round.code), ("round-pdf", round.code)]:
        assert leader_client.get(url(name, code)).status_code == 404
    assert leader_client.get(url("request-scan", item.code)).status_code == 404
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN


def test_anonymous_is_sent_to_log_in(client, open_round):
    assert client.get(url("round-detail", open_round.code)).status_code == 302


# --- The agreement pages --------------------------------------------------------------------


def test_agreement_page_shows_the_current_round_live_and_a_send_button(
    leader_client, viewer_client, version, leader
):
    list_url = reverse("agreements:agreement-list", kwargs={"slug": SLUG})
    page = leader_client.get(list_url)
    assert page.context["signing"] is None
    assert url("round-send", version.code) in page.content.decode()
    assert url("round-send", version.code) not in viewer_client.get(list_url).content.decode()
    round = send_round(version, leader)
    page = leader_client.get(list_url)
    assert page.context["signing"]["round"] == round
    content = page.content.decode()
    assert url("round-detail", round.code) + "?compact=1" in content
    assert 'hx-trigger="every 10s' in content
    polled = leader_client.get(
        url("round-detail", round.code) + "?compact=1", HTTP_HX_REQUEST="true"
    )
    assert polled.context["compact"] is True
    assert all(
        url("request-remind", r.code) not in polled.content.decode() for r in requests_of(round)
    )


def test_version_page_lists_its_rounds_and_offers_sending_to_leaders(
    leader_client, viewer_client, version, leader
):
    detail = url("version-detail", version.code)
    assert url("round-send", version.code) in leader_client.get(detail).content.decode()
    assert url("round-send", version.code) not in viewer_client.get(detail).content.decode()
    first = send_round(version, leader)
    signing.round_void(first, reason="opnieuw", user=leader)
    second = send_round(version, leader)
    response = leader_client.get(detail)
    assert response.context["rounds"] == [second, first]
    content = response.content.decode()
    assert (
        url("round-detail", first.code) in content and url("round-detail", second.code) in content
    )


def test_a_completed_round_is_the_agreement_in_force(
    leader_client, viewer_client, partnership, completed_round
):
    list_url = reverse("agreements:agreement-list", kwargs={"slug": SLUG})
    pdf_url = url("round-pdf", completed_round.code)
    page = viewer_client.get(list_url)
    assert page.context["in_force"] == completed_round
    assert [status for _v, status in page.context["rows"]] == ["signed"]
    content = page.content.decode()
    assert f'data-in-force="{completed_round.code}"' in content
    # Sealing pending: no PDF to download yet.
    assert pdf_url not in content
    assert url("round-send", version_of(completed_round).code) not in (
        leader_client.get(list_url).content.decode()
    )
    # Sealed: the download and its SHA-256.
    SigningRound.objects.filter(pk=completed_round.pk).update(
        final_pdf="signed/x.pdf", final_pdf_sha256="ab" * 32, sealed_at=timezone.now()
    )
    content = viewer_client.get(list_url).content.decode()
    assert pdf_url in content and "ab" * 32 in content
    # A newer version does not replace the signed one until it is signed itself.
    newer = signing_version(partnership, parties=2)
    page = viewer_client.get(list_url)
    assert page.context["in_force"] == completed_round
    assert [(v.pk, status) for v, status in page.context["rows"]] == [
        (newer.pk, "ready"),
        (version_of(completed_round).pk, "signed"),
    ]
    # The version page links to the signed PDF, and offers no new round.
    detail = leader_client.get(url("version-detail", version_of(completed_round).code))
    assert detail.context["status"] == "signed"
    assert pdf_url in detail.content.decode()
    assert url("round-send", version_of(completed_round).code) not in detail.content.decode()


def test_a_version_out_for_signing_links_to_its_round_instead_of_send(
    leader_client, version, open_round
):
    list_content = leader_client.get(
        reverse("agreements:agreement-list", kwargs={"slug": SLUG})
    ).content.decode()
    detail_content = leader_client.get(url("version-detail", version.code)).content.decode()
    for content in (list_content, detail_content):
        assert url("round-send", version.code) not in content
        assert url("round-detail", open_round.code) in content


@pytest.mark.parametrize(
    "who, links", [("leader_client", True), ("editor_client", True), ("viewer_client", False)]
)
def test_fix_links_of_the_checklist_only_for_who_can_fix(request, monkeypatch, who, links):
    from agreements.readiness import Readiness, ReadinessItem

    item = ReadinessItem(key="signatory", blocking=True, message="Geen tekenbevoegde", url="/fix/")
    monkeypatch.setattr(
        "agreements.readiness.readiness_from_data",
        lambda data: Readiness(ready=False, items=[item]),
    )
    client = request.getfixturevalue(who)
    content = client.get(reverse("agreements:agreement-list", kwargs={"slug": SLUG})).content
    assert "Geen tekenbevoegde" in content.decode()
    assert ('href="/fix/"' in content.decode()) is links


def test_an_older_version_offers_no_send_button(leader_client, partnership, version):
    signing_version(partnership, parties=2)
    assert (
        url("round-send", version.code)
        not in leader_client.get(url("version-detail", version.code)).content.decode()
    )


# --- The dashboard panel --------------------------------------------------------------------


def _panel(partnership, role=Role.LEADER):
    tenant = Tenant(partnership=partnership, role=role)
    context = signing_panel(tenant=tenant)
    html = render_to_string(
        "agreements/panels/signing.html", {"tenant": tenant, "signing_panel": context}
    )
    return context, html


def test_panel_without_a_round_says_so(partnership):
    context, html = _panel(partnership)
    assert context["round"] is None
    assert reverse("agreements:agreement-list", kwargs={"slug": SLUG}) in html


def test_panel_counts_signatures_and_lists_who_waits_longest(partnership, open_round):
    items = requests_of(open_round)
    sign_online(items[0], version_of(open_round))
    now = timezone.now()
    SignatureRequest.objects.filter(pk=items[1].pk).update(
        invited_at=now - datetime.timedelta(days=2)
    )
    SignatureRequest.objects.filter(pk=items[2].pk).update(
        invited_at=now - datetime.timedelta(days=9)
    )
    context, html = _panel(partnership)
    assert (context["signed_count"], context["required_count"]) == (1, 3)
    assert [r.pk for r in context["waiting"]] == [items[2].pk, items[1].pk]
    assert 'data-signed="1" data-required="3"' in html
    assert html.index(str(items[2].code)) < html.index(str(items[1].code))
    assert url("round-detail", open_round.code) in html


def test_panel_lists_who_declined_or_named_someone_else_and_the_deadline(partnership, open_round):
    declined, redirected, waiting = requests_of(open_round)
    client = signing.Client("192.0.2.1", "pytest")
    # In person, with the leader there: no code needed to decline or redirect.
    signing.request_decline(declined, reason="Niet akkoord", client=client, in_person_with="L")
    signing.request_redirect(
        redirected,
        name="Piet Juist",
        email="piet@partner2.nl",
        note="",
        client=client,
        in_person_with="L",
    )
    context, html = _panel(partnership)
    assert context["attention_count"] == 2
    assert {r.pk for r in context["attention"]} == {declined.pk, redirected.pk}
    round_url = url("round-detail", open_round.code)
    assert f'href="{round_url}#request-{declined.code}"' in html
    assert f'href="{round_url}#request-{redirected.code}"' in html
    assert f'data-request="{waiting.code}"' in html
    # As the page shows it: in the Netherlands' time.
    assert timezone.localtime(open_round.deadline).isoformat()[:10] in html
    # The round page has the rows those links point at.
    round_html = render_to_string(
        "signing/round_status.html",
        {"tenant": Tenant(partnership=partnership, role=Role.LEADER), **round_status(open_round)},
    )
    assert f'id="request-{declined.code}"' in round_html


def test_panel_of_a_void_round_asks_for_no_action(partnership, open_round):
    declined = requests_of(open_round)[0]
    signing.request_decline(
        declined, reason="Nee", client=signing.Client(None, "pytest"), in_person_with="L"
    )
    signing.round_void(open_round, reason="fout", user=None)
    context, html = _panel(partnership)
    assert context["attention"] == [] and context["waiting"] == []
    assert f"#request-{declined.code}" not in html


def test_panel_lists_at_most_five_waiting(partnership, leader):
    version = signing_version(partnership, parties=8)
    send_round(version, leader)
    context, _html = _panel(partnership)
    assert len(context["waiting"]) == 5
    assert context["required_count"] == 8


def test_panel_runs_four_queries(partnership, leader, django_assert_num_queries):
    send_round(signing_version(partnership, parties=6), leader)
    with django_assert_num_queries(4):
        signing_panel(tenant=Tenant(partnership=partnership, role=Role.VIEWER))


# --- Query counts ---------------------------------------------------------------------------


def _queries(client, address, **headers) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(address, **headers)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def two_rounds(partnership, leader, other_partnership, outsider):
    """A round of 5 signatories in twente, one of 200 in zeeland, each partly followed up."""
    rounds = {}
    for place, user, parties in [(partnership, leader, 5), (other_partnership, outsider, 200)]:
        version = signing_version(place, parties=parties)
        round = send_round(version, user)
        items = requests_of(round)
        sign_online(items[0], version)
        signing.request_revoke(items[1], reason="weg", user=user)
        age(items[2])
        signing.request_remind(items[2], user=user)
        signing.request_decline(
            items[3], reason="Nee", client=signing.Client(None, "pytest"), in_person_with="L"
        )
        rounds[place.slug] = round
    return rounds


@pytest.mark.parametrize("htmx", [False, True])
def test_round_page_runs_the_same_queries_for_5_and_200_signatories(
    two_rounds, leader_client, outsider_client, htmx
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    few = _queries(leader_client, url("round-detail", two_rounds["twente"].code), **headers)
    many = _queries(
        outsider_client,
        url("round-detail", two_rounds["zeeland"].code, slug="zeeland"),
        **headers,
    )
    assert few == many


def test_agreement_page_runs_the_same_queries_for_5_and_200_signatories(
    two_rounds, leader_client, outsider_client
):
    few = _queries(leader_client, reverse("agreements:agreement-list", kwargs={"slug": SLUG}))
    many = _queries(
        outsider_client, reverse("agreements:agreement-list", kwargs={"slug": "zeeland"})
    )
    assert few == many


def test_round_page_query_count_does_not_grow_with_more_signatories(
    partnership, leader, leader_client
):
    """The same partnership, the same user: a round of 5, then a bigger round of 200."""
    small = send_round(signing_version(partnership, parties=5), leader)
    few = _queries(leader_client, url("round-detail", small.code))
    big = send_round(signing_version(partnership, parties=200), leader)
    assert _queries(leader_client, url("round-detail", big.code)) == few


def test_a_second_leader_can_follow_up_too(partnership, open_round, commit):
    other = MembershipFactory(
        partnership=partnership, role=Role.LEADER, user=UserFactory(email="tweede@twente.nl")
    ).user
    client = _client_for(other)
    item = requests_of(open_round)[0]
    age(item)
    with commit():
        assert client.post(url("request-remind", item.code)).status_code == 302
    event = list(chain_of(open_round.chain).exclude(kind__in=MAIL_EVENTS))[-1]
    assert event.kind == "reminded"
    assert event.actor == (other.get_full_name() or other.email)


@pytest.mark.django_db
def test_the_agreement_page_lists_only_who_has_not_signed_yet(leader_client, open_round):
    first, second, *_rest = requests_of(open_round)
    sign_online(first, version_of(open_round))
    page = leader_client.get(f"/p/{SLUG}/agreements/").content.decode()
    table = page[page.index("round-requests") :]
    assert second.name in table and first.name not in table
