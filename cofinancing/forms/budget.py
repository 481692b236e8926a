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

    realised_amount = DutchDecimalField(
        label=_("Realised amount"),
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        max_digits=14,
        decimal_places=2,
        help_text=_(
            "What was actually spent on this line in its year, as in the penvoerder's "
            "accounts. Empty while it is not known; the budget then counts in the forecast."
        ),
    )
    # Missing from a post (an older form, the import) means eligible, the model's default.
    eligible = forms.TypedChoiceField(
        label=_("Eligible"),
        choices=[("yes", _("Eligible")), ("no", _("Not eligible"))],
        coerce=lambda value: value == "yes",
        empty_value=True,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Eligible when it belongs to the plan, falls in the period and is not recoverable "
            "VAT or financed elsewhere. Only eligible realised costs count at settlement."
        ),
    )

    class Meta:
        model = CostLine
        fields = [
            "year", "category", "description", "unit_price", "quantity", "activity",
            "not_double_financed", "realised_amount", "eligible", "ineligible_reason",
            "ineligible_note",
        ]  # fmt: skip
        labels = {
            "ineligible_reason": _("Reason not eligible"),
            "ineligible_note": _("Note"),
            "not_double_financed": _("Why it is not double-financed"),
        }
        help_texts = {
            "ineligible_reason": _("Needed when the cost is not eligible."),
            "ineligible_note": _("Optional; needed when the reason is “Other”."),
            "not_double_financed": _(
                "Only when the line's activity is funded by another scheme (such as the RIF): "
                "why this line is not paid by it. Without it the line is left out of the "
                "figures."
            ),
        }
        widgets = {
            "ineligible_note": forms.Textarea(attrs={"rows": 2}),
            "not_double_financed": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, budget: Budget, **kwargs):
        super().__init__(*args, budget=budget, **kwargs)
        if self.instance.pk is not None:
            self.initial["eligible"] = "yes" if self.instance.eligible else "no"
        else:
            self.initial.setdefault("eligible", "yes")
        self.fields["activity"].queryset = Activity.objects.filter(
            partnership=budget.partnership_id
        ).order_by("sort_key", "title", "pk")
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
