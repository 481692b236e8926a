"""The progress report draft (docs/rules.md §22): goals and how far they are, the activities
with their status and results, the evaluations and the cofinancing so far (realised against
pledged), assembled from the data for the project leader to finish, as a PDF and as HTML a
word processor opens.

The document is Dutch, whatever the reader's interface language, like the agreement. The
data is read in a fixed number of queries; the template escapes every text, so HTML typed
into a title prints as text.
"""

import datetime as dt
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from activities.models import EVALUATION_QUESTIONS, Activity, Evaluation, Goal, Result
from cofinancing.models import PLEDGED_AND_UP, REALISED_AND_UP, Budget
from cofinancing.reports.blocks import natural_key
from cofinancing.selectors.summary import partnership_summary
from sterk.money import ZERO, format_euro
from sterk.printing import PDF_DIR, local_fetcher, stylesheets

STYLESHEET = PDF_DIR / "report.css"


def progress_filename(partnership, day: dt.date, extension: str) -> str:
    return f"voortgangsrapportage-{partnership.slug}-{day.isoformat()}.{extension}"


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}".replace(".", ",")


def _percent(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "—"
    return f"{(part * 100 / whole).quantize(Decimal('0.1'))}".replace(".", ",") + "%"


def _goals(partnership, activities) -> list[dict]:
    goals = list(
        Goal.objects.filter(partnership=partnership)
        .prefetch_related("activities")
        .order_by("title", "pk")
    )
    measured: dict[int, list[Result]] = {}
    for result in (
        Result.objects.filter(partnership=partnership, goal__isnull=False, value__isnull=False)
        .select_related("activity")
        .order_by("date", "pk")
    ):
        measured.setdefault(result.goal_id, []).append(result)
    codes = {activity.pk: activity for activity in activities}
    items = []
    for goal in goals:
        results = measured.get(goal.pk, [])
        latest = results[-1] if results else None
        serving = sorted(
            (codes[a.pk] for a in goal.activities.all() if a.pk in codes),
            key=lambda a: natural_key(a.short_code),
        )
        items.append(
            {
                "title": goal.title,
                "description": goal.description,
                "regional_need": goal.regional_need,
                "horizon": goal.get_horizon_display(),
                "indicator": goal.indicator,
                "target": _number(goal.target_value),
                "unit": goal.unit,
                "latest": _number(latest.value) if latest else "",
                "latest_date": latest.date if latest else None,
                "measurements": [
                    {
                        "date": r.date,
                        "value": _number(r.value),
                        "activity": r.activity.short_code,
                        "description": r.description,
                    }
                    for r in results
                ],
                "activities": [
                    {"code": a.short_code, "title": a.title, "status": a.get_status_display()}
                    for a in serving
                ],
            }
        )
    return items


def _activities(partnership) -> list[Activity]:
    return sorted(
        Activity.objects.filter(partnership=partnership)
        .select_related("lead_organisation")
        .prefetch_related("participants__organisation", "results"),
        key=lambda a: (natural_key(a.short_code), a.pk),
    )


def _activity(activity: Activity) -> dict:
    lead = activity.lead_organisation
    return {
        "code": activity.short_code,
        "title": activity.title,
        "description": activity.description,
        "form": activity.get_form_display(),
        "status": activity.get_status_display(),
        "lead": lead.name if lead else "",
        "start": activity.start_date,
        "end": activity.end_date,
        "other_funding": activity.other_funding,
        "participants": sorted(
            (p.organisation.name for p in activity.participants.all()), key=str.casefold
        ),
        "results": [
            {"date": r.date, "kind": r.get_kind_display(), "description": r.description}
            for r in sorted(activity.results.all(), key=lambda r: (r.date, r.pk))
        ],
    }


def _evaluations(partnership) -> list[dict]:
    evaluations = (
        Evaluation.objects.filter(partnership=partnership)
        .prefetch_related("organisations")
        .order_by("-date", "-pk")
    )
    return [
        {
            "date": evaluation.date,
            "answers": [
                {"question": str(question), "answer": getattr(evaluation, field)}
                for field, question in EVALUATION_QUESTIONS
            ],
            "decisions": evaluation.decisions,
            "organisations": sorted(
                (o.name for o in evaluation.organisations.all()), key=str.casefold
            ),
            "others": evaluation.other_participants,
        }
        for evaluation in evaluations
    ]


def _cofinancing(partnership, budget: Budget | None) -> dict | None:
    """Business cofinancing so far: per year and per company, realised against pledged."""
    if budget is None:
        return None
    pledged = partnership_summary(partnership=partnership, statuses=PLEDGED_AND_UP, budget=budget)
    realised = partnership_summary(partnership=partnership, statuses=REALISED_AND_UP, budget=budget)
    years = [
        {
            "year": year,
            "pledged": format_euro(pledged.by_year[year].business_total),
            "realised": format_euro(realised.by_year[year].business_total),
            "percent": _percent(
                realised.by_year[year].business_total, pledged.by_year[year].business_total
            ),
        }
        for year in pledged.years
        if year in realised.by_year
    ]
    done = {o.organisation_id: o.total for o in realised.by_organisation}
    companies = [
        {
            "name": o.name,
            "pledged": format_euro(o.total),
            "realised": format_euro(done.get(o.organisation_id, ZERO)),
            "percent": _percent(done.get(o.organisation_id, ZERO), o.total),
        }
        for o in sorted(pledged.by_organisation, key=lambda o: o.name.casefold())
        if o.counts_as_business
    ]
    return {
        "scheme": budget.scheme.name,
        "share": f"{(budget.scheme.share * 100).normalize():f}".replace(".", ",") + "%",
        "required": format_euro(pledged.total.required),
        "pledged": format_euro(pledged.total.business_total),
        "pledged_met": pledged.total.met,
        "realised": format_euro(realised.total.business_total),
        "realised_percent": _percent(realised.total.business_total, pledged.total.business_total),
        "years": years,
        "companies": companies,
    }


def progress_context(*, partnership, budget: Budget | None, today: dt.date) -> dict:
    """Everything the draft shows; about twenty queries, however many rows."""
    with translation.override("nl"):
        activities = _activities(partnership)
        return {
            "partnership": partnership,
            "today": today,
            "goals": _goals(partnership, activities),
            "activities": [_activity(activity) for activity in activities],
            "evaluations": _evaluations(partnership),
            "cofinancing": _cofinancing(partnership, budget),
        }


def progress_html(context: dict) -> str:
    """The HTML a word processor opens: simple markup, its style in one <style> block."""
    with translation.override("nl"):
        return render_to_string("pdf/progress_word.html", context)


def progress_pdf(context: dict) -> bytes:
    from weasyprint import CSS, HTML  # importing WeasyPrint costs ~0.5 s: only when rendering

    with translation.override("nl"):
        html = render_to_string("pdf/progress.html", context)
    fetcher = local_fetcher()
    document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets(CSS, fetcher, STYLESHEET))
