"""Annual statements are made in the background and kept (docs/rules.md §22): asked for by a
leader, rendered once by a task into files with their SHA-256, never changed afterwards (a
new one is made when asked again), listed with who made them and when, downloaded by
members; a failed rendering records its error and the page shows it with "make again"; a
stuck one is recovered by `recover_tasks`."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cofinancing.models import AnnualStatement
from cofinancing.reports import services
from cofinancing.reports.recovery import is_stuck
from cofinancing.reports.tasks import render_statement
from sterk.canonical import bytes_hash
from sterk.task_recovery import registered_recoveries
from tests.factories import BudgetFactory
from tests.reports_data import region, rendered_statement, workbook

pytestmark = pytest.mark.usefixtures("no_scopes")

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks(settings):
    settings.TASKS = IMMEDIATE
    settings.TASK_TIME_LIMIT = 600
    settings.TASK_MAX_RECOVERIES = 3


@pytest.fixture
def budget(partnership):
    return BudgetFactory(partnership=partnership)


@pytest.fixture
def renders(monkeypatch):
    """A renderer that counts its calls and gives different bytes each time."""
    import cofinancing.reports.statement

    calls = []

    def fake(statement):
        calls.append(statement.pk)
        return b"%PDF-1.7 fake " + str(len(calls)).encode(), b"PK fake ledger"

    monkeypatch.setattr(cofinancing.reports.statement, "render_statement_files", fake)
    return calls


@pytest.fixture
def broken(monkeypatch):
    import cofinancing.reports.statement

    def fail(statement):
        raise OSError("Pango is missing")

    monkeypatch.setattr(cofinancing.reports.statement, "render_statement_files", fail)


def ask(partnership, budget, leader, capture, year=2025, execute=True):
    with capture(execute=execute):
        return services.statement_create(
            partnership=partnership, budget=budget, year=year, user=leader
        )


def detail(code):
    return reverse("cofinancing:statement-detail", kwargs={"slug": "twente", "code": code})


# --- rendering -------------------------------------------------------------------------------


def test_a_statement_is_rendered_in_the_background_into_kept_files(
    partnership, leader, django_capture_on_commit_callbacks
):
    data = region(partnership)
    statement = ask(partnership, data["budget"], leader, django_capture_on_commit_callbacks)
    statement.refresh_from_db()
    assert statement.render_error == ""
    assert statement.rendered_at and statement.created_by == leader
    pdf, ledger = statement.pdf.read(), statement.ledger.read()
    assert pdf.startswith(b"%PDF") and bytes_hash(pdf) == statement.pdf_sha256
    assert bytes_hash(ledger) == statement.ledger_sha256
    assert "Bijdragen" in workbook(ledger).sheetnames


def test_a_rendered_statement_never_changes_and_asking_again_makes_a_new_one(
    partnership, budget, leader, renders, django_capture_on_commit_callbacks
):
    first = ask(partnership, budget, leader, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    sha = first.pdf_sha256
    assert render_statement.call(first.pk) == "already rendered"
    assert services.statement_render_again(statement=first) is False
    first.refresh_from_db()
    assert first.pdf_sha256 == sha and renders == [first.pk]
    second = ask(partnership, budget, leader, django_capture_on_commit_callbacks)
    second.refresh_from_db()
    assert second.pk != first.pk and second.pdf_sha256 != sha
    assert AnnualStatement.objects.filter(partnership=partnership, year=2025).count() == 2


def test_a_failed_rendering_records_its_error_and_the_page_shows_it(
    client, partnership, budget, leader, viewer, broken, django_capture_on_commit_callbacks
):
    statement = ask(partnership, budget, leader, django_capture_on_commit_callbacks)
    statement.refresh_from_db()
    assert statement.render_error == "OSError: Pango is missing"
    assert statement.pdf_sha256 == "" and not statement.pdf
    client.force_login(leader)
    page = client.get(detail(statement.code)).content.decode()
    assert "OSError: Pango is missing" in page
    assert reverse("cofinancing:statement-render", args=["twente", statement.code]) in page
    listing = client.get(reverse("cofinancing:reports", kwargs={"slug": "twente"}))
    assert "text-bg-danger" in listing.content.decode()
    client.force_login(viewer)
    page = client.get(detail(statement.code)).content.decode()
    assert "OSError: Pango is missing" in page
    assert reverse("cofinancing:statement-render", args=["twente", statement.code]) not in page


def test_make_again_renders_a_failed_statement_once(
    client, partnership, budget, leader, monkeypatch, django_capture_on_commit_callbacks
):
    import cofinancing.reports.statement

    original = cofinancing.reports.statement.render_statement_files
    monkeypatch.setattr(
        cofinancing.reports.statement, "render_statement_files", _raise(RuntimeError("boom"))
    )
    statement = ask(partnership, budget, leader, django_capture_on_commit_callbacks)
    monkeypatch.setattr(cofinancing.reports.statement, "render_statement_files", original)
    client.force_login(leader)
    url = reverse("cofinancing:statement-render", args=["twente", statement.code])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == detail(statement.code)
    statement.refresh_from_db()
    assert statement.pdf_sha256 and statement.render_error == ""
    assert statement.render_attempts == 0


def _raise(error):
    def fail(statement):
        raise error

    return fail


def test_make_again_is_refused_while_the_rendering_is_under_way(
    partnership, budget, leader, renders, django_capture_on_commit_callbacks
):
    statement = ask(partnership, budget, leader, django_capture_on_commit_callbacks, execute=False)
    with pytest.raises(ValidationError) as refused:
        services.statement_render_again(statement=statement)
    assert refused.value.code == "rendering"
    assert renders == []


def test_a_year_outside_the_scheme_is_refused(client, partnership, budget, leader):
    client.force_login(leader)
    url = reverse("cofinancing:statement-create", kwargs={"slug": "twente"})
    for year in ("2030", "abc", ""):
        response = client.post(url, {"year": year}, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"]), year
    assert not AnnualStatement.objects.exists()


def test_the_period_is_a_statement_without_a_year(
    client, partnership, budget, leader, renders, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    url = reverse("cofinancing:statement-create", kwargs={"slug": "twente"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"year": "period"})
    statement = AnnualStatement.objects.get()
    assert statement.year is None and statement.created_by == leader
    assert response["Location"] == detail(statement.code)


# --- stuck -----------------------------------------------------------------------------------


def recover(capture) -> str:
    output = StringIO()
    with capture(execute=True):
        call_command("recover_tasks", stdout=output)
    return output.getvalue()


def _backdate(statement, minutes):
    AnnualStatement.objects.filter(pk=statement.pk).update(
        render_requested_at=timezone.now() - timedelta(minutes=minutes)
    )
    statement.refresh_from_db()


def test_the_recovery_is_registered():
    assert "annual statements" in registered_recoveries()


def test_a_stuck_statement_is_rendered_again_by_recover_tasks(
    partnership, budget, leader, renders, django_capture_on_commit_callbacks
):
    statement = ask(partnership, budget, leader, django_capture_on_commit_callbacks, execute=False)
    _backdate(statement, 5)
    assert not is_stuck(statement)
    assert "annual statement" not in recover(django_capture_on_commit_callbacks)
    _backdate(statement, 11)
    assert is_stuck(statement)
    output = recover(django_capture_on_commit_callbacks)
    assert "twente annual statement 2025: stuck, rendering asked again" in output
    statement.refresh_from_db()
    assert statement.pdf_sha256 and statement.render_attempts == 1 and renders == [statement.pk]


def test_a_statement_that_stays_stuck_is_marked_failed(
    client, partnership, budget, leader, renders, django_capture_on_commit_callbacks
):
    statement = ask(partnership, budget, leader, django_capture_on_commit_callbacks, execute=False)
    for attempt in (1, 2, 3):
        _backdate(statement, 11)
        with django_capture_on_commit_callbacks(execute=False):
            call_command("recover_tasks", stdout=StringIO())
        statement.refresh_from_db()
        assert statement.render_attempts == attempt
    _backdate(statement, 11)
    assert "stuck, marked failed" in recover(django_capture_on_commit_callbacks)
    statement.refresh_from_db()
    assert statement.render_error.startswith("WorkerLost: The work was started 4 times")
    assert renders == []
    client.force_login(leader)
    assert "WorkerLost" in client.get(detail(statement.code)).content.decode()


def test_a_stuck_statement_offers_make_again(
    client, partnership, budget, leader, django_capture_on_commit_callbacks
):
    statement = ask(partnership, budget, leader, django_capture_on_commit_callbacks, execute=False)
    _backdate(statement, 11)
    client.force_login(leader)
    page = client.get(detail(statement.code)).content.decode()
    assert "text-bg-warning" in page
    assert reverse("cofinancing:statement-render", args=["twente", statement.code]) in page


# --- the pages -------------------------------------------------------------------------------


def test_the_reports_page_lists_statements_with_who_and_when(
    client, partnership, budget, leader, viewer
):
    rendered_statement(partnership, year=2025, user=leader)
    rendered_statement(partnership, year=None, user=leader)
    client.force_login(viewer)
    response = client.get(reverse("cofinancing:reports", kwargs={"slug": "twente"}))
    page = response.content.decode()
    assert page.count(str(leader)) == 2
    assert page.count("text-bg-success") == 2
    assert reverse("cofinancing:plan-download", args=["twente", "2027-2028"]) in page
    assert reverse("cofinancing:progress-download-html", args=["twente"]) in page
    assert reverse("cofinancing:statement-create", args=["twente"]) not in page  # a viewer
    client.force_login(leader)
    page = client.get(reverse("cofinancing:reports", kwargs={"slug": "twente"})).content.decode()
    assert reverse("cofinancing:statement-create", args=["twente"]) in page


def test_the_reports_page_runs_the_same_number_of_queries_for_3_and_30_statements(
    client, partnership, budget, leader, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("cofinancing:reports", kwargs={"slug": "twente"})
    client.force_login(leader)
    for _ in range(3):
        rendered_statement(partnership, user=leader)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(27):
        rendered_statement(partnership, user=leader)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_reports_page_without_a_budget_offers_the_progress_draft(client, partnership, leader):
    client.force_login(leader)
    page = client.get(reverse("cofinancing:reports", kwargs={"slug": "twente"})).content.decode()
    assert reverse("cofinancing:progress-download-pdf", args=["twente"]) in page
    assert "plan/" not in page


def test_members_download_the_files_with_their_names(client, partnership, budget, leader, viewer):
    statement = rendered_statement(partnership, year=2025, user=leader)
    client.force_login(viewer)
    made = timezone.localtime(statement.created_at).date().isoformat()
    for name, filename in (
        ("statement-pdf", f"jaarverantwoording-twente-2025-{made}.pdf"),
        ("statement-ledger", f"grootboek-twente-2025-{made}.xlsx"),
    ):
        response = client.get(reverse(f"cofinancing:{name}", args=["twente", statement.code]))
        assert response.status_code == 200
        assert filename in response["Content-Disposition"]
        assert bytes_hash(b"".join(response.streaming_content)) in (
            statement.pdf_sha256,
            statement.ledger_sha256,
        )


def test_a_statement_without_files_is_not_downloaded(
    client, partnership, budget, leader, django_capture_on_commit_callbacks
):
    statement = ask(partnership, budget, leader, django_capture_on_commit_callbacks, execute=False)
    client.force_login(leader)
    for name in ("statement-pdf", "statement-ledger"):
        url = reverse(f"cofinancing:{name}", args=["twente", statement.code])
        assert client.get(url).status_code == 404


def test_the_statement_of_another_partnership_is_404(
    client, partnership, other_partnership, budget, leader
):
    theirs = rendered_statement(other_partnership, year=2025)
    client.force_login(leader)
    for name in ("statement-detail", "statement-pdf", "statement-ledger"):
        assert (
            client.get(reverse(f"cofinancing:{name}", args=["twente", theirs.code])).status_code
            == 404
        )
    url = reverse("cofinancing:statement-render", args=["twente", theirs.code])
    assert client.post(url).status_code == 404


def test_the_page_polls_while_the_statement_is_being_made(
    client, partnership, budget, leader, django_capture_on_commit_callbacks
):
    statement = ask(partnership, budget, leader, django_capture_on_commit_callbacks, execute=False)
    client.force_login(leader)
    response = client.get(detail(statement.code), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="statement-progress"')
    assert 'hx-trigger="every 2s"' in body
    assert "<html" not in body


def test_the_pages_keep_the_strict_content_security_policy(client, partnership, budget, leader):
    from tests.test_csp import assert_page

    statement = rendered_statement(partnership, year=2025, user=leader)
    client.force_login(leader)
    for url in (reverse("cofinancing:reports", args=["twente"]), detail(statement.code)):
        response = client.get(url)
        assert response.status_code == 200
        assert_page(response)


def test_the_admin_lists_statements_read_only(admin_client, partnership, leader):
    statement = rendered_statement(partnership, year=2025, user=leader)
    listing = admin_client.get("/admin/cofinancing/annualstatement/")
    assert listing.status_code == 200 and str(leader) in listing.content.decode()
    page = admin_client.get(f"/admin/cofinancing/annualstatement/{statement.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.get("/admin/cofinancing/annualstatement/add/").status_code == 403
