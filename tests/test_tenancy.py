import pytest
from django.core.management import call_command
from django_scopes import ScopeError, scope, scopes_disabled

from accounts.models import User
from partners.models import Membership, Partnership


def test_query_without_partnership_scope_raises(partnership, leader):
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    with scope(partnership=partnership):
        assert Membership.objects.filter(partnership=partnership).count() == 1


def test_seed_demo_twice_changes_nothing(db, capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    with scopes_disabled():
        first = (
            list(Partnership.objects.values()),
            list(User.objects.values("email", "password", "first_name")),
            list(Membership.objects.values("partnership_id", "user_id", "role")),
        )
    call_command("seed_demo")
    with scopes_disabled():
        second = (
            list(Partnership.objects.values()),
            list(User.objects.values("email", "password", "first_name")),
            list(Membership.objects.values("partnership_id", "user_id", "role")),
        )
    assert first == second
    demo = Partnership.objects.get(slug="demo")
    assert demo.is_demo and "Demo" in demo.name
    with scopes_disabled():
        roles = sorted(Membership.objects.filter(partnership=demo).values_list("role", flat=True))
    assert roles == ["editor", "leader", "viewer"]
    assert "sterk-demo-2026" in capsys.readouterr().out


def test_seed_demo_refuses_when_debug_is_off(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not Partnership.objects.exists()


def test_demo_leader_can_sign_in(client, db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    response = client.post(
        "/accounts/login/", {"username": "leider@demo.sterk.test", "password": "sterk-demo-2026"}
    )
    assert response.status_code == 302


def test_admin_lists_every_model_for_a_superuser(client, leader, partnership):
    admin = User.objects.create_superuser(email="admin@sterk.nl", password="x-admin-password-1")
    client.force_login(admin)
    for path in [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/partners/partnership/",
        "/admin/partners/membership/",
        "/admin/partners/invitation/",
        f"/admin/partners/partnership/{partnership.pk}/change/",
        f"/admin/accounts/user/{leader.pk}/change/",
        "/admin/partners/membership/?q=leider",
    ]:
        assert client.get(path).status_code == 200, path
