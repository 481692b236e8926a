"""The audit trail of signing (issue 7, item 3): append-only events, hash-chained per agreement.

Each event's hash is the SHA-256 of its canonical content, which includes the previous
event's hash, so changing, removing or reordering any stored event breaks the chain at that
point. `record` appends under a lock on the agreement row, so two events of one agreement
never get the same number or the same predecessor; `verify_chain` recomputes a chain.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.canonical import snapshot_hash
from agreements.models import Agreement, AuditEvent, SignatureRequest, SigningRound

LABELS = {
    "sent": _("link sent"),
    "opened": _("link opened"),
    "code_sent": _("code sent"),
    "code_verified": _("code confirmed"),
    "code_failed": _("wrong code entered"),
    "code_locked": _("code locked after too many wrong tries"),
    "signed": _("signed"),
    "signed_in_person": _("signed in person"),
    "signed_on_paper": _("signature on paper recorded"),
    "declined": _("declined to sign"),
    "redirected": _("said not to be the right person"),
    "reminded": _("reminder sent"),
    "deadline_warned": _("deadline warning sent"),
    "extended": _("deadline extended"),
    "expired": _("link expired"),
    "revoked": _("request revoked"),
    "reissued": _("new link sent"),
    "voided": _("round voided"),
    "completed": _("everyone signed"),
    "sealed": _("sealed"),
    "seal_failed": _("sealing failed"),
}


def label(kind: str) -> str:
    return str(LABELS.get(kind, kind))


def _stamp(moment: datetime) -> str:
    """The time as hashed: UTC, microseconds, so the database's round trip keeps it equal."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    agreement_id: int,
    seq: int,
    kind: str,
    at: datetime,
    actor: str,
    round_code: str,
    request_code: str,
    data: dict,
    prev_hash: str,
) -> str:
    return snapshot_hash(
        {
            "agreement": agreement_id,
            "seq": seq,
            "kind": kind,
            "at": _stamp(at),
            "actor": actor,
            "round": round_code,
            "request": request_code,
            "data": data,
            "prev": prev_hash,
        }
    )


def _hash_of(event: AuditEvent, round_code: str, request_code: str) -> str:
    return event_hash(
        agreement_id=event.agreement_id,
        seq=event.seq,
        kind=event.kind,
        at=event.at,
        actor=event.actor,
        round_code=round_code,
        request_code=request_code,
        data=event.data,
        prev_hash=event.prev_hash,
    )


def record(
    kind: str,
    *,
    agreement: Agreement,
    round: SigningRound | None = None,
    request: SignatureRequest | None = None,
    actor: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append an event to the agreement's chain (inside the caller's transaction, if any)."""
    if request is not None and round is None:
        round = request.round
    data = data or {}
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(pk=agreement.pk).values("pk").first()
        last = (
            AuditEvent.objects.filter(agreement=agreement)
            .order_by("-seq")
            .values("seq", "hash")
            .first()
        )
        seq = (last["seq"] if last else 0) + 1
        prev_hash = last["hash"] if last else ""
        at = timezone.now()
        event = AuditEvent(
            partnership_id=agreement.partnership_id,
            agreement=agreement,
            seq=seq,
            kind=kind,
            at=at,
            actor=actor[:300],
            round=round,
            request=request,
            data=data,
            prev_hash=prev_hash,
        )
        event.hash = _hash_of(
            event, str(round.code) if round else "", str(request.code) if request else ""
        )
        event.save()
        Agreement.objects.filter(pk=agreement.pk).update(audit_seq=seq, audit_head=event.hash)
    return event


@dataclass(frozen=True)
class Break:
    """The first broken link of an agreement's chain."""

    agreement_id: int
    seq: int
    problem: str


def verify_chain(
    events: Iterable[AuditEvent], *, head: tuple[int, str] | None = None
) -> Break | None:
    """Check one agreement's events, given in `seq` order with `round` and `request` joined.

    Returns the first broken link: a gap or repeat in the numbering, a `prev_hash` that is not
    the previous event's hash, or a hash that does not match the content. With `head` (the
    agreement's `audit_seq` and `audit_head`), a chain that ends before its recorded head
    (events removed from the end) is broken too.
    """
    expected_seq, prev_hash = 1, ""
    agreement_id, hash_at_head = None, ""
    for event in events:
        if event.seq != expected_seq:
            return Break(event.agreement_id, event.seq, f"expected event #{expected_seq}")
        if event.prev_hash != prev_hash:
            return Break(event.agreement_id, event.seq, "does not point to the previous event")
        round_code = str(event.round.code) if event.round_id else ""
        request_code = str(event.request.code) if event.request_id else ""
        if _hash_of(event, round_code, request_code) != event.hash:
            return Break(event.agreement_id, event.seq, "content does not match its hash")
        if head is not None and event.seq == head[0]:
            hash_at_head = event.hash
        expected_seq, prev_hash = expected_seq + 1, event.hash
        agreement_id = event.agreement_id
    last_seq = expected_seq - 1
    # Events after the head may have been added since the head was read; fewer may not.
    if head is not None and (last_seq < head[0] or (head[0] and hash_at_head != head[1])):
        return Break(
            agreement_id or 0,
            min(last_seq + 1, head[0]),
            f"the chain ends at event #{last_seq} or differs from its recorded head, "
            f"event #{head[0]}",
        )
    return None


def chain_of(agreement_id: int):
    return (
        AuditEvent.objects.filter(agreement_id=agreement_id)
        .select_related("round", "request")
        .order_by("seq")
    )
