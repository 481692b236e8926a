"""Forms of the signatory's page: they only shape and bound the input.

The rules themselves (a six-digit code, a name with letters, a PNG drawing, a reason) live in
signing.services, so the online page and signing together can never differ. Each form
knows how to take a ValidationError of its service onto its own fields (`add_service_error`),
so a refusal of the service shows next to what the signatory typed, and nothing is lost.

Field names are plain (`code`, `typed_name`, `reason` …); every form has its own `auto_id`
prefix, because all four are on one page and their ids must be unique.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from signing import services as signing
from sterk.validators import validate_single_line

# ASCII digits only: str.isdigit() would also take "١٢٣٤٥٦" and cost the signatory a try.
SIX_DIGITS = re.compile(r"[0-9]{6}")


class ServiceErrorsMixin:
    """Put a service's ValidationError on the right field: by the error's dict keys, or by
    its `code` through SERVICE_FIELDS; anything else is a non-field error."""

    SERVICE_FIELDS: dict[str, str] = {}
    DEFAULT_FIELD: str | None = None

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return
        for item in error.error_list:
            field = self.SERVICE_FIELDS.get(item.code or "", None)
            if field is None and item.code is None:
                field = self.DEFAULT_FIELD
            self.add_error(field, item)


class CodeForm(ServiceErrorsMixin, forms.Form):
    """The one-time code from the e-mail; spaces and dashes are forgiven ("123 456")."""

    SERVICE_FIELDS = {"wrong": "code", "code_expired": "code", "locked": "code", "none": "code"}

    code = forms.CharField(
        label=_("Code from the e-mail"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "size": 8,
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "code_%s")
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].replace("-", " ").split())
        if not SIX_DIGITS.fullmatch(code):
            raise ValidationError(_("Enter the six digits of the code."), code="format")
        return code


class SignForm(ServiceErrorsMixin, forms.Form):
    """Confirm the statement, type the full name, maybe draw; `pdf_sha256` says which document
    the signatory was shown, so a signature can only be for the version's own PDF."""

    SERVICE_FIELDS = {"name": "typed_name", "image": "signature_image", "statement": "confirm"}

    confirm = forms.BooleanField(label=_("I confirm this statement"), required=True)
    typed_name = forms.CharField(
        label=_("Your full name"),
        # The service allows 200 characters and says so; the form only stops absurd input.
        max_length=1000,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Type your name as you would sign it: first name and surname."),
    )
    signature_image = forms.CharField(
        required=False,
        max_length=signing.MAX_SIGNATURE_IMAGE,
        widget=forms.HiddenInput,
    )
    pdf_sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "sign_%s")
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].widget.attrs["maxlength"] = 200
        self.fields["confirm"].error_messages["required"] = _("Confirm the statement to sign.")
        self.fields["signature_image"].error_messages["max_length"] = _(
            "The drawn signature could not be read. Draw it again or leave it empty."
        )
        self.fields["pdf_sha256"].error_messages["required"] = _(
            "The document you were shown is not the one to sign. Reload the page."
        )

    def clean_signature_image(self) -> str:
        return signing.clean_signature_image(self.cleaned_data.get("signature_image", ""))


class DeclineForm(ServiceErrorsMixin, forms.Form):
    """Why the signer declines, and whatever the document's kind asks besides (e.g. the
    items of a statement they dispute)."""

    DEFAULT_FIELD = "reason"

    reason = forms.CharField(
        label=_("Why do you decline to sign?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The project leader reads this."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this link then no longer works"), required=True
    )

    def __init__(self, *args, kind_fields=(), **kwargs):
        kwargs.setdefault("auto_id", "decline_%s")
        super().__init__(*args, **kwargs)
        self.kind_fields = tuple(kind_fields)
        for field in self.kind_fields:
            self.fields[f"detail_{field.name}"] = forms.CharField(
                label=field.label,
                help_text=field.help_text,
                required=field.required,
                max_length=field.max_length,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.order_fields(["reason", *(f"detail_{f.name}" for f in self.kind_fields), "confirm"])

    def details(self) -> dict:
        return {
            field.name: self.cleaned_data.get(f"detail_{field.name}", "")
            for field in self.kind_fields
        }

    def add_service_error(self, error: ValidationError) -> None:
        # The service names a kind's field plainly; on the form it is prefixed.
        if hasattr(error, "error_dict"):
            names = {field.name for field in self.kind_fields}
            error = ValidationError(
                {
                    (f"detail_{name}" if name in names else name): errors
                    for name, errors in error.error_dict.items()
                }
            )
        super().add_service_error(error)


class RedirectForm(ServiceErrorsMixin, forms.Form):
    """ "I am not the right person": who is."""

    name = forms.CharField(
        label=_("Name of the person who can sign"),
        max_length=300,
        validators=[validate_single_line],
    )
    email = forms.EmailField(label=_("Their e-mail address"), required=False, max_length=254)
    note = forms.CharField(
        label=_("Note for the project leader"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this link then no longer works"), required=True
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "redirect_%s")
        super().__init__(*args, **kwargs)
