from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from cofinancing.models import Budget, CostLine, FundingLine, Scheme
from cofinancing.selectors.budget import share_percent
from sterk.forms import DutchDecimalField
from sterk.money import MAX_AMOUNT, format_euro


class SchemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, scheme):
        return _(
            "%(name)s: %(first)s–%(last)s, business share %(share)s%% of the %(base)s, "
            "default hourly rate %(rate)s"
        ) % {
            "name": scheme.name,
            "first": scheme.start_year,
            "last": scheme.end_year,
            "share": number_format(share_percent(scheme.share)),
            "base": scheme.get_base_display().lower(),
            "rate": format_euro(scheme.default_hourly_rate),
        }


class SchemeForm(forms.Form):
    # Scheme is not tenant-owned (no scope), so its queryset may be built at import.
    scheme = SchemeChoiceField(
        label=_("Scheme"),
        queryset=Scheme.objects.order_by("start_year", "code"),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("The scheme fixes the years, the business share and its base."),
    )


def _year_choices(budget: Budget):
    return [(year, str(year)) for year in budget.scheme.years]


class _LineForm(forms.ModelForm):
    """Years are those of the budget's scheme; a forged year is a form error."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args, budget: Budget, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget
        self.fields["year"].choices = _year_choices(budget)

    def _post_clean(self):
        # The service computes, checks and writes; a refused change must not show up on the
        # page as if it were saved, so the form leaves the instance untouched.
        pass


class CostLineForm(_LineForm):
    unit_price = DutchDecimalField(
        label=_("Price"),
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        max_digits=14,
        decimal_places=2,
        help_text=_("In euros, for example 1.250,00."),
    )
    quantity = DutchDecimalField(
        label=_("Quantity"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("For example 0,4 (fte) or 12."),
    )
    # Declared without choices: the model's default would query Activity outside a
    # partnership scope at import. __init__ limits it to this partnership's activities.
    activity = forms.ModelChoiceField(
        label=_("Activity"),
        queryset=Activity.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("Optional: the activity these costs are made for."),
    )

    class Meta:
        model = CostLine
        fields = ["year", "category", "description", "unit_price", "quantity", "activity"]

    def __init__(self, *args, budget: Budget, **kwargs):
        super().__init__(*args, budget=budget, **kwargs)
        self.fields["activity"].queryset = Activity.objects.filter(
            partnership=budget.partnership_id
        ).order_by("short_code", "title")
        self.fields["activity"].label_from_instance = lambda a: f"{a.short_code} {a.title}"
        if self.instance.activity_id is not None:
            # The model's initial is the activity's pk; the choices are keyed by its code.
            self.initial["activity"] = self.instance.activity.code


class FundingLineForm(_LineForm):
    amount = DutchDecimalField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=14,
        decimal_places=2,
        help_text=_("In euros, for example 7.500,00."),
    )

    class Meta:
        model = FundingLine
        fields = ["year", "source", "description", "amount"]
