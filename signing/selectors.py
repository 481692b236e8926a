"""Reads of signing: a round's status with its requests, a chain's current round, the
completed rounds of a chain. Each runs a fixed number of queries whatever the number of
signers."""

from outbox.selectors import undelivered_about, undelivered_all_about
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound


def current_round(*, chain: str) -> SigningRound | None:
    """The open round of a chain, else the last one sent (at most one is open, and sending
    a new round voids the open one, so the last one sent is the open one when there is one)."""
    return (
        SigningRound.objects.filter(chain=chain)
        .select_related("document", "sent_by", "voided_by", "partnership")
        .order_by("-sent_at", "-pk")
        .first()
    )


def completed_rounds(*, chain: str) -> list[SigningRound]:
    """Every completed round of a chain (a voided one has status voided), newest first."""
    return list(
        SigningRound.objects.filter(chain=chain, status=RoundStatus.COMPLETED)
        .select_related("document")
        .order_by("-completed_at", "-pk")
    )


def round_status(signing_round: SigningRound) -> dict:
    """Context of templates/signing/round_status.html: three queries (the requests, the
    undelivered mail about them and about the round). `attention` holds the
    requests of an open round that were declined or sent elsewhere ("not the right person");
    each request brings its signatory's organisation in partners, if it still exists, so the
    page can link where the data is corrected."""
    requests = list(
        SignatureRequest.objects.filter(round=signing_round)
        .select_related("signatory__contact__organisation")
        .order_by("step", "organisation_name", "name", "pk")
    )
    signed = [item for item in requests if item.status == RequestStatus.SIGNED]
    attention = [
        item
        for item in requests
        if item.status in (RequestStatus.DECLINED, RequestStatus.REDIRECTED)
    ]
    undelivered = undelivered_about(SignatureRequest, [item.pk for item in requests])
    for item in requests:
        item.undelivered_mail = undelivered.get(item.pk)
    return {
        "round": signing_round,
        "round_mail": undelivered_all_about(signing_round),
        "requests": requests,
        "signed_count": len(signed),
        "required_count": len(requests),
        "is_open": signing_round.status == RoundStatus.OPEN,
        "polling": signing_round.status == RoundStatus.OPEN or signing_round.sealing_pending,
        "attention": attention if signing_round.status == RoundStatus.OPEN else [],
    }
