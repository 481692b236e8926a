"""Reads on results (successes and setbacks), for the activity page and the dashboard."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from activities.models import Activity, Result
from partners.models import Partnership


def latest_results(*, partnership: Partnership, limit: int = 5) -> QuerySet[Result]:
    """The newest successes and setbacks of the partnership (by date, then entry), with
    their activity and goal, for the dashboard."""
    return (
        Result.objects.filter(partnership=partnership)
        .select_related("activity", "goal")
        .order_by("-date", "-pk")[:limit]
    )


def activity_results(*, activity: Activity) -> QuerySet[Result]:
    """The results of one activity, newest first, with their goal and who entered them."""
    return (
        Result.objects.filter(partnership=activity.partnership_id, activity=activity)
        .select_related("goal", "created_by")
        .order_by("-date", "-pk")
    )


def future_results(*, activity: Activity, today: datetime.date | None = None) -> QuerySet[Result]:
    """Results dated after today: a cancelled activity may not have any,
    so cancelling an activity that has them should be refused."""
    return Result.objects.filter(
        partnership=activity.partnership_id,
        activity=activity,
        date__gt=today or timezone.localdate(),
    ).order_by("date", "pk")
