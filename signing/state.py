"""What a signing link may do now, and the one order in which writers lock (docs/rules.md §13).

Every state change of a request locks its round's row first, then the request's, so two
steps on one round never interleave and completion happens exactly once.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from signing.kinds import find_kind
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound

REFUSALS = {
    "voided": gettext_lazy("This signing round was voided by the project leader."),
    "superseded": gettext_lazy("A newer version replaces the document this link is for."),
    "signed": gettext_lazy("You have already signed; this link is used."),
    "revoked": gettext_lazy("This link was revoked by the project leader."),
    "expired": gettext_lazy("The deadline for signing has passed; this link no longer works."),
    "declined": gettext_lazy("You declined to sign; this link no longer works."),
    "redirected": gettext_lazy(
        "You told us you are not the right person; this link no longer works."
    ),
    "not_your_turn": gettext_lazy(
        "It is not your turn yet: others sign first. You get an e-mail when it is your turn."
    ),
}


def refusal(signature_request: SignatureRequest, *, now: datetime | None = None) -> str | None:
    """Why this request cannot be signed now (a key of REFUSALS), or None when it can."""
    now = now or timezone.now()
    signing_round = signature_request.round
    if signing_round.status == RoundStatus.VOIDED:
        return "voided"
    if signature_request.status != RequestStatus.PENDING:
        return signature_request.status
    if now >= signing_round.deadline:
        return "expired"
    with scopes_disabled():
        if is_superseded(signing_round.document):
            return "superseded"
        if signing_round.ordered and earlier_unsigned(signature_request).exists():
            return "not_your_turn"
    return None


def is_superseded(document) -> bool:
    """Whether the document's kind says a newer document replaces it (an unknown kind never
    does: its links keep working and its round shows the missing kind)."""
    kind = find_kind(document)
    return bool(kind and kind.is_superseded(document))


def refusal_message(key: str) -> str:
    return str(REFUSALS.get(key, REFUSALS["revoked"]))


def earlier_unsigned(signature_request: SignatureRequest):
    return SignatureRequest.objects.filter(
        round_id=signature_request.round_id, step__lt=signature_request.step
    ).exclude(status=RequestStatus.SIGNED)


def refuse_unless_open(signature_request: SignatureRequest) -> None:
    reason = refusal(signature_request)
    if reason:
        raise ValidationError(refusal_message(reason), code=reason)


def locked(signature_request: SignatureRequest) -> tuple[SigningRound, SignatureRequest]:
    """Lock the round first, then the request: the one order every writer uses."""
    with scopes_disabled():
        # Only the round's row is locked (PostgreSQL refuses to lock the nullable side of
        # the outer join to sent_by, and the joined rows need no lock).
        signing_round = (
            SigningRound.objects.select_for_update(of=("self",))
            .select_related("document", "sent_by")
            .get(pk=signature_request.round_id)
        )
        signature_request = SignatureRequest.objects.select_for_update().get(
            pk=signature_request.pk
        )
    signature_request.round = signing_round
    return signing_round, signature_request


def require_open(signing_round: SigningRound) -> None:
    if signing_round.status != RoundStatus.OPEN:
        raise ValidationError(_("This signing round is no longer open."))


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def signer_actor(signature_request: SignatureRequest) -> str:
    return f"{signature_request.name} <{signature_request.email}>"


@dataclass(frozen=True)
class Client:
    """Where a step came from: kept as evidence."""

    ip_address: str | None
    user_agent: str

    @classmethod
    def of(cls, http_request) -> "Client":
        meta = http_request.META
        ip = meta.get("REMOTE_ADDR") or None
        if settings.SIGNING_TRUST_X_FORWARDED_FOR and meta.get("HTTP_X_FORWARDED_FOR"):
            ip = meta["HTTP_X_FORWARDED_FOR"].split(",")[-1].strip() or ip
        try:
            ip = str(ipaddress.ip_address(ip)) if ip else None
        except ValueError:
            ip = None  # a malformed header is no evidence
        return cls(ip, (meta.get("HTTP_USER_AGENT") or "")[:500])

    def data(self) -> dict:
        return {"ip": self.ip_address or "", "user_agent": self.user_agent}
