"""The leader's follow-up of a round (docs/rules.md §13): remind, extend, revoke, send a new
link, void, record a wet-ink signature.

Every write locks the round first (signing.state.locked) and records an audit event in the
same transaction; a refusal is a ValidationError and changes nothing.
"""

import hashlib
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox import services as outbox
from signing import mail
from signing.audit import record
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound, SignMethod
from signing.notify import invite, mail_context
from signing.signer_checks import check_name, statement_for
from signing.state import (
    earlier_unsigned,
    locked,
    person,
    refusal,
    refusal_message,
    require_open,
)
from signing.steps import after_signature
from signing.tokens import new_salt

MAX_DEADLINE = timedelta(days=366)
REMIND_COOLDOWN = timedelta(hours=1)


def request_remind(
    signature_request: SignatureRequest, *, user=None, kind: str = "reminded"
) -> None:
    """Send the link again (by a leader, or by the reminder command). A leader's reminder
    within REMIND_COOLDOWN of the previous one is refused, so a double click sends one."""
    with transaction.atomic():
        signing_round, signature_request = locked(signature_request)
        require_open(signing_round)
        reason = refusal(signature_request)
        if reason:
            raise ValidationError(refusal_message(reason))
        now = timezone.now()
        last = signature_request.last_reminded_at
        if user is not None and last and now - last < REMIND_COOLDOWN:
            raise ValidationError(
                _("%(name)s was reminded less than an hour ago; remind them later.")
                % {"name": signature_request.name},
                code="too_soon",
            )
        signature_request.last_reminded_at = now
        signature_request.reminders_sent += 1
        fields = ["last_reminded_at", "reminders_sent"]
        if kind == "deadline_warned":
            signature_request.deadline_warned_at = now
            fields.append("deadline_warned_at")
        signature_request.save(update_fields=fields)
        record(
            kind,
            signature_request=signature_request,
            actor=person(user) if user else "Sterk",
            data={"email": signature_request.email},
        )
        mail.send(
            "deadline" if kind == "deadline_warned" else "reminder",
            mail_context(signature_request),
            [signature_request.email],
            about=signature_request,
        )


def round_extend(signing_round: SigningRound, *, deadline: datetime, user) -> None:
    """A later deadline; links that expired work again and their signatories are told."""
    with transaction.atomic():
        signing_round = (
            SigningRound.objects.select_for_update()
            .select_related("document")
            .get(pk=signing_round.pk)
        )
        require_open(signing_round)
        now = timezone.now()
        if deadline <= max(now, signing_round.deadline):
            raise ValidationError(
                _("The new deadline must be later than the current one and in the future.")
            )
        if deadline > now + MAX_DEADLINE:
            raise ValidationError(_("The deadline can be at most a year from now."))
        old = signing_round.deadline
        signing_round.deadline = deadline
        signing_round.save(update_fields=["deadline"])
        reopened = list(
            SignatureRequest.objects.filter(round=signing_round, status=RequestStatus.EXPIRED)
        )
        SignatureRequest.objects.filter(pk__in=[r.pk for r in reopened]).update(
            status=RequestStatus.PENDING, deadline_warned_at=None
        )
        record(
            "extended",
            signing_round=signing_round,
            actor=person(user),
            data={"from": old.isoformat(), "to": deadline.isoformat(), "reopened": len(reopened)},
        )
        for signature_request in SignatureRequest.objects.filter(
            round=signing_round, status=RequestStatus.PENDING
        ).exclude(invited_at=None):
            signature_request.round = signing_round
            mail.send(
                "extended",
                mail_context(signature_request),
                [signature_request.email],
                about=signature_request,
            )


def request_revoke(signature_request: SignatureRequest, *, reason: str, user) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."))
    if len(reason) > 2000:
        raise ValidationError(_("The reason can be at most 2000 characters."))
    with transaction.atomic():
        signing_round, signature_request = locked(signature_request)
        require_open(signing_round)
        if signature_request.status == RequestStatus.SIGNED:
            raise ValidationError(_("A signature cannot be revoked; void the round instead."))
        if signature_request.status == RequestStatus.REVOKED:
            raise ValidationError(_("This request is already revoked."))
        signature_request.status = RequestStatus.REVOKED
        signature_request.reason = reason
        signature_request.save(update_fields=["status", "reason"])
        outbox.cancel(about=signature_request)
        record(
            "revoked",
            signature_request=signature_request,
            actor=person(user),
            data={"reason": reason},
        )


def request_reissue(signature_request: SignatureRequest, *, user, email: str | None = None) -> None:
    """A new link for a request that was revoked, declined, redirected or expired (the old
    link stops working); the signatory is e-mailed again, at a corrected address when one is
    given (the change is in the audit trail)."""
    email = (email or "").strip()
    if email:
        if len(email) > 254:
            raise ValidationError({"email": _("Enter a valid e-mail address.")})
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from error
    with transaction.atomic():
        signing_round, signature_request = locked(signature_request)
        require_open(signing_round)
        if signature_request.status == RequestStatus.SIGNED:
            raise ValidationError(_("This signatory has already signed."))
        if timezone.now() >= signing_round.deadline:
            raise ValidationError(_("The deadline has passed; extend it first."))
        previous = signature_request.email
        # The old link dies: mail that still carries it is not sent any more.
        outbox.cancel(about=signature_request)
        if email:
            signature_request.email = email
        new_salt(signature_request)
        signature_request.status = RequestStatus.PENDING
        signature_request.opened_at = None
        signature_request.code_hash = ""
        signature_request.code_verified_at = None
        signature_request.code_attempts = 0
        signature_request.save()
        changed = {"previous_email": previous} if email and email != previous else {}
        if signing_round.ordered and earlier_unsigned(signature_request).exists():
            record(
                "reissued",
                signature_request=signature_request,
                actor=person(user),
                data={"email": signature_request.email, **changed},
            )
            SignatureRequest.objects.filter(pk=signature_request.pk).update(invited_at=None)
        else:
            invite(signature_request, actor=person(user), kind="reissued", extra=changed)


def round_void(signing_round: SigningRound, *, reason: str, user) -> None:
    """Void the round: no link works any more, a sealed PDF is reported void by the verify
    page, and everyone who signed is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."))
    if len(reason) > 2000:
        raise ValidationError(_("The reason can be at most 2000 characters."))
    with transaction.atomic():
        signing_round = (
            SigningRound.objects.select_for_update()
            .select_related("document")
            .get(pk=signing_round.pk)
        )
        if signing_round.status == RoundStatus.VOIDED:
            raise ValidationError(_("This signing round is already void."))
        signing_round.status = RoundStatus.VOIDED
        signing_round.voided_at = timezone.now()
        signing_round.voided_by = user
        signing_round.void_reason = reason
        signing_round.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
        record(
            "voided",
            signing_round=signing_round,
            actor=person(user),
            data={"reason": reason},
        )
        signed = SignatureRequest.objects.filter(round=signing_round, status=RequestStatus.SIGNED)
        for signature_request in signed:
            signature_request.round = signing_round
            mail.send(
                "voided",
                mail_context(signature_request, reason=reason),
                [signature_request.email],
                about=signature_request,
            )


def request_paper(
    signature_request: SignatureRequest, *, scan, signed_by: str, signed_on: datetime, user
) -> None:
    """Record a wet-ink signature: the uploaded scan (its SHA-256 in the trail), who signed
    and when."""
    check_name(signed_by, signature_request, field="signed_by")
    with transaction.atomic():
        signing_round, signature_request = locked(signature_request)
        require_open(signing_round)
        reason = refusal(signature_request)
        if signature_request.status == RequestStatus.SIGNED:
            raise ValidationError(_("This signatory has already signed."))
        if reason in {"voided", "superseded"}:
            raise ValidationError(refusal_message(reason))
        data = scan.read()
        digest = hashlib.sha256(data).hexdigest()
        extension = (scan.name.rsplit(".", 1)[-1] if "." in scan.name else "pdf").lower()
        signature_request.scan.save(
            f"{signature_request.code}.{extension}", ContentFile(data), save=False
        )
        signature_request.scan_sha256 = digest
        signature_request.status = RequestStatus.SIGNED
        signature_request.method = SignMethod.PAPER
        signature_request.signed_at = signed_on
        signature_request.typed_name = " ".join(signed_by.split())[:200]
        signature_request.statement = statement_for(signature_request)
        signature_request.in_person_with = person(user)
        signature_request.save()
        record(
            "signed_on_paper",
            signature_request=signature_request,
            actor=person(user),
            data={
                "scan_sha256": digest,
                "signed_by": signature_request.typed_name,
                "signed_on": signed_on.isoformat(),
            },
        )
        after_signature(signing_round)
