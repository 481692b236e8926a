"""Form fields shared by the apps."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sterk.money import MAX_AMOUNT, parse_dutch_number

MAX_INPUT_LENGTH = 40  # longer than any number a person types; beyond it, it is not a number


class DutchDecimalField(forms.DecimalField):
    """A decimal typed the Dutch way ("1.234,56", "12,5") or the plain way ("1234.56").

    A float is refused (money is never a float, see sterk/money.py), and so is any number
    beyond € 100 million in size: that is a typing error, whatever the field counts.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a number, such as 1.234,56 or 12,5."),
        "float": _("Enter the number as text or a Decimal, never as a float."),
        "absurd": _("Enter a number of at most 100.000.000."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, (bool, float)):
            raise ValidationError(self.error_messages["float"], code="float")
        if isinstance(value, (int, Decimal)):
            number = Decimal(value)
        else:
            text = str(value).strip()
            if len(text) > MAX_INPUT_LENGTH:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            try:
                number = parse_dutch_number(text)
            except (ValueError, TypeError):
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if abs(number) > MAX_AMOUNT:
            raise ValidationError(self.error_messages["absurd"], code="absurd")
        return number

    def prepare_value(self, value):
        # A stored Decimal is shown with a decimal comma and no thousands dots, so it reads
        # back unambiguously ("1500,000" is never mistaken for 1.500.000).
        if isinstance(value, Decimal):
            return str(value).replace(".", ",")
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        return attrs
