"""Money: Decimal only, two places, one rounding rule.

Every amount is rounded per line with ROUND_HALF_UP (`round_money`); sums are sums of
rounded lines. Two rules of the regulation round differently and say so: the required
amount is rounded up to the cent (`round_money_up`), a displayed percentage down
(`floor_percentage`). A float is refused, so binary fractions never reach an amount.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("100000000.00")  # € 100 million: anything above is a typing error


def to_decimal(value) -> Decimal:
    """A Decimal from a Decimal, int or string; TypeError for float, ValueError for text."""
    if isinstance(value, (bool, float)):
        raise TypeError("money is never a float; pass a Decimal, an int or a string")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return number
    raise TypeError(f"cannot make money of {type(value).__name__}")


def round_money(value) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_money_up(value) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_CEILING)


def floor_percentage(value) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_FLOOR)


def parse_dutch_number(text: str) -> Decimal:
    """'1.234,56', '1234,56', '1234.56' and '1 234,56' to Decimal; ValueError otherwise.

    A single dot followed by exactly three digits is read as a thousands separator
    (Dutch style), so '1.234' is 1234; with a comma present, dots are always thousands.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    if not cleaned:
        raise ValueError("empty")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") > 1 or (cleaned.count(".") == 1 and len(cleaned.split(".")[1]) == 3):
        cleaned = cleaned.replace(".", "")
    if not all(c.isdigit() or c in ".-" for c in cleaned) or cleaned in {"-", "."}:
        raise ValueError(f"not a number: {text!r}")
    return to_decimal(cleaned)


def format_euro(value, *, symbol: bool = True) -> str:
    """Dutch style, every cent shown: € 1.234,56 and € -1.234,56."""
    amount = round_money(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = f"{sign}{'.'.join(groups)},{cents}"
    return f"€\u00a0{text}" if symbol else text
