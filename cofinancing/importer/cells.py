"""Turn one cell's value, as openpyxl reads it, into what the database stores.

A cell holds an Excel number (int or float), text (possibly Dutch-formatted, "1.234,56"), a
date or nothing. A float is converted through its shortest decimal text (`Decimal(str(x))`)
and rounded to the cent, so no binary fraction ever reaches an amount. Each function raises
CellValueError with a message for the person who filled in the workbook.
"""

import datetime as dt
import math
from decimal import Decimal

from django.utils.translation import gettext as _

from cofinancing.importer.spec import MAX_NUMBER
from sterk.money import parse_dutch_number, round_money
from sterk.validators import SINGLE_LINE_MESSAGE, has_line_break

DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y")


class CellValueError(ValueError):
    pass


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, *, max_length: int, multiline: bool = False) -> str:
    """The cell as text; one line unless `multiline` (a name, a title, a description that
    lands in a one-line field refuses a line break, as the field does in a form)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    result = (value.isoformat() if isinstance(value, dt.date) else str(value)).strip()
    if len(result) > max_length:
        raise CellValueError(
            _("Keep this to %(limit)d characters or fewer.") % {"limit": max_length}
        )
    if not multiline and has_line_break(result):
        raise CellValueError(str(SINGLE_LINE_MESSAGE))
    return result


def _parse(value, *, percent: bool = False) -> Decimal | None:
    if is_blank(value):
        return None
    if isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
        raise CellValueError(_("Enter a number here, for example 1.234,56."))
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CellValueError(_("Enter a number here, for example 1.234,56."))
        result = Decimal(str(value))
    elif isinstance(value, Decimal):
        result = value
    else:
        cleaned = str(value).strip()
        if percent:
            cleaned = cleaned.removesuffix("%")
        try:
            result = parse_dutch_number(cleaned)
        except ValueError:
            raise CellValueError(_("Enter a number here, for example 1.234,56.")) from None
    if abs(result) > MAX_NUMBER:
        raise CellValueError(_("This number is too large."))
    return result


def number(value, *, percent: bool = False) -> Decimal | None:
    """A number rounded to the cent, or None for an empty cell. With `percent`, "50%" is
    read as 50 (the column holds percentages)."""
    result = _parse(value, percent=percent)
    return None if result is None else round_money(result)


def whole(value, *, minimum: int, maximum: int) -> int | None:
    """A whole number within [minimum, maximum], or None for an empty cell."""
    result = _parse(value)
    if result is None:
        return None
    if result != result.to_integral_value():
        raise CellValueError(_("Enter a whole number here."))
    if not minimum <= result <= maximum:
        raise CellValueError(
            _("Enter a whole number from %(minimum)s to %(maximum)s.")
            % {"minimum": minimum, "maximum": maximum}
        )
    return int(result)


def date(value) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        for form in DATE_FORMATS:
            try:
                return dt.datetime.strptime(value.strip(), form).date()
            except ValueError:
                continue
    raise CellValueError(_("Enter a date, for example 2026-01-31 or 31-01-2026."))


def choice(value, words: dict, *, default=None):
    """The code for a word of the vocabulary (the code itself is accepted too); `default`
    for an empty cell."""
    if is_blank(value):
        return default
    if isinstance(value, bool) and value in words.values():
        return value  # an Excel TRUE/FALSE cell in a yes/no column
    word = str(value).strip().casefold()
    if word in words:
        return words[word]
    if word in words.values():
        return word
    raise CellValueError(_("Choose one of: %(words)s.") % {"words": ", ".join(words)})
