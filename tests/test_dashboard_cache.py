"""The dashboard's kept panels (sterk/dashboard_cache.py): served from the cache while nothing
changes, and never stale after a write, whichever way it is made: a page, the import, the
admin, a model's save or delete, a bulk update, a many-to-many change, a scheme."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cofinancing.importer import import_workbook
from cofinancing.models import Contribution, Scheme
from partners.models import Interaction, Organisation
from sterk import dashboard_cache
from sterk.env import env_cache
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContactFactory,
    ContributionFactory,
    CostLineFactory,
    InteractionFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.fixtures_xlsx import contribution_rows, workbook
from tests.test_contributions import form_data

pytestmark = pytest.mark.usefixtures("no_scopes")


@pytest.fixture
def region(partnership):
    """A budget, a company with a pledged contribution and costs, an open next step."""
    BudgetFactory(partnership=partnership)
    company = OrganisationFactory(
        partnership=partnership, name="Metaalwerken Hengelo", stage="approached"
    )
    ContributionFactory(partnership=partnership, organisation=company, value=D("1000.00"))
    CostLineFactory(partnership=partnership, amount=D("50000.00"))
    InteractionFactory(
        organisation=company,
        next_step="Offerte sturen",
        next_step_due=datetime.date.today(),
    )
    return company


def panels(client) -> str:
    """The kept part of the dashboard (the CSRF token elsewhere differs on every page)."""
    response = client.get(reverse("dashboard", kwargs={"slug": "twente"}))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="panel-partners"') : html.index('id="panel-signing"')]


def fresh(client) -> str:
    cache.clear()
    return panels(client)


def assert_served_fresh(client, before: str) -> None:
    """The page served now is the one computed without the cache, and differs from before."""
    served = panels(client)
    assert served == fresh(client)
    assert served != before


def test_a_second_visit_is_served_from_the_cache(leader_client, region):
    first = panels(leader_client)
    with CaptureQueriesContext(connection) as cold:
        cache.clear()
        panels(leader_client)
    with CaptureQueriesContext(connection) as warm:
        assert panels(leader_client) == first
    assert len(warm) <= len(cold) - 10
    assert not any("cofinancing_contribution" in q["sql"] for q in warm.captured_queries)


def test_a_contribution_added_on_its_page_shows_at_once(leader_client, region):
    before = panels(leader_client)
    response = leader_client.post(
        reverse("cofinancing:contribution-create", kwargs={"slug": "twente"}),
        form_data(region, hours="200"),
    )
    assert response.status_code == 302
    assert_served_fresh(leader_client, before)


def test_a_next_step_marked_done_leaves_the_follow_ups_at_once(leader_client, region):
    before = panels(leader_client)
    assert "Offerte sturen" in before
    step = Interaction.objects.get(next_step="Offerte sturen")
    response = leader_client.post(
        reverse("partners:next-step-done", kwargs={"slug": "twente", "code": step.code})
    )
    assert response.status_code in (200, 302)
    assert "Offerte sturen" not in panels(leader_client)
    assert_served_fresh(leader_client, before)


def test_an_import_shows_at_once(leader_client, partnership, leader, region):
    before = panels(leader_client)
    book = workbook(rows={"Bijdragen": contribution_rows(3, hours=40)})
    result = import_workbook(book, partnership=partnership, user=leader)
    assert result.ok, result.error_messages
    assert_served_fresh(leader_client, before)


def test_a_change_in_the_admin_shows_at_once(leader_client, region):
    before = panels(leader_client)
    admin = Client()
    admin.force_login(UserFactory(email="beheer@sterk.test", is_staff=True, is_superuser=True))
    contribution = Contribution.objects.get(organisation=region)
    response = admin.post(
        reverse("admin:cofinancing_contribution_delete", args=[contribution.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Contribution.objects.filter(pk=contribution.pk).exists()
    assert_served_fresh(leader_client, before)


@pytest.mark.parametrize(
    "write",
    [
        "save",
        "delete",
        "organisation_stage",
        "activity",
        "partnership",
        "scheme",
        "bulk_update_announced",
    ],
)
def test_a_model_write_shows_at_once(leader_client, partnership, region, write):
    before = panels(leader_client)
    contribution = Contribution.objects.get(organisation=region)
    if write == "save":
        contribution.value = D("7000.00")
        contribution.save()
    elif write == "delete":
        contribution.delete()
    elif write == "organisation_stage":
        region.stage = "committed"
        region.save()
    elif write == "activity":
        ActivityFactory(partnership=partnership)
    elif write == "partnership":
        Organisation.objects.filter(pk=region.pk).update(
            stage_changed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        )
        before = fresh(leader_client)
        partnership.quiet_after_days = 1  # the company's contact of 3 days ago: quiet now
        partnership.save()
    elif write == "scheme":
        scheme = Scheme.objects.get(code="sto-2025-2028")
        scheme.share = D("0.2000") if scheme.share != D("0.2000") else D("0.3000")
        scheme.save()
    elif write == "bulk_update_announced":
        Contribution.objects.filter(pk=contribution.pk).update(value=D("9000.00"))
        dashboard_cache.changed(partnership.pk)
    assert_served_fresh(leader_client, before)


def test_a_many_to_many_change_forgets_the_kept_panels(leader_client, region):
    step = Interaction.objects.get(next_step="Offerte sturen")
    contact = ContactFactory(organisation=region)
    panels(leader_client)
    token = cache.get(dashboard_cache._key("token", step.partnership_id))
    step.contacts.add(contact)
    after_add = cache.get(dashboard_cache._key("token", step.partnership_id))
    assert after_add != token
    step.contacts.clear()
    assert cache.get(dashboard_cache._key("token", step.partnership_id)) != after_add


def test_a_write_elsewhere_keeps_this_partnership_s_panels(leader_client, region):
    panels(leader_client)
    other = PartnershipFactory(slug="zeeland")
    OrganisationFactory(partnership=other)
    with CaptureQueriesContext(connection) as warm:
        panels(leader_client)
    assert not any("cofinancing_contribution" in q["sql"] for q in warm.captured_queries)


def test_panels_are_kept_per_language_and_role(leader_client, editor, region):
    english = panels(leader_client)
    leader_client.cookies["django_language"] = "nl"
    dutch = panels(leader_client)
    assert dutch != english
    editor_client = Client()
    editor_client.force_login(editor)
    assert panels(editor_client) == fresh(editor_client)


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("locmem://", "locmem.LocMemCache"),
        ("file:///var/cache/sterk", "filebased.FileBasedCache"),
        ("db://sterk_cache", "db.DatabaseCache"),
        ("redis://127.0.0.1:6379/0", "redis.RedisCache"),
    ],
)
def test_the_cache_is_chosen_by_cache_url(url, backend):
    assert env_cache("CACHE_URL", "locmem://", environ={"CACHE_URL": url})["BACKEND"].endswith(
        backend
    )


@pytest.mark.parametrize(
    "url", ["memcached://x", "file://relative/dir", "db://drop table", "x" * 10_000, "\x00"]
)
def test_a_wrong_cache_url_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        env_cache("CACHE_URL", "locmem://", environ={"CACHE_URL": url})


def test_the_key_names_the_database():
    key = dashboard_cache._key("token", 1)
    assert str(connection.settings_dict["NAME"]) in key


def test_a_commit_forgets_again(partnership, django_capture_on_commit_callbacks):
    dashboard_cache.cached(partnership.pk, ("x",), lambda: "old")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Organisation.objects.create(partnership=partnership, name="Nieuw B.V.")
    assert dashboard_cache.cached(partnership.pk, ("x",), lambda: "new") == "new"
    dashboard_cache.cached(partnership.pk, ("x",), lambda: "computed before the commit")
    for callback in callbacks:
        callback()
    assert dashboard_cache.cached(partnership.pk, ("x",), lambda: "after") == "after"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache server down")

        return fail


def test_a_cache_that_is_down_stops_neither_writes_nor_the_dashboard(
    leader_client, region, monkeypatch, caplog
):
    monkeypatch.setattr(dashboard_cache, "cache", BrokenCache())
    contribution = Contribution.objects.get(organisation=region)
    contribution.value = D("4321.00")
    contribution.save()
    assert "4.321" in panels(leader_client) or "4,321" in panels(leader_client)
    assert "cache server down" in caplog.text
