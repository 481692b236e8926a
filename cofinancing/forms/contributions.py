"""The contribution form: validates and normalises only.

`cofinancing.services.contributions.contribution_save` values and saves. Organisation and
activity are limited to the partnership, the year to the scheme's years, so a forged id or
year is a field error. Inputs another kind does not use are ignored, also when they hold
garbage: without JavaScript every input is on the page.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from cofinancing.models import STILL_PLEDGED, Budget, Contribution, ContributionStatus
from cofinancing.selectors.contributions import (
    partnership_activities,
    partnership_organisations,
)
from cofinancing.services.contributions import ALL_INPUTS, INPUTS, TEXT_INPUTS
from partners.models import Organisation, Partnership
from partners.widgets import organisation_options_url, remote
from sterk.forms import DutchDecimalField
from sterk.money import format_euro

# The fieldsets of inputs, each shown for the kinds it serves.
INPUT_GROUPS = [
    ("money material lease", _("Amount"), ["amount"]),
    ("labour", _("Hours"), ["hours", "hourly_rate", "rate_justification"]),
    ("room", _("Room"), ["units", "unit_price"]),
    (
        "depreciation",
        _("Depreciation"),
        [
            "acquisition_value",
            "residual_value",
            "life_months",
            "months_used",
            "project_share",
            "machine_id",
            "life_justification",
        ],
    ),
]
assert {name for _kinds, _legend, names in INPUT_GROUPS for name in names} == set(ALL_INPUTS)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.counts_as_business:
            return _("%(name)s (business)") % {"name": obj.name}
        return _("%(name)s (not business)") % {"name": obj.name}


class ContributionForm(forms.ModelForm):
    # Declared here without choices: the model's would query outside a partnership scope.
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("Only organisations that count as business add to the business share."),
    )
    activity = forms.ModelChoiceField(
        label=_("Activity"), queryset=Activity.objects.none(), required=False
    )
    year = forms.TypedChoiceField(label=_("Year"), choices=[], coerce=int)

    class Meta:
        model = Contribution
        fields = [
            "organisation",
            "activity",
            "year",
            "kind",
            "description",
            "status",
            "other_funding",
            "not_double_financed",
            *ALL_INPUTS,
        ]
        field_classes = {
            name: DutchDecimalField
            for name in (
                "amount",
                "hours",
                "hourly_rate",
                "units",
                "unit_price",
                "acquisition_value",
                "residual_value",
                "project_share",
            )
        }
        labels = {
            "kind": _("Kind"),
            "description": _("Description"),
            "status": _("Status"),
            "other_funding": _("Other funding"),
            "amount": _("Amount (€)"),
            "hours": _("Hours"),
            "hourly_rate": _("Hourly rate (€)"),
            "rate_justification": _("Justification of the rate"),
            "units": _("Units (e.g. dagdelen)"),
            "unit_price": _("Price per unit (€)"),
            "acquisition_value": _("Acquisition value (€)"),
            "residual_value": _("Residual value (€)"),
            "life_months": _("Economic life (months)"),
            "months_used": _("Months used in the project"),
            "project_share": _("Project share (%)"),
            "machine_id": _("Machine identifier"),
            "life_justification": _("Justification of the economic life"),
            "not_double_financed": _("Why it is not double-financed"),
        }
        help_texts = {
            "other_funding": _(
                "Fill this in only when another scheme (such as the RIF) already pays for "
                "this contribution: it then does not count toward the share, and is listed "
                "with this reason."
            ),
            "amount": _("The amount paid or given, e.g. 1.234,56."),
            "rate_justification": _(
                "Needed when the rate differs from the scheme's default, e.g. the GPL of the "
                "CAO VO."
            ),
            "acquisition_value": _("What the machine cost, not its purchase price today."),
            "residual_value": _("Empty means 0. Must be below the acquisition value."),
            "life_months": _("The real economic life, not shortened to the project's length."),
            "months_used": _("At most the economic life."),
            "project_share": _("Empty means 100%. Above 0% and at most 100%."),
            "machine_id": _(
                "A serial or inventory number. Sterk adds up the months claimed for this "
                "machine over all contributions, so it is never claimed beyond its life."
            ),
            "life_justification": _(
                "Needed when the economic life is shorter than the months left in the "
                "scheme's period: the life may not be shortened to the project."
            ),
            "not_double_financed": _(
                "Only when the activity is funded by another scheme: say why this "
                "contribution is not paid by it. Without it, it does not count."
            ),
        }
        widgets = {
            "description": forms.TextInput(),
            "other_funding": forms.TextInput(),
            "rate_justification": forms.Textarea(attrs={"rows": 2}),
            "life_justification": forms.Textarea(attrs={"rows": 2}),
            "not_double_financed": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args,
        partnership: Partnership,
        budget: Budget,
        contribution: Contribution | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        # The form edits the pledge: pledged or confirmed. Realising, certifying and
        # cancelling are actions of their own (docs/rules.md §20), so a contribution past
        # the pledge keeps its status and its realisation here.
        if contribution is None or contribution.status in STILL_PLEDGED:
            self.fields["status"].choices = [
                (status.value, status.label)
                for status in ContributionStatus
                if status in STILL_PLEDGED
            ]
            self.fields["status"].help_text = _(
                "Confirmed: the company confirmed its pledge before the agreement. Realise "
                "it on the contribution's page once it was given."
            )
        else:
            del self.fields["status"]
        scheme = budget.scheme
        self.fields["organisation"].queryset = partnership_organisations(partnership=partnership)
        self.fields["activity"].queryset = partnership_activities(partnership=partnership)
        # Rendered with the chosen row only; the others load on demand (partners/widgets.py).
        remote(self.fields["organisation"], organisation_options_url(partnership))
        remote(
            self.fields["activity"],
            reverse("activities:activity-options", kwargs={"slug": partnership.slug}),
        )
        self.fields["year"].choices = [("", "---------")] + [
            (year, str(year)) for year in scheme.years
        ]
        rate = format_euro(scheme.default_hourly_rate, symbol=False)
        self.fields["hourly_rate"].widget.attrs["placeholder"] = rate
        self.fields["hourly_rate"].help_text = _(
            "Empty means the scheme's default rate of € %(rate)s per hour."
        ) % {"rate": rate}
        self.fields["residual_value"].widget.attrs["placeholder"] = "0"
        self.fields["project_share"].widget.attrs["placeholder"] = "100"
        for name in ("life_months", "months_used"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def input_groups(self):
        """(kinds, legend, bound fields) per fieldset of inputs, for the template."""
        return [
            (kinds, legend, [self[name] for name in names]) for kinds, legend, names in INPUT_GROUPS
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            # Only the chosen kind's inputs count: errors and values of the others go.
            used = INPUTS.get(kind, ())
            for name in ALL_INPUTS:
                if name not in used:
                    self._errors.pop(name, None)
                    cleaned[name] = "" if name in TEXT_INPUTS else None
        return cleaned

    def preview_errors(self) -> list[tuple[str, str]]:
        """(label, message) of every error except "required": while someone types, the
        fields they have not reached yet are not mistakes."""
        errors = []
        for name, error_list in self.errors.as_data().items():
            label = self.fields[name].label if name in self.fields else ""
            for error in error_list:
                if error.code == "required":
                    continue
                errors.extend((str(label), message) for message in error.messages)
        return errors
