"""Where a form may send the person back to: a `next` parameter, checked.

`next` is typed by nobody but can be forged by anyone, so only a path on this site counts:
it starts with one "/", has no scheme or host, no backslash and no control character, and
Django's `url_has_allowed_host_and_scheme` agrees (with https required when the request is
secure). Anything else gives the view's default page. The result is always a URL, never a
view name, so `redirect()` cannot mistake "foo" for one (that was a NoReverseMatch, a 500).
"""

import unicodedata

from django.utils.http import url_has_allowed_host_and_scheme

MAX_NEXT_LENGTH = 2000  # longer than any path of this site with its query string


def is_local_path(target: str, request) -> bool:
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_LENGTH:
        return False
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(unicodedata.category(char).startswith("C") for char in target):
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request, default: str, *, field: str = "next") -> str:
    """The posted (or, for a GET, queried) `next` when it is a path on this site, else
    `default` (a URL: reverse it first)."""
    params = request.POST if request.method == "POST" else request.GET
    target = params.get(field, "")
    return target if is_local_path(target, request) else default
