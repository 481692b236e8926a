"""The partner update (docs/rules.md §26): composed from a period's data, edited by a leader,
sent once to the contacts who opted in, with a one-click unsubscribe link."""

import datetime
import subprocess
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from activities.models import ActivityStatus, ResultKind
from outbox.models import Message, Status
from partners.models import Contact, Stage, StageChange
from partners.services import contacts as contact_services
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContactFactory,
    ContributionFactory,
    MembershipFactory,
    OrganisationFactory,
    ResultFactory,
)
from tests.test_outbox import LOCMEM, MailServer, later, send_queued
from updates import services
from updates.models import PartnerUpdate, UpdateRecipient, UpdateStatus
from updates.rendering import render_pdf


@pytest.fixture(autouse=True)
def _english_interface(settings):
    """These tests read the English messages: the interface in English (Dutch is the default)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def _english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _moved(organisation, stage, when):
    return StageChange.objects.create(
        partnership=organisation.partnership,
        organisation=organisation,
        from_stage=Stage.IN_CONVERSATION,
        to_stage=stage,
        changed_at=timezone.make_aware(datetime.datetime.combine(when, datetime.time(12))),
    )


def _data(partnership):
    """A success in the period and one before it, a completed and a started activity, a
    company that signed in the period and one that committed before it."""
    lead = OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo", city="Hengelo")
    started = ActivityFactory(
        partnership=partnership,
        title="Gastlessen lassen",
        start_date=datetime.date(2026, 2, 1),
        lead_organisation=lead,
    )
    ActivityFactory(
        partnership=partnership, title="Oude activiteit", start_date=datetime.date(2025, 2, 1)
    )
    ActivityFactory(
        partnership=partnership,
        title="Techniekdag",
        status=ActivityStatus.COMPLETED,
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2026, 3, 15),
    )
    ResultFactory(
        activity=started,
        date=datetime.date(2026, 3, 1),
        description="Twaalf leerlingen kozen techniek.",
    )
    ResultFactory(activity=started, date=datetime.date(2025, 3, 1), description="Te vroeg succes.")
    ResultFactory(
        activity=started,
        date=datetime.date(2026, 3, 2),
        kind=ResultKind.SETBACK,
        description="Machine stuk.",
    )
    _moved(lead, Stage.COMMITTED, datetime.date(2026, 4, 1))
    _moved(lead, Stage.SIGNED, datetime.date(2026, 5, 1))
    earlier = OrganisationFactory(partnership=partnership, name="Vroege Vogel B.V.")
    _moved(earlier, Stage.COMMITTED, datetime.date(2025, 5, 1))
    return lead


def _opted_in(partnership, count=2):
    return [
        ContactFactory(
            organisation=OrganisationFactory(partnership=partnership), receives_updates=True
        )
        for _ in range(count)
    ]


def _draft(partnership, leader, **edits):
    update = services.update_create(partnership=partnership, start=START, end=END, user=leader)
    if edits:
        update = services.update_edit(update=update, **edits)
    return update


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


# Composition


def test_the_sections_are_composed_from_the_periods_data(partnership, leader, no_scopes):
    _data(partnership)
    update = _draft(partnership, leader)
    assert "Twaalf leerlingen kozen techniek." in update.successes_text
    assert "Techniekdag" in update.successes_text
    assert "Te vroeg" not in update.successes_text
    assert "Machine stuk" not in update.successes_text
    assert "Metaalwerken Hengelo" in update.new_partners_text
    assert update.new_partners_text.count("Metaalwerken Hengelo") == 1  # latest move only
    assert "Vroege Vogel" not in update.new_partners_text
    assert "Gastlessen lassen" in update.activities_text
    assert "Metaalwerken Hengelo" in update.activities_text  # the lead
    assert "Oude activiteit" not in update.activities_text
    assert update.share_text == ""  # no budget yet
    assert update.status == UpdateStatus.DRAFT
    assert "1 januari 2026" in update.title and "30 juni 2026" in update.title


def test_the_share_so_far_names_the_pledged_business_total(partnership, leader, no_scopes):
    BudgetFactory(partnership=partnership)
    ContributionFactory(organisation=OrganisationFactory(partnership=partnership))
    update = _draft(partnership, leader)
    assert "€\u00a0500,00" in update.share_text


def test_a_period_ending_before_it_starts_or_longer_than_a_year_is_refused(
    partnership, leader, no_scopes
):
    with pytest.raises(ValidationError, match="ends before it starts"):
        services.update_create(partnership=partnership, start=END, end=START, user=leader)
    with pytest.raises(ValidationError, match="at most a year"):
        services.update_create(
            partnership=partnership, start=datetime.date(2024, 1, 1), end=END, user=leader
        )
    assert not PartnerUpdate.objects.exists()


def test_the_leader_edits_every_text_and_huge_texts_are_refused(partnership, leader, no_scopes):
    update = _draft(partnership, leader)
    update = services.update_edit(
        update=update, intro="Beste partners,\r\n\r\nwelkom!", successes_text="- Eén\n- Twee"
    )
    assert update.intro == "Beste partners,\n\nwelkom!"
    with pytest.raises(ValidationError):
        services.update_edit(update=update, share_text="x" * 10001)
    with pytest.raises(ValidationError):
        services.update_edit(update=update, title="x" * 201)
    update.refresh_from_db()
    assert update.share_text == ""


def test_the_pdf_reads_back_with_the_edited_texts(partnership, leader, no_scopes):
    _data(partnership)
    update = _draft(partnership, leader, intro="Een mooi halfjaar voor de regio.")
    text = " ".join(_pdf_text(render_pdf(update)).split())
    assert "Een mooi halfjaar voor de regio." in text
    assert "Twaalf leerlingen kozen techniek." in text
    assert "Metaalwerken Hengelo" in text
    assert "Regio Twente Techniek" in text
    assert "1 januari 2026" in text


# Sending


def test_each_recipient_gets_one_message_with_the_pdf_and_their_own_unsubscribe_link(
    partnership, leader, no_scopes, act, settings
):
    settings.EMAIL_BACKEND = LOCMEM
    first, second = _opted_in(partnership)
    ContactFactory(
        organisation=first.organisation, email=first.email.upper(), receives_updates=True
    )
    ContactFactory(organisation=first.organisation, receives_updates=False)
    ContactFactory(organisation=first.organisation, email="", receives_updates=False)
    update = _draft(partnership, leader, intro="Hallo allemaal.")
    assert act(services.update_send, update=update, user=leader) == 2
    assert len(mail.outbox) == 2
    by_address = {message.to[0].lower(): message for message in mail.outbox}
    for contact in (first, second):
        message = by_address[contact.email.lower()]
        assert "Hallo allemaal." in message.body
        link = message.body.strip().splitlines()[-1]
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert link.endswith(reverse("update-unsubscribe", kwargs={"token": token}))
        # One of the two contacts sharing the address: each address gets one message.
        assert services.contact_for_token(token).email.lower() == contact.email.lower()
        # A mail program offers the same link itself and may use it in one POST (RFC 8058).
        assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        sent = message.message()
        assert sent["List-Unsubscribe"] == f"<{link}>"
        assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        [(name, content, mimetype)] = message.attachments
        assert mimetype == "application/pdf" and name.endswith(".pdf")
        assert "Hallo allemaal." in _pdf_text(content)
    assert Message.objects.filter(kind="partner_update", object_id=update.pk).count() == 2
    update.refresh_from_db()
    assert update.status == UpdateStatus.SENT and update.sent_by == leader
    assert UpdateRecipient.objects.filter(update=update).count() == 2


def test_an_update_is_sent_once_a_second_send_sends_nothing(
    partnership, leader, no_scopes, act, settings
):
    settings.EMAIL_BACKEND = LOCMEM
    _opted_in(partnership)
    update = _draft(partnership, leader)
    stale = PartnerUpdate.objects.get(pk=update.pk)  # a second tab still sees the draft
    act(services.update_send, update=update, user=leader)
    with pytest.raises(ValidationError, match="already sent"):
        act(services.update_send, update=stale, user=leader)
    assert len(mail.outbox) == 2
    assert Message.objects.count() == 2
    with pytest.raises(ValidationError, match="already sent"):
        services.update_edit(update=stale, intro="Later veranderd")
    with pytest.raises(ValidationError, match="already sent"):
        services.update_delete(update=stale)


def test_a_double_submit_of_the_send_page_sends_once_and_says_so(
    partnership, leader, leader_client, no_scopes, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = LOCMEM
    _opted_in(partnership, 3)
    update = _draft(partnership, leader)
    url = reverse("updates:update-send", kwargs={"slug": "twente", "code": update.code})
    _english(leader_client)
    page = leader_client.get(url)
    assert "goes to 3 contacts" in " ".join(page.content.decode().split())
    with django_capture_on_commit_callbacks(execute=True):
        first = leader_client.post(url, follow=True)
        second = leader_client.post(url, follow=True)
    assert first.status_code == second.status_code == 200
    assert len(mail.outbox) == 3
    assert UpdateRecipient.objects.filter(update=update).count() == 3
    first_said = [str(m) for m in first.context["messages"]]
    second_said = [str(m) for m in second.context["messages"]]
    assert any("3 contacts" in text for text in first_said)
    assert any("already sent" in text for text in second_said)


def test_sending_to_nobody_is_refused_and_nothing_changes(partnership, leader, no_scopes):
    update = _draft(partnership, leader)
    with pytest.raises(ValidationError, match="opted in"):
        services.update_send(update=update, user=leader)
    update.refresh_from_db()
    assert update.status == UpdateStatus.DRAFT


def test_mail_server_down_leaves_the_update_sent_and_the_messages_queued_until_it_is_back(
    partnership, leader, no_scopes, act, settings
):
    server = MailServer(settings)
    _opted_in(partnership)
    update = _draft(partnership, leader)
    act(services.update_send, update=update, user=leader)
    update.refresh_from_db()
    assert update.status == UpdateStatus.SENT
    queued = Message.objects.filter(kind="partner_update")
    assert queued.count() == 2
    assert all(m.status == Status.QUEUED and m.attempts == 1 and m.last_error for m in queued)
    # The headers wait with the message in the outbox ...
    assert all(m.headers["List-Unsubscribe"].startswith("<http") for m in queued)
    server.up()
    later()
    assert "2 sent" in send_queued()
    assert len(mail.outbox) == 2
    assert all(m.status == Status.SENT for m in Message.objects.filter(kind="partner_update"))
    # ... are sent with the retry, each recipient's own ...
    for message in mail.outbox:
        header = message.message()["List-Unsubscribe"]
        token = header.strip("<>").rstrip("/").rsplit("/", 1)[1]
        assert services.contact_for_token(token).email == message.to[0]
        assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # ... and are erased with the text once delivered (they hold a personal link).
    assert all(m.headers == {} for m in Message.objects.filter(kind="partner_update"))


# Unsubscribe


def test_unsubscribe_asks_on_get_and_unsubscribes_on_post_once(client, partnership, no_scopes):
    [contact] = _opted_in(partnership, 1)
    url = reverse("update-unsubscribe", kwargs={"token": services.unsubscribe_token(contact)})
    assert client.get(url).status_code == 200
    contact.refresh_from_db()
    assert contact.receives_updates  # a mail scanner following the link changes nothing
    response = _english(client).post(url)
    assert response.status_code == 302  # then the page says what happened; a reload posts nothing
    assert "You are unsubscribed" in client.get(response["Location"]).content.decode()
    contact.refresh_from_db()
    assert not contact.receives_updates
    again = _english(client).post(url, follow=True)
    assert again.status_code == 200
    assert "already unsubscribed" in again.content.decode()


def test_a_tampered_or_expired_unsubscribe_link_is_refused(
    client, partnership, no_scopes, monkeypatch
):
    [contact] = _opted_in(partnership, 1)
    token = services.unsubscribe_token(contact)
    forged = signing.dumps({"c": contact.code.hex}, salt="another.salt", compress=True)
    hostile = HOSTILE.replace("/", "") + "x" * 3000
    for bad in [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "x", hostile]:
        url = reverse("update-unsubscribe", kwargs={"token": bad})
        response = _english(client).post(url)
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    time_travel = timezone.now() + services.UNSUBSCRIBE_MAX_AGE + datetime.timedelta(days=1)
    monkeypatch.setattr(signing.time, "time", lambda: time_travel.timestamp())
    response = _english(client).post(reverse("update-unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400 and "expired" in response.content.decode()
    contact.refresh_from_db()
    assert contact.receives_updates


ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _one_click_link(partnership, act, settings, leader):
    """The List-Unsubscribe link of a sent update, as a mail program reads it."""
    settings.EMAIL_BACKEND = LOCMEM
    [contact] = _opted_in(partnership, 1)
    act(services.update_send, update=_draft(partnership, leader), user=leader)
    [message] = mail.outbox
    link = message.message()["List-Unsubscribe"].strip("<>")
    assert link.startswith(settings.SITE_URL)
    return contact, link.removeprefix(settings.SITE_URL)


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_mail_programs_one_click_post_unsubscribes_without_csrf_token_or_cookie(
    partnership, leader, no_scopes, act, settings, encoding
):
    from django.test import Client

    contact, url = _one_click_link(partnership, act, settings, leader)
    mailer = Client(enforce_csrf_checks=True)  # no cookie, no token: as a mail program posts
    if encoding == "urlencoded":
        response = mailer.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
    else:
        response = mailer.post(url, ONE_CLICK)  # the test client's default: multipart
    assert response.status_code == 200  # no redirect to follow: the answer is the page
    assert "You are unsubscribed" in response.content.decode()
    contact.refresh_from_db()
    assert not contact.receives_updates
    again = mailer.post(url, ONE_CLICK)  # idempotent: a second POST changes nothing
    assert again.status_code == 200
    assert "already unsubscribed" in again.content.decode()
    contact.refresh_from_db()
    assert not contact.receives_updates


def test_a_post_without_the_one_click_body_goes_through_the_page_and_its_csrf_check(
    partnership, leader, no_scopes, act, settings
):
    from django.test import Client

    contact, url = _one_click_link(partnership, act, settings, leader)
    browser = Client(enforce_csrf_checks=True)
    # Without the body and without the page's token (a forged form elsewhere): refused.
    for body in ({}, {"List-Unsubscribe": "Two-Clicks"}, {"List-Unsubscribe": "One-Click\x00"}):
        assert browser.post(url, body).status_code == 403
    contact.refresh_from_db()
    assert contact.receives_updates
    # The GET shows a button and changes nothing (a mail scanner follows links) ...
    page = browser.get(url)
    assert page.status_code == 200
    assert (
        "<button" in page.content.decode() and 'name="csrfmiddlewaretoken"' in page.content.decode()
    )
    contact.refresh_from_db()
    assert contact.receives_updates
    # ... and the button posts without the one-click body, with the page's token.
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "You are unsubscribed" in browser.get(response["Location"]).content.decode()
    contact.refresh_from_db()
    assert not contact.receives_updates


@pytest.mark.parametrize(
    "bad",
    ["x" * 10_000, "abc\x00def", "\x00", "%00", "..", HOSTILE.replace("/", ""), "é" * 500],
)
def test_a_hostile_unsubscribe_token_gives_the_clear_page_never_a_500(
    client, partnership, no_scopes, bad
):
    from django.test import Client

    [contact] = _opted_in(partnership, 1)
    url = reverse("update-unsubscribe", kwargs={"token": bad})
    for response in (
        _english(client).get(url),
        _english(client).post(url),
        _english(Client(enforce_csrf_checks=True)).post(url, ONE_CLICK),
    ):
        assert response.status_code == 400
        content = response.content.decode()
        assert "This link is not valid." in content
        assert HOSTILE not in content
    contact.refresh_from_db()
    assert contact.receives_updates


def test_an_expired_or_forged_link_refuses_the_one_click_post_too(
    partnership, no_scopes, monkeypatch
):
    from django.test import Client

    [contact] = _opted_in(partnership, 1)
    mailer = _english(Client(enforce_csrf_checks=True))
    forged = signing.dumps({"c": contact.code.hex}, salt="another.salt", compress=True)
    url = reverse("update-unsubscribe", kwargs={"token": forged})
    response = mailer.post(url, ONE_CLICK)
    assert response.status_code == 400 and "not valid" in response.content.decode()
    # Signed right, but for a contact that was deleted since.
    gone = signing.dumps({"c": "0" * 32}, salt=services.UNSUBSCRIBE_SALT, compress=True)
    response = mailer.post(reverse("update-unsubscribe", kwargs={"token": gone}), ONE_CLICK)
    assert response.status_code == 400 and "not valid" in response.content.decode()
    token = services.unsubscribe_token(contact)
    time_travel = timezone.now() + services.UNSUBSCRIBE_MAX_AGE + datetime.timedelta(days=1)
    monkeypatch.setattr(signing.time, "time", lambda: time_travel.timestamp())
    response = mailer.post(reverse("update-unsubscribe", kwargs={"token": token}), ONE_CLICK)
    assert response.status_code == 400 and "expired" in response.content.decode()
    contact.refresh_from_db()
    assert contact.receives_updates


# Opt-in on the contact form


def test_the_contact_form_has_the_opt_in_and_it_needs_an_e_mail_address(
    partnership, leader_client, no_scopes
):
    contact = ContactFactory(organisation=OrganisationFactory(partnership=partnership))
    url = reverse("partners:contact-update", kwargs={"slug": "twente", "code": contact.code})
    assert 'name="receives_updates"' in leader_client.get(url).content.decode()
    data = {"name": contact.name, "email": contact.email, "receives_updates": "on"}
    assert leader_client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.receives_updates
    response = _english(leader_client).post(url, {**data, "email": ""})
    assert response.status_code == 200
    assert "add an e-mail address first" in response.content.decode()
    contact.refresh_from_db()
    assert contact.email


def test_a_new_contact_does_not_receive_the_update_unless_ticked(partnership, no_scopes):
    organisation = OrganisationFactory(partnership=partnership)
    contact = contact_services.contact_create(
        organisation=organisation, name="Anna", email="anna@bedrijf.nl"
    )
    assert not contact.receives_updates


# Pages


def test_pages_walk_from_new_to_sent(
    partnership, leader, leader_client, no_scopes, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = LOCMEM
    _data(partnership)
    _opted_in(partnership)
    base = reverse("updates:update-list", kwargs={"slug": "twente"})
    assert "No update yet" in _english(leader_client).get(base).content.decode()
    response = leader_client.post(
        reverse("updates:update-create", kwargs={"slug": "twente"}),
        {"period_start": "2026-01-01", "period_end": "2026-06-30", "title": HOSTILE},
    )
    update = PartnerUpdate.objects.get()
    assert response.url.endswith(f"/updates/{update.code}/edit/")
    edit = leader_client.get(response.url).content.decode()
    assert HOSTILE not in edit and "&lt;script&gt;" in edit
    data = {
        "title": "Update",
        "intro": HOSTILE,
        "successes_text": "- Eén\n- Twee",
        "new_partners_text": "",
        "activities_text": "",
        "share_text": "",
    }
    assert leader_client.post(response.url, data).status_code == 302
    preview = leader_client.get(response.url).content.decode()
    assert "<li>Eén</li>" in preview and HOSTILE not in preview
    pdf = leader_client.get(
        reverse("updates:update-pdf", kwargs={"slug": "twente", "code": update.code})
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert "<script>alert(1)</script>" in _pdf_text(pdf.content)  # shown as text, not run
    send = reverse("updates:update-send", kwargs={"slug": "twente", "code": update.code})
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(send)
    detail = leader_client.get(
        reverse("updates:update-detail", kwargs={"slug": "twente", "code": update.code})
    )
    assert len(detail.context["page"].object_list) == 2
    edit_again = leader_client.get(response.url)
    assert edit_again.status_code == 302  # a sent update no longer changes


def test_the_create_page_refuses_a_reversed_period_and_garbage(
    partnership, leader_client, no_scopes
):
    url = reverse("updates:update-create", kwargs={"slug": "twente"})
    for data in [
        {"period_start": "2026-06-30", "period_end": "2026-01-01"},
        {"period_start": "", "period_end": ""},
        {"period_start": HOSTILE, "period_end": "9" * 500},
        {"period_start": "2026-01-01", "period_end": "2026-06-30", "title": "x" * 201},
    ]:
        response = leader_client.post(url, data)
        assert response.status_code == 200, data
    assert not PartnerUpdate.objects.exists()


def test_a_forged_update_of_another_partnership_is_a_404(
    partnership, other_partnership, leader, leader_client, no_scopes
):
    theirs = services.update_create(partnership=other_partnership, start=START, end=END, user=None)
    for name in ["update-detail", "update-edit", "update-pdf", "update-send"]:
        url = reverse(f"updates:{name}", kwargs={"slug": "twente", "code": theirs.code})
        assert leader_client.get(url).status_code == 404, name
    for name in ["update-send", "update-delete", "update-recompose"]:
        url = reverse(f"updates:{name}", kwargs={"slug": "twente", "code": theirs.code})
        assert leader_client.post(url).status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.status == UpdateStatus.DRAFT


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _rows(partnership, leader, count):
    with scopes_disabled():
        organisations = [OrganisationFactory(partnership=partnership) for _ in range(count)]
        for index, organisation in enumerate(organisations):
            activity = ActivityFactory(
                partnership=partnership,
                lead_organisation=organisation,
                start_date=datetime.date(2026, 2, 1),
            )
            ResultFactory(activity=activity, date=datetime.date(2026, 3, 1))
            _moved(organisation, Stage.SIGNED, datetime.date(2026, 4, 1))
            ContactFactory(organisation=organisation, receives_updates=True)
        for _ in range(count):
            services.update_create(partnership=partnership, start=START, end=END, user=leader)
        update = PartnerUpdate.objects.filter(partnership=partnership).first()
        services.update_send(update=update, user=leader)
        return update


def test_list_detail_and_composition_run_a_fixed_number_of_queries_at_5_and_200_rows(
    partnership, other_partnership, leader, leader_client, settings
):
    settings.EMAIL_BACKEND = LOCMEM
    counts = []
    for target, count in [(partnership, 5), (other_partnership, 200)]:
        if target is other_partnership:
            with scopes_disabled():
                MembershipFactory(partnership=other_partnership, user=leader, role="leader")
        update = _rows(target, leader, count)
        slug = target.slug
        with scopes_disabled(), CaptureQueriesContext(connection) as composing:
            draft = services.update_create(partnership=target, start=START, end=END, user=leader)
        assert draft.successes_text.count("\n") >= min(count, 40) - 1
        counts.append(
            (
                _count(leader_client, reverse("updates:update-list", kwargs={"slug": slug})),
                _count(
                    leader_client,
                    reverse("updates:update-detail", kwargs={"slug": slug, "code": update.code}),
                ),
                _count(
                    leader_client,
                    reverse("updates:update-send", kwargs={"slug": slug, "code": draft.code}),
                ),
                len(composing),
            )
        )
    assert counts[0] == counts[1], counts


def test_members_read_the_updates_only_leaders_write(
    partnership, leader, client, viewer, editor, no_scopes
):
    update = _draft(partnership, leader)
    for user in (viewer, editor):
        client.force_login(user)
        assert (
            client.get(reverse("updates:update-list", kwargs={"slug": "twente"})).status_code == 200
        )
        assert (
            client.get(
                reverse("updates:update-detail", kwargs={"slug": "twente", "code": update.code})
            ).status_code
            == 200
        )
        assert (
            client.post(
                reverse("updates:update-send", kwargs={"slug": "twente", "code": update.code})
            ).status_code
            == 403
        )


def test_the_demo_has_contacts_opted_in_and_one_update_sent_without_any_e_mail(
    db, settings, no_scopes
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    update = PartnerUpdate.objects.get()
    assert update.status == UpdateStatus.SENT
    assert update.recipients.count() >= 3
    assert not Message.objects.filter(kind="partner_update").exists()
    assert Contact.objects.filter(receives_updates=True).count() >= 3


@pytest.mark.parametrize(
    "headers",
    [
        {"List-Unsubscribe": "<https://x/>\r\nBcc: everyone@example.org"},
        {"List-Unsubscribe": "<https://x/>\x00"},
        {"Bcc": "everyone@example.org"},
        {"Subject": "another"},
        {"List Unsubscribe": "<https://x/>"},
        {"X-Long": "x" * 10_000},
    ],
)
def test_the_outbox_refuses_a_header_that_would_inject_or_replace_one(db, headers):
    from outbox import services as outbox

    with pytest.raises(ValueError):
        outbox.enqueue("a@example.org", "Onderwerp", "Tekst", headers=headers)
    assert not Message.objects.exists()
