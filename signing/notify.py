"""Telling a signer: the context of their e-mails and the invitation with its link."""

from django.utils import timezone

from signing import mail
from signing.audit import record
from signing.models import SignatureRequest
from signing.tokens import token_for


def mail_context(signature_request: SignatureRequest, **extra) -> dict:
    signing_round = signature_request.round
    return {
        "request": signature_request,
        "round": signing_round,
        "document": signing_round.document,
        "title": signing_round.document.title,
        "deadline": signing_round.deadline,
        "link": mail.sign_url(token_for(signature_request)),
        "sender": signing_round.sent_by,
        **extra,
    }


def invite(
    signature_request: SignatureRequest,
    *,
    actor: str,
    kind: str = "sent",
    extra: dict | None = None,
) -> None:
    now = timezone.now()
    SignatureRequest.objects.filter(pk=signature_request.pk).update(invited_at=now)
    signature_request.invited_at = now
    record(
        kind,
        signature_request=signature_request,
        actor=actor,
        data={"email": signature_request.email, "turn": signature_request.step, **(extra or {})},
    )
    mail.send("invitation", mail_context(signature_request), [signature_request.email])
