"""The penvoerder a statement names. Cofinancing sits below agreements (which holds the
penvoerder) and cannot ask it, so agreements registers a lookup here in its AppConfig.ready(),
as apps register kinds with signing; without one, the statement leaves the penvoerder out."""

from collections.abc import Callable

_LOOKUP: list[Callable] = []


def register_penvoerder(lookup: Callable) -> None:
    """`lookup(partnership) -> str`: the penvoerder's name, "" when none is chosen."""
    _LOOKUP[:] = [lookup]


def penvoerder_name(partnership) -> str:
    return (_LOOKUP[0](partnership) or "") if _LOOKUP else ""
