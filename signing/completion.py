"""The signature page and audit certificate appended to a signed document before sealing
(docs/rules.md §15), printed in Dutch from the plain dict of signing.certificate.

Pure functions on bytes and plain dicts; nothing here touches the database.
"""

import base64
import binascii
import re
from datetime import UTC, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sterk.printing import PDF_DIR, local_fetcher, stylesheets

COMPLETION_STYLESHEET = PDF_DIR / "completion.css"
VERIFY_PATH = "/verify/"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
# A drawn signature is a small PNG; anything bigger or odder is left out of the page
# rather than handed to the image decoder (a tiny PNG can claim enormous dimensions).
MAX_IMAGE_BYTES = 256 * 1024
MAX_IMAGE_SIDE = 5000
MAX_IMAGE_PIXELS = 10_000_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_DATA_URL = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\s]+)", re.ASCII)
# An e-mail address inside free text, such as an actor "Name <name@example.nl>".
_EMAIL_ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:@]+@[^\s<>()\[\]\"',;:@]+")
_DOMAIN_DOT = re.compile(r"\.(?=[^.]*\.)")  # every dot but the last: "twente.nl" stays whole
_NAME_AND_ADDRESS = re.compile(r"(.*\S)\s+<([^<>\s]+@[^<>\s]+)>", re.DOTALL)
# A SHA-256 in hex is 64 characters; the event table prints it as two lines of 32.
HASH_LINE = 32


def verify_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}{VERIFY_PATH}"


def _parse_time(value) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def dutch_datetime(value) -> str:
    """'27 november 2026 om 14:05' in Amsterdam time; the text itself when not a time."""
    moment = _parse_time(value)
    if moment is None:
        return str(value or "—")
    local = moment.astimezone(AMSTERDAM)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} om {local:%H:%M}"


def compact_datetime(value) -> str:
    """'27-11-2026 14:05:33' in Amsterdam time, for the narrow column of the event table."""
    moment = _parse_time(value)
    if moment is None:
        return str(value or "—")
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M:%S")


def _png_bytes(data_url: str) -> bytes | None:
    """The PNG in a data: URL, or None when it is not a small, sane PNG."""
    if not isinstance(data_url, str) or len(data_url) > MAX_IMAGE_BYTES * 4 // 3 + 64:
        return None
    match = _DATA_URL.fullmatch(data_url.strip())
    if not match:
        return None
    try:
        body = base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(body) > MAX_IMAGE_BYTES or not body.startswith(PNG_MAGIC) or body[12:16] != b"IHDR":
        return None
    width = int.from_bytes(body[16:20], "big")
    height = int.from_bytes(body[20:24], "big")
    if not (0 < width <= MAX_IMAGE_SIDE and 0 < height <= MAX_IMAGE_SIDE):
        return None
    if width * height > MAX_IMAGE_PIXELS:
        return None
    return body


def _image_url(value) -> str:
    body = _png_bytes(value) if value else None
    return "data:image/png;base64," + base64.b64encode(body).decode() if body else ""


def _completion_fetcher():
    """The agreement's local-files-only fetcher, plus the checked PNG data: URLs of drawn
    signatures; nothing is ever fetched over the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    local = local_fetcher()

    class CompletionFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                body = _png_bytes(url)
                if body is None:
                    raise ValueError("only small PNG data: URLs are rendered")
                return URLFetcherResponse(url, body=body, headers={"Content-Type": "image/png"})
            return local.fetch(url, headers)

    return CompletionFetcher(allowed_protocols=("file", "data"))


METHODS = {
    "online": "Online, na bevestiging met een eenmalige code per e-mail",
    "in_person": "Persoonlijk, op één apparaat",
    "paper": "Op papier; de ondertekende scan is geüpload",
}


def _short(value) -> str:
    return str(value or "")[:16]


def soft_break_emails(value) -> SafeString:
    """The text, HTML-escaped, with a line-break opportunity (<wbr>) after the "@" and
    after each "." but the last of the domain of every e-mail address in it.

    A narrow column then breaks "j.devries@<wbr>mail.<wbr>roc-twente.nl" between its
    parts instead of mid-word. The part before the "@" stays whole (a break after "j."
    reads as the end of the address) and so does the last part of the domain (a lone "nl>"
    on a line says nothing). Hyphens are break opportunities anyway;
    `overflow-wrap: anywhere` stays the last resort for a part too long for its column.
    """
    text = str(value or "")
    parts = []
    last = 0
    for match in _EMAIL_ADDRESS.finditer(text):
        parts.append(escape(text[last : match.start()]))
        # Escaping adds no "@" or "." (entities are like &amp; and &#x27;).
        local, domain = escape(match.group()).split("@", 1)
        parts.append(f"{local}@<wbr>{_DOMAIN_DOT.sub('.<wbr>', domain)}")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of input was escaped above


def actor_html(value) -> SafeString:
    """Who did something, for the narrow "by" column: a signatory recorded as
    "Name <address>" gets the address on a line of its own, in smaller type, so the row
    stays two lines high; any other actor is printed as it is."""
    text = str(value or "")
    match = _NAME_AND_ADDRESS.fullmatch(text)
    if not match:
        return soft_break_emails(text)
    name, address = match.groups()
    return format_html(
        '{} <span class="address">&lt;{}&gt;</span>', name, soft_break_emails(address)
    )


def _hash_lines(value) -> list[str]:
    """A hash cut into lines of HASH_LINE characters: printed once, never past its column."""
    digest = str(value or "")
    return [digest[start : start + HASH_LINE] for start in range(0, len(digest), HASH_LINE)]


def _events(events: list) -> list[dict]:
    """The rows of the event table.

    Each event's hash is printed once. The previous event's hash (which each hash includes)
    is printed only where that event is not the row above: on the first row and after a
    gap, where events of the agreement outside this round came in between. Everywhere else
    it is the hash printed one row up, and repeating it would only take space.
    """
    rows = []
    above = None
    for event in events:
        prev_hash = str(event.get("prev_hash") or "")
        rows.append(
            {
                **event,
                "at_text": compact_datetime(event.get("at")),
                "actor_html": actor_html(event.get("actor")),
                "concerning": str(event.get("concerning") or ""),
                "hash_lines": _hash_lines(event.get("hash")),
                "prev_short": _short(prev_hash) if prev_hash and prev_hash != above else "",
            }
        )
        above = str(event.get("hash") or "")
    return rows


def _signature(signature: dict, document_pdf_sha256: str) -> dict:
    shown = str(signature.get("pdf_sha256") or "")
    if not shown:
        shown_note = ""
    elif shown == document_pdf_sha256:
        shown_note = "gelijk aan de PDF van dit document"
    else:
        shown_note = "wijkt af van de PDF van dit document"
    method = str(signature.get("method") or "")
    return {
        **signature,
        "method_text": METHODS.get(method, method or "—"),
        "is_online": method == "online",
        "is_paper": method == "paper",
        "signed_at_text": dutch_datetime(signature.get("signed_at")),
        "code_verified_text": dutch_datetime(signature.get("code_verified_at"))
        if signature.get("code_verified_at")
        else "",
        "image_url": _image_url(signature.get("signature_image")),
        "email_html": soft_break_emails(signature.get("email")),
        "shown_note": shown_note,
    }


def _is_hash(value) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{64}", str(value or "")))


def completion_context(certificate: dict) -> dict:
    """What completion.html shows, formatted the Dutch way from the certificate dict."""
    document = certificate.get("document") or {}
    round_ = certificate.get("round") or {}
    document_pdf = str(document.get("pdf_sha256") or "")
    reference = str(document.get("reference") or document_pdf)
    return {
        "document": document,
        "lines": [
            {"label": str(label), "value": str(value), "is_hash": _is_hash(value)}
            for label, value in certificate.get("lines") or []
        ],
        "hash_prefix": reference[:12],
        "round": {
            **round_,
            "sent_at_text": dutch_datetime(round_.get("sent_at")),
            "completed_at_text": dutch_datetime(round_.get("completed_at")),
            "deadline_text": dutch_datetime(round_.get("deadline"))
            if round_.get("deadline")
            else "—",
        },
        "signatures": [
            _signature(signature, document_pdf) for signature in certificate.get("signatures") or []
        ],
        "events": _events(certificate.get("events") or []),
        "verify_url": verify_url(),
    }


def render_completion_pages(certificate: dict) -> bytes:
    """The signature page and the audit certificate, as a PDF/A-3b document (A4)."""
    from weasyprint import CSS, HTML  # importing WeasyPrint costs ~0.5 s: only when rendering

    with translation.override("nl"):
        html = render_to_string("pdf/completion.html", completion_context(certificate))
    fetcher = _completion_fetcher()
    document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=stylesheets(CSS, fetcher, COMPLETION_STYLESHEET), pdf_variant="pdf/a-3b"
    )


def completion_pdf(document_pdf: bytes, certificate: dict) -> bytes:
    """The final document before sealing: the document's pages, then the completion pages.

    The document's PDF is cloned, so its catalogue (XMP metadata with the PDF/A-3b claim,
    output intent, language, outline) and information dictionary (title) carry over.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(document_pdf)))
    writer.append(PdfReader(BytesIO(render_completion_pages(certificate))))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()
