from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response: a clear page saying how long to wait (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def lockout_username(request, credentials=None):
    """The name django-axes counts failed sign-ins under: the address as typed, trimmed and
    lower-cased, so that every case or whitespace variant of one address shares the same
    tries (sign-in itself finds the account case-insensitively, UserManager.get_by_natural_key).
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field) if request else None
    if not isinstance(username, str):
        return username
    return username.strip().lower()
