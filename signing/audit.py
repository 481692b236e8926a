"""The audit trail of signing (docs/rules.md §14): append-only events, hash-chained per chain.

A chain is a document subject's trail (for the agreement: every version's rounds in one
chain). Each event's hash is the SHA-256 of its canonical content, which includes the
previous event's hash, so changing, removing or reordering any stored event breaks the chain
at that point. `record` appends under a lock on the chain's head row, so two events of one
chain never get the same number or the same predecessor; `verify_chain` recomputes a chain.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signing.models import AuditChain, AuditEvent, SignatureRequest, SigningRound
from sterk.canonical import snapshot_hash

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
    "completion_failed": _("completion failed"),
    "mail_queued": _("e-mail queued"),
    "mail_delivered": _("e-mail delivered"),
    "mail_failed": _("e-mail not delivered"),
}


def label(kind: str) -> str:
    return str(LABELS.get(kind, kind))


def _stamp(moment: datetime) -> str:
    """The time as hashed: UTC, microseconds, so the database's round trip keeps it equal."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    chain: str,
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
            "chain": chain,
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
        chain=event.chain,
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
    signing_round: SigningRound | None = None,
    signature_request: SignatureRequest | None = None,
    actor: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append an event to the round's chain (inside the caller's transaction, if any); an
    event about a request belongs to the request's round."""
    if signing_round is None:
        signing_round = signature_request.round
    data = data or {}
    with transaction.atomic():
        head = _locked_head(signing_round)
        seq = head.seq + 1
        event = AuditEvent(
            partnership_id=signing_round.partnership_id,
            chain=signing_round.chain,
            seq=seq,
            kind=kind,
            at=timezone.now(),
            actor=actor[:300],
            round=signing_round,
            request=signature_request,
            data=data,
            prev_hash=head.head,
        )
        event.hash = _hash_of(
            event,
            str(signing_round.code),
            str(signature_request.code) if signature_request else "",
        )
        event.save()
        AuditChain.objects.filter(pk=head.pk).update(seq=seq, head=event.hash)
    return event


def _locked_head(signing_round: SigningRound) -> AuditChain:
    """The chain's head row, locked; made on the chain's first event."""
    head = AuditChain.objects.select_for_update().filter(key=signing_round.chain).first()
    if head is None:
        AuditChain.objects.get_or_create(
            key=signing_round.chain, defaults={"partnership_id": signing_round.partnership_id}
        )
        head = AuditChain.objects.select_for_update().get(key=signing_round.chain)
    return head


@dataclass(frozen=True)
class Break:
    """The first broken link of a chain."""

    chain: str
    seq: int
    problem: str


def verify_chain(
    events: Iterable[AuditEvent], *, head: tuple[int, str] | None = None
) -> Break | None:
    """Check one chain's events, given in `seq` order with `round` and `request` joined.

    Returns the first broken link: a gap or repeat in the numbering, a `prev_hash` that is not
    the previous event's hash, or a hash that does not match the content. With `head` (the
    chain's recorded `seq` and `head`), a chain that ends before its recorded head
    (events removed from the end) is broken too.
    """
    expected_seq, prev_hash = 1, ""
    chain, hash_at_head = None, ""
    for event in events:
        if event.seq != expected_seq:
            return Break(event.chain, event.seq, f"expected event #{expected_seq}")
        if event.prev_hash != prev_hash:
            return Break(event.chain, event.seq, "does not point to the previous event")
        round_code = str(event.round.code) if event.round_id else ""
        request_code = str(event.request.code) if event.request_id else ""
        if _hash_of(event, round_code, request_code) != event.hash:
            return Break(event.chain, event.seq, "content does not match its hash")
        if head is not None and event.seq == head[0]:
            hash_at_head = event.hash
        expected_seq, prev_hash = expected_seq + 1, event.hash
        chain = event.chain
    last_seq = expected_seq - 1
    # Events after the head may have been added since the head was read; fewer may not.
    if head is not None and (last_seq < head[0] or (head[0] and hash_at_head != head[1])):
        return Break(
            chain or "",
            min(last_seq + 1, head[0]),
            f"the chain ends at event #{last_seq} or differs from its recorded head, "
            f"event #{head[0]}",
        )
    return None


def chain_of(chain: str):
    return AuditEvent.objects.filter(chain=chain).select_related("round", "request").order_by("seq")
