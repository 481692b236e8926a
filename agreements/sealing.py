"""The final signed agreement: completion pages, the platform's PAdES seal and its check.

Pure functions on bytes and plain dicts; nothing here touches the database, so the sealing
task, the verify page and tests all use the same code. The seal is a PAdES signature of the
whole document by the platform (pyHanko), added as an incremental update. Anything appended
after it, or any changed byte inside it, shows up as "altered" in check_seal.

Keys are RSA on purpose: an EC key makes pyHanko mark the file as PDF 2.0, which breaks the
PDF/A-3b claim the agreement carries.
"""

import asyncio
import base64
import binascii
import concurrent.futures
import functools
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from agreements.pdf import PDF_DIR, _local_fetcher, stylesheets

logger = logging.getLogger(__name__)

SEAL_REASON = "Verzegeld door Sterk: ondertekende samenwerkingsovereenkomst"
SEAL_FIELD = "SterkSeal"
DEV_COMMON_NAME = "Sterk ontwikkelzegel"
DEV_FILE_NAME = "sterk-dev-seal.p12"
DEV_VALIDITY = timedelta(days=3650)
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


# --- The platform signer ------------------------------------------------------------------


def platform_signer():
    """The pyHanko SimpleSigner that seals documents, from settings.

    SEAL_PKCS12_PATH (with SEAL_PKCS12_PASSPHRASE) when set; otherwise a self-signed RSA
    development certificate kept in SEAL_DEV_DIR, created on first use. Cached per process
    and per settings values, so a test that overrides settings gets its own signer;
    `platform_signer.cache_clear()` drops the cache.
    """
    return _signer_for(
        str(settings.SEAL_PKCS12_PATH or ""),
        settings.SEAL_PKCS12_PASSPHRASE or "",
        str(settings.SEAL_DEV_DIR),
        bool(settings.DEBUG),
    )


@functools.cache
def _signer_for(pkcs12_path: str, passphrase: str, dev_dir: str, debug: bool):
    if pkcs12_path:
        return _load_configured(Path(pkcs12_path), passphrase)
    if not debug:
        logger.warning(
            "SEAL_PKCS12_PATH is not set: agreements are sealed with the self-signed "
            "development certificate in %s, which nobody outside this installation trusts.",
            dev_dir,
        )
    return _load_dev(Path(dev_dir))


platform_signer.cache_clear = _signer_for.cache_clear


def platform_certificates() -> list:
    """The asn1crypto certificates whose seals count as ours: the signer's certificate."""
    return [platform_signer().signing_cert]


def _load_configured(path: Path, passphrase: str):
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"SEAL_PKCS12_PATH points to {str(path)!r}, which cannot be read "
            f"({exc.strerror or exc})."
        ) from None
    try:
        signer = SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=passphrase.encode() if passphrase else None
        )
    except ValueError:
        raise ImproperlyConfigured(
            f"SEAL_PKCS12_PATH ({str(path)!r}) cannot be opened with SEAL_PKCS12_PASSPHRASE: "
            "the passphrase is wrong or the file is not a PKCS#12 archive."
        ) from None
    if signer.signing_cert.public_key.algorithm != "rsa":
        raise ImproperlyConfigured(
            f"SEAL_PKCS12_PATH ({str(path)!r}) must hold an RSA key: other keys make the "
            "sealed file PDF 2.0, which breaks its PDF/A-3b claim."
        )
    return signer


def _load_dev(directory: Path):
    from pyhanko.sign.signers import SimpleSigner

    path = directory / DEV_FILE_NAME
    if not path.is_file():
        _create_dev_certificate(path)
    try:
        return SimpleSigner.load_pkcs12_data(path.read_bytes(), other_certs=[], passphrase=None)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"The development seal certificate {str(path)!r} (SEAL_DEV_DIR) cannot be read "
            f"({exc}); delete it to have a new one made, or set SEAL_PKCS12_PATH."
        ) from None


def _create_dev_certificate(path: Path) -> None:
    """Write a new self-signed certificate without ever exposing half a file: the first
    process to link its temporary file into place wins, later ones use that one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_COMMON_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sterk"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + DEV_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        DEV_COMMON_NAME.encode(), key, certificate, None, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".seal-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process was first: keep theirs
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    logger.info("Created the development seal certificate %s", path)


def _fingerprint(certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


# --- Sealing ----------------------------------------------------------------------------


def _run_outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous API calls asyncio.run(), which fails inside a running event
    loop (an async view, a Playwright test): then run it in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _timestamper():
    if not settings.SEAL_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.SEAL_TSA_URL, timeout=10)


def seal_pdf(data: bytes, *, reason: str = SEAL_REASON) -> bytes:
    """The document with the platform's PAdES seal over all of it (B-B, or B-T when
    SEAL_TSA_URL is set), as an incremental update: the bytes before it stay untouched."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import VENDOR
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(BytesIO(data))
    _align_producer(writer, generic, VENDOR)
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        reason=reason,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    output = _run_outside_event_loop(
        signers.sign_pdf,
        writer,
        metadata,
        signer=platform_signer(),
        timestamper=_timestamper(),
    )
    return output.getvalue()


def _align_producer(writer, generic, vendor: str) -> None:
    """pyHanko writes its own name as the XMP producer but appends it to the info
    dictionary's; PDF/A wants both equal, so the info dictionary gets pyHanko's too."""
    info_ref = getattr(writer, "_info", None)
    if info_ref is None:
        return
    info = info_ref.get_object()
    info["/Producer"] = generic.TextStringObject(vendor)
    writer.mark_update(info_ref)


# --- Checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SealCheck:
    """What a PDF's seal says. status: sealed, altered, foreign, unsealed or unreadable."""

    status: str
    signed_at: datetime | None = None
    signer: str = ""
    detail: str = ""


def check_seal(data: bytes) -> SealCheck:
    """Whether these bytes are a document sealed by this platform and unchanged since.

    Never raises: whatever pyHanko makes of the input is mapped to a status, so the public
    verify page can hand it anything a visitor uploads.
    """
    try:
        return _check(bytes(data))
    except ImproperlyConfigured:
        raise  # a broken seal configuration is not the uploader's fault: make it loud
    except Exception as exc:  # any input, however broken, gets an answer
        logger.info("Seal check failed unexpectedly: %r", exc)
        return SealCheck("unreadable", detail=f"check failed: {type(exc).__name__}")


def _check(data: bytes) -> SealCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import SignatureCoverageLevel

    if b"%PDF-" not in data[:1024]:
        return SealCheck("unreadable", detail="no PDF header")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        # Touch the page tree: a file whose structure cannot be followed is unreadable.
        reader.root["/Pages"]["/Count"]  # noqa: B018
        filled = [name for name, _, _ in enumerate_sig_fields(reader, filled_status=True)]
    except Exception as exc:  # pyHanko raises many kinds on bad input
        return SealCheck("unreadable", detail=f"cannot read PDF: {type(exc).__name__}: {exc}")
    if not filled:
        return SealCheck("unsealed", detail="no signatures")
    try:
        signatures = list(reader.embedded_regular_signatures)
    except Exception as exc:  # a damaged signature: whose it was shows only in the field
        status = "altered" if SEAL_FIELD in filled else "foreign"
        return SealCheck(status, detail=f"unparseable signature: {type(exc).__name__}: {exc}")
    if not signatures:
        return SealCheck("foreign", detail="only document time stamps")

    ours = {_fingerprint(certificate) for certificate in platform_certificates()}
    platform = []
    foreign = []
    for signature in signatures:
        try:
            certificate = signature.signer_cert
        except Exception as exc:  # a damaged CMS blob
            if _field_name(signature) == SEAL_FIELD:
                return SealCheck("altered", detail=f"unparseable seal: {type(exc).__name__}")
            foreign.append(signature)
            continue
        (platform if _fingerprint(certificate) in ours else foreign).append(signature)
    if not platform:
        last = foreign[-1]
        return SealCheck(
            "foreign",
            signed_at=_self_reported(last),
            signer=_signer_subject(last),
            detail=f"{len(foreign)} signature(s), none by a platform certificate",
        )

    seal = platform[-1]
    try:
        status = _validate(seal, platform_certificates())
    except Exception as exc:  # e.g. a signature whose bytes were changed
        return SealCheck(
            "altered",
            signed_at=_self_reported(seal),
            signer=_signer_subject(seal),
            detail=f"validation failed: {type(exc).__name__}: {exc}",
        )
    signed_at = _signed_at(status) or _self_reported(seal)
    signer = _subject(status.signing_cert)
    problems = []
    if not status.intact:
        problems.append("signed bytes changed")
    if not status.valid:
        problems.append("signature invalid")
    if not status.trusted:
        problems.append("certificate not trusted")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append(f"coverage {getattr(status.coverage, 'name', status.coverage)}")
    if problems:
        return SealCheck("altered", signed_at, signer, "; ".join(problems))
    return SealCheck(
        "sealed",
        signed_at,
        signer,
        f"field {seal.field_name}, {len(signatures)} signature(s), covers the entire file",
    )


def _validate(embedded_signature, trusted: list):
    """pyHanko's verdict on one seal, trusting only our own certificates.

    The certificate is judged at the signing time the seal states, not today: a seal made
    while the certificate was valid stays valid after it expires. The certificate is pinned
    (trusted by itself, not through a CA), so that stated time adds no real trust question.
    """
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(
        trust_roots=trusted,
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=_self_reported(embedded_signature),
    )
    # Seal certificates assert non-repudiation, digital signature or both: either will do.
    key_usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})
    # The difference analysis only matters for updates after the seal, and any such update
    # already makes the document "altered" (coverage short of the entire file): skip it.
    return _run_outside_event_loop(
        validate_pdf_signature,
        embedded_signature,
        context,
        key_usage_settings=key_usage,
        skip_diff=True,
    )


def _signed_at(status) -> datetime | None:
    timestamp = getattr(status, "timestamp_validity", None)
    moment = getattr(timestamp, "timestamp", None) if timestamp is not None else None
    return _aware(moment or getattr(status, "signer_reported_dt", None))


def _self_reported(embedded_signature) -> datetime | None:
    try:
        return _aware(embedded_signature.self_reported_timestamp)
    except Exception:
        return None


def _aware(moment) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _field_name(embedded_signature) -> str:
    try:
        return str(embedded_signature.field_name)
    except Exception:
        return ""


def _signer_subject(embedded_signature) -> str:
    try:
        return _subject(embedded_signature.signer_cert)
    except Exception:
        return ""


def _subject(certificate) -> str:
    """Who a certificate names, as "Common name (Organisation)".

    Only the names: asn1crypto's `human_friendly` labels them in English ("Common Name: …,
    Country: NL"), which reads oddly on the Dutch verify page and adds nothing. A name
    without either attribute falls back to its other values, unlabelled.
    """
    try:
        native = certificate.subject.native
    except Exception:
        return ""
    if not isinstance(native, dict):
        return ""
    common_name = _name_value(native.get("common_name"))
    organisation = _name_value(native.get("organization_name"))
    if common_name and organisation and organisation != common_name:
        return f"{common_name} ({organisation})"
    if common_name or organisation:
        return common_name or organisation
    return ", ".join(filter(None, (_name_value(value) for value in native.values())))


def _name_value(value) -> str:
    """One attribute of a certificate name as text (a repeated attribute is a list)."""
    if isinstance(value, list | tuple):
        return ", ".join(filter(None, (_name_value(item) for item in value)))
    return str(value).strip() if isinstance(value, str | int) else ""


# --- Completion pages ---------------------------------------------------------------------


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

    local = _local_fetcher()

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


def _signature(signature: dict, version_pdf_sha256: str) -> dict:
    shown = str(signature.get("pdf_sha256") or "")
    if not shown:
        shown_note = ""
    elif shown == version_pdf_sha256:
        shown_note = "gelijk aan de PDF van deze versie"
    else:
        shown_note = "wijkt af van de PDF van deze versie"
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


def completion_context(certificate: dict) -> dict:
    """What completion.html shows, formatted the Dutch way from the certificate dict."""
    partnership = certificate.get("partnership") or {}
    version = certificate.get("version") or {}
    round_ = certificate.get("round") or {}
    version_pdf = str(version.get("pdf_sha256") or "")
    return {
        "partnership": partnership,
        "version": version,
        "hash_prefix": str(version.get("snapshot_sha256") or "")[:12],
        "round": {
            **round_,
            "sent_at_text": dutch_datetime(round_.get("sent_at")),
            "completed_at_text": dutch_datetime(round_.get("completed_at")),
            "deadline_text": dutch_datetime(round_.get("deadline"))
            if round_.get("deadline")
            else "—",
        },
        "signatures": [
            _signature(signature, version_pdf) for signature in certificate.get("signatures") or []
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


def completion_pdf(version_pdf: bytes, certificate: dict) -> bytes:
    """The final document before sealing: the version's pages, then the completion pages.

    The version's PDF is cloned, so its catalogue (XMP metadata with the PDF/A-3b claim,
    output intent, language, outline) and information dictionary (title) carry over.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(version_pdf)))
    writer.append(PdfReader(BytesIO(render_completion_pages(certificate))))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()
