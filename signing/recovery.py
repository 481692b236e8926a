"""Sealing that never finished (docs/rules.md §13, §15).

`rounds_to_seal` are the completed rounds whose completion or seal is not done: `manage.py
retry_sealing` seals them all at once, by hand; `manage.py recover_tasks` (every few
minutes, by cron) queues the seal again for the stale ones, those completed longer ago than
the seal's time limit with no seal task queued or running, until `seal_attempts` (failures
recorded by the task, and workers given up on) reaches TASK_MAX_RECOVERIES. A seal task row
whose worker died is queued again by sterk/task_recovery.py; when it is given up, the
failure is recorded here on the round like any other sealing failure.
"""

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.utils import exclusive_transaction

from signing.audit import record
from signing.models import RoundStatus, SigningRound
from signing.tasks import seal_round
from sterk import task_recovery

SEAL_TASK = seal_round.module_path


def rounds_to_seal() -> QuerySet:
    """Completed rounds whose kind's completion or sealed PDF is not done, oldest first."""
    return (
        SigningRound.objects.filter(status=RoundStatus.COMPLETED)
        .filter(Q(final_pdf_sha256="") | Q(finished_at=None))
        .select_related("partnership", "document")
        .order_by("completed_at", "pk")
    )


def describe(signing_round: SigningRound) -> str:
    return (
        f"{signing_round.partnership.slug} {signing_round.document.title} "
        f"round {signing_round.code}"
    )


def recover_stale_seals(now=None) -> list[str]:
    """Queue the seal again for every stale round. Each round is locked first (SKIP LOCKED;
    an exclusive transaction on SQLite) and its task row is written in the same transaction,
    so a second run at the same time finds it under way and queues nothing."""
    now = now or timezone.now()
    cutoff = now - task_recovery.time_limit(SEAL_TASK)
    lines = []
    with scopes_disabled():
        stale = list(rounds_to_seal().filter(completed_at__lt=cutoff))
        for signing_round in stale:
            with exclusive_transaction(SigningRound.objects.db):
                locked = (
                    rounds_to_seal()
                    .filter(pk=signing_round.pk)
                    .select_for_update(skip_locked=True, of=("self",))
                    .first()
                )
                under_way = {args[0] for args in task_recovery.active_task_args(SEAL_TASK) if args}
                if locked is None or locked.pk in under_way:
                    continue
                if locked.seal_attempts >= task_recovery.max_recoveries():
                    lines.append(
                        f"{describe(locked)}: sealing failed {locked.seal_attempts} times, "
                        "not tried again by itself; run retry_sealing once the cause is fixed"
                    )
                    continue
                # In the transaction, not after it: the task row and the lock end together.
                # (The Immediate backend seals right here.)
                seal_round.enqueue(locked.pk)
                lines.append(f"{describe(locked)}: sealing stuck, queued again")
    return lines


def record_lost_seal(sender, task_result, **kwargs) -> None:
    """`task_finished` receiver: a seal task given up (its worker kept dying) or killed
    outside its own error handling is recorded on the round as a sealing failure, so the
    round page and retry_sealing show it and the attempt counts."""
    if task_result.task.module_path != SEAL_TASK or task_result.status != TaskResultStatus.FAILED:
        return
    if not task_result.args:
        return
    reason = task_recovery.failure_text(task_result)
    with scopes_disabled(), transaction.atomic():
        signing_round = (
            rounds_to_seal().filter(pk=task_result.args[0]).select_for_update(of=("self",)).first()
        )
        if signing_round is None:
            return
        SigningRound.objects.filter(pk=signing_round.pk).update(
            seal_error=reason[:2000], seal_attempts=F("seal_attempts") + 1
        )
        record(
            "seal_failed",
            signing_round=signing_round,
            actor="Sterk",
            data={"error": reason.split(":", 1)[0]},
        )
