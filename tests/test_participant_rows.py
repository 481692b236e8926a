"""Participant rows added on the activity page: the "add participant" button fetches one
more row with htmx (activities:participant-row) and raises the form's TOTAL_FORMS out of
band; without JavaScript it posts the form, which comes back with one more empty row and
nothing saved."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.forms.activities import MAX_PARTICIPANT_ROWS
from activities.models import Activity, Participant
from tests.factories import ActivityFactory, OrganisationFactory, ParticipantFactory
from tests.test_activities import form_data, post_row

pytestmark = pytest.mark.usefixtures("no_scopes")


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def url(name, slug="twente", **kwargs):
    return reverse(f"activities:{name}", kwargs={"slug": slug, **kwargs})


def fetch_row(client, total, slug="twente"):
    data = {} if total is None else {"participants-TOTAL_FORMS": total, "add_participant": "1"}
    return client.get(url("participant-row", slug=slug), data)


def test_a_fetched_row_has_the_next_index_and_raises_total_forms(
    leader_client, partnership, other_partnership
):
    OrganisationFactory(partnership=partnership, name="Lasbedrijf Oost")
    OrganisationFactory(partnership=other_partnership, name="Lasbedrijf Zeeland")
    response = fetch_row(leader_client, "2")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("organisation", "tasks", "responsibilities", "id", "activity"):
        assert f'name="participants-2-{name}"' in html, name
    assert "participants-1-" not in html and "__prefix__" not in html
    assert "Participant 3" in html
    assert re.search(r"<fieldset[^>]*tabindex=\"-1\" autofocus", html)
    total = re.search(r'<input type="hidden" name="participants-TOTAL_FORMS"[^>]*>', html).group(0)
    assert 'value="3"' in total and 'id="id_participants-TOTAL_FORMS"' in total
    assert 'hx-swap-oob="true"' in total
    # A short list: this partnership's organisations are all in the row (it works without
    # JavaScript), another partnership's are not; with JavaScript it searches the options.
    assert 'data-remote-options="/p/twente/partners/options/"' in html
    assert "data-options-complete" in html
    assert "Lasbedrijf Oost" in html and "Lasbedrijf Zeeland" not in html
    assert 'id="participant-add"' not in html


def test_the_last_row_that_fits_replaces_the_button_with_a_note(leader_client):
    html = fetch_row(leader_client, str(MAX_PARTICIPANT_ROWS - 1)).content.decode()
    assert f'name="participants-{MAX_PARTICIPANT_ROWS - 1}-tasks"' in html
    assert re.search(r'id="participant-add"[^>]*hx-swap-oob="true"', html)
    assert "save to add more" in html and "hx-get" not in html


@pytest.mark.parametrize(
    "total",
    [
        None,
        "",
        " ",
        "abc",
        "-1",
        "1.5",
        "2e3",
        "0x10",
        str(MAX_PARTICIPANT_ROWS),
        "1000",
        "9" * 40,
        "x" * 10_000,
        "2\x00",
        "\x00",
        "<script>alert(1)</script>",
        "1 OR 1=1",
        "٣",  # an Arabic-Indic digit: isdigit() says yes, it is no row number
    ],
)
def test_a_bad_row_number_is_refused(leader_client, total):
    response = fetch_row(leader_client, total)
    assert response.status_code == 400
    assert b"<script>" not in response.content


def test_only_members_who_edit_fetch_rows(client, viewer, editor, outsider, partnership):
    assert fetch_row(client, "2").status_code == 302  # to the sign-in page
    client.force_login(viewer)
    assert fetch_row(client, "2").status_code == 403
    client.force_login(editor)
    assert fetch_row(client, "2").status_code == 200
    assert client.post(url("participant-row"), {"participants-TOTAL_FORMS": "2"}).status_code == 405
    client.force_login(outsider)
    assert fetch_row(client, "2").status_code == 404
    # The outsider's own partnership answers, with its own options.
    html = fetch_row(client, "2", slug="zeeland").content.decode()
    assert 'data-remote-options="/p/zeeland/partners/options/"' in html


def test_a_fetched_row_costs_the_same_queries_however_many_organisations(
    leader_client, partnership
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert fetch_row(leader_client, "5").status_code == 200
        return len(captured)

    OrganisationFactory.create_batch(3, partnership=partnership)
    few = queries()
    OrganisationFactory.create_batch(60, partnership=partnership)
    assert queries() == few


def test_rows_added_on_the_page_are_saved_with_the_form(leader_client, partnership):
    first, second, third = OrganisationFactory.create_batch(3, partnership=partnership)
    page = leader_client.get(url("activity-create")).content.decode()
    assert 'id="participant-rows"' in page
    assert 'hx-include="#id_participants-TOTAL_FORMS"' in page
    # Two rows on the page, a third fetched: the form posts three.
    assert fetch_row(leader_client, "2").status_code == 200
    rows = [post_row(first), post_row(second), post_row(third, tasks="Levert materiaal.")]
    response = leader_client.post(url("activity-create"), form_data(rows))
    assert response.status_code == 302
    activity = Activity.objects.get(partnership=partnership, short_code="G7")
    assert Participant.objects.filter(activity=activity).count() == 3


def test_without_javascript_the_button_posts_and_adds_a_row_without_saving(
    leader_client, partnership
):
    organisation = OrganisationFactory(partnership=partnership)
    empty = post_row(None, tasks="", responsibilities="")
    data = form_data([post_row(organisation), empty], add_participant="1")
    response = leader_client.post(url("activity-create"), data)
    assert response.status_code == 200
    assert not Activity.objects.filter(partnership=partnership).exists()
    formset = response.context["formset"]
    assert formset.total_form_count() == 3
    html = response.content.decode()
    assert 'name="participants-2-tasks"' in html
    assert 'value="Gastlessen lassen"' in html  # what was typed stays
    assert "Levert twee gastdocenten." in html
    # Then saving keeps the filled row and skips the empty ones.
    data = form_data([post_row(organisation), empty, empty])
    assert leader_client.post(url("activity-create"), data).status_code == 302
    assert Participant.objects.filter(activity__partnership=partnership).count() == 1


def test_without_javascript_an_edit_keeps_its_participants_while_adding(leader_client, partnership):
    activity = ActivityFactory(partnership=partnership)
    participant = ParticipantFactory(activity=activity)
    data = form_data(
        [{"id": participant.pk, **post_row(participant.organisation)}],
        initial=1,
        add_participant="1",
    )
    response = leader_client.post(url("activity-update", code=activity.code), data)
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 2
    assert Participant.objects.get(pk=participant.pk).tasks == participant.tasks


@pytest.mark.parametrize("total", ["x" * 10_000, "\x00", "-3", "9" * 40, ""])
def test_without_javascript_a_forged_row_count_adds_nothing_and_fails_politely(
    leader_client, partnership, total
):
    data = form_data([], add_participant="1", **{"participants-TOTAL_FORMS": total})
    response = leader_client.post(url("activity-create"), data)
    assert response.status_code == 200
    assert not Activity.objects.filter(partnership=partnership).exists()


def test_at_the_limit_the_page_has_no_button(leader_client, partnership):
    data = form_data(
        [], add_participant="1", **{"participants-TOTAL_FORMS": MAX_PARTICIPANT_ROWS - 1}
    )
    response = leader_client.post(url("activity-create"), data)
    assert response.context["formset"].total_form_count() == MAX_PARTICIPANT_ROWS
    html = response.content.decode()
    assert 'name="add_participant"' not in html
    assert "save to add more" in html
