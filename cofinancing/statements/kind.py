"""The company statement as a kind of document for signing/ (docs/rules.md §13, §23): its
document is the statement's PDF, its signers the organisation's authorised signatories, its
audit chain one per organisation and year (so a corrected statement's round replaces an
earlier one's). When everyone signed, the contributions it lists are certified; a decline
records the lines it disputes."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from cofinancing.models import CompanyStatement, StatementStatus
from cofinancing.statements import completion
from cofinancing.statements.pdf import title_of
from signing import services as signing
from signing.kinds import DeclineField, DocumentKind, register_kind
from signing.models import Document, SigningRound
from sterk.money import format_euro

KIND = "cofinancing_statement"


def chain_key(statement: CompanyStatement) -> str:
    return f"{KIND}:{statement.organisation_id}:{statement.year or 'period'}"


def statement_of(document: Document) -> CompanyStatement | None:
    return (
        CompanyStatement.objects.select_related("organisation", "partnership")
        .filter(code=document.subject)
        .first()
    )


def document_for(statement: CompanyStatement, signers: list) -> Document:
    """The statement's document to sign, made once (needs the rendered PDF)."""
    with translation.override(settings.LANGUAGE_CODE):
        return signing.document_create(
            partnership=statement.partnership,
            kind=KIND,
            subject=str(statement.code),
            chain=chain_key(statement),
            title=title_of(statement),
            pdf_name=statement.pdf.name,
            pdf_sha256=statement.pdf_sha256,
            signers=signers,
            details={
                "reference": statement.snapshot_sha256,
                "organisation": statement.organisation.name,
                "year": statement.year,
                "number": statement.number,
                "total": format_euro(statement.total),
                "partnership": statement.partnership.name,
            },
        )


def _is_superseded(document: Document) -> bool:
    statement = statement_of(document)
    return statement is None or statement.status == StatementStatus.VOIDED


def _on_complete(document: Document, signing_round: SigningRound) -> None:
    statement = statement_of(document)
    if statement is not None:
        completion.certify(statement, user=signing_round.sent_by)


def _on_decline(document: Document, signature_request) -> None:
    statement = statement_of(document)
    if statement is not None and statement.status != StatementStatus.VOIDED:
        completion.record_decline(
            statement,
            reason=signature_request.reason,
            disputed=(signature_request.decline_details or {}).get("disputed", ""),
        )


def _signature_page(document: Document) -> list[tuple]:
    details = document.details
    return [
        (gettext_lazy("Organisation"), details.get("organisation") or ""),
        (gettext_lazy("Year"), str(details.get("year") or gettext_lazy("the whole period"))),
        (gettext_lazy("Statement number"), str(details.get("number") or "")),
        (gettext_lazy("Total"), details.get("total") or ""),
        (gettext_lazy("SHA-256 of the content"), details.get("reference") or ""),
    ]


def _subject_url(document: Document) -> str:
    statement = statement_of(document)
    if statement is None:
        return ""
    return reverse(
        "cofinancing:company-statement-detail",
        kwargs={"slug": statement.partnership.slug, "code": statement.code},
    )


def _filename(document: Document) -> str:
    details = document.details
    name = slugify(details.get("organisation") or "") or "organisatie"
    return (
        f"verklaring-cofinanciering-{name}-{details.get('year') or 'periode'}"
        f"-{details.get('number')}.pdf"
    )


STATEMENT_KIND = DocumentKind(
    key=KIND,
    label=gettext_lazy("company statement"),
    send_need="lead",
    is_superseded=_is_superseded,
    on_complete=_on_complete,
    on_decline=_on_decline,
    signature_page=_signature_page,
    subject_url=_subject_url,
    filename=_filename,
    decline_fields=(
        DeclineField(
            "disputed",
            gettext_lazy("Which lines do you dispute?"),
            help_text=gettext_lazy(
                "Their numbers in the statement, e.g. 2, 5, and what is wrong with them."
            ),
            required=True,
        ),
    ),
)


def register() -> None:
    register_kind(STATEMENT_KIND)
