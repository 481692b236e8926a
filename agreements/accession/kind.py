"""The deed of accession as a kind of document for signing/ (docs/rules.md §13, §25): its
document is the deed's PDF, its signers the joining party's authorised signatories and the
penvoerder's, its audit chain its own. When everyone signed, the deed is signed and the
party moves to "signed" in the pipeline; a decline is kept on the deed."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from agreements.accession.deed import title_of
from agreements.models import Accession, AccessionStatus
from agreements.signing import signers_from
from partners.models import Stage
from partners.services.organisations import organisation_move
from signing import services as signing
from signing.kinds import DocumentKind, register_kind
from signing.models import Document, SigningRound

KIND = "accession"


def accession_of(document: Document) -> Accession | None:
    return (
        Accession.objects.select_related("organisation", "partnership")
        .filter(code=document.subject)
        .first()
    )


def document_for(accession: Accession) -> Document:
    """The deed's document to sign, made once (needs the rendered PDF)."""
    snapshot = accession.snapshot
    joining, penvoerder = snapshot["joining"], snapshot["penvoerder"]
    with translation.override(settings.LANGUAGE_CODE):
        signers = signers_from([joining, penvoerder], penvoerder_key=penvoerder["key"])
        return signing.document_create(
            partnership=accession.partnership,
            kind=KIND,
            subject=str(accession.code),
            chain=f"{KIND}:{accession.code}",
            title=title_of(snapshot),
            pdf_name=accession.pdf.name,
            pdf_sha256=accession.pdf_sha256,
            signers=signers,
            details={
                "reference": accession.snapshot_sha256,
                "number": accession.number,
                "organisation": joining["name"],
                "penvoerder": penvoerder["name"],
                "partnership": (snapshot.get("partnership") or {}).get("name") or "",
                "version": (snapshot.get("agreement") or {}).get("version"),
            },
        )


def _is_superseded(document: Document) -> bool:
    accession = accession_of(document)
    return accession is None or accession.status == AccessionStatus.VOIDED


def _on_complete(document: Document, signing_round: SigningRound) -> None:
    accession = accession_of(document)
    if accession is None or accession.status == AccessionStatus.VOIDED:
        return
    Accession.objects.filter(pk=accession.pk).update(
        status=AccessionStatus.SIGNED, signed_at=signing_round.completed_at or timezone.now()
    )
    organisation = accession.organisation
    if organisation.stage not in (Stage.SIGNED, Stage.PAUSED, Stage.ENDED):
        organisation_move(organisation=organisation, stage=Stage.SIGNED, user=signing_round.sent_by)


def _on_decline(document: Document, signature_request) -> None:
    accession = accession_of(document)
    if accession is not None and accession.status == AccessionStatus.SENT:
        Accession.objects.filter(pk=accession.pk).update(
            status=AccessionStatus.DECLINED, decline_reason=(signature_request.reason or "")[:2000]
        )


def _signature_page(document: Document) -> list[tuple]:
    details = document.details
    return [
        (gettext_lazy("Partnership"), details.get("partnership") or ""),
        (gettext_lazy("Joining party"), details.get("organisation") or ""),
        (gettext_lazy("Deed number"), str(details.get("number") or "")),
        (gettext_lazy("Accedes to version"), str(details.get("version") or "")),
        (gettext_lazy("SHA-256 of the content"), details.get("reference") or ""),
    ]


def _subject_url(document: Document) -> str:
    accession = accession_of(document)
    if accession is None:
        return ""
    return reverse(
        "agreements:accession-detail",
        kwargs={"slug": accession.partnership.slug, "code": accession.code},
    )


def _filename(document: Document) -> str:
    details = document.details
    name = slugify(details.get("organisation") or "") or "partij"
    return f"toetredingsverklaring-{name}-{details.get('number')}.pdf"


ACCESSION_KIND = DocumentKind(
    key=KIND,
    label=gettext_lazy("deed of accession"),
    send_need="lead",
    is_superseded=_is_superseded,
    on_complete=_on_complete,
    on_decline=_on_decline,
    signature_page=_signature_page,
    subject_url=_subject_url,
    filename=_filename,
)


def register() -> None:
    register_kind(ACCESSION_KIND)
