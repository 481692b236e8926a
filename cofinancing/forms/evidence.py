"""Forms of evidence files: the upload and the filter of the missing-evidence list.

The upload form only bounds the input (one file, not empty, at most 20 MB by the size the
upload handler counted, a one-line note); what the file is, is decided by
cofinancing.services.evidence from its content.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cofinancing.models import EvidenceKind
from cofinancing.services.evidence import MAX_NOTE, too_large_message
from partners.widgets import remote
from sterk.uploads import FILE_TYPES, MAX_UPLOAD_BYTES
from sterk.validators import validate_single_line

ACCEPT = ",".join(
    [extension for file_type in FILE_TYPES for extension in file_type.extensions]
    + [file_type.content_type for file_type in FILE_TYPES]
)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A PDF, PNG, JPEG, Excel (XLSX), Word (DOCX), ODT or CSV file of at most 20 MB."
        ),
        allow_empty_file=False,
        max_length=1000,
        error_messages={
            "required": _("Choose a file."),
            "invalid": _("No file was sent. Choose a file."),
            "missing": _("No file was sent. Choose a file."),
            "empty": _("This file is empty. Choose the file itself."),
            "max_length": _("The name of this file is too long. Rename it and try again."),
        },
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=MAX_NOTE,
        validators=[validate_single_line],
        help_text=_("For example the period or the invoice number."),
    )

    def __init__(self, *args, too_large: bool = False, suggested_kind: str | None = None, **kwargs):
        """`too_large`: the upload handler stopped storing the file at the limit;
        `suggested_kind`: the kind chosen at first, the first one still missing."""
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        if suggested_kind:
            self.fields["kind"].initial = suggested_kind

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message(), code="too_large")
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            # The file never reached the form; say why, instead of "no file was sent".
            self.errors.pop("file", None)
            self.add_error("file", forms.ValidationError(too_large_message(), code="too_large"))
        return cleaned


class MissingEvidenceFilter(forms.Form):
    """The year and organisation of the missing-evidence list; both optional."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=None)

    def __init__(self, *args, years: list[int], organisations, options_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(year, str(year)) for year in years]
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = _("All organisations")
        if options_url:
            remote(self.fields["organisation"], options_url)

    def values(self) -> dict:
        """The valid filter values; an invalid one counts as not given (the form shows why)."""
        if not self.is_bound:
            return {"year": None, "organisation": None}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"year": data.get("year"), "organisation": data.get("organisation")}
