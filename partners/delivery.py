"""Where an undelivered invitation e-mail is seen and fixed: the members page."""

from django.urls import reverse
from django_scopes import scopes_disabled

from outbox import listeners
from partners.models import Invitation


def link(message) -> str:
    with scopes_disabled():
        invitation = Invitation.objects.select_related("partnership").get(pk=message.object_id)
    return reverse("partners:member-list", kwargs={"slug": invitation.partnership.slug})


def register() -> None:
    listeners.listen(Invitation, link=link)
