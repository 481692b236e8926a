"""Fields that apps above partners add to the contact-moment form, and what they do with
them once the moment is saved (outreach: "this moment ticks approach step: …").

partners/ may not import the apps above it, so an app registers an extension in its
AppConfig.ready(), as partners/panels.py does for the organisation page. An extension has

- `fields(*, partnership, organisation, interaction) -> {name: forms.Field}`: the fields it
  adds (none when it has nothing to offer); `interaction` is None for a new moment. It runs a
  fixed number of queries.
- `save(*, interaction, values, user) -> None`: called after the moment is saved, inside the
  same transaction, with the cleaned values of its own fields. A ValidationError (keyed by
  its field names, or without a key) undoes the moment's save too: nothing is saved half.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction


@dataclass(frozen=True)
class InteractionExtension:
    fields: Callable[..., dict]
    save: Callable[..., None]


INTERACTION_EXTENSIONS: list[InteractionExtension] = []


def register_interaction_extension(extension: InteractionExtension) -> InteractionExtension:
    if extension not in INTERACTION_EXTENSIONS:
        INTERACTION_EXTENSIONS.append(extension)
    return extension


def extend_form(form, *, partnership, organisation, interaction) -> None:
    """Add every extension's fields to `form`; remember which are whose."""
    form.extension_fields = []
    for extension in INTERACTION_EXTENSIONS:
        added = extension.fields(
            partnership=partnership, organisation=organisation, interaction=interaction
        )
        form.fields.update(added)
        form.extension_fields.append((extension, list(added)))


def save_with_extensions(form, *, save: Callable, user):
    """Run `save()` (the service that writes the moment) and then every extension, in one
    transaction. Returns the moment; a ValidationError of either rolls both back."""
    with transaction.atomic():
        interaction = save()
        for extension, names in getattr(form, "extension_fields", []):
            if names:
                values = {name: form.cleaned_data.get(name) for name in names}
                extension.save(interaction=interaction, values=values, user=user)
    return interaction


def add_errors(form, error: ValidationError) -> None:
    """Show a ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
