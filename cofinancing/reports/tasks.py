"""Rendering an annual statement in the background (docs/rules.md §22)."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks import task

from cofinancing.models import AnnualStatement
from sterk.canonical import bytes_hash

logger = logging.getLogger(__name__)


@task()
def render_statement(statement_id: int) -> str:
    """Render the statement's PDF and ledger from the data as it is now and attach both,
    once: a statement that has its files is left alone, and never changes afterwards (asking
    again makes a new statement). A failure is recorded in `render_error` for the page."""
    with scopes_disabled():
        statement = (
            AnnualStatement.objects.select_related("partnership").filter(pk=statement_id).first()
        )
        if statement is None:
            return "missing"
        if statement.pdf_sha256:
            return "already rendered"
        try:
            # Imported here: WeasyPrint needs Pango from the system, and a machine without it
            # should record a clear rendering error, not fail the request.
            from cofinancing.reports.statement import render_statement_files

            pdf, ledger = render_statement_files(statement)
        except Exception as error:
            logger.exception("Rendering annual statement %s failed", statement.pk)
            AnnualStatement.objects.filter(pk=statement.pk, pdf_sha256="").update(
                render_error=f"{type(error).__name__}: {error}"[:2000]
            )
            return "failed"
        with transaction.atomic():
            statement = AnnualStatement.objects.select_for_update().get(pk=statement_id)
            if statement.pdf_sha256:
                return "already rendered"
            statement.pdf.save(f"{statement.code}.pdf", ContentFile(pdf), save=False)
            statement.ledger.save(f"{statement.code}.xlsx", ContentFile(ledger), save=False)
            statement.pdf_sha256 = bytes_hash(pdf)
            statement.ledger_sha256 = bytes_hash(ledger)
            statement.rendered_at = timezone.now()
            statement.render_error = ""
            statement.save(
                update_fields=[
                    "pdf", "ledger", "pdf_sha256", "ledger_sha256", "rendered_at", "render_error",
                ]
            )  # fmt: skip
    return "rendered"
