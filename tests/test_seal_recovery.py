"""Sealing that recovers (docs/rules.md §13, §15): `manage.py recover_tasks` seals a stale
completed round again until its attempts run out, records a seal task whose worker kept
dying on the round, and sealing twice never gives a second final PDF."""

from datetime import timedelta

import pytest
from django.core import mail as outbox_mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox.models import Message
from signing import sealing
from signing.models import RoundStatus, SigningRound
from signing.tasks import seal_round
from tests.factories import send_round, signing_version
from tests.test_recovery import DB_TASKS, recover, run_worker, worker_dies
from tests.test_signing import fresh, kinds, requests_of, sign, verify, verify_and_sign

SEAL = seal_round.module_path


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"
    settings.TASK_TIME_LIMIT = 600
    settings.TASK_MAX_RECOVERIES = 3


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Run a service and then what it left for after the commit (e-mail, sealing)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def broken_seal(monkeypatch):
    def broken(data, **kwargs):
        raise RuntimeError("the seal certificate is unreadable")

    monkeypatch.setattr(sealing, "seal_pdf", broken)
    return monkeypatch


def signed_round(partnership, leader, act):
    version = signing_version(partnership, parties=1, real_pdf=True)
    signing_round = act(send_round, version, leader)
    verify_and_sign(act, requests_of(signing_round)[0])
    return fresh(signing_round)


def age(signing_round, minutes=11):
    SigningRound.objects.filter(pk=signing_round.pk).update(
        completed_at=timezone.now() - timedelta(minutes=minutes)
    )


def final_mails():
    return [message for message in outbox_mail.outbox if message.attachments]


def test_sealing_twice_gives_the_same_final_pdf(partnership, leader, act, no_scopes, settings):
    signing_round = signed_round(partnership, leader, act)
    assert signing_round.status == RoundStatus.COMPLETED and signing_round.final_pdf_sha256
    name, digest = signing_round.final_pdf.name, signing_round.final_pdf_sha256
    mails = len(final_mails())

    assert act(seal_round.call, signing_round.pk) == "already sealed"
    age(signing_round, minutes=60)
    assert "Nothing to recover." in recover()

    again = fresh(signing_round)
    assert (again.final_pdf.name, again.final_pdf_sha256) == (name, digest)
    assert len(list((settings.MEDIA_ROOT / "signed").iterdir())) == 1
    assert kinds(again.chain).count("sealed") == 1
    assert len(final_mails()) == mails


def test_a_stale_round_whose_seal_failed_is_sealed_by_recover_tasks(
    partnership, leader, act, no_scopes, broken_seal, django_capture_on_commit_callbacks
):
    signing_round = signed_round(partnership, leader, act)
    assert signing_round.sealing_pending and signing_round.seal_attempts == 1
    broken_seal.undo()
    # Not stale yet: its own task may still be at work.
    assert "Nothing to recover." in recover()

    age(signing_round)
    output = recover(django_capture_on_commit_callbacks)

    sealed = fresh(signing_round)
    assert f"round {sealed.code}: sealing stuck, queued again" in output
    assert not sealed.sealing_pending and sealed.seal_error == ""
    assert kinds(sealed.chain)[-1] == "sealed"
    assert final_mails()


def test_a_round_that_keeps_failing_is_left_to_retry_sealing_after_the_allowed_attempts(
    partnership, leader, act, no_scopes, broken_seal, django_capture_on_commit_callbacks
):
    signing_round = signed_round(partnership, leader, act)
    age(signing_round)
    for attempts in (2, 3):
        assert "queued again" in recover(django_capture_on_commit_callbacks)
        assert fresh(signing_round).seal_attempts == attempts

    output = recover(django_capture_on_commit_callbacks)

    assert "sealing failed 3 times, not tried again by itself" in output
    assert fresh(signing_round).seal_attempts == 3
    assert kinds(signing_round.chain).count("seal_failed") == 3


def test_a_seal_task_whose_worker_keeps_dying_is_recorded_and_then_sealed(
    partnership, leader, act, no_scopes, settings, django_capture_on_commit_callbacks
):
    version = signing_version(partnership, parties=1, real_pdf=True)
    signing_round = act(send_round, version, leader)
    request = requests_of(signing_round)[0]
    verify(act, request)
    settings.TASKS = DB_TASKS  # from the last signature on, tasks are rows for a worker
    sign(act, fresh(request))
    signing_round = fresh(signing_round)
    assert signing_round.status == RoundStatus.COMPLETED and signing_round.sealing_pending
    assert DBTaskResult.objects.filter(task_path=SEAL).count() == 1
    for start in (1, 2, 3):
        worker_dies(f"worker-{start}", task_path=SEAL)
        assert "queued again" in recover()
    worker_dies("worker-4", task_path=SEAL)

    assert "marked failed" in recover()

    failed = fresh(signing_round)
    assert failed.sealing_pending and failed.seal_attempts == 1
    assert failed.seal_error.startswith("WorkerLost: The work was started 4 times")
    assert kinds(failed.chain)[-1] == "seal_failed"

    # Later, the stale round is queued again, and a worker that stays alive seals it.
    age(signing_round)
    assert "sealing stuck, queued again" in recover()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_worker() >= 1
    sealed = fresh(signing_round)
    assert not sealed.sealing_pending and sealed.seal_error == ""
    # The final PDF's e-mail, one per recipient, queued when the seal was stored.
    assert run_worker() == Message.objects.filter(kind="final").count() >= 1
    assert final_mails()
