"""The URL × role matrix: who may open or post to which page.

Every named URL pattern (except the Django admin) must appear here; a new view without a
row fails `test_every_url_pattern_is_in_the_matrix`.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scopes_disabled

from partners import services
from partners.models import Invitation, Membership, Role
from tests.factories import MembershipFactory, UserFactory

ROLES = ["anonymous", "viewer", "editor", "leader", "outsider"]

# Expected status per role for pages inside a partnership.
READ = {"anonymous": 302, "outsider": 404, "viewer": 200, "editor": 200, "leader": 200}
WRITE = {"anonymous": 302, "outsider": 404, "viewer": 403, "editor": 200, "leader": 200}
LEAD = {"anonymous": 302, "outsider": 404, "viewer": 403, "editor": 403, "leader": 200}
LEAD_POST = {**LEAD, "leader": 302}


def everyone(status):
    return dict.fromkeys(ROLES, status)


@dataclass
class Case:
    name: str
    expected: dict
    method: str = "get"
    kwargs: tuple = ()  # names of context values the URL needs
    data: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.method}-{self.name}"


MATRIX = [
    Case("home", {**everyone(302), "anonymous": 302}),
    Case("dashboard", READ, kwargs=("slug",)),
    Case("partners:organisation-list", READ, kwargs=("slug",)),
    Case("partners:member-list", READ, kwargs=("slug",)),
    Case("partners:invitation-create", LEAD, kwargs=("slug",)),
    Case(
        "partners:invitation-create",
        LEAD_POST,
        method="post",
        kwargs=("slug",),
        data={"email": "nieuw@example.nl", "role": "editor"},
    ),
    Case("partners:invitation-revoke", LEAD_POST, method="post", kwargs=("slug", "invitation")),
    Case("partners:membership-update", LEAD, kwargs=("slug", "membership")),
    Case(
        "partners:membership-update",
        LEAD_POST,
        method="post",
        kwargs=("slug", "membership"),
        data={"role": "viewer"},
    ),
    Case("partners:membership-delete", LEAD, kwargs=("slug", "membership")),
    Case("partners:membership-delete", LEAD_POST, method="post", kwargs=("slug", "membership")),
    Case("activities:activity-list", READ, kwargs=("slug",)),
    Case("cofinancing:overview", READ, kwargs=("slug",)),
    Case("agreements:agreement-list", READ, kwargs=("slug",)),
    # Public pages: reachable without an account.
    Case("accounts:login", {**everyone(302), "anonymous": 200}),
    Case("accounts:logout", everyone(302), method="post"),
    Case("accounts:password_reset", everyone(200)),
    Case("accounts:password_reset_done", everyone(200)),
    Case("accounts:password_reset_confirm", everyone(302), kwargs=("uidb64", "token")),
    Case("accounts:password_reset_complete", everyone(200)),
    Case("accounts:password_change", {**everyone(200), "anonymous": 302}),
    Case("accounts:password_change_done", {**everyone(200), "anonymous": 302}),
    # The invitation is for an address without an account: anyone may open the form.
    Case("invitation-accept", everyone(200), kwargs=("token",)),
    Case("set_language", everyone(302), method="post", data={"language": "en", "next": "/"}),
]


@pytest.fixture
def context(partnership, leader, editor, viewer, outsider):
    with scopes_disabled():
        target = MembershipFactory(
            partnership=partnership, role=Role.EDITOR, user=UserFactory(email="doel@twente.nl")
        )
        invitation, link = services.invitation_create(
            partnership=partnership, email="gast@example.nl", role=Role.VIEWER, invited_by=leader
        )
    return {
        "users": {"viewer": viewer, "editor": editor, "leader": leader, "outsider": outsider},
        "slug": partnership.slug,
        "membership": target.code,
        "invitation": invitation.code,
        "token": link.rstrip("/").rsplit("/", 1)[1],
        "uidb64": urlsafe_base64_encode(force_bytes(target.user.pk)),
        "password_token": default_token_generator.make_token(target.user),
    }


def _url(case, context):
    kwargs = {}
    for key in case.kwargs:
        if key == "token" and case.name.startswith("accounts:"):
            kwargs["token"] = context["password_token"]
        elif key in ("membership", "invitation"):
            kwargs["code"] = context[key]
        else:
            kwargs[key] = context[key]
    return reverse(case.name, kwargs=kwargs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(client, context, case, role):
    if role != "anonymous":
        client.force_login(context["users"][role])
    response = getattr(client, case.method)(_url(case, context), case.data)
    assert response.status_code == case.expected[role], f"{case} as {role}: {response.status_code}"


def _pattern_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _pattern_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_pattern_is_in_the_matrix():
    covered = {case.name for case in MATRIX}
    missing = set(_pattern_names()) - covered
    assert not missing, f"add these URL names to MATRIX: {sorted(missing)}"


def test_viewer_post_changes_nothing(client, context, partnership):
    client.force_login(context["users"]["viewer"])
    url = reverse(
        "partners:membership-delete", kwargs={"slug": "twente", "code": context["membership"]}
    )
    assert client.post(url).status_code == 403
    with scopes_disabled():
        assert Membership.objects.filter(code=context["membership"]).exists()
        assert Invitation.objects.filter(partnership=partnership).count() == 1


def test_unknown_slug_is_404(leader_client):
    assert leader_client.get("/p/bestaat-niet/").status_code == 404
