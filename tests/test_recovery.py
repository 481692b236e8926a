"""Work that recovers: a task whose worker died is queued again a bounded number of times and
then marked failed with a reason (sterk/task_recovery.py, `manage.py recover_tasks`); a
version whose PDF never came is made again, by cron or by a leader's "Make again"; a stale
sealing round is sealed; rendering or sealing twice never gives a second document.

The faults are injected for real: a worker "killed mid-task" is a django-tasks-db row claimed
by a worker that never finishes it, started longer ago than the time limit; the worker that
then completes it is django-tasks-db's own Worker.run_task, run in the test.
"""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from agreements.models import AgreementVersion
from agreements.services import agreement_for, version_create
from agreements.tasks import render_version
from sterk import task_recovery
from sterk.canonical import bytes_hash
from tests.test_snapshot import ready_partnership

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RENDER = "agreements.tasks.render_version"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASK_TIME_LIMIT = 600
    settings.TASK_MAX_RECOVERIES = 3


@pytest.fixture
def db_tasks(settings):
    """The production backend: tasks are rows that a worker runs."""
    settings.TASKS = DB_TASKS


@pytest.fixture
def renders(monkeypatch):
    """A renderer that counts its calls; each call gives different bytes, as a renderer that
    stamps the time would, so a second PDF could not hide behind equal bytes."""
    import agreements.pdf

    calls = []

    def fake(snapshot, *, number, snapshot_sha256):
        calls.append(number)
        return b"%PDF-1.7 fake render " + str(len(calls)).encode()

    monkeypatch.setattr(agreements.pdf, "render_pdf", fake)
    return calls


@pytest.fixture
def ready(partnership, no_scopes):
    return ready_partnership(partnership)


def make_version(partnership, user, capture):
    with capture(execute=True):
        version = version_create(partnership=partnership, user=user)
    version.refresh_from_db()
    return version


def run_worker(worker_id="worker-2"):
    """What `manage.py db_worker` does for each ready row: claim it, run it, record it."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while (row := DBTaskResult.objects.ready().get_locked()) is not None:
        row.claim(worker_id)
        worker.run_task(row)
        ran += 1
    return ran


def worker_dies(worker_id, *, minutes_ago=11, task_path=None):
    """A worker claims the next row (of that task) and is killed: the row stays RUNNING."""
    rows = DBTaskResult.objects.ready()
    if task_path:
        rows = rows.filter(task_path=task_path)
    with transaction.atomic():
        row = rows.get_locked()
        row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return DBTaskResult.objects.get(pk=row.pk)


def recover(capture=None) -> str:
    output = StringIO()
    if capture is None:
        call_command("recover_tasks", stdout=output)
    else:
        with capture(execute=True):
            call_command("recover_tasks", stdout=output)
    return output.getvalue()


# --- a task whose worker died ---------------------------------------------------------------


def test_a_task_whose_worker_died_is_queued_again_and_a_worker_then_completes_it(
    ready, leader, renders, db_tasks, django_capture_on_commit_callbacks
):
    version = make_version(ready, leader, django_capture_on_commit_callbacks)
    assert version.pdf_sha256 == "" and renders == []
    dead = worker_dies("worker-1")

    output = recover()

    row = DBTaskResult.objects.get(pk=dead.pk)
    assert row.status == "READY" and row.started_at is None
    assert row.enqueued_at > dead.started_at
    assert f"task render_version {row.pk}: worker lost after start 1, queued again" in output

    assert run_worker("worker-2") == 1
    row.refresh_from_db()
    version.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == "rendered"
    assert row.worker_ids == ["worker-1", "worker-2"]
    assert version.pdf_sha256 == bytes_hash(b"%PDF-1.7 fake render 1")
    assert version.render_error == ""
    # Nothing left: a second run recovers nothing.
    assert "Nothing to recover." in recover()


def test_a_task_running_within_its_time_limit_is_left_alone(
    ready, leader, renders, db_tasks, django_capture_on_commit_callbacks, settings
):
    make_version(ready, leader, django_capture_on_commit_callbacks)
    row = worker_dies("worker-1", minutes_ago=9)
    assert "Nothing to recover." in recover()
    assert DBTaskResult.objects.get(pk=row.pk).status == "RUNNING"

    # A limit of its own for this task makes it stale.
    settings.TASK_TIME_LIMITS = {RENDER: 5 * 60}
    recover()
    assert DBTaskResult.objects.get(pk=row.pk).status == "READY"


def test_after_the_allowed_recoveries_the_task_fails_with_its_reason_on_the_version_page(
    ready, leader, leader_client, renders, db_tasks, django_capture_on_commit_callbacks
):
    version = make_version(ready, leader, django_capture_on_commit_callbacks)
    for start in (1, 2, 3):
        worker_dies(f"worker-{start}")
        assert "queued again" in recover()
    row = worker_dies("worker-4")

    output = recover()

    row.refresh_from_db()
    assert "worker lost 4 times, marked failed" in output
    assert row.status == "FAILED" and row.finished_at is not None
    assert row.exception_class_path == "sterk.task_recovery.WorkerLost"
    assert "started 4 times" in row.traceback
    assert renders == []
    version.refresh_from_db()
    assert version.render_error.startswith("WorkerLost: The work was started 4 times")
    assert version.pdf_sha256 == ""
    # The given-up row is finished: nothing queued again, the version is failed, not stuck.
    assert "Nothing to recover." in recover()
    assert DBTaskResult.objects.filter(status="READY").count() == 0

    page = leader_client.get(
        reverse("agreements:version-detail", kwargs={"slug": ready.slug, "code": version.code})
    )
    content = page.content.decode()
    assert "The work was started 4 times" in content
    render_url = reverse(
        "agreements:version-render", kwargs={"slug": ready.slug, "code": version.code}
    )
    assert f'action="{render_url}"' in content


def test_two_recoveries_at_once_queue_a_dead_task_once(
    ready, leader, renders, db_tasks, django_capture_on_commit_callbacks
):
    make_version(ready, leader, django_capture_on_commit_callbacks)
    row = worker_dies("worker-1")
    first = task_recovery.recover_running()
    second = task_recovery.recover_running()
    assert [item.action for item in first] == ["requeued"] and second == []
    assert DBTaskResult.objects.get(pk=row.pk).worker_ids == ["worker-1"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel transactions")
@pytest.mark.django_db(transaction=True)
def test_a_row_another_recovery_holds_is_skipped_not_queued_twice(partnership, leader, settings):
    """While one run holds a dead row's lock, a second run at the same moment skips it; the
    first queues it again once."""
    settings.TASKS = DB_TASKS
    with scopes_disabled():
        version = AgreementVersion.objects.create(
            partnership=partnership,
            agreement=agreement_for(partnership),
            number=1,
            snapshot={"schema": 1},
            snapshot_sha256="0" * 64,
        )
    render_version.enqueue(version.pk)
    row = worker_dies("worker-1")

    holding = threading.Event()
    release = threading.Event()
    results = {}

    def first_run():
        try:
            with transaction.atomic():
                DBTaskResult.objects.select_for_update().get(pk=row.pk)
                holding.set()
                release.wait(timeout=10)
            results["first"] = task_recovery.recover_running()
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_run)
    thread.start()
    assert holding.wait(timeout=10)
    results["second"] = task_recovery.recover_running()
    release.set()
    thread.join(timeout=30)

    assert results["second"] == []
    assert [item.action for item in results["first"]] == ["requeued"]
    assert DBTaskResult.objects.get(pk=row.pk).status == "READY"


# --- a version whose PDF never came ---------------------------------------------------------


def backdate(version, **moments):
    # Past the model's guard: a version's own fields never change, but time passes.
    AgreementVersion._base_manager.filter(pk=version.pk).update(**moments)


def stuck_version(partnership, user, capture, *, minutes_ago=11):
    """A version whose rendering was asked for and lost (the Immediate backend crashed in
    the request): no task row, no PDF, no error."""
    with capture(execute=False):
        version = version_create(partnership=partnership, user=user)
    backdate(version, created_at=timezone.now() - timedelta(minutes=minutes_ago))
    version.refresh_from_db()
    return version


def test_a_version_stuck_without_a_task_row_is_rendered_again_by_recover_tasks(
    ready, leader, renders, django_capture_on_commit_callbacks
):
    version = stuck_version(ready, leader, django_capture_on_commit_callbacks)
    assert not DBTaskResult.objects.exists()

    output = recover(django_capture_on_commit_callbacks)

    assert f"{ready.slug} agreement v1: PDF stuck, rendering asked again" in output
    version.refresh_from_db()
    assert renders == [1] and version.pdf_sha256 and version.render_attempts == 1


def test_a_version_rendering_within_its_time_limit_is_not_stuck(
    ready, leader, renders, django_capture_on_commit_callbacks
):
    stuck_version(ready, leader, django_capture_on_commit_callbacks, minutes_ago=5)
    assert "Nothing to recover." in recover(django_capture_on_commit_callbacks)
    assert renders == []


def test_a_version_that_stays_stuck_is_marked_failed_after_the_allowed_attempts(
    ready, leader, renders, django_capture_on_commit_callbacks
):
    version = stuck_version(ready, leader, django_capture_on_commit_callbacks)
    for attempt in (1, 2, 3):
        # Each rendering asked for is lost again (its callback never runs).
        with django_capture_on_commit_callbacks(execute=False):
            assert "rendering asked again" in recover()
        version.refresh_from_db()
        assert version.render_attempts == attempt
        AgreementVersion.objects.filter(pk=version.pk).update(
            render_requested_at=timezone.now() - timedelta(minutes=11)
        )

    assert "PDF stuck, marked failed" in recover(django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert version.render_error.startswith("WorkerLost: The work was started 4 times")
    assert renders == [] and version.pdf_sha256 == ""
    assert "Nothing to recover." in recover(django_capture_on_commit_callbacks)


def test_a_version_whose_task_row_is_queued_is_left_to_the_worker(
    ready, leader, renders, db_tasks, django_capture_on_commit_callbacks
):
    version = make_version(ready, leader, django_capture_on_commit_callbacks)
    backdate(version, created_at=timezone.now() - timedelta(minutes=30))
    assert "Nothing to recover." in recover(django_capture_on_commit_callbacks)
    assert DBTaskResult.objects.count() == 1


# --- "Make again" on the version page -------------------------------------------------------


def render_again(client, version):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages read in English
    return client.post(
        reverse(
            "agreements:version-render",
            kwargs={"slug": version.partnership.slug, "code": version.code},
        ),
        follow=True,
    )


def test_make_again_renders_a_failed_version(
    ready, leader, leader_client, monkeypatch, renders, django_capture_on_commit_callbacks
):
    import agreements.pdf

    working = agreements.pdf.render_pdf

    def broken(snapshot, *, number, snapshot_sha256):
        raise RuntimeError("font missing")

    monkeypatch.setattr(agreements.pdf, "render_pdf", broken)
    version = make_version(ready, leader, django_capture_on_commit_callbacks)
    assert "font missing" in version.render_error
    monkeypatch.setattr(agreements.pdf, "render_pdf", working)

    with django_capture_on_commit_callbacks(execute=True):
        page = render_again(leader_client, version)

    assert page.status_code == 200
    version.refresh_from_db()
    assert version.render_error == ""
    assert version.pdf_sha256 == bytes_hash(b"%PDF-1.7 fake render 1")
    assert version.render_requested_at is not None
    assert "font missing" not in page.content.decode()
    assert "The PDF is being made again." in page.content.decode()


def test_make_again_renders_a_stuck_version_and_the_page_offers_it_only_to_leaders(
    ready, leader, editor, client, renders, django_capture_on_commit_callbacks
):
    version = stuck_version(ready, leader, django_capture_on_commit_callbacks)
    detail = reverse("agreements:version-detail", kwargs={"slug": ready.slug, "code": version.code})
    render_url = reverse(
        "agreements:version-render", kwargs={"slug": ready.slug, "code": version.code}
    )
    client.force_login(editor)
    assert render_url not in client.get(detail).content.decode()
    client.force_login(leader)
    assert f'action="{render_url}"' in client.get(detail).content.decode()
    # The htmx poll shows the same, and stops polling.
    partial = client.get(detail, headers={"HX-Request": "true"}).content.decode()
    assert f'action="{render_url}"' in partial and "hx-trigger" not in partial

    with django_capture_on_commit_callbacks(execute=True):
        render_again(client, version)
    version.refresh_from_db()
    assert renders == [1] and version.pdf_sha256


def test_make_again_while_the_pdf_is_being_made_asks_nothing(
    ready, leader, leader_client, renders, django_capture_on_commit_callbacks
):
    version = stuck_version(ready, leader, django_capture_on_commit_callbacks, minutes_ago=1)
    detail = reverse("agreements:version-detail", kwargs={"slug": ready.slug, "code": version.code})
    render_url = reverse(
        "agreements:version-render", kwargs={"slug": ready.slug, "code": version.code}
    )
    page = leader_client.get(detail).content.decode()
    assert render_url not in page and "hx-trigger" in page
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = render_again(leader_client, version)
    assert callbacks == [] and renders == []
    assert "The PDF is still being made" in page.content.decode()


# --- rendering twice gives one PDF ----------------------------------------------------------


def test_rendering_twice_gives_one_pdf_with_the_same_sha(
    ready, leader, leader_client, renders, django_capture_on_commit_callbacks
):
    version = make_version(ready, leader, django_capture_on_commit_callbacks)
    name, digest = version.pdf.name, version.pdf_sha256

    assert render_version.call(version.pk) == "already rendered"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = render_again(leader_client, version)
    assert callbacks == []
    assert "already there" in page.content.decode()

    version.refresh_from_db()
    assert (version.pdf.name, version.pdf_sha256) == (name, digest)
    assert renders == [1]
    assert sorted(p.name for p in (settings.MEDIA_ROOT / "agreements").iterdir()) == [
        name.rsplit("/", 1)[1]
    ]


def test_a_render_that_finishes_after_another_attached_the_pdf_keeps_the_first(
    ready, leader, monkeypatch, django_capture_on_commit_callbacks
):
    """Two workers render the same version (one was only slow when it was queued again):
    the second to finish finds the PDF attached under the lock and stores nothing."""
    import agreements.pdf

    calls = []

    def slow_then_overtaken(snapshot, *, number, snapshot_sha256):
        calls.append(number)
        if len(calls) == 1:
            # Meanwhile the re-queued task runs to the end on another worker.
            assert render_version.call(version.pk) == "rendered"
        return b"%PDF-1.7 render " + str(len(calls)).encode()

    monkeypatch.setattr(agreements.pdf, "render_pdf", slow_then_overtaken)
    version = stuck_version(ready, leader, django_capture_on_commit_callbacks)

    assert render_version.call(version.pk) == "already rendered"

    version.refresh_from_db()
    assert calls == [1, 1]
    assert version.pdf_sha256 == bytes_hash(b"%PDF-1.7 render 2")
    assert len(list((settings.MEDIA_ROOT / "agreements").iterdir())) == 1
