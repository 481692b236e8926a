"""Choosing an organisation or activity without JavaScript (partners/widgets.py): a short list
is a plain select with every option; a long one renders the chosen row only, with a search
box in <noscript> whose matches fill the select. Constant queries, hostile searches."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from cofinancing.models import Contribution
from partners.models import Organisation
from partners.widgets import FULL_OPTIONS, OPTIONS_LIMIT
from tests.factories import BudgetFactory, OrganisationFactory
from tests.test_contributions import form_data
from tests.test_speed import count_queries, grow

LIST = "/p/twente/cofinancing/contributions/"
CREATE = "/p/twente/cofinancing/contributions/new/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def budget(partnership):
    with scopes_disabled():
        return BudgetFactory(partnership=partnership)


def select_of(html: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert found, f"no select {name}"
    return found.group(0)


def options_of(html: str, name: str) -> list[tuple[str, bool]]:
    return [
        (value, " selected" in tag)
        for tag, value in re.findall(r'(<option value="([^"]*)"[^>]*>)', select_of(html, name))
    ]


def test_the_urls_are_those_of_the_contribution_pages():
    assert reverse("cofinancing:contribution-create", kwargs={"slug": "twente"}) == CREATE
    assert reverse("cofinancing:contribution-list", kwargs={"slug": "twente"}) == LIST


def test_a_short_list_renders_every_option_and_no_search(leader_client, partnership, budget):
    grow(partnership, 5)
    with scopes_disabled():
        ids = {str(pk) for pk in Organisation.objects.values_list("pk", flat=True)}
    for page in (LIST, CREATE):
        html = leader_client.get(page).content.decode()
        assert {value for value, _ in options_of(html, "organisation")} == ids | {""}
        assert "data-options-complete" in select_of(html, "organisation")
        assert 'name="organisation__search"' not in html
    # Choosing another organisation works with a plain submit.
    with scopes_disabled():
        chosen = Organisation.objects.order_by("pk")[3]
    response = leader_client.get(LIST, {"organisation": chosen.pk})
    assert [c.organisation_id for c in response.context["page"]] == [chosen.pk]
    assert (str(chosen.pk), True) in options_of(response.content.decode(), "organisation")


def test_a_long_list_searches_without_javascript(leader_client, partnership, budget):
    grow(partnership, FULL_OPTIONS + 10)
    html = leader_client.get(LIST).content.decode()
    assert options_of(html, "organisation") == [("", True)]
    assert "data-options-complete" not in select_of(html, "organisation")
    assert re.search(r'<noscript>.*name="organisation__search"', html, re.S)

    # "0012": the search fills the select with the one match, selected, to confirm.
    response = leader_client.get(LIST, {"organisation": "", "organisation__search": "0012"})
    html = response.content.decode()
    with scopes_disabled():
        match = Organisation.objects.get(name="Bedrijf 0012 B.V.")
    assert options_of(html, "organisation") == [("", False), (str(match.pk), True)]
    assert 'value="0012"' in html  # the search box keeps the words
    # Nothing was chosen by the search alone: the list is not filtered yet.
    assert len({c.organisation_id for c in response.context["page"]}) > 1
    response = leader_client.get(LIST, {"organisation": match.pk})
    assert [c.organisation_id for c in response.context["page"]] == [match.pk]

    # A broad search: at most OPTIONS_LIMIT matches, none selected beyond the first.
    html = leader_client.get(LIST, {"organisation__search": "bedrijf"}).content.decode()
    options = options_of(html, "organisation")
    assert len(options) == 1 + OPTIONS_LIMIT
    assert [selected for _, selected in options].count(True) == 1


def test_a_contribution_is_made_without_javascript_in_a_long_list(
    leader_client, partnership, budget
):
    grow(partnership, FULL_OPTIONS + 10)
    with scopes_disabled():
        company = OrganisationFactory(partnership=partnership, name="Lasbedrijf Hendriks")
    data = form_data(company, organisation="", organisation__search="hendriks")
    response = leader_client.post(CREATE, data)
    assert response.status_code == 200  # not saved: the organisation is still to confirm
    assert "organisation" in response.context["form"].errors
    html = response.content.decode()
    assert options_of(html, "organisation") == [("", False), (str(company.pk), True)]
    response = leader_client.post(CREATE, form_data(company))
    assert response.status_code == 302
    with scopes_disabled():
        assert Contribution.objects.filter(organisation=company).exists()


@pytest.mark.parametrize(
    "search",
    ["", " ", "x" * 10_000, "Bedrijf\x00 0012", "' OR 1=1 --", "<script>alert(1)</script>", "%"],
)
def test_hostile_searches_are_bounded_and_leak_nothing(
    leader_client, partnership, other_partnership, budget, search
):
    grow(partnership, FULL_OPTIONS + 10)
    with scopes_disabled():
        OrganisationFactory(partnership=other_partnership, name="Geheim Bedrijf 0012 B.V.")
    response = leader_client.get(LIST, {"organisation__search": search})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Geheim" not in html
    assert "<script>alert(1)</script>" not in html
    assert len(options_of(html, "organisation")) <= 1 + OPTIONS_LIMIT
    response = leader_client.post(CREATE, {"organisation": "", "organisation__search": search})
    assert response.status_code == 200
    assert "Geheim" not in response.content.decode()


def test_a_search_runs_the_same_queries_at_60_and_2000_organisations(
    leader_client, partnership, budget
):
    grow(partnership, FULL_OPTIONS + 10)
    few, _ = count_queries(leader_client, LIST, {"organisation__search": "bedrijf 00"})
    grow(partnership, 2000)
    many, response = count_queries(leader_client, LIST, {"organisation__search": "bedrijf 00"})
    assert many == few
    assert len(response.content) < 200_000


def test_a_short_and_a_long_list_run_the_same_queries(leader_client, partnership, budget):
    grow(partnership, 5)
    few, _ = count_queries(leader_client, CREATE)
    grow(partnership, 2000)
    many, _ = count_queries(leader_client, CREATE)
    assert many == few
