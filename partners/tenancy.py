"""The one way into a partnership's pages.

`resolve_tenant` turns (request, slug) into a Tenant: non-members get a 404 (so nothing
leaks about which partnerships exist), members without the needed role a 403.
`partnership_view` wraps a view in it and activates the django-scopes scope, so a query on
a tenant-owned model that forgets the partnership raises instead of leaking.
"""

from dataclasses import dataclass
from functools import wraps
from typing import Literal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy
from django_scopes import scope, scopes_disabled

from partners.models import Membership, Partnership, Role

Need = Literal["read", "write", "lead"]

HISTORY_MESSAGE = gettext_lazy(
    "This partnership was renewed for the next scheme period: it is kept as read-only history."
)

_ALLOWED: dict[str, set[str]] = {
    "read": {Role.LEADER, Role.EDITOR, Role.VIEWER},
    "write": {Role.LEADER, Role.EDITOR},
    "lead": {Role.LEADER},
}


@dataclass(frozen=True)
class Tenant:
    partnership: Partnership
    role: str

    @property
    def can_write(self) -> bool:
        return self.may("write")

    @property
    def is_leader(self) -> bool:
        return self.may("lead")

    @property
    def is_history(self) -> bool:
        return self.partnership.is_history

    def may(self, need: Need) -> bool:
        """Whether this member's role allows what `need` names ("read", "write", "lead"); a
        renewed partnership is read-only history for everyone."""
        if need != "read" and self.partnership.is_history:
            return False
        return self.role in _ALLOWED.get(need, ())


def resolve_tenant(request, slug: str, *, need: Need = "read") -> Tenant:
    if not request.user.is_authenticated:
        raise Http404
    with scopes_disabled():
        membership = (
            Membership.objects.select_related("partnership")
            .filter(user=request.user, partnership__slug=slug)
            .first()
        )
    if membership is None:
        raise Http404
    if membership.role not in _ALLOWED[need]:
        raise PermissionDenied
    tenant = Tenant(partnership=membership.partnership, role=membership.role)
    if not tenant.may(need):
        raise PermissionDenied(HISTORY_MESSAGE)
    return tenant


def partnership_view(need: Need = "read"):
    """Decorate a view taking (request, tenant, ...) from a URL with <slug:slug>."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            tenant = resolve_tenant(request, slug, need=need)
            request.tenant = tenant
            with scope(partnership=tenant.partnership):
                return view(request, tenant, *args, **kwargs)

        wrapper.partnership_need = need
        return wrapper

    return decorator


def user_memberships(user):
    """Every membership of a user, across partnerships, for the home page and navigation."""
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user)
            .select_related("partnership")
            .order_by("partnership__name")
        )
