"""Reminders and expiry, run by `manage.py send_signing_reminders` (docs/rules.md §13).

Remind after FIRST_REMINDER, then every NEXT_REMINDER; warn DEADLINE_WARNING before the
deadline; expire links after it and tell the leaders. Idempotent: what was done is stored on
the request, so running twice sends nothing more.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from signing import mail
from signing.audit import record
from signing.followup import request_remind
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound

FIRST_REMINDER = timedelta(days=5)
NEXT_REMINDER = timedelta(days=3)
DEADLINE_WARNING = timedelta(days=2)


def send_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Remind after 5 days, then every 3; warn 2 days before the deadline; expire after it.

    Idempotent: what was done is stored on the request, so running twice sends nothing more.
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "deadline_warned": 0, "expired": 0}
    with scopes_disabled():
        rounds = SigningRound.objects.filter(status=RoundStatus.OPEN).select_related(
            "document", "sent_by"
        )
        for signing_round in rounds:
            pending = list(
                SignatureRequest.objects.filter(
                    round=signing_round, status=RequestStatus.PENDING
                ).exclude(invited_at=None)
            )
            if now >= signing_round.deadline:
                counts["expired"] += _expire(signing_round, pending)
                continue
            for signature_request in pending:
                signature_request.round = signing_round
                if (
                    signing_round.deadline - now <= DEADLINE_WARNING
                    and signature_request.deadline_warned_at is None
                ):
                    kind = "deadline_warned"
                else:
                    due = (
                        signature_request.invited_at + FIRST_REMINDER
                        if signature_request.reminders_sent == 0
                        or signature_request.last_reminded_at is None
                        else signature_request.last_reminded_at + NEXT_REMINDER
                    )
                    if now < due:
                        continue
                    kind = "reminded"
                # A link that cannot be used (its version was superseded by one not sent yet,
                # or it was signed or revoked since it was read above) gets no reminder, and
                # must not stop the run for every other round.
                try:
                    request_remind(signature_request, kind=kind)
                except ValidationError:
                    continue
                counts[kind] += 1
    return counts


def _expire(signing_round: SigningRound, pending: list[SignatureRequest]) -> int:
    if not pending:
        return 0
    with transaction.atomic():
        # Under the round's lock, the one every signature takes first, and read again: a
        # signature that came in since `pending` was read is not overwritten with "expired".
        signing_round = (
            SigningRound.objects.select_for_update()
            .select_related("document")
            .get(pk=signing_round.pk)
        )
        if signing_round.status != RoundStatus.OPEN:
            return 0
        pending = list(
            SignatureRequest.objects.filter(
                round=signing_round, status=RequestStatus.PENDING
            ).exclude(invited_at=None)
        )
        if not pending:
            return 0
        SignatureRequest.objects.filter(pk__in=[r.pk for r in pending]).update(
            status=RequestStatus.EXPIRED
        )
        for signature_request in pending:
            signature_request.round = signing_round
            record(
                "expired",
                signature_request=signature_request,
                actor="Sterk",
                data={"deadline": signing_round.deadline.isoformat()},
            )
        mail.send(
            "expired_leader",
            {"round": signing_round, "title": signing_round.document.title, "requests": pending},
            mail.leader_addresses(signing_round.partnership_id),
            about=signing_round,
        )
    return len(pending)
