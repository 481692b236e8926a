from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Goal, Result, ResultKind
from activities.services.results import result_rules
from sterk.forms import DutchDecimalField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ResultForm(forms.ModelForm):
    """A success or setback of one activity.

    Only the goals this activity serves can be chosen (and the goal the result already had),
    so a forged post with any other goal, of this or another partnership, is a form error.
    """

    # Declared here, without choices: the model's default would query Goal outside a
    # partnership scope when the module loads. __init__ sets the activity's goals.
    goal = forms.ModelChoiceField(
        label=_("Goal"),
        queryset=Goal.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("Optional: the goal this result brings closer (or further away)."),
    )
    value = DutchDecimalField(
        label=_("Measured value"),
        required=False,
        help_text=_(
            "Optional: what this result adds to the goal's indicator, in its unit, for "
            "example 12,5. A setback may lose ground with a negative number."
        ),
    )

    class Meta:
        model = Result
        fields = ["date", "kind", "description", "goal", "value", "celebrated"]
        widgets = {
            "date": DateInput(),
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "celebrated": _("Only for a success: it was celebrated with the partners."),
        }

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.today = timezone.localdate()
        served = Q(activities=activity)
        if self.instance.goal_id is not None:
            served |= Q(pk=self.instance.goal_id)
        self.fields["goal"].queryset = (
            Goal.objects.filter(served, partnership=activity.partnership_id)
            .distinct()
            .order_by("title", "pk")
        )
        # Always one of the two: no empty choice among the radio buttons.
        self.fields["kind"].choices = ResultKind.choices
        if self.instance.pk is None:
            self.initial.setdefault("date", self.today)
            self.initial.setdefault("kind", ResultKind.SUCCESS)

    def clean(self):
        cleaned = super().clean()
        try:
            result_rules(
                activity=self.activity,
                date=cleaned.get("date"),
                kind=cleaned.get("kind"),
                goal=cleaned.get("goal"),
                value=cleaned.get("value"),
                celebrated=bool(cleaned.get("celebrated")),
                today=self.today,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                # A field that already failed keeps its own, more precise message.
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned

    def _post_clean(self):
        # The service writes and runs the model's validation; the form leaves the instance
        # untouched, so a refused change never shows up on the page as if it were saved.
        pass
