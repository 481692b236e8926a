"""The pipeline board: the latest 20 organisations per column with "show all", and the move
that drag and drop posts (static/js/pipeline-board.js) answered in JSON, with the same
permission and CSRF check as the select and button."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from partners.models import Organisation, Stage, StageChange
from partners.selectors.organisations import BOARD_COLUMN_ROWS, organisation_board
from tests.factories import OrganisationFactory

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _url(name, **kwargs):
    return reverse(f"partners:{name}", kwargs={"slug": "twente", **kwargs})


def _signed(partnership, count):
    """`count` signed organisations, the one with the highest number moved last."""
    start = timezone.now() - datetime.timedelta(days=count)
    with scopes_disabled():
        return Organisation.objects.bulk_create(
            Organisation(
                partnership=partnership,
                name=f"Getekend {index:03}",
                kind="company",
                stage=Stage.SIGNED,
                stage_changed_at=start + datetime.timedelta(days=index),
            )
            for index in range(count)
        )


def test_a_long_column_shows_the_latest_20_and_links_to_the_rest(leader_client, partnership):
    _signed(partnership, 45)
    with scopes_disabled():
        OrganisationFactory(partnership=partnership, name="Nieuw", stage=Stage.PROSPECT)
    response = leader_client.get(_url("organisation-board"))
    columns = {c["stage"]: c for c in response.context["columns"]}
    signed = columns["signed"]
    assert [o.name for o in signed["organisations"]] == [
        f"Getekend {index:03}" for index in range(44, 44 - BOARD_COLUMN_ROWS, -1)
    ]
    assert (signed["count"], signed["hidden"]) == (45, 25)
    assert [o.name for o in columns["prospect"]["organisations"]] == ["Nieuw"]
    assert columns["prospect"]["hidden"] == 0
    html = response.content.decode()
    assert html.count("data-show-all") == 1
    assert f"{_url('organisation-list')}?stage=signed" in html
    assert "Show all (25 more)" in html
    assert 'data-stage-count="45"' in html
    # The link leads to every signed organisation.
    listed = leader_client.get(_url("organisation-list"), {"stage": "signed"})
    assert listed.context["page"].paginator.count == 45


def test_a_move_to_another_partnership_is_not_in_the_board(partnership, other_partnership):
    _signed(other_partnership, 3)
    with scopes_disabled():
        columns = organisation_board(partnership=partnership)
    assert all(c["count"] == 0 and c["organisations"] == [] for c in columns)


def test_the_board_loads_sortable_only_for_those_who_may_move(client, leader, viewer, partnership):
    _signed(partnership, 2)
    client.force_login(leader)
    html = client.get(_url("organisation-board")).content.decode()
    assert "vendor/sortablejs-1.15.7/Sortable.min.js" in html
    assert "js/pipeline-board.js" in html
    assert "data-can-move" in html and "data-move-url" in html
    client.force_login(viewer)
    html = client.get(_url("organisation-board")).content.decode()
    assert "Sortable.min.js" not in html and "data-can-move" not in html
    assert "data-move-url" not in html and 'name="stage"' not in html
    # Sortable is loaded on the board only.
    assert "Sortable" not in client.get(_url("organisation-list")).content.decode()


def test_a_drop_moves_the_organisation_and_answers_in_json(leader_client, leader, partnership):
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership, name="Alfa", stage="prospect")
    url = _url("organisation-move", code=organisation.code)
    response = leader_client.post(url, {"stage": "committed"}, **JSON)
    assert response.status_code == 200
    assert response.json() == {"message": "Alfa moved to “Committed”.", "stage": "committed"}
    with scopes_disabled():
        organisation.refresh_from_db()
        change = StageChange.objects.get(organisation=organisation)
    assert organisation.stage == "committed"
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "prospect",
        "committed",
        leader,
    )
    # No message waits for the next page: the board showed it already.
    board = leader_client.get(_url("organisation-board"))
    assert not list(board.context["messages"])

    again = leader_client.post(url, {"stage": "committed"}, **JSON)
    assert again.status_code == 200
    assert "already in that stage" in again.json()["message"]


@pytest.mark.parametrize(
    "stage", ["", "nonsense", "x" * 10_000, "signed\x00", "' OR 1=1 --", "<script>", None]
)
def test_a_bad_stage_is_refused_with_the_reason(leader_client, partnership, stage):
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership, stage="prospect")
    data = {} if stage is None else {"stage": stage}
    response = leader_client.post(_url("organisation-move", code=organisation.code), data, **JSON)
    assert response.status_code == 400
    assert response.json() == {"message": "Choose an existing stage.", "stage": "prospect"}
    with scopes_disabled():
        organisation.refresh_from_db()
        assert organisation.stage == "prospect"
        assert not StageChange.objects.filter(organisation=organisation).exists()


def test_a_viewer_an_outsider_and_another_partnerships_card_cannot_be_moved(
    client, viewer, outsider, leader, partnership, other_partnership
):
    with scopes_disabled():
        ours = OrganisationFactory(partnership=partnership, stage="prospect")
        theirs = OrganisationFactory(partnership=other_partnership, stage="prospect")
    client.force_login(viewer)
    url = _url("organisation-move", code=ours.code)
    assert client.post(url, {"stage": "signed"}, **JSON).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"stage": "signed"}, **JSON).status_code == 404
    client.force_login(leader)
    forged = _url("organisation-move", code=theirs.code)
    assert client.post(forged, {"stage": "signed"}, **JSON).status_code == 404
    assert client.get(url, **JSON).status_code == 405
    with scopes_disabled():
        assert {o.stage for o in Organisation.objects.filter(pk__in=[ours.pk, theirs.pk])} == {
            "prospect"
        }


def test_a_drop_without_the_csrf_token_is_refused(leader, partnership):
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership, stage="prospect")
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    url = _url("organisation-move", code=organisation.code)
    assert client.post(url, {"stage": "signed"}, **JSON).status_code == 403
    # The board's own form carries the token that the drop posts.
    html = client.get(_url("organisation-board")).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(url, {"stage": "signed", "csrfmiddlewaretoken": token}, **JSON)
    assert response.status_code == 200
    with scopes_disabled():
        organisation.refresh_from_db()
    assert organisation.stage == "signed"


def test_the_button_without_javascript_still_redirects_with_a_message(leader_client, partnership):
    with scopes_disabled():
        organisation = OrganisationFactory(partnership=partnership, name="Beta", stage="prospect")
    response = leader_client.post(
        _url("organisation-move", code=organisation.code),
        {"stage": "paused", "next": _url("organisation-board")},
        follow=True,
    )
    assert response.redirect_chain == [(_url("organisation-board"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Beta moved to “Paused”."]
