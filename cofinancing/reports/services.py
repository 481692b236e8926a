"""Writes on annual statements (docs/rules.md §22): asking for one, and asking again for
one whose rendering failed or got stuck. A statement is made from the data at the moment
it is rendered and never changes afterwards; asking again for a year makes a new one."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cofinancing.models import AnnualStatement, Budget


def statement_create(*, partnership, budget: Budget, year: int | None, user) -> AnnualStatement:
    """A new statement of `year` (None: the whole period), rendered after commit. Refused
    for a year outside the scheme."""
    from cofinancing.reports.tasks import render_statement

    if year is not None and year not in budget.scheme.years:
        raise ValidationError(
            _("%(year)s is not a year of %(scheme)s.")
            % {"year": year, "scheme": budget.scheme.name},
            code="year",
        )
    with transaction.atomic():
        statement = AnnualStatement.objects.create(
            partnership=partnership,
            year=year,
            created_by=user,
            render_requested_at=timezone.now(),
        )
        # After commit: a worker (database backend) must find the row it is asked to render.
        transaction.on_commit(partial(render_statement.enqueue, statement.pk))
    return statement


def statement_render_again(*, statement: AnnualStatement) -> bool:
    """Ask again for the files of a statement whose rendering failed or is stuck. False, and
    nothing done, when it has its files by now; refused (code "rendering") while the
    rendering is under way and not yet past its time limit, so a double click asks once."""
    from cofinancing.reports.recovery import renders

    return renders.ask_again(
        statement,
        still_rendering=_(
            "The statement is still being made; it can be made again if that takes too long."
        ),
    )
