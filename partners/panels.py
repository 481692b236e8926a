"""Sections that apps to the right of partners add to the organisation page.

Apps may not be imported by partners (dependencies point partners ← activities ← …), so an
app registers a panel in its AppConfig.ready(). A panel is a callable
`panel(*, tenant, organisation) -> (template_name, context)`; it must run a fixed number of
queries whatever the amount of data.
"""

from collections.abc import Callable

ORGANISATION_PANELS: list[Callable] = []


def register_organisation_panel(panel: Callable) -> Callable:
    if panel not in ORGANISATION_PANELS:
        ORGANISATION_PANELS.append(panel)
    return panel


def organisation_panels(*, tenant, organisation) -> list[dict]:
    panels = []
    for panel in ORGANISATION_PANELS:
        template, context = panel(tenant=tenant, organisation=organisation)
        panels.append({"template": template, "context": context})
    return panels
