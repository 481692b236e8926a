"""Django's password validators with messages in Sterk's own catalogue.

Django's Dutch translation of these messages lags behind its English (the error of the
minimum length showed in English) and uses "u"; Sterk speaks "je" everywhere.
"""

from django.contrib.auth import password_validation as django_validators
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Your password has at least %(min_length)d character.",
            "Your password has at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return _("This password is too much like your %(verbose_name)s.")

    def get_help_text(self):
        return _("Your password is not like your name or e-mail address.")


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self):
        return _("This password is too common: choose one that is harder to guess.")

    def get_help_text(self):
        return _("Your password is not a commonly used password.")


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self):
        return _("This password has only digits: add letters or other characters.")

    def get_help_text(self):
        return _("Your password is not only digits.")
