"""The bundle's part of the settlement page: the button and the latest builds."""

from bundle.selectors import LATEST_SHOWN, build_status, builds_of


def settlement_builds(*, tenant, year):
    """One query: the latest builds of the partnership, whatever their year."""
    builds = list(builds_of(tenant.partnership)[: LATEST_SHOWN + 1])
    return "bundle/panels/settlement.html", {
        "tenant": tenant,
        "year": year,
        "rows": [(build, build_status(build)) for build in builds[:LATEST_SHOWN]],
        "more": len(builds) > LATEST_SHOWN,
    }
