"""Every e-mail is a row until it is delivered (docs/rules.md §19), tried against a real
fault: an SMTP server that is down (a closed port on this machine), then back (Django's
in-memory backend)."""

import re
import socket
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from outbox import listeners
from outbox import services as outbox
from outbox.models import Message, Status
from partners.models import Invitation, Role
from partners.services import members as member_services
from signing import services as signing
from signing.audit import chain_of, verify_chain
from signing.models import SignatureRequest
from tests.factories import MembershipFactory, UserFactory, send_round, signing_version
from tests.test_signing import CLIENT, fresh, requests_of, sign

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """The mail server: down (SMTP to a closed port) or up (the in-memory backend)."""

    def __init__(self, settings):
        self.settings = settings
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = closed_port()
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 2
        self.down()

    def down(self):
        self.settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    def up(self):
        self.settings.EMAIL_BACKEND = LOCMEM


@pytest.fixture
def server(settings):
    """Starts down."""
    return MailServer(settings)


def later():
    """The back-off has passed: every queued message is due."""
    Message.objects.filter(status=Status.QUEUED).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def send_queued() -> str:
    output = StringIO()
    call_command("send_queued_mail", stdout=output)
    return output.getvalue()


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def mail_events(round, kind):
    return [event for event in chain_of(round.chain) if event.kind == kind]


# --- the queue itself --------------------------------------------------------------------


def test_a_message_is_a_row_until_delivered_and_its_text_is_then_erased(db, act):
    [message] = act(outbox.enqueue, ["a@example.nl"], "Onderwerp", "Geheime link", kind="test")
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1 and message.sent_at
    assert message.body == ""  # links and codes are not kept once delivered
    assert [m.subject for m in mail.outbox] == ["Onderwerp"]
    assert mail.outbox[0].body == "Geheime link"


def test_a_rolled_back_action_queues_nothing(db, act):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(["a@example.nl"], "Onderwerp", "Tekst")
        raise RuntimeError
    assert not Message.objects.exists() and not mail.outbox


def test_a_subject_with_line_breaks_becomes_one_line(db, act):
    act(outbox.enqueue, "a@example.nl", "Regio\nTwente\r\n Techniek", "Tekst")
    assert mail.outbox[0].subject == "Regio Twente Techniek"


def test_mail_down_keeps_retrying_with_back_off_then_gives_up(db, act, server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    [message] = act(outbox.enqueue, "a@example.nl", "Onderwerp", "Tekst")
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    first_wait = message.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(minutes=1)
    assert outbox.deliver(message.pk) is None  # not due yet: nothing happens
    later()
    assert "1 not delivered" in send_queued()
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - timezone.now() > timedelta(minutes=4)
    later()
    send_queued()
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 3
    assert message.body == "Tekst"  # kept: a person may still retry it
    later()
    assert "0 sent" in send_queued()  # given up: the command leaves it alone
    server.up()
    assert outbox.retry(message) is True
    assert len(mail.outbox) == 1


def test_two_workers_never_send_one_message_at_once(db, server):
    server.up()
    [message] = outbox.enqueue("a@example.nl", "Onderwerp", "Tekst", send_after_commit=False)
    # Another worker holds the message (its lease): this one leaves it alone.
    assert outbox._claim(message.pk, timezone.now())
    assert outbox.deliver(message.pk) is None
    assert outbox.send_due() == {"sent": 0, "failed": 0, "skipped": 0}
    assert not mail.outbox
    # That worker died mid-send: once its lease runs out, the message is sent (once).
    Message.objects.filter(pk=message.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert outbox.send_due()["sent"] == 1
    assert outbox.send_due()["sent"] == 0
    assert len(mail.outbox) == 1


def test_a_message_no_longer_needed_is_not_sent(db, server):
    [message] = outbox.enqueue(
        "a@example.nl",
        "Code",
        "123456",
        send_after_commit=False,
        discard_after=timezone.now() - timedelta(seconds=1),
    )
    server.up()
    assert outbox.deliver(message.pk) is None
    message.refresh_from_db()
    assert message.status == Status.CANCELLED and message.body == "" and not mail.outbox


def test_a_failing_listener_does_not_lose_the_delivery(db, act, partnership):
    calls = []

    def on_event(message, event):
        calls.append(event)
        if event == "sent":
            raise RuntimeError("listener broke")

    listeners.listen(Invitation, on_event=on_event)
    try:
        invitation = Invitation.objects.create(
            partnership=partnership,
            email="a@example.nl",
            role=Role.VIEWER,
            token_hash="x" * 64,
            expires_at=timezone.now() + timedelta(days=1),
        )
        [message] = act(outbox.enqueue, "a@example.nl", "Onderwerp", "Tekst", about=invitation)
    finally:
        from partners import delivery

        delivery.register()
    message.refresh_from_db()
    assert calls == ["queued", "sent"] and message.status == Status.SENT


# --- signing: links, codes and the sealed PDF --------------------------------------------


def test_links_not_delivered_are_shown_and_all_arrive_once_the_server_is_back(
    partnership, leader, client, act, server
):
    with scopes_disabled():
        version = signing_version(partnership, parties=3)
        round = act(send_round, version, leader)
        requests = requests_of(round)
    assert not mail.outbox
    with scopes_disabled():
        queued = Message.objects.filter(kind="invitation")
        assert queued.count() == 3
        assert all(m.status == Status.QUEUED and m.attempts == 1 for m in queued)
        assert len(mail_events(round, "mail_failed")) == 3
        assert verify_chain(chain_of(round.chain)) is None

    # The leader sees it: on the round, per signatory, and on the dashboard.
    client.force_login(leader)
    slug = partnership.slug
    page = client.get(reverse("signing:round-detail", kwargs={"slug": slug, "code": round.code}))
    html = page.content.decode()
    assert html.count("niet afgeleverd") >= 3
    assert "ConnectionRefusedError" in html
    assert "Nu opnieuw proberen" in html
    assert "E-mailadres corrigeren" in html
    dashboard = client.get(reverse("dashboard", kwargs={"slug": slug})).content.decode()
    assert "3 e-mails niet afgeleverd" in dashboard

    # The server is back: the cron command delivers every link, once.
    server.up()
    later()
    assert "3 sent" in send_queued()
    later()
    assert "0 sent" in send_queued()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in requests)
    with scopes_disabled():
        assert len(mail_events(round, "mail_delivered")) == 3
        assert verify_chain(chain_of(round.chain)) is None
    dashboard = client.get(reverse("dashboard", kwargs={"slug": slug})).content.decode()
    assert "niet afgeleverd" not in dashboard


def test_the_leader_retries_a_link_from_the_round_page(partnership, leader, client, act, server):
    with scopes_disabled():
        round = act(send_round, signing_version(partnership, parties=1), leader)
        message = Message.objects.get(kind="invitation")
    client.force_login(leader)
    retry = reverse("partners:mail-retry", kwargs={"slug": partnership.slug, "code": message.code})
    response = client.post(retry, follow=True)
    assert "kon niet worden verstuurd" in response.content.decode()
    server.up()
    response = client.post(retry)
    assert response.url == reverse(
        "signing:round-detail", kwargs={"slug": partnership.slug, "code": round.code}
    )
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 3
    # Retrying what was delivered changes nothing.
    client.post(retry)
    assert len(mail.outbox) == 1


def test_a_corrected_address_replaces_the_undelivered_link(partnership, leader, act, server):
    with scopes_disabled():
        round = act(send_round, signing_version(partnership, parties=1), leader)
        [request] = requests_of(round)
        server.up()
        act(signing.request_reissue, request, user=leader, email="juist@example.nl")
        old = Message.objects.get(kind="invitation", to=request.email)
    assert old.status == Status.CANCELLED
    assert [m.to for m in mail.outbox] == [["juist@example.nl"]]


def test_a_code_that_could_not_be_sent_says_so_and_does_not_count(partnership, leader, act, server):
    server.up()
    with scopes_disabled():
        round = act(send_round, signing_version(partnership, parties=1), leader)
        [request] = requests_of(round)
    server.down()
    mail.outbox.clear()
    with scopes_disabled():
        with pytest.raises(ValidationError) as refused:
            act(signing.code_send, request, client=CLIENT)
        assert refused.value.code == "mail"
        assert "kon niet worden verstuurd" in " ".join(refused.value.messages)
        assert fresh(request).codes_sent == 0
        first = Message.objects.get(kind="code")
        assert first.status == Status.QUEUED and first.attempts == 1
        # Asking again while the server is down: the older code will never be sent.
        with pytest.raises(ValidationError):
            act(signing.code_send, request, client=CLIENT)
        first.refresh_from_db()
        assert first.status == Status.CANCELLED
        assert fresh(request).codes_sent == 0
        # The server is back: the latest code arrives by the retry, and it works.
        server.up()
        later()
        send_queued()
    assert len(mail.outbox) == 1
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    with scopes_disabled():
        act(signing.code_verify, fresh(request), code, client=CLIENT)
        assert fresh(request).code_verified_at is not None


def test_the_sign_page_tells_the_truth_when_the_code_was_not_sent(
    partnership, leader, client, act, server
):
    with scopes_disabled():
        version = signing_version(partnership, parties=1)
        round = act(send_round, version, leader)
        [request] = requests_of(round)
    server.up()  # the link arrives
    later()
    send_queued()
    link = re.search(r"https?://\S+/sign/\S+", mail.outbox[0].body).group(0)
    path = link.split("127.0.0.1:8000", 1)[-1]
    server.down()
    client.get(path)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(path, {"action": "code"}, follow=True)
    html = response.content.decode()
    assert "kon niet worden verstuurd" in html
    assert "We hebben een code" not in html
    with scopes_disabled():
        assert fresh(request).codes_sent == 0


def test_the_sealed_pdf_is_retried_with_its_attachment(partnership, leader, act, server):
    with scopes_disabled():
        round = act(send_round, signing_version(partnership, parties=1, real_pdf=True), leader)
        [request] = requests_of(round)
        server.up()
        code_mail_count = len(mail.outbox)
        from tests.test_signing import verify

        verify(act, request)
        server.down()
        sign(act, fresh(request))
        round.refresh_from_db()
        assert round.final_pdf_sha256
        final = Message.objects.filter(kind="final")
        assert final.count() == 2  # the signatory and the leader
        assert all(m.status == Status.QUEUED and m.attempts == 1 for m in final)
        server.up()
        later()
        send_queued()
    finals = [m for m in mail.outbox[code_mail_count:] if m.attachments]
    assert sorted(m.to[0] for m in finals) == sorted([request.email, leader.email])
    name, content, mimetype = finals[0].attachments[0]
    assert content.startswith(b"%PDF") and mimetype == "application/pdf"


# --- invitations to the partnership --------------------------------------------------------


def test_an_invitation_that_could_not_be_mailed_is_shown_and_retried(leader_client, server):
    members = reverse("partners:member-list", kwargs={"slug": "twente"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        leader_client.post(
            reverse("partners:invitation-create", kwargs={"slug": "twente"}),
            {"email": "nieuw@example.nl", "role": "editor"},
        )
    html = leader_client.get(members).content.decode()
    assert "E-mail aan nieuw@example.nl niet afgeleverd" in html
    assert "ConnectionRefusedError" in html and "Nu opnieuw proberen" in html
    server.up()
    later()
    send_queued()
    assert [m.to for m in mail.outbox] == [["nieuw@example.nl"]]
    assert "niet afgeleverd" not in leader_client.get(members).content.decode()


def test_a_partnership_name_with_a_line_break_does_not_break_invitations(partnership, leader, act):
    type(partnership).objects.filter(pk=partnership.pk).update(name="Regio\nTwente")
    partnership.refresh_from_db()
    with scopes_disabled():
        act(
            member_services.invitation_create,
            partnership=partnership,
            email="nieuw@example.nl",
            role=Role.VIEWER,
            invited_by=leader,
        )
    assert mail.outbox[0].subject == "Uitnodiging voor Regio Twente in Sterk"


def test_withdrawing_an_invitation_cancels_its_undelivered_mail(partnership, leader, act, server):
    with scopes_disabled():
        invitation, _link = act(
            member_services.invitation_create,
            partnership=partnership,
            email="nieuw@example.nl",
            role=Role.VIEWER,
            invited_by=leader,
        )
        member_services.invitation_revoke(invitation=invitation)
    assert Message.objects.get().status == Status.CANCELLED
    server.up()
    later()
    send_queued()
    assert not mail.outbox


def test_only_a_leader_of_the_partnership_retries_its_mail(
    partnership, other_partnership, leader, client, act, server
):
    with scopes_disabled():
        act(send_round, signing_version(partnership, parties=1), leader)
        message = Message.objects.get(kind="invitation")
    url = reverse("partners:mail-retry", kwargs={"slug": partnership.slug, "code": message.code})
    editor = UserFactory()
    MembershipFactory(partnership=partnership, user=editor, role=Role.EDITOR)
    client.force_login(editor)
    assert client.post(url).status_code == 403
    other_leader = UserFactory()
    MembershipFactory(partnership=other_partnership, user=other_leader, role=Role.LEADER)
    client.force_login(other_leader)
    other = reverse(
        "partners:mail-retry", kwargs={"slug": other_partnership.slug, "code": message.code}
    )
    assert client.post(other).status_code == 404
    message.refresh_from_db()
    assert message.attempts == 1


def test_the_mail_of_a_request_is_linked_to_it(partnership, leader, act):
    with scopes_disabled():
        round = act(send_round, signing_version(partnership, parties=1), leader)
        [request] = requests_of(round)
        message = Message.objects.get(kind="invitation")
        assert message.about == SignatureRequest.objects.get(pk=request.pk)
        assert message.tenant_id == partnership.pk


def test_healthz_reports_mail_waiting_too_long(client, db, server, act):
    act(outbox.enqueue, "a@example.nl", "Onderwerp", "Tekst")
    body = client.get("/healthz").json()
    assert body["checks"]["queue:mail"]["ok"] is True
    Message.objects.update(created_at=timezone.now() - timedelta(hours=2))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue:mail"]["ok"] is False
    server.up()
    later()
    send_queued()
    assert client.get("/healthz").json()["checks"]["queue:mail"]["oldest_age_seconds"] is None


def test_sending_a_round_with_the_mail_server_down_says_so_at_once(
    transactional_db, partnership, leader, client, server
):
    """Committed for real, as in production: the page that sends sees what became of the
    links."""
    from tests.test_round_pages import day

    with scopes_disabled():
        version = signing_version(partnership, parties=2)
    client.force_login(leader)
    send = reverse("agreements:round-send", kwargs={"slug": partnership.slug, "code": version.code})
    response = client.post(send, {"deadline": day(10), "order": "parallel"}, follow=True)
    html = response.content.decode()
    assert "2 links konden nog niet worden gemaild" in html
    assert "E-mail aan tekenaar1@partner1.nl niet afgeleverd" in html


def test_inviting_with_the_mail_server_down_says_so_at_once(
    transactional_db, partnership, leader, client, server
):
    client.force_login(leader)
    response = client.post(
        reverse("partners:invitation-create", kwargs={"slug": partnership.slug}),
        {"email": "nieuw@example.nl", "role": "editor"},
        follow=True,
    )
    assert "kon nog niet worden gemaild" in response.content.decode()
    server.up()
    response = client.post(
        reverse("partners:invitation-create", kwargs={"slug": partnership.slug}),
        {"email": "ander@example.nl", "role": "editor"},
        follow=True,
    )
    assert "Uitnodiging verstuurd naar ander@example.nl" in response.content.decode()


class SlowBackend(locmem.EmailBackend):
    """The in-memory backend with a mail server that takes its time."""

    def send_messages(self, messages):
        time.sleep(0.01)
        return super().send_messages(messages)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel transactions")
def test_two_cron_runs_at_once_send_every_message_once(transactional_db, settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.SlowBackend"
    for number in range(30):
        outbox.enqueue(f"p{number}@example.nl", "Onderwerp", "Tekst", send_after_commit=False)
    counts = []

    def run():
        try:
            counts.append(outbox.send_due()["sent"])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.nl" for n in range(30))
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_password_reset_link_is_queued_and_arrives_once_the_server_is_back(
    client, leader, server
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": leader.email})
    assert response.status_code == 302 and not mail.outbox
    message = Message.objects.get(kind="password_reset")
    assert message.status == Status.QUEUED and message.attempts == 1
    assert message.discard_after > timezone.now()
    server.up()
    later()
    send_queued()
    assert [m.to for m in mail.outbox] == [[leader.email]]
    assert "/accounts/password/reset/" in mail.outbox[0].body
