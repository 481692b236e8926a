"""The annual statement, kept (docs/rules.md §22)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partnership


class AnnualStatement(models.Model):
    """The annual statement of a year (or of the period when `year` is None): a PDF summary
    and the Excel ledger, rendered in the background from the data at that moment and kept,
    like an agreement version (docs/rules.md §22)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="statements/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    ledger = models.FileField(_("ledger"), upload_to="statements/", blank=True)
    ledger_sha256 = models.CharField(_("SHA-256 of the ledger"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    render_error = models.TextField(_("rendering error"), blank=True)
    render_requested_at = models.DateTimeField(_("rendering asked for"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("renderings asked again"), default=0)
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
        verbose_name = _("annual statement")
        verbose_name_plural = _("annual statements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "year"])]

    def __str__(self):
        return str(self.year or _("the period"))
