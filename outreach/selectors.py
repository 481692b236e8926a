"""Reads of the outreach app: the network map's nodes and edges, its gaps and its table.
Each runs a fixed number of queries whatever the number of organisations."""

import math
from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from activities.models import Activity, Participant
from cofinancing.models import PLEDGED_AND_UP
from outreach.layout import Placed
from outreach.placement import Graph, kept_positions
from partners.models import (
    BUSINESS_KINDS,
    GOVERNMENT_KINDS,
    SCHOOL_KINDS,
    Network,
    NetworkMember,
    Organisation,
    OrganisationKind,
    Sector,
    Stage,
)
from sterk.sorting import natural_key

COMMITTED_STAGES = (Stage.COMMITTED, Stage.SIGNED)
ZERO = Decimal("0.00")


def kind_group(kind: str) -> str:
    """The colour group of an organisation kind on the map."""
    if kind in BUSINESS_KINDS:
        return "business"
    if kind in SCHOOL_KINDS:
        return "school"
    if kind in GOVERNMENT_KINDS:
        return "government"
    return "other"


def organisations_filtered(*, partnership, filters: dict):
    """The partnership's organisations narrowed by the map's filters (kind, sector, stage,
    network), each with `contribution_total`: its pledged-and-up contributions, summed in SQL."""
    queryset = Organisation.objects.filter(partnership=partnership)
    for name in ("kind", "sector", "stage"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("network"):
        members = NetworkMember.objects.filter(network=filters["network"]).values("organisation")
        queryset = queryset.filter(pk__in=members)
    return queryset.annotate(
        contribution_total=Coalesce(
            Sum("contributions__value", filter=Q(contributions__status__in=PLEDGED_AND_UP)),
            Value(ZERO),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    ).order_by("name", "pk")


def _size(total: Decimal, largest: Decimal) -> int:
    if largest <= 0 or total <= 0:
        return 18
    return 18 + round(34 * math.sqrt(float(total / largest)))


def graph_of(*, partnership) -> Graph:
    """The whole map, unfiltered, as the layout reads it (the "arrange again"). Five
    queries."""
    networks = list(
        Network.objects.filter(partnership=partnership).values_list("pk", "name", "code")
    )
    organisations = _all_organisations(partnership)
    memberships = list(
        NetworkMember.objects.filter(partnership=partnership).values_list(
            "network_id", "organisation_id"
        )
    )
    activities = list(
        Activity.objects.filter(partnership=partnership).values_list(
            "pk", "short_code", "lead_organisation_id"
        )
    )
    return Graph(
        networks=networks,
        organisations=organisations,
        memberships=memberships,
        activities=[(pk, short_code) for pk, short_code, _lead in activities],
        ties=_ties(partnership, activities),
    )


def _all_organisations(partnership) -> list[tuple]:
    return [
        (pk, kind, name, str(code))
        for pk, kind, name, code in Organisation.objects.filter(
            partnership=partnership
        ).values_list("pk", "kind", "name", "code")
    ]


def _ties(partnership, activities) -> list[tuple[int, int]]:
    """(activity, organisation): participants and lead organisations."""
    ties = set(
        Participant.objects.filter(partnership=partnership).values_list(
            "activity_id", "organisation_id"
        )
    )
    ties |= {(row[0], row[-1]) for row in activities if row[-1]}
    return sorted(ties)


def map_data(*, partnership, filters: dict) -> dict:
    """The map's elements as Cytoscape reads them (nodes with their kept position, edges),
    and counts for the caption. Six queries (a seventh and a write when nodes were added)."""
    organisations = list(
        organisations_filtered(partnership=partnership, filters=filters).values_list(
            "pk", "code", "name", "kind", "stage", "contribution_total"
        )
    )
    shown = {row[0] for row in organisations}
    all_networks = list(
        Network.objects.filter(partnership=partnership).values_list("pk", "name", "code")
    )
    networks = all_networks
    if filters.get("network"):
        networks = [row for row in networks if row[0] == filters["network"].pk]
    network_pks = {row[0] for row in networks}
    all_memberships = list(
        NetworkMember.objects.filter(partnership=partnership).values_list(
            "network_id", "organisation_id"
        )
    )
    memberships = [pair for pair in all_memberships if pair[0] in network_pks and pair[1] in shown]
    all_activities = list(
        Activity.objects.filter(partnership=partnership).values_list(
            "pk", "short_code", "title", "code", "lead_organisation_id"
        )
    )
    all_ties = _ties(partnership, all_activities)
    ties = [pair for pair in all_ties if pair[1] in shown]
    activities = all_activities
    if any(filters.values()):
        tied = {activity for activity, _ in ties}
        activities = [row for row in activities if row[0] in tied]

    graph = Graph(
        networks=all_networks,
        organisations=None
        if any(filters.values())
        else [(row[0], row[3], row[2], str(row[1])) for row in organisations],
        memberships=all_memberships,
        activities=[(row[0], row[1]) for row in all_activities],
        ties=all_ties,
    )
    keys = (
        {f"n{row[0]}" for row in networks}
        | {f"a{row[0]}" for row in activities}
        | {f"o{pk}" for pk in shown}
    )
    kept, layout = kept_positions(
        partnership=partnership,
        graph=graph,
        shown=keys,
        organisations=lambda: _all_organisations(partnership),
    )
    placed = {
        group: {pk: Placed(*kept[f"{letter}{pk}"]) for pk in pks}
        for group, letter, pks in (
            ("network", "n", network_pks),
            ("activity", "a", {row[0] for row in activities}),
            ("organisation", "o", shown),
        )
    }
    slug = partnership.slug
    organisation_url = reverse(
        "partners:organisation-detail", args=[slug, "00000000-0000-0000-0000-000000000000"]
    )
    network_url = reverse(
        "partners:network-detail", args=[slug, "00000000-0000-0000-0000-000000000000"]
    )
    activity_url = reverse(
        "activities:activity-detail", args=[slug, "00000000-0000-0000-0000-000000000000"]
    )
    blank = "00000000-0000-0000-0000-000000000000"
    largest = max((row[5] for row in organisations), default=ZERO)
    nodes = []
    for pk, name, code in networks:
        at = placed["network"][pk]
        nodes.append(
            {
                "data": {
                    "id": f"n{pk}",
                    "label": name,
                    "url": network_url.replace(blank, str(code)),
                },
                "position": {"x": at.x, "y": at.y},
                "classes": "network",
            }
        )
    for pk, short_code, title, code, _lead in activities:
        at = placed["activity"][pk]
        nodes.append(
            {
                "data": {
                    "id": f"a{pk}",
                    "label": f"{short_code} {title}",
                    "url": activity_url.replace(blank, str(code)),
                },
                "position": {"x": at.x, "y": at.y},
                "classes": "activity",
            }
        )
    for pk, code, name, kind, stage, total in organisations:
        at = placed["organisation"][pk]
        nodes.append(
            {
                "data": {
                    "id": f"o{pk}",
                    "label": name,
                    "url": organisation_url.replace(blank, str(code)),
                    "size": _size(total, largest),
                },
                "position": {"x": at.x, "y": at.y},
                "classes": f"organisation kind-{kind_group(kind)} stage-{stage}",
            }
        )
    edges = [
        {
            "data": {
                "id": f"m{network}-{organisation}",
                "source": f"o{organisation}",
                "target": f"n{network}",
            }
        }
        for network, organisation in sorted(memberships)
    ]
    shown_activities = {row[0] for row in activities}
    edges += [
        {
            "data": {
                "id": f"p{activity}-{organisation}",
                "source": f"o{organisation}",
                "target": f"a{activity}",
            }
        }
        for activity, organisation in ties
        if activity in shown_activities
    ]
    return {
        "elements": {"nodes": nodes, "edges": edges},
        "layout": layout,
        "counts": {
            "organisations": len(organisations),
            "networks": len(networks),
            "activities": len(activities),
        },
    }


def map_gaps(*, partnership) -> dict:
    """Where the partnership is thin: sectors and kinds without a committed or signed
    partner, and networks with members nobody approached yet (stage prospect). Two queries."""
    committed = set(
        Organisation.objects.filter(partnership=partnership, stage__in=COMMITTED_STAGES)
        .values_list("kind", "sector")
        .distinct()
    )
    kinds = {kind for kind, _ in committed}
    sectors = {sector for _, sector in committed}
    prospects = defaultdict(list)
    networks = {}
    for member in (
        NetworkMember.objects.filter(partnership=partnership, organisation__stage=Stage.PROSPECT)
        .select_related("network", "organisation")
        .order_by("network__name", "network_id", "organisation__name")
    ):
        networks[member.network_id] = member.network
        prospects[member.network_id].append(member.organisation)
    return {
        "sectors": [
            label
            for value, label in Sector.choices
            if value != Sector.OTHER and value not in sectors
        ],
        "kinds": [
            label
            for value, label in OrganisationKind.choices
            if value != OrganisationKind.OTHER and value not in kinds
        ],
        "networks": [
            {
                "network": networks[pk],
                "prospects": prospects[pk][:10],
                "more": max(0, len(prospects[pk]) - 10),
            }
            for pk in networks
        ],
    }


def map_table_rows(*, organisations) -> list[dict]:
    """The table alternative for one page of organisations: their networks and activities.
    Three queries on top of the page's own."""
    organisations = list(organisations)
    pks = [organisation.pk for organisation in organisations]
    networks = defaultdict(list)
    for member in (
        NetworkMember.objects.filter(organisation__in=pks)
        .select_related("network")
        .order_by("network__name")
    ):
        networks[member.organisation_id].append(member.network)
    activities = defaultdict(dict)
    led = Activity.objects.filter(lead_organisation__in=pks).values_list(
        "lead_organisation_id", "code", "short_code", "title"
    )
    joined = Participant.objects.filter(organisation__in=pks).values_list(
        "organisation_id", "activity__code", "activity__short_code", "activity__title"
    )
    for organisation_pk, code, short_code, title in [*led, *joined]:
        activities[organisation_pk][code] = {"code": code, "short_code": short_code, "title": title}
    return [
        {
            "organisation": organisation,
            "networks": networks[organisation.pk],
            "activities": sorted(
                activities[organisation.pk].values(), key=lambda row: natural_key(row["short_code"])
            ),
        }
        for organisation in organisations
    ]
