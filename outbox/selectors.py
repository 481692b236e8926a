"""What people see of the outbox: undelivered mail about their objects, stuck mail of a
tenant, and the age of the oldest waiting message (for /healthz)."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from outbox.models import Message, Status

# A message still waiting after this long, even untried, is stuck: no worker took it.
STUCK_AFTER = timedelta(minutes=15)


def stuck_filter() -> Q:
    """Given up, tried without success, or never taken by a worker."""
    return Q(status=Status.FAILED) | Q(
        Q(status=Status.QUEUED)
        & (Q(attempts__gt=0) | Q(created_at__lt=timezone.now() - STUCK_AFTER))
    )


def undelivered_about(model, ids) -> dict[int, Message]:
    """The latest stuck message about each of these objects, by object id (one query)."""
    latest: dict[int, Message] = {}
    messages = (
        Message.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids)
        )
        .filter(stuck_filter())
        .order_by("object_id", "created_at", "pk")
    )
    for message in messages:
        latest[message.object_id] = message
    return latest


def undelivered_all_about(about, *, limit: int = 50) -> list[Message]:
    """Every stuck message about one object (e.g. a round's final PDF to each party)."""
    return list(
        Message.objects.filter(
            content_type=ContentType.objects.get_for_model(about), object_id=about.pk
        )
        .filter(stuck_filter())
        .order_by("to", "pk")[:limit]
    )


def stuck_for_tenant(tenant_id: int):
    return Message.objects.filter(tenant_id=tenant_id).filter(stuck_filter())


def oldest_waiting_age() -> float | None:
    """Seconds the oldest queued message has waited since it was queued, or None."""
    oldest = (
        Message.objects.filter(status=Status.QUEUED)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return None
    return (timezone.now() - oldest).total_seconds()


def delivery_status(about) -> str:
    """ "undelivered" when a message about it is stuck (stuck_filter), "sent" when every one
    was delivered, "waiting" otherwise (or when there is none)."""
    messages = Message.objects.filter(
        content_type=ContentType.objects.get_for_model(about), object_id=about.pk
    ).exclude(status=Status.CANCELLED)
    if messages.filter(stuck_filter()).exists():
        return "undelivered"
    if messages.exists() and not messages.exclude(status=Status.SENT).exists():
        return "sent"
    return "waiting"
