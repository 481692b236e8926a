from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Authority, Contact, EvidenceSource, Signatory
from partners.signing import authorities_for_kind
from sterk.validators import validate_single_line


class ContactForm(forms.ModelForm):
    """Name, e-mail, phone, job title, primary flag and the opt-in to the partner update; the model's validators check the
    e-mail address and phone number. The organisation comes from the URL."""

    class Meta:
        model = Contact
        fields = ["name", "email", "phone", "job_title", "is_primary", "receives_updates"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "is_primary": _(
                "The organisation has one primary contact; choosing this one replaces the "
                "current primary contact."
            ),
            "receives_updates": _(
                "Only with their consent: they receive the partnership's periodic update by "
                "e-mail, and every e-mail has a link to unsubscribe in one click."
            ),
        }


class SignatoryForm(forms.Form):
    """Authority and evidence of a contact who may sign for their organisation.

    Only authorities that fit the organisation's kind are offered, and only other
    signatories of the same organisation (so of the same partnership) can be chosen as
    co-signatory: a forged value is a form error.
    """

    authority = forms.ChoiceField(label=_("Authority"))
    co_signatory = forms.ModelChoiceField(
        label=_("Co-signatory"),
        queryset=Signatory.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_("Required for a jointly authorised director: who signs together with them."),
    )
    proxy_limit = forms.DecimalField(
        label=_("Proxy limit (EUR)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Required for a proxy: the highest contribution they may sign for."),
    )
    evidence_source = forms.ChoiceField(
        label=_("Evidence"),
        required=False,
        choices=[("", "---------"), *EvidenceSource.choices],
    )
    evidence_reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=200,
        validators=[validate_single_line],
        help_text=_("For example the number of the KvK extract or of the mandate decision."),
    )
    evidence_date = forms.DateField(
        label=_("Date of the evidence"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, contact: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = contact.organisation
        allowed = authorities_for_kind(organisation.kind)
        self.fields["authority"].choices = [
            (value, label) for value, label in Authority.choices if value in allowed
        ]
        self.fields["authority"].error_messages["invalid_choice"] = _(
            "This kind of authority does not fit an organisation of the kind %(kind)s."
        ) % {"kind": organisation.get_kind_display()}
        co_signatories = (
            Signatory.objects.filter(
                partnership_id=contact.partnership_id, contact__organisation=organisation
            )
            .exclude(contact=contact)
            .select_related("contact")
            .order_by("contact__name")
        )
        self.fields["co_signatory"].queryset = co_signatories
        self.fields["co_signatory"].label_from_instance = lambda signatory: signatory.contact.name

    def clean_evidence_date(self):
        date = self.cleaned_data.get("evidence_date")
        if date is not None and date > timezone.localdate():
            raise forms.ValidationError(_("The date of the evidence cannot be in the future."))
        return date

    def clean(self):
        cleaned = super().clean()
        authority = cleaned.get("authority")
        # A jointly authorised director may be saved before the second director exists;
        # the organisation page then says the co-signatory is missing.
        if authority != Authority.JOINT_DIRECTOR:
            cleaned["co_signatory"] = None
        if authority == Authority.PROXY:
            if cleaned.get("proxy_limit") is None and "proxy_limit" not in self.errors:
                self.add_error("proxy_limit", _("A proxy needs the amount it is limited to."))
        elif authority:
            # A limit only means something for a proxy; anything typed is dropped.
            cleaned["proxy_limit"] = None
            self.errors.pop("proxy_limit", None)
        return cleaned
