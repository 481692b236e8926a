"""Checking a PDF's seal (docs/rules.md §15): is it sealed by this platform and unchanged?

Never raises for any input: whatever pyHanko makes of the bytes is mapped to a status, so the
public verify page can hand it anything a visitor uploads.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from django.core.exceptions import ImproperlyConfigured

from signing.sealing import SEAL_FIELD, fingerprint, platform_certificates, run_outside_event_loop

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SealCheck:
    """What a PDF's seal says. status: sealed, altered, foreign, unsealed or unreadable."""

    status: str
    signed_at: datetime | None = None
    signer: str = ""
    detail: str = ""


def check_seal(data: bytes) -> SealCheck:
    """Whether these bytes are a document sealed by this platform and unchanged since.

    Never raises: whatever pyHanko makes of the input is mapped to a status, so the public
    verify page can hand it anything a visitor uploads.
    """
    try:
        return _check(bytes(data))
    except ImproperlyConfigured:
        raise  # a broken seal configuration is not the uploader's fault: make it loud
    except Exception as exc:  # any input, however broken, gets an answer
        logger.info("Seal check failed unexpectedly: %r", exc)
        return SealCheck("unreadable", detail=f"check failed: {type(exc).__name__}")


def _check(data: bytes) -> SealCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import SignatureCoverageLevel

    if b"%PDF-" not in data[:1024]:
        return SealCheck("unreadable", detail="no PDF header")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        # Touch the page tree: a file whose structure cannot be followed is unreadable.
        reader.root["/Pages"]["/Count"]  # noqa: B018
        filled = [name for name, _, _ in enumerate_sig_fields(reader, filled_status=True)]
    except Exception as exc:  # pyHanko raises many kinds on bad input
        return SealCheck("unreadable", detail=f"cannot read PDF: {type(exc).__name__}: {exc}")
    if not filled:
        return SealCheck("unsealed", detail="no signatures")
    try:
        signatures = list(reader.embedded_regular_signatures)
    except Exception as exc:  # a damaged signature: whose it was shows only in the field
        status = "altered" if SEAL_FIELD in filled else "foreign"
        return SealCheck(status, detail=f"unparseable signature: {type(exc).__name__}: {exc}")
    if not signatures:
        return SealCheck("foreign", detail="only document time stamps")

    ours = {fingerprint(certificate) for certificate in platform_certificates()}
    platform = []
    foreign = []
    for signature in signatures:
        try:
            certificate = signature.signer_cert
        except Exception as exc:  # a damaged CMS blob
            if _field_name(signature) == SEAL_FIELD:
                return SealCheck("altered", detail=f"unparseable seal: {type(exc).__name__}")
            foreign.append(signature)
            continue
        (platform if fingerprint(certificate) in ours else foreign).append(signature)
    if not platform:
        last = foreign[-1]
        return SealCheck(
            "foreign",
            signed_at=_self_reported(last),
            signer=_signer_subject(last),
            detail=f"{len(foreign)} signature(s), none by a platform certificate",
        )

    seal = platform[-1]
    try:
        status = _validate(seal, platform_certificates())
    except Exception as exc:  # e.g. a signature whose bytes were changed
        return SealCheck(
            "altered",
            signed_at=_self_reported(seal),
            signer=_signer_subject(seal),
            detail=f"validation failed: {type(exc).__name__}: {exc}",
        )
    signed_at = _signed_at(status) or _self_reported(seal)
    signer = _subject(status.signing_cert)
    problems = []
    if not status.intact:
        problems.append("signed bytes changed")
    if not status.valid:
        problems.append("signature invalid")
    if not status.trusted:
        problems.append("certificate not trusted")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append(f"coverage {getattr(status.coverage, 'name', status.coverage)}")
    if problems:
        return SealCheck("altered", signed_at, signer, "; ".join(problems))
    return SealCheck(
        "sealed",
        signed_at,
        signer,
        f"field {seal.field_name}, {len(signatures)} signature(s), covers the entire file",
    )


def _validate(embedded_signature, trusted: list):
    """pyHanko's verdict on one seal, trusting only our own certificates.

    The certificate is judged at the signing time the seal states, not today: a seal made
    while the certificate was valid stays valid after it expires. The certificate is pinned
    (trusted by itself, not through a CA), so that stated time adds no real trust question.
    """
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(
        trust_roots=trusted,
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=_self_reported(embedded_signature),
    )
    # Seal certificates assert non-repudiation, digital signature or both: either will do.
    key_usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})
    # The difference analysis only matters for updates after the seal, and any such update
    # already makes the document "altered" (coverage short of the entire file): skip it.
    return run_outside_event_loop(
        validate_pdf_signature,
        embedded_signature,
        context,
        key_usage_settings=key_usage,
        skip_diff=True,
    )


def _signed_at(status) -> datetime | None:
    timestamp = getattr(status, "timestamp_validity", None)
    moment = getattr(timestamp, "timestamp", None) if timestamp is not None else None
    return _aware(moment or getattr(status, "signer_reported_dt", None))


def _self_reported(embedded_signature) -> datetime | None:
    try:
        return _aware(embedded_signature.self_reported_timestamp)
    except Exception:
        return None


def _aware(moment) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _field_name(embedded_signature) -> str:
    try:
        return str(embedded_signature.field_name)
    except Exception:
        return ""


def _signer_subject(embedded_signature) -> str:
    try:
        return _subject(embedded_signature.signer_cert)
    except Exception:
        return ""


def _subject(certificate) -> str:
    """Who a certificate names, as "Common name (Organisation)".

    Only the names: asn1crypto's `human_friendly` labels them in English ("Common Name: …,
    Country: NL"), which reads oddly on the Dutch verify page and adds nothing. A name
    without either attribute falls back to its other values, unlabelled.
    """
    try:
        native = certificate.subject.native
    except Exception:
        return ""
    if not isinstance(native, dict):
        return ""
    common_name = _name_value(native.get("common_name"))
    organisation = _name_value(native.get("organization_name"))
    if common_name and organisation and organisation != common_name:
        return f"{common_name} ({organisation})"
    if common_name or organisation:
        return common_name or organisation
    return ", ".join(filter(None, (_name_value(value) for value in native.values())))


def _name_value(value) -> str:
    """One attribute of a certificate name as text (a repeated attribute is a list)."""
    if isinstance(value, list | tuple):
        return ", ".join(filter(None, (_name_value(item) for item in value)))
    return str(value).strip() if isinstance(value, str | int) else ""
