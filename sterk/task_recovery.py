"""Background work whose worker died: found, queued again a bounded number of times, then
marked failed with a reason.

django-tasks-db marks a row RUNNING when a worker claims it, and appends the worker's id to
the row's `worker_ids`; a worker killed in the middle of a task leaves its row RUNNING for
ever. A row RUNNING for longer than its task's time limit (`TASK_TIME_LIMIT` seconds, or
`TASK_TIME_LIMITS[task path]`) is taken for such a one. `worker_ids` is the durable count of
the row's starts: the row is queued again while it has been started at most
`TASK_MAX_RECOVERIES` times, then marked failed with `WorkerLost` as its error, and
django-tasks' `task_finished` signal is sent so the app that owns the task records the
failure where its users look (the apps connect a receiver in their AppConfig.ready()).

Tasks are written to be run twice without harm (the PDF of a version and the sealed PDF of
a round are attached once, under a row lock), so queueing a task again whose worker was only
slow costs time, not a second document.

Apps add recoveries of their own (work stuck without a task row, e.g. after the Immediate
backend crashed in a request) with `register_recovery`; `manage.py recover_tasks` runs
them all. This module imports no app.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from django_tasks_db.compat import InvalidTaskBackend, TaskResultStatus, task_finished
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The error recorded on a task given up because its worker kept dying."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def time_limit(task_path: str) -> timedelta:
    """How long the task may run before its worker is taken for dead."""
    seconds = settings.TASK_TIME_LIMITS.get(task_path, settings.TASK_TIME_LIMIT)
    return timedelta(seconds=seconds)


def max_recoveries() -> int:
    return settings.TASK_MAX_RECOVERIES


def given_up_reason(starts: int, limit: timedelta) -> str:
    minutes = max(1, round(limit.total_seconds() / 60))
    return (
        f"The work was started {starts} times and each time stopped without finishing "
        f"(still running after {minutes} min); it is not tried again by itself."
    )


@dataclass(frozen=True)
class Recovered:
    result_id: str
    task_path: str
    starts: int
    action: str  # "requeued" or "failed"

    def __str__(self) -> str:
        name = self.task_path.rsplit(".", 1)[-1]
        if self.action == "requeued":
            return (
                f"task {name} {self.result_id}: worker lost after start {self.starts}, queued again"
            )
        return f"task {name} {self.result_id}: worker lost {self.starts} times, marked failed"


def recover_running(now: datetime | None = None) -> list[Recovered]:
    """Queue again, or give up on, every task row RUNNING for longer than its time limit.

    Safe to run twice at once: the rows are locked (SKIP LOCKED on PostgreSQL, an exclusive
    transaction on SQLite) and each change is conditional on the row still being RUNNING
    since the same start, so a row is queued again once per death."""
    now = now or timezone.now()
    shortest = min([settings.TASK_TIME_LIMIT, *settings.TASK_TIME_LIMITS.values()])
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - timedelta(seconds=shortest))
    recovered: list[Recovered] = []
    with exclusive_transaction(stale.db):
        for row in stale.select_for_update(skip_locked=True).order_by("started_at"):
            limit = time_limit(row.task_path)
            if row.started_at >= now - limit:
                continue
            same_start = DBTaskResult.objects.filter(
                pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
            )
            starts = len(row.worker_ids)
            if starts <= max_recoveries():
                # Enqueued again now: the queue's age (/healthz) counts from here.
                changed = same_start.update(
                    status=TaskResultStatus.READY, started_at=None, enqueued_at=now
                )
                action = "requeued"
            else:
                changed = same_start.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    return_value=None,
                    exception_class_path=WORKER_LOST,
                    traceback=given_up_reason(starts, limit),
                )
                action = "failed"
            if changed:
                recovered.append(Recovered(str(row.pk), row.task_path, starts, action))
    for item in recovered:
        logger.warning("Recovering a task: %s", item)
        if item.action == "failed":
            _announce_failure(item.result_id)
    return recovered


def _announce_failure(result_id: str) -> None:
    """Send `task_finished` for a row given up here, as the worker does for a failed task."""
    row = DBTaskResult.objects.get(pk=result_id)
    try:
        sender = type(row.task.get_backend())
        task_result = row.task_result
    except (ImportError, SuspiciousOperation, InvalidTaskBackend):
        logger.exception("Task %s was given up, and its task cannot be loaded", result_id)
        return
    for receiver, response in task_finished.send_robust(sender=sender, task_result=task_result):
        if isinstance(response, Exception):
            logger.error(
                "Recording the failure of task %s in %r failed",
                result_id,
                receiver,
                exc_info=response,
            )


def active_task_args(task_path: str) -> list[list]:
    """The positional arguments of the rows of a task that are queued or running: work that
    is under way and must not be queued a second time."""
    rows = DBTaskResult.objects.filter(
        task_path=task_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values_list("args_kwargs", flat=True)
    return [row.get("args", []) for row in rows]


def failure_text(task_result) -> str:
    """A failed task's error in one line, for a page: the exception's name and message."""
    if not task_result.errors:
        return "Error"
    error = task_result.errors[-1]
    name = error.exception_class_path.rsplit(".", 1)[-1]
    lines = [line for line in error.traceback.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    if error.exception_class_path == WORKER_LOST:
        return f"{name}: {error.traceback.strip()}"
    return last if last.startswith(name) else f"{name}: {last}".rstrip(": ")


# --- recoveries of the apps -------------------------------------------------------------

Recovery = Callable[[], list[str]]
_recoveries: dict[str, Recovery] = {}


def register_recovery(name: str, recover: Recovery) -> None:
    """Add an app's recovery to `manage.py recover_tasks`: a callable that recovers what is
    stuck and returns one line per thing it did. Called from AppConfig.ready()."""
    _recoveries[name] = recover


def registered_recoveries() -> dict[str, Recovery]:
    return dict(_recoveries)
