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
them all. `StuckRenders` is that recovery for a document whose file a task renders (the
annual statement, the company statement). This module imports no app.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled
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


# --- a document rendered by a task ----------------------------------------------------------


class StuckRenders:
    """A model whose file is rendered by a task and which keeps `pdf_sha256`, `render_error`,
    `render_requested_at`, `render_attempts` and `created_at` (an annual statement, a
    company statement): one whose file and error are both missing long after it was asked
    for, while no task row is queued or running for it, is stuck. `recover` asks again for
    each, at most TASK_MAX_RECOVERIES times, then records why it stopped, so its page offers
    "make again"; `record_lost` (a `task_finished` receiver) keeps the error of a rendering
    given up outside the task's own error handling; `ask_again` is "make again".

    `label(obj)` names a row in `recover_tasks`' output; `scope` narrows the rows that may
    be rendered again (e.g. not a voided one)."""

    def __init__(self, model, task, *, label: Callable[[object], str], scope=None):
        self.model = model
        self.task = task
        self.label = label
        self.scope = scope or {}

    @property
    def task_path(self) -> str:
        return self.task.module_path

    def is_stuck(self, obj, now: datetime | None = None) -> bool:
        """Still without file and error after the rendering's time limit."""
        now = now or timezone.now()
        asked = obj.render_requested_at or obj.created_at
        return (
            not obj.pdf_sha256 and not obj.render_error and asked < now - time_limit(self.task_path)
        )

    def _waiting(self):
        return self.model._default_manager.filter(pdf_sha256="", render_error="", **self.scope)

    def stuck(self, now: datetime):
        cutoff = now - time_limit(self.task_path)
        under_way = {args[0] for args in active_task_args(self.task_path) if args}
        return (
            self._waiting()
            .alias(asked=Coalesce("render_requested_at", "created_at"))
            .filter(asked__lt=cutoff)
            .exclude(pk__in=under_way)
        )

    def recover(self, now: datetime | None = None) -> list[str]:
        """Each stuck row is locked and checked again first, and asking moves its
        `render_requested_at` to now, so two runs at once ask once."""
        now = now or timezone.now()
        lines = []
        with scopes_disabled():
            for pk in list(self.stuck(now).order_by("pk").values_list("pk", flat=True)):
                with transaction.atomic():
                    obj = (
                        self.stuck(now)
                        .filter(pk=pk)
                        .select_for_update(skip_locked=True, of=("self",))
                        .select_related("partnership")
                        .first()
                    )
                    if obj is None:
                        continue
                    label = self.label(obj)
                    fresh = self._waiting().filter(pk=pk)
                    if obj.render_attempts < max_recoveries():
                        fresh.update(
                            render_requested_at=now, render_attempts=F("render_attempts") + 1
                        )
                        transaction.on_commit(partial(self.task.enqueue, pk))
                        lines.append(f"{label}: stuck, rendering asked again")
                    else:
                        limit = time_limit(self.task_path)
                        reason = given_up_reason(obj.render_attempts + 1, limit)
                        fresh.update(render_error=f"WorkerLost: {reason}")
                        lines.append(f"{label}: stuck, marked failed")
        return lines

    def record_lost(self, sender, task_result, **kwargs) -> None:
        if (
            task_result.task.module_path != self.task_path
            or task_result.status != TaskResultStatus.FAILED
            or not task_result.args
        ):
            return
        with scopes_disabled():
            self.model._default_manager.filter(
                pk=task_result.args[0], pdf_sha256="", render_error=""
            ).update(render_error=failure_text(task_result)[:2000])

    def ask_again(self, obj, *, still_rendering: str) -> bool:
        """Ask again for the file of a row whose rendering failed or is stuck, the automatic
        count started afresh. False, and nothing done, when it has its file by now; refused
        with `still_rendering` (code "rendering") while the rendering is under way and not
        yet past its time limit, so a double click asks once."""
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=obj.pk)
            if locked.pdf_sha256:
                return False
            if not locked.render_error and not self.is_stuck(locked):
                raise ValidationError(still_rendering, code="rendering")
            self.model._default_manager.filter(pk=locked.pk).update(
                render_error="", render_requested_at=timezone.now(), render_attempts=0
            )
            transaction.on_commit(partial(self.task.enqueue, locked.pk))
        return True
