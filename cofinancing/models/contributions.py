"""Contributions and their statuses (docs/rules.md §5-§8, §20)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from activities.models import Activity
from cofinancing.models.budget import MONEY_FIELD, funded_elsewhere
from cofinancing.valuation import QUANTITY_FIELD
from partners.models import Organisation, Partnership
from sterk.validators import validate_single_line


class ContributionKind(models.TextChoices):
    MONEY = "money", _("Money")
    LABOUR = "labour", _("Labour (hours)")
    MATERIAL = "material", _("Material")
    ROOM = "room", _("Room")
    DEPRECIATION = "depreciation", _("Machine or equipment (depreciation)")
    LEASE = "lease", _("Leased or rented equipment")


class ContributionStatus(models.TextChoices):
    """pledged → confirmed (before the agreement) → realised → certified (by the company's
    signed statement); cancelled, with a reason, from any of them but certified.

    The status sets that make figures are defined here once (docs/rules.md §20):
    `PLEDGED_AND_UP` for the plan and the agreement, `REALISED_AND_UP` for settlement.
    """

    PLEDGED = "pledged", _("Pledged")
    CONFIRMED = "confirmed", _("Confirmed")
    REALISED = "realised", _("Realised")
    CERTIFIED = "certified", _("Certified")
    CANCELLED = "cancelled", _("Cancelled")


PLEDGED_AND_UP = (
    ContributionStatus.PLEDGED,
    ContributionStatus.CONFIRMED,
    ContributionStatus.REALISED,
    ContributionStatus.CERTIFIED,
)
REALISED_AND_UP = (ContributionStatus.REALISED, ContributionStatus.CERTIFIED)
STILL_PLEDGED = (ContributionStatus.PLEDGED, ContributionStatus.CONFIRMED)


class Contribution(models.Model):
    """What an organisation brings, valued by cofinancing/valuation.py; `value` is stored by
    the service that saves it, so totals are sums in SQL."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("organisation"),
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("activity"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=ContributionKind.choices)
    description = models.CharField(
        _("description"), max_length=300, validators=[validate_single_line]
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ContributionStatus.choices,
        default=ContributionStatus.PLEDGED,
    )
    amount = models.DecimalField(_("amount"), **MONEY_FIELD, null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=12, decimal_places=2, null=True, blank=True)
    hourly_rate = models.DecimalField(
        _("hourly rate"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty means the scheme's default rate."),
    )
    rate_justification = models.TextField(
        _("justification of the rate"), max_length=2000, blank=True
    )
    units = models.DecimalField(_("units"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit_price = models.DecimalField(_("price per unit"), **MONEY_FIELD, null=True, blank=True)
    acquisition_value = models.DecimalField(
        _("acquisition value"), **MONEY_FIELD, null=True, blank=True
    )
    residual_value = models.DecimalField(_("residual value"), **MONEY_FIELD, null=True, blank=True)
    life_months = models.PositiveSmallIntegerField(
        _("economic life (months)"), null=True, blank=True
    )
    months_used = models.PositiveSmallIntegerField(_("months used"), null=True, blank=True)
    project_share = models.DecimalField(
        _("project share (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    machine_id = models.CharField(
        _("machine identifier"), max_length=100, blank=True, validators=[validate_single_line]
    )
    other_funding = models.CharField(
        _("other funding"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Filled in when another scheme already pays for this; it then does not count."),
    )
    life_justification = models.TextField(
        _("justification of the economic life"),
        max_length=2000,
        blank=True,
        help_text=_("Needed when the life is shorter than the months left in the period."),
    )
    not_double_financed = models.TextField(
        _("why it is not double-financed"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Only for a contribution to an activity funded by another scheme: why this one is "
            "not paid by it. Without it the contribution does not count."
        ),
    )
    value = models.DecimalField(_("value"), **MONEY_FIELD)
    realised_on = models.DateField(_("realised on"), null=True, blank=True)
    realised_quantity = models.DecimalField(
        _("realised quantity"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "What was actually given: the hours, units or months used, or the amount for "
            "money, material and lease."
        ),
    )
    realised_value = models.DecimalField(_("realised value"), **MONEY_FIELD, null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=2000, blank=True)
    # The company's signed statement that certified it (docs/rules.md §23).
    certified_by = models.ForeignKey(
        "cofinancing.CompanyStatement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certified",
        verbose_name=_("certified by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["year", "organisation__name", "kind"]
        indexes = [
            models.Index(fields=["partnership", "year", "kind"]),
            models.Index(fields=["partnership", "organisation"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0), name="contribution_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(realised_value__isnull=True) | Q(realised_value__gte=0),
                name="contribution_realised_value_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="contribution_cancel_needs_reason",
                violation_error_message=_("Say why the contribution is cancelled."),
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def excluded_reason(self) -> str:
        """Why it does not count (funded elsewhere), or "" when it counts."""
        activity = self.activity
        return funded_elsewhere(
            other_funding=self.other_funding,
            activity_code=activity.short_code if activity else "",
            activity_funding=activity.other_funding if activity else "",
            not_double_financed=self.not_double_financed,
        )

    @property
    def is_excluded(self) -> bool:
        return bool(self.excluded_reason)

    @property
    def is_realised(self) -> bool:
        return self.status in REALISED_AND_UP

    @property
    def is_certified(self) -> bool:
        return self.status == ContributionStatus.CERTIFIED

    @property
    def quantity(self):
        """The pledged quantity that realising measures against (docs/rules.md §20)."""
        name = QUANTITY_FIELD.get(self.kind)
        return getattr(self, name) if name else None
