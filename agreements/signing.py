"""The agreement as a kind of document for the signing service (docs/rules.md §13).

A version's document is made when the version is first sent: its PDF is the version's PDF
(the same file, the same SHA-256), its signers every signatory the snapshot names, and its
audit chain the agreement's, so every version's rounds share one trail. When everyone signed,
the parties move to "signed" in the pipeline; the agreement in force is the newest version
with a completed round.
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.clauses import article_numbers
from agreements.models import AgreementVersion
from partners.models import EvidenceSource, Organisation, Stage
from partners.services.organisations import organisation_move
from signing import services as signing
from signing.kinds import DocumentKind, register_kind
from signing.models import Document, SigningRound
from sterk.money import ZERO, format_euro

KIND = "agreement"


def chain_key(partnership_id: int) -> str:
    """The agreement's audit chain (a partnership has one agreement): every version's rounds
    share it."""
    return f"agreement:{partnership_id}"


def _date(value: str | None) -> str:
    if not value:
        return ""
    return formats.date_format(datetime.fromisoformat(value), "j F Y")


def _evidence(signatory: dict) -> str:
    """The authority's evidence as recorded, in words (document language): "KvK extract
    (reference), 15 January 2026; checked by … on …"."""
    sources = {value: str(label) for value, label in EvidenceSource.choices}
    source = sources.get(signatory.get("evidence_source") or "", "")
    reference = signatory.get("evidence_reference") or ""
    document = f"{source} ({reference})" if source and reference else source or reference
    text = ", ".join(part for part in (document, _date(signatory.get("evidence_date"))) if part)
    if signatory.get("checked_by"):
        text += signing.CHECKED_SEPARATOR + _("checked by %(name)s on %(date)s") % {
            "name": signatory["checked_by"],
            "date": _date(signatory.get("checked_at")),
        }
    return text


def signers_from(parties: list[dict], *, penvoerder_key: str | None) -> list[signing.Signer]:
    """Every signatory the parties (as a snapshot holds them) name: each of them signs."""
    result = []
    with translation.override(settings.LANGUAGE_CODE):
        for party in parties:
            for signatory in party.get("signatories", []):
                result.append(
                    signing.Signer(
                        party_key=party["key"],
                        signatory_key=signatory["key"],
                        organisation=party["name"],
                        name=signatory["name"],
                        job_title=signatory.get("job_title") or "",
                        email=signatory.get("email") or "",
                        authority_label=signatory.get("authority_label") or "",
                        evidence=_evidence(signatory),
                        is_penvoerder=party["key"] == penvoerder_key,
                    )
                )
    return result


def signers_of(version: AgreementVersion) -> list[signing.Signer]:
    """Every signatory the version's document names: each of them signs."""
    snapshot = version.snapshot
    return signers_from(snapshot.get("parties", []), penvoerder_key=snapshot.get("penvoerder"))


def title_of(version: AgreementVersion) -> str:
    """The document's title, in its own language (Dutch)."""
    name = (version.snapshot.get("partnership") or {}).get("name") or ""
    return f"Samenwerkingsovereenkomst {name}, versie {version.number}".replace("  ", " ")


ARTICLE_KEYS = ("tasks", "contributions")


def _headings(snapshot: dict) -> dict[str, str]:
    """The headings of the articles a signer's overview links to, as the PDF prints them
    (templates/pdf/agreement.html: "Artikel 5. Taken en verantwoordelijkheden")."""
    clauses = snapshot.get("clauses") or []
    return {
        clause["key"]: f"Artikel {number}. {clause['title']}"
        for number, clause in zip(article_numbers(clauses), clauses, strict=True)
        if clause.get("key") in ARTICLE_KEYS and number
    }


def _commitments(party: dict) -> list[dict]:
    """What a party commits to, in the document's words: its tasks per activity and its
    contributions per year with their values (docs/rules.md §5-§7)."""
    tasks = [
        {
            "label": " ".join(filter(None, (item.get("activity_code"), item.get("activity_title"))))
            + (f" ({item['location']})" if item.get("location") else ""),
            "text": item.get("tasks") or "",
            "note": item.get("responsibilities") or "",
        }
        for item in party.get("tasks") or []
    ]
    years: dict[int, list] = {}
    for item in party.get("contributions") or []:
        if item.get("excluded_reason"):
            continue  # financed otherwise: not part of the cofinancing (docs/rules.md §8)
        years.setdefault(int(item["year"]), []).append(item)
    contributions = [
        {
            "year": year,
            "items": [
                {
                    "label": item.get("kind_label") or item.get("kind") or "",
                    "text": item.get("description") or "",
                    "amount": format_euro(Decimal(item.get("value") or "0")),
                }
                for item in items
            ],
            "total": format_euro(sum((Decimal(i.get("value") or "0") for i in items), ZERO)),
        }
        for year, items in sorted(years.items())
    ]
    sections = []
    if tasks:
        sections.append({"key": "tasks", "title": "Taken per activiteit", "items": tasks})
    if contributions:
        sections.append(
            {
                "key": "contributions",
                "title": "Bijdragen per jaar",
                "years": contributions,
                "total": format_euro(Decimal(party.get("total") or "0")),
            }
        )
    return sections


def document_for(version: AgreementVersion) -> Document:
    """The version's document to sign, made on first use (needs the rendered PDF)."""
    partnership = version.snapshot.get("partnership") or {}
    return signing.document_create(
        partnership=version.partnership,
        kind=KIND,
        subject=str(version.pk),
        chain=chain_key(version.partnership_id),
        title=title_of(version),
        pdf_name=version.pdf.name,
        pdf_sha256=version.pdf_sha256,
        signers=signers_of(version),
        details={
            "reference": version.snapshot_sha256,
            "version": version.number,
            "partnership": partnership.get("name") or "",
            "region": partnership.get("region") or "",
            "commitments": {
                party["key"]: _commitments(party) for party in version.snapshot.get("parties", [])
            },
        },
        headings=_headings(version.snapshot),
    )


def latest_version(agreement_id: int) -> AgreementVersion | None:
    return AgreementVersion.objects.filter(agreement_id=agreement_id).order_by("-number").first()


def version_send(*, version: AgreementVersion, user, deadline, **options) -> SigningRound:
    """Send the version for signing (signing.services.round_send does the rest): refuses a
    version that is not the latest or whose PDF is not ready yet."""
    from django.core.exceptions import ValidationError

    with transaction.atomic():
        latest = latest_version(version.agreement_id)
        errors = []
        if latest is None or latest.pk != version.pk:
            errors.append(_("Only the latest version can be sent for signing."))
        if not version.pdf_sha256:
            errors.append(_("The PDF of this version is not ready yet."))
        if errors:
            raise ValidationError(errors)
        document = document_for(version)
        return signing.round_send(document=document, user=user, deadline=deadline, **options)


def version_id_of(document: Document) -> int:
    return int(document.subject)


def _is_superseded(document: Document) -> bool:
    return AgreementVersion.objects.filter(
        agreement__versions__pk=int(document.subject),
        number__gt=document.details.get("version") or 0,
    ).exists()


def _on_complete(document: Document, signing_round: SigningRound) -> None:
    """Every party that signed is at the pipeline's "signed" stage now (with the move in its
    history), unless it was paused or ended meanwhile."""
    parties = Organisation.objects.filter(
        partnership_id=document.partnership_id,
        code__in={signer["party_key"] for signer in document.signers},
    ).exclude(stage__in=[Stage.SIGNED, Stage.PAUSED, Stage.ENDED])
    for organisation in parties:
        organisation_move(organisation=organisation, stage=Stage.SIGNED, user=signing_round.sent_by)


def _signature_page(document: Document) -> list[tuple]:
    """Labels are translated where they are printed: Dutch on the signature page, the
    reader's language on the verify page."""
    details = document.details
    partnership = details.get("partnership") or ""
    if details.get("region"):
        partnership = f"{partnership} ({details['region']})"
    return [
        (gettext_lazy("Partnership"), partnership),
        (gettext_lazy("Version"), str(details.get("version") or "")),
        (gettext_lazy("SHA-256 of the content"), details.get("reference") or ""),
    ]


def _subject_url(document: Document) -> str:
    version = (
        AgreementVersion.objects.filter(pk=int(document.subject))
        .select_related("partnership")
        .first()
    )
    if version is None:
        return ""
    return reverse(
        "agreements:version-detail",
        kwargs={"slug": version.partnership.slug, "code": version.code},
    )


def _filename(document: Document) -> str:
    slug = document.partnership.slug
    return f"samenwerkingsovereenkomst-{slug}-v{document.details.get('version')}.pdf"


AGREEMENT_KIND = DocumentKind(
    key=KIND,
    label=gettext_lazy("cooperation agreement"),
    send_need="lead",
    is_superseded=_is_superseded,
    on_complete=_on_complete,
    signature_page=_signature_page,
    subject_url=_subject_url,
    filename=_filename,
)


def register() -> None:
    register_kind(AGREEMENT_KIND)
