"""Activity codes sort naturally (A2 before A10) in the database and in memory."""

import importlib
import random
import re
from io import BytesIO

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Activity
from sterk.sorting import natural_key, stored_sort_key
from tests.factories import ActivityFactory, BudgetFactory, OrganisationFactory

pytestmark = pytest.mark.usefixtures("no_scopes")

HOSTILE = "x'); DROP--<b>"
# Created in this (scrambled) order; expected back in natural order.
CODES = ["A10", "Intro", "b1", HOSTILE, "A2", "A1"]
EXPECTED = ["A1", "A2", "A10", "b1", "Intro", HOSTILE]


def test_natural_key_puts_a2_before_a10():
    assert sorted(CODES, key=natural_key) == EXPECTED
    assert sorted(["10", "9", "A", "a1", "A01b"], key=natural_key) == ["9", "10", "A", "a1", "A01b"]


def test_the_stored_key_orders_as_the_natural_key():
    assert sorted(CODES, key=stored_sort_key) == EXPECTED
    rng = random.Random(17)
    alphabet = "aAbZ0129-_ ßé\u00a0'\"<%"
    for _ in range(3000):
        codes = ["".join(rng.choices(alphabet, k=rng.randint(0, 8))) for _ in range(6)]
        assert [natural_key(c) for c in sorted(codes, key=stored_sort_key)] == sorted(
            natural_key(c) for c in codes
        )


def test_the_stored_key_is_plain_ascii_that_any_collation_orders_alike():
    for code in [*CODES, "ß€漢字99", "\x00", "9" * 20, "a1" * 10]:
        key = stored_sort_key(code)
        assert re.fullmatch(r"[0-9a-f]*", key), code
        assert len(key) <= Activity._meta.get_field("sort_key").max_length


def _make(partnership):
    for code in CODES:
        ActivityFactory(partnership=partnership, short_code=code, start_date=None, end_date=None)


def _codes(queryset):
    return list(queryset.values_list("short_code", flat=True))


def test_the_database_orders_activities_naturally(partnership, other_partnership):
    _make(partnership)
    ActivityFactory(partnership=other_partnership, short_code="A3")
    assert _codes(Activity.objects.filter(partnership=partnership)) == EXPECTED


def test_renaming_an_activity_moves_it(partnership):
    _make(partnership)
    activity = Activity.objects.get(short_code="A10")
    activity.short_code = "A0"
    activity.save(update_fields=["short_code"])
    assert _codes(Activity.objects.filter(partnership=partnership))[:2] == ["A0", "A1"]


def test_bulk_created_activities_get_their_key(partnership):
    Activity.objects.bulk_create(
        Activity(partnership=partnership, short_code=code, title=code, form=1) for code in CODES
    )
    assert _codes(Activity.objects.filter(partnership=partnership)) == EXPECTED


def test_the_migration_fills_the_key_of_existing_rows(partnership):
    _make(partnership)
    Activity.objects.update(sort_key="")
    migration = importlib.import_module("activities.migrations.0003_natural_sort_key")
    migration.fill_sort_keys(django_apps, None)
    assert _codes(Activity.objects.filter(partnership=partnership)) == EXPECTED


def _texts_in_order(html: str, texts) -> list[str]:
    positions = {text: html.find(text) for text in texts}
    assert all(position >= 0 for position in positions.values()), positions
    return sorted(texts, key=positions.get)


def test_pages_list_activities_naturally(leader_client, partnership):
    from django.utils.html import escape

    _make(partnership)
    BudgetFactory(partnership=partnership)
    slug = {"slug": partnership.slug}
    # The activity list and the activity choice of a budget line.
    for name in ("activities:activity-list", "cofinancing:cost-line-create"):
        response = leader_client.get(reverse(name, kwargs=slug))
        assert response.status_code == 200, name
        html = response.content.decode()
        if name != "activities:activity-list":
            html = html[html.find('name="activity"') :]
        found = _texts_in_order(html, [f">{escape(code)}" for code in EXPECTED])
        assert found == [f">{escape(code)}" for code in EXPECTED], name


def test_the_searchable_select_lists_activities_naturally(leader_client, partnership):
    _make(partnership)
    response = leader_client.get(reverse("activities:activity-options", kwargs={"slug": "twente"}))
    labels = [option["text"].split(" ")[0] for option in response.json()["results"]]
    assert labels == [code.split(" ")[0] for code in EXPECTED]


def test_the_export_lists_activities_naturally(leader_client, partnership):
    _make(partnership)
    response = leader_client.get(reverse("activities:activity-export", kwargs={"slug": "twente"}))
    sheet = load_workbook(BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Code")
    assert [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)] == EXPECTED


def test_the_admin_lists_activities_naturally(client, partnership, django_user_model):
    _make(partnership)
    admin = django_user_model.objects.create_superuser(email="admin@example.test", password="x")
    client.force_login(admin)
    html = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    titles = [Activity.objects.get(short_code=code).title for code in EXPECTED]
    assert _texts_in_order(html, titles) == titles
    # Clicking the code column sorts by the natural key too (descending here).
    html = client.get(reverse("admin:activities_activity_changelist") + "?o=-1").content.decode()
    assert _texts_in_order(html, titles) == titles[::-1]


def test_an_import_that_renames_keeps_the_order(partnership, leader):
    from cofinancing.importer.apply import _write
    from cofinancing.importer.common import Planned
    from cofinancing.importer.result import CHANGED

    OrganisationFactory(partnership=partnership)
    _make(partnership)
    activity = Activity.objects.get(short_code="A10")
    item = Planned(row=2, key="a10", fields={"short_code": "a00"}, existing=activity)
    item.action = CHANGED
    _write(Activity, [item], ("short_code", "sort_key"), build=None, refs=lambda i: {}, user=leader)
    assert _codes(Activity.objects.filter(partnership=partnership))[0] == "a00"


def test_the_agreement_lists_activities_naturally(partnership):
    from agreements.snapshot import build_snapshot

    _make(partnership)
    activities = build_snapshot(partnership=partnership)["activities"]
    assert [activity["code"] for activity in activities] == EXPECTED
