"""Governance of a partnership (docs/rules.md §27): its bodies with their members, chair and
secretary; who decides, does and is involved per activity and goal; meetings with minutes,
numbered decisions and actions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from activities.models import Activity, Goal
from partners.models import Contact, Partnership
from sterk.validators import validate_single_line


class BodyKind(models.TextChoices):
    STEERING_GROUP = "steering_group", _("Steering group")
    CORE_TEAM = "core_team", _("Core team")
    WORKING_GROUP = "working_group", _("Working group")
    SOUNDING_BOARD = "sounding_board", _("Sounding board")
    OTHER = "other", _("Other")


class Body(models.Model):
    """A steering group, core team, working group, sounding board or other body."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    decides_on = models.TextField(
        _("what it decides on"),
        max_length=5000,
        blank=True,
        help_text=_("For example the activity plan, the budget and new partners."),
    )
    chair = models.ForeignKey(
        "BodyMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chair"),
    )
    secretary = models.ForeignKey(
        "BodyMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary"),
    )
    # The highest decision number ever given in this body: numbers are never reused, also
    # not after the last decision was deleted (services.decision_add).
    last_decision_number = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class BodyMember(models.Model):
    """A member of a body: a contact of a partner organisation or a member of Sterk (a user
    with a membership of the partnership), never both."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="members", verbose_name=_("body")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="body_memberships",
        verbose_name=_("contact"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="body_memberships",
        verbose_name=_("member of Sterk"),
    )

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("member of a body")
        verbose_name_plural = _("members of bodies")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=True, user__isnull=False)
                | Q(contact__isnull=False, user__isnull=True),
                name="body_member_contact_or_user",
            ),
            models.UniqueConstraint(fields=["body", "contact"], name="body_member_contact_once"),
            models.UniqueConstraint(fields=["body", "user"], name="body_member_user_once"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name, with the organisation for a contact (needs contact__organisation)."""
        if self.contact_id:
            return f"{self.contact.name} ({self.contact.organisation.name})"
        return str(self.user)


class ResponsibilityRole(models.TextChoices):
    DECIDES = "decides", _("Decides")
    DOES = "does", _("Does")
    INVOLVED = "involved", _("Involved")


class Responsibility(models.Model):
    """Who decides, who does or who is involved for one activity or goal: a body, a contact
    or a member of Sterk."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("role"), max_length=10, choices=ResponsibilityRole.choices)
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, null=True, blank=True, related_name="responsibilities"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=True, goal__isnull=False)
                | Q(activity__isnull=False, goal__isnull=True),
                name="responsibility_activity_or_goal",
            ),
            models.CheckConstraint(
                condition=Q(body__isnull=False, contact__isnull=True, user__isnull=True)
                | Q(body__isnull=True, contact__isnull=False, user__isnull=True)
                | Q(body__isnull=True, contact__isnull=True, user__isnull=False),
                name="responsibility_one_holder",
            ),
            models.UniqueConstraint(
                fields=["activity", "role"],
                condition=Q(activity__isnull=False),
                name="responsibility_once_per_activity_role",
            ),
            models.UniqueConstraint(
                fields=["goal", "role"],
                condition=Q(goal__isnull=False),
                name="responsibility_once_per_goal_role",
            ),
        ]

    def __str__(self):
        return f"{self.role} {self.activity_id or self.goal_id}"

    @property
    def holder_name(self) -> str:
        if self.body_id:
            return self.body.name
        if self.contact_id:
            return f"{self.contact.name} ({self.contact.organisation.name})"
        return str(self.user)


class Meeting(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body")
    )
    date = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), max_length=10000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=50000, blank=True)
    attendees = models.ManyToManyField(
        BodyMember, blank=True, related_name="meetings_attended", verbose_name=_("attendees")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.body_id} {self.date}"


class Decision(models.Model):
    """A decision of a body, numbered 1, 2, … per body in the order it was taken down; a
    deleted decision leaves a gap, its number is never given again."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    text = models.TextField(_("decision"), max_length=5000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["body__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="decision_number_per_body"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Action(models.Model):
    """Something a member of the body agreed to do by a date; done in one click."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(_("action"), max_length=300, validators=[validate_single_line])
    owner = models.ForeignKey(
        BodyMember, on_delete=models.PROTECT, related_name="actions", verbose_name=_("owner")
    )
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due", "pk"]

    def __str__(self):
        return self.description
