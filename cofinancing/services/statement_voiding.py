"""Voiding a company statement (docs/rules.md §23): by a corrected statement, by the leader,
or because a contribution it lists was changed while it was out. Imports no service of
cofinancing, so the contribution services can call `contributions_changed`."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cofinancing.models import (
    OUT,
    CompanyStatement,
    Contribution,
    ContributionStatus,
    StatementStatus,
)
from outbox import services as outbox
from partners.models import Membership, Role
from signing import services as signing
from signing.models import RoundStatus, SigningRound


def void_statement(statement: CompanyStatement, *, user, reason: str) -> None:
    """Under the budget's lock: the round first (its own lock), then the statement."""
    if statement.document_id:
        for signing_round in SigningRound.objects.filter(
            document_id=statement.document_id, status=RoundStatus.OPEN
        ):
            signing.round_void(signing_round, user=user, reason=reason)
    if statement.status == StatementStatus.SIGNED:
        for contribution in Contribution.objects.filter(certified_by=statement):
            contribution.status = ContributionStatus.REALISED
            contribution.certified_by = None
            contribution._change_reason = (
                f"certification by statement {statement.number} voided: {reason}"
            )[:100]
            contribution._history_user = user
            contribution.save(update_fields=["status", "certified_by"])
    CompanyStatement.objects.filter(pk=statement.pk).update(
        status=StatementStatus.VOIDED,
        void_reason=reason[:2000],
        voided_at=timezone.now(),
        voided_by=user,
    )


def contributions_changed(contribution_ids, *, user, what: str) -> int:
    """A contribution listed by a statement that is out was changed (`what`: realised again,
    cancelled, …): that statement is voided with the reason, its round too, and the leaders
    are told. One query when no statement is out. Call under the budget's lock."""
    out = list(
        CompanyStatement.objects.filter(contributions__in=list(contribution_ids), status__in=OUT)
        .select_related("organisation", "partnership")
        .distinct()
    )
    for statement in out:
        with translation.override("nl"):
            reason = _(
                "A contribution it lists was changed (%(what)s); a new statement is needed."
            ) % {"what": what}
        void_statement(statement, user=user, reason=reason)
        _tell_leaders(statement, reason)
    return len(out)


def _tell_leaders(statement: CompanyStatement, reason: str) -> None:
    addresses = Membership.objects.filter(
        partnership_id=statement.partnership_id, role=Role.LEADER
    ).values_list("user__email", flat=True)
    link = settings.SITE_URL + reverse(
        "cofinancing:company-statements",
        kwargs={"slug": statement.partnership.slug, "year": statement.year or "period"},
    )
    with translation.override("nl"):
        text = render_to_string(
            "cofinancing/statements/email/voided.txt",
            {"statement": statement, "reason": reason, "link": link},
        ).strip()
    subject, _sep, body = text.partition("\n")
    outbox.enqueue(
        list(addresses),
        " ".join(subject.split()),
        body.strip() + "\n",
        kind="company_statement_voided",
        about=statement,
        tenant_id=statement.partnership_id,
    )
