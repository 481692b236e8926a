"""An uploaded workbook waiting between its preview and the leader's confirmation.

The file is kept under MEDIA_ROOT/imports/<random token>.xlsx, the token in the session,
per partnership; it is deleted on confirmation, on a new upload, or after a day.
"""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

SESSION_PREFIX = "cofinancing-import:"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_AGE_SECONDS = 24 * 60 * 60


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _path(token) -> Path | None:
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    return folder() / f"{token}.xlsx"


def _sweep() -> None:
    """Forget previews that were never confirmed."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def store(request, upload, *, partnership) -> None:
    discard(request, partnership=partnership)
    folder().mkdir(parents=True, exist_ok=True)
    _sweep()
    token = secrets.token_urlsafe(24)
    with _path(token).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    request.session[SESSION_PREFIX + partnership.slug] = {
        "token": token,
        "name": str(upload.name)[:200],
    }


def take(request, *, partnership) -> tuple[Path, str] | None:
    """The pending file and its original name, removed from the session; None if none."""
    pending = request.session.pop(SESSION_PREFIX + partnership.slug, None) or {}
    path = _path(pending.get("token"))
    if path is None or not path.is_file():
        return None
    return path, pending.get("name", "")


def discard(request, *, partnership) -> None:
    taken = take(request, partnership=partnership)
    if taken:
        taken[0].unlink(missing_ok=True)
