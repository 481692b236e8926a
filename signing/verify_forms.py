"""The upload form of the public verify page (docs/rules.md §15).

It only bounds the input: one file, not empty, at most MAX_UPLOAD_BYTES. The size is taken
from what the upload handler counted (`uploaded.size`), never by reading the content, so a
file that is too big is refused without being looked at. Whether the bytes are a PDF is not
the form's business: agreements.verification answers that for any bytes.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from sterk.uploads import MAX_UPLOAD_BYTES  # 20 MB, as the messages below say

TOO_LARGE = _(
    "This file is larger than 20 MB, so it was not checked. A signed agreement from Sterk is "
    "much smaller: upload the PDF you received by e-mail."
)


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file to check"),
        help_text=_("The signed agreement as you received it, at most 20 MB."),
        allow_empty_file=False,
        max_length=1000,
        error_messages={
            "required": _("Choose a PDF file to check."),
            "invalid": _("No file was sent. Choose a PDF file to check."),
            "missing": _("No file was sent. Choose a PDF file to check."),
            "empty": _("This file is empty. Choose the PDF file itself."),
            "max_length": _("The name of this file is too long. Rename it and try again."),
        },
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        """`too_large`: the upload handler stopped storing the file at the limit."""
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_LARGE, code="too_large")
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            # The file never reached the form; say why, instead of "no file was sent".
            self.errors.pop("file", None)
            self.add_error("file", forms.ValidationError(TOO_LARGE, code="too_large"))
        return cleaned
