"""Writing the accountant's bundle and running a recorded build (docs/rules.md §24); the
background task and the services call these."""

import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from agreements.selectors import agreement_of
from bundle.archive import Member, Written, write_bundle
from bundle.contents import bundle_contents, year_of_line
from bundle.models import BuildStatus, BundleBuild
from bundle.readme import readme_text
from cofinancing.models import Evidence
from cofinancing.selectors.summary import partnership_budget

logger = logging.getLogger(__name__)

README = "LEESMIJ.txt"
PROGRESS_EVERY = 25  # files between two progress updates of a build


def bundle_write(*, partnership, year: int | None, target, progress=None) -> Written:
    """Write the bundle onto `target` (a seekable binary file); a fixed number of queries."""
    budget = partnership_budget(partnership=partnership)
    agreement = agreement_of(partnership)
    contents = bundle_contents(partnership=partnership, year=year)
    penvoerder = agreement.penvoerder.name if agreement and agreement.penvoerder else ""
    readme = readme_text(
        partnership=partnership,
        scheme=budget.scheme,
        year=year,
        penvoerder=penvoerder,
        contents=contents,
    )
    members = [Member(path=README, data=readme, compress=True), *contents]
    return write_bundle(members, target, progress)


def estimated_size(*, partnership, year: int | None) -> int:
    """The bytes of evidence the bundle will copy: what decides building in the request."""
    total = Evidence.objects.filter(year_of_line(year), partnership=partnership).aggregate(
        total=Sum("size")
    )["total"]
    return total or 0


def record(build: BundleBuild, written: Written, size: int) -> None:
    build.status = BuildStatus.READY
    build.finished_at = timezone.now()
    build.manifest_sha256 = written.manifest_sha256
    build.size = size
    build.file_count = written.file_count
    build.missing_count = written.missing_count
    build.done_count = build.planned_count = len(written.rows)


def fail(build_id: int, error: Exception) -> None:
    logger.exception("Building accountant's bundle %s failed", build_id)
    BundleBuild.objects.filter(pk=build_id, status=BuildStatus.BUILDING).update(
        status=BuildStatus.FAILED,
        finished_at=timezone.now(),
        error=f"{type(error).__name__}: {error}"[:2000],
    )


def _progress(build_id: int):
    def report(done: int, planned: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == planned:
            BundleBuild.objects.filter(pk=build_id).update(done_count=done, planned_count=planned)

    return report


def build_run(build_id: int) -> str:
    """Build a recorded build's ZIP into a temporary file and keep it in the media storage;
    a build that is no longer being built is left alone. The file of the previous build of
    the same year is removed (its record stays): a bundle is made again from the data."""
    build = BundleBuild.objects.select_related("partnership").filter(pk=build_id).first()
    if build is None or build.status != BuildStatus.BUILDING:
        return "not building"
    try:
        with tempfile.TemporaryFile(suffix=".zip") as handle:
            written = bundle_write(
                partnership=build.partnership,
                year=build.year,
                target=handle,
                progress=_progress(build.pk),
            )
            size = handle.tell()
            handle.seek(0)
            with transaction.atomic():
                build = BundleBuild.objects.select_for_update().get(pk=build_id)
                if build.status != BuildStatus.BUILDING:
                    return "not building"
                build.file.save(f"{build.code}.zip", File(handle), save=False)
                record(build, written, size)
                build.save()
    except Exception as error:
        fail(build_id, error)
        return "failed"
    _drop_older_files(build)
    return "ready"


def _drop_older_files(build: BundleBuild) -> None:
    older = (
        BundleBuild.objects.filter(partnership=build.partnership, year=build.year)
        .exclude(pk=build.pk)
        .exclude(file="")
        .filter(built_at__lte=build.built_at)
    )
    for item in older:
        item.file.delete(save=False)
        BundleBuild.objects.filter(pk=item.pk).update(file="")
