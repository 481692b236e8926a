"""What the public verify page says about an uploaded PDF (docs/rules.md §15).

Two independent questions, answered together:

1. Is this file, byte for byte, the sealed PDF of one of our signing rounds? (Its SHA-256
   against `SigningRound.final_pdf_sha256`.) Only then do we name the document, what its kind
   prints on the signature page, and the signatories: whoever holds the exact file already holds all of that, since it is
   printed on the signature page. Nothing beyond it is shown: no e-mail address, no IP
   address, no reason for voiding, nothing about any other document.
2. What does the file's own seal say? (`sealing.check_seal`.) That distinguishes a changed
   copy of a sealed agreement ("altered") from a PDF signed by someone else, an unsigned PDF
   and something that is no PDF at all.

A file we stored is decisive on its own: a matching SHA-256 means it is exactly the document
we sealed, so it is reported as genuine (or void) even when the seal check disagrees — which
can only mean the seal certificate was replaced since; `seal_confirmed` says so and a warning
is logged. Reads only; never raises for any input bytes.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise
from django_scopes import scopes_disabled

from signing.kinds import find_kind
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound, SignMethod
from signing.seal_check import SealCheck, check_seal

logger = logging.getLogger(__name__)

# The kinds of verdict, each with its own explanation on the page.
GENUINE = "genuine"
VOID = "void"
SEALED_UNKNOWN = "sealed_unknown"
ALTERED = "altered"
FOREIGN = "foreign"
UNSEALED = "unsealed"
UNREADABLE = "unreadable"
KINDS = (GENUINE, VOID, SEALED_UNKNOWN, ALTERED, FOREIGN, UNSEALED, UNREADABLE)

# For a file we have no record of, the seal check alone decides.
_UNKNOWN_FILE = {
    "sealed": SEALED_UNKNOWN,
    "altered": ALTERED,
    "foreign": FOREIGN,
    "unsealed": UNSEALED,
    "unreadable": UNREADABLE,
}


@dataclass(frozen=True)
class SignatureLine:
    """One signature as the sealed document prints it: who, for whom, when and how."""

    name: str
    organisation: str
    signed_at: datetime | None
    method: str
    how: str | Promise


@dataclass(frozen=True)
class Verdict:
    """The answer for one upload. Record fields are filled for "genuine" and "void" only;
    `signer` and `seal_signed_at` come from the file's own seal, whatever its kind."""

    kind: str
    sha256: str
    seal_status: str = ""
    seal_confirmed: bool = False
    seal_signed_at: datetime | None = None
    signer: str = ""
    title: str = ""
    lines: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    completed_at: datetime | None = None
    sealed_at: datetime | None = None
    voided_at: datetime | None = None
    signatures: tuple[SignatureLine, ...] = field(default_factory=tuple)

    @property
    def is_known(self) -> bool:
        return self.kind in {GENUINE, VOID}


def verify_upload(data: bytes) -> Verdict:
    """The verdict on these bytes; two queries at most, whatever the number of signatures."""
    data = bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    seal = check_seal(data)
    signing_round = _round_with_hash(digest)
    if signing_round is None:
        return Verdict(
            kind=_UNKNOWN_FILE.get(seal.status, UNREADABLE),
            sha256=digest,
            seal_status=seal.status,
            seal_confirmed=seal.status == "sealed",
            **_seal_fields(seal),
        )
    confirmed = seal.status == "sealed"
    if not confirmed:
        logger.warning(
            "The sealed PDF of signing round %s no longer checks as sealed (%s: %s); "
            "was the seal certificate replaced?",
            signing_round.pk,
            seal.status,
            seal.detail,
        )
    return Verdict(
        kind=VOID if signing_round.status == RoundStatus.VOIDED else GENUINE,
        sha256=digest,
        seal_status=seal.status,
        seal_confirmed=confirmed,
        **_seal_fields(seal),
        title=signing_round.document.title,
        lines=_lines(signing_round.document),
        completed_at=signing_round.completed_at,
        sealed_at=signing_round.sealed_at,
        voided_at=signing_round.voided_at if signing_round.status == RoundStatus.VOIDED else None,
        signatures=_signatures(signing_round),
    )


def _seal_fields(seal: SealCheck) -> dict:
    return {"seal_signed_at": seal.signed_at, "signer": seal.signer}


def _round_with_hash(digest: str) -> SigningRound | None:
    """The round whose sealed PDF has this SHA-256, with its partnership and version.

    Public page, no tenant: scopes are off for exactly this lookup by an exact hash, which
    can only find the round whose file the visitor already has.
    """
    with scopes_disabled():
        return (
            SigningRound.objects.filter(final_pdf_sha256=digest)
            .exclude(final_pdf_sha256="")
            .select_related("partnership", "document")
            .order_by("-pk")
            .first()
        )


def _lines(document) -> tuple[tuple[str, str], ...]:
    """What the document's kind prints on its signature page (an unknown kind: nothing)."""
    kind = find_kind(document)
    if kind is None:
        return ()
    return tuple((str(label), str(value)) for label, value in kind.signature_page(document))


def _signatures(signing_round: SigningRound) -> tuple[SignatureLine, ...]:
    """The signed requests in the signature page's order. Only the columns shown are read,
    so an e-mail or IP address can never reach the page by accident."""
    labels = dict(SignMethod.choices)
    with scopes_disabled():
        rows = (
            SignatureRequest.objects.filter(round_id=signing_round.pk, status=RequestStatus.SIGNED)
            .order_by("signed_at", "step", "pk")
            .values_list("name", "organisation_name", "signed_at", "method")
        )
        return tuple(
            SignatureLine(
                name=name,
                organisation=organisation,
                signed_at=signed_at,
                method=method,
                how=labels.get(method, method),
            )
            for name, organisation, signed_at, method in rows
        )
