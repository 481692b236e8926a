"""The platform's PAdES seal (docs/rules.md §15): the certificate it is made with, and sealing.

Pure functions on bytes; nothing here touches the database, so the sealing task, the verify
page and tests all use the same code. The seal is a PAdES signature of the whole document by
the platform (pyHanko), added as an incremental update: the bytes before it stay untouched.

Keys are RSA on purpose: an EC key makes pyHanko mark the file as PDF 2.0, which breaks the
PDF/A-3b claim the documents carry.
"""

import asyncio
import concurrent.futures
import functools
import hashlib
import logging
import os
import tempfile
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

SEAL_REASON = "Verzegeld door Sterk: ondertekend document"
SEAL_FIELD = "SterkSeal"
DEV_COMMON_NAME = "Sterk ontwikkelzegel"
DEV_FILE_NAME = "sterk-dev-seal.p12"
DEV_VALIDITY = timedelta(days=3650)


def platform_signer():
    """The pyHanko SimpleSigner that seals documents, from settings.

    SEAL_PKCS12_PATH, or the archive's content SEAL_PKCS12_DATA (from SEAL_PKCS12_BASE64),
    with SEAL_PKCS12_PASSPHRASE, when set; otherwise a self-signed RSA development
    certificate kept in SEAL_DEV_DIR, created on first use. Cached per process and per
    settings values, so a test that overrides settings gets its own signer;
    `platform_signer.cache_clear()` drops the cache.
    """
    return _signer_for(
        str(settings.SEAL_PKCS12_PATH or ""),
        bytes(settings.SEAL_PKCS12_DATA or b""),
        settings.SEAL_PKCS12_PASSPHRASE or "",
        str(settings.SEAL_DEV_DIR),
        bool(settings.DEBUG),
    )


@functools.cache
def _signer_for(pkcs12_path: str, pkcs12_data: bytes, passphrase: str, dev_dir: str, debug: bool):
    if pkcs12_path:
        return _load_configured(Path(pkcs12_path), passphrase)
    if pkcs12_data:
        return _signer_from(pkcs12_data, passphrase, source="SEAL_PKCS12_BASE64")
    if not debug:
        logger.warning(
            "Neither SEAL_PKCS12_PATH nor SEAL_PKCS12_BASE64 is set: agreements are sealed "
            "with the self-signed "
            "development certificate in %s, which nobody outside this installation trusts.",
            dev_dir,
        )
    return _load_dev(Path(dev_dir))


platform_signer.cache_clear = _signer_for.cache_clear


def platform_certificates() -> list:
    """The asn1crypto certificates whose seals count as ours: the signer's certificate."""
    return [platform_signer().signing_cert]


def _load_configured(path: Path, passphrase: str):
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"SEAL_PKCS12_PATH points to {str(path)!r}, which cannot be read "
            f"({exc.strerror or exc})."
        ) from None
    return _signer_from(data, passphrase, source=f"SEAL_PKCS12_PATH ({str(path)!r})")


def _signer_from(data: bytes, passphrase: str, *, source: str):
    """A signer from a PKCS#12 archive's bytes; `source` names the setting in errors."""
    from pyhanko.sign.signers import SimpleSigner

    try:
        signer = SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=passphrase.encode() if passphrase else None
        )
    except ValueError:
        raise ImproperlyConfigured(
            f"{source} cannot be opened with SEAL_PKCS12_PASSPHRASE: "
            "the passphrase is wrong or it is not a PKCS#12 archive."
        ) from None
    if signer.signing_cert.public_key.algorithm != "rsa":
        raise ImproperlyConfigured(
            f"{source} must hold an RSA key: other keys make the "
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


def fingerprint(certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


# --- Sealing ----------------------------------------------------------------------------


def run_outside_event_loop(function, *args, **kwargs):
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
    output = run_outside_event_loop(
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
