"""Rendering a deed of accession in the background and sending its round when rendered
(docs/rules.md §25), as company statements are (cofinancing/statements/tasks.py)."""

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks import task

from agreements.models import Accession, AccessionStatus
from sterk.canonical import bytes_hash

logger = logging.getLogger(__name__)


@task()
def render_accession(accession_id: int) -> str:
    """Render the deed's PDF from its snapshot and keep it, once; then send its round. A
    failure is recorded for the deed's page."""
    with scopes_disabled():
        accession = Accession.objects.filter(pk=accession_id).first()
        if accession is None:
            return "missing"
        if not accession.pdf_sha256:
            try:
                from agreements.accession.deed import render_pdf

                pdf = render_pdf(accession.snapshot, snapshot_sha256=accession.snapshot_sha256)
            except Exception as error:
                logger.exception("Rendering deed of accession %s failed", accession.pk)
                Accession.objects.filter(pk=accession.pk, pdf_sha256="").update(
                    render_error=f"{type(error).__name__}: {error}"[:2000]
                )
                return "failed"
            with transaction.atomic():
                locked = Accession.objects.select_for_update().get(pk=accession_id)
                if not locked.pdf_sha256:
                    locked.pdf.save(f"{locked.code}.pdf", ContentFile(pdf), save=False)
                    locked.pdf_sha256 = bytes_hash(pdf)
                    locked.rendered_at = timezone.now()
                    locked.render_error = ""
                    locked.save(update_fields=["pdf", "pdf_sha256", "rendered_at", "render_error"])
        return send_rendered(accession_id)


def send_rendered(accession_id: int) -> str:
    """Send the round of a rendered deed not yet sent: the joining party's signers first,
    the penvoerder's last. Why it could not be sent is kept for the deed's page."""
    from agreements.accession.kind import document_for
    from signing import services as signing

    with transaction.atomic():
        accession = (
            Accession.objects.select_for_update(of=("self",))
            .select_related("partnership", "created_by")
            .get(pk=accession_id)
        )
        if accession.status != AccessionStatus.MADE or not accession.pdf_sha256:
            return "rendered"
        try:
            with transaction.atomic():
                document = document_for(accession)
                signing.round_send(
                    document=document,
                    user=accession.created_by,
                    deadline=accession.send_deadline,
                    order=signing.ORDER_PENVOERDER_LAST,
                    message=accession.send_message,
                )
        except ValidationError as refused:
            Accession.objects.filter(pk=accession.pk).update(
                send_error=" ".join(refused.messages)[:2000]
            )
            return "not sent"
        Accession.objects.filter(pk=accession.pk).update(
            document=document, status=AccessionStatus.SENT, send_error=""
        )
        return "sent"
