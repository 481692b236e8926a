"""Realising, un-realising and cancelling a contribution (docs/rules.md §20).

Realising records what was actually given beside the pledge, never over it: the date, the
realised quantity (the hours given, the units, the months the machine was used, or the
amount for money, material and lease) and its value, by the same rules as the pledge with
the realised quantity in place of the pledged one (cofinancing/valuation.py; labour at the
contribution's own rate). A certified contribution (confirmed by the company's signed
statement) is never changed here. Every write takes the budget's row lock, so it is
checked against the state it changes, also when the same form is posted twice.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cofinancing.models import (
    REALISED_AND_UP,
    STILL_PLEDGED,
    Budget,
    Contribution,
    ContributionStatus,
)
from cofinancing.services.contributions import (
    INPUTS,
    lock_budget,
    machine_guard,
    refuse_certified,
    statements_out_changed,
    valuation_input,
)
from cofinancing.valuation import (
    DEPRECIATION,
    QUANTITY_FIELD,
    ValuationError,
    is_sentence,
    realised_input,
    value_of,
)
from sterk.money import CENT

MAX_REASON_LENGTH = 2000


def _locked(budget: Budget, contribution: Contribution) -> Contribution:
    """The contribution as stored now, read after the budget's lock is taken."""
    lock_budget(budget)
    return (
        Contribution.objects.select_related("organisation")
        .filter(partnership=budget.partnership_id)
        .get(pk=contribution.pk)
    )


def _quantity(value) -> Decimal:
    """A Decimal from what was typed or given; ValidationError when it is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(
            {"realised_quantity": _("Enter what was actually given.")}, code="required"
        )
    if isinstance(value, (bool, float)):
        raise ValidationError({"realised_quantity": _("Enter a number, such as 12 or 12,5.")})
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({"realised_quantity": _("Enter a number, such as 12 or 12,5.")})
    if number <= 0:
        raise ValidationError({"realised_quantity": _("Enter a quantity above zero.")})
    if number != number.quantize(CENT):
        raise ValidationError({"realised_quantity": _("Enter at most two decimals.")})
    return number


def _check_date(*, budget: Budget, realised_on, today: datetime.date) -> None:
    scheme = budget.scheme
    if not isinstance(realised_on, datetime.date) or isinstance(realised_on, datetime.datetime):
        raise ValidationError({"realised_on": _("Enter the date it was given.")}, code="required")
    if not scheme.start_year <= realised_on.year <= scheme.end_year:
        raise ValidationError(
            {
                "realised_on": _(
                    "Enter a date in the scheme's period: 1 January %(first)s to "
                    "31 December %(last)s."
                )
                % {"first": scheme.start_year, "last": scheme.end_year}
            }
        )
    if realised_on > today:
        raise ValidationError(
            {
                "realised_on": _(
                    "A contribution is realised once it was given: enter a date up to today."
                )
            }
        )


def realised_value(*, budget: Budget, contribution: Contribution, quantity: Decimal) -> Decimal:
    """The value of `contribution` with `quantity` in place of its pledged quantity, by the
    rules of the pledge (cofinancing/valuation.py); ValidationError naming
    `realised_quantity`, or the whole form for an input of the pledge that no longer
    passes."""
    kind = contribution.kind
    name = QUANTITY_FIELD[kind]
    fields = {field: getattr(contribution, field) for field in INPUTS[kind]}
    try:
        item = realised_input(valuation_input(kind, fields), quantity)
        return value_of(item, default_rate=budget.scheme.default_hourly_rate)
    except ValuationError as error:
        raise ValidationError(
            {
                ("realised_quantity" if field == name else NON_FIELD_ERRORS): [
                    str(message) for message in messages
                ]
                for field, messages in error.errors.items()
            }
        ) from None


@transaction.atomic
def contribution_realise(
    *,
    budget: Budget,
    contribution: Contribution,
    user,
    realised_on: datetime.date,
    realised_quantity,
    today: datetime.date | None = None,
) -> Contribution:
    """Record that the contribution was given: date, quantity and value in their own fields;
    status → realised. Realising a realised one again corrects its realisation; the same
    values again change nothing. Refused for a certified or cancelled contribution, a date
    outside the scheme's period or after today (Europe/Amsterdam), a quantity that is not a
    number above zero or passes the limits of its kind, and a machine's months that the
    other claims on it leave no room for (cofinancing/machines.py)."""
    today = today or timezone.localdate()
    current = _locked(budget, contribution)
    refuse_certified(current)
    if current.status == ContributionStatus.CANCELLED:
        raise ValidationError(
            _("This contribution is cancelled; a cancelled contribution is not realised."),
            code="cancelled",
        )
    quantity = _quantity(realised_quantity)
    _check_date(budget=budget, realised_on=realised_on, today=today)
    if realised_on.year != current.year:
        raise ValidationError(
            {
                "realised_on": _(
                    "This is a contribution of %(year)s: enter a date in %(year)s, up to today. "
                    "Something given in another year is a contribution of that year."
                )
                % {"year": current.year}
            }
        )
    value = realised_value(budget=budget, contribution=current, quantity=quantity)
    if (
        current.status == ContributionStatus.REALISED
        and current.realised_on == realised_on
        and current.realised_quantity == quantity
        and current.realised_value == value
    ):
        return current  # posted twice: already so
    current.status = ContributionStatus.REALISED
    current.realised_on = realised_on
    current.realised_quantity = quantity
    current.realised_value = value
    if current.kind == DEPRECIATION:
        # The months actually used are checked against the machine's other claims.
        machine_guard(budget=budget, contribution=current)
    current.full_clean(exclude=["partnership", "created_by"])
    current._change_reason = "realised"
    current._history_user = user
    current.save()
    statements_out_changed([current.pk], user=user, what=_("realisation corrected"))
    return current


def _status_before_realising(contribution: Contribution, among=STILL_PLEDGED) -> str:
    """Confirmed when the pledge was confirmed before it was realised, else pledged (or,
    with `among`, the latest of those statuses it had)."""
    previous = (
        contribution.history.filter(status__in=among)
        .order_by("-history_date", "-history_id")
        .values_list("status", flat=True)
        .first()
    )
    return previous or ContributionStatus.PLEDGED


@transaction.atomic
def contribution_unrealise(*, budget: Budget, contribution: Contribution, user) -> Contribution:
    """Undo a realisation: back to confirmed or pledged (what it was before), the realised
    fields cleared. Refused for a certified contribution; nothing happens to one that is
    not realised."""
    current = _locked(budget, contribution)
    refuse_certified(current)
    if current.status not in REALISED_AND_UP:
        return current
    current.status = _status_before_realising(current)
    current.realised_on = None
    current.realised_quantity = None
    current.realised_value = None
    current.full_clean(exclude=["partnership", "created_by"])
    current._change_reason = "realisation undone"
    current._history_user = user
    current.save()
    statements_out_changed([current.pk], user=user, what=_("realisation undone"))
    return current


@transaction.atomic
def contribution_cancel(
    *, budget: Budget, contribution: Contribution, user, reason: str
) -> Contribution:
    """Cancel a contribution, with why in at least a sentence: it then counts nowhere (it
    is outside PLEDGED_AND_UP). Refused for a certified one; the same reason again changes
    nothing."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("Keep the reason to at most %(max)s characters.")
                % {"max": f"{MAX_REASON_LENGTH:,}".replace(",", ".")}
            }
        )
    if not is_sentence(reason):
        raise ValidationError(
            {
                "reason": _(
                    "Say in at least a sentence why the contribution is cancelled, for "
                    "example that the company withdrew its pledge."
                )
            }
        )
    current = _locked(budget, contribution)
    refuse_certified(current)
    if current.status == ContributionStatus.CANCELLED and current.cancel_reason == reason:
        return current
    current.status = ContributionStatus.CANCELLED
    current.cancel_reason = reason
    current.full_clean(exclude=["partnership", "created_by"])
    current._change_reason = "cancelled"
    current._history_user = user
    current.save()
    statements_out_changed([current.pk], user=user, what=_("cancelled"))
    return current


@transaction.atomic
def contribution_reinstate(*, budget: Budget, contribution: Contribution, user) -> Contribution:
    """Undo a cancellation: back to the status it had before (pledged, confirmed or, with
    its realisation kept, realised). Nothing happens to one that is not cancelled."""
    current = _locked(budget, contribution)
    if current.status != ContributionStatus.CANCELLED:
        return current
    among = (*STILL_PLEDGED, ContributionStatus.REALISED)
    status = _status_before_realising(current, among=among)
    if status == ContributionStatus.REALISED and current.realised_value is None:
        status = ContributionStatus.PLEDGED
    current.status = status
    current.cancel_reason = ""
    if current.kind == DEPRECIATION:
        machine_guard(budget=budget, contribution=current)
    current.full_clean(exclude=["partnership", "created_by"])
    current._change_reason = "cancellation undone"
    current._history_user = user
    current.save()
    return current
