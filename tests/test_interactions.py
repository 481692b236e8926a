"""Contact moments, the follow-up list and relationships gone quiet."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from partners.models import Interaction, InteractionKind, Role, Stage
from partners.selectors import interactions as selectors
from partners.services import interactions as services
from partners.tenancy import Tenant
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

SCRIPT = "<script>alert(1)</script>"
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


@pytest.fixture
def organisation(partnership):
    with scopes_disabled():
        return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def contact(organisation):
    with scopes_disabled():
        return ContactFactory(organisation=organisation, name="Piet Plain")


def create_url(organisation):
    return reverse(
        "partners:interaction-create",
        kwargs={"slug": organisation.partnership.slug, "code": organisation.code},
    )


def moment_url(name, interaction):
    return reverse(
        f"partners:{name}", kwargs={"slug": interaction.partnership.slug, "code": interaction.code}
    )


def follow_up_url():
    return reverse("partners:follow-up", kwargs={"slug": "twente"})


def gone_quiet_url():
    return reverse("partners:gone-quiet", kwargs={"slug": "twente"})


def valid_data(**changes):
    data = {
        "kind": InteractionKind.VISIT_COMPANY,
        "date": (today() - 2 * DAY).isoformat(),
        "summary": "Rondleiding door de werkplaats.",
        "next_step": "",
        "next_step_due": "",
        "next_step_owner": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def interaction_count():
    with scopes_disabled():
        return Interaction.objects.count()


# --- Logging a contact moment ------------------------------------------------------------


def test_logging_a_contact_moment_saves_it_with_people_and_redirects_to_the_organisation(
    leader_client, leader, editor, organisation, contact
):
    response = leader_client.post(
        create_url(organisation),
        valid_data(
            contacts=[contact.pk],
            members=[leader.pk, editor.pk],
            next_step="Offerte gastlessen sturen",
            next_step_due=(today() + 5 * DAY).isoformat(),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "partners:organisation-detail", kwargs={"slug": "twente", "code": organisation.code}
    )
    with scopes_disabled():
        interaction = Interaction.objects.get()
        assert interaction.partnership == organisation.partnership
        assert interaction.organisation == organisation
        assert interaction.created_by == leader
        assert list(interaction.contacts.all()) == [contact]
        assert set(interaction.members.all()) == {leader, editor}
        assert interaction.next_step_due == today() + 5 * DAY
        # Nobody named as owner: whoever wrote the next step down owns it.
        assert interaction.next_step_owner == leader


def test_the_form_suggests_today_as_date(leader_client, organisation):
    response = leader_client.get(create_url(organisation))
    assert response.status_code == 200
    assert response.context["form"]["date"].value() == today()


def test_a_named_owner_keeps_the_next_step(leader_client, editor, organisation):
    leader_client.post(
        create_url(organisation),
        valid_data(
            next_step="Bellen", next_step_due=today().isoformat(), next_step_owner=editor.pk
        ),
    )
    with scopes_disabled():
        assert Interaction.objects.get().next_step_owner == editor


def test_a_planned_contact_moment_in_the_future_with_a_next_step_is_saved(
    leader_client, organisation
):
    planned = today() + 14 * DAY
    response = leader_client.post(
        create_url(organisation),
        valid_data(
            kind=InteractionKind.MEETING,
            date=planned.isoformat(),
            next_step="Agenda voorbereiden",
            next_step_due=planned.isoformat(),
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Interaction.objects.get().date == planned


@pytest.mark.parametrize(
    ("changes", "error_key"),
    [
        ({"next_step": "Offerte sturen"}, "next_step_due"),
        ({"next_step_due": "TODAY"}, "next_step"),
        ({"next_step": "Offerte sturen", "next_step_due": "BEFORE"}, "next_step_due"),
        ({"date": "FUTURE"}, "next_step"),
        ({"date": "ELEVEN_YEARS_AGO"}, "date"),
        ({"date": "ELEVEN_YEARS_AHEAD", "next_step": "x", "next_step_due": "FAR"}, "date"),
        ({"next_step": "Bellen", "next_step_due": "ELEVEN_YEARS_AHEAD"}, "next_step_due"),
        ({"date": "gisteren"}, "date"),
        ({"date": ""}, "date"),
        ({"kind": "telegram"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 10_000}, "summary"),
        ({"next_step": "x" * 301, "next_step_due": "TODAY"}, "next_step"),
        ({"next_step": "Bellen", "next_step_due": "31-02-2026"}, "next_step_due"),
    ],
)
def test_bad_input_gives_a_field_error_and_saves_nothing(
    leader_client, organisation, changes, error_key
):
    eleven_years = datetime.timedelta(days=11 * 366)
    dates = {
        "TODAY": today(),
        "BEFORE": today() - 3 * DAY,  # the moment is two days ago
        "FUTURE": today() + DAY,
        "ELEVEN_YEARS_AGO": today() - eleven_years,
        "ELEVEN_YEARS_AHEAD": today() + eleven_years,
        "FAR": today() + eleven_years,
    }
    data = {
        key: dates[value].isoformat() if value in dates else value for key, value in changes.items()
    }
    response = leader_client.post(create_url(organisation), valid_data(**data))
    assert response.status_code == 200
    assert error_key in response.context["form"].errors
    assert interaction_count() == 0


def test_a_contact_of_another_organisation_is_refused(leader_client, organisation, partnership):
    with scopes_disabled():
        elsewhere = ContactFactory(organisation=OrganisationFactory(partnership=partnership))
    response = leader_client.post(create_url(organisation), valid_data(contacts=[elsewhere.pk]))
    assert "contacts" in response.context["form"].errors
    assert interaction_count() == 0


def test_a_contact_of_another_partnership_is_refused(
    leader_client, organisation, other_partnership
):
    with scopes_disabled():
        foreign = ContactFactory(organisation=OrganisationFactory(partnership=other_partnership))
    response = leader_client.post(create_url(organisation), valid_data(contacts=[foreign.pk]))
    assert "contacts" in response.context["form"].errors
    assert interaction_count() == 0


def test_a_person_without_membership_cannot_be_one_of_our_people_or_the_owner(
    leader_client, organisation, outsider
):
    stranger = UserFactory()
    response = leader_client.post(
        create_url(organisation),
        valid_data(
            members=[outsider.pk, stranger.pk],
            next_step="Bellen",
            next_step_due=today().isoformat(),
            next_step_owner=outsider.pk,
        ),
    )
    errors = response.context["form"].errors
    assert "members" in errors
    assert "next_step_owner" in errors
    assert interaction_count() == 0


def test_a_contact_moment_cannot_be_logged_for_another_partnerships_organisation(
    leader_client, other_partnership
):
    with scopes_disabled():
        foreign = OrganisationFactory(partnership=other_partnership)
    assert leader_client.post(create_url(foreign), valid_data()).status_code == 404
    assert interaction_count() == 0


def test_a_viewer_cannot_log_a_contact_moment(client, viewer, organisation):
    client.force_login(viewer)
    assert client.post(create_url(organisation), valid_data()).status_code == 403
    assert interaction_count() == 0


def test_a_script_in_the_summary_is_saved_as_text_and_shown_escaped(
    leader_client, leader, partnership, organisation
):
    leader_client.post(create_url(organisation), valid_data(summary=SCRIPT))
    with scopes_disabled():
        interaction = Interaction.objects.get()
    assert interaction.summary == SCRIPT
    html = render_partial(partnership, leader, Role.LEADER, organisation)
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    response = leader_client.get(moment_url("interaction-delete", interaction))
    assert SCRIPT not in response.content.decode()


# --- The rules in the service, without a form ---------------------------------------------


def test_the_service_refuses_a_next_step_due_before_the_moment(partnership, organisation, leader):
    with scope(partnership=partnership), pytest.raises(ValidationError) as error:
        services.interaction_create(
            partnership=partnership,
            organisation=organisation,
            created_by=leader,
            kind=InteractionKind.CALL,
            date=today(),
            summary="Gebeld",
            next_step="Terugbellen",
            next_step_due=today() - DAY,
        )
    assert "next_step_due" in error.value.message_dict
    assert interaction_count() == 0


def test_the_service_refuses_people_from_elsewhere(partnership, organisation, leader, outsider):
    with scopes_disabled():
        other_contact = ContactFactory(organisation=OrganisationFactory(partnership=partnership))
    with scope(partnership=partnership), pytest.raises(ValidationError) as error:
        services.interaction_create(
            partnership=partnership,
            organisation=organisation,
            created_by=leader,
            kind=InteractionKind.CALL,
            date=today(),
            summary="Gebeld",
            contacts=[other_contact],
            members=[outsider],
            next_step="Terugbellen",
            next_step_due=today(),
            next_step_owner=outsider,
        )
    assert set(error.value.message_dict) == {"contacts", "members", "next_step_owner"}
    assert interaction_count() == 0


def test_the_rules_use_the_given_today():
    fixed = datetime.date(2026, 3, 1)
    services.interaction_rules(
        date=datetime.date(2026, 3, 1), next_step="", next_step_due=None, today=fixed
    )
    with pytest.raises(ValidationError) as error:
        services.interaction_rules(
            date=datetime.date(2026, 3, 2), next_step="", next_step_due=None, today=fixed
        )
    assert list(error.value.message_dict) == ["next_step"]
    with pytest.raises(ValidationError) as error:
        services.interaction_rules(
            date=datetime.date(2016, 2, 29), next_step="", next_step_due=None, today=fixed
        )
    assert list(error.value.message_dict) == ["date"]


# --- Changing and deleting --------------------------------------------------------------


def test_changing_a_contact_moment_saves_the_new_values(leader_client, organisation, contact):
    with scopes_disabled():
        interaction = InteractionFactory(organisation=organisation)
    response = leader_client.post(
        moment_url("interaction-update", interaction),
        valid_data(kind=InteractionKind.CALL, summary="Nagebeld", contacts=[contact.pk]),
    )
    assert response.status_code == 302
    with scopes_disabled():
        interaction.refresh_from_db()
        assert interaction.kind == InteractionKind.CALL
        assert interaction.summary == "Nagebeld"
        assert list(interaction.contacts.all()) == [contact]


def test_changing_with_bad_input_keeps_the_old_values(leader_client, organisation):
    with scopes_disabled():
        interaction = InteractionFactory(organisation=organisation, summary="Oud")
    response = leader_client.post(
        moment_url("interaction-update", interaction),
        valid_data(summary="Nieuw", next_step_due=today().isoformat()),
    )
    assert "next_step" in response.context["form"].errors
    with scopes_disabled():
        interaction.refresh_from_db()
    assert interaction.summary == "Oud"
    assert interaction.next_step_due is None


def test_removing_the_next_step_forgets_its_owner_and_done_state(
    leader_client, leader, organisation
):
    with scopes_disabled():
        interaction = InteractionFactory(
            organisation=organisation,
            next_step="Bellen",
            next_step_due=today(),
            next_step_owner=leader,
            next_step_done_at=timezone.now(),
            next_step_done_by=leader,
        )
    leader_client.post(moment_url("interaction-update", interaction), valid_data())
    with scopes_disabled():
        interaction.refresh_from_db()
    assert interaction.next_step == ""
    assert interaction.next_step_owner is None
    assert interaction.next_step_done_at is None


def test_deleting_asks_first_and_deletes_on_post(leader_client, organisation, contact):
    with scopes_disabled():
        interaction = InteractionFactory(organisation=organisation)
        interaction.contacts.add(contact)
    url = moment_url("interaction-delete", interaction)
    assert leader_client.get(url).status_code == 200
    assert interaction_count() == 1
    response = leader_client.post(url)
    assert response.status_code == 302
    assert interaction_count() == 0
    with scopes_disabled():
        contact.refresh_from_db()  # their people stay


def test_a_viewer_cannot_delete_a_contact_moment(client, viewer, organisation):
    with scopes_disabled():
        interaction = InteractionFactory(organisation=organisation)
    client.force_login(viewer)
    assert client.post(moment_url("interaction-delete", interaction)).status_code == 403
    assert interaction_count() == 1


# --- Marking a next step done --------------------------------------------------------------


@pytest.fixture
def open_step(organisation, leader):
    with scopes_disabled():
        return InteractionFactory(
            organisation=organisation,
            next_step="Offerte sturen",
            next_step_due=today(),
            next_step_owner=leader,
        )


def test_marking_done_records_who_and_when_and_returns_to_the_follow_up_list(
    client, editor, open_step
):
    client.force_login(editor)
    before = timezone.now()
    response = client.post(moment_url("next-step-done", open_step))
    assert response.status_code == 302
    assert response["Location"] == follow_up_url()
    with scopes_disabled():
        open_step.refresh_from_db()
    assert open_step.next_step_done_by == editor
    assert open_step.next_step_done_at >= before


def test_marking_done_returns_to_a_safe_next_page(leader_client, organisation, open_step):
    back = reverse(
        "partners:organisation-detail", kwargs={"slug": "twente", "code": organisation.code}
    )
    response = leader_client.post(moment_url("next-step-done", open_step), {"next": back})
    assert response["Location"] == back


def test_marking_done_ignores_a_next_page_on_another_site(leader_client, open_step):
    response = leader_client.post(
        moment_url("next-step-done", open_step), {"next": "https://evil.example/"}
    )
    assert response["Location"] == follow_up_url()


def test_marking_done_with_htmx_returns_the_updated_row(leader_client, leader, open_step):
    response = leader_client.post(moment_url("next-step-done", open_step), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "partners/interactions/partials/follow_up_row.html" in [
        template.name for template in response.templates
    ]
    html = response.content.decode()
    assert html.lstrip().startswith("<tr")
    assert f'id="next-step-{open_step.code}"' in html
    assert "<html" not in html
    # Done: the row offers only the undo, which posts undo=1 to the same address.
    assert html.count('type="submit"') == 1
    assert 'name="undo" value="1"' in html
    with scopes_disabled():
        open_step.refresh_from_db()
    assert open_step.next_step_done_by == leader


def test_after_marking_done_with_htmx_focus_goes_to_the_rows_status_cell(leader_client, open_step):
    html = leader_client.post(
        moment_url("next-step-done", open_step), HTTP_HX_REQUEST="true"
    ).content.decode()
    # htmx focuses an [autofocus] element of swapped-in content; tabindex makes a cell focusable.
    assert f'id="next-step-status-{open_step.code}" tabindex="-1" autofocus' in html


def test_the_full_follow_up_page_sets_no_autofocus(leader_client, open_step):
    html = leader_client.get(follow_up_url()).content.decode()
    assert f'id="next-step-status-{open_step.code}" tabindex="-1"' in html
    assert "autofocus" not in html


# --- Undoing "mark done" ---------------------------------------------------------------------


@pytest.fixture
def done_step(open_step, editor):
    with scopes_disabled():
        return services.next_step_mark_done(interaction=open_step, user=editor)


def test_undo_opens_the_next_step_again_and_forgets_who_did_it(leader_client, done_step):
    assert done_step.next_step_done_at is not None
    response = leader_client.post(moment_url("next-step-done", done_step), {"undo": "1"})
    assert response.status_code == 302
    assert response["Location"] == follow_up_url()
    with scopes_disabled():
        done_step.refresh_from_db()
    assert done_step.next_step_done_at is None
    assert done_step.next_step_done_by is None
    assert leader_client.get(follow_up_url()).context["due_soon"] == [done_step]


def test_undo_with_htmx_returns_the_row_with_mark_done_again(leader_client, done_step):
    response = leader_client.post(
        moment_url("next-step-done", done_step), {"undo": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr")
    assert 'name="undo"' not in html
    assert html.count('type="submit"') == 1
    assert f'id="next-step-status-{done_step.code}" tabindex="-1" autofocus' in html
    with scopes_disabled():
        done_step.refresh_from_db()
    assert done_step.next_step_done_at is None


def test_undo_of_an_open_step_changes_nothing(leader_client, open_step):
    response = leader_client.post(moment_url("next-step-done", open_step), {"undo": "1"})
    assert response.status_code == 302
    with scopes_disabled():
        open_step.refresh_from_db()
    assert open_step.next_step_done_at is None


def test_a_viewer_cannot_undo(client, viewer, done_step):
    client.force_login(viewer)
    response = client.post(moment_url("next-step-done", done_step), {"undo": "1"})
    assert response.status_code == 403
    with scopes_disabled():
        done_step.refresh_from_db()
    assert done_step.next_step_done_at is not None


def test_reopen_refuses_a_contact_moment_without_next_step(organisation):
    with scopes_disabled():
        interaction = InteractionFactory(organisation=organisation)
        with pytest.raises(ValidationError):
            services.next_step_reopen(interaction=interaction)


def test_the_organisation_panel_offers_undo_on_done_steps_to_writers_only(
    partnership, leader, viewer, organisation, done_step
):
    html = render_partial(partnership, leader, Role.LEADER, organisation)
    assert moment_url("next-step-done", done_step) in html
    assert 'name="undo" value="1"' in html
    html = render_partial(partnership, viewer, Role.VIEWER, organisation)
    assert moment_url("next-step-done", done_step) not in html


def test_marking_done_twice_keeps_the_first_time_and_person(client, leader, editor, open_step):
    client.force_login(editor)
    client.post(moment_url("next-step-done", open_step))
    with scopes_disabled():
        open_step.refresh_from_db()
    first = open_step.next_step_done_at
    client.force_login(leader)
    response = client.post(moment_url("next-step-done", open_step))
    assert response.status_code == 302
    with scopes_disabled():
        open_step.refresh_from_db()
    assert open_step.next_step_done_at == first
    assert open_step.next_step_done_by == editor


def test_a_contact_moment_without_next_step_cannot_be_marked_done(leader_client, organisation):
    with scopes_disabled():
        interaction = InteractionFactory(organisation=organisation)
    response = leader_client.post(moment_url("next-step-done", interaction))
    assert response.status_code == 302
    response = leader_client.post(moment_url("next-step-done", interaction), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    with scopes_disabled():
        interaction.refresh_from_db()
    assert interaction.next_step_done_at is None


def test_a_viewer_cannot_mark_a_next_step_done(client, viewer, open_step):
    client.force_login(viewer)
    assert client.post(moment_url("next-step-done", open_step)).status_code == 403
    with scopes_disabled():
        open_step.refresh_from_db()
    assert open_step.next_step_done_at is None


def test_marking_done_needs_a_post(leader_client, open_step):
    assert leader_client.get(moment_url("next-step-done", open_step)).status_code == 405


# --- The follow-up list -------------------------------------------------------------------


def step(organisation, due, owner=None, **extra):
    return InteractionFactory(
        organisation=organisation,
        date=min(due, today()) - 10 * DAY,
        next_step=f"Stap {due.isoformat()}",
        next_step_due=due,
        next_step_owner=owner,
        **extra,
    )


def test_follow_up_groups_open_next_steps_by_due_date(
    leader_client, leader, editor, partnership, other_partnership, organisation
):
    with scopes_disabled():
        overdue = step(organisation, today() - DAY, leader)
        due_today = step(organisation, today(), leader)
        in_a_week = step(organisation, today() + 7 * DAY, editor)
        later = step(organisation, today() + 8 * DAY, editor)
        step(organisation, today() - 2 * DAY, leader, next_step_done_at=timezone.now())
        InteractionFactory(organisation=organisation)  # no next step
        step(OrganisationFactory(partnership=other_partnership), today(), None)
    response = leader_client.get(follow_up_url())
    assert response.status_code == 200
    assert response.context["overdue"] == [overdue]
    assert response.context["due_soon"] == [due_today, in_a_week]
    assert response.context["later"] == [later]
    assert response.context["later_count"] == 1


def test_follow_up_filters_on_the_owner(leader_client, leader, editor, organisation):
    with scopes_disabled():
        mine = step(organisation, today(), leader)
        step(organisation, today(), editor)
    response = leader_client.get(follow_up_url(), {"owner": leader.pk})
    assert response.context["due_soon"] == [mine]


def test_follow_up_ignores_an_owner_from_another_partnership(
    leader_client, leader, outsider, organisation
):
    with scopes_disabled():
        step(organisation, today(), leader)
    response = leader_client.get(follow_up_url(), {"owner": outsider.pk})
    assert response.status_code == 200
    assert "owner" in response.context["filter"].errors
    assert len(response.context["due_soon"]) == 1


def test_follow_up_shows_at_most_fifty_later_steps_with_the_total(
    leader_client, partnership, organisation
):
    with scopes_disabled():
        for days in range(60):
            step(organisation, today() + (10 + days) * DAY)
    response = leader_client.get(follow_up_url())
    assert len(response.context["later"]) == 50
    assert response.context["later_count"] == 60


def test_follow_up_without_next_steps_shows_the_empty_state(leader_client, organisation):
    response = leader_client.get(follow_up_url())
    assert response.status_code == 200
    assert "includes/empty_state.html" in [t.name for t in response.templates]


def test_follow_up_shows_text_escaped(leader_client, leader, partnership):
    with scopes_disabled():
        hostile = OrganisationFactory(partnership=partnership, name=SCRIPT)
        InteractionFactory(
            organisation=hostile, next_step=SCRIPT, next_step_due=today(), next_step_owner=leader
        )
    html = leader_client.get(follow_up_url()).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_viewer_sees_the_follow_up_list_without_done_buttons(client, viewer, open_step):
    client.force_login(viewer)
    response = client.get(follow_up_url())
    assert response.status_code == 200
    assert response.context["due_soon"] == [open_step]
    assert moment_url("next-step-done", open_step) not in response.content.decode()


def test_an_editor_sees_a_done_button_for_each_open_step(client, editor, open_step):
    client.force_login(editor)
    html = client.get(follow_up_url()).content.decode()
    assert html.count(moment_url("next-step-done", open_step)) == 2  # action and hx-post


def test_the_dashboard_counts_due_and_overdue_steps_and_badges_the_overdue_ones(
    leader_client, leader, organisation
):
    with scopes_disabled():
        step(organisation, today() - 2 * DAY, leader)
        step(organisation, today() - DAY, leader)
        step(organisation, today() + 3 * DAY, leader)
        step(organisation, today() + 30 * DAY, leader)
    response = leader_client.get(reverse("dashboard", kwargs={"slug": "twente"}))
    assert response.context["follow_up_count"] == 3
    html = response.content.decode()
    panel = html[html.index('id="panel-partners"') : html.index('id="panel-activities"')]
    # Overdue is said in text (a badge), not only in red.
    assert panel.count('<span class="badge text-bg-danger">') == 2


def test_follow_ups_due_selector_includes_overdue_and_the_coming_week_in_due_order(
    partnership, organisation
):
    fixed = datetime.date(2026, 5, 11)
    with scopes_disabled():
        week = InteractionFactory(
            organisation=organisation,
            date=datetime.date(2026, 5, 1),
            next_step="b",
            next_step_due=datetime.date(2026, 5, 18),
        )
        overdue = InteractionFactory(
            organisation=organisation,
            date=datetime.date(2026, 4, 1),
            next_step="a",
            next_step_due=datetime.date(2026, 4, 2),
        )
        InteractionFactory(
            organisation=organisation,
            date=datetime.date(2026, 5, 1),
            next_step="c",
            next_step_due=datetime.date(2026, 5, 19),
        )
    with scope(partnership=partnership):
        due = list(selectors.follow_ups_due(partnership=partnership, today=fixed))
    assert due == [overdue, week]


def test_open_next_steps_selector_filters_on_owner_and_until(
    partnership, organisation, leader, editor
):
    with scopes_disabled():
        mine = step(organisation, today(), leader)
        step(organisation, today(), editor)
        step(organisation, today() + 30 * DAY, leader)
    with scope(partnership=partnership):
        steps = list(
            selectors.open_next_steps(partnership=partnership, until=today(), owner=leader)
        )
    assert steps == [mine]


@pytest.mark.parametrize("rows", [5, 200])
def test_follow_up_runs_a_fixed_number_of_queries(
    leader_client, leader, partnership, rows, django_assert_num_queries
):
    with scopes_disabled():
        for number in range(rows):
            organisation = OrganisationFactory(partnership=partnership)
            # Spread over the three groups.
            step(organisation, today() + (number % 12 - 3) * DAY, leader)
    with django_assert_num_queries(FOLLOW_UP_QUERIES):
        response = leader_client.get(follow_up_url(), {"owner": leader.pk})
    shown = len(response.context["overdue"]) + len(response.context["due_soon"])
    assert shown + response.context["later_count"] == rows


# Session, user, membership, owner filter choice, three groups, the count of "later", the
# owner choices of the filter form, and the open actions of meetings (governance).
FOLLOW_UP_QUERIES = 10


# --- Gone quiet ---------------------------------------------------------------------------


def settled(**kwargs):
    """An organisation that has been in its stage for a year, past any grace period."""
    return OrganisationFactory(stage_changed_at=timezone.now() - 365 * DAY, **kwargs)


def quiet_names(client):
    response = client.get(gone_quiet_url())
    assert response.status_code == 200
    return [organisation.name for organisation in response.context["page"]]


def test_gone_quiet_lists_active_organisations_without_recent_contact(
    leader_client, partnership, other_partnership
):
    with scopes_disabled():
        old = settled(partnership=partnership, name="Oud contact")
        InteractionFactory(organisation=old, date=today() - 91 * DAY)
        recent = settled(partnership=partnership, name="Recent contact")
        InteractionFactory(organisation=recent, date=today() - 5 * DAY)
        InteractionFactory(organisation=recent, date=today() - 200 * DAY)
        boundary = settled(partnership=partnership, name="Precies negentig dagen")
        InteractionFactory(organisation=boundary, date=today() - 90 * DAY)
        settled(partnership=partnership, name="Gepauzeerd", stage=Stage.PAUSED)
        settled(partnership=partnership, name="Prospect", stage=Stage.PROSPECT)
        settled(partnership=partnership, name="Beëindigd", stage=Stage.ENDED)
        never = settled(partnership=partnership, name="Nooit", stage=Stage.SIGNED)
        planned = settled(partnership=partnership, name="Alleen gepland")
        InteractionFactory(
            organisation=planned,
            date=today() + 3 * DAY,
            next_step="Voorbereiden",
            next_step_due=today() + 3 * DAY,
        )
        settled(partnership=other_partnership, name="Andere regio")
    assert quiet_names(leader_client) == ["Alleen gepland", "Nooit", "Oud contact"]
    with scope(partnership=partnership):
        rows = {o.name: o for o in selectors.gone_quiet(partnership=partnership, today=today())}
    assert rows["Oud contact"].last_contact == today() - 91 * DAY
    assert rows["Oud contact"].quiet_for == 91 * DAY
    assert rows["Nooit"].last_contact is None
    assert rows["Alleen gepland"].last_contact is None
    assert never.pk == rows["Nooit"].pk


def test_a_longer_quiet_period_hides_the_organisation(leader_client, partnership):
    with scopes_disabled():
        old = settled(partnership=partnership, name="Oud contact")
        InteractionFactory(organisation=old, date=today() - 91 * DAY)
    assert quiet_names(leader_client) == ["Oud contact"]
    html = leader_client.get(gone_quiet_url()).content.decode()
    assert "<td>91</td>" in html
    assert (today() - 91 * DAY).isoformat() in html
    partnership.quiet_after_days = 120
    partnership.save()
    assert quiet_names(leader_client) == []


def test_gone_quiet_sorts_the_longest_quiet_first(leader_client, partnership):
    with scopes_disabled():
        for name, days in (("B", 100), ("A", 300), ("C", 95)):
            InteractionFactory(
                organisation=settled(partnership=partnership, name=name),
                date=today() - days * DAY,
            )
    assert quiet_names(leader_client) == ["A", "B", "C"]


def test_gone_quiet_shows_names_escaped_and_the_empty_state(leader_client, partnership):
    response = leader_client.get(gone_quiet_url())
    assert "includes/empty_state.html" in [t.name for t in response.templates]
    with scopes_disabled():
        settled(partnership=partnership, name=SCRIPT)
    html = leader_client.get(gone_quiet_url()).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_gone_quiet_paginates(leader_client, partnership):
    with scopes_disabled():
        for _ in range(30):
            settled(partnership=partnership)
    first = leader_client.get(gone_quiet_url())
    second = leader_client.get(gone_quiet_url(), {"page": 2})
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 5


@pytest.mark.parametrize("rows", [5, 200])
def test_gone_quiet_runs_a_fixed_number_of_queries(
    leader_client, leader, partnership, rows, django_assert_num_queries
):
    with scopes_disabled():
        for number in range(rows):
            organisation = settled(partnership=partnership, relationship_owner=leader)
            InteractionFactory(organisation=organisation, date=today() - (100 + number) * DAY)
            InteractionFactory(organisation=organisation, date=today() - (200 + number) * DAY)
    with django_assert_num_queries(GONE_QUIET_QUERIES):
        response = leader_client.get(gone_quiet_url())
    assert len(response.context["page"]) == min(rows, 25)


# Session, user, membership, the count for the pager and one page of organisations.
GONE_QUIET_QUERIES = 5


def test_an_organisation_just_moved_into_an_active_stage_is_not_gone_quiet(
    leader_client, partnership, leader
):
    from partners.services.organisations import organisation_move

    with scopes_disabled():
        fresh = OrganisationFactory(partnership=partnership, name="Net benaderd", stage="prospect")
        InteractionFactory(organisation=fresh, date=today() - 200 * DAY)
        organisation_move(organisation=fresh, stage=Stage.APPROACHED, user=leader)
    assert quiet_names(leader_client) == []


@pytest.mark.parametrize(("days_in_stage", "quiet"), [(89, False), (90, True), (91, True)])
def test_gone_quiet_waits_until_the_organisation_was_n_days_in_its_stage(
    partnership, days_in_stage, quiet
):
    with scopes_disabled():
        organisation = OrganisationFactory(
            partnership=partnership,
            stage=Stage.COMMITTED,
            stage_changed_at=timezone.make_aware(
                datetime.datetime.combine(today() - days_in_stage * DAY, datetime.time(12))
            ),
        )
    with scope(partnership=partnership):
        found = selectors.gone_quiet(partnership=partnership, today=today())
        assert found.filter(pk=organisation.pk).exists() is quiet


# --- The panel on the organisation page -----------------------------------------------------


def render_partial(partnership, user, role, organisation):
    request = RequestFactory().get("/")
    request.user = user
    with scope(partnership=partnership):
        interactions = selectors.organisation_interactions(organisation=organisation)
        return render_to_string(
            "partners/interactions/_organisation_interactions.html",
            {
                "tenant": Tenant(partnership=partnership, role=role),
                "organisation": organisation,
                "interactions": interactions,
            },
            request=request,
        )


def test_the_organisation_panel_shows_people_and_next_steps_and_write_links_for_writers(
    partnership, leader, viewer, organisation, contact, open_step
):
    with scopes_disabled():
        open_step.contacts.add(contact)
        open_step.members.add(leader)
    html = render_partial(partnership, leader, Role.LEADER, organisation)
    assert "Piet Plain" in html
    assert str(leader) in html
    assert "Offerte sturen" in html
    assert moment_url("interaction-update", open_step) in html
    assert create_url(organisation) in html
    html = render_partial(partnership, viewer, Role.VIEWER, organisation)
    assert "Offerte sturen" in html
    assert moment_url("interaction-update", open_step) not in html
    assert moment_url("next-step-done", open_step) not in html
    assert create_url(organisation) not in html


@pytest.mark.parametrize("rows", [5, 40])
def test_organisation_interactions_runs_three_queries_and_keeps_the_latest(
    partnership, leader, organisation, contact, rows, django_assert_num_queries
):
    with scopes_disabled():
        for number in range(rows):
            interaction = InteractionFactory(organisation=organisation, date=today() - number * DAY)
            interaction.contacts.add(contact)
            interaction.members.add(leader)
    with scope(partnership=partnership), django_assert_num_queries(3):
        interactions = selectors.organisation_interactions(organisation=organisation, limit=20)
        names = [[c.name for c in i.contacts.all()] for i in interactions]
        owners = [(i.next_step_owner, list(i.members.all())) for i in interactions]
    assert len(interactions) == min(rows, 20)
    assert interactions[0].date == today()
    assert names[0] == ["Piet Plain"]
    assert owners[0][1] == [leader]


def test_a_member_of_the_partnership_without_role_changes_is_a_valid_owner(
    leader_client, partnership, organisation
):
    with scopes_disabled():
        colleague = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    response = leader_client.post(
        create_url(organisation),
        valid_data(
            next_step="Bellen", next_step_due=today().isoformat(), next_step_owner=colleague.pk
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Interaction.objects.get().next_step_owner == colleague


# --- Approach steps ticked from a contact moment (outreach, through the form hook) ------------


@pytest.fixture
def english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


OPEN_STEPS_ONLY = "Choose from the open approach steps of this organisation."


def ticks_of(organisation):
    from outreach.models import ApproachStep

    with scopes_disabled():
        return dict(
            ApproachStep.objects.filter(organisation=organisation).values_list(
                "step", "interaction_id"
            )
        )


def test_a_contact_moment_ticks_the_approach_steps_chosen_on_its_form(
    leader_client, leader, organisation
):
    form = leader_client.get(create_url(organisation)).context["form"]
    assert [value for value, _label in form.fields["approach_steps"].choices] == [
        "first_visit",
        "school_invitation",
        "several_levels",
        "first_activity",
    ]
    response = leader_client.post(
        create_url(organisation), valid_data(approach_steps=["first_visit", "several_levels"])
    )
    assert response.status_code == 302
    with scopes_disabled():
        moment = Interaction.objects.get()
    assert ticks_of(organisation) == {"first_visit": moment.pk, "several_levels": moment.pk}
    # The next moment offers the open steps only.
    form = leader_client.get(create_url(organisation)).context["form"]
    assert [value for value, _label in form.fields["approach_steps"].choices] == [
        "school_invitation",
        "first_activity",
    ]
    # Changing the moment shows its own ticks checked; unchecking one takes it off.
    update = leader_client.get(moment_url("interaction-update", moment)).context["form"]
    assert set(update["approach_steps"].value()) == {"first_visit", "several_levels"}
    response = leader_client.post(
        moment_url("interaction-update", moment),
        valid_data(approach_steps=["first_visit", "first_activity"]),
    )
    assert response.status_code == 302
    assert ticks_of(organisation) == {"first_visit": moment.pk, "first_activity": moment.pk}


def test_a_committed_organisation_without_ticks_gets_no_step_field_and_a_posted_step_is_ignored(
    leader_client, organisation
):
    with scopes_disabled():
        organisation.stage = Stage.COMMITTED
        organisation.save()
    assert (
        "approach_steps" not in leader_client.get(create_url(organisation)).context["form"].fields
    )
    response = leader_client.post(
        create_url(organisation), valid_data(approach_steps="first_visit")
    )
    assert response.status_code == 302
    assert ticks_of(organisation) == {}


def test_hostile_approach_steps_are_refused_with_a_clear_message_and_nothing_is_saved(
    leader_client, organisation, partnership, other_partnership, english
):
    from outreach.models import ApproachStep

    with scopes_disabled():
        earlier = InteractionFactory(organisation=organisation)
        ApproachStep.objects.create(
            partnership=partnership,
            organisation=organisation,
            step="first_visit",
            interaction=earlier,
        )
        neighbour = OrganisationFactory(partnership=partnership)
        theirs = ApproachStep.objects.create(
            partnership=partnership,
            organisation=neighbour,
            step="school_invitation",
            interaction=InteractionFactory(organisation=neighbour),
        )
        foreign_org = OrganisationFactory(partnership=other_partnership)
        foreign = ApproachStep.objects.create(
            partnership=other_partnership,
            organisation=foreign_org,
            step="several_levels",
            interaction=InteractionFactory(organisation=foreign_org),
        )
    before = (interaction_count(), ticks_of(organisation))
    for bad in [
        "first_visit",  # already ticked from another moment of this organisation
        str(theirs.pk),  # a tick of another organisation
        str(foreign.pk),  # a tick of another partnership
        "nonexistent",
        "first_visit\x00",
        "\x00",
        "x" * 10_000,
        SCRIPT,
    ]:
        response = leader_client.post(
            create_url(organisation), valid_data(approach_steps=["several_levels", bad])
        )
        assert response.status_code == 200, bad[:20]
        assert response.context["form"].errors["approach_steps"] == [OPEN_STEPS_ONLY]
        assert SCRIPT not in response.content.decode()
        assert (interaction_count(), ticks_of(organisation)) == before
    # Changing a moment with a hostile step changes neither the moment nor the ticks.
    response = leader_client.post(
        moment_url("interaction-update", earlier),
        valid_data(summary="Nieuw", approach_steps=["first_visit", "\x00"]),
    )
    assert response.context["form"].errors["approach_steps"] == [OPEN_STEPS_ONLY]
    with scopes_disabled():
        earlier.refresh_from_db()
    assert earlier.summary != "Nieuw" and ticks_of(organisation) == before[1]
    with scopes_disabled():
        assert ApproachStep.objects.get(pk=theirs.pk).organisation == neighbour
        assert ApproachStep.objects.get(pk=foreign.pk).partnership == other_partnership


def test_a_step_ticked_elsewhere_meanwhile_undoes_the_whole_save(
    partnership, organisation, leader, english
):
    """Between showing the form and saving it, a colleague ticked the same step from another
    moment: the new moment is not saved either."""
    from outreach.models import ApproachStep
    from partners.forms.interactions import InteractionForm
    from partners.interaction_extensions import add_errors, save_with_extensions

    with scope(partnership=partnership):
        form = InteractionForm(
            valid_data(approach_steps=["school_invitation"]),
            partnership=partnership,
            organisation=organisation,
            user=leader,
        )
        assert form.is_valid(), form.errors
        ApproachStep.objects.create(
            partnership=partnership,
            organisation=organisation,
            step="school_invitation",
            interaction=InteractionFactory(organisation=organisation),
        )
        count = interaction_count()
        with pytest.raises(ValidationError) as raised:
            save_with_extensions(
                form,
                save=lambda: services.interaction_create(
                    partnership=partnership,
                    organisation=organisation,
                    created_by=leader,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                ),
                user=leader,
            )
        add_errors(form, raised.value)
    assert "in the meantime" in form.errors["approach_steps"][0]
    assert interaction_count() == count


def test_a_planned_contact_moment_cannot_tick_a_step_yet(leader_client, organisation, english):
    response = leader_client.post(
        create_url(organisation),
        valid_data(
            date=(today() + 3 * DAY).isoformat(),
            next_step="Bezoek voorbereiden",
            next_step_due=(today() + 3 * DAY).isoformat(),
            approach_steps=["first_visit"],
        ),
    )
    assert response.status_code == 200
    assert "planned contact moment" in response.context["form"].errors["approach_steps"][0]
    assert interaction_count() == 0 and ticks_of(organisation) == {}
