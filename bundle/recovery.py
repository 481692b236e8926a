"""A build of the accountant's bundle that never finished (its worker died, or the request
that built it was cut off): after the task's time limit it is marked failed with the
reason, so the page offers to build again; nothing is queued again, since a leader who
still wants the bundle simply builds it anew (docs/rules.md §24)."""

from django.utils import timezone
from django_scopes import scopes_disabled

from bundle.models import BuildStatus, BundleBuild
from bundle.tasks import build_bundle
from sterk import task_recovery

BUILD_TASK = build_bundle.module_path
STOPPED = "The build stopped without finishing (still running after its time limit); build again."


def is_stuck(build: BundleBuild, now=None) -> bool:
    now = now or timezone.now()
    return build.status == BuildStatus.BUILDING and build.built_at < now - (
        task_recovery.time_limit(BUILD_TASK)
    )


def recover_stuck_builds(now=None) -> list[str]:
    now = now or timezone.now()
    cutoff = now - task_recovery.time_limit(BUILD_TASK)
    under_way = {args[0] for args in task_recovery.active_task_args(BUILD_TASK) if args}
    lines = []
    with scopes_disabled():
        stuck = (
            BundleBuild.objects.filter(status=BuildStatus.BUILDING, built_at__lt=cutoff)
            .exclude(pk__in=under_way)
            .select_related("partnership")
        )
        for build in stuck:
            changed = BundleBuild.objects.filter(pk=build.pk, status=BuildStatus.BUILDING).update(
                status=BuildStatus.FAILED, finished_at=now, error=STOPPED
            )
            if changed:
                lines.append(
                    f"{build.partnership.slug} accountant's bundle {build.code}: stuck, marked failed"
                )
    return lines
