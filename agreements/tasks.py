"""Rendering a version's PDF in the background."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks import task

from agreements.models import AgreementVersion
from sterk.canonical import bytes_hash

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
