"""The periodic update for all partners (docs/rules.md §29): composed from the data of a
period, edited by a leader, sent once to the contacts who opted in. Once sent, its texts are
what the partners received and no longer change; every recipient is kept."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Contact, Partnership
from sterk.validators import validate_single_line

TEXT_LIMIT = 10000
INTRO_LIMIT = 5000

# The sections, in the order the update shows them: (field, heading).
SECTIONS = (
    ("successes_text", _("Successes celebrated")),
    ("new_partners_text", _("New partners")),
    ("activities_text", _("Activities started")),
    ("share_text", _("The share of business so far")),
)


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class PartnerUpdate(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    intro = models.TextField(_("introduction"), max_length=INTRO_LIMIT, blank=True)
    successes_text = models.TextField(SECTIONS[0][1], max_length=TEXT_LIMIT, blank=True)
    new_partners_text = models.TextField(SECTIONS[1][1], max_length=TEXT_LIMIT, blank=True)
    activities_text = models.TextField(SECTIONS[2][1], max_length=TEXT_LIMIT, blank=True)
    share_text = models.TextField(SECTIONS[3][1], max_length=TEXT_LIMIT, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=UpdateStatus.choices, default=UpdateStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The PDF attached to the e-mails, kept as it was sent (a storage name).
    pdf_path = models.CharField(max_length=300, blank=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("partner update")
        verbose_name_plural = _("partner updates")
        ordering = ["-period_end", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="update_period_in_order",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_sent(self) -> bool:
        return self.status == UpdateStatus.SENT

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) of every section that has text."""
        return [
            (heading, getattr(self, name))
            for name, heading in SECTIONS
            if getattr(self, name).strip()
        ]


class UpdateRecipient(models.Model):
    """Who received a sent update, as they were then (name and address are copied: a contact
    may be changed or deleted later)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    update = models.ForeignKey(PartnerUpdate, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    # The queued e-mail in the outbox (none when the demo seeded it quietly).
    message = models.ForeignKey(
        "outbox.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["organisation_name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["update", "email"], name="update_recipient_once"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"
