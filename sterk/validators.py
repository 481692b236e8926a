"""Validators for any app: sterk/ imports no app, so every app can use these."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every character str.splitlines() breaks a line on: CR, LF, vertical tab, form feed, the
# file/group/record separators, NEL (U+0085), LINE SEPARATOR and PARAGRAPH SEPARATOR.
LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

SINGLE_LINE_MESSAGE = _("Keep this on one line: remove the line break.")


def has_line_break(value: str) -> bool:
    return bool(LINE_BREAKS.search(value))


def validate_single_line(value) -> None:
    """Refuse a line or paragraph break in a one-line field (a name, a title, a subject).

    A name with a line break breaks every e-mail header it lands in and every one-line
    place it is shown. Attached to the model fields, it runs in ModelForms, the admin and
    every full_clean(); plain form fields and the importer call it themselves."""
    if isinstance(value, str) and has_line_break(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="line_break")
