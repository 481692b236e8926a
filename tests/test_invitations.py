from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import User
from partners.models import Invitation, Membership, Organisation, Role
from partners.services import members as services
from tests.factories import (
    PASSWORD,
    InteractionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

NEW_PASSWORD = "Fietsenstalling-2026!"


def delivered():
    """Run what the invitation hands to on_commit: the outbox's delivery of its e-mail."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def _invite(client, email="nieuw@example.nl", role="editor"):
    with delivered():
        return client.post(
            reverse("partners:invitation-create", kwargs={"slug": "twente"}),
            {"email": email, "role": role},
        )


def _link(message):
    for line in message.body.splitlines():
        if "/invitations/" in line:
            return line.strip()
    raise AssertionError("no invitation link in the e-mail")


def _link_path(message):
    return urlsplit(_link(message)).path


def _accept(client, path, **overrides):
    data = {
        "first_name": "Noor",
        "last_name": "Nieuw",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(path, data)


def test_leader_invites_and_invitee_sets_password_and_joins(client, leader_client):
    response = _invite(leader_client)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@example.nl"]
    assert "Uitnodiging" in message.subject
    path = _link_path(message)

    client.logout()
    form = client.get(path)
    assert form.status_code == 200
    assert "Regio Twente Techniek" in form.content.decode()
    response = _accept(client, path)
    assert response.status_code == 302
    assert response.url == "/p/twente/"
    user = User.objects.get(email="nieuw@example.nl")
    assert user.check_password(NEW_PASSWORD)
    with scopes_disabled():
        assert Membership.objects.get(user=user).role == Role.EDITOR
    # Signed in straight away.
    assert client.get("/p/twente/").status_code == 200


def test_reused_invitation_link_is_refused_and_changes_nothing(client, leader_client):
    _invite(leader_client)
    path = _link_path(mail.outbox[0])
    client.logout()
    _accept(client, path)
    client.logout()
    response = _accept(client, path, password1="Iets-anders-9876", password2="Iets-anders-9876")
    assert response.status_code == 410
    assert "al gebruikt" in response.content.decode()
    assert User.objects.get(email="nieuw@example.nl").check_password(NEW_PASSWORD)


def test_expired_invitation_link_is_refused(client, leader_client):
    _invite(leader_client)
    path = _link_path(mail.outbox[0])
    with scopes_disabled():
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.logout()
    response = _accept(client, path)
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert not User.objects.filter(email="nieuw@example.nl").exists()


def test_a_new_invitation_replaces_the_pending_one(client, leader_client):
    _invite(leader_client, role="viewer")
    _invite(leader_client, role="editor")
    first, second = (_link_path(m) for m in mail.outbox)
    client.logout()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


@pytest.mark.parametrize("token", ["x", "a" * 500, "../../etc/passwd", "%00"])
def test_unknown_or_garbled_token_is_404(client, db, token):
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 404


def test_inviting_an_existing_member_is_a_form_error(leader_client, editor):
    response = _invite(leader_client, email="Redacteur@Twente.nl")
    assert response.status_code == 200
    assert "al lid" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("nieuw@example.nl", "boss"),
        ("nieuw@example.nl", ""),
        ("", "editor"),
        ("geen-adres", "editor"),
        ("a" * 250 + "@x.nl", "viewer"),
    ],
)
def test_invitation_form_rejects_bad_input(leader_client, email, role):
    response = _invite(leader_client, email=email, role=role)
    assert response.status_code == 200
    assert response.context["form"].errors
    with scopes_disabled():
        assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_mismatched_or_weak_password_keeps_the_invitation_usable(client, leader_client):
    _invite(leader_client)
    path = _link_path(mail.outbox[0])
    client.logout()
    response = _accept(client, path, password2="Iets-anders-9876")
    assert response.status_code == 200
    assert "verschillen" in response.content.decode()
    response = _accept(client, path, password1="12345678901", password2="12345678901")
    assert response.status_code == 200
    assert not User.objects.filter(email="nieuw@example.nl").exists()
    assert _accept(client, path).status_code == 302


def test_existing_account_joins_after_signing_in(client, leader, outsider):
    with scopes_disabled(), delivered():
        _invitation, link = services.invitation_create(
            partnership=leader.memberships.get().partnership,
            email=outsider.email,
            role=Role.VIEWER,
            invited_by=leader,
        )
    path = link.replace("http://127.0.0.1:8000", "")
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    client.force_login(outsider)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert client.get("/p/twente/").status_code == 200
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)


def test_invitation_for_someone_else_is_refused_when_signed_in_as_another(client, leader, viewer):
    with scopes_disabled(), delivered():
        _inv, link = services.invitation_create(
            partnership=leader.memberships.get().partnership,
            email="ander@example.nl",
            role=Role.VIEWER,
            invited_by=leader,
        )
    User.objects.create_user(email="ander@example.nl", password=PASSWORD)
    client.force_login(viewer)
    response = client.post(link.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 403


def test_the_invitation_link_uses_the_address_the_leader_is_using(client, leader, settings):
    settings.ALLOWED_HOSTS = ["sterk.example.nl"]
    settings.SITE_URL = "https://elders.example"
    client.force_login(leader)
    with delivered():
        response = client.post(
            reverse("partners:invitation-create", kwargs={"slug": "twente"}),
            {"email": "nieuw@example.nl", "role": "editor"},
            HTTP_HOST="sterk.example.nl",
            secure=True,
        )
    assert response.status_code == 302
    link = urlsplit(_link(mail.outbox[0]))
    assert (link.scheme, link.netloc) == ("https", "sterk.example.nl")
    assert link.path.startswith("/invitations/")


def test_an_invitation_made_without_a_page_uses_the_site_url(partnership, leader, settings):
    settings.SITE_URL = "https://sterk.example.nl/"
    with scopes_disabled(), delivered():
        _invitation, link = services.invitation_create(
            partnership=partnership,
            email="nieuw@example.nl",
            role=Role.EDITOR,
            invited_by=leader,
        )
    assert link.startswith("https://sterk.example.nl/invitations/")
    assert _link(mail.outbox[0]) == link


def test_withdrawing_asks_first_on_the_member_list(leader_client):
    _invite(leader_client)
    with scopes_disabled():
        invitation = Invitation.objects.get()
    members = reverse("partners:member-list", kwargs={"slug": "twente"})
    revoke = reverse(
        "partners:invitation-revoke", kwargs={"slug": "twente", "code": invitation.code}
    )
    page = leader_client.get(members)
    assert page.context["withdraw"] is None
    # The list links to the confirmation; it no longer withdraws in one click.
    assert f"?withdraw={invitation.code}" in page.content.decode()
    assert f'action="{revoke}"' not in page.content.decode()

    confirm = leader_client.get(members, {"withdraw": str(invitation.code)})
    assert confirm.status_code == 200
    assert confirm.context["withdraw"] == invitation
    assert f'action="{revoke}"' in confirm.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "pending"

    assert leader_client.post(revoke).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


@pytest.mark.parametrize("code", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", ""])
def test_an_unknown_invitation_to_withdraw_shows_the_plain_list(leader_client, code):
    _invite(leader_client)
    response = leader_client.get(
        reverse("partners:member-list", kwargs={"slug": "twente"}), {"withdraw": code}
    )
    assert response.status_code == 200
    assert response.context["withdraw"] is None


def test_only_leaders_get_the_withdraw_confirmation(client, leader_client, viewer):
    _invite(leader_client)
    with scopes_disabled():
        invitation = Invitation.objects.get()
    client.force_login(viewer)
    response = client.get(
        reverse("partners:member-list", kwargs={"slug": "twente"}),
        {"withdraw": str(invitation.code)},
    )
    assert response.status_code == 200
    assert response.context["withdraw"] is None


def test_leader_withdraws_a_pending_invitation(client, leader_client):
    _invite(leader_client)
    with scopes_disabled():
        invitation = Invitation.objects.get()
    url = reverse("partners:invitation-revoke", kwargs={"slug": "twente", "code": invitation.code})
    assert leader_client.post(url).status_code == 302
    client.logout()
    assert client.get(_link_path(mail.outbox[0])).status_code == 410


def test_last_leader_cannot_be_demoted_or_removed(leader_client, leader):
    with scopes_disabled():
        membership = leader.memberships.get()
    url = reverse("partners:membership-update", kwargs={"slug": "twente", "code": membership.code})
    response = leader_client.post(url, {"role": "viewer"})
    assert response.status_code == 200
    assert "ten minste één projectleider" in response.content.decode()
    url = reverse("partners:membership-delete", kwargs={"slug": "twente", "code": membership.code})
    response = leader_client.post(url)
    assert response.status_code == 400
    with scopes_disabled():
        membership.refresh_from_db()
        assert membership.role == Role.LEADER


def test_member_of_other_partnership_cannot_be_touched_by_code(leader_client, outsider):
    with scopes_disabled():
        foreign = outsider.memberships.get()
    url = reverse("partners:membership-delete", kwargs={"slug": "twente", "code": foreign.code})
    assert leader_client.post(url).status_code == 404
    with scopes_disabled():
        assert Membership.objects.filter(pk=foreign.pk).exists()


# --- Removing a member -------------------------------------------------------------------


def test_removing_a_member_unassigns_their_organisations_and_open_next_steps(
    leader_client, leader, partnership, other_partnership
):
    with scopes_disabled():
        leaving = MembershipFactory(partnership=partnership, role=Role.EDITOR)
        person = leaving.user
        MembershipFactory(partnership=other_partnership, user=person)
        owned = OrganisationFactory.create_batch(
            2, partnership=partnership, relationship_owner=person
        )
        kept = OrganisationFactory(partnership=partnership, relationship_owner=leader)
        elsewhere = OrganisationFactory(partnership=other_partnership, relationship_owner=person)
        due = timezone.localdate()
        open_step = InteractionFactory(
            organisation=owned[0], next_step="Bellen", next_step_due=due, next_step_owner=person
        )
        done_step = InteractionFactory(
            organisation=owned[0],
            next_step="Mailen",
            next_step_due=due,
            next_step_owner=person,
            next_step_done_at=timezone.now(),
        )
        others_step = InteractionFactory(
            organisation=kept, next_step="Langsgaan", next_step_due=due, next_step_owner=leader
        )
    url = reverse("partners:membership-delete", kwargs={"slug": "twente", "code": leaving.code})

    confirm = leader_client.get(url)
    assert confirm.status_code == 200
    assert (confirm.context["owned_organisations"], confirm.context["owned_next_steps"]) == (2, 1)

    assert leader_client.post(url).status_code == 302
    with scopes_disabled():
        assert not Membership.objects.filter(pk=leaving.pk).exists()
        assert not Organisation.objects.filter(relationship_owner=person, partnership=partnership)
        for interaction in (open_step, done_step, others_step):
            interaction.refresh_from_db()
        elsewhere.refresh_from_db()
        kept.refresh_from_db()
        # The change is in the organisation's history, by the leader who removed them.
        latest = owned[0].history.first()
    assert open_step.next_step_owner is None
    assert done_step.next_step_owner == person  # a record of who did it
    assert others_step.next_step_owner == leader
    assert kept.relationship_owner == leader
    assert elsewhere.relationship_owner == person
    assert latest.relationship_owner_id is None
    assert latest.history_user == leader


def test_removing_the_last_leader_changes_no_ownership(leader_client, leader, partnership):
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership, relationship_owner=leader)
        membership = leader.memberships.get()
    url = reverse("partners:membership-delete", kwargs={"slug": "twente", "code": membership.code})
    assert leader_client.post(url).status_code == 400
    with scopes_disabled():
        organisation.refresh_from_db()
    assert organisation.relationship_owner == leader


def test_the_removal_page_says_when_a_member_owns_nothing(leader_client, partnership):
    with scopes_disabled():
        leaving = MembershipFactory(partnership=partnership, user=UserFactory())
    url = reverse("partners:membership-delete", kwargs={"slug": "twente", "code": leaving.code})
    response = leader_client.get(url)
    assert (response.context["owned_organisations"], response.context["owned_next_steps"]) == (
        0,
        0,
    )
