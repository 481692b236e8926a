import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sterk.validators import validate_single_line
from updates.models import INTRO_LIMIT, SECTIONS, TEXT_LIMIT

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """The period an update covers; the service checks the order and the length."""

    period_start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("Until"), widget=DATE_WIDGET)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Leave empty for “Partner update” with the period."),
    )

    @staticmethod
    def initial_period() -> dict:
        """The last three months up to today."""
        today = timezone.localdate()
        return {"period_start": today - datetime.timedelta(days=91), "period_end": today}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return cleaned


class UpdateForm(forms.Form):
    """The texts a leader edits: title, introduction and each section."""

    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_single_line])
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=INTRO_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your own words to open the update."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, heading in SECTIONS:
            self.fields[name] = forms.CharField(
                label=heading,
                required=False,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=_("Lines starting with “- ” become a list. Leave empty to leave out."),
            )
