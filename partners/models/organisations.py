import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from partners.models.tenancy import Partnership
from sterk.validators import validate_single_line

# --- Organisations and the people behind them -------------------------------------------


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    BRANCH_ORGANISATION = "branch_organisation", _("Branch organisation")
    COMPANY_NETWORK = "company_network", _("Company network")
    OO_FUND = "oo_fund", _("O&O fund")
    MUNICIPALITY = "municipality", _("Municipality")
    PROVINCE = "province", _("Province")
    PRIMARY_SCHOOL = "primary_school", _("Primary school")
    VMBO = "vmbo", _("vmbo school")
    MBO = "mbo", _("mbo college")
    HBO = "hbo", _("hbo institution")
    SCHOOL_BOARD = "school_board", _("School board (bevoegd gezag)")
    OTHER = "other", _("Other")


# Kinds that count as business (bedrijfsleven) for cofinancing unless overridden.
BUSINESS_KINDS = (
    OrganisationKind.COMPANY,
    OrganisationKind.BRANCH_ORGANISATION,
    OrganisationKind.COMPANY_NETWORK,
)
SCHOOL_KINDS = (
    OrganisationKind.PRIMARY_SCHOOL,
    OrganisationKind.VMBO,
    OrganisationKind.MBO,
    OrganisationKind.HBO,
)
GOVERNMENT_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.PROVINCE)


class Sector(models.TextChoices):
    METAL = "metal", _("Metal")
    CONSTRUCTION = "construction", _("Construction and infrastructure")
    INSTALLATION = "installation", _("Installation")
    TECHNOLOGY_INDUSTRY = "technology_industry", _("Technology industry")
    ICT = "ict", _("ICT")
    HEALTHCARE = "healthcare", _("Healthcare")
    GREEN = "green", _("Green")
    MOBILITY = "mobility", _("Mobility")
    MARITIME = "maritime", _("Maritime")
    ENERGY = "energy", _("Energy")
    OTHER = "other", _("Other")


class LegalForm(models.TextChoices):
    BV = "bv", _("Private limited company (B.V.)")
    NV = "nv", _("Public limited company (N.V.)")
    SOLE = "sole", _("Sole proprietorship")
    PARTNERSHIP = "partnership", _("General or limited partnership (v.o.f., c.v.)")
    FOUNDATION = "foundation", _("Foundation (stichting)")
    ASSOCIATION = "association", _("Association (vereniging)")
    COOPERATIVE = "cooperative", _("Cooperative")
    PUBLIC_BODY = "public_body", _("Public body")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    APPROACHED = "approached", _("Approached")
    IN_CONVERSATION = "in_conversation", _("In conversation")
    COMMITTED = "committed", _("Committed")
    SIGNED = "signed", _("Signed")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


# Stages in which a relationship needs regular contact ("gone quiet" looks at these).
ACTIVE_STAGES = (Stage.APPROACHED, Stage.IN_CONVERSATION, Stage.COMMITTED, Stage.SIGNED)

kvk_validator = RegexValidator(
    r"^\d{8}$", _("A KvK number has exactly 8 digits, for example 12345678.")
)
brin_validator = RegexValidator(
    r"^\d{2}[A-Z]{2}$",
    _("A BRIN code has 2 digits followed by 2 letters, for example 25LH."),
)
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 8, 15  # E.164 allows at most 15 digits
_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]*$")


def validate_phone(value: str) -> None:
    """A phone number has 8 to 15 digits, written with only digits, spaces, hyphens and
    brackets, and a + only as its first character ("--------" has no digits at all)."""
    digits = sum(character.isdigit() for character in value)
    if not _PHONE_CHARACTERS.match(value) or not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        raise ValidationError(
            _(
                "Enter a phone number of %(min)d to %(max)d digits, using only digits, "
                "spaces, hyphens, brackets and a leading +, for example 053 123 4567 or "
                "+31 53 123 4567."
            ),
            code="invalid_phone",
            params={"min": PHONE_MIN_DIGITS, "max": PHONE_MAX_DIGITS},
        )


class ApprovalVia(models.TextChoices):
    FORM = "form", _("the organisation form")
    IMPORT = "import", _("the workbook import")
    IMPORT_COMMAND = "import_command", _("the import command")
    ADMIN = "admin", _("the admin")


class Organisation(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("partnership"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, blank=True)
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[kvk_validator]
    )
    brin_code = models.CharField(
        _("BRIN code"),
        max_length=4,
        blank=True,
        validators=[brin_validator],
        help_text=_("Only for schools."),
    )
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True
    )
    address = models.CharField(
        _("address"), max_length=200, blank=True, validators=[validate_single_line]
    )
    postal_code = models.CharField(
        _("postal code"), max_length=10, blank=True, validators=[validate_single_line]
    )
    city = models.CharField(
        _("city"), max_length=100, blank=True, validators=[validate_single_line]
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    # A school location belongs to its board (bevoegd gezag), a branch to its company: the
    # legal entity is the party to the agreement (docs/rules.md §3). One level only, within
    # the partnership; partners.services.organisations checks both.
    belongs_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("belongs to (legal entity)"),
        help_text=_(
            "For a school location: its board (bevoegd gezag); for a branch: its company. "
            "Leave empty when this organisation is a legal entity itself."
        ),
    )
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relationship owner"),
    )
    business_override = models.BooleanField(
        _("counts as business (override)"),
        null=True,
        blank=True,
    )
    business_justification = models.TextField(
        _("justification of the override"), max_length=2000, blank=True
    )
    # Who approved the override and when (docs/rules.md §4): a leader by the form or the
    # admin, or the import (by the leader who uploaded it; no user: the import command).
    business_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("override approved by"),
    )
    business_approved_at = models.DateTimeField(_("override approved"), null=True, blank=True)
    business_approved_via = models.CharField(
        _("override approved via"), max_length=20, choices=ApprovalVia.choices, blank=True
    )
    counts_as_business = models.GeneratedField(
        expression=models.Case(
            models.When(business_override__isnull=False, then=F("business_override")),
            models.When(kind__in=BUSINESS_KINDS, then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("counts as business"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PROSPECT
    )
    stage_changed_at = models.DateTimeField(_("stage changed"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["counts_as_business"])
    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["partnership", "stage"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(business_override__isnull=True) | ~Q(business_justification=""),
                name="organisation_override_needs_justification",
                violation_error_message=_("An override needs a written justification."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS

    @property
    def legal_entity(self) -> "Organisation":
        """The legal entity that contracts for this organisation: its board or company, or
        itself when it belongs to nobody."""
        return self.belongs_to if self.belongs_to_id else self


class StageChange(models.Model):
    """Who moved an organisation in the pipeline, from where to where, and when."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moved by"),
    )
    changed_at = models.DateTimeField(_("moved at"), default=timezone.now)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.from_stage or '-'} → {self.to_stage}"


class Contact(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    job_title = models.CharField(
        _("job title"), max_length=200, blank=True, validators=[validate_single_line]
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    # Opted in to the partnership's periodic update (docs/rules.md §27); every
    # update carries a one-click link that turns this off again.
    receives_updates = models.BooleanField(_("receives the partner update"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation__name", "-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_organisation",
                violation_error_message=_("An organisation has one primary contact."),
            ),
        ]

    def __str__(self):
        return self.name


class Authority(models.TextChoices):
    SOLE_DIRECTOR = "sole_director", _("Director, solely authorised")
    JOINT_DIRECTOR = "joint_director", _("Director, jointly authorised")
    PROXY = "proxy", _("Proxy, limited to an amount")
    SCHOOL_BOARD = (
        "school_board",
        _("Member of the College van Bestuur or of the board of the school's legal entity"),
    )
    MUNICIPAL_MANDATE = "municipal_mandate", _("Mayor, King's Commissioner or mandated official")


class EvidenceSource(models.TextChoices):
    KVK_EXTRACT = "kvk_extract", _("KvK extract")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    MANDATE_DECISION = "mandate_decision", _("Mandate decision")
    BOARD_REGULATIONS = "board_regulations", _("Statutes or board regulations")
    OTHER = "other", _("Other document")


class Signatory(models.Model):
    """A contact authorised to sign the cooperation agreement for their organisation."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, related_name="signatory", verbose_name=_("contact")
    )
    authority = models.CharField(_("authority"), max_length=30, choices=Authority.choices)
    co_signatory = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("co-signatory"),
        help_text=_("For a jointly authorised director: who signs together with them."),
    )
    proxy_limit = models.DecimalField(
        _("proxy limit (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    evidence_source = models.CharField(
        _("evidence"), max_length=30, choices=EvidenceSource.choices, blank=True
    )
    evidence_reference = models.CharField(
        _("reference"), max_length=200, blank=True, validators=[validate_single_line]
    )
    evidence_date = models.DateField(_("date of the evidence"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["contact__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proxy_limit__isnull=True) | Q(proxy_limit__gt=0),
                name="signatory_proxy_limit_positive",
            ),
        ]

    def __str__(self):
        return f"{self.contact} ({self.get_authority_display()})"
