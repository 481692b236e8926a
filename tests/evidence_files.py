"""Tiny real files of every type evidence may be, made in memory, and helpers to upload them."""

import io
import os
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
CSV = "Datum;Uren;Omschrijving\n2026-01-05;4;Gastles café\n".encode("cp1252")


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Datum", "Uren"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            # ODF wants its mimetype entry first and stored, not compressed.
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        }
    )


def odt() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
        }
    )


def plain_zip() -> bytes:
    return _zip({"readme.txt": b"just a zip"})


def ods() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<x/>",
        }
    )


# (file name, bytes factory, the content type Sterk must decide)
ALLOWED = [
    ("urenstaat.pdf", lambda: PDF, "application/pdf"),
    ("bon.png", png, "image/png"),
    ("foto.JPG", jpeg, "image/jpeg"),
    (
        "uren.xlsx",
        xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "overeenkomst.docx",
        docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("overeenkomst.odt", odt, "application/vnd.oasis.opendocument.text"),
    ("uren.csv", lambda: CSV, "text/csv"),
]

# Files that are none of the accepted types, whatever their names say.
LYING = [
    ("evil.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("evil.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(64)),
    ("evil.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("evil.csv", b"\xef\xbb\xbf<html><body>hi</body></html>"),
    ("evil.docx", plain_zip()),
    ("evil.odt", ods()),
    ("evil.csv", b"a;b\n\x00\x01\x02"),
    ("evil.csv", b"\x81\x8d\x8f\x90\x9d"),  # neither UTF-8 nor cp1252
    ("evil.xlsx", b"PK\x03\x04 not really a zip"),
]


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def media_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    return {os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names}
