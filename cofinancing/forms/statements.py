"""Forms of the company statements (docs/rules.md §23): send a year's statements, void one,
correct one."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms.interactions import DateInput
from signing.round_forms import MAX_DEADLINE_DAYS, end_of_day, today

DEFAULT_DEADLINE_DAYS = 21
MAX_REASON = 2000


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DateInput(),
        help_text=_("Links work until 23:59 on this day (Dutch time)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = today() + timedelta(days=DEFAULT_DEADLINE_DAYS)

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        if day <= today():
            raise forms.ValidationError(_("The deadline must be in the future."), code="past")
        if day > today() + timedelta(days=MAX_DEADLINE_DAYS):
            raise forms.ValidationError(
                _("The deadline can be at most a year from now."), code="too_far"
            )
        return end_of_day(day)


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectForm(DeadlineForm):
    reason = forms.CharField(
        label=_("Why is the statement corrected?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The earlier statement is voided with this reason; a signed one no longer "
            "certifies its contributions."
        ),
    )
