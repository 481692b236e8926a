from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Network, Organisation
from sterk.validators import validate_single_line


class NetworkForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Network
        fields = ["name", "kind", "website", "description"]
        labels = {
            "name": _("Name"),
            "kind": _("Kind"),
            "description": _("Description"),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
        }


class NetworkMemberForm(forms.Form):
    """Adds one organisation to a network; `organisations` holds only those of the network's
    partnership that are not yet a member, so a forged id is an invalid choice."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.CharField(
        label=_("Role in the network"),
        max_length=200,
        validators=[validate_single_line],
        required=False,
        help_text=_("For example: member, founder, chair, host of the fieldlab."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class NetworkMemberRoleForm(forms.Form):
    """Changes the role of an organisation that is already a member of a network."""

    role = forms.CharField(
        label=_("Role in the network"),
        max_length=200,
        validators=[validate_single_line],
        required=False,
        help_text=_("For example: member, founder, chair, host of the fieldlab."),
    )
