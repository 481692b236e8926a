"""Reads on contact moments: the follow-up list, relationships gone quiet, an organisation's
latest contact moments. Each returns rows with what a page shows already joined, so a page
runs a fixed number of queries.
"""

import datetime

from django.db.models import (
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from partners.models import ACTIVE_STAGES, Contact, Interaction, Organisation, Partnership

# "Due in the next 7 days": today and the seven days after it.
DUE_SOON_DAYS = 7


def open_next_steps(
    *, partnership: Partnership, until: datetime.date | None = None, owner=None
) -> QuerySet[Interaction]:
    """Next steps not done yet, soonest due first; `until` keeps those due on or before it,
    `owner` (a user) those of one member."""
    steps = Interaction.objects.filter(partnership=partnership, next_step_done_at=None).exclude(
        next_step=""
    )
    if until is not None:
        steps = steps.filter(next_step_due__lte=until)
    if owner is not None:
        steps = steps.filter(next_step_owner=owner)
    return steps.select_related("organisation", "next_step_owner", "next_step_done_by").order_by(
        F("next_step_due").asc(nulls_last=True), "organisation__name", "pk"
    )


def follow_ups_due(*, partnership: Partnership, today: datetime.date) -> QuerySet[Interaction]:
    """Open next steps that are overdue or due in the next 7 days, by due date."""
    return open_next_steps(
        partnership=partnership, until=today + datetime.timedelta(days=DUE_SOON_DAYS)
    )


def gone_quiet(*, partnership: Partnership, today: datetime.date) -> QuerySet[Organisation]:
    """Organisations in an active stage without a contact moment in the last
    N = `partnership.quiet_after_days` days, longest quiet first.

    A moment dated today − N or later counts as recent; one dated after today is planned,
    not contact, so it neither counts as recent nor as the last contact. An organisation
    also has N days of grace after moving into its current stage (its `stage_changed_at`
    falls on today − N or earlier), so one just moved into an active stage is not "gone
    quiet (never)" at once. Annotates `last_contact` (a date, or None for never) and
    `quiet_for` (a timedelta, or None).
    """
    since = today - datetime.timedelta(days=partnership.quiet_after_days)
    # The first moment of the day after `since`, local time: a stage entered before it has
    # been held for at least N days.
    in_stage_before = timezone.make_aware(
        datetime.datetime.combine(since + datetime.timedelta(days=1), datetime.time.min)
    )
    recent = Interaction.objects.filter(
        partnership=partnership,
        organisation=OuterRef("pk"),
        date__gte=since,
        date__lte=today,
    )
    return (
        Organisation.objects.filter(
            partnership=partnership,
            stage__in=ACTIVE_STAGES,
            stage_changed_at__lt=in_stage_before,
        )
        .filter(~Exists(recent))
        .annotate(last_contact=Max("interactions__date", filter=Q(interactions__date__lte=today)))
        .annotate(
            quiet_for=Value(today, output_field=DateField()) - F("last_contact"),
        )
        .select_related("relationship_owner")
        .order_by(F("last_contact").asc(nulls_first=True), "name", "pk")
    )


def organisation_interactions(*, organisation: Organisation, limit: int = 20) -> list[Interaction]:
    """The latest contact moments of one organisation, newest first, with their people."""
    return list(
        Interaction.objects.filter(
            partnership=organisation.partnership_id, organisation=organisation
        )
        .select_related("next_step_owner", "next_step_done_by")
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(partnership=organisation.partnership_id).order_by(
                    "name"
                ),
            ),
            "members",
        )
        .order_by("-date", "-pk")[:limit]
    )
