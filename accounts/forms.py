from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox import services as outbox


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in with an e-mail address; the field keeps the name `username` for django-axes."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address or the password is not correct. Mind that the password "
            "is case-sensitive."
        ),
        "inactive": _("This account has been deactivated."),
    }


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with its e-mail queued in the outbox (docs/rules.md §19) instead
    of sent once and only logged when the mail server refuses it; the link is no longer
    sent once it has expired."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        outbox.enqueue(
            to_email,
            subject,
            body,
            kind="password_reset",
            about=context.get("user"),
            discard_after=timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
        )
