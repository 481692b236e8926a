"""Writes on company statements (docs/rules.md §23).

A statement is made from an organisation's realised, not yet certified contributions of a
year (or of the period), numbered 1, 2, … per organisation and year, its lines frozen; its PDF
is rendered in the background and the round sent when it is there (statements.tasks). When
everyone signed, the contributions it lists are certified by it (`certify`, the kind's
completion). A corrected statement (a new number) voids the earlier one: its certification
is undone, with the reason in the contributions' history. A contribution changed while a
statement that lists it is out voids that statement's round, and the leaders are told.
Every write takes the budget's row lock, the one the contribution services take.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cofinancing.models import (
    OUT,
    Budget,
    CompanyStatement,
    Contribution,
    ContributionStatus,
    StatementStatus,
)
from cofinancing.selectors.summary import COUNTED
from cofinancing.services.contributions import lock_budget
from cofinancing.services.statement_voiding import void_statement
from cofinancing.statements.lines import lines_hash, lines_total, statement_lines
from cofinancing.statements.signers import choose_signers, signatories_by_organisation
from partners.models import Organisation


@dataclass
class SendResult:
    made: list = field(default_factory=list)  # CompanyStatement
    refused: list = field(default_factory=list)  # (Organisation, reason)
    already: list = field(default_factory=list)  # Organisation with a statement out


def uncertified(*, partnership, year: int | None):
    """The realised, not yet certified contributions that count, of business organisations,
    that no statement out for signing lists (one certification per contribution, whether by
    a year's statement or the period's)."""
    out = CompanyStatement.contributions.through.objects.filter(
        contribution_id=OuterRef("pk"), companystatement__status__in=OUT
    )
    rows = Contribution.objects.filter(
        COUNTED,
        partnership=partnership,
        status=ContributionStatus.REALISED,
        organisation__counts_as_business=True,
    ).exclude(Exists(out))
    return rows if year is None else rows.filter(year=year)


def _check_year(budget: Budget, year: int | None) -> None:
    if year is not None and year not in budget.scheme.years:
        raise ValidationError(
            _("%(year)s is not a year of %(scheme)s.")
            % {"year": year, "scheme": budget.scheme.name},
            code="year",
        )


def _enqueue(pk: int) -> None:
    from cofinancing.statements.tasks import render_company_statement

    render_company_statement.enqueue(pk)


def statements_send(
    *,
    budget: Budget,
    year: int | None,
    user,
    deadline: datetime,
    organisations=None,
    replace_reason: str = "",
) -> SendResult:
    """Make and send a statement to every business organisation with realised, uncertified
    contributions of `year` (or only to `organisations`): the rows and their lines in bulk,
    the renders queued after commit, each round sent when its PDF is there. Organisations
    without a valid signatory are refused with the reason; those with a statement out are
    left alone, unless `replace_reason` is given (a corrected statement: the earlier one is
    voided with it)."""
    partnership = budget.partnership
    _check_year(budget, year)
    if deadline <= timezone.now():
        raise ValidationError(_("The deadline must be in the future."))
    result = SendResult()
    with transaction.atomic():
        lock_budget(budget)
        contributions = uncertified(partnership=partnership, year=year).select_related("activity")
        if organisations is not None:
            contributions = contributions.filter(organisation__in=list(organisations))
        by_organisation: dict[int, list[Contribution]] = {}
        for contribution in contributions.order_by("organisation_id", "pk"):
            by_organisation.setdefault(contribution.organisation_id, []).append(contribution)
        orgs = Organisation.objects.filter(pk__in=by_organisation).order_by("name", "pk")
        out = list(
            CompanyStatement.objects.filter(
                partnership=partnership, year=year, status__in=OUT, organisation__in=orgs
            )
        )
        if replace_reason:
            for statement in out:
                void_statement(statement, user=user, reason=replace_reason)
            out = []
        out_ids = {s.organisation_id for s in out}
        numbers = dict(
            CompanyStatement.objects.filter(partnership=partnership, year=year)
            .values_list("organisation_id")
            .annotate(last=Max("number"))
            .order_by()
        )
        signatories = signatories_by_organisation(partnership=partnership, organisations=orgs)
        rate = budget.scheme.default_hourly_rate
        now = timezone.now()
        rows = []
        for organisation in orgs:
            if organisation.pk in out_ids:
                result.already.append(organisation)
                continue
            lines = statement_lines(by_organisation[organisation.pk], default_rate=rate)
            total = lines_total(lines)
            choice = choose_signers(organisation, signatories.get(organisation.pk, []), total)
            if not choice.valid:
                result.refused.append((organisation, choice.reason))
                continue
            statement = CompanyStatement(
                partnership=partnership,
                organisation=organisation,
                year=year,
                number=numbers.get(organisation.pk, 0) + 1,
                lines=lines,
                snapshot_sha256=lines_hash(lines),
                total=total,
                send_deadline=deadline,
                render_requested_at=now,
                created_by=user,
            )
            rows.append((statement, by_organisation[organisation.pk]))
        made = CompanyStatement.objects.bulk_create([statement for statement, _c in rows])
        Through = CompanyStatement.contributions.through
        Through.objects.bulk_create(
            Through(companystatement_id=statement.pk, contribution_id=contribution.pk)
            for statement, items in zip(made, (items for _s, items in rows), strict=True)
            for contribution in items
        )
        for statement in made:
            transaction.on_commit(partial(_enqueue, statement.pk))
        result.made = made
    return result


def statement_correct(
    *, budget: Budget, statement: CompanyStatement, user, deadline: datetime, reason: str
) -> SendResult:
    """A corrected statement for the statement's organisation and year: the earlier one is
    voided (a signed one's certification undone) with `reason`, and a new number is made
    from what is realised now."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the statement is corrected.")})
    with transaction.atomic():
        lock_budget(budget)
        for earlier in CompanyStatement.objects.filter(
            organisation_id=statement.organisation_id,
            year=statement.year,
            status__in=(*OUT, StatementStatus.SIGNED),
        ):
            void_statement(earlier, user=user, reason=reason)
        return statements_send(
            budget=budget,
            year=statement.year,
            user=user,
            deadline=deadline,
            organisations=[statement.organisation_id],
        )


def statement_void(*, budget: Budget, statement: CompanyStatement, user, reason: str) -> None:
    """Void a statement with a reason: its round is voided, a signed one's certification is
    undone (the contributions are realised again, the reason in their history)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the statement is voided.")})
    with transaction.atomic():
        lock_budget(budget)
        current = CompanyStatement.objects.get(pk=statement.pk)
        if current.status == StatementStatus.VOIDED:
            raise ValidationError(_("This statement is already voided."))
        void_statement(current, user=user, reason=reason)


def statement_render_again(*, statement: CompanyStatement) -> bool:
    """Ask again for the PDF of a statement not yet sent whose rendering failed or is stuck
    ("make again", as for the annual statement): when it comes, the round is sent. False,
    and nothing done, when it has its PDF by now; refused for a statement no longer waiting
    to be sent, and (code "rendering") while the rendering is under way and not yet past its
    time limit, so a double click asks once."""
    from cofinancing.statements.recovery import renders

    if statement.status != StatementStatus.MADE:
        raise ValidationError(_("Only a statement not yet sent can be made again."), code="status")
    return renders.ask_again(
        statement,
        still_rendering=_(
            "The statement is still being made; it can be made again if that takes too long."
        ),
    )
