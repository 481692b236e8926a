"""Uploads: a size limit enforced while the bytes arrive, and what a file is by its content.

The size limit. `SizeLimitHandler` counts the file bytes of a request as they arrive and
stops keeping them past the limit, so a huge upload never fills memory or disk; the form
then says "too large" (`upload_too_large`) instead of "no file". The handler must be in
place before the body is parsed, and CSRF checking parses it: a view that limits its
uploads is `csrf_exempt` outside and `csrf_protect` inside (Django's documented pattern),
which still enforces the token. `UNREADABLE_BODY` lists what parsing a hostile body raises,
so a view can answer 400 instead of 500.

The type. `sniff` tells a file's type from its first bytes and, for the ZIP-based office
formats, from the names inside; the name a person gave the file is never trusted.
"""

import codecs
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # "20 MB" in the messages of the forms that use it
TOO_LARGE_FLAG = "_sterk_upload_too_large"
UNREADABLE_BODY = (
    BadRequest,
    MultiPartParserError,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    UnreadablePostError,
)


class SizeLimitHandler(FileUploadHandler):
    """Pass file bytes on to Django's own handlers until the request's files together exceed
    `limit`; then drop the file being received (and every later one) and flag the request,
    so the page can say "too large" instead of "no file". A dropped file is closed by the
    parser, which deletes a temporary file already begun."""

    def __init__(self, request=None, limit: int = MAX_UPLOAD_BYTES):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if getattr(self.request, TOO_LARGE_FLAG, False):
            raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            setattr(self.request, TOO_LARGE_FLAG, True)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file


def limit_upload_size(request, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Put the size limit first among the request's upload handlers (before the body is
    read: see the module's docstring)."""
    if request.method == "POST":
        request.upload_handlers.insert(0, SizeLimitHandler(request, limit=limit))


def upload_too_large(request) -> bool:
    """Whether the size limit dropped a file of this request."""
    return getattr(request, TOO_LARGE_FLAG, False)


# --- What a file is -----------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    key: str
    label: str  # how a person names it: "PDF", "Excel (XLSX)"
    content_type: str
    extensions: tuple[str, ...]  # the first is the one a nameless file gets


PDF = FileType("pdf", "PDF", "application/pdf", (".pdf",))
PNG = FileType("png", "PNG", "image/png", (".png",))
JPEG = FileType("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg", ".jpe"))
XLSX = FileType(
    "xlsx",
    "Excel (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
DOCX = FileType(
    "docx",
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
ODT = FileType("odt", "OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", (".odt",))
CSV = FileType("csv", "CSV", "text/csv", (".csv", ".txt"))
FILE_TYPES = (PDF, PNG, JPEG, XLSX, DOCX, ODT, CSV)

_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_ZIP_MAGIC = b"PK\x03\x04"
_ODT_MIMETYPE = ODT.content_type.encode()
_CHUNK = 64 * 1024
# What reading a damaged, encrypted or oddly compressed ZIP raises: then it is no office file.
_UNREADABLE_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    RuntimeError,
    NotImplementedError,
)
# Control characters that no text a person writes contains (tab, line feed and carriage
# return are text); NUL above all, which every binary format is full of.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sniff(file) -> FileType | None:
    """The type of `file` (a seekable binary file) by its content, or None when it is none of
    FILE_TYPES. Leaves the file at position 0.

    PDF, PNG and JPEG by their first bytes; XLSX and DOCX as a ZIP with
    `[Content_Types].xml` and entries under `xl/` or `word/`; ODT as a ZIP whose `mimetype`
    entry is the ODT type; CSV as text that decodes as UTF-8 or cp1252 without control
    characters and does not start with markup (an HTML page or SVG image called .csv is
    not a CSV)."""
    try:
        file.seek(0)
        head = file.read(16)
        found = next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)
        if found is None and head.startswith(_ZIP_MAGIC):
            found = _office_type(file)
        elif found is None and head and not _starts_with_markup(file):
            found = CSV if _is_text(file) else None
    finally:
        file.seek(0)
    return found


def _office_type(file) -> FileType | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(len(_ODT_MIMETYPE) + 1).strip() == _ODT_MIMETYPE:
                        return ODT
            if "[Content_Types].xml" in names:
                if any(name.startswith("xl/") for name in names):
                    return XLSX
                if any(name.startswith("word/") for name in names):
                    return DOCX
    except _UNREADABLE_ZIP:
        return None
    return None


def _starts_with_markup(file) -> bool:
    file.seek(0)
    start = file.read(1024).removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
    return start.startswith(b"<")


def _is_text(file) -> bool:
    return any(_decodes(file, encoding) for encoding in ("utf-8-sig", "cp1252"))


def _decodes(file, encoding: str) -> bool:
    file.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := file.read(_CHUNK):
            if _CONTROL.search(chunk):
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
