"""Writes on the multi-year budget: its scheme, cost lines and funding lines.

By docs/rules.md §3 and §9: every cost line is price × quantity, rounded to the cent
(ROUND_HALF_UP) once and stored, so totals are sums in SQL; funding lines are amounts.
Refused: negative or absurd amounts (over € 100 million), a year outside the scheme, an
activity of another partnership, a cost line not eligible without its reason (§20).
"""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cofinancing.models import Budget, CostLine, FundingLine, IneligibleReason, Scheme
from cofinancing.selectors.budget import records_outside_years
from cofinancing.services.evidence import has_evidence_error, refuse_delete_with_evidence
from partners.models import Partnership
from sterk.money import MAX_AMOUNT, ZERO, format_euro, round_money


def _year_error(scheme: Scheme) -> str:
    return _("Choose a year of the scheme: %(first)s to %(last)s.") % {
        "first": scheme.start_year,
        "last": scheme.end_year,
    }


@transaction.atomic
def budget_choose_scheme(*, partnership: Partnership, scheme: Scheme) -> Budget:
    """Create the partnership's budget under `scheme`, or move it to another scheme.

    A scheme fixes the years of the budget, so a change is refused while contributions or
    budget lines lie outside the new scheme's years (they would silently drop out of the
    threshold check); the error says how many, and nothing changes.
    """
    budget = Budget.objects.select_for_update().filter(partnership=partnership).first()
    if budget is not None and budget.scheme_id == scheme.pk:
        return budget
    outside = records_outside_years(
        partnership=partnership, first=scheme.start_year, last=scheme.end_year
    )
    if any(outside.values()):
        raise ValidationError(
            {
                "scheme": _(
                    "%(scheme)s covers %(first)s to %(last)s, but %(what)s lie outside those "
                    "years. Move or delete them first; nothing was changed."
                )
                % {
                    "scheme": scheme.name,
                    "first": scheme.start_year,
                    "last": scheme.end_year,
                    "what": _outside_text(outside),
                }
            },
            code="outside_years",
        )
    if budget is None:
        return Budget.objects.create(partnership=partnership, scheme=scheme)
    budget.scheme = scheme
    budget.save(update_fields=["scheme"])
    return budget


def _outside_text(outside: dict[str, int]) -> str:
    texts = {
        "contributions": lambda n: ngettext("%(count)s contribution", "%(count)s contributions", n),
        "cost_lines": lambda n: ngettext("%(count)s cost line", "%(count)s cost lines", n),
        "funding_lines": lambda n: ngettext("%(count)s funding line", "%(count)s funding lines", n),
    }
    return ", ".join(
        texts[name](count) % {"count": count} for name, count in outside.items() if count
    )


def _check_line(*, budget: Budget, year, activity=None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    scheme = budget.scheme
    if year is None or not scheme.start_year <= year <= scheme.end_year:
        errors["year"] = [_year_error(scheme)]
    if activity is not None and activity.partnership_id != budget.partnership_id:
        errors["activity"] = [_("Choose an activity of this partnership.")]
    return errors


# Passed for what a caller does not change: an existing line keeps it, a new one gets the
# model's default (the import and the demo save lines without their realisation).
UNCHANGED = object()
MAX_TEXT_LENGTH = 2000


def _realisation_errors(
    *, realised_amount, eligible, ineligible_reason, ineligible_note, not_double_financed
) -> dict[str, list[str]]:
    """The realised amount, the eligibility and the texts of a cost line (docs/rules.md §20):
    an amount of 0 or more, a reason when not eligible, a note when the reason is "other"."""
    errors: dict[str, list[str]] = {}
    if realised_amount is not None and not isinstance(realised_amount, Decimal):
        errors["realised_amount"] = [_("Enter an amount, such as 1.234,56.")]
    elif realised_amount is not None and realised_amount < ZERO:
        errors["realised_amount"] = [_("Enter a realised amount of 0 or more.")]
    elif realised_amount is not None and realised_amount > MAX_AMOUNT:
        errors["realised_amount"] = [
            _("Enter an amount of at most %(max)s.") % {"max": format_euro(MAX_AMOUNT)}
        ]
    if not eligible and ineligible_reason not in IneligibleReason.values:
        errors["ineligible_reason"] = [_("Say why the cost is not eligible.")]
    elif not eligible and ineligible_reason == IneligibleReason.OTHER and not ineligible_note:
        errors["ineligible_note"] = [_("Explain the other reason in a note.")]
    for name, text in (
        ("ineligible_note", ineligible_note),
        ("not_double_financed", not_double_financed),
    ):
        if len(text) > MAX_TEXT_LENGTH:
            errors[name] = [
                _("Keep this to at most %(max)s characters.")
                % {"max": f"{MAX_TEXT_LENGTH:,}".replace(",", ".")}
            ]
    return errors


def cost_line_amount(*, unit_price: Decimal, quantity: Decimal) -> Decimal:
    """Price × quantity, rounded to the cent (ROUND_HALF_UP)."""
    return round_money(unit_price * quantity)


@transaction.atomic
def cost_line_save(
    *,
    budget: Budget,
    year: int,
    category: str,
    description: str,
    unit_price: Decimal,
    quantity: Decimal,
    activity=None,
    cost_line: CostLine | None = None,
    realised_amount=UNCHANGED,
    eligible=UNCHANGED,
    ineligible_reason=UNCHANGED,
    ineligible_note=UNCHANGED,
    not_double_financed=UNCHANGED,
) -> CostLine:
    """Create or change a cost line; its amount is computed here, never typed in.

    Its realisation (realised amount, eligible or why not, a note) and why it is not
    double-financed are kept as they are when not given."""
    given = {
        "realised_amount": realised_amount,
        "eligible": eligible,
        "ineligible_reason": ineligible_reason,
        "ineligible_note": ineligible_note,
        "not_double_financed": not_double_financed,
    }
    current = cost_line or CostLine()
    realisation = {
        name: getattr(current, name) if value is UNCHANGED else value
        for name, value in given.items()
    }
    for name in ("ineligible_reason", "ineligible_note", "not_double_financed"):
        realisation[name] = (realisation[name] or "").strip()
    if realisation["eligible"]:
        realisation["ineligible_reason"] = realisation["ineligible_note"] = ""
    errors = _check_line(budget=budget, year=year, activity=activity)
    errors |= _realisation_errors(**realisation)
    if (
        realisation["realised_amount"] is not None
        and "realised_amount" not in errors
        and realised_amount is not UNCHANGED
        and isinstance(year, int)
        and year > timezone.localdate().year
    ):
        errors["realised_amount"] = [
            _("A cost of %(year)s is realised from %(year)s on: leave this empty until then.")
            % {"year": year}
        ]
    if unit_price is None or unit_price < ZERO:
        errors["unit_price"] = [_("Enter a price of 0 or more.")]
    elif unit_price > MAX_AMOUNT:
        errors["unit_price"] = [
            _("Enter a price of at most %(max)s.") % {"max": format_euro(MAX_AMOUNT)}
        ]
    if quantity is None or quantity < ZERO:
        errors["quantity"] = [_("Enter a quantity of 0 or more.")]
    if not errors:
        amount = cost_line_amount(unit_price=unit_price, quantity=quantity)
        if amount > MAX_AMOUNT:
            errors[NON_FIELD_ERRORS] = [
                _("Price × quantity is %(amount)s: a line may be at most %(max)s.")
                % {"amount": format_euro(amount), "max": format_euro(MAX_AMOUNT)}
            ]
    if errors:
        raise ValidationError(errors)
    if cost_line is None:
        cost_line = CostLine(partnership=budget.partnership)
    cost_line.year = year
    cost_line.category = category
    cost_line.description = description
    cost_line.unit_price = unit_price
    cost_line.quantity = quantity
    cost_line.amount = amount
    cost_line.activity = activity
    for name, value in realisation.items():
        setattr(cost_line, name, value)
    cost_line.full_clean(exclude=["partnership"])
    cost_line.save()
    return cost_line


def cost_line_delete(*, cost_line: CostLine) -> None:
    """Delete a cost line; one with evidence files is refused (ValidationError)."""
    with transaction.atomic():
        refuse_delete_with_evidence(cost_line)
        try:
            cost_line.delete()
        except ProtectedError:  # evidence was added meanwhile
            raise has_evidence_error() from None


@transaction.atomic
def funding_line_save(
    *,
    budget: Budget,
    year: int,
    source: str,
    description: str,
    amount: Decimal,
    funding_line: FundingLine | None = None,
) -> FundingLine:
    """Create or change a funding line: an amount above 0 and at most € 100 million."""
    errors = _check_line(budget=budget, year=year)
    if amount is None or amount <= ZERO:
        errors["amount"] = [_("Enter an amount above 0.")]
    elif amount > MAX_AMOUNT:
        errors["amount"] = [
            _("Enter an amount of at most %(max)s.") % {"max": format_euro(MAX_AMOUNT)}
        ]
    if errors:
        raise ValidationError(errors)
    if funding_line is None:
        funding_line = FundingLine(partnership=budget.partnership)
    funding_line.year = year
    funding_line.source = source
    funding_line.description = description
    funding_line.amount = amount
    funding_line.full_clean(exclude=["partnership"])
    funding_line.save()
    return funding_line


def funding_line_delete(*, funding_line: FundingLine) -> None:
    funding_line.delete()
