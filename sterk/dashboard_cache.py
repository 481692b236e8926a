"""The dashboard's computed panels, kept per partnership in Django's cache (docs/rules.md §30).

A partnership has a version token in the cache; a kept panel is filed under the token, so
changing the token forgets every kept panel of the partnership at once, in every process
that shares the cache. Every write that may change a figure changes the token:

- a save or delete of any model instance with a `partnership_id` (contributions, cost and
  funding lines, the budget, organisations, contact moments, activities and results,
  memberships …), or of the partnership itself, and a change of a many-to-many relation of
  such an instance: Django's post_save, post_delete and m2m_changed signals, received for
  every model, whichever app or path wrote it (views, the admin, a shell);
- a save or delete of a scheme (cofinancing.Scheme: shared by every partnership) changes a
  token all partnerships share;
- writes that send no signal (QuerySet.update, bulk_create, bulk_update: the import, "mark a
  next step done") call `changed(partnership_id)` themselves.

A cache that cannot be reached makes the dashboard compute every time (logged), and never
stops a write. The token changes at once and again when the transaction commits, so a page computed from the
data before the commit cannot be kept under the new token. Kept panels expire after TIMEOUT
seconds anyway: a safety net for a write no one announced (a raw SQL fix), not what keeps the
figures right. The key holds the database's host and name, so two databases on one machine
never share panels.

This module imports no app (it sits with the sterk helpers, below every app): apps may call
`changed`, and it listens to their models by label.
"""

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")
logger = logging.getLogger(__name__)
TIMEOUT = 600
EVERY_PARTNERSHIP = "all"
SHARED_MODELS = {"cofinancing.Scheme"}  # rows every partnership's figures depend on
PARTNERSHIP_MODEL = "partners.Partnership"


def _key(*parts) -> str:
    database = connection.settings_dict
    return ":".join(
        ["sterk-dashboard", str(database.get("HOST") or ""), str(database["NAME"])]
        + [str(part) for part in parts]
    )


def _bump(partnership_id) -> None:
    try:
        cache.set(_key("token", partnership_id), uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 - a cache server that is down must not stop a write
        logger.exception("dashboard cache: could not forget partnership %s", partnership_id)


def changed(partnership_id) -> None:
    """Forget the partnership's kept panels, now and once the transaction commits."""
    if partnership_id is None:
        return
    _bump(partnership_id)
    transaction.on_commit(lambda: _bump(partnership_id))


def changed_everywhere() -> None:
    """Forget every partnership's kept panels (a scheme changed)."""
    changed(EVERY_PARTNERSHIP)


def _token(partnership_id) -> str:
    key = _key("token", partnership_id)
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, None)
        token = cache.get(key)
    return token


def cached(partnership_id, variant: tuple, compute: Callable[[], T]) -> T:
    """The kept value of the partnership for `variant` (a tuple of what else it depends on:
    language, role, date), or compute it now and keep it."""
    try:
        tokens = (_token(partnership_id), _token(EVERY_PARTNERSHIP))
        key = _key("panels", partnership_id, *tokens, *variant)
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - without its cache the dashboard is slower, not down
        logger.exception("dashboard cache: not reachable")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:  # noqa: BLE001
            logger.exception("dashboard cache: could not keep the panels")
    return value


def _written(sender, instance, **kwargs) -> None:
    label = sender._meta.label
    if label in SHARED_MODELS:
        changed_everywhere()
    elif label == PARTNERSHIP_MODEL:
        changed(instance.pk)
    else:
        changed(getattr(instance, "partnership_id", None))


def _relation_changed(sender, instance, action, model, pk_set, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _written(type(instance), instance)


def listen() -> None:
    """Called once from SterkConfig.ready: receive the writes of every model."""
    post_save.connect(_written, dispatch_uid="sterk-dashboard-save")
    post_delete.connect(_written, dispatch_uid="sterk-dashboard-delete")
    m2m_changed.connect(_relation_changed, dispatch_uid="sterk-dashboard-m2m")
