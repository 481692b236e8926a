"""Minutes of a meeting and the decision list as PDF (WeasyPrint), in Dutch whatever the
reader's language (docs/rules.md §27)."""

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from sterk.printing import PDF_DIR, local_fetcher, stylesheets

STYLESHEET = PDF_DIR / "governance.css"


def _date(value) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def _render(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML  # importing WeasyPrint costs ~0.5 s: only when rendering

    with translation.override("nl"):
        html = render_to_string(template, {**context, "printed": _date(timezone.localdate())})
    fetcher = local_fetcher()
    document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets(CSS, fetcher, STYLESHEET))


def minutes_pdf(*, meeting, partnership) -> bytes:
    """The minutes: body, date, attendees, agenda, minutes, decisions and actions."""
    with translation.override("nl"):
        date_text = _date(meeting.date)
    attendees = sorted(m.display_name for m in meeting.attendees.all())
    return _render(
        "pdf/minutes.html",
        {
            "partnership": partnership,
            "meeting": meeting,
            "body": meeting.body,
            "date_text": date_text,
            "attendees": attendees,
            "decisions": list(meeting.decisions.all()),
            "actions": list(meeting.actions.all()),
        },
    )


def minutes_filename(meeting) -> str:
    return f"verslag-{meeting.date.isoformat()}.pdf"


def decisions_pdf(*, decisions, partnership) -> bytes:
    with translation.override("nl"):
        rows = [{"decision": d, "date_text": _date(d.meeting.date)} for d in decisions]
    return _render("pdf/decisions.html", {"partnership": partnership, "rows": rows})


def decisions_filename(partnership) -> str:
    return f"besluitenlijst-{partnership.slug}-{timezone.localdate().isoformat()}.pdf"
