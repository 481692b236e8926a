"""Telling a signer: the context of their e-mails, the invitation with its link, and a
preview of that invitation before anything is sent."""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from signing import mail
from signing.audit import record
from signing.models import Document, SignatureRequest, SigningRound
from signing.tokens import token_for

# Stands in for the personal token in a preview: no link exists before the round is sent.
PREVIEW_TOKEN = "…"


def _context(signature_request: SignatureRequest, *, link: str, **extra) -> dict:
    signing_round = signature_request.round
    return {
        "request": signature_request,
        "round": signing_round,
        "document": signing_round.document,
        "title": signing_round.document.title,
        "deadline": signing_round.deadline,
        "link": link,
        "sender": signing_round.sent_by,
        **extra,
    }


def mail_context(signature_request: SignatureRequest, **extra) -> dict:
    return _context(signature_request, link=mail.sign_url(token_for(signature_request)), **extra)


def preview_link() -> str:
    """What a personal link looks like, with "…" for the token: https://…/sign/…/."""
    return settings.SITE_URL + reverse("sign:page", kwargs={"token": "TOKEN"}).replace(
        "TOKEN", PREVIEW_TOKEN
    )


def invitation_preview(
    *, document: Document, signer, deadline: datetime, message: str, sender
) -> tuple[str, str]:
    """Subject and body of the invitation `signer` (a signing.sending.Signer) would receive if the round were sent now
    with this deadline and message: the real template (signing/email/invitation.txt) on
    unsaved records, with a placeholder for the personal link. Nothing is stored or sent."""
    signing_round = SigningRound(
        document=document, deadline=deadline, message=(message or "").strip(), sent_by=sender
    )
    signature_request = SignatureRequest(
        round=signing_round,
        name=signer.name,
        organisation_name=signer.organisation,
        email=signer.email,
        job_title=signer.job_title,
        is_penvoerder=signer.is_penvoerder,
    )
    context = _context(signature_request, link=preview_link())
    return mail.render("invitation", {"site_url": settings.SITE_URL, **context})


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
    mail.send(
        "invitation",
        mail_context(signature_request),
        [signature_request.email],
        about=signature_request,
    )
