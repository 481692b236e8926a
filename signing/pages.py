"""The document's pages as images, so a signer reads the exact PDF at the width of any screen.

A phone's built-in PDF viewer, inside a page, shows tiny text on a black area, or nothing.
So the PDF's pages are rendered on the server (pypdfium2, the PDF engine of Chromium) to PNG
at a few widths, and the page shows them one under the other with `srcset`, so every screen
gets sharp text without zooming. The PDF itself stays one tap away as a download, with its
SHA-256; the images are only a way of reading it.

`layout` runs once, when the document is made: the size of every page (so the page reserves
the room before the images arrive) and the page on which each of the kind's headings
starts (so "what you commit to" links to the right page). A page image is rendered on first
request and kept in storage, keyed by the PDF's SHA-256, so it is rendered once for everyone.
"""

import io
import logging
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1440)
DEFAULT_WIDTH = 960
MAX_PAGES = 500  # a document to sign, not a library: more pages are not shown as images
COLOURS = 32  # text documents need few; a palette makes a page ~4× smaller


def _pdfium():
    import pypdfium2

    return pypdfium2


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def layout(data: bytes, headings: dict[str, str] | None = None) -> dict:
    """{"sizes": [[width, height] in points, …], "anchors": {key: page number}} for the
    PDF's bytes; a heading that is not found has no anchor. Never raises: a PDF that cannot
    be read gets an empty layout (the page then offers the download only)."""
    try:
        pdf = _pdfium().PdfDocument(data)
    except Exception as error:  # pdfium raises its own kinds on bad input
        logger.warning("Cannot lay out a document to sign: %r", error)
        return {"sizes": [], "anchors": {}}
    try:
        count = min(len(pdf), MAX_PAGES)
        sizes, anchors = [], {}
        wanted = {key: _words(text) for key, text in (headings or {}).items() if text.strip()}
        for index in range(count):
            page = pdf[index]
            width, height = page.get_size()
            sizes.append([round(width, 2), round(height, 2)])
            if wanted:
                text = _words(page.get_textpage().get_text_range())
                for key, heading in list(wanted.items()):
                    if heading in text:
                        anchors[key] = index + 1
                        del wanted[key]
        return {"sizes": sizes, "anchors": anchors}
    finally:
        pdf.close()


def nearest_width(value) -> int:
    """The rendered width closest to what was asked; anything odd gets the default."""
    try:
        asked = int(str(value))
    except (TypeError, ValueError):
        return DEFAULT_WIDTH
    return min(WIDTHS, key=lambda width: abs(width - asked))


def _name(pdf_sha256: str, width: int, number: int) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", pdf_sha256 or ""):
        raise ValueError("not a SHA-256")
    return f"pages/{pdf_sha256}/{width}/{number}.png"


def page_image(document, number: int, width: int) -> str | None:
    """The storage name of page `number` (from 1) of the document at `width` pixels,
    rendered now if it was not yet; None when the document has no such page."""
    sizes = (document.pages or {}).get("sizes") or []
    if not 1 <= number <= len(sizes) or width not in WIDTHS:
        return None
    name = _name(document.pdf_sha256, width, number)
    if default_storage.exists(name):
        return name
    with document.pdf.open("rb") as handle:
        data = handle.read()
    png = render_page(data, number, width)
    if not default_storage.exists(name):  # another request may have been first
        default_storage.save(name, ContentFile(png))
    return name


def render_page(data: bytes, number: int, width: int) -> bytes:
    """Page `number` (from 1) of the PDF as a PNG `width` pixels wide, in a small palette."""
    from PIL import Image

    pdf = _pdfium().PdfDocument(data)
    try:
        page = pdf[number - 1]
        image = page.render(scale=width / page.get_size()[0]).to_pil()
    finally:
        pdf.close()
    image = image.convert("P", palette=Image.Palette.ADAPTIVE, colors=COLOURS)
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


def page_list(document) -> list[dict]:
    """What the template needs for each page: its number and its height at each width."""
    sizes = (document.pages or {}).get("sizes") or []
    return [
        {
            "number": number,
            "width": DEFAULT_WIDTH,
            "height": round(DEFAULT_WIDTH * height / width) if width else DEFAULT_WIDTH,
        }
        for number, (width, height) in enumerate(sizes, 1)
    ]
