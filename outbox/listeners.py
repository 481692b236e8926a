"""Apps that care about the delivery of their mail register here (from AppConfig.ready()).

`listen(Model, on_event=..., link=...)`: `on_event(message, event)` is called with "queued"
(inside the transaction that queued it), "sent" and "failed" (after every failed attempt;
`message.status` is FAILED when the outbox gave up); `link(message)` is the page where a
person can see and fix what the message is about. Keyed by content type, so the outbox
imports no app.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listener:
    on_event: Callable | None = None
    link: Callable | None = None


_listeners: dict[str, Listener] = {}


def _key(model) -> str:
    return model._meta.label_lower


def listen(model, *, on_event: Callable | None = None, link: Callable | None = None) -> None:
    _listeners[_key(model)] = Listener(on_event=on_event, link=link)


def unlisten(model) -> None:
    _listeners.pop(_key(model), None)


def _listener(message) -> Listener | None:
    if message.content_type_id is None:
        return None
    content_type = ContentType.objects.get_for_id(message.content_type_id)
    return _listeners.get(f"{content_type.app_label}.{content_type.model}")


def notify(message, event: str, *, strict: bool = False) -> None:
    """Tell the subject's app. While queuing (`strict`), a failing listener fails the
    caller's transaction, so nothing is queued without its trail; after an attempt, it is
    logged and the delivery stands."""
    listener = _listener(message)
    if listener is None or listener.on_event is None:
        return
    if strict:
        listener.on_event(message, event)
        return
    try:
        listener.on_event(message, event)
    except Exception:
        logger.exception("outbox listener failed for message %s (%s)", message.pk, event)


def link(message) -> str:
    listener = _listener(message)
    if listener is None or listener.link is None:
        return ""
    try:
        return listener.link(message) or ""
    except Exception:
        logger.exception("outbox link failed for message %s", message.pk)
        return ""
