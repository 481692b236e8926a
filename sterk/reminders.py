"""Periodic reminders that apps add to the reminder cron.

`manage.py send_signing_reminders` is the cron job that sends reminders (docs/rules.md §13);
apps that have reminders of their own (the agreement's end of period, §26) register a
callable here in their AppConfig.ready(), and the command runs them after its own. A
reminder returns the number of messages it queued and must be idempotent: running the cron
twice sends nothing more. This module imports no app.
"""

from collections.abc import Callable

_REMINDERS: dict[str, Callable[[], int]] = {}


def register_reminder(name: str, reminder: Callable[[], int]) -> None:
    _REMINDERS[name] = reminder


def registered_reminders() -> dict[str, Callable[[], int]]:
    return dict(_REMINDERS)
