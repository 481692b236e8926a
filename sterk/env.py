"""Typed reads of environment variables.

Every helper raises ImproperlyConfigured naming the variable when its value is
malformed, so a typo stops start-up with a message instead of a wrong default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

SUPPORTED_DATABASES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ) -> str | None:
    environ = os.environ if environ is None else environ
    value = environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, environ=None) -> str | None:
    value = _raw(name, environ)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool, *, environ=None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false, 1/0, yes/no, on/off; got {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int = 0, environ=None) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    return number


def env_list(name: str, default: list[str], *, environ=None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(
            f"{name} must be a comma-separated list without empty items; got {value!r}."
        )
    return items


def env_database(name: str, default: str, *, environ=None) -> dict:
    import dj_database_url

    value = env_str(name, default, environ=environ)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"{name} is not a database URL such as postgres://user@host:5432/name "
            f"or sqlite:///path/db.sqlite3 ({exc})."
        ) from None
    if config.get("ENGINE") not in SUPPORTED_DATABASES:
        raise ImproperlyConfigured(f"{name} must point to PostgreSQL or SQLite; got {value!r}.")
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database; got {value!r}.")
    return config


def env_cache(name: str, default: str, *, environ=None) -> dict:
    """A CACHES entry from a URL: `locmem://` (this process only), `file:///absolute/dir`
    (every process of one server), `db://table` (Django's DatabaseCache: every server; run
    `manage.py createcachetable`), `redis://host:6379/0` or `rediss://…` (every server;
    needs the `redis` package)."""
    value = env_str(name, default, environ=environ)
    scheme, _, rest = value.partition("://")
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    if scheme == "file" and rest.startswith("/"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": rest,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    if scheme == "db" and rest.isidentifier():
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest}
    if scheme in ("redis", "rediss") and rest:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}
    raise ImproperlyConfigured(
        f"{name} must be locmem://, file:///absolute/dir, db://table or redis://host:port/db; "
        f"got {value!r}."
    )
