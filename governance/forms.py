from django import forms
from django.utils.translation import gettext_lazy as _

from governance import selectors
from governance.models import Action, Body, BodyMember, Decision, Meeting, ResponsibilityRole


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["kind", "name", "decides_on"]
        widgets = {"decides_on": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        choices = [("", "—")] + [(str(m.pk), m.display_name) for m in members]
        by_pk = {str(m.pk): m for m in members}
        for name, label in (("chair", _("Chair")), ("secretary", _("Secretary"))):
            current = getattr(self.instance, f"{name}_id")
            self.initial[name] = str(current) if current else ""
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                required=False,
                coerce=lambda value: by_pk.get(value),
                empty_value=None,
                help_text=_("A member of this body."),
                error_messages={"invalid_choice": _("Choose a member of this body.")},
            )

    def _post_clean(self):
        pass  # the service validates and writes


class MemberForm(forms.Form):
    person = forms.ChoiceField(
        label=_("Person"),
        help_text=_("A contact of a partner organisation or a member of Sterk."),
        error_messages={"invalid_choice": _("Choose a person of this partnership.")},
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["person"].choices = [("", "—")] + _translated_groups(
            selectors.person_choices(partnership=partnership)
        )

    def clean_person(self):
        found = selectors.resolve_choice(
            partnership=self.partnership, value=self.cleaned_data["person"]
        )
        if found is None:
            raise forms.ValidationError(_("Choose a person of this partnership."))
        return found


GROUP_LABELS = {
    "Contacts": _("Contacts"),
    "Members of Sterk": _("Members of Sterk"),
    "Bodies": _("Bodies"),
}


def _translated_groups(groups):
    return [(GROUP_LABELS.get(label, label), choices) for label, choices in groups]


class ResponsibilityForm(forms.Form):
    """Who decides, who does, who is involved: each a body or a person, or nobody."""

    def __init__(self, *args, partnership, initial_holders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        choices = [("", _("Nobody named"))] + _translated_groups(
            [("Bodies", selectors.body_choices(partnership=partnership))]
            + selectors.person_choices(partnership=partnership)
        )
        for role, label in ResponsibilityRole.choices:
            self.fields[role] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                error_messages={
                    "invalid_choice": _("Choose a body or a person of this partnership.")
                },
            )
            if initial_holders and role in initial_holders:
                self.initial[role] = initial_holders[role]

    def clean(self):
        data = super().clean()
        holders = {}
        for role in ResponsibilityRole.values:
            value = data.get(role)
            if not value:
                holders[role] = None
                continue
            found = selectors.resolve_choice(partnership=self.partnership, value=value)
            if found is None:
                self.add_error(role, _("Choose a body or a person of this partnership."))
            holders[role] = found
        data["holders"] = holders
        return data


class _MembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class MeetingForm(forms.ModelForm):
    attendees = _MembersField(
        label=_("Attendees"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = ["date", "agenda", "attendees", "minutes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {"minutes": _("Written after the meeting took place.")}

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = BodyMember.objects.filter(
            partnership=body.partnership_id, body=body
        ).select_related("contact__organisation", "user")

    def _post_clean(self):
        pass


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"title": _("Decision in short"), "text": _("What was decided")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["text"].required = False  # the service says what is missing

    def _post_clean(self):
        pass


class ActionForm(forms.ModelForm):
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        choices=(),
        required=False,
        error_messages={"invalid_choice": _("The owner must be a member of this body.")},
    )

    class Meta:
        model = Action
        fields = ["description", "owner", "due"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        by_pk = {str(m.pk): m for m in members}
        self.fields["owner"].choices = [("", "—")] + [(k, m.display_name) for k, m in by_pk.items()]
        self.fields["owner"].coerce = lambda value: by_pk.get(value)
        self.fields["owner"].empty_value = None

    def _post_clean(self):
        pass


class DecisionSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    body = forms.ChoiceField(label=_("Body"), required=False)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = {str(b.code): b for b in Body.objects.filter(partnership=partnership)}
        self.fields["body"].choices = [("", _("All bodies"))] + [
            (code, body.name) for code, body in self.bodies.items()
        ]
