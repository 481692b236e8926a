"""Sections that apps above cofinancing add to the settlement page.

cofinancing may not import the apps above it (the accountant's bundle in `bundle/` holds the
agreement too, so it sits above agreements), so such an app registers a panel in its
AppConfig.ready(), as on the organisation page (partners/panels.py). A panel is a callable
`panel(*, tenant, year) -> (template_name, context)` (`year` None: the period); it must run a
fixed number of queries whatever the amount of data.
"""

from collections.abc import Callable

SETTLEMENT_PANELS: list[Callable] = []


def register_settlement_panel(panel: Callable) -> Callable:
    if panel not in SETTLEMENT_PANELS:
        SETTLEMENT_PANELS.append(panel)
    return panel


def settlement_panels(*, tenant, year: int | None) -> list[dict]:
    panels = []
    for panel in SETTLEMENT_PANELS:
        template, context = panel(tenant=tenant, year=year)
        panels.append({"template": template, "context": context})
    return panels
