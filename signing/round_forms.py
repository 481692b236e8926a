"""Forms of the project leader's side of signing: send, extend, void, revoke, reissue, paper.

They validate and normalise input only; the rules of signing (latest version, PDF ready, the
round still open, …) are checked by signing.services, whose errors the views put on the
form. Dates are typed as days and turned into moments in Europe/Amsterdam, where the
partnerships are.
"""

from contextlib import suppress
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.forms.interactions import DateInput
from signing import services as signing
from signing.models import RoundStatus, SigningRound
from sterk.validators import validate_single_line

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_DEADLINE_DAYS = 14
MAX_DEADLINE_DAYS = 365
MAX_REASON = 2000
MAX_SCAN_BYTES = 10 * 1024 * 1024
# What a scan may be, told by its first bytes (a name can say anything).
SCAN_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)


def today() -> date:
    return timezone.localdate(timezone=AMSTERDAM)


def end_of_day(day: date) -> datetime:
    """A deadline typed as a day means the end of that day in the Netherlands."""
    return datetime.combine(day, time(23, 59), tzinfo=AMSTERDAM)


def _check_deadline_day(day: date) -> date:
    if day < today():
        raise forms.ValidationError(_("The deadline must be in the future."), code="past")
    if day > today() + timedelta(days=MAX_DEADLINE_DAYS):
        raise forms.ValidationError(
            _("The deadline can be at most a year from now."), code="too_far"
        )
    return day


def _deadline_field(**kwargs) -> forms.DateField:
    return forms.DateField(
        label=_("Deadline"),
        widget=DateInput(),
        help_text=_("Links work until 23:59 on this day (Dutch time)."),
        **kwargs,
    )


def _reason_field(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_REASON,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SendForm(forms.Form):
    """Deadline and order of a new round; with "own order", one turn per signatory.

    The turn fields exist for every signatory the version names, so the page can show them
    without JavaScript; they are read (and required) only when the own order is chosen.
    """

    ORDER_CHOICES = [
        (signing.ORDER_PARALLEL, _("Everyone at the same time")),
        (signing.ORDER_PENVOERDER_LAST, _("All partners first, the penvoerder last")),
        (signing.ORDER_CUSTOM, _("My own order: give each signatory a turn below")),
    ]

    deadline = _deadline_field()
    order = forms.ChoiceField(
        label=_("Order of signing"),
        choices=ORDER_CHOICES,
        initial=signing.ORDER_PARALLEL,
        widget=forms.RadioSelect,
        help_text=_("In order, a link works only when the signatories before it have signed."),
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to the e-mail every signatory receives, above their link."),
    )

    def __init__(self, *args, signers: list[signing.Signer], **kwargs):
        super().__init__(*args, **kwargs)
        self.signers = signers
        self.fields["deadline"].initial = today() + timedelta(days=DEFAULT_DEADLINE_DAYS)
        self.turn_names = {}
        last = max(len(signers), 1)
        for signer in signers:
            name = f"turn_{signer.signatory_key}"
            self.turn_names[name] = signer
            self.fields[name] = forms.IntegerField(
                label=_("Turn of %(name)s (%(organisation)s)")
                % {"name": signer.name, "organisation": signer.organisation},
                required=False,
                min_value=1,
                max_value=last,
                initial=2 if signer.is_penvoerder and last > 1 else 1,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def turn_fields(self):
        return [self[name] for name in self.turn_names]

    def clean_deadline(self):
        return _check_deadline_day(self.cleaned_data["deadline"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("order") == signing.ORDER_CUSTOM:
            for name in self.turn_names:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Give this signatory a turn."))
        else:
            # Not the own order: whatever was typed in the turns does not count.
            for name in self.turn_names:
                self.errors.pop(name, None)
                cleaned.pop(name, None)
        return cleaned

    def preview_values(self) -> tuple[datetime, str]:
        """The deadline and message of the e-mail preview: what was typed, where it can be
        read (a deadline in the past is shown as typed; the form says what is wrong with it),
        else the defaults."""
        day = self.fields["deadline"].initial
        message = ""
        if self.is_bound:
            with suppress(forms.ValidationError):
                day = self.fields["deadline"].clean(self["deadline"].value())
            message = (self["message"].value() or "").strip()[:MAX_REASON]
        return end_of_day(day), message

    def send_arguments(self) -> dict:
        """The keyword arguments of signing.round_send, from the cleaned data."""
        order = self.cleaned_data["order"]
        arguments = {
            "deadline": end_of_day(self.cleaned_data["deadline"]),
            "order": order,
            "message": self.cleaned_data.get("message") or "",
        }
        if order == signing.ORDER_CUSTOM:
            arguments["steps"] = {
                signer.signatory_key: self.cleaned_data[name]
                for name, signer in self.turn_names.items()
            }
        return arguments


class ExtendForm(forms.Form):
    deadline = _deadline_field()

    def __init__(self, *args, signing_round: SigningRound, **kwargs):
        super().__init__(*args, **kwargs)
        current = timezone.localdate(signing_round.deadline, timezone=AMSTERDAM)
        self.fields["deadline"].label = _("New deadline")
        self.fields["deadline"].initial = max(current, today()) + timedelta(
            days=DEFAULT_DEADLINE_DAYS
        )

    def clean_deadline(self):
        return end_of_day(_check_deadline_day(self.cleaned_data["deadline"]))


class VoidForm(forms.Form):
    """Reason and confirmation of voiding. An open round is confirmed with a checkbox; a
    completed round is a signed document in force, so voiding it needs the document's title
    typed, which a reflex click cannot do."""

    reason = _reason_field(
        _("Reason"),
        _("Everyone who already signed receives this reason by e-mail."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that no link works any more and that signatures collected in "
            "this round no longer count."
        ),
    )

    def __init__(self, *args, signing_round: SigningRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.signing_round = signing_round
        if signing_round.status == RoundStatus.COMPLETED:
            del self.fields["confirm"]
            self.fields["confirm_title"] = forms.CharField(
                label=_("Type the title of the document to confirm: %(title)s")
                % {"title": signing_round.document.title},
                help_text=_("This voids a signed document that is in force."),
                max_length=300,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def clean_confirm_title(self):
        typed = " ".join(self.cleaned_data["confirm_title"].split()).casefold()
        title = self.signing_round.document.title
        if typed != " ".join(title.split()).casefold():
            raise forms.ValidationError(
                _("Type %(title)s exactly, to void it.") % {"title": title},
                code="wrong_title",
            )
        return typed


class RevokeForm(forms.Form):
    reason = _reason_field(_("Reason"), _("Kept in the audit trail."))


class ReissueForm(forms.Form):
    """A new link, at a corrected e-mail address when the old one was wrong. Empty keeps the
    current address; signing.services.request_reissue validates it again."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        help_text=_(
            "Correct it if the link did not arrive; the change is kept in the audit trail."
        ),
    )

    def __init__(self, *args, current_email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_email = current_email
        self.fields["email"].initial = current_email

    def new_email(self) -> str | None:
        """The address to send to when it differs from the current one, else None."""
        email = self.cleaned_data.get("email") or ""
        return email if email and email != self.current_email else None


class PaperForm(forms.Form):
    """A wet-ink signature: the signed scan (PDF, PNG or JPEG, at most 10 MB), who signed and
    on which day — not before the round was sent and not in the future."""

    scan = forms.FileField(
        label=_("Signed scan"),
        help_text=_("A PDF, PNG or JPEG file of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    signed_by = forms.CharField(
        label=_("Signed by"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("The name of the person who signed, as on the paper."),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())

    def __init__(self, *args, signing_round: SigningRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.signing_round = signing_round
        self.fields["signed_on"].initial = today()

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        if scan.size > MAX_SCAN_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than 10 MB. Scan at a lower resolution or in black and "
                    "white."
                ),
                code="too_large",
            )
        scan.seek(0)
        head = scan.read(16)
        scan.seek(0)
        for magic, extension in SCAN_SIGNATURES:
            if head.startswith(magic):
                # The stored name follows what the file is, not what it was called.
                scan.name = f"scan.{extension}"
                return scan
        raise forms.ValidationError(
            _("This file is not a PDF, PNG or JPEG. Upload the scan in one of those formats."),
            code="type",
        )

    def clean_signed_by(self):
        name = " ".join(self.cleaned_data["signed_by"].split())
        if not any(character.isalpha() for character in name):
            raise forms.ValidationError(_("Give the name of the person who signed."))
        return name

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        if day > today():
            raise forms.ValidationError(_("The day of signing cannot be in the future."))
        sent = timezone.localdate(self.signing_round.sent_at, timezone=AMSTERDAM)
        if day < sent:
            raise forms.ValidationError(
                _("The day of signing cannot be before the round was sent.")
            )
        return day

    def signed_at(self) -> datetime:
        """The moment recorded: noon of the day given, kept between the sending of the round
        and now, so the trail never shows a signature before the request or in the future."""
        moment = datetime.combine(self.cleaned_data["signed_on"], time(12), tzinfo=AMSTERDAM)
        return min(max(moment, self.signing_round.sent_at), timezone.now())
