"""Queue and deliver e-mail (docs/rules.md §19).

`enqueue` writes one row per recipient inside the caller's transaction and hands it to the
task worker after commit; `deliver` sends one message under a lease (a conditional update, so
two workers never send it at once, on SQLite and PostgreSQL alike) and, when the mail server
refuses, counts the attempt, keeps the error and waits longer before the next one;
`send_due` (the `send_queued_mail` command, run by cron) sends whatever is due, so mail
catches up by itself when the server is back. A worker that dies mid-send lets the lease run
out and the message is sent again: at least once, never twice at the same time.

A message's text holds one-time links and codes that their apps store only as hashes: it is
erased once the message is delivered or no longer needed.
"""

import logging
import re
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from outbox import listeners
from outbox.models import Message, Status

logger = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd, ... failed attempt; the last one repeats.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
LEASE = timedelta(minutes=5)
ERROR_LENGTH = 1000


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> timedelta:
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


def clean_subject(subject: str) -> str:
    """One line: a subject with a line break would be refused by the mail library."""
    return " ".join(str(subject).split())[:300]


# A header name is printable ASCII without a colon (RFC 5322 §2.2); a name the mail library
# sets itself is not ours to replace.
_HEADER_NAME = re.compile(r"[!-9;-~]{1,76}")
_RESERVED_HEADERS = {"from", "to", "cc", "bcc", "subject", "date", "message-id", "reply-to"}
HEADER_VALUE_LENGTH = 2000


def clean_headers(headers: dict | None) -> dict[str, str]:
    """Extra headers as stored: a name that is no header name, a reserved one, or a value
    with a line break or a NUL (header injection) is a programming error, refused here
    rather than at every attempt to send."""
    result = {}
    for name, value in (headers or {}).items():
        value = str(value)
        if not _HEADER_NAME.fullmatch(str(name)) or str(name).lower() in _RESERVED_HEADERS:
            raise ValueError(f"not an extra header name: {name!r}")
        if any(char in value for char in "\r\n\x00") or len(value) > HEADER_VALUE_LENGTH:
            raise ValueError(f"not a header value for {name}: {value[:80]!r}")
        result[str(name)] = value
    return result


def enqueue(
    to: list[str] | str,
    subject: str,
    body: str,
    *,
    kind: str = "",
    about=None,
    tenant_id: int | None = None,
    attachments: list[dict] | None = None,
    headers: dict | None = None,
    discard_after: datetime | None = None,
    send_after_commit: bool = True,
) -> list[Message]:
    """One queued message per distinct recipient; delivered by the task worker after commit
    (unless `send_after_commit` is False: the caller delivers it itself, see `deliver`).
    `headers` are extra header lines sent with every attempt (clean_headers)."""
    headers = clean_headers(headers)
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = sorted({address.strip() for address in recipients if address and address.strip()})
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    now = timezone.now()
    created = []
    with transaction.atomic():
        for recipient in recipients:
            message = Message.objects.create(
                to=recipient,
                subject=clean_subject(subject),
                body=body,
                kind=kind,
                attachments=attachments or [],
                headers=headers,
                tenant_id=tenant_id,
                content_type=content_type,
                object_id=about.pk if about is not None else None,
                next_attempt_at=now,
                discard_after=discard_after,
            )
            listeners.notify(message, "queued", strict=True)
            created.append(message)
    if send_after_commit:
        for message in created:
            transaction.on_commit(partial(_enqueue_task, message.pk))
    return created


def _enqueue_task(message_id: int, run_after: datetime | None = None) -> None:
    task = deliver_message
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the cron command (send_queued_mail) picks it up when it is due
        task = task.using(run_after=run_after)
    try:
        task.enqueue(message_id)
    except Exception:
        # The row is safe; the cron command sends it when the task queue is back.
        logger.exception("could not enqueue delivery of message %s", message_id)


def _claim(message_id: int, now: datetime) -> bool:
    return bool(
        Message.objects.filter(pk=message_id, status=Status.QUEUED, next_attempt_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE)
    )


def _email(message: Message) -> EmailMessage:
    email = EmailMessage(
        message.subject, message.body, None, [message.to], headers=dict(message.headers or {})
    )
    for attachment in message.attachments:
        with default_storage.open(attachment["path"], "rb") as handle:
            email.attach(attachment["name"], handle.read(), attachment.get("mimetype"))
    return email


def deliver(message_id: int) -> bool | None:
    """Send one message now if it is due and nobody else is sending it. True when the mail
    server accepted it, False when it did not (the attempt is counted and retried later),
    None when there was nothing to do."""
    now = timezone.now()
    if not _claim(message_id, now):
        return None
    message = Message.objects.get(pk=message_id)
    if message.discard_after and now >= message.discard_after:
        Message.objects.filter(pk=message.pk).update(
            status=Status.CANCELLED, claimed_until=None, body="", headers={}
        )
        return None
    try:
        _email(message).send()
    except Exception as error:  # any failure of the mail server or the attachment
        _failed(message, error)
        return False
    message.status = Status.SENT
    message.attempts += 1
    message.sent_at = timezone.now()
    message.last_error = ""
    message.claimed_until = None
    Message.objects.filter(pk=message.pk).update(
        status=message.status,
        attempts=message.attempts,
        sent_at=message.sent_at,
        last_error="",
        claimed_until=None,
        body="",
        headers={},
    )
    listeners.notify(message, "sent")
    return True


@task()
def deliver_message(message_id: int) -> bool | None:
    """The task worker's delivery of one message."""
    return deliver(message_id)


def _failed(message: Message, error: Exception) -> None:
    message.attempts += 1
    message.last_error = (f"{type(error).__name__}: {error}")[:ERROR_LENGTH]
    message.claimed_until = None
    message.next_attempt_at = timezone.now() + backoff(message.attempts)
    if message.attempts >= max_attempts():
        message.status = Status.FAILED
    Message.objects.filter(pk=message.pk).update(
        attempts=message.attempts,
        last_error=message.last_error,
        claimed_until=None,
        next_attempt_at=message.next_attempt_at,
        status=message.status,
    )
    logger.warning("mail %s to %s not delivered: %s", message.pk, message.to, message.last_error)
    listeners.notify(message, "failed")
    if message.status == Status.QUEUED:
        _enqueue_task(message.pk, run_after=message.next_attempt_at)


def retry(message: Message) -> bool | None:
    """A person asks to try an undelivered message again, now (a given-up one too)."""
    if message.status not in (Status.QUEUED, Status.FAILED):
        return None
    Message.objects.filter(pk=message.pk, status__in=[Status.QUEUED, Status.FAILED]).update(
        status=Status.QUEUED, next_attempt_at=timezone.now()
    )
    return deliver(message.pk)


def cancel(*, about, kind: str | None = None) -> int:
    """Unsent messages about this object (of this kind) are no longer needed: a newer code
    replaces an older one; a link re-sent to a corrected address replaces the undelivered
    one."""
    messages = Message.objects.filter(
        content_type=ContentType.objects.get_for_model(about),
        object_id=about.pk,
        status__in=[Status.QUEUED, Status.FAILED],
    )
    if kind:
        messages = messages.filter(kind=kind)
    return messages.update(status=Status.CANCELLED, claimed_until=None, body="", headers={})


def send_due(*, limit: int = 500) -> dict:
    """Send every message that is due (the cron command). Returns counts."""
    now = timezone.now()
    due = list(
        Message.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for message_id in due:
        result = deliver(message_id)
        counts["sent" if result else "failed" if result is False else "skipped"] += 1
    return counts
