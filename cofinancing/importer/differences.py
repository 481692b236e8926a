"""What an import changes in a row it matches: per field "label: old → new", for the preview.

Values are written as a Dutch reader expects them: amounts as € 1.234,56, other numbers as
1.234,5, dates as 7 december 2026, choices by their label, yes/no, an empty value as a dash.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from cofinancing.importer.common import quote
from sterk.money import format_euro

EMPTY = "—"
# DecimalFields with these many digits hold money (cofinancing/models/budget.py MONEY_FIELD).
MONEY_DIGITS = 14


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


def _number(value: Decimal) -> str:
    text = format_euro(value, symbol=False)
    # 2,50 stays as it is; 12,00 hours reads as 12.
    return text[:-3] if text.endswith(",00") else text


def show(field, value) -> str:
    """One value of one model field, as a person reads it."""
    if value is None or value == "":
        return EMPTY
    if field is not None and field.choices:
        return quote(str(dict(field.flatchoices).get(value, value)))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        is_money = isinstance(field, models.DecimalField) and field.max_digits == MONEY_DIGITS
        return format_euro(value) if is_money else _number(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "j F Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    return quote(str(value))


def label_of(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except models.FieldDoesNotExist:
        return name


def differences(existing, fields: dict) -> list[FieldChange]:
    """The fields whose new value differs from the record's, in the order of `fields`."""
    model = type(existing)
    changes = []
    for name, new in fields.items():
        old = getattr(existing, name)
        if old == new:
            continue
        try:
            field = model._meta.get_field(name)
        except models.FieldDoesNotExist:
            field = None
        changes.append(FieldChange(label_of(model, name), show(field, old), show(field, new)))
    return changes
