"""Evaluation rounds with the guide's five questions (docs/rules.md §17)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from activities.models import EVALUATION_QUESTIONS, Evaluation
from activities.services import evaluations as services
from partners.models import Organisation, Role
from tests.factories import (
    EvaluationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
ANSWER_FIELDS = [field for field, _question in EVALUATION_QUESTIONS]


def today():
    return timezone.localdate()


def years_from_today(years):
    day = today()
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@pytest.fixture
def organisation(partnership):
    with scopes_disabled():
        return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


@pytest.fixture
def foreign_organisation(other_partnership):
    with scopes_disabled():
        return OrganisationFactory(partnership=other_partnership, name="Scheepswerf Vlissingen")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def list_url():
    return reverse("activities:evaluation-list", kwargs={"slug": "twente"})


def create_url():
    return reverse("activities:evaluation-create", kwargs={"slug": "twente"})


def evaluation_url(name, evaluation):
    return reverse(
        f"activities:{name}",
        kwargs={"slug": evaluation.partnership.slug, "code": evaluation.code},
    )


def valid_data(**changes):
    data = {
        "date": (today() - datetime.timedelta(days=3)).isoformat(),
        "answer_goals": "Ja, de doelen passen nog.",
        "answer_results": "Grotendeels; de stages blijven achter.",
        "answer_works": "Gastlessen werken, roosters afstemmen nog niet.",
        "answer_satisfied": "Ja, behalve de bouwbedrijven.",
        "answer_adjust": "Doel voor docentstages bijstellen.",
        "decisions": "Roosters in april vastleggen.",
        "other_participants": "Twee studenten",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def evaluation_count():
    with scopes_disabled():
        return Evaluation.objects.count()


def saved():
    with scopes_disabled():
        return Evaluation.objects.get()


# --- Recording, changing and deleting a round ----------------------------------------------


def test_editor_records_a_round_with_answers_and_who_took_part(
    editor_client, editor, leader, organisation
):
    data = valid_data(members=[editor.pk, leader.pk], organisations=[organisation.pk])
    response = editor_client.post(create_url(), data)
    evaluation = saved()
    assert response.status_code == 302
    assert response.url == evaluation_url("evaluation-detail", evaluation)
    assert evaluation.partnership.slug == "twente"
    assert evaluation.date == today() - datetime.timedelta(days=3)
    assert evaluation.answer_works == "Gastlessen werken, roosters afstemmen nog niet."
    assert evaluation.decisions == "Roosters in april vastleggen."
    assert evaluation.other_participants == "Twee studenten"
    assert evaluation.created_by == editor
    with scopes_disabled():
        assert set(evaluation.members.all()) == {editor, leader}
        assert list(evaluation.organisations.all()) == [organisation]


def test_the_form_labels_every_answer_with_its_question(editor_client):
    response = editor_client.get(create_url())
    assert response.status_code == 200
    form = response.context["form"]
    for field, question in EVALUATION_QUESTIONS:
        assert form.fields[field].label == question
    assert form.initial["date"] == today()


def test_a_round_can_be_planned_exactly_a_year_ahead(editor_client):
    response = editor_client.post(create_url(), valid_data(date=years_from_today(1).isoformat()))
    assert response.status_code == 302
    assert saved().date == years_from_today(1)


def test_updating_a_round_changes_answers_and_participants_but_not_its_author(
    editor_client, partnership, leader, editor, organisation
):
    with scopes_disabled():
        evaluation = EvaluationFactory(partnership=partnership, created_by=leader)
        evaluation.members.set([leader])
        other = OrganisationFactory(partnership=partnership, name="Bouwbedrijf Oost")
        evaluation.organisations.set([other])
    data = valid_data(
        answer_adjust="Nee, de doelen blijven.",
        members=[editor.pk],
        organisations=[organisation.pk],
    )
    response = editor_client.post(evaluation_url("evaluation-update", evaluation), data)
    assert response.status_code == 302
    assert response.url == evaluation_url("evaluation-detail", evaluation)
    evaluation = saved()
    assert evaluation.answer_adjust == "Nee, de doelen blijven."
    assert evaluation.created_by == leader
    with scopes_disabled():
        assert list(evaluation.members.all()) == [editor]
        assert list(evaluation.organisations.all()) == [organisation]


def test_the_update_form_starts_from_the_saved_answers(editor_client, partnership):
    with scopes_disabled():
        evaluation = EvaluationFactory(partnership=partnership, answer_goals="Zeker.")
    response = editor_client.get(evaluation_url("evaluation-update", evaluation))
    assert response.status_code == 200
    assert response.context["form"]["answer_goals"].value() == "Zeker."


def test_delete_asks_first_and_then_deletes_the_round(editor_client, partnership, organisation):
    with scopes_disabled():
        evaluation = EvaluationFactory(partnership=partnership)
        evaluation.organisations.set([organisation])
    url = evaluation_url("evaluation-delete", evaluation)
    assert editor_client.get(url).status_code == 200
    assert evaluation_count() == 1
    response = editor_client.post(url)
    assert response.status_code == 302
    assert response.url == list_url()
    assert evaluation_count() == 0
    with scopes_disabled():
        assert not Evaluation.organisations.through.objects.exists()
        assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_a_round_of_another_partnership_is_not_found_through_ours(editor_client, other_partnership):
    with scopes_disabled():
        foreign = EvaluationFactory(partnership=other_partnership)
    for name in ["evaluation-detail", "evaluation-update", "evaluation-delete"]:
        url = reverse(f"activities:{name}", kwargs={"slug": "twente", "code": foreign.code})
        assert editor_client.get(url).status_code == 404, name
    assert (
        editor_client.post(
            reverse("activities:evaluation-delete", kwargs={"slug": "twente", "code": foreign.code})
        ).status_code
        == 404
    )
    assert evaluation_count() == 1


def test_viewer_sees_rounds_but_no_links_to_change_them(client, viewer, partnership):
    with scopes_disabled():
        evaluation = EvaluationFactory(partnership=partnership)
    client.force_login(viewer)
    listing = client.get(list_url()).content.decode()
    detail = client.get(evaluation_url("evaluation-detail", evaluation)).content.decode()
    assert evaluation_url("evaluation-detail", evaluation) in listing
    assert create_url() not in listing
    assert evaluation_url("evaluation-update", evaluation) not in detail
    assert evaluation_url("evaluation-delete", evaluation) not in detail


def test_editor_sees_the_links_to_change_a_round(editor_client, partnership):
    with scopes_disabled():
        evaluation = EvaluationFactory(partnership=partnership)
    listing = editor_client.get(list_url()).content.decode()
    detail = editor_client.get(evaluation_url("evaluation-detail", evaluation)).content.decode()
    assert create_url() in listing
    assert evaluation_url("evaluation-update", evaluation) in detail
    assert evaluation_url("evaluation-delete", evaluation) in detail


# --- Bad input ------------------------------------------------------------------------------


def post_invalid(client, data):
    response = client.post(create_url(), data)
    assert response.status_code == 200
    assert evaluation_count() == 0
    return response.context["form"].errors


def test_a_date_more_than_a_year_ahead_is_refused(editor_client):
    too_late = years_from_today(1) + datetime.timedelta(days=1)
    errors = post_invalid(editor_client, valid_data(date=too_late.isoformat()))
    assert list(errors) == ["date"]


def test_a_date_more_than_ten_years_back_is_refused(editor_client):
    too_early = years_from_today(-10) - datetime.timedelta(days=1)
    errors = post_invalid(editor_client, valid_data(date=too_early.isoformat()))
    assert list(errors) == ["date"]


@pytest.mark.parametrize("date", ["", "morgen", "2026-02-30", "20260-01-01"])
def test_a_missing_or_wrong_date_is_refused(editor_client, date):
    errors = post_invalid(editor_client, valid_data(date=date))
    assert list(errors) == ["date"]


@pytest.mark.parametrize("field", ANSWER_FIELDS)
def test_every_question_needs_an_answer(editor_client, field):
    errors = post_invalid(editor_client, valid_data(**{field: "   "}))
    assert list(errors) == [field]


def test_an_empty_form_names_the_date_and_every_answer(editor_client):
    errors = post_invalid(editor_client, {})
    assert set(errors) == {"date", *ANSWER_FIELDS}


@pytest.mark.parametrize("field", [*ANSWER_FIELDS, "decisions", "other_participants"])
def test_a_huge_text_is_refused(editor_client, field):
    errors = post_invalid(editor_client, valid_data(**{field: "x" * 10_000}))
    assert list(errors) == [field]


def test_an_organisation_of_another_partnership_cannot_be_forged_in(
    editor_client, organisation, foreign_organisation
):
    data = valid_data(organisations=[organisation.pk, foreign_organisation.pk])
    errors = post_invalid(editor_client, data)
    assert list(errors) == ["organisations"]


def test_an_unknown_organisation_id_is_refused(editor_client):
    errors = post_invalid(editor_client, valid_data(organisations=["999999", "abc"]))
    assert list(errors) == ["organisations"]


def test_a_person_who_is_not_a_member_cannot_be_forged_in(editor_client, editor, outsider):
    errors = post_invalid(editor_client, valid_data(members=[editor.pk, outsider.pk]))
    assert list(errors) == ["members"]


def test_an_update_with_a_forged_organisation_changes_nothing(
    editor_client, partnership, organisation, foreign_organisation
):
    with scopes_disabled():
        evaluation = EvaluationFactory(partnership=partnership, answer_goals="Ja.")
        evaluation.organisations.set([organisation])
    data = valid_data(answer_goals="Nee.", organisations=[foreign_organisation.pk])
    response = editor_client.post(evaluation_url("evaluation-update", evaluation), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organisations"]
    evaluation = saved()
    assert evaluation.answer_goals == "Ja."
    with scopes_disabled():
        assert list(evaluation.organisations.all()) == [organisation]


def test_hostile_text_is_saved_as_text_and_shown_escaped(editor_client, organisation):
    data = valid_data(
        answer_goals=SCRIPT,
        decisions=SCRIPT,
        other_participants=SCRIPT,
        organisations=[organisation.pk],
    )
    assert editor_client.post(create_url(), data).status_code == 302
    evaluation = saved()
    assert evaluation.answer_goals == SCRIPT
    for url in [list_url(), evaluation_url("evaluation-detail", evaluation)]:
        page = editor_client.get(url).content.decode()
        assert SCRIPT not in page, url
        assert ESCAPED in page, url
    form_page = editor_client.get(evaluation_url("evaluation-update", evaluation)).content.decode()
    assert SCRIPT not in form_page


def test_hostile_text_in_a_refused_form_is_shown_escaped(editor_client):
    response = editor_client.post(create_url(), valid_data(date="", answer_works=SCRIPT))
    assert response.status_code == 200
    page = response.content.decode()
    assert SCRIPT not in page
    assert ESCAPED in page
    assert evaluation_count() == 0


# --- Services -------------------------------------------------------------------------------


def answers(**changes):
    return {field: f"Antwoord op {field}" for field in ANSWER_FIELDS} | changes


def test_service_refuses_an_organisation_of_another_partnership(
    partnership, leader, foreign_organisation
):
    with scope(partnership=partnership), pytest.raises(ValidationError) as error:
        services.evaluation_create(
            partnership=partnership,
            created_by=leader,
            date=today(),
            answers=answers(),
            organisations=[foreign_organisation],
        )
    assert set(error.value.message_dict) == {"organisations"}
    assert evaluation_count() == 0


def test_service_refuses_people_who_are_not_members(partnership, leader, outsider):
    with scope(partnership=partnership), pytest.raises(ValidationError) as error:
        services.evaluation_create(
            partnership=partnership,
            created_by=leader,
            date=today(),
            answers=answers(),
            members=[leader, outsider],
        )
    assert set(error.value.message_dict) == {"members"}
    assert evaluation_count() == 0


def test_service_checks_the_date_against_the_given_day(partnership, leader):
    fixed = datetime.date(2026, 3, 1)
    with scope(partnership=partnership):
        with pytest.raises(ValidationError) as error:
            services.evaluation_create(
                partnership=partnership,
                created_by=leader,
                date=datetime.date(2027, 3, 2),
                answers=answers(),
                today=fixed,
            )
        assert set(error.value.message_dict) == {"date"}
        evaluation = services.evaluation_create(
            partnership=partnership,
            created_by=leader,
            date=datetime.date(2027, 3, 1),
            answers=answers(),
            today=fixed,
        )
    assert evaluation.date == datetime.date(2027, 3, 1)


def test_service_requires_every_answer_and_strips_them(partnership, leader):
    with scope(partnership=partnership):
        with pytest.raises(ValidationError) as error:
            services.evaluation_create(
                partnership=partnership,
                created_by=leader,
                date=today(),
                answers=answers(answer_satisfied="  "),
            )
        assert set(error.value.message_dict) == {"answer_satisfied"}
        evaluation = services.evaluation_create(
            partnership=partnership,
            created_by=leader,
            date=today(),
            answers=answers(answer_goals="  Ja.  "),
        )
    assert evaluation.answer_goals == "Ja."


def test_service_refuses_an_answer_to_an_unknown_question(partnership, leader):
    with scope(partnership=partnership), pytest.raises(TypeError):
        services.evaluation_create(
            partnership=partnership,
            created_by=leader,
            date=today(),
            answers=answers(answer_budget="Ja."),
        )


# --- The list and detail pages --------------------------------------------------------------


def test_the_list_shows_this_partnerships_rounds_newest_first(
    editor_client, partnership, other_partnership
):
    with scopes_disabled():
        old = EvaluationFactory(partnership=partnership, date=datetime.date(2025, 6, 1))
        new = EvaluationFactory(partnership=partnership, date=datetime.date(2026, 6, 1))
        EvaluationFactory(partnership=other_partnership, date=datetime.date(2026, 1, 1))
    response = editor_client.get(list_url())
    assert response.status_code == 200
    assert list(response.context["page"]) == [new, old]


def test_an_empty_list_lists_the_guides_questions(editor_client):
    response = editor_client.get(list_url())
    assert response.status_code == 200
    assert not response.context["page"].object_list
    assert response.context["questions"] == [question for _field, question in EVALUATION_QUESTIONS]
    page = response.content.decode()
    assert page.count("<li>") >= len(EVALUATION_QUESTIONS)


def test_the_list_pages_by_twenty_five(editor_client, partnership):
    with scopes_disabled():
        EvaluationFactory.create_batch(30, partnership=partnership)
    first = editor_client.get(list_url())
    second = editor_client.get(list_url(), {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


def test_the_detail_page_shows_every_answer_and_who_took_part(
    editor_client, partnership, leader, organisation
):
    with scopes_disabled():
        evaluation = EvaluationFactory(partnership=partnership, other_participants="Studentenraad")
        evaluation.members.set([leader])
        evaluation.organisations.set([organisation])
    response = editor_client.get(evaluation_url("evaluation-detail", evaluation))
    assert response.status_code == 200
    assert response.context["answers"] == [
        (question, getattr(evaluation, field)) for field, question in EVALUATION_QUESTIONS
    ]
    page = response.content.decode()
    for field in ANSWER_FIELDS:
        assert getattr(evaluation, field) in page
    assert "Metaalwerken Hengelo" in page
    assert "Studentenraad" in page
    assert str(leader) in page


# --- Speed ----------------------------------------------------------------------------------


def fill(partnership, rounds, people):
    """`rounds` evaluation rounds, each with `people` members and organisations."""
    with scopes_disabled():
        users = [
            MembershipFactory(partnership=partnership, role=Role.EDITOR, user=UserFactory()).user
            for _ in range(people)
        ]
        organisations = OrganisationFactory.create_batch(people, partnership=partnership)
        evaluations = EvaluationFactory.create_batch(rounds, partnership=partnership)
        for evaluation in evaluations:
            evaluation.members.set(users)
            evaluation.organisations.set(organisations)
    return evaluations


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("rows", [5, 200])
def test_the_list_runs_a_fixed_number_of_queries(
    editor_client, partnership, rows, django_assert_num_queries
):
    fill(partnership, rounds=rows, people=rows // 5 + 1)
    with django_assert_num_queries(LIST_QUERIES):
        response = editor_client.get(list_url())
    assert len(response.context["page"].object_list) == min(rows, 25)


# Session, user, membership, the count for the pages, the page of rounds, their members,
# their organisations.
LIST_QUERIES = 7


@pytest.mark.parametrize("rows", [5, 200])
def test_the_detail_page_runs_a_fixed_number_of_queries(
    editor_client, partnership, rows, django_assert_num_queries
):
    (evaluation,) = fill(partnership, rounds=1, people=rows)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = editor_client.get(evaluation_url("evaluation-detail", evaluation))
    with scopes_disabled():
        assert len(response.context["evaluation"].organisations.all()) == rows


# Session, user, membership, the round with its author, its members, its organisations.
DETAIL_QUERIES = 6


def test_list_and_detail_cost_the_same_at_5_and_200_rows(editor_client, partnership):
    with scopes_disabled():
        small = fill(partnership, rounds=5, people=5)[0]
    small_counts = (
        queries_for(editor_client, list_url()),
        queries_for(editor_client, evaluation_url("evaluation-detail", small)),
    )
    with scopes_disabled():
        large = fill(partnership, rounds=200, people=200)[0]
    large_counts = (
        queries_for(editor_client, list_url()),
        queries_for(editor_client, evaluation_url("evaluation-detail", large)),
    )
    assert small_counts == large_counts
