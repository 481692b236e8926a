"""/healthz (sterk/health.py): 200 when the database answers, the media storage takes a file
and every queue is moving; 503 naming the failing check otherwise. Public, never cached,
no error text in the answer."""

from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from agreements.tasks import render_version
from sterk import health

SECRET_DETAIL = "/srv/sterk/private/credentials-here"


class BrokenStorage(FileSystemStorage):
    """A storage that cannot be written to (a full disk, a bucket without rights)."""

    def _save(self, name, content):
        raise PermissionError(f"cannot write {SECRET_DETAIL}")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HEALTH_QUEUE_MAX_AGE = 900


def get(client):
    response = client.get("/healthz")
    return response, response.json()


@pytest.mark.django_db
def test_a_healthy_installation_answers_200_with_every_check(client, settings):
    response, body = get(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert body["status"] == "ok"
    assert {"database", "storage", "queue:tasks"} <= set(body["checks"])
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["queue:tasks"]["oldest_age_seconds"] is None
    # The storage check cleans up after itself.
    assert list((settings.MEDIA_ROOT / "healthz").iterdir()) == []


@pytest.mark.django_db
def test_unwritable_storage_answers_503_naming_the_check_without_its_error(client, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.BrokenStorage"}}
    response, body = get(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert SECRET_DETAIL not in response.content.decode()


@pytest.mark.django_db
def test_a_media_root_that_cannot_be_written_answers_503(client, settings, tmp_path):
    media = tmp_path / "media-parent"
    media.mkdir()
    (media / "healthz").write_text("a file where the folder should be")
    settings.MEDIA_ROOT = media / "healthz"  # a file, not a folder: nothing can be written in it
    response, body = get(client)
    assert response.status_code == 503 and body["checks"]["storage"]["ok"] is False


@pytest.mark.django_db
def test_a_task_waiting_too_long_for_a_worker_answers_503(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = render_version.enqueue(1)
    response, body = get(client)
    assert response.status_code == 200
    assert body["checks"]["queue:tasks"]["oldest_age_seconds"] < 60

    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=20)
    )
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"]["queue:tasks"] == {
        "ok": False,
        "oldest_age_seconds": pytest.approx(1200, abs=5),
        "ms": body["checks"]["queue:tasks"]["ms"],
    }

    # A task the worker has picked up is no longer waiting.
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING")
    assert get(client)[0].status_code == 200


@pytest.mark.django_db
def test_a_deferred_task_waits_from_its_run_after(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()
    later = render_version.using(run_after=now + timedelta(hours=1)).enqueue(1)
    DBTaskResult.objects.filter(pk=later.id).update(enqueued_at=now - timedelta(hours=2))
    assert get(client)[1]["checks"]["queue:tasks"]["oldest_age_seconds"] is None

    due = render_version.using(run_after=now - timedelta(minutes=30)).enqueue(2)
    DBTaskResult.objects.filter(pk=due.id).update(enqueued_at=now - timedelta(hours=2))
    response, body = get(client)
    assert response.status_code == 503
    assert body["checks"]["queue:tasks"]["oldest_age_seconds"] == pytest.approx(1800, abs=5)


@pytest.mark.django_db
def test_a_registered_queue_counts_and_a_broken_one_fails(client, monkeypatch):
    queues = dict(health._queues)
    monkeypatch.setattr(health, "_queues", queues)
    health.register_queue("mail", lambda: 30.0)
    response, body = get(client)
    assert response.status_code == 200
    assert body["checks"]["queue:mail"]["oldest_age_seconds"] == 30

    health.register_queue("mail", lambda: 3600.0)
    response, body = get(client)
    assert response.status_code == 503 and body["checks"]["queue:mail"]["ok"] is False

    def broken():
        raise RuntimeError(SECRET_DETAIL)

    health.register_queue("mail", broken)
    response, body = get(client)
    assert response.status_code == 503 and body["checks"]["queue:mail"]["ok"] is False
    assert SECRET_DETAIL not in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_get_only(client):
    assert client.post("/healthz").status_code == 405
