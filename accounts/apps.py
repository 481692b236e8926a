from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_say_signed_out, dispatch_uid="accounts-signed-out")


def _say_signed_out(sender, request, user, **kwargs):
    from django.contrib import messages
    from django.utils.translation import gettext

    if request is not None:
        messages.info(request, gettext("You are signed out."), fail_silently=True)
