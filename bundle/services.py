"""Building the accountant's bundle (docs/rules.md §24).

`build_start` is the settlement page's button (a recorded build, made in the request when
the evidence is small, else in the background with its progress on the build);
`build_to_file` is `manage.py accountant_bundle`. Every build is recorded in `BundleBuild`; a year without
any line, or a partnership without a scheme, is refused before anything is written.
"""

import os
import tempfile
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bundle.building import build_run, bundle_write, estimated_size, fail, record
from bundle.contents import has_data
from bundle.models import BuildVia, BundleBuild
from bundle.tasks import build_bundle
from cofinancing.selectors.summary import partnership_budget


def bundle_check(*, partnership, year: int | None) -> None:
    """Refuse, with a message, what cannot make a bundle: no scheme, a year outside it, a
    year (or period) without any contribution, cost line or funding line."""
    budget = partnership_budget(partnership=partnership)
    if budget is None:
        raise ValidationError(
            _("Choose the scheme first: the bundle holds the annual statement."), code="scheme"
        )
    if year is not None and year not in budget.scheme.years:
        raise ValidationError(
            _("%(year)s is not a year of %(scheme)s.")
            % {"year": year, "scheme": budget.scheme.name},
            code="year",
        )
    if not has_data(partnership=partnership, year=year):
        raise ValidationError(
            _(
                "There is nothing to account for in %(scope)s: no contribution, cost line or funding line."
            )
            % {"scope": str(year) if year is not None else _("the period")},
            code="empty",
        )


def build_start(*, partnership, year: int | None, user) -> BundleBuild:
    """A leader's build from the settlement page (checked first, see bundle_check): made in
    this request when its evidence weighs at most BUNDLE_INLINE_MAX_BYTES, else by the
    background task `bundle.tasks.build_bundle` after commit."""
    bundle_check(partnership=partnership, year=year)
    build = BundleBuild.objects.create(
        partnership=partnership, year=year, via=BuildVia.PAGE, built_by=user
    )
    if estimated_size(partnership=partnership, year=year) <= settings.BUNDLE_INLINE_MAX_BYTES:
        build_run(build.pk)
        build.refresh_from_db()
    else:
        transaction.on_commit(partial(build_bundle.enqueue, build.pk))
    return build


def build_to_file(*, partnership, year: int | None, output: Path) -> BundleBuild:
    """`manage.py accountant_bundle`: the bundle written to `output` (through a temporary
    file beside it, renamed when complete, so nothing half-written is left there) and
    recorded without a user and without a kept file."""
    bundle_check(partnership=partnership, year=year)
    output = Path(output)
    build = BundleBuild.objects.create(partnership=partnership, year=year, via=BuildVia.COMMAND)
    descriptor, partial_name = tempfile.mkstemp(suffix=".zip.part", dir=output.parent)
    try:
        with os.fdopen(descriptor, "w+b") as handle:
            written = bundle_write(partnership=partnership, year=year, target=handle)
            size = handle.tell()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial_name, output)
    except BaseException as error:
        Path(partial_name).unlink(missing_ok=True)
        fail(build.pk, error)
        raise
    record(build, written, size)
    build.save()
    return build
