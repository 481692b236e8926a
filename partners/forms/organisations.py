from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, Partnership, Stage

BUSINESS_CHOICES = [
    ("", _("Follows from the kind")),
    ("yes", _("Counts as business")),
    ("no", _("Does not count as business")),
]


class OrganisationForm(forms.ModelForm):
    business_override = forms.TypedChoiceField(
        label=_("Counts as business for cofinancing"),
        choices=BUSINESS_CHOICES,
        required=False,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        help_text=_(
            "Companies, branch organisations and company networks count as business; others "
            "do not. Override only with a written justification."
        ),
    )
    website = forms.URLField(
        label=_("website"), max_length=300, required=False, assume_scheme="https"
    )
    kvk_number = forms.CharField(
        label=_("KvK number"),
        max_length=20,  # spaces and dots are removed before the 8-digit check
        required=False,
        help_text=_("8 digits, from the Handelsregister."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    belongs_to = forms.ModelChoiceField(
        label=_("Belongs to (legal entity)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_(
            "For a school location: its board (bevoegd gezag); for a branch: its company. "
            "Leave empty when this organisation is a legal entity itself."
        ),
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Yes, this is a different organisation: save it anyway"),
        required=False,
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "belongs_to",
            "sector",
            "stage",
            "kvk_number",
            "brin_code",
            "legal_form",
            "address",
            "postal_code",
            "city",
            "website",
            "relationship_owner",
            "business_override",
            "business_justification",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "business_justification": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args, partnership: Partnership, show_confirm=False, may_decide_business=True,
        **kwargs,
    ):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["relationship_owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__partnership=partnership)
            .order_by("first_name", "last_name", "email")
        )
        # Only the partnership's legal entities can be chosen, so another partnership's
        # organisation (a forged id) or a location is an invalid choice.
        entities = Organisation.objects.filter(partnership=partnership, belongs_to=None)
        if self.instance.pk:
            entities = entities.exclude(pk=self.instance.pk)
        self.fields["belongs_to"].queryset = entities.order_by("name")
        self.fields["belongs_to"].empty_label = _("— none: a legal entity itself —")
        if self.instance.pk:
            value = self.instance.business_override
            self.initial["business_override"] = {True: "yes", False: "no"}.get(value, "")
        if not show_confirm:
            del self.fields["confirm_duplicate"]
        if not may_decide_business:
            # Disabled fields keep their stored value whatever is posted (docs/rules.md §4).
            for name in ("business_override", "business_justification"):
                self.fields[name].disabled = True
            self.fields["business_override"].help_text = _(
                "Only a project leader can decide that an organisation does or does not count "
                "as business against its kind."
            )

    def clean_kvk_number(self):
        value = self.cleaned_data["kvk_number"]
        return "".join(value.split()).replace(".", "")

    def clean_brin_code(self):
        return "".join(self.cleaned_data["brin_code"].split()).upper()

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("business_override") is not None
            and not cleaned.get("business_justification", "").strip()
        ):
            self.add_error(
                "business_justification",
                _("Explain why this organisation does or does not count as business."),
            )
        return cleaned

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)


class PartnershipSettingsForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["name", "region", "start_year", "end_year", "quiet_after_days"]
