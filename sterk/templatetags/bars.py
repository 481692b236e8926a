"""Widths of progress bars without a style attribute, which the Content-Security-Policy
refuses (style-src has no 'unsafe-inline'): the stylesheet has a class per whole percent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def bar_width(part, whole=100) -> str:
    """`{{ part|bar_width:whole }}` is the class `bar-w-N`, N the share in whole percent,
    0 to 100 (an overshoot fills the bar; no whole, or nothing to read, is an empty bar)."""
    try:
        part, whole = Decimal(str(part)), Decimal(str(whole))
    except (InvalidOperation, ValueError, TypeError):
        return "bar-w-0"
    if not whole.is_finite() or not part.is_finite() or whole <= 0:
        return "bar-w-0"
    percent = int((part * 100 / whole).to_integral_value(rounding=ROUND_HALF_UP))
    return f"bar-w-{min(max(percent, 0), 100)}"
