import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from activities.models import Activity
from partners.models import Organisation, Partnership
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

    history = HistoricalRecords()
    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["year", "category", "description"]
        indexes = [models.Index(fields=["partnership", "year"])]

    def __str__(self):
        return self.description


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


class ContributionKind(models.TextChoices):
    MONEY = "money", _("Money")
    LABOUR = "labour", _("Labour (hours)")
    MATERIAL = "material", _("Material")
    ROOM = "room", _("Room")
    DEPRECIATION = "depreciation", _("Machine or equipment (depreciation)")
    LEASE = "lease", _("Leased or rented equipment")


class ContributionStatus(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    CONFIRMED = "confirmed", _("Confirmed")
    REALISED = "realised", _("Realised")


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
    value = models.DecimalField(_("value"), **MONEY_FIELD)
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
        ]

    def __str__(self):
        return self.description

    @property
    def is_excluded(self) -> bool:
        return bool(self.other_funding.strip())
