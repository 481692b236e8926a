import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import Goal
from sterk.forms import DutchDecimalField

# Digits with at most one decimal separator, a point or a Dutch comma: "12,5", "12.5", "-3".
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
# The Dutch way with thousands points and a decimal comma: "1.234,56".
_DUTCH_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")
# Longer than any number of 14 digits with separators: no need to look further.
_MAX_INPUT_LENGTH = 30


class GoalForm(forms.ModelForm):
    target_value = DutchDecimalField(
        label=_("Target value"),
        required=False,
        min_value=Decimal("0"),
        help_text=_("The number the indicator should reach, for example 40 or 12,5."),
    )

    class Meta:
        model = Goal
        fields = [
            "title",
            "description",
            "regional_need",
            "indicator",
            "target_value",
            "unit",
            "horizon",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "regional_need": forms.Textarea(attrs={"rows": 3}),
            "horizon": forms.RadioSelect,
        }
        help_texts = {
            "indicator": _("What you measure, for example pupils in technical profiles."),
            "unit": _("For example pupils, hours or internships."),
        }

    def _post_clean(self):
        # The service writes and runs the model's validation; the form leaves the instance
        # untouched, so a refused change never shows up on the page as if it were saved.
        pass
