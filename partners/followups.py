"""Other things to follow up, shown in the follow-up list beside the next steps of contact
moments.

partners/ may not import the apps above it, so an app registers a source in its
AppConfig.ready(). A source is a callable `source(*, tenant, today, user) -> (template_name,
context)` rendering its own section, with its own done buttons; it must run a fixed number
of queries whatever the amount of data.
"""

from collections.abc import Callable

FOLLOWUP_SOURCES: list[Callable] = []


def register_followup_source(source: Callable) -> Callable:
    if source not in FOLLOWUP_SOURCES:
        FOLLOWUP_SOURCES.append(source)
    return source


def followup_sections(*, tenant, today, user) -> list[dict]:
    sections = []
    for source in FOLLOWUP_SOURCES:
        template, context = source(tenant=tenant, today=today, user=user)
        sections.append({"template": template, "context": context})
    return sections
