"""The forms of realising and cancelling a contribution: they read and normalise input only;
cofinancing.services.realisation checks and writes (docs/rules.md §20)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cofinancing.models import Contribution
from cofinancing.services.realisation import MAX_REASON_LENGTH
from cofinancing.valuation import DEPRECIATION, LABOUR, ROOM
from sterk.forms import DutchDecimalField

# What the realised quantity counts, per kind; money, material and lease count in euros.
UNITS = {LABOUR: _("hours"), ROOM: _("units"), DEPRECIATION: _("months")}
QUANTITY_HELP = {
    LABOUR: _("The hours actually given, valued at the contribution's own hourly rate."),
    ROOM: _("The units (for example dagdelen) actually used, at the price per unit."),
    DEPRECIATION: _(
        "The months the machine was actually used in its year, whole months, at most 12. "
        "They are added to the other claims on this machine."
    ),
}
AMOUNT_HELP = _("The amount actually paid or given, in euros, for example 1.234,56.")


def unit_of(contribution: Contribution) -> str:
    return str(UNITS.get(contribution.kind, "€"))


def default_date(contribution: Contribution, today: datetime.date | None = None):
    """Today, or the last day of the contribution's year when that has passed."""
    today = today or timezone.localdate()
    end_of_year = datetime.date(contribution.year, 12, 31)
    return min(today, end_of_year)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RealiseForm(forms.Form):
    realised_on = forms.DateField(
        label=_("Date given"),
        widget=DateInput(),
        help_text=_("The day it was given, or the last day of the period it covers."),
    )
    realised_quantity = DutchDecimalField(label=_("Realised quantity"))

    def __init__(self, *args, contribution: Contribution, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["realised_quantity"]
        field.label = _("Realised quantity (%(unit)s)") % {"unit": unit_of(contribution)}
        field.help_text = QUANTITY_HELP.get(contribution.kind, AMOUNT_HELP)
        if contribution.kind == DEPRECIATION:
            field.widget.attrs["inputmode"] = "numeric"
        if not self.is_bound:
            realised = contribution.realised_on is not None
            self.initial = {
                "realised_on": contribution.realised_on if realised else default_date(contribution),
                "realised_quantity": (
                    contribution.realised_quantity if realised else contribution.quantity
                ),
            }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REASON_LENGTH,
        help_text=_(
            "At least a sentence, for example that the company withdrew its pledge. A "
            "cancelled contribution counts nowhere; it stays listed with this reason."
        ),
    )
