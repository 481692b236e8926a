"""Sections that apps above activities add to the activity and goal pages.

activities/ may not import the apps above it, so an app registers a panel in its
AppConfig.ready(), as partners/panels.py does for the organisation page. A panel is a
callable `panel(*, tenant, subject) -> (template_name, context)`, where the subject is an
Activity or a Goal; it must run a fixed number of queries.
"""

from collections.abc import Callable

ACTIVITY_PANELS: list[Callable] = []
GOAL_PANELS: list[Callable] = []


def register_activity_panel(panel: Callable) -> Callable:
    if panel not in ACTIVITY_PANELS:
        ACTIVITY_PANELS.append(panel)
    return panel


def register_goal_panel(panel: Callable) -> Callable:
    if panel not in GOAL_PANELS:
        GOAL_PANELS.append(panel)
    return panel


def _render(panels, tenant, subject) -> list[dict]:
    result = []
    for panel in panels:
        template, context = panel(tenant=tenant, subject=subject)
        result.append({"template": template, "context": context})
    return result


def activity_panels(*, tenant, activity) -> list[dict]:
    return _render(ACTIVITY_PANELS, tenant, activity)


def goal_panels(*, tenant, goal) -> list[dict]:
    return _render(GOAL_PANELS, tenant, goal)
