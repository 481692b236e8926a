"""Rendering a version's PDF in the background (issue 6, item 7)."""

import logging

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks import task

from agreements.canonical import bytes_hash
from agreements.models import AgreementVersion

logger = logging.getLogger(__name__)


@task()
def render_version(version_id: int) -> str:
    """Render the version's PDF from its snapshot only and attach it, once: a version that
    already has a PDF is left alone. A failure is recorded in `render_error` for the page."""
    with scopes_disabled():
        version = AgreementVersion.objects.filter(pk=version_id).first()
        if version is None:
            return "missing"
        if version.pdf_sha256:
            return "already rendered"
        try:
            # Imported here: WeasyPrint needs Pango from the system, and a machine without it
            # should record a clear rendering error, not fail the request or the demo seed.
            from agreements.pdf import render_pdf

            data = render_pdf(
                version.snapshot, number=version.number, snapshot_sha256=version.snapshot_sha256
            )
        except Exception as error:
            logger.exception("Rendering agreement version %s failed", version.pk)
            AgreementVersion.objects.filter(pk=version.pk, pdf_sha256="").update(
                render_error=f"{type(error).__name__}: {error}"[:2000]
            )
            return "failed"
        with transaction.atomic():
            version = AgreementVersion.objects.select_for_update().get(pk=version_id)
            if version.pdf_sha256:
                return "already rendered"
            version.pdf.save(f"{version.code}.pdf", ContentFile(data), save=False)
            version.pdf_sha256 = bytes_hash(data)
            version.rendered_at = timezone.now()
            version.render_error = ""
            version.save(update_fields=["pdf", "pdf_sha256", "rendered_at", "render_error"])
    return "rendered"


@task()
def deliver(recipients: list[str], subject: str, body: str, attach_round: int | None = None) -> int:
    """Send one message to each recipient (nobody sees the others' addresses); with
    `attach_round`, the round's sealed PDF is attached."""
    from django.core.mail import EmailMessage

    from agreements.models import SigningRound

    attachment = None
    if attach_round is not None:
        with scopes_disabled():
            round = (
                SigningRound.objects.filter(pk=attach_round).select_related("partnership").first()
            )
            if round is not None and round.final_pdf:
                with round.final_pdf.open("rb") as handle:
                    attachment = (final_filename(round), handle.read(), "application/pdf")
    for recipient in recipients:
        message = EmailMessage(subject, body, None, [recipient])
        if attachment:
            message.attach(*attachment)
        message.send()
    return len(recipients)


def final_filename(round) -> str:
    return (
        f"samenwerkingsovereenkomst-{round.partnership.slug}-v{round.version.number}"
        "-ondertekend.pdf"
    )


@task()
def seal_round(round_id: int) -> str:
    """Build the final PDF of a completed round (version PDF + signature page + audit
    certificate), seal it and send it to every party. Idempotent: a sealed round is left
    alone; a failure is recorded (event and `seal_error`) and `manage.py retry_sealing` tries
    again. Signatures are rows in the database, so a failed seal loses none."""
    from agreements import mail
    from agreements.audit import record
    from agreements.certificate import certificate_for
    from agreements.models import RoundStatus, SigningRound

    with scopes_disabled():
        round = (
            SigningRound.objects.filter(pk=round_id)
            .select_related("version", "agreement", "partnership")
            .first()
        )
        if round is None:
            return "missing"
        if round.status != RoundStatus.COMPLETED:
            return "not completed"
        if round.final_pdf_sha256:
            return "already sealed"
        try:
            from agreements import sealing

            with round.version.pdf.open("rb") as handle:
                version_pdf = handle.read()
            if bytes_hash(version_pdf) != round.version.pdf_sha256:
                raise ValueError("the stored PDF of the version does not match its SHA-256")
            final = sealing.seal_pdf(sealing.completion_pdf(version_pdf, certificate_for(round)))
        except Exception as error:
            logger.exception("Sealing signing round %s failed", round.pk)
            with transaction.atomic():
                SigningRound.objects.filter(pk=round.pk).update(
                    seal_error=f"{type(error).__name__}: {error}"[:2000],
                    seal_attempts=models.F("seal_attempts") + 1,
                )
                record(
                    "seal_failed",
                    agreement=round.agreement,
                    round=round,
                    actor="Sterk",
                    data={"error": type(error).__name__},
                )
            return "failed"
        with transaction.atomic():
            round = (
                SigningRound.objects.select_for_update()
                .select_related("version", "agreement", "partnership")
                .get(pk=round_id)
            )
            if round.final_pdf_sha256:
                return "already sealed"
            digest = bytes_hash(final)
            round.final_pdf.save(f"{round.code}.pdf", ContentFile(final), save=False)
            round.final_pdf_sha256 = digest
            round.sealed_at = timezone.now()
            round.seal_error = ""
            round.seal_attempts += 1
            round.save(
                update_fields=[
                    "final_pdf",
                    "final_pdf_sha256",
                    "sealed_at",
                    "seal_error",
                    "seal_attempts",
                ]
            )
            record(
                "sealed",
                agreement=round.agreement,
                round=round,
                actor="Sterk",
                data={"sha256": digest},
            )
            recipients = list(round.requests.values_list("email", flat=True))
            recipients += mail.leader_addresses(round.partnership_id)
            mail.send(
                "final",
                {
                    "round": round,
                    "version_number": round.version.number,
                    "partnership": round.version.snapshot.get("partnership", {}),
                },
                recipients,
                attach_round=round.pk,
            )
    return "sealed"
