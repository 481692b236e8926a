"""Signing links and one-time codes (docs/rules.md §13).

Signatories have no account: a request's link carries a token derived with HMAC from the
server's secret key and a random salt stored with the request; the database holds only the
salt and the token's SHA-256, so a copy of the database reveals no working link, while
reminders can send the same link again. A one-time code is stored only as an HMAC too.
"""

import base64
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django_scopes import scopes_disabled

from signing.models import SignatureRequest

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _mac(message: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).digest()


def token_for(signature_request: SignatureRequest) -> str:
    """The link's token: 256 bits, derived from the secret key and the request's salt."""
    return (
        base64.urlsafe_b64encode(_mac(f"sterk-sign:{signature_request.token_salt}"))
        .decode()
        .rstrip("=")
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_salt(signature_request: SignatureRequest) -> None:
    signature_request.token_salt = secrets.token_hex(32)
    signature_request.token_hash = token_hash(token_for(signature_request))


def request_for_token(token: str) -> SignatureRequest | None:
    """The request a link belongs to, or None; anything malformed is simply not found."""
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return None
    with scopes_disabled():
        return (
            SignatureRequest.objects.filter(token_hash=token_hash(token))
            .select_related("round", "round__document", "partnership")
            .first()
        )


def code_hash(signature_request: SignatureRequest, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(),
        f"sterk-code:{signature_request.token_salt}:{code}".encode(),
        hashlib.sha256,
    ).hexdigest()
