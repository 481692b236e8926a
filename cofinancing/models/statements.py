"""A company's statement of its realised contributions (verklaring cofinanciering,
docs/rules.md §23): made from the data, rendered in the background and kept, signed through
signing/ by the organisation's authorised signatories; when signed, the contributions it
lists are certified by it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from cofinancing.models.budget import MONEY_FIELD
from cofinancing.models.contributions import Contribution
from partners.models import Organisation, Partnership
from signing.models import Document


class StatementStatus(models.TextChoices):
    """made (rendering, or not sendable) → sent → signed; declined by a signer; voided (by a
    corrected statement, a changed contribution, or the leader)."""

    MADE = "made", _("not sent")
    SENT = "sent", _("sent")
    SIGNED = "signed", _("signed")
    DECLINED = "declined", _("declined")
    VOIDED = "voided", _("voided")


OUT = (StatementStatus.MADE, StatementStatus.SENT, StatementStatus.DECLINED)


class CompanyStatement(models.Model):
    """One organisation's statement of one year (or the period when `year` is None): number
    1, 2, … per organisation and year; a corrected statement is a new number."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="company_statements",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("number"))
    contributions = models.ManyToManyField(
        Contribution, related_name="statements", verbose_name=_("contributions")
    )
    # The lines as printed (plain data), and the SHA-256 of their canonical JSON.
    lines = models.JSONField(_("lines"), default=list)
    snapshot_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    total = models.DecimalField(_("total"), **MONEY_FIELD)
    pdf = models.FileField(_("PDF"), upload_to="company-statements/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    render_error = models.TextField(_("rendering error"), blank=True)
    render_requested_at = models.DateTimeField(_("rendering asked for"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("renderings asked again"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=StatementStatus.choices, default=StatementStatus.MADE
    )
    # Sent when its PDF is rendered (the render task sends the round), by whom, until when.
    send_deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    send_error = models.TextField(_("why it was not sent"), blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True, max_length=2000)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    disputed = models.ManyToManyField(
        Contribution, related_name="disputed_in", blank=True, verbose_name=_("disputed")
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("company statement")
        verbose_name_plural = _("company statements")
        ordering = ["organisation__name", "-number", "pk"]
        indexes = [models.Index(fields=["partnership", "year", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "number"],
                nulls_distinct=False,
                name="company_statement_number_once",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year or _('the period')} #{self.number}"
