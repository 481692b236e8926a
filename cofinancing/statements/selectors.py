"""Reads of company statements (docs/rules.md §23): the board of a year, in a fixed number
of queries however many organisations."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Sum
from django.utils.translation import gettext as _

from cofinancing.models import CompanyStatement, Contribution, StatementStatus
from cofinancing.statements.recovery import is_stuck
from cofinancing.statements.services import uncertified
from partners.models import Organisation
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound

# The states of the board, in its order.
STATES = ("not_sent", "rendering", "sent", "opened", "signed", "declined", "expired", "voided")


@dataclass
class Row:
    organisation: object
    state: str
    statement: CompanyStatement | None = None
    signing_round: SigningRound | None = None
    requests: list = field(default_factory=list)
    count: int = 0
    total: object = None
    note: str = ""

    @property
    def can_render_again(self) -> bool:
        """Made, without its PDF, and failed or stuck: a leader may have it made again."""
        return can_render_again(self.statement)


def can_render_again(statement) -> bool:
    return (
        statement is not None
        and statement.status == StatementStatus.MADE
        and not statement.pdf_sha256
        and (bool(statement.render_error) or is_stuck(statement))
    )


def _state(statement: CompanyStatement, signing_round, requests) -> tuple[str, str]:
    if statement.status == StatementStatus.VOIDED:
        return "voided", statement.void_reason
    if statement.status == StatementStatus.SIGNED:
        return "signed", ""
    if statement.status == StatementStatus.DECLINED:
        return "declined", statement.decline_reason
    if statement.status == StatementStatus.MADE:
        if statement.send_error:
            return "not_sent", statement.send_error
        if statement.render_error:
            return "not_sent", statement.render_error
        if not statement.pdf_sha256 and is_stuck(statement):
            return "not_sent", _("Making the PDF takes too long; Sterk tries again by itself.")
        return "rendering", ""
    if signing_round is not None and signing_round.status == RoundStatus.COMPLETED:
        return "signed", ""
    if signing_round is not None and signing_round.status == RoundStatus.VOIDED:
        return "voided", signing_round.void_reason
    statuses = {r.status for r in requests}
    if RequestStatus.EXPIRED in statuses:
        return "expired", ""
    if any(r.opened_at for r in requests):
        return "opened", ""
    return "sent", ""


def year_statements(*, partnership, year: int | None):
    """The statements of a year (or the period), newest number first per organisation, with
    their rounds, requests and disputed contributions: four queries."""
    rounds = SigningRound.objects.order_by("-sent_at", "-pk").prefetch_related(
        Prefetch("requests", queryset=SignatureRequest.objects.order_by("step", "name", "pk"))
    )
    statements = (
        CompanyStatement.objects.filter(partnership=partnership, year=year)
        .select_related("organisation", "document")
        .prefetch_related(
            Prefetch("document__rounds", queryset=rounds),
            Prefetch("disputed", queryset=Contribution.objects.order_by("pk")),
        )
        .order_by("organisation__name", "organisation_id", "-number")
    )
    return list(statements)


def round_of(statement):
    if statement.document is None:
        return None
    rounds = list(statement.document.rounds.all())
    return rounds[0] if rounds else None


def board(*, partnership, year: int | None) -> dict:
    """Every business organisation with realised, uncertified contributions or a statement of
    the year: its current statement and state; the earlier (voided) numbers after it."""
    statements = year_statements(partnership=partnership, year=year)
    waiting = {
        row["organisation_id"]: row
        for row in uncertified(partnership=partnership, year=year)
        .values("organisation_id")
        .annotate(count=Count("pk"), total=Sum("realised_value"))
        .order_by()
    }
    rows, seen, earlier = [], set(), []
    for statement in statements:
        signing_round = round_of(statement)
        requests = list(signing_round.requests.all()) if signing_round else []
        state, note = _state(statement, signing_round, requests)
        row = Row(
            organisation=statement.organisation,
            state=state,
            statement=statement,
            signing_round=signing_round,
            requests=requests,
            count=len(statement.lines),
            total=statement.total,
            note=note,
        )
        if statement.organisation_id in seen:
            earlier.append(row)
            continue
        seen.add(statement.organisation_id)
        (earlier if state == "voided" else rows).append(row)
        if state in ("voided", "signed") and statement.organisation_id in waiting:
            # Realised (again) since: the organisation needs a new statement.
            rows.append(_waiting_row(statement.organisation, waiting[statement.organisation_id]))
    missing = set(waiting) - seen
    if missing:
        for organisation in Organisation.objects.filter(pk__in=missing).order_by("name", "pk"):
            rows.append(_waiting_row(organisation, waiting[organisation.pk]))
    rows.sort(key=lambda r: (r.organisation.name, r.organisation.pk))
    counts = {state: 0 for state in STATES}
    for row in rows:
        counts[row.state] += 1
    return {"rows": rows, "earlier": earlier, "counts": counts}


def _waiting_row(organisation, facts) -> Row:
    return Row(
        organisation=organisation,
        state="not_sent",
        count=facts["count"],
        total=facts["total"],
    )


def disputed_lines(*, partnership, year: int | None) -> list:
    """The contributions a declined statement of the year (or of any year, for the period)
    disputes, with that statement: one query."""
    rows = CompanyStatement.disputed.through.objects.filter(
        companystatement__partnership=partnership,
        companystatement__status=StatementStatus.DECLINED,
    ).select_related("companystatement__organisation", "contribution")
    if year is not None:
        rows = rows.filter(companystatement__year=year)
    return list(rows.order_by("companystatement__organisation__name", "contribution_id"))


def statements_of(contribution) -> list[CompanyStatement]:
    """The statements that list a contribution, newest first, each marked `is_disputed`:
    one query."""
    disputes = CompanyStatement.disputed.through.objects.filter(
        companystatement_id=OuterRef("pk"), contribution_id=contribution.pk
    )
    return list(
        CompanyStatement.objects.filter(contributions=contribution)
        .annotate(is_disputed=Exists(disputes))
        .order_by("-created_at", "-pk")
    )
