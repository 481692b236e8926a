"""A version whose PDF never came (docs/rules.md §12): found, rendered again a bounded number
of times, then marked failed with a reason, so the version page offers "render again".

A task row whose worker died is queued again by sterk/task_recovery.py; what is left here is
a version still without PDF or error long after its rendering was asked for while no task
row is queued or running for it (the Immediate backend crashed in the request, or a row was
lost). `render_attempts` counts the automatic requests since the last one by hand.
"""

from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks_db.compat import TaskResultStatus

from agreements.models import AgreementVersion
from agreements.tasks import render_version
from sterk import task_recovery

RENDER_TASK = render_version.module_path


def requested_at(version: AgreementVersion):
    return version.render_requested_at or version.created_at


def is_stuck(version: AgreementVersion, now=None) -> bool:
    """Still without PDF and error after the rendering's time limit."""
    now = now or timezone.now()
    return (
        not version.pdf_sha256
        and not version.render_error
        and requested_at(version) < now - task_recovery.time_limit(RENDER_TASK)
    )


def _stuck(now):
    cutoff = now - task_recovery.time_limit(RENDER_TASK)
    under_way = {args[0] for args in task_recovery.active_task_args(RENDER_TASK) if args}
    return (
        AgreementVersion.objects.filter(pdf_sha256="", render_error="")
        .alias(asked=Coalesce("render_requested_at", "created_at"))
        .filter(asked__lt=cutoff)
        .exclude(pk__in=under_way)
    )


def recover_stuck_renders(now=None) -> list[str]:
    """Ask again for the PDF of every stuck version, at most TASK_MAX_RECOVERIES times each,
    then record why it stopped. Each version is locked and checked again first, and asking
    moves its `render_requested_at` to now, so two runs at once ask once."""
    now = now or timezone.now()
    lines = []
    with scopes_disabled():
        for pk in list(_stuck(now).order_by("pk").values_list("pk", flat=True)):
            with transaction.atomic():
                version = (
                    _stuck(now)
                    .filter(pk=pk)
                    .select_for_update(skip_locked=True)
                    .select_related("partnership")
                    .first()
                )
                if version is None:
                    continue
                label = f"{version.partnership.slug} agreement v{version.number}"
                fresh = AgreementVersion.objects.filter(pk=pk, pdf_sha256="", render_error="")
                if version.render_attempts < task_recovery.max_recoveries():
                    fresh.update(render_requested_at=now, render_attempts=F("render_attempts") + 1)
                    transaction.on_commit(partial(render_version.enqueue, pk))
                    lines.append(f"{label}: PDF stuck, rendering asked again")
                else:
                    limit = task_recovery.time_limit(RENDER_TASK)
                    reason = task_recovery.given_up_reason(version.render_attempts + 1, limit)
                    fresh.update(render_error=f"WorkerLost: {reason}")
                    lines.append(f"{label}: PDF stuck, marked failed")
    return lines


def record_lost_render(sender, task_result, **kwargs) -> None:
    """`task_finished` receiver: a rendering task that failed outside render_version's own
    error handling (its worker was given up on, or killed by a signal) leaves its reason on
    the version, which then shows as failed with "render again"."""
    if task_result.task.module_path != RENDER_TASK or task_result.status != TaskResultStatus.FAILED:
        return
    if not task_result.args:
        return
    with scopes_disabled():
        AgreementVersion.objects.filter(
            Q(pk=task_result.args[0]), pdf_sha256="", render_error=""
        ).update(render_error=task_recovery.failure_text(task_result)[:2000])
