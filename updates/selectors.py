"""Reads on partner updates, in a fixed number of queries."""

from django.db.models import Count, QuerySet

from updates.models import PartnerUpdate, UpdateRecipient


def updates_of(partnership) -> QuerySet[PartnerUpdate]:
    """Drafts and sent updates, newest period first, with their number of recipients."""
    return (
        PartnerUpdate.objects.filter(partnership=partnership)
        .annotate(recipient_count=Count("recipients"))
        .order_by("-period_end", "-created_at", "-pk")
    )


def recipients_of_update(update: PartnerUpdate) -> QuerySet[UpdateRecipient]:
    """Who received it, with the delivery state of their e-mail."""
    return UpdateRecipient.objects.filter(
        partnership_id=update.partnership_id, update=update
    ).select_related("message")
