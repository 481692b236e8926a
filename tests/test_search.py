"""The global search (sterk/search.py): the four groups of this partnership only, at most 10
rows each with "more" to the list filtered on the same query, hostile queries harmless, the
same queries at 5 and 2,000 rows."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from activities.models import Activity, CooperationForm
from cofinancing.models import Contribution
from partners.models import Contact, Organisation
from sterk.search import GROUP_ROWS, MAX_QUERY, clean_query
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContactFactory,
    ContributionFactory,
    OrganisationFactory,
)


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(slug="twente"):
    return reverse("search", kwargs={"slug": slug})


def search(client, q, slug="twente"):
    response = client.get(url(slug), {"q": q})
    assert response.status_code == 200
    return response


def names(response):
    groups = response.context["groups"] or []
    return {group.key: [str(row) for row in group.rows] for group in groups}


@pytest.fixture
def region(partnership, other_partnership):
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
        lasbedrijf = OrganisationFactory(
            partnership=partnership, name="Lasbedrijf Oost", city="Almelo", kvk_number="12345678"
        )
        OrganisationFactory(partnership=partnership, name="Bakkerij Zuid", city="Hengelo")
        ContactFactory(organisation=lasbedrijf, name="Anna Lasser", email="anna@oost.example")
        ActivityFactory(partnership=partnership, short_code="L1", title="Lasdagen op het vmbo")
        ContributionFactory(
            partnership=partnership, organisation=lasbedrijf, description="Lasapparaten"
        )
        stranger = OrganisationFactory(
            partnership=other_partnership, name="Lasbedrijf West", kvk_number="87654321"
        )
        ContactFactory(organisation=stranger, name="Lasse Vreemd")
        ActivityFactory(partnership=other_partnership, short_code="L9", title="Lasweek elders")
    return {"lasbedrijf": lasbedrijf, "stranger": stranger}


def test_the_four_groups_show_this_partnership_only(leader_client, region):
    response = search(leader_client, "las")
    found = names(response)
    assert found["organisations"] == ["Lasbedrijf Oost"]
    assert found["contacts"] == ["Anna Lasser"]
    assert found["activities"] == ["L1 Lasdagen op het vmbo"]
    assert found["contributions"] == ["Lasapparaten"]
    html = response.content.decode()
    for foreign in ("Lasbedrijf West", "Lasse Vreemd", "Lasweek elders"):
        assert foreign not in html
    assert "data-search-more" not in html  # no group has more than 10
    # The rows link to their pages.
    lasbedrijf = region["lasbedrijf"]
    detail = reverse(
        "partners:organisation-detail", kwargs={"slug": "twente", "code": lasbedrijf.code}
    )
    assert f'href="{detail}"' in html


def test_matches_are_the_lists_matches(leader_client, region):
    # City, KvK number (whole), e-mail, organisation of a contact, activity code.
    assert names(search(leader_client, "almelo"))["organisations"] == ["Lasbedrijf Oost"]
    assert names(search(leader_client, "12345678"))["organisations"] == ["Lasbedrijf Oost"]
    assert names(search(leader_client, "1234"))["organisations"] == []
    assert names(search(leader_client, "anna@oost"))["contacts"] == ["Anna Lasser"]
    assert names(search(leader_client, "lasbedrijf oost"))["contacts"] == ["Anna Lasser"]
    assert names(search(leader_client, "l1"))["activities"] == ["L1 Lasdagen op het vmbo"]
    # Another partnership's KvK number or name finds nothing here.
    assert not any(names(search(leader_client, "87654321")).values())
    assert "Nothing found" in search(leader_client, "Lasbedrijf West").content.decode()


def test_another_partnerships_ids_and_codes_find_nothing(leader_client, region):
    stranger = region["stranger"]
    for q in (str(stranger.code), str(stranger.pk), f"/p/zeeland/partners/{stranger.code}/"):
        response = search(leader_client, q)
        assert not any(names(response).values())
        assert stranger.name not in response.content.decode()


def test_a_group_shows_10_and_links_to_the_filtered_list(leader_client, partnership):
    with scopes_disabled():
        for index in range(GROUP_ROWS + 5):
            OrganisationFactory(partnership=partnership, name=f"Metaal {index:02}")
    response = search(leader_client, "  metaal  ")
    (group,) = [g for g in response.context["groups"] if g.key == "organisations"]
    assert [o.name for o in group.rows] == [f"Metaal {index:02}" for index in range(GROUP_ROWS)]
    assert group.more
    html = response.content.decode()
    assert html.count("data-search-more") == 1
    more = re.search(r'<a href="([^"]+)" data-search-more>', html).group(1)
    assert more == reverse("partners:organisation-list", kwargs={"slug": "twente"}) + "?q=metaal"
    listed = leader_client.get(more.replace("&amp;", "&"))
    assert listed.context["page"].paginator.count == GROUP_ROWS + 5


@pytest.mark.parametrize(
    "q",
    [
        "",
        " ",
        "a",
        "x" * 10_000,
        "' OR 1=1 --",
        "%",
        "%%",
        "__",
        "\\",
        "a\x00b",
        "\x00\x00",
        "las\x00",
        "<script>alert(1)</script>",
        "'; DROP TABLE partners_organisation; --",
        "\u202e\u200b",
        "😀😀",
    ],
)
def test_hostile_queries_cause_no_error_and_find_nothing_foreign(leader_client, region, q):
    response = search(leader_client, q)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    for foreign in ("Lasbedrijf West", "Lasse Vreemd", "Lasweek elders"):
        assert foreign not in html
    groups = response.context["groups"]
    if groups is not None:
        assert all(len(group.rows) <= GROUP_ROWS for group in groups)
        if q.strip("\x00 ") in ("' OR 1=1 --", "%", "%%", "__", "\\", "<script>alert(1)</script>"):
            assert not any(group.rows for group in groups), q
    assert len(response.context["search_query"]) <= MAX_QUERY
    with scopes_disabled():
        assert Organisation.objects.filter(name="Lasbedrijf Oost").exists()


def test_the_query_is_cleaned():
    assert clean_query(None) == ""
    assert clean_query("  las   bedrijf \n") == "las bedrijf"
    assert clean_query("a\x00b") == "ab"
    assert len(clean_query("x" * 10_000)) == MAX_QUERY
    assert clean_query(" " * 5000 + "las") == ""  # cut before it is read: no huge work


def test_a_short_query_asks_for_more_and_runs_no_search(leader_client, region):
    with CaptureQueriesContext(connection) as queries:
        response = search(leader_client, "a")
    assert response.context["groups"] is None
    assert "data-search-hint" in response.content.decode()
    assert not any("partners_contact" in q["sql"] for q in queries.captured_queries)


def test_the_header_has_the_search_box_on_partnership_pages_only(leader_client, client, region):
    html = leader_client.get(reverse("dashboard", kwargs={"slug": "twente"})).content.decode()
    assert 'id="header-search"' in html
    assert f'action="{url()}"' in html
    assert 'aria-keyshortcuts="/ Control+K"' in html
    assert "js/search-shortcut.js" in html
    # On the results page the box keeps the query.
    html = search(leader_client, "las").content.decode()
    box = re.search(r'<input type="search" name="q" id="header-search"[^>]*>', html).group(0)
    assert 'value="las"' in box
    # Not on the sign-in page (no partnership).
    assert 'id="header-search"' not in client.get("/accounts/login/").content.decode()


def test_members_only(client, viewer, outsider, region):
    assert client.get(url(), {"q": "las"}).status_code == 302
    client.force_login(outsider)
    assert client.get(url(), {"q": "las"}).status_code == 404
    # The outsider's own partnership finds its own rows only.
    assert names(search(client, "las", slug="zeeland"))["organisations"] == ["Lasbedrijf West"]
    client.force_login(viewer)
    assert names(search(client, "las"))["organisations"] == ["Lasbedrijf Oost"]
    assert client.post(url(), {"q": "las"}).status_code == 405


def grow(partnership, count):
    with scopes_disabled():
        have = Organisation.objects.filter(partnership=partnership).count()
        organisations = Organisation.objects.bulk_create(
            Organisation(partnership=partnership, name=f"Bedrijf {index:04}", kind="company")
            for index in range(have, count)
        )
        Contact.objects.bulk_create(
            Contact(partnership=partnership, organisation=o, name=f"Contact {o.name}")
            for o in organisations
        )
        Activity.objects.bulk_create(
            Activity(
                partnership=partnership,
                short_code=f"B{index}",
                title=f"Bedrijfsbezoek {index}",
                form=CooperationForm.GUEST_TEACHERS,
            )
            for index in range(have, count)
        )
        Contribution.objects.bulk_create(
            Contribution(
                partnership=partnership,
                organisation=o,
                year=2026,
                kind="money",
                description=f"Bijdrage {o.name}",
                amount=Decimal("100.00"),
                value=Decimal("100.00"),
                status="pledged",
            )
            for o in organisations
        )


def test_the_same_queries_at_5_and_2000_rows(leader_client, partnership):
    def run():
        with CaptureQueriesContext(connection) as queries:
            response = search(leader_client, "bedrijf")
        return len(queries), response

    grow(partnership, 5)
    few, response = run()
    assert all(len(g.rows) == 5 for g in response.context["groups"])
    grow(partnership, 2000)
    many, response = run()
    assert many == few
    assert all(len(g.rows) == GROUP_ROWS and g.more for g in response.context["groups"])
    assert len(response.content) < 100_000
