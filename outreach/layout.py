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


# --- Keeping positions: placing new nodes beside those that stand ---------------------------

# Closer than this, two node centres overlap (organisations are 18 to 52 px wide).
MIN_GAP = 26.0
LANE = 28.0
TRIES = 60


def flatten(placed: dict[str, dict[int, Placed]]) -> dict[str, tuple[float, float]]:
    """positions() as one dict keyed as the map's node ids: "n<pk>", "o<pk>", "a<pk>"."""
    prefix = {"network": "n", "organisation": "o", "activity": "a"}
    return {
        f"{prefix[group]}{pk}": (at.x, at.y)
        for group, nodes in placed.items()
        for pk, at in nodes.items()
    }


class _Grid:
    """The points that stand, in square cells of MIN_GAP: a free spot is checked against the
    nine cells around it, not every point."""

    def __init__(self, points):
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
        for point in points:
            self.add(point)

    def _cell(self, point):
        return (math.floor(point[0] / MIN_GAP), math.floor(point[1] / MIN_GAP))

    def add(self, point):
        self.cells[self._cell(point)].append(point)

    def free(self, point) -> bool:
        cx, cy = self._cell(point)
        return all(
            math.hypot(point[0] - other[0], point[1] - other[1]) >= MIN_GAP
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for other in self.cells.get((cx + dx, cy + dy), ())
        )


def _order(key: str) -> tuple[int, int]:
    # Organisations first: networks and activities stand beside their organisations.
    return ("ona".index(key[0]), int(key[1:]))


def place_new(
    *,
    stored: dict[str, tuple[float, float]],
    fresh: dict[str, tuple[float, float]],
    neighbours: dict[str, list[str]],
) -> dict[str, tuple[float, float]]:
    """Positions for the nodes of `fresh` (a whole new layout) that `stored` lacks, without
    moving any stored node. An organisation takes its place of the fresh layout, or further
    out when that spot is taken; a network or activity stands at the mean angle of the
    organisations tied to it (`neighbours`) as they stand, at its fresh distance from the
    centre, moved to a free lane when needed. Returns the new positions only."""
    grid = _Grid(point for key, point in stored.items() if key in fresh)
    placed: dict[str, tuple[float, float]] = {}
    for key in sorted((key for key in fresh if key not in stored), key=_order):
        x, y = fresh[key]
        radius, angle = math.hypot(x, y), math.atan2(y, x)
        if key[0] == "o":
            offsets = [step * RING_GAP for step in range(TRIES)]
        else:
            around = [stored.get(other) or placed.get(other) for other in neighbours.get(key, [])]
            around = [point for point in around if point]
            if around:
                angle = _mean_angle([math.atan2(py, px) for px, py in around])
            offsets = [LANE * ((step + 1) // 2) * (-1) ** step for step in range(TRIES)]
            offsets = [offset for offset in offsets if radius + offset > LANE]
        spot = None
        for offset in offsets:
            candidate = (
                round((radius + offset) * math.cos(angle), 1),
                round((radius + offset) * math.sin(angle), 1),
            )
            if grid.free(candidate):
                spot = candidate
                break
        if spot is None:  # crowded all the way out: overlap rather than search on
            spot = (round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1))
        placed[key] = spot
        grid.add(spot)
    return placed
