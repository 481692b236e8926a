from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.models import ApproachStepKind, PackTexts
from outreach.texts import PLACEHOLDERS, TEXT_FIELDS, check_placeholders
from partners.models import Interaction, Network, OrganisationKind, Sector, Stage


class MapFilterForm(forms.Form):
    """The map's filters: a GET form that works without JavaScript."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *OrganisationKind.choices]
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Any sector")), *Sector.choices]
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("Any stage")), *Stage.choices]
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        required=False,
        queryset=Network.objects.none(),
        to_field_name="code",
        empty_label=_("Any network"),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.filter(partnership=partnership).order_by(
            "name", "pk"
        )

    def filters(self) -> dict:
        """The valid filters; an invalid one is left out (and shown as an error)."""
        if self.is_bound:
            self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value and name not in self.errors
        }


_HELP = _("You can use %(placeholders)s.")


class PackTextsForm(forms.ModelForm):
    class Meta:
        model = PackTexts
        fields = TEXT_FIELDS
        widgets = {
            "letter_body": forms.Textarea(attrs={"rows": 7}),
            "letter_closing": forms.Textarea(attrs={"rows": 5}),
            "flyer_intro": forms.Textarea(attrs={"rows": 3}),
            "gains": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        placeholders = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        for name in TEXT_FIELDS:
            self.fields[name].help_text = _HELP % {"placeholders": placeholders}

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            if cleaned.get(name):
                try:
                    check_placeholders(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class StepTickForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=ApproachStepKind.choices)
    interaction = forms.ModelChoiceField(
        label=_("Contact moment"),
        queryset=Interaction.objects.none(),
        to_field_name="code",
        empty_label=_("Choose a contact moment"),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interaction"].queryset = Interaction.objects.filter(
            partnership=organisation.partnership, organisation=organisation
        )
