"""The value of a contribution, by the rules of docs/rules.md §5 to §7. Pure functions over
Decimals; nothing here touches the database.

Every value is rounded once, to the cent, ROUND_HALF_UP (sterk.money.round_money).
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from sterk.money import MAX_AMOUNT, ZERO, format_euro, round_money, to_decimal

MONEY = "money"
LABOUR = "labour"
MATERIAL = "material"
ROOM = "room"
DEPRECIATION = "depreciation"
LEASE = "lease"
KINDS = (MONEY, LABOUR, MATERIAL, ROOM, DEPRECIATION, LEASE)
IN_KIND = (LABOUR, MATERIAL, ROOM, DEPRECIATION, LEASE)
AMOUNT_KINDS = (MONEY, MATERIAL, LEASE)
# The input that is a contribution's quantity, which realising replaces by what was given
# (docs/rules.md §20): the hours, the units (e.g. dagdelen), the months used, or the amount.
QUANTITY_FIELD = {LABOUR: "hours", ROOM: "units", DEPRECIATION: "months_used"} | dict.fromkeys(
    AMOUNT_KINDS, "amount"
)
MAX_HOURS = Decimal("1000000")
MAX_RATE = Decimal("1000")
MAX_UNITS = Decimal("1000000")
MAX_MONTHS = 1200
MONTHS_IN_YEAR = 12
HUNDRED = Decimal("100")


# A justification is "at least a sentence" (docs/rules.md §5): three words or more, two of
# them with letters, and at least 15 characters. "x" or "zie bijlage" explains nothing.
SENTENCE_WORDS = 3
SENTENCE_CHARACTERS = 15


def is_sentence(text: str) -> bool:
    text = " ".join((text or "").split())
    words = re.findall(r"\w+", text)
    worded = [word for word in words if any(char.isalpha() for char in word)]
    return len(words) >= SENTENCE_WORDS and len(worded) >= 2 and len(text) >= SENTENCE_CHARACTERS


class ValuationError(ValueError):
    """The inputs break a rule; `errors` maps each input field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ValuationInput:
    kind: str
    amount: Decimal | None = None
    hours: Decimal | None = None
    hourly_rate: Decimal | None = None  # None: the scheme's default rate
    rate_justification: str = ""
    units: Decimal | None = None
    unit_price: Decimal | None = None
    acquisition_value: Decimal | None = None
    residual_value: Decimal | None = None  # None: 0
    life_months: int | None = None
    months_used: int | None = None
    project_share: Decimal | None = None  # percent; None: 100


def realised_input(item: "ValuationInput", quantity: Decimal) -> "ValuationInput":
    """The pledge's inputs with the realised quantity in place of the pledged one; valued by
    `value_of` like the pledge (docs/rules.md §20). Months are whole months."""
    name = QUANTITY_FIELD[item.kind]
    quantity = to_decimal(quantity)
    if name == "months_used":
        if quantity != quantity.to_integral_value():
            raise ValuationError({"months_used": [_("Enter whole months.")]})
        quantity = int(quantity)
    return replace(item, **{name: quantity})


def labour_value(hours, rate) -> Decimal:
    """Hours × hourly rate. 30 guest lessons × 3 h × € 50 = € 4,500.00."""
    return round_money(to_decimal(hours) * to_decimal(rate))


def room_value(units, unit_price) -> Decimal:
    """Units × price per unit. 20 dagdelen × € 250 = € 5,000.00."""
    return round_money(to_decimal(units) * to_decimal(unit_price))


def depreciation_value(acquisition, residual, life_months, months_used, share_percent) -> Decimal:
    """(acquisition − residual) ÷ life in months × months used × project share.

    A CNC lathe of € 60,000, life 120 months, used 24 months at 50%: € 6,000.00. Computed
    as one fraction and rounded once, so no intermediate rounding can shift a cent.
    """
    numerator = (
        (to_decimal(acquisition) - to_decimal(residual)) * months_used * to_decimal(share_percent)
    )
    return round_money(numerator / (Decimal(life_months) * HUNDRED))


def amount_value(amount) -> Decimal:
    """Money, material and lease count at the amount paid."""
    return round_money(amount)


def value_of(item: ValuationInput, *, default_rate: Decimal) -> Decimal:
    """Validate the inputs of the contribution's kind and return its value.

    Raises ValuationError listing every broken rule at once.
    """
    errors: dict[str, list[str]] = {}

    def fail(field, message):
        errors.setdefault(field, []).append(message)

    def need(field, value):
        if value is None:
            fail(field, _("This field is required for this kind of contribution."))
        return value

    def amount_in_range(field, value, *, allow_zero=False):
        if value is None:
            return
        if value < 0 or (value == 0 and not allow_zero):
            fail(field, _("Enter an amount above zero."))
        elif value > MAX_AMOUNT:
            fail(field, _("Enter an amount of at most € 100,000,000."))

    kind = item.kind
    if kind not in KINDS:
        raise ValuationError({"kind": [_("Choose one of the kinds of contribution.")]})

    if kind in AMOUNT_KINDS:
        amount_in_range("amount", need("amount", item.amount))
        if errors:
            raise ValuationError(errors)
        return amount_value(item.amount)

    if kind == LABOUR:
        hours = need("hours", item.hours)
        if hours is not None and hours <= 0:
            fail("hours", _("Enter a number of hours above zero."))
        elif hours is not None and hours > MAX_HOURS:
            fail("hours", _("Enter at most 1,000,000 hours."))
        rate = default_rate if item.hourly_rate is None else item.hourly_rate
        if rate <= 0:
            fail("hourly_rate", _("Enter an hourly rate above zero."))
        elif rate > MAX_RATE:
            fail("hourly_rate", _("Enter an hourly rate of at most € 1,000."))
        elif rate != default_rate and not item.rate_justification.strip():
            fail(
                "rate_justification",
                _("A rate other than the scheme's € %(rate)s per hour needs a justification.")
                % {"rate": format_euro(default_rate, symbol=False)},
            )
        elif rate != default_rate and not is_sentence(item.rate_justification):
            fail(
                "rate_justification",
                _(
                    "Explain the rate in at least a sentence: where it comes from, for example "
                    "the salary scale of the collective agreement."
                ),
            )
        if errors:
            raise ValuationError(errors)
        value = labour_value(hours, rate)
    elif kind == ROOM:
        units = need("units", item.units)
        price = need("unit_price", item.unit_price)
        if units is not None and units <= 0:
            fail("units", _("Enter a number of units above zero."))
        elif units is not None and units > MAX_UNITS:
            fail("units", _("Enter at most 1,000,000 units."))
        amount_in_range("unit_price", price)
        if errors:
            raise ValuationError(errors)
        value = room_value(units, price)
    else:  # DEPRECIATION
        acquisition = need("acquisition_value", item.acquisition_value)
        residual = ZERO if item.residual_value is None else item.residual_value
        life = need("life_months", item.life_months)
        used = need("months_used", item.months_used)
        share = HUNDRED if item.project_share is None else item.project_share
        amount_in_range("acquisition_value", acquisition)
        if residual < 0:
            fail("residual_value", _("The residual value cannot be negative."))
        elif acquisition is not None and residual >= acquisition:
            fail("residual_value", _("The residual value must be below the acquisition value."))
        life_valid = life is not None and 1 <= life <= MAX_MONTHS
        if life is not None and not life_valid:
            fail("life_months", _("The economic life is at least 1 and at most 1,200 months."))
        if used is not None and used < 1:
            fail("months_used", _("Enter at least 1 month of use."))
        elif used is not None and used > MONTHS_IN_YEAR:
            fail(
                "months_used",
                _(
                    "One contribution claims at most the 12 months of its own year; enter the "
                    "other years as contributions of their own."
                ),
            )
        elif used is not None and life_valid and used > life:
            fail(
                "months_used",
                _("The months used cannot exceed the economic life of %(life)s months.")
                % {"life": life},
            )
        if not ZERO < share <= HUNDRED:
            fail("project_share", _("The project share is above 0% and at most 100%."))
        if errors:
            raise ValuationError(errors)
        value = depreciation_value(acquisition, residual, life, used, share)

    if value > MAX_AMOUNT:
        raise ValuationError({"__all__": [_("The value exceeds € 100,000,000.")]})
    return value
