"""Rendering a company statement in the background and sending it when rendered
(docs/rules.md §23), like the annual statement (cofinancing/reports/tasks.py)."""

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks import task

from cofinancing.models import CompanyStatement, StatementStatus
from sterk.canonical import bytes_hash

logger = logging.getLogger(__name__)


@task()
def render_company_statement(statement_id: int) -> str:
    """Render the statement's PDF from its frozen lines and keep it, once; then send its
    round when it was asked to be sent. A failure is recorded for the board."""
    with scopes_disabled():
        statement = (
            CompanyStatement.objects.select_related("partnership", "organisation")
            .filter(pk=statement_id)
            .first()
        )
        if statement is None:
            return "missing"
        if not statement.pdf_sha256:
            try:
                from cofinancing.statements.pdf import render_pdf

                pdf = render_pdf(statement)
            except Exception as error:
                logger.exception("Rendering company statement %s failed", statement.pk)
                CompanyStatement.objects.filter(pk=statement.pk, pdf_sha256="").update(
                    render_error=f"{type(error).__name__}: {error}"[:2000]
                )
                return "failed"
            with transaction.atomic():
                locked = CompanyStatement.objects.select_for_update().get(pk=statement_id)
                if not locked.pdf_sha256:
                    locked.pdf.save(f"{locked.code}.pdf", ContentFile(pdf), save=False)
                    locked.pdf_sha256 = bytes_hash(pdf)
                    locked.rendered_at = timezone.now()
                    locked.render_error = ""
                    locked.save(update_fields=["pdf", "pdf_sha256", "rendered_at", "render_error"])
        return send_rendered(statement_id)


def send_rendered(statement_id: int) -> str:
    """Send the round of a rendered statement that was asked to be sent and is not yet:
    its signers chosen again now (authority may have changed meanwhile); why it could not
    be sent is kept for the board."""
    from cofinancing.statements.kind import document_for
    from cofinancing.statements.signers import choose_signers, signatories_by_organisation
    from signing import services as signing

    with transaction.atomic():
        statement = (
            CompanyStatement.objects.select_for_update(of=("self",))
            .select_related("partnership", "organisation", "created_by")
            .get(pk=statement_id)
        )
        if (
            statement.status != StatementStatus.MADE
            or statement.send_deadline is None
            or not statement.pdf_sha256
        ):
            return "rendered"
        organisation = statement.organisation
        signatories = signatories_by_organisation(
            partnership=statement.partnership, organisations=[organisation]
        ).get(organisation.pk, [])
        choice = choose_signers(organisation, signatories, statement.total)
        error = choice.reason
        if choice.valid:
            try:
                with transaction.atomic():
                    document = document_for(statement, choice.signers)
                    signing.round_send(
                        document=document,
                        user=statement.created_by,
                        deadline=statement.send_deadline,
                    )
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                CompanyStatement.objects.filter(pk=statement.pk).update(
                    document=document, status=StatementStatus.SENT, send_error=""
                )
                return "sent"
        CompanyStatement.objects.filter(pk=statement.pk).update(send_error=error[:2000])
        return "not sent"
