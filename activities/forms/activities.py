"""The activity form and its participant rows.

Both only validate and normalise; `activities.services.activities` saves. Every choice of
a goal or organisation is limited to the partnership, so a forged id of another
partnership's row is "not one of the available choices".
"""

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Goal, Participant
from activities.selectors.activities import partnership_goals, partnership_organisations
from partners.models import Organisation, Partnership
from partners.widgets import organisation_options_url, remote

PARTICIPANT_PREFIX = "participants"
EXTRA_PARTICIPANT_ROWS = 2
# More rows than any activity has participants. Django's own cap is 2,000 rows: a forged
# TOTAL_FORMS made the page build and render that many, seconds of work for one request.
MAX_PARTICIPANT_ROWS = 100


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ActivityForm(forms.ModelForm):
    # Declared here without choices: the model's defaults would query Goal and
    # Organisation outside a partnership scope when the module loads.
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals served"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Give companies real ownership: let a partner lead, not only advise."),
    )

    class Meta:
        model = Activity
        fields = [
            "short_code",
            "title",
            "description",
            "form",
            "goals",
            "lead_organisation",
            "start_date",
            "end_date",
            "status",
            "horizon",
            "other_funding",
            "other_funding_note",
        ]
        labels = {
            "short_code": _("Code"),
            "title": _("Title"),
            "description": _("Description"),
            "form": _("Form of cooperation"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
            "status": _("Status"),
            "horizon": _("Horizon"),
            "other_funding": _("Other funding"),
            "other_funding_note": _("Note on other funding"),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "other_funding_note": forms.Textarea(attrs={"rows": 2}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["goals"].queryset = partnership_goals(partnership=partnership)
        self.fields["lead_organisation"].queryset = partnership_organisations(
            partnership=partnership
        )
        remote(self.fields["lead_organisation"], organisation_options_url(partnership))

    def clean_short_code(self):
        return self.cleaned_data["short_code"].strip()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            # On the field, so the model's check constraint is not reported a second time.
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned


class ParticipantForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )

    class Meta:
        model = Participant
        fields = ["organisation", "tasks", "responsibilities"]
        labels = {"tasks": _("Tasks"), "responsibilities": _("Responsibilities")}
        help_texts = {
            "tasks": _("What this organisation does in the activity. Goes into the agreement."),
            "responsibilities": _("What it answers for. Goes into the agreement."),
        }
        widgets = {
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "responsibilities": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisations, options_url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if options_url:
            # Rendered with the chosen row only; the others load on demand.
            remote(self.fields["organisation"], options_url)

    def clean_tasks(self):
        return self.cleaned_data["tasks"].strip()

    def clean_responsibilities(self):
        return self.cleaned_data["responsibilities"].strip()

    def validate_unique(self):
        # One organisation per activity is checked among the rows of the page (see the
        # formset's clean) and by the service. The per-row database check would wrongly
        # refuse swapping two organisations, or re-adding one whose row is being deleted.
        pass


class BaseParticipantFormSet(BaseInlineFormSet):
    def __init__(self, *args, partnership: Partnership, **kwargs):
        self.partnership = partnership
        self.organisations = partnership_organisations(partnership=partnership)
        kwargs.setdefault("prefix", PARTICIPANT_PREFIX)
        kwargs.setdefault(
            "queryset",
            Participant.objects.filter(partnership=partnership)
            .select_related("organisation")
            .order_by("organisation__name", "pk"),
        )
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Django offers every participant the scope can see; only this activity's rows may
        # be edited here, so a forged id of another activity's participant is an error.
        form.fields["id"].queryset = self.get_queryset()

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "organisations": self.organisations,
            "options_url": organisation_options_url(self.partnership),
        }

    def clean(self):
        """An organisation takes part once: a second row with it gets an error."""
        if any(self.errors):
            return
        seen = set()
        for form in self._kept_forms():
            organisation = form.cleaned_data["organisation"]
            if organisation.pk in seen:
                form.add_error(
                    "organisation",
                    _("%(organisation)s is already a participant in another row.")
                    % {"organisation": organisation.name},
                )
            seen.add(organisation.pk)

    def new_row(self, index: int):
        """An empty participant row numbered `index`, as Django builds its empty_form but
        with a real prefix: the row the "add participant" button fetches (no query)."""
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix(index),
            empty_permitted=True,
            use_required_attribute=False,
            **self.get_form_kwargs(None),
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def participants(self) -> list[dict]:
        """The rows to keep, as the service takes them; empty and deleted rows left out."""
        return [
            {
                "organisation": form.cleaned_data["organisation"],
                "tasks": form.cleaned_data["tasks"],
                "responsibilities": form.cleaned_data["responsibilities"],
            }
            for form in self._kept_forms()
        ]

    def _kept_forms(self):
        # Existing rows count even when unchanged; new rows only when filled in.
        for index, form in enumerate(self.forms):
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            if self._should_delete_form(form):
                continue
            if form.cleaned_data.get("organisation") is not None:
                yield form


def total_forms_key() -> str:
    return f"{PARTICIPANT_PREFIX}-TOTAL_FORMS"


def new_row_index(value) -> int | None:
    """The index of a row to add, from the form's TOTAL_FORMS as the page sends it: a
    number of rows that still leaves room for one more, else None."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 3:
        return None
    index = int(text)
    return index if index < MAX_PARTICIPANT_ROWS else None


ParticipantFormSet = inlineformset_factory(
    Activity,
    Participant,
    form=ParticipantForm,
    formset=BaseParticipantFormSet,
    fields=["organisation", "tasks", "responsibilities"],
    extra=EXTRA_PARTICIPANT_ROWS,
    can_delete=True,
    max_num=MAX_PARTICIPANT_ROWS,
    validate_max=True,
    absolute_max=MAX_PARTICIPANT_ROWS,
)
