"""Building an accountant's bundle in the background (docs/rules.md §24)."""

from django_scopes import scopes_disabled
from django_tasks import task


@task()
def build_bundle(build_id: int) -> str:
    """Build a recorded build once: one that is ready or failed is left alone."""
    from bundle.building import build_run

    with scopes_disabled():
        return build_run(build_id)
