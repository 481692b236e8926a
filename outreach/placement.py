"""Keeping the network map's positions (MapLayout): computed on the server the first time,
then kept. A node that appears later (a new organisation, network or activity) is placed
beside the nodes that stand, which do not move; a network or activity placed while nothing
was tied to it is placed again beside its organisations once something is. Only a leader's
"arrange again" places every node anew (outreach/layout.py computes the positions).

Reading the map costs one query here; a change costs the write (and the organisations when
the map was filtered), the same number whatever the number of nodes."""

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from outreach.layout import flatten, place_new, positions
from outreach.models import MapLayout


@dataclass
class Graph:
    """The whole map, unfiltered. networks: (pk, name, code); organisations: (pk, kind,
    name, code), or None when not loaded; memberships: (network, organisation); activities:
    (pk, short code); ties: (activity, organisation)."""

    networks: list
    organisations: list | None
    memberships: list
    activities: list
    ties: list

    def neighbours(self) -> dict[str, list[str]]:
        """The organisations tied to each network and activity, keyed as node ids."""
        result: dict[str, list[str]] = defaultdict(list)
        for network, organisation in self.memberships:
            result[f"n{network}"].append(f"o{organisation}")
        for activity, organisation in self.ties:
            result[f"a{activity}"].append(f"o{organisation}")
        return result

    def fresh(self) -> dict[str, tuple[float, float]]:
        return flatten(
            positions(
                networks=self.networks,
                organisations=self.organisations or [],
                memberships=self.memberships,
                activities=self.activities,
                participations=self.ties,
            )
        )


def _valid(stored) -> dict[str, tuple[float, float]]:
    """Only well-formed entries of a stored layout count; anything else is placed anew."""
    if not isinstance(stored, dict):
        return {}
    result = {}
    for key, point in stored.items():
        if (
            isinstance(key, str)
            and isinstance(point, list)
            and len(point) == 2
            and all(isinstance(v, int | float) and math.isfinite(v) for v in point)
        ):
            result[key] = (float(point[0]), float(point[1]))
    return result


def _loose(kept: dict, neighbours: dict) -> list[str]:
    return sorted(key for key in kept if key[0] in "na" and not neighbours.get(key))


def _store(partnership, layout, kept, loose, *, arranged_by=None, arranged=False) -> MapLayout:
    now = timezone.now()
    values = {
        "positions": {key: list(point) for key, point in kept.items()},
        "loose": loose,
        "changed_at": now,
    }
    if arranged:
        values.update(arranged_at=now, arranged_by=arranged_by)
    if layout is None:
        layout = MapLayout(partnership=partnership, **{"arranged_at": now, **values})
        try:
            with transaction.atomic():
                layout.save()
        except IntegrityError:
            # Another request stored the first layout at the same moment: it stands.
            pass
        return layout
    MapLayout.objects.filter(pk=layout.pk).update(**values)
    for name, value in values.items():
        setattr(layout, name, value)
    return layout


def kept_positions(
    *, partnership, graph: Graph, shown: set[str], organisations: Callable[[], list]
) -> tuple[dict[str, tuple[float, float]], MapLayout | None]:
    """The positions of the map, stored ones where they exist. `shown` are the node ids the
    page draws; `organisations()` loads them all when `graph` was read filtered. Returns
    (positions, layout)."""
    layout = MapLayout.objects.filter(partnership=partnership).first()
    stored = _valid(layout.positions) if layout else {}
    neighbours = graph.neighbours()
    loose = set(layout.loose) if layout and isinstance(layout.loose, list) else set()
    reattach = {key for key in loose if key in stored and neighbours.get(key)}
    if not ({key for key in shown if key not in stored} | reattach):
        return stored, layout
    if graph.organisations is None:
        graph.organisations = organisations()
    fresh = graph.fresh()
    kept = {key: point for key, point in stored.items() if key in fresh and key not in reattach}
    if kept:
        kept.update(place_new(stored=kept, fresh=fresh, neighbours=neighbours))
    else:
        kept = fresh
    layout = _store(partnership, layout, kept, _loose(kept, neighbours))
    return kept, layout


def arrange(*, partnership, graph: Graph, user) -> MapLayout:
    """Place every node anew (the leader's "arrange again")."""
    layout = MapLayout.objects.filter(partnership=partnership).first()
    kept = graph.fresh()
    return _store(
        partnership,
        layout,
        kept,
        _loose(kept, graph.neighbours()),
        arranged_by=user,
        arranged=True,
    )
