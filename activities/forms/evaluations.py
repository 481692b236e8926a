"""The evaluation round form.

Every one of the guide's five questions is required. The model requires all five, and a
round that skips a question loses what the guide asks it to check; "not discussed this time"
is a fine answer and says more than an empty field.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import EVALUATION_QUESTIONS, Evaluation
from activities.services.evaluations import ANSWER_FIELDS, evaluation_rules
from partners.forms.interactions import DateInput, partnership_users
from partners.models import Organisation, Partnership


class EvaluationForm(forms.ModelForm):
    # Declared here, without choices: the model's default would query Organisation outside a
    # partnership scope when the module loads. __init__ sets the partnership's choices, so a
    # forged id of another partnership's organisation is "not one of the available choices".
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations that took part"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Evaluation
        fields = [
            "date",
            *ANSWER_FIELDS,
            "decisions",
            "members",
            "organisations",
            "other_participants",
        ]
        widgets = {
            "date": DateInput(),
            "decisions": forms.Textarea(attrs={"rows": 4}),
            "members": forms.CheckboxSelectMultiple,
            **{field: forms.Textarea(attrs={"rows": 3}) for field in ANSWER_FIELDS},
        }
        labels = {
            "date": _("Date"),
            "decisions": _("Decisions taken"),
            "members": _("Members who took part"),
            "other_participants": _("Others who took part"),
        }
        help_texts = {
            "date": _("The day of the round; you can plan the next one up to a year ahead."),
            "decisions": _("What you agreed to do differently, and who does it."),
            "other_participants": _("For example: two students of the student council."),
        }

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        for field, question in EVALUATION_QUESTIONS:
            self.fields[field].label = question
            self.fields[field].required = True
        self.fields["members"].queryset = partnership_users(partnership)
        self.fields["organisations"].queryset = Organisation.objects.filter(
            partnership=partnership
        ).order_by("name")
        if self.instance.pk is None:
            self.initial.setdefault("date", self.today)

    def clean(self):
        cleaned = super().clean()
        try:
            evaluation_rules(date=cleaned.get("date"), today=self.today)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned

    def service_kwargs(self) -> dict:
        """The cleaned data in the shape of the evaluation services' arguments."""
        data = self.cleaned_data
        return {
            "date": data["date"],
            "answers": {field: data[field] for field in ANSWER_FIELDS},
            "decisions": data["decisions"],
            "members": data["members"],
            "organisations": data["organisations"],
            "other_participants": data["other_participants"],
        }
