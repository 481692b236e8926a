"""Import a partnership from an Excel workbook with the sheets of `spec.SHEETS`.

Public API:

- `import_workbook(source, *, partnership, user=None, dry_run=False) -> ImportResult`
- `template_workbook() -> bytes`: the empty workbook with the six sheets and their headers
- `SHEETS` (sheet → headers), the vocabularies in `cofinancing.importer.spec` and `WORDS`
  (code → word) for writing a workbook that imports back to the same rows.
"""

from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from cofinancing.importer.apply import apply_plan
from cofinancing.importer.plan import make_plan
from cofinancing.importer.reading import read_workbook
from cofinancing.importer.result import CellError, ImportResult, RowChange, SheetCounts
from cofinancing.importer.spec import MAX_FILE_BYTES, MAX_ROWS, SHEETS, WORDS
from cofinancing.importer.template import template_workbook
from partners.models import Partnership

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "SHEETS",
    "WORDS",
    "CellError",
    "ImportResult",
    "RowChange",
    "SheetCounts",
    "import_workbook",
    "template_workbook",
]


def _slug_error(slug: str) -> CellError | None:
    try:
        validate_slug(slug)
        if len(slug) > Partnership._meta.get_field("slug").max_length:
            raise ValidationError("too long")
    except ValidationError:
        return CellError(
            _("“%(slug)s” cannot be the short name of a partnership: use at most 60 "
              "lower-case letters, digits and hyphens.") % {"slug": slug[:60]}
        )  # fmt: skip
    return None


def import_workbook(
    source, *, partnership: Partnership | str, user=None, dry_run: bool = False
) -> ImportResult:
    """Import the workbook into a partnership (an object, or a slug: created when new).

    All or nothing: every row is checked first and every problem reported with its sheet,
    row and column; with any problem nothing is written. Rows are matched on natural keys
    (see cofinancing/importer/plan.py), so importing the same workbook again changes
    nothing; records the workbook does not mention are left alone. `dry_run` checks and
    counts without writing. `source` is a path or a binary file object.
    """
    if isinstance(partnership, Partnership):
        target, slug = partnership, partnership.slug
    else:
        slug = partnership
        target = Partnership.objects.filter(slug=slug).first()
    result = ImportResult(slug=slug, dry_run=dry_run, partnership=target)
    if target is None and (error := _slug_error(slug)):
        result.errors.append(error)
    rows, errors = read_workbook(source)
    result.errors.extend(errors)
    if result.errors:
        return result
    with transaction.atomic():
        with scope(partnership=target) if target else nullcontext():
            plan = make_plan(rows, partnership=target, slug=slug, result=result)
        result.partnership_created = target is None
        result.budget_created = plan.budget is None
        if result.errors or dry_run:
            return result
        result.partnership = apply_plan(plan, user=user)
    return result
