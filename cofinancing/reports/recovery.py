"""An annual statement whose files never came (docs/rules.md §22): found, rendered again a
bounded number of times, then marked failed with a reason, so the reports page offers
"make again". The same rules as for an agreement version's PDF (§12): a task row whose
worker died is queued again by sterk/task_recovery.py; what is left here is a statement
without files or error long after it was asked for while no task row is queued or running
for it. `render_attempts` counts the automatic requests since the last one by hand.
"""

from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks_db.compat import TaskResultStatus

from cofinancing.models import AnnualStatement
from cofinancing.reports.tasks import render_statement
from sterk import task_recovery

RENDER_TASK = render_statement.module_path


def is_stuck(statement: AnnualStatement, now=None) -> bool:
    """Still without files and error after the rendering's time limit."""
    now = now or timezone.now()
    asked = statement.render_requested_at or statement.created_at
    return (
        not statement.pdf_sha256
        and not statement.render_error
        and asked < now - task_recovery.time_limit(RENDER_TASK)
    )


def _stuck(now):
    cutoff = now - task_recovery.time_limit(RENDER_TASK)
    under_way = {args[0] for args in task_recovery.active_task_args(RENDER_TASK) if args}
    return (
        AnnualStatement.objects.filter(pdf_sha256="", render_error="")
        .alias(asked=Coalesce("render_requested_at", "created_at"))
        .filter(asked__lt=cutoff)
        .exclude(pk__in=under_way)
    )


def recover_stuck_statements(now=None) -> list[str]:
    """Ask again for every stuck statement, at most TASK_MAX_RECOVERIES times each, then
    record why it stopped; each is locked and checked again first, so two runs ask once."""
    now = now or timezone.now()
    lines = []
    with scopes_disabled():
        for pk in list(_stuck(now).order_by("pk").values_list("pk", flat=True)):
            with transaction.atomic():
                statement = (
                    _stuck(now)
                    .filter(pk=pk)
                    .select_for_update(skip_locked=True)
                    .select_related("partnership")
                    .first()
                )
                if statement is None:
                    continue
                label = f"{statement.partnership.slug} annual statement {statement}"
                fresh = AnnualStatement.objects.filter(pk=pk, pdf_sha256="", render_error="")
                if statement.render_attempts < task_recovery.max_recoveries():
                    fresh.update(render_requested_at=now, render_attempts=F("render_attempts") + 1)
                    transaction.on_commit(partial(render_statement.enqueue, pk))
                    lines.append(f"{label}: stuck, rendering asked again")
                else:
                    limit = task_recovery.time_limit(RENDER_TASK)
                    reason = task_recovery.given_up_reason(statement.render_attempts + 1, limit)
                    fresh.update(render_error=f"WorkerLost: {reason}")
                    lines.append(f"{label}: stuck, marked failed")
    return lines


def record_lost_render(sender, task_result, **kwargs) -> None:
    """`task_finished` receiver: a rendering that failed outside render_statement's own
    error handling (its worker was given up on) leaves its reason on the statement."""
    if task_result.task.module_path != RENDER_TASK or task_result.status != TaskResultStatus.FAILED:
        return
    if not task_result.args:
        return
    with scopes_disabled():
        AnnualStatement.objects.filter(
            Q(pk=task_result.args[0]), pdf_sha256="", render_error=""
        ).update(render_error=task_recovery.failure_text(task_result)[:2000])
