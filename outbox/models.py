"""Every e-mail is a row until it is delivered (docs/rules.md §19).

The outbox sits below every app: it imports none. A message links to what it is about
generically (content type and id); the app that owns that object may listen to its delivery
(outbox.listeners).
"""

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("not delivered")
    CANCELLED = "cancelled", _("no longer needed")


class Message(models.Model):
    """One message to one recipient. Queued until the mail server accepts it; every attempt
    counts, the last error is kept, and the next attempt waits longer (outbox.services)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # [{"path": storage name, "name": file name, "mimetype": ...}], read when sent.
    attachments = models.JSONField(default=list, blank=True)
    # Extra header lines, {"List-Unsubscribe": "<https://...>", ...}: kept on the row, so a
    # retry sends them again; erased with the text (they may hold a personal link).
    headers = models.JSONField(default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    # The tenant (a partnership's id) whose people may see and retry it; the outbox does not
    # know what a partnership is.
    tenant_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    # A worker that takes the message holds it until then (a lease): two workers never send
    # it at once; a worker that dies lets it go when the lease runs out.
    claimed_until = models.DateTimeField(null=True, blank=True)
    discard_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"
