from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from partners.models import Organisation


class AgreementSettingsForm(forms.ModelForm):
    """The penvoerder, chosen among the partnership's own organisations only, so a forged id
    of another partnership's organisation is an invalid choice."""

    penvoerder = forms.ModelChoiceField(
        label=_("Penvoerder"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— not chosen yet —"),
        help_text=_("The party that administers the subsidy and reports on behalf of all."),
    )

    class Meta:
        model = Agreement
        fields = ["penvoerder"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["penvoerder"].queryset = Organisation.objects.filter(
            partnership=partnership
        ).order_by("name")
