import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from sterk.validators import validate_single_line


class Partnership(models.Model):
    """A region in the programme: the tenant every business record belongs to."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        unique=True,
        help_text=_("Lower-case letters, digits and hyphens; appears in the address /p/<slug>/."),
    )
    region = models.CharField(_("region"), max_length=200, validators=[validate_single_line])
    start_year = models.PositiveSmallIntegerField(
        _("start year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quiet_after_days = models.PositiveSmallIntegerField(
        _("gone quiet after (days)"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_(
            "An organisation in an active stage without a contact moment for this "
            "many days is listed as gone quiet."
        ),
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Fictitious data for trying out Sterk.")
    )
    # Set when the partnership was renewed for the next scheme period (docs/rules.md §26):
    # from then on it is read-only history and its successor carries on.
    renewed_into = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_from",
        verbose_name=_("renewed into"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="partnership_end_year_not_before_start",
                violation_error_message=_("The end year cannot be before the start year."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end year cannot be before the start year.")})

    @property
    def is_history(self) -> bool:
        """Renewed for the next period: read-only from then on."""
        return self.renewed_into_id is not None

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Role(models.TextChoices):
    LEADER = "leader", _("Project leader")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("partnership"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["partnership__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user"],
                name="membership_unique_user_per_partnership",
                violation_error_message=_("This person is already a member of the partnership."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.partnership} ({self.get_role_display()})"


class Invitation(models.Model):
    """An e-mailed invitation into a partnership; its link works once, until it expires.

    Only the SHA-256 of the token is stored, so a database leak reveals no working link.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("partnership"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(Lower("email"), "partnership", name="invitation_email_idx")]

    def __str__(self):
        return f"{self.email} – {self.partnership}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    def get_status_display(self) -> str:
        return {
            "accepted": _("accepted"),
            "revoked": _("revoked"),
            "expired": _("expired"),
            "pending": _("pending"),
        }[self.status]
