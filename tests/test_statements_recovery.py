"""A company statement whose PDF never came (docs/rules.md §23), recovered as the annual
statement's files are (§22, sterk.task_recovery.StuckRenders): `recover_tasks` renders it
again a bounded number of times and sends it, then marks it failed with the reason; a leader
sees the failure on the board and the statement's page and has it made again."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cofinancing.models import CompanyStatement, StatementStatus
from cofinancing.reports import recovery as annual_recovery
from cofinancing.statements import pdf as statement_pdf
from cofinancing.statements import recovery, services
from sterk.task_recovery import registered_recoveries
from tests.statements_data import deadline, region
from tests.test_document_kinds import one_page_note


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"


@pytest.fixture
def renders(monkeypatch):
    """A renderer that counts its calls."""
    calls = []

    def fake(statement):
        calls.append(statement.pk)
        return one_page_note()

    monkeypatch.setattr(statement_pdf, "render_pdf", fake)
    return calls


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def made(partnership, leader, capture, companies=1):
    """Statements made and their renders never run (the request's worker died)."""
    with scopes_disabled():
        budget, _organisations = region(partnership, companies=companies)
        with capture(execute=False):
            result = services.statements_send(
                budget=budget, year=2025, user=leader, deadline=deadline()
            )
    return result.made


def _backdate(statement, minutes):
    with scopes_disabled():
        CompanyStatement.objects.filter(pk=statement.pk).update(
            render_requested_at=timezone.now() - timedelta(minutes=minutes)
        )
        statement.refresh_from_db()


def recover(capture, execute=True) -> str:
    output = StringIO()
    with capture(execute=execute):
        call_command("recover_tasks", stdout=output)
    return output.getvalue()


def board_url():
    return reverse("cofinancing:company-statements", kwargs={"slug": "twente", "year": "2025"})


def detail_url(statement):
    return reverse("cofinancing:company-statement-detail", args=["twente", statement.code])


def render_url(statement):
    return reverse("cofinancing:company-statement-render", args=["twente", statement.code])


def test_the_recovery_is_registered_and_shares_the_annual_statements_helper():
    assert "company statements" in registered_recoveries()
    assert type(recovery.renders) is type(annual_recovery.renders)


def test_a_stuck_statement_is_rendered_again_and_sent_by_recover_tasks(
    partnership, leader, renders, capture
):
    (statement,) = made(partnership, leader, capture)
    _backdate(statement, 5)
    assert not recovery.is_stuck(statement)
    assert "company statement" not in recover(capture)
    _backdate(statement, 11)
    assert recovery.is_stuck(statement)
    output = recover(capture)
    assert (
        "twente company statement Metaalbedrijf 001 B.V. 2025 #1: stuck, rendering asked again"
        in output
    )
    with scopes_disabled():
        statement.refresh_from_db()
    assert statement.pdf_sha256 and statement.render_attempts == 1
    assert statement.status == StatementStatus.SENT and renders == [statement.pk]
    assert "company statement" not in recover(capture)


def test_a_statement_that_stays_stuck_is_marked_failed_with_the_reason(
    leader_client, partnership, leader, renders, capture
):
    (statement,) = made(partnership, leader, capture)
    for attempt in (1, 2, 3):
        _backdate(statement, 11)
        recover(capture, execute=False)
        with scopes_disabled():
            statement.refresh_from_db()
        assert statement.render_attempts == attempt
    _backdate(statement, 11)
    assert "stuck, marked failed" in recover(capture)
    with scopes_disabled():
        statement.refresh_from_db()
    assert statement.render_error.startswith("WorkerLost: The work was started 4 times")
    assert statement.status == StatementStatus.MADE and renders == []
    assert "company statement" not in recover(capture)
    board = leader_client.get(board_url()).content.decode()
    assert "WorkerLost" in board and render_url(statement) in board
    page = leader_client.get(detail_url(statement)).content.decode()
    assert "alert-danger" in page and render_url(statement) in page


def test_a_voided_statement_is_not_rendered_again(partnership, leader, renders, capture):
    (statement,) = made(partnership, leader, capture)
    with scopes_disabled():
        CompanyStatement.objects.filter(pk=statement.pk).update(status=StatementStatus.VOIDED)
    _backdate(statement, 60)
    assert "company statement" not in recover(capture)
    assert renders == []


def test_a_render_given_up_by_the_worker_leaves_its_reason(partnership, leader, capture):
    (statement,) = made(partnership, leader, capture)

    class Error:
        exception_class_path = "sterk.task_recovery.WorkerLost"
        traceback = "The work was started 4 times and each time stopped without finishing."

    class Result:
        task = type("Task", (), {"module_path": recovery.RENDER_TASK})()
        status = "FAILED"
        args = [statement.pk]
        errors = [Error()]

    from django_tasks_db.compat import TaskResultStatus

    Result.status = TaskResultStatus.FAILED
    recovery.record_lost_render(sender=None, task_result=Result())
    with scopes_disabled():
        statement.refresh_from_db()
    assert statement.render_error.startswith("WorkerLost: The work was started 4 times")


def test_a_leader_makes_a_stuck_statement_again_from_the_board(
    leader_client, partnership, leader, renders, capture
):
    (statement,) = made(partnership, leader, capture)
    page = leader_client.get(board_url()).content.decode()
    assert render_url(statement) not in page  # still being made, within its time limit
    _backdate(statement, 11)
    page = leader_client.get(board_url()).content.decode()
    assert render_url(statement) in page and 'statements-progress"></div>' in page
    with capture(execute=True):
        response = leader_client.post(render_url(statement), {"back": "board"})
    assert response.status_code == 302 and response["Location"] == board_url()
    with scopes_disabled():
        statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT and statement.render_attempts == 0
    assert renders == [statement.pk]
    # Once there, asking again changes nothing.
    with capture(execute=True):
        response = leader_client.post(render_url(statement))
    assert response["Location"] == detail_url(statement)
    assert renders == [statement.pk]


def test_a_failed_statement_is_made_again_once_from_its_page(
    leader_client, partnership, leader, renders, capture
):
    (statement,) = made(partnership, leader, capture)
    with scopes_disabled():
        CompanyStatement.objects.filter(pk=statement.pk).update(
            render_error="OSError: no Pango", render_attempts=2
        )
    page = leader_client.get(detail_url(statement)).content.decode()
    assert "OSError: no Pango" in page and render_url(statement) in page
    with capture(execute=False) as callbacks:
        leader_client.post(render_url(statement))
        leader_client.post(render_url(statement))  # the double click
    assert len(callbacks) == 1
    with scopes_disabled():
        statement.refresh_from_db()
    assert statement.render_error == "" and statement.render_attempts == 0


def test_make_again_is_refused_while_the_rendering_is_under_way_or_after_voiding(
    partnership, leader, renders, capture
):
    (statement,) = made(partnership, leader, capture)
    with scopes_disabled():
        with pytest.raises(ValidationError) as error:
            services.statement_render_again(statement=statement)
        assert error.value.code == "rendering"
        statement.status = StatementStatus.VOIDED
        with pytest.raises(ValidationError):
            services.statement_render_again(statement=statement)
    assert renders == []


def test_others_see_the_failure_without_the_button(client, partnership, leader, viewer, capture):
    (statement,) = made(partnership, leader, capture)
    with scopes_disabled():
        CompanyStatement.objects.filter(pk=statement.pk).update(render_error="OSError: no Pango")
    client.force_login(viewer)
    page = client.get(detail_url(statement)).content.decode()
    assert "OSError: no Pango" in page and render_url(statement) not in page
    assert client.post(render_url(statement)).status_code == 403
