"""A select that loads its options on demand (docs/rules.md, "Speed").

A region has up to thousands of organisations: a `<select>` with all of them as options makes
every filter and form heavy. `RemoteSelect` renders every option when the partnership has at
most FULL_OPTIONS rows (most do), else only the empty choice and the selected value(s);
`static/js/remote-select.js` turns it into a searchable field (tom-select): one that searches
its own options when they are all there (`data-options-complete`), else one that asks
`data-remote-options` for at most 20 matches as the user types. The field keeps its full
queryset (the partnership's rows), so validation is unchanged: an id of another partnership
is refused as before.

Without JavaScript a short list is a plain select. A long one gets a search box next to it
(inside `<noscript>`, named `<field>__search`): submitting the form with words in it puts the
matching rows (at most OPTIONS_LIMIT, the same match as the options endpoints) into the
select, the first selected, to confirm with a second submit. Nothing is chosen by the
search alone. One query whatever the number of rows, two with a search.
"""

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

OPTIONS_LIMIT = 20
FULL_OPTIONS = 50
SEARCH_SUFFIX = "__search"
MAX_SEARCH = 100
# What a search without JavaScript matches, by model (as partners/selectors/organisations.py
# and activities/selectors/activities.py match for the options endpoints).
SEARCH_FIELDS = {
    "partners.Organisation": ("name", "city", "kvk_number"),
    "activities.Activity": ("short_code", "title"),
}


def _ids(values) -> list[int]:
    ids = []
    for value in values:
        text = str(getattr(value, "value", value) or "").strip()
        if text.isdigit() and len(text) < 19:
            ids.append(int(text))
    return ids


def matching(queryset, words: list[str], fields: tuple[str, ...]):
    """Rows where every word is in one of `fields` (icontains: a parameter, never SQL text).
    Also the options endpoints' match (partners/options.py)."""
    for word in words:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def _words(text) -> list[str]:
    # PostgreSQL refuses a NUL character in text: it is no part of any name anyway.
    return str(text or "")[:MAX_SEARCH].replace("\x00", "").split()[:5]


class _RemoteOptions:
    """Renders every row when there are at most FULL_OPTIONS, else the empty choice, the
    selected rows and the matches of a search made without JavaScript."""

    def __init__(self, *args, url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if url:
            self.attrs["data-remote-options"] = url
        self._search = ""
        self._complete = None

    def value_from_datadict(self, data, files, name):
        self._search = str(data.get(name + SEARCH_SUFFIX, "") or "")[:MAX_SEARCH]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and (
            name + SEARCH_SUFFIX not in data
        )

    def _matches(self, queryset) -> list:
        words = _words(self._search)
        if not words:
            return []
        label = queryset.model._meta.label
        fields = SEARCH_FIELDS.get(label, ("name",))
        return list(matching(queryset, words, fields)[:OPTIONS_LIMIT])

    def optgroups(self, name, value, attrs=None):
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            return super().optgroups(name, value, attrs)
        field = choices.field
        options = []
        if field.empty_label is not None and not self.allow_multiple_selected:
            options.append(("", field.empty_label))
        queryset = choices.queryset
        ids = _ids(value)
        # One query: the first FULL_OPTIONS + 1 rows and the chosen ones. More than
        # FULL_OPTIONS rows in all means the list is long.
        head = queryset.values("pk")[: FULL_OPTIONS + 1]
        fetched = list(queryset.filter(Q(pk__in=head) | Q(pk__in=ids)))
        self._complete = len(fetched) <= FULL_OPTIONS
        chosen = {str(v) for v in value if v not in (None, "")}
        if self._complete:
            rows = fetched
        else:
            rows = [row for row in fetched if row.pk in ids]
            found = [row for row in self._matches(queryset) if row.pk not in ids]
            if found and not chosen:
                chosen = {str(found[0].pk)}  # to confirm: the form was not valid without it
            rows += found
        options.extend(choices.choice(row) for row in rows)
        groups = []
        for index, (option_value, label) in enumerate(options):
            selected = str(getattr(option_value, "value", option_value)) in chosen or (
                not chosen and option_value == ""
            )
            groups.append(
                (
                    None,
                    [self.create_option(name, option_value, label, selected, index, attrs=attrs)],
                    index,
                )
            )
        return groups

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self._complete:
            context["widget"]["attrs"]["data-options-complete"] = ""
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self._complete or not isinstance(self.choices, ModelChoiceIterator):
            return html
        element_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        search_id = element_id + SEARCH_SUFFIX
        return mark_safe(  # noqa: S308 - both parts escaped by format_html / the widget
            html
            + format_html(
                '<noscript><div class="input-group input-group-sm mt-1">'
                '<label class="input-group-text" for="{}">{}</label>'
                '<input type="search" class="form-control" name="{}" id="{}" value="{}" '
                'maxlength="{}"></div><div class="form-text">{}</div></noscript>',
                search_id,
                _("Search"),
                name + SEARCH_SUFFIX,
                search_id,
                self._search,
                MAX_SEARCH,
                _(
                    "Type part of the name and submit: the list above then holds the "
                    "matches, to choose from and submit again."
                ),
            )
        )


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
