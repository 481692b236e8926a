"""An uploaded workbook waiting between its preview and the leader's confirmation.

The file is kept in the media storage (the local disk or the object storage every app server
shares) as imports/<random token>.xlsx, the token in the session, per partnership; it is
deleted on confirmation, on a new upload, or after a day. Only the storage's API is used
(save, open, delete, listdir), never a local path.
"""

import logging
import re
import secrets
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

logger = logging.getLogger(__name__)

SESSION_PREFIX = "cofinancing-import:"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_AGE_SECONDS = 24 * 60 * 60
FOLDER = "imports"


def _name(token) -> str | None:
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    return f"{FOLDER}/{token}.xlsx"


def _sweep() -> None:
    """Forget previews that were never confirmed."""
    cutoff = timezone.now() - timedelta(seconds=MAX_AGE_SECONDS)
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:  # the local disk before the first upload
        return
    for file in files:
        name = f"{FOLDER}/{file}"
        if not file.endswith(".xlsx"):
            continue
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except FileNotFoundError:  # another request swept it first
            pass


def store(request, upload, *, partnership) -> None:
    discard(request, partnership=partnership)
    try:
        _sweep()
    except Exception:  # a failed clean-up must not stop this upload
        logger.exception("Sweeping old pending imports failed")
    token = secrets.token_urlsafe(24)
    upload.seek(0)
    default_storage.save(_name(token), upload)
    request.session[SESSION_PREFIX + partnership.slug] = {
        "token": token,
        "name": str(upload.name)[:200],
    }


def take(request, *, partnership) -> tuple[str, str] | None:
    """The pending file's storage name and its original name, removed from the session;
    None if none (or its file is gone). The caller opens it with `open_pending` and removes
    it with `remove`."""
    pending = request.session.pop(SESSION_PREFIX + partnership.slug, None) or {}
    name = _name(pending.get("token"))
    if name is None or not default_storage.exists(name):
        return None
    return name, pending.get("name", "")


def open_pending(name: str):
    """The pending workbook as a binary file (seekable; on object storage a local copy)."""
    return default_storage.open(name, "rb")


def remove(name: str) -> None:
    default_storage.delete(name)


def discard(request, *, partnership) -> None:
    taken = take(request, partnership=partnership)
    if taken:
        remove(taken[0])
