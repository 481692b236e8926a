"""The delivery of signing mail in the audit trail (docs/rules.md §14, §19): every message
about a signature request or a round is recorded as queued, then delivered, or failed with
the attempt and the mail server's error."""

from django.db import transaction
from django.urls import reverse
from django_scopes import scopes_disabled

from outbox import listeners
from signing.audit import record
from signing.models import SignatureRequest, SigningRound
from signing.state import locked

EVENTS = {"queued": "mail_queued", "sent": "mail_delivered", "failed": "mail_failed"}


def _subject(message):
    """(round, request) the message is about."""
    with scopes_disabled():
        if message.content_type.model == "signaturerequest":
            signature_request = SignatureRequest.objects.select_related("round").get(
                pk=message.object_id
            )
            return signature_request.round, signature_request
        return SigningRound.objects.get(pk=message.object_id), None


def _locked_subject(message):
    """The same, locked in the order every writer of signing uses (the round, then the
    request, then the chain's head in `record`): a delivery recorded while a signature is
    being written waits for it instead of deadlocking with it."""
    signing_round, signature_request = _subject(message)
    if signature_request is not None:
        return locked(signature_request)
    with scopes_disabled():
        signing_round = SigningRound.objects.select_for_update(of=("self",)).get(
            pk=signing_round.pk
        )
    return signing_round, None


def on_event(message, event: str) -> None:
    with scopes_disabled():  # the task worker has no partnership in scope
        _record(message, event)


def _record(message, event: str) -> None:
    with transaction.atomic():
        _record_locked(message, event)


def _record_locked(message, event: str) -> None:
    signing_round, signature_request = _locked_subject(message)
    data = {"email": message.to, "mail": message.kind}
    if event == "failed":
        data.update(
            attempt=message.attempts,
            error=message.last_error[:300],
            gave_up=message.status == "failed",
        )
    record(
        EVENTS[event],
        signing_round=signing_round,
        signature_request=signature_request,
        actor="Sterk",
        data=data,
    )


def link(message) -> str:
    signing_round, _request = _subject(message)
    with scopes_disabled():
        slug = signing_round.partnership.slug
    return reverse("signing:round-detail", kwargs={"slug": slug, "code": signing_round.code})


def register() -> None:
    for model in (SignatureRequest, SigningRound):
        listeners.listen(model, on_event=on_event, link=link)
