"""Actions shown disabled with the reason, a viewer ticking off their own next step, and
"done, plan the next" in one go."""

import datetime
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from partners.models import Interaction, Role
from partners.services.next_steps import may_tick_off, next_step_done_and_plan
from partners.tenancy import Tenant
from tests.factories import (
    InteractionFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

DAY = datetime.timedelta(days=1)
HUGE = "x" * 10_000


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages: the interface in English."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def today():
    return timezone.localdate()


@pytest.fixture
def organisation(partnership):
    with scopes_disabled():
        return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def leaders_step(organisation, leader):
    with scopes_disabled():
        return InteractionFactory(
            organisation=organisation,
            next_step="Offerte gastlessen sturen",
            next_step_due=today(),
            next_step_owner=leader,
        )


@pytest.fixture
def viewers_step(organisation, viewer):
    with scopes_disabled():
        return InteractionFactory(
            organisation=organisation,
            next_step="Jaarverslag lezen",
            next_step_due=today() + DAY,
            next_step_owner=viewer,
        )


def url(name, **kwargs):
    return reverse(f"partners:{name}", kwargs={"slug": "twente", **kwargs})


def plan_data(**changes):
    data = {
        "outcome": "Offerte verstuurd; ze reageren binnen twee weken.",
        "kind": "email",
        "next_step": "Nabellen over de offerte",
        "next_step_due": (today() + 14 * DAY).isoformat(),
        "next_step_owner": "",
    }
    data.update(changes)
    return data


def interaction_count():
    with scopes_disabled():
        return Interaction.objects.count()


def disabled_buttons(html: str) -> dict[str, str]:
    """Label → reason of every disabled action on a page."""
    found = {}
    pattern = re.compile(
        r'<button type="button" class="[^"]*" aria-disabled="true" '
        r'aria-describedby="(?P<id>[^"]+)" data-action-disabled>(?P<label>[^<]*)'
    )
    for match in pattern.finditer(html):
        reason = re.search(rf'id="{match["id"]}">([^<]*)<', html)
        assert reason, f"no reason for {match['label']}"
        found[match["label"].strip()] = reason.group(1).strip()
    return found


# Disabled with the reason, per role


def test_viewer_sees_add_organisation_disabled_with_the_reason(client, viewer, partnership):
    client.force_login(viewer)
    html = client.get(url("organisation-list")).content.decode()
    assert disabled_buttons(html) == {
        "Add organisation": "Only project leaders and editors can add organisations."
    }
    assert url("organisation-create") not in html


def test_editor_and_leader_see_add_organisation_active(client, editor, leader, partnership):
    for user in (editor, leader):
        client.force_login(user)
        html = client.get(url("organisation-list")).content.decode()
        assert f'href="{url("organisation-create")}">Add organisation</a>' in html
        assert "data-action-disabled" not in html


def test_editor_sees_leader_actions_disabled_and_leader_sees_them_active(
    client, editor, leader, partnership
):
    from tests.factories import VersionFactory

    with scopes_disabled():
        version = VersionFactory(partnership=partnership)
    agreements = reverse("agreements:agreement-list", kwargs={"slug": "twente"})
    client.force_login(editor)
    html = client.get(agreements).content.decode()
    reasons = disabled_buttons(html)
    assert reasons["Renew for the next scheme"] == (
        "Only a project leader can renew the partnership."
    )
    assert reasons["Make a version"] == "Only a project leader can make a version of the agreement."
    send = reverse("agreements:round-send", kwargs={"slug": "twente", "code": version.code})
    assert reasons["Send for signing"] == (
        "Only a project leader can send the agreement for signing."
    )
    assert send not in html
    client.force_login(leader)
    html = client.get(agreements).content.decode()
    assert "Renew for the next scheme" not in disabled_buttons(html)
    assert "Send for signing" not in disabled_buttons(html)
    assert reverse("agreements:renewal", kwargs={"slug": "twente"}) in html


def test_viewer_sees_organisation_actions_disabled_and_editor_active(
    client, viewer, editor, organisation
):
    page = url("organisation-detail", code=organisation.code)
    client.force_login(viewer)
    reasons = disabled_buttons(client.get(page).content.decode())
    assert reasons["Edit"] == "Only project leaders and editors can edit an organisation."
    assert reasons["Delete"] == "Only project leaders and editors can delete an organisation."
    assert reasons["Log contact moment"] == (
        "Only project leaders and editors can log contact moments."
    )
    client.force_login(editor)
    html = client.get(page).content.decode()
    assert disabled_buttons(html) == {}
    assert url("organisation-update", code=organisation.code) in html


def test_viewer_sees_the_import_disabled_with_the_reason(client, viewer, partnership):
    client.force_login(viewer)
    response = client.get(reverse("cofinancing:import-upload", kwargs={"slug": "twente"}))
    assert disabled_buttons(response.content.decode()) == {
        "Upload and show the preview": "Only a project leader can import a workbook."
    }


def test_a_renewed_partnership_shows_why_even_the_leader_may_not(client, leader, partnership):
    with scopes_disabled():
        partnership.renewed_into = PartnershipFactory(slug="twente-2029")
        partnership.save()
    client.force_login(leader)
    reasons = disabled_buttons(client.get(url("organisation-list")).content.decode())
    assert "read-only history" in reasons["Add organisation"]


def test_the_disabled_button_is_inert_and_reachable_by_keyboard(client, viewer, partnership):
    client.force_login(viewer)
    html = client.get(url("organisation-list")).content.decode()
    button = re.search(r"<button[^>]*data-action-disabled[^>]*>", html).group(0)
    # type="button" outside a form submits nothing; no `disabled` and no tabindex=-1, so it
    # stays in the tab order; aria-disabled tells assistive technology.
    assert 'type="button"' in button and 'aria-disabled="true"' in button
    assert " disabled" not in button.replace(" data-action-disabled", "")
    assert "tabindex" not in button


# A viewer ticks off their own next step


def test_viewer_ticks_off_a_next_step_they_own(client, viewer, viewers_step):
    client.force_login(viewer)
    response = client.post(url("next-step-done", code=viewers_step.code))
    assert response.status_code == 302
    with scopes_disabled():
        viewers_step.refresh_from_db()
    assert viewers_step.next_step_done_by == viewer


def test_viewer_may_not_tick_off_someone_elses_next_step(client, viewer, leaders_step):
    client.force_login(viewer)
    assert client.post(url("next-step-done", code=leaders_step.code)).status_code == 403
    with scopes_disabled():
        leaders_step.refresh_from_db()
    assert leaders_step.next_step_done_at is None


def test_viewer_may_not_plan_the_next_step_even_of_their_own(client, viewer, viewers_step):
    client.force_login(viewer)
    before = interaction_count()
    response = client.post(url("next-step-plan", code=viewers_step.code), plan_data())
    assert response.status_code == 403
    assert interaction_count() == before


def test_follow_up_list_shows_a_viewer_what_they_may_tick_off_and_why_not_the_rest(
    client, viewer, viewers_step, leaders_step
):
    client.force_login(viewer)
    html = client.get(url("follow-up")).content.decode()

    def row(step):
        part = html[html.index(f'id="next-step-{step.code}"') :]
        return part[: part.index("</tr>")]

    # One note above the tables says why; every disabled button in a row points to it.
    note = (
        "Only the owner of a next step, project leaders and editors can tick it off; only "
        "project leaders and editors can plan the next step."
    )
    assert disabled_buttons(html) == {"Done, plan the next": note, "Mark done": note}
    assert url("next-step-done", code=viewers_step.code) in row(viewers_step)
    assert re.findall(r"data-action-disabled>([^<]*)", row(viewers_step)) == ["Done, plan the next"]
    assert url("next-step-done", code=leaders_step.code) not in row(leaders_step)
    assert re.findall(r"data-action-disabled>([^<]*)", row(leaders_step)) == ["Mark done"]


def test_follow_up_list_has_no_permission_note_for_an_editor(client, editor, leaders_step):
    client.force_login(editor)
    html = client.get(url("follow-up")).content.decode()
    assert "follow-up-permissions" not in html
    assert disabled_buttons(html) == {}
    assert url("next-step-plan", code=leaders_step.code) in html


def test_nobody_ticks_off_in_a_renewed_partnership(partnership, viewer, viewers_step):
    with scopes_disabled():
        partnership.renewed_into = PartnershipFactory(slug="twente-2029")
        partnership.save()
        tenant = Tenant(partnership=partnership, role=Role.VIEWER)
        assert not may_tick_off(tenant=tenant, user=viewer, interaction=viewers_step)
        tenant = Tenant(partnership=partnership, role=Role.LEADER)
        assert not may_tick_off(tenant=tenant, user=viewer, interaction=viewers_step)


# Done, plan the next: the service


def plan(step, user, **changes):
    data = plan_data(**changes)
    data["next_step_due"] = (
        datetime.date.fromisoformat(data["next_step_due"]) if data["next_step_due"] else None
    )
    data["next_step_owner"] = data["next_step_owner"] or None
    with scopes_disabled():
        return next_step_done_and_plan(interaction=step, user=user, **data)


def test_done_and_plan_marks_the_step_done_and_plans_the_next_on_a_moment_of_today(
    leader, editor, leaders_step
):
    planned = plan(leaders_step, editor, next_step_owner=leader)
    with scopes_disabled():
        leaders_step.refresh_from_db()
        planned.refresh_from_db()
        assert list(planned.members.all()) == [editor]
    assert leaders_step.next_step_done_by == editor
    assert leaders_step.next_step_done_at is not None
    assert planned.organisation_id == leaders_step.organisation_id
    assert planned.date == today()
    assert planned.kind == "email"
    assert planned.summary == "Offerte verstuurd; ze reageren binnen twee weken."
    assert planned.next_step == "Nabellen over de offerte"
    assert planned.next_step_due == today() + 14 * DAY
    assert planned.next_step_owner == leader
    assert planned.next_step_done_at is None


def test_without_an_owner_whoever_plans_takes_the_next_step_on(editor, leaders_step):
    assert plan(leaders_step, editor).next_step_owner == editor


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"outcome": ""}, "outcome", "Describe what came of this step."),
        ({"outcome": "   "}, "outcome", "Describe what came of this step."),
        ({"outcome": HUGE}, "outcome", "at most 5000 characters"),
        ({"outcome": "Klaar\x00"}, "outcome", "NUL"),
        ({"next_step": ""}, "next_step", "Describe the next step."),
        ({"next_step": HUGE}, "next_step", "at most 300 characters"),
        ({"next_step": "Bellen\x00"}, "next_step", "NUL"),
        ({"next_step": "Bellen\nen mailen"}, "next_step", "one line"),
        ({"next_step_due": ""}, "next_step_due", "needs a due date"),
        ({"kind": "<script>"}, "kind", "Choose the kind"),
    ],
)
def test_done_and_plan_refuses_bad_input_and_saves_nothing(
    editor, leaders_step, changes, field, message
):
    before = interaction_count()
    with pytest.raises(ValidationError) as refused:
        plan(leaders_step, editor, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    assert interaction_count() == before
    with scopes_disabled():
        leaders_step.refresh_from_db()
    assert leaders_step.next_step_done_at is None


def test_done_and_plan_refuses_a_next_date_in_the_past(editor, leaders_step):
    yesterday = (today() - DAY).isoformat()
    with pytest.raises(ValidationError) as refused:
        plan(leaders_step, editor, next_step_due=yesterday)
    assert refused.value.message_dict["next_step_due"] == [
        "The next step cannot be due in the past."
    ]
    with scopes_disabled():
        leaders_step.refresh_from_db()
    assert leaders_step.next_step_done_at is None


def test_done_and_plan_refuses_an_owner_from_another_partnership_and_saves_nothing(
    editor, leaders_step, outsider
):
    before = interaction_count()
    with pytest.raises(ValidationError):
        plan(leaders_step, editor, next_step_owner=outsider)
    assert interaction_count() == before
    with scopes_disabled():
        leaders_step.refresh_from_db()
    # The step was marked done inside the transaction, then rolled back with the rest.
    assert leaders_step.next_step_done_at is None


def test_a_second_done_and_plan_of_the_same_step_plans_nothing(editor, leaders_step):
    plan(leaders_step, editor)
    before = interaction_count()
    with scopes_disabled():
        stale = Interaction.objects.get(pk=leaders_step.pk)
    stale.next_step_done_at = None  # the second submit read the step before the first saved
    with pytest.raises(ValidationError, match="already marked done"):
        plan(stale, editor)
    assert interaction_count() == before


# Done, plan the next: the view


def test_the_form_page_shows_the_step_with_the_owner_and_kind_filled_in(
    client, editor, leaders_step, leader
):
    client.force_login(editor)
    response = client.get(url("next-step-plan", code=leaders_step.code))
    assert response.status_code == 200
    assert "Offerte gastlessen sturen" in response.content.decode()
    form = response.context["form"]
    assert form.initial["next_step_owner"] == leader.pk
    assert form["next_step_due"].field.widget.attrs["min"] == today().isoformat()


def test_done_and_plan_by_post_returns_to_the_follow_up_list(client, editor, leaders_step):
    client.force_login(editor)
    response = client.post(url("next-step-plan", code=leaders_step.code), plan_data())
    assert response.status_code == 302
    assert response["Location"] == url("follow-up")
    follow_up = client.get(url("follow-up")).content.decode()
    with scopes_disabled():
        planned = Interaction.objects.get(next_step="Nabellen over de offerte")
    assert f'id="next-step-{planned.code}"' in follow_up
    assert f'id="next-step-{leaders_step.code}"' not in follow_up


def test_done_and_plan_returns_to_a_safe_next_page_only(client, editor, leaders_step, viewers_step):
    client.force_login(editor)
    back = url("organisation-detail", code=leaders_step.organisation.code)
    response = client.post(url("next-step-plan", code=leaders_step.code), plan_data(next=back))
    assert response["Location"] == back
    response = client.post(
        url("next-step-plan", code=viewers_step.code), plan_data(next="https://evil.example/")
    )
    assert response["Location"] == url("follow-up")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": ""}, "outcome"),
        ({"outcome": HUGE}, "outcome"),
        ({"outcome": "Klaar\x00"}, "outcome"),
        ({"next_step": ""}, "next_step"),
        ({"next_step": HUGE}, "next_step"),
        ({"next_step": "Bellen\x00"}, "next_step"),
        ({"next_step_due": "gisteren"}, "next_step_due"),
        ({"next_step_due": "2020-01-01"}, "next_step_due"),
        ({"next_step_due": "9999-12-31"}, "next_step_due"),
        ({"next_step_owner": "999999"}, "next_step_owner"),
        ({"next_step_owner": "<script>"}, "next_step_owner"),
        ({"kind": "\x00"}, "kind"),
    ],
)
def test_done_and_plan_with_bad_input_shows_the_error_and_saves_nothing(
    client, editor, leaders_step, changes, field
):
    client.force_login(editor)
    before = interaction_count()
    response = client.post(url("next-step-plan", code=leaders_step.code), plan_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert interaction_count() == before
    with scopes_disabled():
        leaders_step.refresh_from_db()
    assert leaders_step.next_step_done_at is None


def test_the_past_date_message_is_clear(client, editor, leaders_step):
    client.force_login(editor)
    yesterday = (today() - DAY).isoformat()
    response = client.post(
        url("next-step-plan", code=leaders_step.code), plan_data(next_step_due=yesterday)
    )
    assert response.context["form"].errors["next_step_due"] == [
        "The next step cannot be due in the past."
    ]


def test_an_owner_of_another_partnership_is_not_a_choice(client, editor, leaders_step, outsider):
    client.force_login(editor)
    before = interaction_count()
    response = client.post(
        url("next-step-plan", code=leaders_step.code), plan_data(next_step_owner=outsider.pk)
    )
    assert "next_step_owner" in response.context["form"].errors
    assert interaction_count() == before


def test_a_double_submit_plans_one_next_step(client, editor, leaders_step):
    client.force_login(editor)
    before = interaction_count()
    first = client.post(url("next-step-plan", code=leaders_step.code), plan_data())
    second = client.post(url("next-step-plan", code=leaders_step.code), plan_data())
    assert first.status_code == 302
    assert second.status_code == 409
    assert "already marked done" in second.content.decode()
    assert interaction_count() == before + 1


def test_a_step_of_another_partnership_is_404(client, editor, other_partnership):
    with scopes_disabled():
        stranger = InteractionFactory(
            organisation=OrganisationFactory(partnership=other_partnership),
            next_step="Geheim",
            next_step_due=today(),
        )
    client.force_login(editor)
    assert client.get(url("next-step-plan", code=stranger.code)).status_code == 404
    response = client.post(url("next-step-plan", code=stranger.code), plan_data())
    assert response.status_code == 404
    with scopes_disabled():
        stranger.refresh_from_db()
    assert stranger.next_step_done_at is None


def test_a_moment_without_a_next_step_has_nothing_to_plan(client, editor, organisation):
    with scopes_disabled():
        moment = InteractionFactory(organisation=organisation)
    client.force_login(editor)
    before = interaction_count()
    response = client.post(url("next-step-plan", code=moment.code), plan_data())
    assert response.status_code == 409
    assert "no next step to mark done" in response.content.decode()
    assert interaction_count() == before


def test_an_editor_of_another_partnership_gets_404(client, leaders_step):
    with scopes_disabled():
        stranger = MembershipFactory(
            partnership=PartnershipFactory(slug="zeeland"),
            role=Role.EDITOR,
            user=UserFactory(email="redacteur@zeeland.nl"),
        ).user
    client.force_login(stranger)
    assert client.get(url("next-step-plan", code=leaders_step.code)).status_code == 404


@pytest.fixture
def pages(partnership, organisation):
    from governance import services as governance
    from tests.factories import ActivityFactory, BudgetFactory, ContributionFactory

    with scopes_disabled():
        BudgetFactory(partnership=partnership)
        activity = ActivityFactory(partnership=partnership, lead_organisation=organisation)
        contribution = ContributionFactory(organisation=organisation, activity=activity)
        body = governance.body_create(partnership=partnership, kind="steering_group", name="SG")
    slug = {"slug": "twente"}
    return {
        reverse("activities:activity-detail", kwargs={**slug, "code": activity.code}): {
            "Edit": ("write", "edit an activity"),
            "Delete": ("write", "delete an activity"),
            "Record a result": ("write", "record results"),
        },
        reverse("cofinancing:contribution-detail", kwargs={**slug, "code": contribution.code}): {
            "Edit": ("write", "edit a contribution"),
            "Cancel contribution": ("write", "cancel a contribution"),
            "Delete": ("write", "delete a contribution"),
        },
        reverse("activities:activity-list", kwargs=slug): {
            "Add activity": ("write", "add activities"),
        },
        reverse("cofinancing:contribution-list", kwargs=slug): {
            "Add contribution": ("write", "add contributions"),
        },
        reverse("governance:body-list", kwargs=slug): {"New body": ("lead", "add bodies")},
        reverse("governance:body-detail", kwargs={**slug, "code": body.code}): {
            "New meeting": ("write", "plan meetings"),
            "Edit body": ("lead", "edit a body"),
            "Delete body": ("lead", "delete a body"),
        },
        reverse("outreach:pack", kwargs={**slug, "code": organisation.code}): {
            "Edit the texts": ("write", "edit the texts of the approach pack"),
        },
    }


def expected_reasons(actions: dict, role: str) -> dict:
    may = {"viewer": {"read"}, "editor": {"read", "write"}, "leader": {"read", "write", "lead"}}
    sentence = {
        "write": "Only project leaders and editors can {}.",
        "lead": "Only a project leader can {}.",
    }
    return {
        label: sentence[need].format(what)
        for label, (need, what) in actions.items()
        if need not in may[role]
    }


@pytest.mark.parametrize("role", ["viewer", "editor", "leader"])
def test_main_pages_show_each_role_the_actions_it_may_not_take_with_the_reason(
    client, pages, role, request
):
    client.force_login(request.getfixturevalue(role))
    for page, actions in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        shown = disabled_buttons(response.content.decode())
        expected = expected_reasons(actions, role)
        assert {label: shown.get(label) for label in expected} == expected, page
        allowed = set(actions) - set(expected)
        assert not allowed & set(shown), f"{page}: {allowed & set(shown)} shown disabled"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL for parallel transactions (SQLite serialises every write)",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_of_one_step_plan_one_next_step(partnership, editor, leader):
    with scopes_disabled():
        step = InteractionFactory(
            organisation=OrganisationFactory(partnership=partnership),
            next_step="Offerte sturen",
            next_step_due=today(),
            next_step_owner=leader,
        )
    count = 4
    barrier = threading.Barrier(count)
    outcomes = []

    def submit():
        try:
            with scopes_disabled():
                fresh = Interaction.objects.select_related("organisation", "partnership").get(
                    pk=step.pk
                )
                barrier.wait(timeout=10)
                plan(fresh, editor)
            outcomes.append("planned")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(
        ["planned"] + ["This next step was already marked done: nothing was saved."] * (count - 1)
    )
    with scopes_disabled():
        assert Interaction.objects.filter(next_step="Nabellen over de offerte").count() == 1


def test_follow_up_list_runs_as_many_queries_for_5_as_for_60_steps_for_each_role(
    client, organisation, leader, viewer, editor
):
    from django.db import connection as default_connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        with scopes_disabled():
            for i in range(n):
                InteractionFactory(
                    organisation=organisation,
                    next_step=f"Stap {i}",
                    next_step_due=today() + (i % 20) * DAY,
                    next_step_owner=(leader, viewer)[i % 2],
                )

    def queries(user):
        client.force_login(user)
        with CaptureQueriesContext(default_connection) as captured:
            assert client.get(url("follow-up")).status_code == 200
        return len(captured)

    add(5)
    few = {user.pk: queries(user) for user in (viewer, editor)}
    add(55)
    assert {user.pk: queries(user) for user in (viewer, editor)} == few
