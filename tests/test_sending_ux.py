"""Sending and following a round as a leader expects it: a preview of the invitation, turns
asked only for an own order, a question before a new version stops an open round, and the
news of a decline on the round page and the agreement page."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import INFO, get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from agreements import signing as agreement_signing
from agreements.models import AgreementVersion
from signing import services as signing
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound
from signing.notify import PREVIEW_TOKEN
from signing.round_forms import end_of_day, today
from tests.factories import send_round, signing_version
from tests.test_snapshot import ready_partnership

pytestmark = pytest.mark.usefixtures("no_scopes")

HOSTILE = "<script>alert('x')</script>"
SLUG = "twente"


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def url(app, name, code=None):
    kwargs = {"slug": SLUG} if code is None else {"slug": SLUG, "code": code}
    return reverse(f"{app}:{name}", kwargs=kwargs)


def send_url(version):
    return url("agreements", "round-send", version.code)


def day(offset: int) -> datetime.date:
    return today() + datetime.timedelta(days=offset)


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def dutch_deadline(day_: datetime.date) -> str:
    """The deadline as the invitation prints it (signing/email/invitation.txt)."""
    with translation.override("nl"):
        return formats.date_format(end_of_day(day_), "j F Y, H:i")


def requests_of(signing_round) -> list[SignatureRequest]:
    return list(SignatureRequest.objects.filter(round=signing_round).order_by("pk"))


@pytest.fixture
def version(partnership):
    return signing_version(partnership, parties=3)


@pytest.fixture
def open_round(version, leader):
    return send_round(version, leader)


# --- The preview of the invitation ----------------------------------------------------------


def test_the_send_page_previews_the_invitation_to_the_first_signer_with_the_defaults(
    leader_client, version
):
    response = leader_client.get(send_url(version))
    preview = response.context["preview"]
    first = agreement_signing.signers_of(version)[0]
    assert preview["signer"] == first
    assert agreement_signing.title_of(version) in preview["subject"]
    assert first.name in preview["body"] and first.organisation in preview["body"]
    assert f"{settings.SITE_URL}/sign/{PREVIEW_TOKEN}/" in preview["body"]
    assert dutch_deadline(day(14)) in preview["body"]
    content = response.content.decode()
    assert '<details class="card mt-4" id="email-preview">' in content
    # After the send button, so Enter in a field sends the form and does not preview.
    assert content.index('id="email-preview"') > content.index('class="btn btn-primary"')
    assert 'name="preview"' in content and "hx-post" in content


def test_the_preview_is_the_invitation_that_is_sent_but_for_the_link(
    leader_client, version, django_capture_on_commit_callbacks
):
    data = {"deadline": day(10).isoformat(), "order": "parallel", "message": "Graag voor vrijdag."}
    preview = leader_client.post(send_url(version), {**data, "preview": "1"}).context["preview"]
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(send_url(version), data)
    first = agreement_signing.signers_of(version)[0]
    sent = next(message for message in mail.outbox if message.to == [first.email])
    link = next(line for line in sent.body.splitlines() if "/sign/" in line)
    assert sent.subject == preview["subject"]
    assert sent.body == preview["body"].replace(
        f"{settings.SITE_URL}/sign/{PREVIEW_TOKEN}/", link.strip()
    )


def test_updating_the_preview_sends_nothing_and_shows_what_was_typed(leader_client, version):
    response = leader_client.post(
        send_url(version),
        {
            "deadline": day(20).isoformat(),
            "order": "parallel",
            "message": "Beste partners, tot dinsdag.",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    assert not SigningRound.objects.exists() and mail.outbox == []
    assert response.context["preview_open"] is True
    body = response.context["preview"]["body"]
    assert "Beste partners, tot dinsdag." in body
    assert dutch_deadline(day(20)) in body
    assert '<details class="card mt-4" id="email-preview" open>' in response.content.decode()


def test_htmx_gets_only_the_preview(leader_client, version):
    response = leader_client.post(
        send_url(version),
        {"deadline": day(5).isoformat(), "order": "parallel", "message": "Hallo", "preview": "1"},
        HTTP_HX_REQUEST="true",
    )
    names = [t.name for t in response.templates]
    assert "signing/rounds/_email_preview.html" in names and "base.html" not in names
    content = response.content.decode()
    assert content.lstrip().startswith('<details class="card mt-4" id="email-preview" open>')
    assert "<html" not in content and "Hallo" in content
    assert not SigningRound.objects.exists()


def test_a_form_posted_back_with_errors_previews_what_was_typed(leader_client, version):
    # The own order without turns: an error, and the preview keeps deadline and message.
    response = leader_client.post(
        send_url(version),
        {"deadline": day(30).isoformat(), "order": "custom", "message": "Zie bijlage"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    body = response.context["preview"]["body"]
    assert "Zie bijlage" in body and dutch_deadline(day(30)) in body
    assert response.context["preview_open"] is False


@pytest.mark.parametrize("deadline", ["", "31-02-2026", "x" * 5000])
def test_an_unreadable_deadline_previews_the_default(leader_client, version, deadline):
    response = leader_client.post(send_url(version), {"deadline": deadline, "order": "parallel"})
    assert response.status_code == 200
    assert dutch_deadline(day(14)) in response.context["preview"]["body"]


def test_a_hostile_message_is_escaped_in_the_preview(leader_client, version):
    response = leader_client.post(
        send_url(version),
        {"deadline": day(10).isoformat(), "order": "parallel", "message": HOSTILE, "preview": "1"},
    )
    assert HOSTILE in response.context["preview"]["body"]
    content = response.content.decode()
    assert HOSTILE not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content


def test_a_huge_message_is_previewed_cut_to_what_can_be_sent(leader_client, version):
    response = leader_client.post(
        send_url(version),
        {"deadline": day(10).isoformat(), "order": "parallel", "message": "y" * 100_000},
    )
    assert response.context["form"].errors
    assert "y" * 2000 in response.context["preview"]["body"]
    assert "y" * 2001 not in response.context["preview"]["body"]


def test_without_a_pdf_there_is_nothing_to_preview(leader_client, version):
    AgreementVersion.objects.filter(pk=version.pk).update(pdf="", pdf_sha256="")
    response = leader_client.get(send_url(version))
    assert response.context["preview"] is None
    assert 'id="email-preview"' not in response.content.decode()


# --- Turns only for the own order -----------------------------------------------------------


def test_the_turns_are_marked_to_show_only_for_the_own_order_and_visible_without_script(
    leader_client, version
):
    content = leader_client.get(send_url(version)).content.decode()
    assert "js/send-order.js" in content
    start = content.index('<fieldset class="card card-body mb-3" id="turns"')
    fieldset = content[start : content.index(">", start)]
    assert 'data-shown-for="order=custom"' in fieldset
    assert "hidden" not in fieldset
    assert 'value="custom"' in content


@pytest.mark.parametrize("order, ordered", [("parallel", False), ("penvoerder_last", True)])
def test_the_round_shows_the_turn_column_only_when_signed_in_turns(
    leader_client, version, leader, order, ordered
):
    signing_round = send_round(version, leader, order=order)
    assert signing_round.ordered is ordered
    english(leader_client)
    round_page = leader_client.get(url("signing", "round-detail", signing_round.code))
    agreement_page = leader_client.get(url("agreements", "agreement-list"))
    for content in (round_page.content.decode(), agreement_page.content.decode()):
        assert ('<th scope="col">Turn</th>' in content) is ordered


# --- A new version while a round is open ----------------------------------------------------


@pytest.fixture
def ready_with_round(partnership, leader):
    """A ready partnership whose version 1 is out for signing."""
    ready_partnership(partnership)
    version = signing_version(partnership, parties=2, number=1)
    return send_round(version, leader)


def versions(partnership) -> list[int]:
    return list(
        AgreementVersion.objects.filter(partnership=partnership)
        .order_by("number")
        .values_list("number", flat=True)
    )


def test_the_agreement_page_says_a_new_version_asks_first_while_a_round_is_open(
    leader_client, ready_with_round
):
    content = english(leader_client).get(url("agreements", "agreement-list")).content.decode()
    form = content[content.index('id="make-version"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="latest" value="1">' in form
    assert 'aria-describedby="open-round-note"' in form
    assert "you are asked to confirm first" in form


def test_making_a_version_while_a_round_is_open_asks_first_and_makes_nothing(
    leader_client, partnership, ready_with_round
):
    response = english(leader_client).post(url("agreements", "version-create"), {"latest": "1"})
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "agreements/version_confirm.html"
    assert versions(partnership) == [1]
    assert response.context["next_number"] == 2 and response.context["superseded"] is False
    content = response.content.decode()
    assert url("signing", "round-detail", ready_with_round.code) in content
    assert "Its links stop working at once" in content
    assert '<input type="hidden" name="confirm" value="1">' in content
    assert '<input type="hidden" name="latest" value="1">' in content
    # Nothing changed for the round: its links still work.
    assert all(signing.refusal(item) is None for item in requests_of(ready_with_round))


def test_confirming_makes_the_version_and_the_round_refuses_as_the_page_said(
    leader_client, partnership, ready_with_round
):
    response = leader_client.post(
        url("agreements", "version-create"), {"confirm": "1", "latest": "1"}
    )
    new = AgreementVersion.objects.get(partnership=partnership, number=2)
    assert response.status_code == 302
    assert response.url == url("agreements", "version-detail", new.code)
    # What the confirmation says: the links refuse at once, the round stays open until the
    # new version is sent (or the round is voided).
    ready_with_round.refresh_from_db()
    assert ready_with_round.status == RoundStatus.OPEN
    assert {signing.refusal(item) for item in requests_of(ready_with_round)} == {"superseded"}


def test_the_same_confirmation_sent_twice_makes_one_version(
    leader_client, partnership, ready_with_round
):
    data = {"confirm": "1", "latest": "1"}
    first = leader_client.post(url("agreements", "version-create"), data)
    second = leader_client.post(url("agreements", "version-create"), data)
    assert versions(partnership) == [1, 2]
    new = AgreementVersion.objects.get(partnership=partnership, number=2)
    assert first.url == second.url == url("agreements", "version-detail", new.code)
    assert INFO in [m.level for m in get_messages(second.wsgi_request)]


def test_confirming_again_after_a_newer_version_names_it_already_replacing_the_round(
    leader_client, partnership, ready_with_round
):
    leader_client.post(url("agreements", "version-create"), {"confirm": "1", "latest": "1"})
    response = leader_client.post(url("agreements", "version-create"), {"latest": "2"})
    assert response.status_code == 200
    assert response.context["superseded"] is True and response.context["next_number"] == 3
    assert versions(partnership) == [1, 2]


def test_without_an_open_round_a_version_is_made_at_once(leader_client, partnership, leader):
    ready_partnership(partnership)
    response = leader_client.post(url("agreements", "version-create"), {"latest": "0"})
    assert response.status_code == 302
    assert versions(partnership) == [1]
    # A double click: the second post finds version 1 and makes nothing.
    again = leader_client.post(url("agreements", "version-create"), {"latest": "0"})
    assert again.status_code == 302 and versions(partnership) == [1]


@pytest.mark.parametrize("latest", ["", "abc", "-5", "99"])
def test_a_missing_or_odd_latest_does_not_stop_a_confirmed_version(
    leader_client, partnership, ready_with_round, latest
):
    response = leader_client.post(
        url("agreements", "version-create"), {"confirm": "1", "latest": latest}
    )
    assert response.status_code == 302
    assert versions(partnership) == [1, 2]


def test_viewers_and_editors_cannot_make_a_version_or_see_the_question(
    client, editor, viewer, ready_with_round, partnership
):
    for user in (editor, viewer):
        client.force_login(user)
        response = client.post(url("agreements", "version-create"), {"confirm": "1"})
        assert response.status_code == 403
    assert versions(partnership) == [1]


# --- The news of a decline ------------------------------------------------------------------


def _decline(item, reason="Het bedrag klopt niet"):
    signing.request_decline(
        item, reason=reason, client=signing.Client("192.0.2.1", "pytest"), in_person_with="L"
    )


def _redirect(item, name="Piet Juist", email="piet@partner2.nl", note=""):
    signing.request_redirect(
        item,
        name=name,
        email=email,
        note=note,
        client=signing.Client("192.0.2.1", "pytest"),
        in_person_with="L",
    )


def _banner(content: str) -> str:
    start = content.index('class="alert alert-warning round-attention"')
    return content[start : content.index("</section>", start)]


def test_no_news_while_nobody_declined(leader_client, open_round):
    for address in (
        url("signing", "round-detail", open_round.code),
        url("agreements", "agreement-list"),
    ):
        assert "round-attention" not in leader_client.get(address).content.decode()


def test_a_decline_is_news_on_the_round_page_with_the_ways_forward(leader_client, open_round):
    declined, redirected, waiting = requests_of(open_round)
    _decline(declined)
    _redirect(redirected, note="Ik ben met pensioen")
    content = english(leader_client).get(url("signing", "round-detail", open_round.code))
    banner = _banner(content.content.decode())
    assert "2 signatories do not sign as asked" in banner
    assert f"<strong>{declined.name}</strong> ({declined.organisation_name})" in banner
    assert "declined to sign." in banner and "Het bedrag klopt niet" in banner
    assert "not the right person" in banner
    assert "Piet Juist &lt;piet@partner2.nl&gt;" in banner and "Ik ben met pensioen" in banner
    assert "Make Piet Juist the signatory of" in banner
    for item in (declined, redirected):
        organisation = item.signatory.contact.organisation
        assert url("partners", "organisation-detail", organisation.code) in banner
        assert url("signing", "request-reissue", item.code) in banner
    assert waiting.name not in banner
    # The document's page, where a new version starts.
    version = AgreementVersion.objects.get(pk=int(open_round.document.subject))
    assert url("agreements", "version-detail", version.code) in banner


def test_the_news_stays_in_the_polled_status(leader_client, open_round):
    _decline(requests_of(open_round)[0])
    polled = leader_client.get(
        url("signing", "round-detail", open_round.code), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "round-attention" in polled
    compact = leader_client.get(
        url("signing", "round-detail", open_round.code) + "?compact=1", HTTP_HX_REQUEST="true"
    ).content.decode()
    # The agreement page shows the news itself, outside the polled part.
    assert "round-attention" not in compact


def test_a_decline_is_news_on_the_agreement_page(leader_client, open_round):
    declined = requests_of(open_round)[0]
    _decline(declined)
    content = english(leader_client).get(url("agreements", "agreement-list")).content.decode()
    banner = _banner(content)
    assert "1 signatory does not sign as asked" in banner
    assert declined.name in banner and "Het bedrag klopt niet" in banner
    organisation = declined.signatory.contact.organisation
    assert url("partners", "organisation-detail", organisation.code) in banner
    assert url("signing", "request-reissue", declined.code) in banner
    assert 'href="#make-version"' in banner and 'id="make-version"' in content
    assert content.count("round-attention") == 1


def test_viewers_read_the_news_without_the_ways_forward(viewer_client, open_round):
    declined = requests_of(open_round)[0]
    _decline(declined)
    for address in (
        url("signing", "round-detail", open_round.code),
        url("agreements", "agreement-list"),
    ):
        banner = _banner(viewer_client.get(address).content.decode())
        assert declined.name in banner
        assert url("signing", "request-reissue", declined.code) not in banner


@pytest.fixture
def viewer_client(viewer):
    client = Client()
    client.force_login(viewer)
    return client


def test_a_request_whose_signatory_is_gone_is_news_without_a_partners_link(
    leader_client, open_round
):
    declined = requests_of(open_round)[0]
    _decline(declined)
    organisation = declined.signatory.contact.organisation
    SignatureRequest.objects.filter(pk=declined.pk).update(signatory=None)
    banner = _banner(
        leader_client.get(url("signing", "round-detail", open_round.code)).content.decode()
    )
    assert declined.name in banner
    assert url("partners", "organisation-detail", organisation.code) not in banner
    assert url("signing", "request-reissue", declined.code) in banner


def test_news_of_a_void_round_is_no_longer_shown(leader_client, open_round):
    _decline(requests_of(open_round)[0])
    signing.round_void(open_round, reason="opnieuw", user=None)
    for address in (
        url("signing", "round-detail", open_round.code),
        url("agreements", "agreement-list"),
    ):
        assert "round-attention" not in leader_client.get(address).content.decode()


def test_hostile_values_in_the_news_are_escaped(leader_client, open_round):
    declined, redirected, _waiting = requests_of(open_round)
    _decline(declined, reason=HOSTILE)
    _redirect(redirected, name=f"Piet {HOSTILE}", email="piet@partner2.nl", note=HOSTILE)
    SignatureRequest.objects.filter(pk=declined.pk).update(
        name=f"Jan {HOSTILE}", organisation_name=f"Org {HOSTILE}"
    )
    assert SignatureRequest.objects.get(pk=redirected.pk).status == RequestStatus.REDIRECTED
    for address in (
        url("signing", "round-detail", open_round.code),
        url("agreements", "agreement-list"),
    ):
        content = leader_client.get(address).content.decode()
        banner = _banner(content)
        assert "&lt;script&gt;" in banner
        assert HOSTILE not in content
