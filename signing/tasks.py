"""Finishing a completed round in the background (docs/rules.md §13): the kind's completion,
then the final PDF (document + signature page + audit certificate), sealed and sent to every
party.

Idempotent and resumable: each part is recorded when done (`finished_at`, `final_pdf`), a
failure is recorded on the round (`seal_error`, an audit event) and `manage.py
retry_sealing` runs what is left. Signatures are rows in the database, so a failure loses
none.
"""

import logging

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks import task

from signing import mail
from signing.audit import record
from signing.kinds import kind_of
from signing.models import RoundStatus, SigningRound
from sterk.canonical import bytes_hash

logger = logging.getLogger(__name__)


def _failed(signing_round: SigningRound, error: Exception, *, event: str) -> str:
    logger.exception("Finishing signing round %s failed (%s)", signing_round.pk, event)
    with transaction.atomic():
        SigningRound.objects.filter(pk=signing_round.pk).update(
            seal_error=f"{type(error).__name__}: {error}"[:2000],
            seal_attempts=models.F("seal_attempts") + 1,
        )
        record(
            event,
            signing_round=signing_round,
            actor="Sterk",
            data={"error": type(error).__name__},
        )
    return "failed"


def _complete(signing_round: SigningRound) -> None:
    """Run the kind's completion once, in its own transaction, under the round's lock."""
    with transaction.atomic():
        locked = (
            SigningRound.objects.select_for_update(of=("self",))
            .select_related("document", "sent_by")
            .get(pk=signing_round.pk)
        )
        if locked.finished_at is not None:
            return
        kind_of(locked.document).on_complete(locked.document, locked)
        locked.finished_at = timezone.now()
        locked.save(update_fields=["finished_at"])
        signing_round.finished_at = locked.finished_at


@task()
def seal_round(round_id: int) -> str:
    """Finish a completed round: the kind's completion, then the sealed final PDF, e-mailed
    to every signer and the leaders."""
    from signing import completion, sealing
    from signing.certificate import certificate_for

    with scopes_disabled():
        signing_round = (
            SigningRound.objects.filter(pk=round_id)
            .select_related("document", "partnership", "sent_by")
            .first()
        )
        if signing_round is None:
            return "missing"
        if signing_round.status != RoundStatus.COMPLETED:
            return "not completed"
        if signing_round.final_pdf_sha256 and signing_round.finished_at:
            return "already sealed"
        try:
            _complete(signing_round)
        except Exception as error:
            return _failed(signing_round, error, event="completion_failed")
        if signing_round.final_pdf_sha256:
            SigningRound.objects.filter(pk=round_id).update(seal_error="")
            return "sealed"
        try:
            document = signing_round.document
            with document.pdf.open("rb") as handle:
                document_pdf = handle.read()
            if bytes_hash(document_pdf) != document.pdf_sha256:
                raise ValueError("the stored PDF of the document does not match its SHA-256")
            final = sealing.seal_pdf(
                completion.completion_pdf(document_pdf, certificate_for(signing_round))
            )
        except Exception as error:
            return _failed(signing_round, error, event="seal_failed")
        return _store(round_id, final)


def _store(round_id: int, final: bytes) -> str:
    with transaction.atomic():
        signing_round = (
            SigningRound.objects.select_for_update(of=("self",))
            .select_related("document", "partnership")
            .get(pk=round_id)
        )
        if signing_round.final_pdf_sha256:
            return "already sealed"
        digest = bytes_hash(final)
        signing_round.final_pdf.save(f"{signing_round.code}.pdf", ContentFile(final), save=False)
        signing_round.final_pdf_sha256 = digest
        signing_round.sealed_at = timezone.now()
        signing_round.seal_error = ""
        signing_round.seal_attempts += 1
        signing_round.save(
            update_fields=[
                "final_pdf",
                "final_pdf_sha256",
                "sealed_at",
                "seal_error",
                "seal_attempts",
            ]
        )
        record("sealed", signing_round=signing_round, actor="Sterk", data={"sha256": digest})
        recipients = list(signing_round.requests.values_list("email", flat=True))
        recipients += mail.leader_addresses(signing_round.partnership_id)
        mail.send(
            "final",
            {"round": signing_round, "title": signing_round.document.title},
            recipients,
            about=signing_round,
            attach_round=signing_round,
        )
    return "sealed"
