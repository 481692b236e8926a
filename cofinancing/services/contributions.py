"""Writes on contributions, valued by cofinancing/valuation.py."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from cofinancing.machines import MachineClaim, claim_errors, life_errors, machine_key
from cofinancing.models import (
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    Budget,
    Contribution,
    ContributionStatus,
)
from cofinancing.services.evidence import has_evidence_error, refuse_delete_with_evidence
from cofinancing.valuation import (
    AMOUNT_KINDS,
    DEPRECIATION,
    HUNDRED,
    LABOUR,
    ROOM,
    ValuationError,
    ValuationInput,
    value_of,
)
from sterk.money import ZERO

# The inputs each kind uses; the others are cleared so a changed kind leaves no stale input.
INPUTS = {
    "money": ("amount",),
    "material": ("amount",),
    "lease": ("amount",),
    LABOUR: ("hours", "hourly_rate", "rate_justification"),
    ROOM: ("units", "unit_price"),
    DEPRECIATION: (
        "acquisition_value", "residual_value", "life_months", "months_used", "project_share",
        "machine_id", "life_justification",
    ),
}  # fmt: skip
ALL_INPUTS = sorted({name for names in INPUTS.values() for name in names})
TEXT_INPUTS = {"rate_justification", "machine_id", "life_justification"}
assert set(AMOUNT_KINDS) <= set(INPUTS)


def certified_error() -> ValidationError:
    return ValidationError(
        _(
            "This is confirmed by a signed statement of the company; it can no longer be "
            "changed. If it is wrong, the company signs a new statement."
        ),
        code="certified",
    )


def refuse_certified(contribution: Contribution) -> None:
    if contribution.status == ContributionStatus.CERTIFIED:
        raise certified_error()


def valuation_input(kind: str, fields: dict) -> ValuationInput:
    used = INPUTS.get(kind, ())
    return ValuationInput(
        kind=kind,
        **{
            name: fields.get(name)
            for name in ValuationInput.__dataclass_fields__
            if name != "kind" and name in used
        },
    )


def contribution_value(*, budget: Budget, kind: str, fields: dict):
    """The value of a contribution with these inputs, or ValidationError naming the fields."""
    try:
        return value_of(
            valuation_input(kind, fields), default_rate=budget.scheme.default_hourly_rate
        )
    except ValuationError as error:
        raise ValidationError(
            {field: [str(m) for m in messages] for field, messages in error.errors.items()}
        ) from None


def _check(*, budget: Budget, partnership, organisation, activity, year):
    errors = {}
    if organisation is None or organisation.partnership_id != partnership.pk:
        errors["organisation"] = _("Choose an organisation of this partnership.")
    if activity is not None and activity.partnership_id != partnership.pk:
        errors["activity"] = _("Choose an activity of this partnership.")
    scheme = budget.scheme
    if year is None or not scheme.start_year <= year <= scheme.end_year:
        errors["year"] = _("Choose a year of the scheme: %(first)s to %(last)s.") % {
            "first": scheme.start_year,
            "last": scheme.end_year,
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contribution_save(
    *, budget: Budget, user, contribution: Contribution | None = None, **fields
) -> Contribution:
    """Create or change a contribution; its value is computed here, never typed in.

    `fields` are the model fields (organisation, activity, year, kind, description, status,
    other_funding and the inputs). Inputs another kind does not use are cleared.
    """
    if contribution is not None:
        refuse_certified(contribution)
    if fields.get("status") == ContributionStatus.CERTIFIED:
        raise ValidationError(
            {
                "status": _(
                    "A contribution is certified by the company's signed statement, not by "
                    "entering it."
                )
            }
        )
    partnership = budget.partnership
    kind = fields["kind"]
    realised = contribution is not None and contribution.realised_quantity is not None
    if realised and kind != contribution.kind:
        # The realised quantity counts in the units of its kind (docs/rules.md §20).
        raise ValidationError(
            {"kind": _("Undo the realisation before changing the kind of contribution.")}
        )
    _check(
        budget=budget,
        partnership=partnership,
        organisation=fields.get("organisation"),
        activity=fields.get("activity"),
        year=fields.get("year"),
    )
    value = contribution_value(budget=budget, kind=kind, fields=fields)
    created = contribution is None
    if contribution is None:
        contribution = Contribution(partnership=partnership, created_by=user)
    used = INPUTS.get(kind, ())
    for name, given in fields.items():
        if name in ALL_INPUTS and name not in used:
            continue
        setattr(contribution, name, given)
    for name in ALL_INPUTS:
        if name not in used:
            setattr(contribution, name, "" if name in TEXT_INPUTS else None)
    if kind == LABOUR and contribution.hourly_rate is None:
        # Store the rate the value was computed with, so value and inputs always agree.
        contribution.hourly_rate = budget.scheme.default_hourly_rate
    contribution.value = value
    _default_realisation(budget, contribution)
    if kind == DEPRECIATION:
        contribution.machine_id = " ".join(contribution.machine_id.split())
        machine_guard(budget=budget, contribution=contribution)
    contribution.full_clean(exclude=["partnership", "created_by"])
    contribution.save()
    if contribution.pk and not created:
        statements_out_changed([contribution.pk], user=user, what=_("edited"))
    return contribution


def realised_by_default(year: int) -> datetime.date:
    """The date of a realisation nobody gave a date for: the end of its year, or today while
    that year is still running (a realisation is never in the future)."""
    return min(datetime.date(year, 12, 31), timezone.localdate())


def _default_realisation(budget: Budget, contribution: Contribution) -> None:
    """A contribution marked realised without a realisation is realised as pledged, by the
    end of its year (docs/rules.md §20, as the import does); one not realised has none."""
    if contribution.status not in REALISED_AND_UP:
        contribution.realised_on = contribution.realised_quantity = None
        contribution.realised_value = None
    elif contribution.realised_value is None:
        contribution.realised_on = realised_by_default(contribution.year)
        contribution.realised_quantity = contribution.quantity
        contribution.realised_value = contribution.value


def machine_claim(contribution: Contribution, organisation_name: str) -> MachineClaim:
    """The months a depreciation contribution claims: what was used once it is realised,
    else what was pledged."""
    months = contribution.months_used
    if contribution.status in REALISED_AND_UP and contribution.realised_quantity is not None:
        months = contribution.realised_quantity
    share = contribution.project_share
    return MachineClaim(
        reference=str(contribution.code) if contribution.pk else "",
        label=f"{organisation_name}: {contribution.description} ({contribution.year})",
        machine=machine_key(contribution.machine_id),
        year=contribution.year,
        months=Decimal(months or 0),
        share=HUNDRED if share is None else share,
        life=contribution.life_months or 0,
        acquisition=contribution.acquisition_value,
        residual=contribution.residual_value or ZERO,
    )


def machine_claims(*, partnership, machine_id: str, exclude_pk=None) -> list[MachineClaim]:
    """The claims on one machine that count (not cancelled), one query."""
    others = (
        Contribution.objects.filter(
            partnership=partnership,
            kind=DEPRECIATION,
            status__in=PLEDGED_AND_UP,
            machine_id__iexact=machine_key(machine_id),
        )
        .exclude(pk=exclude_pk)
        .select_related("organisation")
        .order_by("year", "pk")
    )
    return [machine_claim(other, other.organisation.name) for other in others]


def machine_guard(*, budget: Budget, contribution: Contribution) -> None:
    """Refuse a depreciation that claims a machine beyond a year or its life, or with a life
    shortened to the project (cofinancing/machines.py). Takes the budget's row lock, so two
    claims on one machine are checked one after the other, whichever way they come in."""
    if not contribution.machine_id.strip():
        raise ValidationError(
            {
                "machine_id": _(
                    "Give the machine's serial or inventory number: the months claimed for "
                    "one machine are added up over all contributions."
                )
            }
        )
    errors = life_errors(
        life=contribution.life_months,
        year=contribution.year,
        end_year=budget.scheme.end_year,
        justification=contribution.life_justification,
    )
    if contribution.status in PLEDGED_AND_UP:
        lock_budget(budget)
        claim = machine_claim(contribution, contribution.organisation.name)
        others = machine_claims(
            partnership=budget.partnership_id,
            machine_id=contribution.machine_id,
            exclude_pk=contribution.pk,
        )
        errors |= claim_errors(claim, others)
    if errors:
        raise ValidationError(errors)


def statements_out_changed(contribution_ids, *, user, what: str) -> None:
    """A statement out for signing that lists one of these is voided (one query when none)."""
    from cofinancing.services.statement_voiding import contributions_changed

    contributions_changed(contribution_ids, user=user, what=what)


def lock_budget(budget: Budget) -> None:
    """The row lock that puts the partnership's guarded writes one after the other."""
    Budget.objects.select_for_update().filter(pk=budget.pk).values_list("pk").first()


def contribution_delete(*, contribution: Contribution) -> None:
    """Delete a contribution; never a certified one (its statement refers to it), nor one
    with evidence files (ValidationError)."""
    refuse_certified(contribution)
    with transaction.atomic():
        refuse_delete_with_evidence(contribution)
        statements_out_changed([contribution.pk], user=None, what=_("deleted"))
        try:
            contribution.delete()
        except ProtectedError:  # evidence was added meanwhile
            raise has_evidence_error() from None
