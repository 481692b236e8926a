from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from partners.models import Organisation


class AgreementSettingsForm(forms.ModelForm):
    """The penvoerder, chosen among the partnership's own legal entities only (organisations
    that belong to no other), so a forged id of another partnership's organisation, or a
    school location instead of its board, is an invalid choice."""

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
        fields = ["penvoerder"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["penvoerder"].queryset = Organisation.objects.filter(
            partnership=partnership, belongs_to=None
        ).order_by("name")
