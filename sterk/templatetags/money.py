from django import template

from sterk.money import format_euro

register = template.Library()


@register.filter
def euro(value):
    """`{{ amount|euro }}` prints € 1.234,56; an empty value prints a dash."""
    if value is None or value == "":
        return "—"
    return format_euro(value)


@register.filter
def dutch_number(value):
    """A Decimal without the euro sign, Dutch style: 1.234,56."""
    if value is None or value == "":
        return "—"
    return format_euro(value, symbol=False)
