"""How an update reads: in the preview, the PDF and the e-mail alike. A section's text is
plain: lines starting with "- " make a list, other lines make paragraphs. Dutch whatever
the reader's language, like every printed document."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation

from sterk.printing import PDF_DIR, local_fetcher, stylesheets

STYLESHEET = PDF_DIR / "report.css"


def blocks(text: str) -> list[dict]:
    """[{"kind": "p", "text": ...} | {"kind": "ul", "items": [...]}], in order."""
    result: list[dict] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(("- ", "• ", "* ")):
            item = line[2:].strip()
            if result and result[-1]["kind"] == "ul":
                result[-1]["items"].append(item)
            else:
                result.append({"kind": "ul", "items": [item]})
        else:
            result.append({"kind": "p", "text": line})
    return result


def update_context(update) -> dict:
    with translation.override("nl"):
        period = "{} – {}".format(
            formats.date_format(update.period_start, "j F Y"),
            formats.date_format(update.period_end, "j F Y"),
        )
        sections = [
            {"heading": str(heading), "blocks": blocks(text)} for heading, text in update.sections()
        ]
    return {
        "update": update,
        "partnership": update.partnership,
        "period": period,
        "intro": blocks(update.intro),
        "sections": sections,
    }


def render_html(update) -> str:
    with translation.override("nl"):
        return render_to_string("pdf/update.html", update_context(update))


def render_pdf(update) -> bytes:
    from weasyprint import CSS, HTML  # importing WeasyPrint costs ~0.5 s: only when rendering

    fetcher = local_fetcher()
    document = HTML(
        string=render_html(update), base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher
    )
    return document.write_pdf(stylesheets=stylesheets(CSS, fetcher, STYLESHEET))


def pdf_filename(update) -> str:
    return f"partnerupdate-{update.partnership.slug}-{update.period_end:%Y-%m-%d}.pdf"


def unsubscribe_url(token: str) -> str:
    return settings.SITE_URL + reverse("update-unsubscribe", kwargs={"token": token})


def unsubscribe_headers(link: str) -> dict[str, str]:
    """The headers that let a mail program offer "unsubscribe" itself (RFC 2369) and do it
    with one POST, without opening a page (RFC 8058). No mailto: nobody reads the sender's
    mailbox to act on it, so only the link that works by itself is offered."""
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def email_text(update, *, name: str, unsubscribe_link: str) -> tuple[str, str]:
    """(subject, body) of the e-mail to one recipient."""
    with translation.override("nl"):
        body = render_to_string(
            "updates/email/update.txt",
            {**update_context(update), "name": name, "unsubscribe_link": unsubscribe_link},
        )
    return update.title, body.strip() + "\n"
