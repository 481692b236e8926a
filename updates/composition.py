"""An update's sections composed from the partnership's data for a period (docs/rules.md §29):
the successes celebrated (results marked as success, activities completed), the organisations
that committed or signed, the activities that started, and the share of business so far. A
fixed number of queries whatever the number of rows; the texts are plain lines the leader
edits before sending, in Dutch like every printed document."""

import datetime

from django.utils import formats, translation
from django.utils.translation import gettext as _

from activities.models import Activity, ActivityStatus, CooperationForm, Result, ResultKind
from cofinancing.selectors.summary import (
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    partnership_budget,
    partnership_summary,
)
from partners.models import Stage, StageChange
from sterk.money import format_euro, round_money
from updates.models import TEXT_LIMIT

# At most this many lines per section: the update stays readable and within its limit.
MAX_LINES = 40
JOINED = (Stage.COMMITTED, Stage.SIGNED)


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


def _lines(lines: list[str], more: bool) -> str:
    if more:
        lines = [*lines, _("… and more.")]
    text = "\n".join(f"- {line}" if not line.startswith("…") else line for line in lines)
    return text[:TEXT_LIMIT]


def _successes(partnership, start, end) -> str:
    results = list(
        Result.objects.filter(
            partnership=partnership, kind=ResultKind.SUCCESS, date__range=(start, end)
        )
        .select_related("activity")
        .order_by("-celebrated", "date", "pk")[: MAX_LINES + 1]
    )
    completed = list(
        Activity.objects.filter(
            partnership=partnership, status=ActivityStatus.COMPLETED, end_date__range=(start, end)
        ).order_by("end_date", "title")[: MAX_LINES + 1]
    )
    lines = [
        f"{result.activity.title}: {' '.join(result.description.split())}"
        for result in results[:MAX_LINES]
    ]
    lines += [
        _("%(title)s was completed on %(date)s.")
        % {"title": activity.title, "date": _date(activity.end_date)}
        for activity in completed[:MAX_LINES]
    ]
    return _lines(lines, len(results) > MAX_LINES or len(completed) > MAX_LINES)


def _new_partners(partnership, start, end) -> str:
    changes = (
        StageChange.objects.filter(
            partnership=partnership,
            to_stage__in=JOINED,
            changed_at__date__range=(start, end),
        )
        .select_related("organisation")
        .order_by("changed_at", "pk")[: MAX_LINES * 5]
    )
    # The latest move of each organisation in the period: committed, then signed, says signed.
    latest = {}
    for change in changes:
        latest[change.organisation_id] = change
    rows = sorted(latest.values(), key=lambda change: change.organisation.name.lower())
    stage_text = {Stage.COMMITTED: _("committed itself"), Stage.SIGNED: _("signed")}
    lines = [
        f"{change.organisation.name} ({change.organisation.get_kind_display()}"
        f"{', ' + change.organisation.city if change.organisation.city else ''}): "
        f"{stage_text[change.to_stage]}"
        for change in rows[:MAX_LINES]
    ]
    return _lines(lines, len(rows) > MAX_LINES)


def _activities_started(partnership, start, end) -> str:
    activities = list(
        Activity.objects.filter(partnership=partnership, start_date__range=(start, end))
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("lead_organisation")
        .order_by("start_date", "title")[: MAX_LINES + 1]
    )
    lines = []
    for activity in activities[:MAX_LINES]:
        line = _("%(title)s (%(form)s), from %(date)s") % {
            "title": activity.title,
            "form": CooperationForm(activity.form).label,
            "date": _date(activity.start_date),
        }
        if activity.lead_organisation_id:
            line += _("; led by %(name)s") % {"name": activity.lead_organisation.name}
        lines.append(line)
    return _lines(lines, len(activities) > MAX_LINES)


def _share(partnership) -> str:
    budget = partnership_budget(partnership=partnership)
    if budget is None:
        return ""
    pledged = partnership_summary(partnership=partnership, statuses=PLEDGED_AND_UP, budget=budget)
    realised = partnership_summary(partnership=partnership, statuses=REALISED_AND_UP, budget=budget)
    required = format_euro(round_money(pledged.share * 100), symbol=False).rstrip("0").rstrip(",")
    text = _(
        "Business has pledged %(pledged)s so far: %(percentage)s%% of the budget that counts "
        "(at least %(required)s%% is needed)."
    ) % {
        "pledged": format_euro(pledged.total.business_total),
        "percentage": format_euro(pledged.total.percentage, symbol=False),
        "required": required,
    }
    text += " " + _("Realised so far: %(realised)s (%(percentage)s%%).") % {
        "realised": format_euro(realised.total.business_total),
        "percentage": format_euro(realised.total.percentage, symbol=False),
    }
    return text


def compose(*, partnership, start: datetime.date, end: datetime.date) -> dict[str, str]:
    """The four sections' texts for the period (both dates included), in Dutch."""
    with translation.override("nl"):
        return {
            "successes_text": _successes(partnership, start, end),
            "new_partners_text": _new_partners(partnership, start, end),
            "activities_text": _activities_started(partnership, start, end),
            "share_text": _share(partnership),
        }


def default_title(*, start: datetime.date, end: datetime.date) -> str:
    with translation.override("nl"):
        return _("Partner update %(start)s – %(end)s") % {
            "start": _date(start),
            "end": _date(end),
        }
