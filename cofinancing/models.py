import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from activities.models import Activity
from cofinancing.valuation import QUANTITY_FIELD
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
