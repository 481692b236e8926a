"""The demo's partner update (docs/rules.md §29): a few of its fictitious contacts opted in
and one update sent for the first half of 2026, quietly (no e-mail is queued for people who
do not exist). Seeding twice changes nothing."""

import datetime

from partners.models import Contact, Membership, Partnership, Role
from updates import services
from updates.models import PartnerUpdate

PERIOD = (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
TITLE = "Partnerupdate eerste halfjaar 2026"
INTRO = (
    "Een half jaar samenwerken aan sterk techniekonderwijs in de regio: hieronder de "
    "successen die we vierden, de partners die erbij kwamen en de activiteiten die startten.\n"
    "Dank aan iedereen die meedoet!"
)
OPTED_IN = 6


def seed(partnership: Partnership) -> PartnerUpdate | None:
    contacts = list(
        Contact.objects.filter(partnership=partnership, is_primary=True)
        .exclude(email="")
        .order_by("organisation__name", "pk")[:OPTED_IN]
    )
    for contact in contacts:
        if not contact.receives_updates:
            contact.receives_updates = True
            contact.save(update_fields=["receives_updates"])
    if PartnerUpdate.objects.filter(partnership=partnership).exists():
        return None
    leader = (
        Membership.objects.filter(partnership=partnership, role=Role.LEADER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    user = leader.user if leader else None
    update = services.update_create(
        partnership=partnership, start=PERIOD[0], end=PERIOD[1], user=user, title=TITLE
    )
    update = services.update_edit(update=update, intro=INTRO)
    with services.quiet():
        services.update_send(update=update, user=user)
    return update
