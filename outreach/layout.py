"""Where each node of the network map stands, computed on the server from the data alone,
so the same partnership gives the same picture every time and the browser draws it without
a live force layout (docs/rules.md, "The network map").

- Networks stand on an inner circle, in order of name (then code).
- Organisations stand on outer rings, grouped: first the members of each network (by their
  first network in that order), then the others by kind; each group takes an arc of its own
  and its network stands in the middle of that arc.
- Activities stand in a band between the two, at the mean angle of the organisations that
  take part in them.

Pure: plain values in, positions out; no database.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

from sterk.sorting import natural_key

ORGANISATION_SPACING = 34.0  # px along a ring between two organisations
RING_GAP = 34.0
NETWORK_RADIUS = 160.0


@dataclass(frozen=True)
class Placed:
    x: float
    y: float


def _point(radius: float, angle: float) -> Placed:
    return Placed(round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1))


def _mean_angle(angles: list[float]) -> float:
    return math.atan2(sum(map(math.sin, angles)), sum(map(math.cos, angles)))


def positions(
    *,
    networks: list[tuple[int, str, str]],
    organisations: list[tuple[int, str, str, str]],
    memberships: list[tuple[int, int]],
    activities: list[tuple[int, str]],
    participations: list[tuple[int, int]],
) -> dict[str, dict[int, Placed]]:
    """networks: (pk, name, code); organisations: (pk, kind, name, code); memberships:
    (network pk, organisation pk); activities: (pk, short code); participations: (activity
    pk, organisation pk). Returns {"network"|"organisation"|"activity": {pk: Placed}}."""
    network_order = {
        pk: index for index, (pk, _name, _code) in enumerate(sorted(networks, key=lambda n: n[1:]))
    }
    first_network: dict[int, int] = {}
    for network_pk, organisation_pk in memberships:
        if network_pk not in network_order:
            continue
        current = first_network.get(organisation_pk)
        if current is None or network_order[network_pk] < network_order[current]:
            first_network[organisation_pk] = network_pk

    def group(organisation):
        pk, kind, name, code = organisation
        network = first_network.get(pk)
        if network is not None:
            return (0, network_order[network], "", name, code)
        return (1, 0, kind, name, code)

    ordered = sorted(organisations, key=group)
    count = len(ordered)
    ring_radius = NETWORK_RADIUS + 220.0 + 6.0 * len(networks)
    per_ring = max(1, int(2 * math.pi * ring_radius / ORGANISATION_SPACING))
    rings = max(1, math.ceil(count / per_ring))
    organisation_at: dict[int, Placed] = {}
    angle_of: dict[int, float] = {}
    for index, organisation in enumerate(ordered):
        angle = 2 * math.pi * index / max(count, 1) - math.pi / 2
        ring = index % rings
        organisation_at[organisation[0]] = _point(ring_radius + ring * RING_GAP, angle)
        angle_of[organisation[0]] = angle

    angles_by_network: dict[int, list[float]] = defaultdict(list)
    for organisation_pk, network_pk in first_network.items():
        if organisation_pk in angle_of:
            angles_by_network[network_pk].append(angle_of[organisation_pk])
    network_at: dict[int, Placed] = {}
    total = max(len(network_order), 1)
    for pk, index in network_order.items():
        if angles_by_network[pk]:
            angle = _mean_angle(angles_by_network[pk])
        else:
            angle = 2 * math.pi * index / total - math.pi / 2
        network_at[pk] = _point(NETWORK_RADIUS, angle)

    angles_by_activity: dict[int, list[float]] = defaultdict(list)
    for activity_pk, organisation_pk in participations:
        if organisation_pk in angle_of:
            angles_by_activity[activity_pk].append(angle_of[organisation_pk])
    activity_at: dict[int, Placed] = {}
    band = (NETWORK_RADIUS + ring_radius) / 2
    ordered_activities = sorted(activities, key=lambda a: (natural_key(a[1]), a[0]))
    for index, (pk, _short_code) in enumerate(ordered_activities):
        if angles_by_activity[pk]:
            angle = _mean_angle(angles_by_activity[pk])
        else:
            angle = 2 * math.pi * index / max(len(ordered_activities), 1)
        # Three lanes in the band keep activities at the same angle apart.
        activity_at[pk] = _point(band + (index % 3 - 1) * 28.0, angle)
    return {"network": network_at, "organisation": organisation_at, "activity": activity_at}
