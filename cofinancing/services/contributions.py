"""Writes on contributions, valued by cofinancing/valuation.py."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from cofinancing.models import Budget, Contribution
from cofinancing.services.evidence import has_evidence_error, refuse_delete_with_evidence
from cofinancing.valuation import (
    AMOUNT_KINDS,
    DEPRECIATION,
    LABOUR,
    ROOM,
    ValuationError,
    ValuationInput,
    value_of,
)

# The inputs each kind uses; the others are cleared so a changed kind leaves no stale input.
INPUTS = {
    "money": ("amount",),
    "material": ("amount",),
    "lease": ("amount",),
    LABOUR: ("hours", "hourly_rate", "rate_justification"),
    ROOM: ("units", "unit_price"),
    DEPRECIATION: (
        "acquisition_value", "residual_value", "life_months", "months_used", "project_share",
        "machine_id",
    ),
}  # fmt: skip
ALL_INPUTS = sorted({name for names in INPUTS.values() for name in names})
TEXT_INPUTS = {"rate_justification", "machine_id"}
assert set(AMOUNT_KINDS) <= set(INPUTS)


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
    partnership = budget.partnership
    kind = fields["kind"]
    _check(
        budget=budget,
        partnership=partnership,
        organisation=fields.get("organisation"),
        activity=fields.get("activity"),
        year=fields.get("year"),
    )
    value = contribution_value(budget=budget, kind=kind, fields=fields)
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
    contribution.full_clean(exclude=["partnership", "created_by"])
    contribution.save()
    return contribution


def contribution_delete(*, contribution: Contribution) -> None:
    """Delete a contribution; one with evidence files is refused (ValidationError)."""
    with transaction.atomic():
        refuse_delete_with_evidence(contribution)
        try:
            contribution.delete()
        except ProtectedError:  # evidence was added meanwhile
            raise has_evidence_error() from None
