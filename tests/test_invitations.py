from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import User
from partners.models import Invitation, Membership, Role
from partners.services import members as services
from tests.factories import PASSWORD

NEW_PASSWORD = "Fietsenstalling-2026!"


def _invite(client, email="nieuw@example.nl", role="editor"):
    return client.post(
        reverse("partners:invitation-create", kwargs={"slug": "twente"}),
        {"email": email, "role": role},
    )


def _link_path(message):
    for line in message.body.splitlines():
        if "/invitations/" in line:
            return line.strip().replace("http://127.0.0.1:8000", "")
    raise AssertionError("no invitation link in the e-mail")


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
    with scopes_disabled():
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
    with scopes_disabled():
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
