"""Reads of the builds of the accountant's bundle."""

from bundle.models import BuildStatus, BundleBuild
from bundle.recovery import is_stuck

LATEST_SHOWN = 5


def builds_of(partnership):
    """Every build, newest first (one query)."""
    return BundleBuild.objects.filter(partnership=partnership).select_related("built_by")


def build_status(build: BundleBuild) -> str:
    """ready, failed, stuck (building past its time limit) or building."""
    if build.status == BuildStatus.BUILDING and is_stuck(build):
        return "stuck"
    return build.status
