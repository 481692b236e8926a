"""Governance, changing what was taken down (docs/rules.md §27): decisions edited and deleted
(numbers never given again), meetings deleted with their actions (not with decisions), the
one-click "done" with and without JavaScript, and the follow-up list's empty state."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from governance import services
from governance.models import Action, Body, BodyKind, Decision, Meeting
from tests.factories import ContactFactory, InteractionFactory, OrganisationFactory
from tests.test_governance import _count

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
HUGE = "x" * 10_000


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages: the interface in English (Dutch is the default)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def body(partnership):
    with scopes_disabled():
        return services.body_create(
            partnership=partnership, kind=BodyKind.STEERING_GROUP, name="Stuurgroep Twente"
        )


@pytest.fixture
def member(body, partnership):
    with scopes_disabled():
        contact = ContactFactory(
            organisation=OrganisationFactory(partnership=partnership, name="Metaal BV"),
            name="Anna Bos",
        )
        return services.member_add(body=body, contact=contact)


@pytest.fixture
def meeting(body, member):
    with scopes_disabled():
        return services.meeting_create(body=body, date=YESTERDAY, agenda="1. Opening")


@pytest.fixture
def decisions(meeting):
    with scopes_disabled():
        return [
            services.decision_add(meeting=meeting, title=f"Besluit {n}", text=f"Tekst {n}")
            for n in (1, 2, 3)
        ]


@pytest.fixture
def foreign(other_partnership):
    """A meeting with a decision and an action in another partnership."""
    with scopes_disabled():
        body = services.body_create(partnership=other_partnership, kind="other", name="Elders")
        contact = ContactFactory(organisation=OrganisationFactory(partnership=other_partnership))
        owner = services.member_add(body=body, contact=contact)
        meeting = services.meeting_create(body=body, date=YESTERDAY)
        decision = services.decision_add(meeting=meeting, title="Elders", text="Elders besloten")
        action = services.action_add(meeting=meeting, description="Elders", owner=owner, due=TODAY)
    return {"meeting": meeting, "decision": decision, "action": action}


def url(name, partnership, *args):
    return reverse(f"governance:{name}", args=[partnership.slug, *args])


def _numbers(body):
    with scopes_disabled():
        return list(Decision.objects.filter(body=body).order_by("number").values_list("number"))


# Decisions: edit ----------------------------------------------------------------------------


def test_an_editor_changes_the_wording_and_the_number_stays(client, editor, partnership, decisions):
    second = decisions[1]
    client.force_login(editor)
    edit = url("decision-update", partnership, second.code)
    page = client.get(edit).content.decode()
    assert "Change decision 2" in page and "Tekst 2" in page
    response = client.post(edit, {"title": "Begroting", "text": "De begroting is vastgesteld."})
    assert response.status_code == 302
    assert response.url == url("meeting-detail", partnership, second.meeting.code)
    second.refresh_from_db()
    assert (second.number, second.title, second.text) == (
        2,
        "Begroting",
        "De begroting is vastgesteld.",
    )


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"title": "T", "text": ""}, "text", "Write down what was decided."),
        ({"title": "T", "text": "  \n "}, "text", "Write down what was decided."),
        ({"title": "T", "text": HUGE}, "text", "at most 5000 characters"),
        ({"title": HUGE, "text": "Tekst"}, "title", "at most 200 characters"),
        ({"title": "T", "text": "Nul\x00byte"}, "text", "Null characters are not allowed."),
        ({"title": "Nul\x00", "text": "Tekst"}, "title", "Null characters are not allowed."),
        ({"title": "Twee\nregels", "text": "Tekst"}, "title", "one line"),
    ],
)
def test_a_bad_decision_edit_is_refused_and_nothing_changes(
    leader_client, partnership, decisions, data, field, message
):
    first = decisions[0]
    response = leader_client.post(url("decision-update", partnership, first.code), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    first.refresh_from_db()
    assert (first.title, first.text) == ("Besluit 1", "Tekst 1")


@pytest.mark.parametrize(
    "title, text, field",
    [("T", "", "text"), ("T", HUGE, "text"), ("T", "a\x00b", "text"), ("a\x00b", "T", "title")],
)
def test_the_service_refuses_bad_wording_itself(decisions, title, text, field):
    with scopes_disabled(), pytest.raises(ValidationError) as refused:
        services.decision_update(decision=decisions[0], title=title, text=text)
    assert field in refused.value.error_dict
    with scopes_disabled():
        assert Decision.objects.get(pk=decisions[0].pk).text == "Tekst 1"


def test_the_service_refuses_a_nul_byte_in_a_new_decision(meeting):
    with scopes_disabled(), pytest.raises(ValidationError, match="Null characters"):
        services.decision_add(meeting=meeting, title="T", text="a\x00b")
    with scopes_disabled():
        assert not Decision.objects.exists()
        assert Body.objects.get(pk=meeting.body_id).last_decision_number == 0


# Decisions: delete --------------------------------------------------------------------------


def test_a_deleted_decision_leaves_a_gap_and_its_number_is_never_given_again(
    leader_client, partnership, body, meeting, decisions
):
    last = decisions[2]
    delete = url("decision-delete", partnership, last.code)
    page = leader_client.get(delete).content.decode()
    assert "Delete decision 3" in page and "Tekst 3" in page
    assert "<form" in page  # the confirmation page itself deletes nothing
    assert _numbers(body) == [(1,), (2,), (3,)]
    response = leader_client.post(delete)
    assert response.status_code == 302
    assert response.url == url("meeting-detail", partnership, meeting.code)
    assert _numbers(body) == [(1,), (2,)]
    # The last one was deleted: the next decision still gets 4, not 3 again.
    with scopes_disabled():
        services.decision_delete(decision=decisions[0])
        fourth = services.decision_add(meeting=meeting, title="Vier", text="Vierde")
    assert fourth.number == 4
    assert _numbers(body) == [(2,), (4,)]


def test_a_double_submitted_delete_finds_nothing_the_second_time(
    leader_client, partnership, body, decisions
):
    delete = url("decision-delete", partnership, decisions[0].code)
    assert leader_client.post(delete).status_code == 302
    assert leader_client.post(delete).status_code == 404
    assert _numbers(body) == [(2,), (3,)]


def test_decisions_of_another_partnership_are_404(leader_client, partnership, foreign):
    code = foreign["decision"].code
    for name in ("decision-update", "decision-delete"):
        assert leader_client.get(url(name, partnership, code)).status_code == 404
        assert leader_client.post(url(name, partnership, code), {"text": "Kaping"}).status_code == (
            404
        )
    with scopes_disabled():
        assert Decision.objects.get(code=code).text == "Elders besloten"


def test_a_viewer_neither_edits_nor_deletes_a_decision(client, viewer, partnership, decisions):
    client.force_login(viewer)
    assert client.post(url("decision-delete", partnership, decisions[0].code)).status_code == 403
    response = client.post(url("decision-update", partnership, decisions[0].code), {"text": "X"})
    assert response.status_code == 403
    page = client.get(url("meeting-detail", partnership, decisions[0].meeting.code))
    assert url("decision-delete", partnership, decisions[0].code) not in page.content.decode()


# Meetings: delete ---------------------------------------------------------------------------


def test_a_meeting_goes_with_its_actions_and_the_page_says_so(
    leader_client, partnership, body, meeting, member
):
    with scopes_disabled():
        meeting.attendees.add(member)
        for n in range(2):
            services.action_add(meeting=meeting, description=f"Bel {n}", owner=member, due=TODAY)
    delete = url("meeting-delete", partnership, meeting.code)
    page = leader_client.get(delete).content.decode()
    assert "Its 2 actions are deleted too" in page and "Delete meeting" in page
    response = leader_client.post(delete)
    assert response.status_code == 302
    assert response.url == url("body-detail", partnership, body.code)
    with scopes_disabled():
        assert not Meeting.objects.filter(pk=meeting.pk).exists()
        assert not Action.objects.exists()
        assert body.members.count() == 1  # the members stay
    assert leader_client.post(delete).status_code == 404  # a double submit


def test_a_meeting_with_decisions_is_not_deleted(leader_client, partnership, meeting, decisions):
    delete = url("meeting-delete", partnership, meeting.code)
    page = leader_client.get(delete).content.decode()
    assert "This meeting has 3 decisions: delete those first." in page
    assert 'type="submit"' not in page.split("<main", 1)[-1].split("</main>")[0]
    response = leader_client.post(delete)
    assert response.status_code == 400
    assert "This meeting has decisions: delete those first." in response.content.decode()
    with scopes_disabled():
        assert Meeting.objects.filter(pk=meeting.pk).exists()
        assert Decision.objects.filter(meeting=meeting).count() == 3
        with pytest.raises(ValidationError, match="delete those first"):
            services.meeting_delete(meeting=meeting)


def test_a_meeting_of_another_partnership_is_404(leader_client, partnership, foreign):
    delete = url("meeting-delete", partnership, foreign["meeting"].code)
    assert leader_client.get(delete).status_code == 404
    assert leader_client.post(delete).status_code == 404
    with scopes_disabled():
        assert Meeting.objects.filter(pk=foreign["meeting"].pk).exists()


def test_a_viewer_does_not_delete_a_meeting(client, viewer, partnership, meeting):
    client.force_login(viewer)
    assert client.post(url("meeting-delete", partnership, meeting.code)).status_code == 403
    with scopes_disabled():
        assert Meeting.objects.filter(pk=meeting.pk).exists()


# Done in one click --------------------------------------------------------------------------


@pytest.fixture
def action(meeting, member):
    with scopes_disabled():
        return services.action_add(
            meeting=meeting, description="Offerte sturen", owner=member, due=YESTERDAY
        )


def test_with_htmx_the_row_comes_back_done_and_undo_opens_it_again(
    leader_client, partnership, action
):
    done = url("action-done", partnership, action.code)
    follow_up = reverse("partners:follow-up", args=[partnership.slug])
    response = leader_client.post(
        done, {"next": follow_up, "row": "followup"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="action-{action.code}"')
    assert "Done" in row and 'name="undo" value="1"' in row and "autofocus" in row
    assert "overdue" not in row  # done: no longer overdue
    assert "Stuurgroep Twente" in row  # the follow-up list's layout, with the body
    action.refresh_from_db()
    assert action.done_at is not None
    response = leader_client.post(
        done, {"next": follow_up, "row": "followup", "undo": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Mark done" in response.content.decode()
    assert "overdue" in response.content.decode()
    action.refresh_from_db()
    assert action.done_at is None
    # No message waits for the next page: the row said it already.
    assert "Action marked done" not in leader_client.get(follow_up).content.decode()


def test_with_htmx_on_the_meeting_page_the_meeting_row_comes_back(
    leader_client, partnership, action
):
    response = leader_client.post(
        url("action-done", partnership, action.code),
        {"row": "meeting", "next": url("meeting-detail", partnership, action.meeting.code)},
        HTTP_HX_REQUEST="true",
    )
    row = response.content.decode()
    assert response.status_code == 200 and "Done" in row
    assert "Stuurgroep Twente" not in row  # the meeting's layout has no body column
    assert 'name="row" value="meeting"' in row


@pytest.mark.parametrize("row", ["", "x" * 10_000, "a\x00b", "../../base"])
def test_an_unknown_row_layout_falls_back_to_the_follow_up_row(
    leader_client, partnership, action, row
):
    response = leader_client.post(
        url("action-done", partnership, action.code), {"row": row}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Stuurgroep Twente" in response.content.decode()


def test_without_javascript_it_posts_and_comes_back(leader_client, partnership, action):
    meeting_page = url("meeting-detail", partnership, action.meeting.code)
    page = leader_client.get(meeting_page).content.decode()
    assert f'action="{url("action-done", partnership, action.code)}"' in page
    assert f'name="next" value="{meeting_page}"' in page
    response = leader_client.post(
        url("action-done", partnership, action.code), {"next": meeting_page}
    )
    assert response.status_code == 302 and response.url == meeting_page
    page = leader_client.get(meeting_page).content.decode()
    assert "Action marked done: Offerte sturen" in page


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "/a\x00b", "/" + "x" * 10_000],
)
def test_a_foreign_or_hostile_next_goes_to_the_follow_up_list(
    leader_client, partnership, action, next_url
):
    response = leader_client.post(url("action-done", partnership, action.code), {"next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("partners:follow-up", args=[partnership.slug])


def test_an_action_of_another_partnership_is_404(leader_client, partnership, foreign):
    response = leader_client.post(
        url("action-done", partnership, foreign["action"].code), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert Action.objects.get(pk=foreign["action"].pk).done_at is None


def test_with_htmx_a_viewer_who_does_not_own_it_gets_403(client, viewer, partnership, action):
    client.force_login(viewer)
    response = client.post(url("action-done", partnership, action.code), HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.done_at is None


# The follow-up list's empty state -----------------------------------------------------------

EMPTY = "Nothing to follow up"


def test_the_empty_state_shows_only_when_there_is_nothing_at_all(
    leader_client, partnership, action, leader
):
    follow_up = reverse("partners:follow-up", args=[partnership.slug])
    # Open actions, no next steps: the actions, no empty state.
    page = leader_client.get(follow_up).content.decode()
    assert EMPTY not in page
    assert "Offerte sturen" in page and "Actions from meetings" in page
    assert "autofocus" not in page  # only a swapped-in row takes the focus
    # Nothing open at all: the empty state alone.
    with scopes_disabled():
        services.action_mark_done(action=action, user=leader)
    page = leader_client.get(follow_up).content.decode()
    assert EMPTY in page and "Actions from meetings" not in page
    # A next step only: no empty state, and the actions' section says it has none.
    with scopes_disabled():
        InteractionFactory(
            organisation=action.owner.contact.organisation,
            next_step="Gastles plannen",
            next_step_due=TODAY,
        )
    page = leader_client.get(follow_up).content.decode()
    assert EMPTY not in page
    assert "Gastles plannen" in page and "No open actions from meetings." in page


# Query counts -------------------------------------------------------------------------------


def test_meeting_page_with_edit_links_keeps_its_query_count(
    leader_client, partnership, body, meeting, member
):
    def grow(count, start):
        with scopes_disabled():
            for n in range(count):
                services.decision_add(meeting=meeting, title=f"B{start + n}", text="Tekst")
                services.action_add(
                    meeting=meeting, description=f"A{start + n}", owner=member, due=TODAY
                )

    pages = [
        url("meeting-detail", partnership, meeting.code),
        url("decision-list", partnership),
        url("meeting-delete", partnership, meeting.code),
    ]
    grow(3, 0)
    few = [_count(leader_client, page) for page in pages]
    grow(30, 3)
    assert [_count(leader_client, page) for page in pages] == few
    with scopes_disabled():
        last = Decision.objects.get(title="B32")
    assert (
        url("decision-update", partnership, last.code)
        in leader_client.get(pages[0]).content.decode()
    )


def test_nothing_is_added_to_a_meeting_deleted_since_the_page_opened(meeting, member):
    with scopes_disabled():
        assert services.meeting_delete(meeting=meeting) == 0
        with pytest.raises(ValidationError, match="deleted meanwhile"):
            services.decision_add(meeting=meeting, title="T", text="Tekst")
        with pytest.raises(ValidationError, match="deleted meanwhile"):
            services.action_add(meeting=meeting, description="A", owner=member, due=TODAY)
        assert not Decision.objects.exists() and not Action.objects.exists()
        assert Body.objects.get(pk=meeting.body_id).last_decision_number == 0
