"""The budget: the scheme, its cost and funding lines (docs/rules.md §3-§4)."""

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from activities.models import Activity
from partners.models import Partnership
from sterk.validators import validate_single_line

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


class Base(models.TextChoices):
    ELIGIBLE_TOTAL = "eligible_total", _("Eligible total budget")
    SUBSIDY = "subsidy", _("Subsidy")


class Scheme(models.Model):
    """A regulation period of STO with its share, base and default hourly rate."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    share = models.DecimalField(
        _("business share"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(1)],
        help_text=_("As a fraction: 0.1000 is 10%."),
    )
    base = models.CharField(_("base of the share"), max_length=20, choices=Base.choices)
    default_hourly_rate = models.DecimalField(
        _("default hourly rate"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    # What a region must contain and who may be its penvoerder, per scheme (docs/rules.md
    # §11): the readiness check of the agreement blocks on each condition that is on.
    penvoerder_vmbo_board = models.BooleanField(
        _("penvoerder is the board of a vmbo school"), default=True
    )
    requires_vmbo = models.BooleanField(_("region needs a vmbo school"), default=True)
    requires_mbo = models.BooleanField(_("region needs an mbo school"), default=True)
    requires_primary = models.BooleanField(_("region needs a primary school"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="scheme_years_in_order"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Budget(models.Model):
    """The multi-year budget of a partnership, under one scheme."""

    partnership = models.OneToOneField(Partnership, on_delete=models.PROTECT, related_name="budget")
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("scheme")
    )

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")

    def __str__(self):
        return f"{self.partnership} ({self.scheme})"


class CostCategory(models.TextChoices):
    INTERNAL_PERSONNEL = "internal_personnel", _("Internal personnel")
    EXTERNAL_PERSONNEL = "external_personnel", _("External personnel")
    MATERIAL = "material", _("Material")
    DEPRECIATION = "depreciation", _("Depreciation")
    RENT = "rent", _("Rent")
    OTHER = "other", _("Other")


class FundingSource(models.TextChoices):
    SUBSIDY = "subsidy", _("STO subsidy")
    SCHOOLS = "schools", _("Own contribution of schools")
    OTHER_PUBLIC = "other_public", _("Other public funding")
    OTHER = "other", _("Other")


class IneligibleReason(models.TextChoices):
    RECOVERABLE_VAT = "recoverable_vat", _("Recoverable VAT")
    OUTSIDE_PERIOD = "outside_period", _("Outside the period")
    NOT_IN_PLAN = "not_in_plan", _("Not in the plan")
    FUNDED_ELSEWHERE = "funded_elsewhere", _("Financed elsewhere")
    OTHER = "other", _("Other")


class CostLine(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=30, choices=CostCategory.choices)
    description = models.CharField(
        _("description"), max_length=300, validators=[validate_single_line]
    )
    unit_price = models.DecimalField(_("price"), **MONEY_FIELD)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(
        _("amount"), **MONEY_FIELD, help_text=_("Price × quantity, rounded to the cent.")
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cost_lines",
        verbose_name=_("activity"),
    )
    not_double_financed = models.TextField(
        _("why it is not double-financed"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Only for a line of an activity funded by another scheme: why this line is not "
            "paid by it. Without it the line is left out of the figures."
        ),
    )
    realised_amount = models.DecimalField(
        _("realised amount"), **MONEY_FIELD, null=True, blank=True
    )
    eligible = models.BooleanField(_("eligible"), default=True)
    ineligible_reason = models.CharField(
        _("reason not eligible"), max_length=30, choices=IneligibleReason.choices, blank=True
    )
    ineligible_note = models.TextField(_("note"), max_length=2000, blank=True)

    history = HistoricalRecords()
    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["year", "category", "description"]
        indexes = [models.Index(fields=["partnership", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(eligible=True) | ~Q(ineligible_reason=""),
                name="cost_line_ineligible_needs_reason",
                violation_error_message=_("Say why the cost is not eligible."),
            ),
            models.CheckConstraint(
                condition=Q(realised_amount__isnull=True) | Q(realised_amount__gte=0),
                name="cost_line_realised_not_negative",
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def excluded_reason(self) -> str:
        activity = self.activity
        return funded_elsewhere(
            activity_code=activity.short_code if activity else "",
            activity_funding=activity.other_funding if activity else "",
            not_double_financed=self.not_double_financed,
        )


class FundingLine(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    description = models.CharField(
        _("description"), max_length=300, blank=True, validators=[validate_single_line]
    )
    amount = models.DecimalField(_("amount"), **MONEY_FIELD)

    history = HistoricalRecords()
    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["year", "source", "description"]
        indexes = [models.Index(fields=["partnership", "year"])]

    def __str__(self):
        return self.description or self.get_source_display()


# A line of an activity funded by another scheme counts only when it says why it is not
# double-financed (docs/rules.md §7); one Q for contributions and cost lines alike, and one
# function for the reason shown where such a line is listed.
NOT_FUNDED_ELSEWHERE = (
    Q(activity__isnull=True) | Q(activity__other_funding="") | ~Q(not_double_financed="")
)


def funded_elsewhere(
    *, other_funding="", activity_code="", activity_funding="", not_double_financed=""
) -> str:
    """The reason a line does not count, or "" when it counts."""
    if other_funding.strip():
        return other_funding.strip()
    if activity_funding.strip() and not not_double_financed.strip():
        return gettext("activity %(code)s is funded by %(funding)s") % {
            "code": activity_code,
            "funding": activity_funding.strip(),
        }
    return ""
