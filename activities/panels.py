"""The activities an organisation leads or joins, with its tasks, on the organisation page."""

from django.db.models import Q

from activities.models import Activity, Participant
from partners.panels import register_organisation_panel


@register_organisation_panel
def organisation_activities(*, tenant, organisation):
    """Two queries: the activities, and this organisation's participations in them."""
    activities = list(
        Activity.objects.filter(partnership=tenant.partnership)
        .filter(Q(lead_organisation=organisation) | Q(participants__organisation=organisation))
        .distinct()
        .order_by("start_date", "sort_key", "pk")
    )
    tasks = {
        p.activity_id: p
        for p in Participant.objects.filter(
            partnership=tenant.partnership, organisation=organisation, activity__in=activities
        )
    }
    rows = [
        {
            "activity": activity,
            "leads": activity.lead_organisation_id == organisation.pk,
            "participant": tasks.get(activity.pk),
        }
        for activity in activities
    ]
    return "activities/_organisation_activities.html", {"rows": rows, "organisation": organisation}
