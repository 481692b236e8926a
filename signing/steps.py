"""The signer's steps from their link (docs/rules.md §13): open, ask for a code, confirm it,
sign; or decline, or name the right person.

Every step is a service that locks the round, then the request (signing.state.locked), and
records an audit event in the same transaction. The last signature completes the round and
enqueues its completion (the kind's handler and the seal) after commit.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox import services as outbox
from signing import mail
from signing.audit import record
from signing.kinds import find_kind
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound, SignMethod
from signing.notify import invite, mail_context
from signing.signer_checks import (
    check_name,
    clean_signature_image,
    clean_typed_name,
    statement_for,
)
from signing.state import Client, locked, refuse_unless_open, signer_actor
from signing.tasks import seal_round
from signing.tokens import code_hash

CODE_TTL = timedelta(minutes=10)
CODE_MAX_TRIES = 5
CODES_PER_HOUR = 5
VERIFIED_TTL = timedelta(minutes=30)


def request_open(signature_request: SignatureRequest, *, client: Client) -> None:
    """The first opening of a link is an event; later ones are not."""
    if signature_request.opened_at is not None:
        return
    with transaction.atomic():
        updated = SignatureRequest.objects.filter(pk=signature_request.pk, opened_at=None).update(
            opened_at=timezone.now()
        )
        if updated:
            record(
                "opened",
                signature_request=signature_request,
                actor=signer_actor(signature_request),
                data=client.data(),
            )


def code_send(
    signature_request: SignatureRequest, *, client: Client, in_person_with: str = ""
) -> None:
    """A new six-digit code to the signatory's e-mail address, valid for ten minutes.

    At most CODES_PER_HOUR codes an hour; a new code replaces the previous one and resets
    the number of tries. The code is sent at once, not queued: when the mail server refuses
    it, the signatory is told (ValidationError, code "mail"), the code does not count
    against the limit, and the outbox retries it while it is valid."""
    with transaction.atomic():
        signing_round, signature_request = locked(signature_request)
        refuse_unless_open(signature_request)
        now = timezone.now()
        recent = (
            signature_request.code_sent_at
            and now - signature_request.code_sent_at < timedelta(hours=1)
        )
        if recent and signature_request.codes_sent >= CODES_PER_HOUR:
            raise ValidationError(
                _("Too many codes were asked for. Try again in an hour."), code="rate"
            )
        code = f"{secrets.randbelow(1_000_000):06d}"
        signature_request.code_hash = code_hash(signature_request, code)
        signature_request.codes_sent = (signature_request.codes_sent if recent else 0) + 1
        signature_request.code_sent_at = now
        signature_request.code_expires_at = now + CODE_TTL
        signature_request.code_attempts = 0
        signature_request.save(
            update_fields=[
                "code_hash",
                "codes_sent",
                "code_sent_at",
                "code_expires_at",
                "code_attempts",
            ]
        )
        record(
            "code_sent",
            signature_request=signature_request,
            actor=signer_actor(signature_request),
            data={
                **client.data(),
                "email": signature_request.email,
                "in_person_with": in_person_with,
            },
        )
        # An older code that is still waiting in the outbox is no longer valid.
        outbox.cancel(about=signature_request, kind="code")
        messages = mail.send(
            "code",
            mail_context(signature_request, code=code, minutes=10),
            [signature_request.email],
            about=signature_request,
            discard_after=signature_request.code_expires_at,
            after_commit=False,
        )
    if messages and outbox.deliver(messages[0].pk) is False:
        SignatureRequest.objects.filter(pk=signature_request.pk, codes_sent__gt=0).update(
            codes_sent=F("codes_sent") - 1
        )
        raise ValidationError(_("The code could not be sent. Try again in a minute."), code="mail")


def code_verify(
    signature_request: SignatureRequest, code: str, *, client: Client, in_person_with: str = ""
) -> None:
    """Confirm the code; raises ValidationError (code "wrong", "expired", "locked", "none")."""
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        signing_round, signature_request = locked(signature_request)
        refuse_unless_open(signature_request)
        now = timezone.now()
        if not signature_request.code_hash:
            raise ValidationError(_("Ask for a code first."), code="none")
        if signature_request.code_attempts >= CODE_MAX_TRIES:
            raise ValidationError(
                _("The code is locked after %(tries)s wrong tries. Ask for a new code.")
                % {"tries": CODE_MAX_TRIES},
                code="locked",
            )
        if signature_request.code_expires_at is None or now >= signature_request.code_expires_at:
            raise ValidationError(
                _("The code has expired. Ask for a new code."), code="code_expired"
            )
        if not (code.isdigit() and len(code) == 6) or not hmac.compare_digest(
            code_hash(signature_request, code), signature_request.code_hash
        ):
            signature_request.code_attempts += 1
            signature_request.save(update_fields=["code_attempts"])
            left = CODE_MAX_TRIES - signature_request.code_attempts
            kind = "code_locked" if left <= 0 else "code_failed"
            record(
                kind,
                signature_request=signature_request,
                actor=signer_actor(signature_request),
                data=client.data(),
            )
            if left <= 0:
                error = ValidationError(
                    _("The code is locked after %(tries)s wrong tries. Ask for a new code.")
                    % {"tries": CODE_MAX_TRIES},
                    code="locked",
                )
            else:
                error = ValidationError(
                    _("That code is not right. %(left)s tries left.") % {"left": left},
                    code="wrong",
                )
            # Raised after the transaction, so the failed try stays counted.
            _raise_after_commit = error
        else:
            _raise_after_commit = None
            signature_request.code_verified_at = now
            signature_request.code_hash = ""
            signature_request.save(update_fields=["code_verified_at", "code_hash"])
            record(
                "code_verified",
                signature_request=signature_request,
                actor=signer_actor(signature_request),
                data={**client.data(), "in_person_with": in_person_with},
            )
    if _raise_after_commit is not None:
        raise _raise_after_commit


def request_sign(
    signature_request: SignatureRequest,
    *,
    typed_name: str,
    statement_confirmed: bool,
    shown_pdf_sha256: str,
    client: Client,
    signature_image: str = "",
    in_person_with: str = "",
) -> SignatureRequest:
    """Sign: needs the code confirmed within VERIFIED_TTL, the statement confirmed and the
    typed name; the PDF shown must be the document's. Completes the round when it was the last
    signature; in order, the next turn is invited."""
    typed_name = clean_typed_name(typed_name)
    signature_image = clean_signature_image(signature_image)
    if not statement_confirmed:
        raise ValidationError(_("Confirm the statement to sign."), code="statement")
    with transaction.atomic():
        signing_round, signature_request = locked(signature_request)
        refuse_unless_open(signature_request)
        check_name(typed_name, signature_request)
        now = timezone.now()
        require_verified(signature_request)  # also in person: the code is the signer's
        if shown_pdf_sha256 != signing_round.document.pdf_sha256:
            raise ValidationError(
                _("The document you were shown is not the one to sign. Reload the page."),
                code="document",
            )
        signature_request.status = RequestStatus.SIGNED
        signature_request.method = SignMethod.IN_PERSON if in_person_with else SignMethod.ONLINE
        signature_request.signed_at = now
        signature_request.typed_name = typed_name
        signature_request.statement = statement_for(signature_request)
        signature_request.signature_image = signature_image
        signature_request.ip_address = client.ip_address
        signature_request.user_agent = client.user_agent
        signature_request.shown_pdf_sha256 = shown_pdf_sha256
        signature_request.in_person_with = in_person_with[:300]
        signature_request.save()
        record(
            "signed_in_person" if in_person_with else "signed",
            signature_request=signature_request,
            actor=signer_actor(signature_request),
            data={
                **client.data(),
                "typed_name": typed_name,
                "statement": signature_request.statement,
                "pdf_sha256": shown_pdf_sha256,
                "code_verified_at": signature_request.code_verified_at.isoformat(),
                "authority": signature_request.authority_label,
                "evidence": signature_request.evidence,
                "drawn_signature_sha256": hashlib.sha256(signature_image.encode()).hexdigest()
                if signature_image
                else "",
                "in_person_with": in_person_with,
            },
        )
        if not in_person_with:
            mail.send(
                "signed_receipt",
                mail_context(signature_request),
                [signature_request.email],
                about=signature_request,
            )
        after_signature(signing_round)
    return signature_request


def after_signature(signing_round: SigningRound) -> None:
    """Invite the next turn, or complete the round when nobody is left (round locked)."""
    requests = list(SignatureRequest.objects.filter(round=signing_round).order_by("step", "pk"))
    unsigned = [r for r in requests if r.status != RequestStatus.SIGNED]
    if not unsigned:
        signing_round.status = RoundStatus.COMPLETED
        signing_round.completed_at = timezone.now()
        signing_round.save(update_fields=["status", "completed_at"])
        record("completed", signing_round=signing_round, data={"signatures": len(requests)})
        transaction.on_commit(partial(seal_round.enqueue, signing_round.pk))
        return
    if signing_round.ordered:
        turn = min(r.step for r in unsigned)
        for signature_request in unsigned:
            if (
                signature_request.step == turn
                and signature_request.status == RequestStatus.PENDING
                and signature_request.invited_at is None
            ):
                signature_request.round = signing_round
                invite(signature_request, actor="Sterk")


def require_verified(signature_request: SignatureRequest, *, in_person_with: str = "") -> None:
    """From a link, every decision needs the e-mail code confirmed within VERIFIED_TTL, so a
    forwarded link can neither sign nor end a request. Signing together on a leader's device
    is its own identification (the leader is there; the code is still asked to sign)."""
    if in_person_with:
        return
    verified_at = signature_request.code_verified_at
    if verified_at is None or timezone.now() - verified_at > VERIFIED_TTL:
        raise ValidationError(
            _("Confirm your e-mail address with a code first."), code="unverified"
        )


def _decline_details(signature_request: SignatureRequest, details: dict | None) -> dict:
    """The kind's own decline fields, trimmed and bounded; a required one must be filled."""
    kind = find_kind(signature_request.round.document)
    fields = kind.decline_fields if kind else ()
    cleaned, errors = {}, {}
    for field in fields:
        value = str((details or {}).get(field.name) or "").strip()
        if field.required and not value:
            errors[field.name] = _("Fill this in, so the project leader can act on it.")
        elif len(value) > field.max_length:
            errors[field.name] = _("This can be at most %(max)s characters.") % {
                "max": field.max_length
            }
        elif value:
            cleaned[field.name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def request_decline(
    signature_request: SignatureRequest,
    *,
    reason: str,
    client: Client,
    details: dict | None = None,
    in_person_with: str = "",
) -> None:
    """Decline with a reason (and what the kind's decline form asks); the leaders are told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why you decline, so the project leader can act on it."))
    if len(reason) > 2000:
        raise ValidationError(_("The reason can be at most 2000 characters."))
    with transaction.atomic():
        signing_round, signature_request = locked(signature_request)
        refuse_unless_open(signature_request)
        require_verified(signature_request, in_person_with=in_person_with)
        details = _decline_details(signature_request, details)
        signature_request.status = RequestStatus.DECLINED
        signature_request.reason = reason
        signature_request.decline_details = details
        signature_request.save(update_fields=["status", "reason", "decline_details"])
        kind = find_kind(signing_round.document)
        if kind is not None:
            kind.on_decline(signing_round.document, signature_request)
        record(
            "declined",
            signature_request=signature_request,
            actor=signer_actor(signature_request),
            data={**client.data(), "reason": reason, **details, "in_person_with": in_person_with},
        )
        mail.send(
            "declined",
            mail_context(signature_request),
            mail.leader_addresses(signing_round.partnership_id),
            about=signing_round,
        )


def request_redirect(
    signature_request: SignatureRequest,
    *,
    name: str,
    email: str,
    note: str,
    client: Client,
    in_person_with: str = "",
) -> None:
    """ "I am not the right person": who is, so the project leader can fix the signatory."""
    name = " ".join((name or "").split())
    note = (note or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Name the person who can sign.")
    elif len(name) > 300:
        errors["name"] = _("A name can be at most 300 characters.")
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
        if len(email) > 254:
            errors["email"] = _("Enter a valid e-mail address.")
    if len(note) > 2000:
        errors["note"] = _("The note can be at most 2000 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        signing_round, signature_request = locked(signature_request)
        refuse_unless_open(signature_request)
        require_verified(signature_request, in_person_with=in_person_with)
        signature_request.status = RequestStatus.REDIRECTED
        signature_request.suggested_name = name
        signature_request.suggested_email = email
        signature_request.reason = note
        signature_request.save(
            update_fields=["status", "suggested_name", "suggested_email", "reason"]
        )
        record(
            "redirected",
            signature_request=signature_request,
            actor=signer_actor(signature_request),
            data={
                **client.data(),
                "name": name,
                "email": email,
                "note": note,
                "in_person_with": in_person_with,
            },
        )
        mail.send(
            "redirected",
            mail_context(signature_request),
            mail.leader_addresses(signing_round.partnership_id),
            about=signing_round,
        )
