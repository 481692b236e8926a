"""Other things to follow up, shown in the follow-up list beside the next steps of contact
moments.

partners/ may not import the apps above it, so an app registers a source in its
AppConfig.ready(). A source is a callable `source(*, tenant, today, user) -> (template_name,
context, count)` rendering its own section, with its own done buttons, and saying how many
open items it shows (the list's empty state shows only when no source has any); it must run
a fixed number of queries whatever the amount of data.
"""

from collections.abc import Callable

FOLLOWUP_SOURCES: list[Callable] = []


def register_followup_source(source: Callable) -> Callable:
    if source not in FOLLOWUP_SOURCES:
        FOLLOWUP_SOURCES.append(source)
    return source


class FollowupSections(list):
    """The sections, in the order their sources registered, with their open items summed
    (`open_count`) so the page knows whether there is anything to follow up at all."""

    @property
    def open_count(self) -> int:
        return sum(section["count"] for section in self)


def followup_sections(*, tenant, today, user) -> FollowupSections:
    sections = FollowupSections()
    for source in FOLLOWUP_SOURCES:
        template, context, count = source(tenant=tenant, today=today, user=user)
        sections.append({"template": template, "context": context, "count": count})
    return sections
