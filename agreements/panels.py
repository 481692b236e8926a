"""The dashboard's signing panel: the agreement's current round at a glance.

Runs a fixed number of queries whatever the number of signatories.
"""

from django.db.models import Count, Q

from agreements.selectors import current_round
from signing.models import RequestStatus, RoundStatus, SignatureRequest

PANEL_ROWS = 5


def signing_panel(*, tenant) -> dict:
    """The dashboard's `signing_panel` (templates/agreements/panels/signing.html, which also
    needs `tenant`): signatures collected against required in the current round, who has
    been waiting longest, and who declined or named someone else (the leader has to act on
    those: fix the signatory, send a new link or record a paper signature). Four queries."""
    signing_round = current_round(tenant.partnership)
    if signing_round is None:
        return {"round": None}
    needs_action = Q(status__in=[RequestStatus.DECLINED, RequestStatus.REDIRECTED])
    counts = SignatureRequest.objects.filter(round=signing_round).aggregate(
        required=Count("pk"),
        signed=Count("pk", filter=Q(status=RequestStatus.SIGNED)),
        attention=Count("pk", filter=needs_action),
    )
    waiting = list(
        SignatureRequest.objects.filter(round=signing_round, status=RequestStatus.PENDING)
        .exclude(invited_at=None)
        .order_by("invited_at", "pk")[:PANEL_ROWS]
    )
    attention = list(
        SignatureRequest.objects.filter(needs_action, round=signing_round).order_by(
            "organisation_name", "name", "pk"
        )[:PANEL_ROWS]
    )
    is_open = signing_round.status == RoundStatus.OPEN
    return {
        "round": signing_round,
        "is_open": is_open,
        "signed_count": counts["signed"],
        "required_count": counts["required"],
        "waiting": waiting if is_open else [],
        "attention": attention if is_open else [],
        "attention_count": counts["attention"] if is_open else 0,
    }
