"""Evidence files of contributions and cost lines (docs/rules.md §21)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from cofinancing.models.budget import CostLine
from cofinancing.models.contributions import Contribution
from partners.models import Partnership
from sterk.validators import validate_single_line


class EvidenceKind(models.TextChoices):
    HOURS_STATEMENT = "hours_statement", _("Hours statement")
    INVOICE = "invoice", _("Invoice")
    PROOF_OF_PAYMENT = "proof_of_payment", _("Proof of payment")
    ATTENDANCE_LIST = "attendance_list", _("Attendance list")
    DEPRECIATION_SCHEDULE = (
        "depreciation_schedule",
        _("Depreciation schedule or asset register extract"),
    )
    USE_RECORDS = "use_records", _("Booking or use records")
    INTERNSHIP_AGREEMENT = "internship_agreement", _("Internship agreement")
    OTHER = "other", _("Other")


def evidence_path(instance, filename) -> str:
    # The stored name never comes from the upload: the original name is kept in `name`.
    return f"evidence/{instance.partnership_id}/{instance.code}"


class Evidence(models.Model):
    """A file that proves a contribution or a cost line (docs/rules.md §21)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    contribution = models.ForeignKey(
        Contribution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("contribution"),
    )
    cost_line = models.ForeignKey(
        CostLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("cost line"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255, validators=[validate_single_line])
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[validate_single_line]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contribution__isnull=False, cost_line__isnull=True)
                | Q(contribution__isnull=True, cost_line__isnull=False),
                name="evidence_proves_one_thing",
            ),
        ]

    def __str__(self):
        return self.name
