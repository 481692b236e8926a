"""Dates inside sentences: one rule, in the reader's language (7 december 2026)."""

import datetime

from django.utils import formats


def long_date(value: datetime.date) -> str:
    """`7 december 2026` in Dutch, `7 December 2026` in English; never 2026-12-07."""
    return formats.date_format(value, "j F Y")
