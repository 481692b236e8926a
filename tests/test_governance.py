"""Governance (docs/rules.md §27): bodies, who decides, meetings with numbered decisions and
actions, the follow-up list, the PDFs and the agreement's steering group."""

import datetime
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from activities.models import Activity, Goal
from agreements.clauses import placeholder_values
from agreements.snapshot import build_snapshot
from governance import services
from governance.models import (
    Action,
    Body,
    BodyKind,
    BodyMember,
    Decision,
    Meeting,
    Responsibility,
)
from governance.selectors import steering_group_text
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    GoalFactory,
    OrganisationFactory,
)


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages: the interface in English (Dutch is the default)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
HOSTILE = "<script>alert(1)</script>"


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def body(partnership):
    with scopes_disabled():
        return services.body_create(
            partnership=partnership,
            kind=BodyKind.STEERING_GROUP,
            name="Stuurgroep Twente",
            decides_on="Activiteitenplan en begroting",
        )


@pytest.fixture
def contact(partnership):
    with scopes_disabled():
        return ContactFactory(
            organisation=OrganisationFactory(partnership=partnership, name="Metaal BV"),
            name="Anna Bos",
        )


@pytest.fixture
def foreign_contact(other_partnership):
    with scopes_disabled():
        return ContactFactory(organisation=OrganisationFactory(partnership=other_partnership))


@pytest.fixture
def member(body, contact):
    with scopes_disabled():
        return services.member_add(body=body, contact=contact)


@pytest.fixture
def meeting(body, member):
    with scopes_disabled():
        return services.meeting_create(body=body, date=YESTERDAY, agenda="1. Opening")


def url(name, partnership, *args):
    return reverse(f"governance:{name}", args=[partnership.slug, *args])


# Bodies and members ------------------------------------------------------------------------


def test_a_contact_of_another_partnership_cannot_join_a_body(body, foreign_contact):
    with scopes_disabled(), pytest.raises(ValidationError, match="not part of this partnership"):
        services.member_add(body=body, contact=foreign_contact)
    with scopes_disabled():
        assert not BodyMember.objects.exists()


def test_a_user_without_membership_cannot_join_and_nobody_joins_twice(
    body, contact, outsider, leader
):
    with scopes_disabled():
        with pytest.raises(ValidationError, match="not a member of this partnership"):
            services.member_add(body=body, user=outsider)
        services.member_add(body=body, user=leader)
        services.member_add(body=body, contact=contact)
        with pytest.raises(ValidationError, match="already a member"):
            services.member_add(body=body, contact=contact)
        assert BodyMember.objects.filter(body=body).count() == 2


def test_forged_post_with_a_contact_of_another_partnership_is_refused(
    leader_client, partnership, body, foreign_contact
):
    response = leader_client.post(
        url("member-add", partnership, body.code), {"person": f"contact:{foreign_contact.code}"}
    )
    assert response.status_code == 400
    with translation.override("en"):
        response = leader_client.post(
            url("member-add", partnership, body.code),
            {"person": f"contact:{foreign_contact.code}"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    with scopes_disabled():
        assert not BodyMember.objects.exists()


def test_leader_adds_a_member_and_makes_them_chair(leader_client, partnership, body, contact):
    response = leader_client.post(
        url("member-add", partnership, body.code), {"person": f"contact:{contact.code}"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        member = BodyMember.objects.get(body=body)
    response = leader_client.post(
        url("body-update", partnership, body.code),
        {"kind": "steering_group", "name": "Stuurgroep", "chair": str(member.pk), "secretary": ""},
    )
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.chair_id == member.pk and body.secretary_id is None


def test_chair_must_be_a_member_of_the_body(partnership, body, leader):
    with scopes_disabled():
        other = services.body_create(partnership=partnership, kind="working_group", name="WG")
        outside = services.member_add(body=other, user=leader)
        with pytest.raises(ValidationError, match="member of this body"):
            services.body_update(body=body, kind=body.kind, name=body.name, chair=outside)
        body.refresh_from_db()
        assert body.chair_id is None


def test_forged_chair_from_another_body_is_refused_on_the_form(
    leader_client, partnership, body, leader
):
    with scopes_disabled():
        other = services.body_create(partnership=partnership, kind="working_group", name="WG")
        outside = services.member_add(body=other, user=leader)
    with translation.override("en"):
        response = leader_client.post(
            url("body-update", partnership, body.code),
            {"kind": "steering_group", "name": "X", "chair": str(outside.pk)},
        )
    assert response.status_code == 200
    body.refresh_from_db()
    assert body.name == "Stuurgroep Twente" and body.chair_id is None


@pytest.mark.parametrize("name", ["", " ", "x" * 201, "a\nb"])
def test_a_body_needs_a_short_one_line_name(partnership, name):
    with scopes_disabled(), pytest.raises(ValidationError):
        services.body_create(partnership=partnership, kind="other", name=name)
    with scopes_disabled():
        assert not Body.objects.exists()


def test_hostile_names_are_escaped(leader_client, partnership):
    response = leader_client.post(
        url("body-create", partnership), {"kind": "other", "name": HOSTILE, "decides_on": HOSTILE}
    )
    assert response.status_code == 302
    page = leader_client.get(response.url).content.decode()
    assert HOSTILE not in page and "&lt;script&gt;" in page


def test_the_body_list_shows_an_empty_state_and_only_leaders_create(
    client, partnership, viewer, editor
):
    client.force_login(viewer)
    with translation.override("en"):
        page = client.get(url("body-list", partnership), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    client.force_login(editor)
    assert client.get(url("body-create", partnership)).status_code == 403


def test_a_body_that_met_is_not_deleted(body, meeting):
    with scopes_disabled(), pytest.raises(ValidationError, match="has meetings"):
        services.body_delete(body=body)


def test_a_member_who_owns_actions_is_not_removed(meeting, member):
    with scopes_disabled():
        services.action_add(meeting=meeting, description="Bel", owner=member, due=TODAY)
        with pytest.raises(ValidationError, match="owns actions"):
            services.member_remove(member=member)


# Meetings, decisions, actions --------------------------------------------------------------


def test_a_future_meeting_has_no_minutes(body):
    with scopes_disabled():
        with pytest.raises(ValidationError) as caught:
            services.meeting_create(
                body=body, date=TODAY + datetime.timedelta(days=3), minutes="Besproken"
            )
        assert "minutes" in caught.value.error_dict
        assert not Meeting.objects.exists()
        planned = services.meeting_create(body=body, date=TODAY + datetime.timedelta(days=3))
        with pytest.raises(ValidationError, match="after today"):
            services.decision_add(meeting=planned, title="X", text="Y")
        assert not Decision.objects.exists()


def test_the_meeting_form_says_why_minutes_of_a_future_meeting_are_refused(
    leader_client, partnership, body
):
    future = (TODAY + datetime.timedelta(days=7)).isoformat()
    with translation.override("en"):
        response = leader_client.post(
            url("meeting-create", partnership, body.code),
            {"date": future, "minutes": "Verslag"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "record minutes and decisions once it has taken place" in response.content.decode()
    with scopes_disabled():
        assert not Meeting.objects.exists()


def test_attendees_must_be_members_of_the_body(partnership, body, leader):
    with scopes_disabled():
        other = services.body_create(partnership=partnership, kind="working_group", name="WG")
        outside = services.member_add(body=other, user=leader)
        with pytest.raises(ValidationError, match="members of this body"):
            services.meeting_create(body=body, date=YESTERDAY, attendees=[outside])
        assert not Meeting.objects.exists()


@pytest.mark.parametrize("text", ["", "   "])
def test_a_decision_needs_a_text(meeting, text):
    with scopes_disabled(), pytest.raises(ValidationError, match="Write down what was decided"):
        services.decision_add(meeting=meeting, title="Titel", text=text)


def test_decisions_are_numbered_per_body(partnership, body, meeting, leader):
    with scopes_disabled():
        first = services.decision_add(meeting=meeting, title="Plan", text="Vastgesteld")
        second = services.decision_add(meeting=meeting, title="", text="Begroting akkoord\nmeer")
        other = services.body_create(partnership=partnership, kind="working_group", name="WG")
        services.member_add(body=other, user=leader)
        other_meeting = services.meeting_create(body=other, date=YESTERDAY)
        third = services.decision_add(meeting=other_meeting, title="Start", text="Start")
    assert (first.number, second.number, third.number) == (1, 2, 1)
    assert second.title == "Begroting akkoord"


def test_a_decision_without_text_posted_shows_the_message(leader_client, partnership, meeting):
    with translation.override("en"):
        response = leader_client.post(
            url("decision-add", partnership, meeting.code),
            {"title": "Iets", "text": ""},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "Write down what was decided" in response.content.decode()


def test_an_action_owner_must_be_a_member_of_the_body(partnership, meeting, leader):
    with scopes_disabled():
        other = services.body_create(partnership=partnership, kind="working_group", name="WG")
        outside = services.member_add(body=other, user=leader)
        with pytest.raises(ValidationError, match="member of this body"):
            services.action_add(meeting=meeting, description="Bel", owner=outside, due=TODAY)
        assert not Action.objects.exists()


def test_forged_owner_post_is_refused(leader_client, partnership, meeting, leader):
    with scopes_disabled():
        other = services.body_create(partnership=partnership, kind="working_group", name="WG")
        outside = services.member_add(body=other, user=leader)
    with translation.override("en"):
        response = leader_client.post(
            url("action-add", partnership, meeting.code),
            {"description": "Bel", "owner": str(outside.pk), "due": TODAY.isoformat()},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "The owner must be a member of this body." in response.content.decode()
    with scopes_disabled():
        assert not Action.objects.exists()


def test_owner_ticks_an_action_done_once_and_others_may_not(
    client, partnership, body, viewer, leader
):
    with scopes_disabled():
        owner = services.member_add(body=body, user=viewer)
        meeting = services.meeting_create(body=body, date=YESTERDAY)
        action = services.action_add(meeting=meeting, description="Bel", owner=owner, due=TODAY)
        other_viewer_action = services.action_add(
            meeting=meeting,
            description="Mail",
            owner=services.member_add(body=body, user=leader),
            due=TODAY,
        )
    client.force_login(viewer)
    done = url("action-done", partnership, action.code)
    assert client.post(done).status_code == 302
    action.refresh_from_db()
    first = action.done_at
    assert first is not None and action.done_by == viewer
    assert client.post(done).status_code == 302  # a double submit changes nothing
    action.refresh_from_db()
    assert action.done_at == first
    assert client.post(url("action-done", partnership, other_viewer_action.code)).status_code == 403
    other_viewer_action.refresh_from_db()
    assert other_viewer_action.done_at is None


# Follow-up list --------------------------------------------------------------------------


def _actions(meeting, member, count, start=0):
    with scopes_disabled():
        Action.objects.bulk_create(
            Action(
                partnership_id=meeting.partnership_id,
                body_id=meeting.body_id,
                meeting=meeting,
                owner=member,
                description=f"Actie {start + n}",
                due=TODAY + datetime.timedelta(days=n - 3),
            )
            for n in range(count)
        )


def test_open_actions_appear_in_the_follow_up_list_with_fixed_queries(
    leader_client, partnership, meeting, member
):
    _actions(meeting, member, 5)
    follow_up = reverse("partners:follow-up", args=[partnership.slug])
    few = _count(leader_client, follow_up)
    page = leader_client.get(follow_up).content.decode()
    assert "Actie 0" in page and "Stuurgroep Twente" in page
    _actions(meeting, member, 195, start=5)
    assert _count(leader_client, follow_up) == few
    with scopes_disabled():
        action = Action.objects.get(description="Actie 0")
    response = leader_client.post(url("action-done", partnership, action.code), {"next": follow_up})
    assert response.status_code == 302 and response.url == follow_up
    assert "Actie 0<" not in leader_client.get(follow_up).content.decode()


# Who decides, who does, who is involved -----------------------------------------------------


def test_leader_sets_who_decides_and_the_activity_page_shows_it(
    leader_client, partnership, body, contact, editor
):
    with scopes_disabled():
        activity = ActivityFactory(partnership=partnership)
    response = leader_client.post(
        url("activity-responsibilities", partnership, activity.code),
        {
            "decides": f"body:{body.code}",
            "does": f"contact:{contact.code}",
            "involved": f"user:{editor.pk}",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Responsibility.objects.filter(activity=activity).count() == 3
    page = leader_client.get(
        reverse("activities:activity-detail", args=[partnership.slug, activity.code])
    ).content.decode()
    assert "Stuurgroep Twente" in page and "Anna Bos (Metaal BV)" in page


def test_forged_holder_of_another_partnership_is_refused(
    leader_client, partnership, other_partnership, foreign_contact
):
    with scopes_disabled():
        goal = GoalFactory(partnership=partnership)
        foreign_body = services.body_create(
            partnership=other_partnership, kind="other", name="Vreemd"
        )
    for value in (
        f"body:{foreign_body.code}",
        f"contact:{foreign_contact.code}",
        "user:999999",
        HOSTILE,
    ):
        response = leader_client.post(
            url("goal-responsibilities", partnership, goal.code), {"decides": value}
        )
        assert response.status_code == 200
    with scopes_disabled():
        assert not Responsibility.objects.exists()
        with pytest.raises(ValidationError):
            services.responsibilities_set(
                partnership=partnership, subject=goal, holders={"decides": foreign_body}
            )


def test_the_goal_page_shows_who_decides(leader_client, partnership, body):
    with scopes_disabled():
        goal = GoalFactory(partnership=partnership)
        services.responsibilities_set(
            partnership=partnership, subject=goal, holders={"decides": body}
        )
    page = leader_client.get(
        reverse("activities:goal-detail", args=[partnership.slug, goal.code])
    ).content.decode()
    assert "Stuurgroep Twente" in page


def _matrix_rows(partnership, body, count, start=0):
    with scopes_disabled():
        activities = Activity.objects.bulk_create(
            Activity(partnership=partnership, short_code=f"M{start + n}", title="T", form=3)
            for n in range(count)
        )
        goals = Goal.objects.bulk_create(
            Goal(partnership=partnership, title=f"Doel {start + n}") for n in range(count)
        )
        Responsibility.objects.bulk_create(
            [
                Responsibility(partnership=partnership, activity=a, role="decides", body=body)
                for a in activities
            ]
            + [
                Responsibility(partnership=partnership, goal=g, role="does", body=body)
                for g in goals
            ]
        )


def test_the_matrix_runs_the_same_queries_for_5_and_2000_rows(leader_client, partnership, body):
    _matrix_rows(partnership, body, 5)
    matrix = url("matrix", partnership)
    few = _count(leader_client, matrix)
    assert "Stuurgroep Twente" in leader_client.get(matrix).content.decode()
    _matrix_rows(partnership, body, 1995, start=5)
    assert _count(leader_client, matrix) == few
    assert _count(leader_client, matrix + "?page=40&goals_page=3") == few


# Decision list and PDFs ---------------------------------------------------------------------


def _decisions(meeting, count, start=0):
    with scopes_disabled():
        Decision.objects.bulk_create(
            Decision(
                partnership_id=meeting.partnership_id,
                body_id=meeting.body_id,
                meeting=meeting,
                number=start + n + 1,
                title=f"Besluit {start + n + 1}",
                text="Tekst",
            )
            for n in range(count)
        )


def test_the_decision_list_searches_filters_and_keeps_its_query_count(
    leader_client, partnership, meeting, leader
):
    _decisions(meeting, 5)
    decisions = url("decision-list", partnership)
    few = _count(leader_client, decisions)
    _decisions(meeting, 1995, start=5)
    assert _count(leader_client, decisions) == few
    assert _count(leader_client, decisions + f"?q=Besluit&body={meeting.body.code}") == few
    with scopes_disabled():
        other = services.body_create(partnership=partnership, kind="working_group", name="WG")
        services.member_add(body=other, user=leader)
        services.decision_add(
            meeting=services.meeting_create(body=other, date=YESTERDAY),
            title="Uniek",
            text="Het werkgroepbesluit",
        )
    page = leader_client.get(decisions + "?q=werkgroepbesluit").content.decode()
    assert "Uniek" in page and "Besluit 7<" not in page
    page = leader_client.get(decisions + f"?body={other.code}").content.decode()
    assert "Uniek" in page and "Besluit 1<" not in page


def test_minutes_and_decision_list_print_in_dutch(leader_client, partnership, meeting, member):
    with scopes_disabled():
        services.meeting_update(
            meeting=meeting,
            date=meeting.date,
            agenda="Opening",
            minutes="De stuurgroep sprak over gastlessen.",
            attendees=[member],
        )
        services.decision_add(meeting=meeting, title="Gastlessen", text="We starten in maart.")
        services.action_add(meeting=meeting, description="Rooster maken", owner=member, due=TODAY)
    minutes = leader_client.get(url("meeting-pdf", partnership, meeting.code))
    assert minutes["Content-Type"] == "application/pdf"
    text = pdf_text(minutes.content)
    for expected in (
        "Verslag Stuurgroep Twente",
        "Aanwezig",
        "Anna Bos (Metaal BV)",
        "gastlessen",
        "Besluiten",
        "We starten in maart.",
        "Rooster maken",
    ):
        assert expected in text
    listing = pdf_text(leader_client.get(url("decision-pdf", partnership) + "?q=maart").content)
    assert "Besluitenlijst" in listing and "Gastlessen" in listing


# The agreement ------------------------------------------------------------------------------


def test_the_agreement_names_the_steering_group_body_sorted(partnership, body, contact, leader):
    with scopes_disabled():
        assert steering_group_text(partnership=partnership) == "de stuurgroep “Stuurgroep Twente”"
        services.member_add(body=body, contact=contact)
        chair = services.member_add(body=body, user=leader)
        services.body_update(body=body, kind=body.kind, name=body.name, chair=chair)
        text = steering_group_text(partnership=partnership)
        leader_name = str(leader)
        names = sorted(["Anna Bos (Metaal BV)", leader_name])
        assert text == (
            f"de stuurgroep “Stuurgroep Twente”, met 2 leden: {', '.join(names)}, "
            f"voorzitter {leader_name}"
        )
        snapshot = build_snapshot(partnership=partnership)
        assert snapshot["agreement"]["steering_body"] == text
        assert placeholder_values(snapshot)["steering_group"] == text
        assert build_snapshot(partnership=partnership)["agreement"] == snapshot["agreement"]


def test_without_a_steering_group_body_the_settings_text_stays(partnership):
    with scopes_disabled():
        services.body_create(partnership=partnership, kind="working_group", name="WG")
        snapshot = build_snapshot(partnership=partnership)
    assert snapshot["agreement"]["steering_body"] == ""
    assert placeholder_values(snapshot)["steering_group"].startswith("een stuurgroep")


def test_the_steering_group_costs_one_query_whatever_its_size(partnership, body):
    with scopes_disabled():
        with CaptureQueriesContext(connection) as queries:
            steering_group_text(partnership=partnership)
        assert len(queries) == 1
        for n in range(30):
            services.member_add(
                body=body, contact=ContactFactory(organisation__partnership=partnership)
            )
        with CaptureQueriesContext(connection) as queries:
            assert "met 30 leden" in steering_group_text(partnership=partnership)
        assert len(queries) == 1


def _grow(partnership, body, meeting, count, start):
    with scopes_disabled():
        for n in range(count):
            services.body_create(
                partnership=partnership, kind="working_group", name=f"WG {start + n}"
            )
            member = services.member_add(
                body=body, contact=ContactFactory(organisation__partnership=partnership)
            )
            services.meeting_create(body=body, date=YESTERDAY - datetime.timedelta(days=n + 1))
            meeting.attendees.add(member)
            services.decision_add(meeting=meeting, title=f"B{start + n}", text="Tekst")
            services.action_add(
                meeting=meeting, description=f"A{start + n}", owner=member, due=TODAY
            )


def test_body_and_meeting_pages_run_a_fixed_number_of_queries(
    leader_client, partnership, body, meeting
):
    pages = [
        url("body-list", partnership),
        url("body-detail", partnership, body.code),
        url("meeting-detail", partnership, meeting.code),
    ]
    _grow(partnership, body, meeting, 3, 0)
    few = [_count(leader_client, page) for page in pages]
    with scopes_disabled():
        first = BodyMember.objects.filter(body=body).select_related("contact").first()
    detail = leader_client.get(pages[1]).content.decode()
    assert str(first.code) in detail and first.contact.name in detail
    _grow(partnership, body, meeting, 40, 3)
    assert [_count(leader_client, page) for page in pages] == few
    page = leader_client.get(pages[2]).content.decode()
    assert "A42" in page and "B42" in page


# The demo -----------------------------------------------------------------------------------


def test_the_demo_has_a_steering_group_two_working_groups_meetings_and_a_full_matrix(db, client):
    from activities import demo as activities_demo
    from governance import demo as governance_demo
    from partners import demo as partners_demo

    with scopes_disabled():
        region = partners_demo.seed()
        activities_demo.seed(region)
        governance_demo.seed(region)
        kinds = sorted(Body.objects.filter(partnership=region).values_list("kind", flat=True))
        assert kinds == ["steering_group", "working_group", "working_group"]
        for body in Body.objects.filter(partnership=region):
            assert body.chair_id and body.secretary_id and body.members.count() >= 3
        assert Meeting.objects.filter(partnership=region, date__gt=TODAY).count() == 1
        assert Decision.objects.filter(partnership=region).count() >= 4
        open_actions = Action.objects.filter(partnership=region, done_at=None)
        assert open_actions.filter(due__lt=TODAY).count() == 1
        assert Action.objects.filter(partnership=region).exclude(done_at=None).count() == 2
        activity_count = Activity.objects.filter(partnership=region).count()
        assert (
            Responsibility.objects.filter(partnership=region, activity__isnull=False)
            .values("activity")
            .distinct()
            .count()
            == activity_count
        )
        counts = (Body.objects.count(), Responsibility.objects.count(), Action.objects.count())
        governance_demo.seed(region)
        assert (
            Body.objects.count(),
            Responsibility.objects.count(),
            Action.objects.count(),
        ) == counts
        assert "voorzitter" in steering_group_text(partnership=region)
        leader = region.memberships.get(role="leader").user
    client.force_login(leader)
    for name in ("body-list", "decision-list", "matrix"):
        assert client.get(url(name, region)).status_code == 200
    assert (
        "Bezoek plannen"
        in client.get(reverse("partners:follow-up", args=[region.slug])).content.decode()
    )


def test_the_organisation_page_shows_its_seats_in_bodies(
    leader_client, partnership, body, member, contact
):
    with scopes_disabled():
        services.body_update(body=body, kind=body.kind, name=body.name, chair=member)
    with translation.override("en"):
        page = leader_client.get(
            reverse(
                "partners:organisation-detail", args=[partnership.slug, contact.organisation.code]
            ),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
    assert "Stuurgroep Twente</a>: Anna Bos (chair)" in page
