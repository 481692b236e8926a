"""The form of "done, plan the next": the outcome of the step and the next one."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.forms.interactions import DateInput, partnership_users
from partners.models import Interaction, InteractionKind
from partners.services.next_steps import NEXT_STEP_MAX, OUTCOME_MAX, plan_rules
from sterk.validators import validate_single_line


class NextStepPlanForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        help_text=_("What came of this step. It is kept as a contact moment of today."),
        max_length=OUTCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=InteractionKind.choices)
    next_step = forms.CharField(
        label=_("Next step"),
        help_text=_("For example: call about the offer."),
        max_length=NEXT_STEP_MAX,
        validators=[validate_single_line],
    )
    next_step_due = forms.DateField(label=_("Due"), widget=DateInput())
    next_step_owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        help_text=_("Leave empty to take the next step on yourself."),
    )

    def __init__(self, *args, interaction: Interaction, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.fields["next_step_owner"].queryset = partnership_users(interaction.partnership)
        self.fields["next_step_due"].widget.attrs["min"] = self.today.isoformat()
        self.initial.setdefault("kind", interaction.kind)
        self.initial.setdefault("next_step_owner", interaction.next_step_owner_id)

    def clean(self):
        cleaned = super().clean()
        try:
            plan_rules(
                outcome=cleaned.get("outcome", ""),
                kind=cleaned.get("kind", ""),
                next_step=cleaned.get("next_step", ""),
                next_step_due=cleaned.get("next_step_due"),
                today=self.today,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned
