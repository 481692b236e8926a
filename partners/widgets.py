"""A select that loads its options on demand (docs/rules.md, "Speed").

A region has up to thousands of organisations: a `<select>` with all of them as options makes
every filter and form heavy. `RemoteSelect` renders only the empty choice and the selected
value(s); `static/js/remote-select.js` turns it into a searchable field (tom-select) that asks
`data-remote-options` for at most 20 matches as the user types. The field keeps its full
queryset (the partnership's rows), so validation is unchanged: an id of another
partnership is refused as before. Without JavaScript the select holds the current choice;
the options endpoints are then plain JSON pages, so a filter by another organisation needs
JavaScript or the page with the organisation (its links lead to the filtered list).
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext as _

OPTIONS_LIMIT = 20


def _ids(values) -> list[int]:
    ids = []
    for value in values:
        text = str(getattr(value, "value", value) or "").strip()
        if text.isdigit() and len(text) < 19:
            ids.append(int(text))
    return ids


class _RemoteOptions:
    """Renders the empty choice and the selected rows only (one query, by primary key)."""

    def __init__(self, *args, url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if url:
            self.attrs["data-remote-options"] = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # tom-select's own "No results found" is English: the page says it in its language.
        context["widget"]["attrs"]["data-no-results"] = _("Nothing found for “%s”.")
        return context

    def optgroups(self, name, value, attrs=None):
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            return super().optgroups(name, value, attrs)
        field = choices.field
        options = []
        if field.empty_label is not None and not self.allow_multiple_selected:
            options.append(("", field.empty_label))
        ids = _ids(value)
        if ids:
            rows = choices.queryset.filter(pk__in=ids)
            options.extend(choices.choice(row) for row in rows)
        groups = []
        for index, (option_value, label) in enumerate(options):
            selected = str(getattr(option_value, "value", option_value)) in {str(v) for v in value}
            groups.append(
                (
                    None,
                    [self.create_option(name, option_value, label, selected, index, attrs=attrs)],
                    index,
                )
            )
        return groups


class RemoteSelect(_RemoteOptions, forms.Select):
    pass


class RemoteSelectMultiple(_RemoteOptions, forms.SelectMultiple):
    pass


def remote(field, url: str) -> None:
    """Make a (multiple) model choice field of a form load its options from `url`; call it
    after the field's queryset is set."""
    widget_class = RemoteSelectMultiple if field.widget.allow_multiple_selected else RemoteSelect
    widget = widget_class(attrs={**field.widget.attrs, "data-remote-options": url})
    widget.choices = field.choices
    widget.is_required = field.required
    field.widget = widget


def organisation_options_url(partnership) -> str:
    return reverse("partners:organisation-options", kwargs={"slug": partnership.slug})
