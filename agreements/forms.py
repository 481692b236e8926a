from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Licence
from partners.models import Organisation


class AgreementSettingsForm(forms.ModelForm):
    """The penvoerder, chosen among the partnership's own legal entities only (organisations
    that belong to no other), so a forged id of another partnership's organisation, or a
    school location instead of its board, is an invalid choice; the use of results (the
    intellectual property article) and the steering group (the governance article)."""

    penvoerder = forms.ModelChoiceField(
        label=_("Penvoerder"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— not chosen yet —"),
        help_text=_(
            "The legal entity that administers the subsidy and reports on behalf of all: "
            "the board (bevoegd gezag) of a vmbo school."
        ),
    )

    class Meta:
        model = Agreement
        fields = ["penvoerder", "licence", "steering_group"]
        widgets = {"licence": forms.RadioSelect}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["penvoerder"].queryset = Organisation.objects.filter(
            partnership=partnership, belongs_to=None
        ).order_by("name")
        self.fields["licence"].required = False

    def clean_licence(self):
        # Not posted (an older form, a script): keep what was chosen.
        return self.cleaned_data["licence"] or self.instance.licence or Licence.SHARED

    def clean_steering_group(self):
        return " ".join(self.cleaned_data["steering_group"].split())
