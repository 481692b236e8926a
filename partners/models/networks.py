import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models.organisations import Contact, Organisation
from partners.models.tenancy import Partnership
from sterk.validators import validate_single_line

# --- Networks and contact moments ---------------------------------------------------------


class NetworkKind(models.TextChoices):
    TECHNIEKPACT = "techniekpact", _("Techniekpact")
    JETNET = "jetnet", _("Jet-Net & TechNet")
    FABLAB = "fablab", _("Fablab")
    FIELDLAB = "fieldlab", _("Fieldlab")
    KATAPULT = "katapult", _("Katapult public-private partnership")
    BEDRIJFSTAKSCHOOL = "bedrijfstakschool", _("Bedrijfstakschool / bedrijfsvakschool")
    TOPTECHNIEK = "toptechniek", _("Toptechniek in bedrijf")
    ECONOMIC_BOARD = "economic_board", _("Economic Board")
    BRANCH_ASSOCIATION = "branch_association", _("Branch association")
    BUSINESS_CLUB = "business_club", _("Business club")
    OTHER = "other", _("Other")


class Network(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="networks")
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    kind = models.CharField(_("kind"), max_length=30, choices=NetworkKind.choices)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    members = models.ManyToManyField(
        Organisation, through="NetworkMember", related_name="networks", blank=True
    )

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "partnership",
                name="network_name_unique_per_partnership",
                violation_error_message=_("This partnership already has a network by that name."),
            ),
        ]

    def __str__(self):
        return self.name


class NetworkMember(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("network"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="network_memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role in the network"), max_length=200, blank=True, validators=[validate_single_line]
    )

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"],
                name="network_member_once",
                violation_error_message=_("This organisation is already a member."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} in {self.network_id}"


class InteractionKind(models.TextChoices):
    VISIT_COMPANY = "visit_company", _("Visit to the company")
    VISIT_SCHOOL = "visit_school", _("Visit to the school")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EVENT = "event", _("Event")
    EMAIL = "email", _("E-mail")


class Interaction(models.Model):
    """A contact moment with an organisation, with an optional next step."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    date = models.DateField(_("date"))
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="interactions", verbose_name=_("their people")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("our people")
    )
    summary = models.TextField(_("summary"), max_length=5000)
    next_step = models.CharField(
        _("next step"), max_length=300, blank=True, validators=[validate_single_line]
    )
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    next_step_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next step owner"),
    )
    next_step_done_at = models.DateTimeField(_("next step done"), null=True, blank=True)
    next_step_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "date"]),
            models.Index(fields=["partnership", "next_step_due"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_step_due__isnull=True) | Q(next_step_due__gte=F("date")),
                name="interaction_next_step_not_before_moment",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.organisation} {self.date}"
