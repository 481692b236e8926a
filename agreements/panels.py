"""Reads of a partnership's signing at a glance (issue 7): the current round with its
requests for the agreement page, and the dashboard panel.

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
    needs `tenant`): signatures collected against required in the current round, and who has
    been waiting longest. At most three queries."""
    round = current_round(tenant.partnership)
    if round is None:
        return {"round": None}
    counts = SignatureRequest.objects.filter(round=round).aggregate(
        required=Count("pk"), signed=Count("pk", filter=Q(status=RequestStatus.SIGNED))
    )
    waiting = list(
        SignatureRequest.objects.filter(round=round, status=RequestStatus.PENDING)
        .exclude(invited_at=None)
        .order_by("invited_at", "pk")[:PANEL_ROWS]
    )
    return {
        "round": round,
        "signed_count": counts["signed"],
        "required_count": counts["required"],
        "waiting": waiting if round.status == RoundStatus.OPEN else [],
    }
