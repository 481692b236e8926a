"""Writes on partnerships, memberships and invitations."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from outbox import services as outbox
from partners.models import Invitation, Membership, Partnership, Role
from partners.selectors.members import member_ownership

User = get_user_model()


class InvitationUnusable(Exception):
    """The invitation link cannot be used; `reason` is unknown, used, revoked or expired."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def invitation_create(
    *, partnership: Partnership, email: str, role: str, invited_by, base_url: str | None = None
) -> tuple[Invitation, str]:
    """Invite a person by e-mail with a role; returns the invitation and its one-time link.

    An address that is already a member is refused. A pending invitation for the same
    address is revoked, so only the newest link works. The link starts with `base_url`
    (the scheme and host the leader is using, like a password-reset link), or with
    settings.SITE_URL when the invitation is not made from a page.
    """
    email = normalise_email(email)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose an existing role.")})
    if Membership.objects.filter(partnership=partnership, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a member of this partnership.") % {"email": email}}
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        replaced = Invitation.objects.filter(
            partnership=partnership, email__iexact=email, accepted_at=None, revoked_at=None
        )
        for earlier in replaced:
            outbox.cancel(about=earlier)
        replaced.update(revoked_at=now)
        invitation = Invitation.objects.create(
            partnership=partnership,
            email=email,
            role=role,
            token_hash=_token_hash(token),
            invited_by=invited_by,
            expires_at=now + settings.INVITATION_MAX_AGE,
        )
        base = (base_url or settings.SITE_URL).rstrip("/")
        link = base + reverse("invitation-accept", kwargs={"token": token})
        _queue_invitation_mail(invitation, link)
    return invitation, link


def _queue_invitation_mail(invitation: Invitation, link: str) -> None:
    """Queued in the outbox with the invitation (delivered after commit, retried while the
    mail server refuses); the members page shows an invitation whose mail is stuck."""
    # The invitee has no language preference yet: the programme's language is Dutch.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "link": link}
        subject = _("Invitation to %(partnership)s in Sterk") % {
            "partnership": invitation.partnership.name
        }
        body = render_to_string("partners/email/invitation.txt", context)
    outbox.enqueue(
        invitation.email,
        subject,
        body,
        kind="member_invitation",
        about=invitation,
        tenant_id=invitation.partnership_id,
        discard_after=invitation.expires_at,
    )


def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.status != "pending":
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        outbox.cancel(about=invitation)


def invitation_for_token(token: str) -> Invitation:
    """The usable invitation behind a link, or InvitationUnusable saying why not."""
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("partnership")
            .filter(token_hash=_token_hash(token))
            .first()
        )
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.status != "pending":
        raise InvitationUnusable(invitation.status)
    return invitation


def invitation_accept(
    *, token: str, user=None, first_name: str = "", last_name: str = "", password: str = ""
):
    """Use an invitation once: add the person to the partnership, creating their account.

    `user` is the signed-in account of the invited address when it already exists;
    otherwise a new account is made with the given name and password. The row is locked,
    so two simultaneous clicks cannot both use the link.
    """
    with transaction.atomic(), scopes_disabled():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != "pending":
            raise InvitationUnusable(invitation.status)
        existing = User.objects.filter(email__iexact=invitation.email).first()
        if existing is not None:
            if user is None or user.pk != existing.pk:
                raise InvitationUnusable("other_account")
        else:
            existing = User.objects.create_user(
                email=invitation.email,
                password=password,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
            )
        Membership.objects.get_or_create(
            partnership=invitation.partnership, user=existing, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return existing, invitation.partnership


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose an existing role.")})
    if membership.role == Role.LEADER and role != Role.LEADER:
        _ensure_another_leader(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    """Remove a member; the last project leader cannot go.

    What they owned in this partnership becomes unassigned in the same transaction, so no
    organisation or open next step keeps an owner who can no longer see it: they stop being
    relationship owner (saved one by one, so the organisation's history records it) and owner
    of next steps not done yet. Done steps keep their owner as a record of who did them.
    """
    if membership.role == Role.LEADER:
        _ensure_another_leader(membership)
    with transaction.atomic():
        owned = member_ownership(membership=membership)
        for organisation in owned.organisations.select_for_update():
            organisation.relationship_owner = None
            organisation.save(update_fields=["relationship_owner"])
        owned.open_next_steps.update(next_step_owner=None)
        membership.delete()


def _ensure_another_leader(membership: Membership) -> None:
    others = Membership.objects.filter(
        partnership=membership.partnership, role=Role.LEADER
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(_("A partnership needs at least one project leader."))
