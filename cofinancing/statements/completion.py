"""What a company statement's signing does to it (docs/rules.md §23): everyone signed, so
the contributions it lists are certified by it; a signer declined, naming the lines they
dispute."""

import re

from django.db import transaction

from cofinancing.models import (
    Budget,
    CompanyStatement,
    Contribution,
    ContributionStatus,
    StatementStatus,
)
from cofinancing.services.contributions import lock_budget


def certify(statement: CompanyStatement, *, user) -> int:
    """Everyone signed: the contributions the statement lists that are still realised are
    certified by it, under the budget's lock. Run once (the kind's completion)."""
    with transaction.atomic():
        budget = Budget.objects.get(partnership_id=statement.partnership_id)
        lock_budget(budget)
        current = CompanyStatement.objects.get(pk=statement.pk)
        if current.status == StatementStatus.SIGNED:
            return 0
        count = 0
        for contribution in current.contributions.filter(status=ContributionStatus.REALISED):
            contribution.status = ContributionStatus.CERTIFIED
            contribution.certified_by = current
            contribution._change_reason = f"certified by statement {current.number}"
            contribution._history_user = user
            contribution.save(update_fields=["status", "certified_by"])
            count += 1
        CompanyStatement.objects.filter(pk=current.pk).update(status=StatementStatus.SIGNED)
    return count


NUMBER = re.compile(r"\d+")


def record_decline(statement: CompanyStatement, *, reason: str, disputed: str) -> None:
    """A signer declined: the reason, and the lines they dispute (by the numbers they named;
    the text itself stays in the request's decline details)."""
    numbers = {int(n) for n in NUMBER.findall(disputed or "")}
    codes = [line["code"] for line in statement.lines if line["number"] in numbers]
    CompanyStatement.objects.filter(pk=statement.pk).update(
        status=StatementStatus.DECLINED, decline_reason=reason[:2000]
    )
    statement.disputed.set(
        Contribution.objects.filter(partnership_id=statement.partnership_id, code__in=codes)
    )
