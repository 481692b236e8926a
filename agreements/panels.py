"""Reads of a partnership's signing at a glance (issue 7): the current round with its
requests and the agreement in force for the agreement page, and the dashboard panel.

Each function runs a fixed number of queries whatever the number of signatories.
"""

from django.db.models import Count, Q

from agreements.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound

PANEL_ROWS = 5


def current_round(partnership) -> SigningRound | None:
    """The open round, else the last one sent (at most one is open, and sending a new round
    voids the open one, so the last one sent is the open one when there is one)."""
    return (
        SigningRound.objects.filter(partnership=partnership)
        .select_related("version", "sent_by", "voided_by", "partnership")
        .order_by("-sent_at", "-pk")
        .first()
    )


def completed_rounds(partnership) -> list[SigningRound]:
    """Every completed round (a voided one has status voided), newest version first: the
    first is the agreement in force. One query; at most one per version, as a version
    everyone signed cannot be sent again unless its round is voided."""
    return list(
        SigningRound.objects.filter(partnership=partnership, status=RoundStatus.COMPLETED)
        .select_related("version")
        .order_by("-version__number", "-completed_at", "-pk")
    )


def round_status(round: SigningRound) -> dict:
    """Context of templates/agreements/partials/round_status.html: one query."""
    requests = list(
        SignatureRequest.objects.filter(round=round).order_by(
            "step", "organisation_name", "name", "pk"
        )
    )
    signed = sum(1 for item in requests if item.status == RequestStatus.SIGNED)
    return {
        "round": round,
        "requests": requests,
        "signed_count": signed,
        "required_count": len(requests),
        "is_open": round.status == RoundStatus.OPEN,
        "polling": round.status == RoundStatus.OPEN or round.sealing_pending,
    }


def signing_panel(*, tenant) -> dict:
    """The dashboard's `signing_panel` (templates/agreements/panels/signing.html, which also
    needs `tenant`): signatures collected against required in the current round, who has
    been waiting longest, and who declined or named someone else (the leader has to act on
    those: fix the signatory, send a new link or record a paper signature). Four queries."""
    round = current_round(tenant.partnership)
    if round is None:
        return {"round": None}
    needs_action = Q(status__in=[RequestStatus.DECLINED, RequestStatus.REDIRECTED])
    counts = SignatureRequest.objects.filter(round=round).aggregate(
        required=Count("pk"),
        signed=Count("pk", filter=Q(status=RequestStatus.SIGNED)),
        attention=Count("pk", filter=needs_action),
    )
    waiting = list(
        SignatureRequest.objects.filter(round=round, status=RequestStatus.PENDING)
        .exclude(invited_at=None)
        .order_by("invited_at", "pk")[:PANEL_ROWS]
    )
    attention = list(
        SignatureRequest.objects.filter(needs_action, round=round).order_by(
            "organisation_name", "name", "pk"
        )[:PANEL_ROWS]
    )
    is_open = round.status == RoundStatus.OPEN
    return {
        "round": round,
        "is_open": is_open,
        "signed_count": counts["signed"],
        "required_count": counts["required"],
        "waiting": waiting if is_open else [],
        "attention": attention if is_open else [],
        "attention_count": counts["attention"] if is_open else 0,
    }
