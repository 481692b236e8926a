"""Settings for running Sterk on more than one server, read from the environment.

- `env_storages`: where uploaded and generated files live (Django's STORAGES "default"):
  the local disk (MEDIA_ROOT), or S3-compatible object storage through django-storages,
  which every app server and task worker share.
- `env_database_pool`: psycopg's connection pool for PostgreSQL (DATABASE_POOL).
- `env_seal_pkcs12`: the seal certificate as base64 content (SEAL_PKCS12_BASE64) instead of
  a file on the server.

Like sterk/env.py, every reader raises ImproperlyConfigured naming the variable when a
value is malformed, and takes `environ` so tests can pass their own.
"""

import base64
import binascii
import re

from django.core.exceptions import ImproperlyConfigured

from sterk.env import env_str

STORAGE_BACKENDS = ("local", "s3")
LOCAL_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_STORAGE = "storages.backends.s3.S3Storage"
# Bucket names as S3 (and MinIO, Ceph, …) accept them: 3-63 lower-case letters, digits,
# dots and hyphens, starting and ending with a letter or digit.
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
REGION_NAME = re.compile(r"^[a-z0-9-]{1,40}$")
ADDRESSING_STYLES = ("auto", "path", "virtual")
# A key prefix inside the bucket: path segments of safe characters.
LOCATION = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")


def env_storages(*, environ=None) -> dict:
    """STORAGES["default"]: the local disk unless STORAGE_BACKEND is "s3" (which is the
    default when AWS_STORAGE_BUCKET_NAME is set)."""
    bucket = env_str("AWS_STORAGE_BUCKET_NAME", environ=environ)
    backend = env_str("STORAGE_BACKEND", "s3" if bucket else "local", environ=environ).lower()
    if backend not in STORAGE_BACKENDS:
        raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3; got {backend!r}.")
    if backend == "local":
        return dict(LOCAL_STORAGE)
    return {"BACKEND": S3_STORAGE, "OPTIONS": _s3_options(bucket, environ)}


def _s3_options(bucket: str | None, environ) -> dict:
    if bucket is None:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME must be set when STORAGE_BACKEND is s3."
        )
    if not BUCKET_NAME.match(bucket) or ".." in bucket:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME must be 3-63 lower-case letters, digits, dots and hyphens, "
            f"starting and ending with a letter or digit; got {bucket!r}."
        )
    options = {
        "bucket_name": bucket,
        # Never replace a stored file: a second file of the same name gets a new name, as on
        # the local disk (two versions' PDFs, two scans called scan.pdf).
        "file_overwrite": False,
        # Files are private: Sterk serves them itself, to members only, never by URL.
        "default_acl": None,
        "querystring_auth": True,
    }
    endpoint = env_str("AWS_S3_ENDPOINT_URL", environ=environ)
    if endpoint is not None:
        if not endpoint.startswith(("http://", "https://")) or len(endpoint) > 500:
            raise ImproperlyConfigured(
                f"AWS_S3_ENDPOINT_URL must start with http:// or https://; got {endpoint!r}."
            )
        options["endpoint_url"] = endpoint.rstrip("/")
    region = env_str("AWS_S3_REGION_NAME", environ=environ)
    if region is not None:
        if not REGION_NAME.match(region):
            raise ImproperlyConfigured(
                f"AWS_S3_REGION_NAME must be a region name such as eu-west-1; got {region!r}."
            )
        options["region_name"] = region
    access_key = env_str("AWS_ACCESS_KEY_ID", environ=environ)
    secret_key = env_str("AWS_SECRET_ACCESS_KEY", environ=environ)
    if (access_key is None) != (secret_key is None):
        missing, given = (
            ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID")
            if secret_key is None
            else ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        )
        raise ImproperlyConfigured(
            f"{missing} must be set together with {given} (or leave both empty to use the "
            "credentials of the server's own AWS configuration)."
        )
    if access_key is not None:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    style = env_str("AWS_S3_ADDRESSING_STYLE", "auto", environ=environ).lower()
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"AWS_S3_ADDRESSING_STYLE must be auto, path or virtual; got {style!r}."
        )
    options["client_config"] = _client_config(None if style == "auto" else style)
    location = env_str("AWS_LOCATION", environ=environ)
    if location is not None:
        location = location.strip("/")
        if not LOCATION.match(location) or ".." in location.split("/"):
            raise ImproperlyConfigured(
                "AWS_LOCATION must be a key prefix such as sterk/production (letters, digits, "
                f". _ - and /); got {location!r}."
            )
        options["location"] = location
    return options


def _client_config(addressing_style: str | None):
    """botocore's client settings: bounded timeouts and retries, so an unreachable storage
    makes a request (and /healthz) fail within seconds instead of hanging for minutes."""
    from botocore.config import Config

    return Config(
        s3={"addressing_style": addressing_style},
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
    )


def env_database_pool(database: dict, *, environ=None) -> dict:
    """The database settings with psycopg's connection pool when DATABASE_POOL asks for it:
    true (a pool of at most 4 connections per process) or a number (at most that many);
    false, 0 or empty: none. PostgreSQL only; a pool replaces persistent connections."""
    raw = env_str("DATABASE_POOL", environ=environ)
    if raw is None:
        return database
    lowered = raw.lower()
    if re.fullmatch(r"[0-9]{1,6}", lowered):
        size = int(lowered)
        if size > 100:
            raise ImproperlyConfigured(f"DATABASE_POOL must be at most 100; got {size}.")
    elif lowered in {"true", "yes", "on"}:
        size = 4
    elif lowered in {"false", "no", "off"}:
        size = 0
    else:
        raise ImproperlyConfigured(
            f"DATABASE_POOL must be true, false or a number of connections; got {raw!r}."
        )
    if size == 0:
        return database
    if database.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_POOL needs PostgreSQL (DATABASE_URL=postgres://…); SQLite has no "
            "connection pool. Leave DATABASE_POOL empty."
        )
    options = dict(database.get("OPTIONS") or {})
    options["pool"] = {"min_size": 1, "max_size": size, "timeout": 10}
    # Django refuses persistent connections beside a pool: the pool keeps them.
    return {**database, "CONN_MAX_AGE": 0, "OPTIONS": options}


def env_seal_pkcs12(*, environ=None) -> bytes | None:
    """The content of the seal's PKCS#12 archive from SEAL_PKCS12_BASE64 (for servers
    without a shared file system), or None. Refused beside SEAL_PKCS12_PATH."""
    raw = env_str("SEAL_PKCS12_BASE64", environ=environ)
    if raw is None:
        return None
    if env_str("SEAL_PKCS12_PATH", environ=environ) is not None:
        raise ImproperlyConfigured(
            "Set SEAL_PKCS12_BASE64 or SEAL_PKCS12_PATH, not both: they both name the seal "
            "certificate."
        )
    compact = re.sub(r"\s+", "", raw)
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(
            "SEAL_PKCS12_BASE64 is not base64 (make it with `base64 -w0 seal.p12`)."
        ) from None
    if not data:
        raise ImproperlyConfigured("SEAL_PKCS12_BASE64 holds no data.")
    return data
