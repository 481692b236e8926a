"""Every build of an accountant's bundle, kept (docs/rules.md §24): who asked, when, the
manifest's SHA-256 and what the ZIP holds. The file of a build made on the page is kept in
the media storage until a newer build of the same year replaces it; one made by the
command is written where the command was told and is recorded here without a file."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Partnership


class BuildStatus(models.TextChoices):
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class BuildVia(models.TextChoices):
    PAGE = "page", _("Settlement page")
    COMMAND = "command", _("Command")


def bundle_path(instance, filename) -> str:
    return f"bundles/{instance.partnership_id}/{instance.code}.zip"


class BundleBuild(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    via = models.CharField(_("built from"), max_length=10, choices=BuildVia.choices)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("built by"),
    )
    built_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.BUILDING
    )
    error = models.TextField(_("error"), blank=True)
    manifest_sha256 = models.CharField(_("SHA-256 of the manifest"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    file_count = models.PositiveIntegerField(_("files"), default=0)
    missing_count = models.PositiveIntegerField(_("files missing on disk"), default=0)
    # Progress while building: files written out of the files planned.
    done_count = models.PositiveIntegerField(_("files written"), default=0)
    planned_count = models.PositiveIntegerField(_("files planned"), default=0)
    file = models.FileField(_("ZIP file"), upload_to=bundle_path, max_length=200, blank=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("accountant's bundle")
        verbose_name_plural = _("accountant's bundles")
        ordering = ["-built_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "-built_at"])]

    def __str__(self):
        built = formats.date_format(timezone.localtime(self.built_at), "j F Y H:i")
        return f"{self.year or _('the period')} ({built})"

    @property
    def percent_done(self) -> int:
        if not self.planned_count:
            return 0
        return min(100, self.done_count * 100 // self.planned_count)
