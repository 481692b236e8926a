"""Sending a document for signing (docs/rules.md §13): the document with its frozen signers,
a round with one request per signer, and the first turn's links e-mailed.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Signatory
from signing import pages
from signing.followup import round_void
from signing.kinds import UnknownKind, kind_of
from signing.models import AuditChain, Document, RoundStatus, SignatureRequest, SigningRound
from signing.notify import invite
from signing.state import is_superseded, person
from signing.tokens import new_salt

MAX_DEADLINE = timedelta(days=366)
MAX_MESSAGE = 2000

ORDER_PARALLEL = "parallel"
ORDER_PENVOERDER_LAST = "penvoerder_last"
ORDER_CUSTOM = "custom"


@dataclass(frozen=True)
class Signer:
    """A signer as the document names them: who, for which organisation, as what (job title) and on what authority, with its evidence."""

    party_key: str
    signatory_key: str
    organisation: str
    name: str
    job_title: str
    email: str
    authority_label: str
    evidence: str
    is_penvoerder: bool


def _steps(signers: list[Signer], order: str, steps: dict[str, int] | None) -> dict[str, int]:
    if order == ORDER_PENVOERDER_LAST:
        return {s.signatory_key: 2 if s.is_penvoerder else 1 for s in signers}
    if order == ORDER_CUSTOM:
        given = {s.signatory_key: (steps or {}).get(s.signatory_key, 1) for s in signers}
        # Dense turns (1, 2, 3 …) whatever numbers were typed.
        dense = {value: index for index, value in enumerate(sorted(set(given.values())), 1)}
        return {key: dense[value] for key, value in given.items()}
    return {s.signatory_key: 1 for s in signers}


def document_create(
    *,
    partnership,
    kind: str,
    subject: str,
    chain: str,
    title: str,
    pdf_name: str,
    pdf_sha256: str,
    signers: list[Signer],
    details: dict | None = None,
    headings: dict[str, str] | None = None,
) -> Document:
    """The document of `subject` to sign, made once: a second call for the same kind and
    subject returns the first (a document never changes; a changed one is a new subject).

    `headings` are texts of the PDF (e.g. "Artikel 5. Taken") whose page the signer's
    overview links to (signing.pages.layout)."""
    existing = Document.objects.filter(kind=kind, subject=subject).first()
    if existing is not None:
        return existing
    with default_storage.open(pdf_name, "rb") as handle:
        layout = pages.layout(handle.read(), headings)
    with transaction.atomic():
        document, _created = Document.objects.get_or_create(
            kind=kind,
            subject=subject,
            defaults={
                "partnership": partnership,
                "chain": chain,
                "title": title[:300],
                "pdf": pdf_name,
                "pdf_sha256": pdf_sha256,
                "signers": [asdict(signer) for signer in signers],
                "details": details or {},
                "pages": layout,
            },
        )
        AuditChain.objects.get_or_create(key=chain, defaults={"partnership": partnership})
    return document


def signers_of(document: Document) -> list[Signer]:
    return [Signer(**signer) for signer in document.signers]


def round_send(
    *,
    document: Document,
    user,
    deadline: datetime,
    order: str = ORDER_PARALLEL,
    steps: dict[str, int] | None = None,
    message: str = "",
) -> SigningRound:
    """Send the document for signing: one request per signer it names, links e-mailed.

    Refuses a document whose kind is unknown or that a newer one replaces, one without a PDF,
    one everyone already signed, a deadline in the past or more than a year ahead, and
    signers without an e-mail address. An open round of the same chain (an older version) is
    voided first (its signers are told).
    """
    now = timezone.now()
    message = (message or "").strip()
    errors = []
    if deadline <= now + timedelta(hours=1):
        errors.append(_("The deadline must be in the future."))
    if deadline > now + MAX_DEADLINE:
        errors.append(_("The deadline can be at most a year from now."))
    if len(message) > MAX_MESSAGE:
        errors.append(_("The message can be at most 2000 characters."))
    try:
        kind_of(document)
    except UnknownKind:
        errors.append(_("Sterk does not know this kind of document; it cannot be sent."))
    with transaction.atomic():
        AuditChain.objects.select_for_update().filter(key=document.chain).first()
        if is_superseded(document):
            errors.append(_("Only the latest version can be sent for signing."))
        if not document.pdf_sha256:
            errors.append(_("The PDF of this document is not ready yet."))
        if SigningRound.objects.filter(document=document, status=RoundStatus.COMPLETED).exists():
            errors.append(_("Everyone has already signed this document."))
        signers = signers_of(document)
        if not signers:
            errors.append(_("The document names no signatories."))
        missing = [s.name for s in signers if not s.email]
        if missing:
            errors.append(
                _("These signatories have no e-mail address: %(names)s.")
                % {"names": ", ".join(missing)}
            )
        if errors:
            raise ValidationError(errors)
        for open_round in SigningRound.objects.filter(
            chain=document.chain, status=RoundStatus.OPEN
        ).select_related("document"):
            round_void(
                open_round,
                user=user,
                reason=_("Replaced by a new round for %(title)s.") % {"title": document.title},
            )
        turns = _steps(signers, order, steps)
        signing_round = SigningRound.objects.create(
            partnership_id=document.partnership_id,
            document=document,
            chain=document.chain,
            ordered=len(set(turns.values())) > 1,
            deadline=deadline,
            message=message,
            sent_by=user,
        )
        by_key = {
            str(s.code): s
            for s in Signatory.objects.filter(
                partnership_id=document.partnership_id,
                code__in=[signer.signatory_key for signer in signers],
            )
        }
        requests = []
        for signer in signers:
            signature_request = SignatureRequest(
                partnership_id=document.partnership_id,
                round=signing_round,
                signatory=by_key.get(signer.signatory_key),
                party_key=signer.party_key,
                signatory_key=signer.signatory_key,
                organisation_name=signer.organisation,
                name=signer.name,
                job_title=signer.job_title,
                email=signer.email,
                authority_label=signer.authority_label,
                evidence=signer.evidence,
                is_penvoerder=signer.is_penvoerder,
                step=turns[signer.signatory_key],
            )
            new_salt(signature_request)
            requests.append(signature_request)
        SignatureRequest.objects.bulk_create(requests)
        first = min(turns.values())
        for signature_request in requests:
            signature_request.round = signing_round
            if signature_request.step == first:
                invite(signature_request, actor=person(user))
    return signing_round
