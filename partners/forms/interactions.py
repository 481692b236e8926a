import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.interaction_extensions import extend_form
from partners.models import Contact, Interaction, Organisation, Partnership
from partners.services.interactions import interaction_rules


def partnership_users(partnership: Partnership):
    """Users with a membership in the partnership: the only choices for "our people"."""
    return (
        get_user_model()
        .objects.filter(memberships__partnership=partnership)
        .order_by("first_name", "last_name", "email")
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class InteractionForm(forms.ModelForm):
    # Declared here, without choices: the model's default would query Contact outside a
    # partnership scope when the module loads. __init__ sets the partnership's choices.
    contacts = forms.ModelMultipleChoiceField(
        label=_("Their people"),
        help_text=_("Contacts of this organisation; add missing ones on the organisation page."),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "date",
            "contacts",
            "members",
            "summary",
            "next_step",
            "next_step_due",
            "next_step_owner",
        ]
        widgets = {
            "date": DateInput(),
            "next_step_due": DateInput(),
            "members": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "date": _("A date in the future makes this a planned contact moment."),
            "next_step": _("Optional. For example: send the offer for guest lessons."),
            "next_step_owner": _("Leave empty to take the next step on yourself."),
        }

    def __init__(
        self, *args, partnership: Partnership, organisation: Organisation, user=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.organisation = organisation
        self.today = timezone.localdate()
        # A forged id of another organisation's contact or a non-member is then "not one of
        # the available choices".
        self.fields["contacts"].queryset = Contact.objects.filter(
            partnership=partnership, organisation=organisation
        ).order_by("name")
        self.fields["members"].queryset = partnership_users(partnership)
        self.fields["next_step_owner"].queryset = partnership_users(partnership)
        if self.instance.pk is None:
            self.initial.setdefault("date", self.today)
            if user is not None:
                self.initial.setdefault("members", [user.pk])
        # Fields of the apps above partners (outreach's approach steps), after ours.
        extend_form(
            self,
            partnership=partnership,
            organisation=organisation,
            interaction=self.instance if self.instance.pk else None,
        )

    def clean(self):
        cleaned = super().clean()
        try:
            interaction_rules(
                date=cleaned.get("date"),
                next_step=cleaned.get("next_step", ""),
                next_step_due=cleaned.get("next_step_due"),
                today=self.today,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned


class FollowUpFilter(django_filters.FilterSet):
    """The follow-up list by owner of the next step; choices are the partnership's members."""

    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        field_name="next_step_owner",
        queryset=None,
        empty_label=_("Everyone"),
    )

    class Meta:
        model = Interaction
        fields = ["owner"]

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = partnership_users(partnership)
