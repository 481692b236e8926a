"""The approach of a new partner (docs/rules.md, "The network map and the approach pack"):
the partnership's own texts for the invitation letter and the flyer, and the approach steps
of the guide ticked per organisation from a contact moment, and where each node of the
network map stands (computed on the server, outreach/layout.py, and kept: MapLayout)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from partners.models import Interaction, Organisation, Partnership, Stage
from sterk.validators import validate_single_line

# Organisations an approach pack is made for: not yet committed.
PIPELINE_STAGES = (Stage.PROSPECT, Stage.APPROACHED, Stage.IN_CONVERSATION)


class ApproachStepKind(models.TextChoices):
    """The approach of the guide, in its order."""

    FIRST_VISIT = "first_visit", _("First visit at the company")
    SCHOOL_INVITATION = "school_invitation", _("Invitation to the school")
    SEVERAL_LEVELS = "several_levels", _("Talks with several levels of the company")
    FIRST_ACTIVITY = "first_activity", _("A first small activity together")


class PackTexts(models.Model):
    """The partnership's own words for the approach pack: templates with placeholders
    ({organisation}, {contact}, {region}, {partnership}, {leader}) filled per organisation.
    No row: the default texts in outreach/texts.py."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.PROTECT, related_name="pack_texts"
    )
    letter_subject = models.CharField(
        _("subject of the letter"), max_length=200, validators=[validate_single_line]
    )
    letter_opening = models.CharField(
        _("salutation"), max_length=200, validators=[validate_single_line]
    )
    letter_body = models.TextField(_("body of the letter"), max_length=5000)
    letter_closing = models.TextField(_("closing of the letter"), max_length=2000)
    flyer_title = models.CharField(
        _("title of the flyer"), max_length=200, validators=[validate_single_line]
    )
    flyer_intro = models.TextField(_("introduction on the flyer"), max_length=1500)
    gains = models.TextField(_("what a company gains"), max_length=2000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("approach pack texts")
        verbose_name_plural = _("approach pack texts")

    def __str__(self):
        return str(self.partnership)


class ApproachStep(models.Model):
    """One step of the approach, ticked for an organisation from one of its contact moments."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="approach_steps",
        verbose_name=_("organisation"),
    )
    step = models.CharField(_("step"), max_length=30, choices=ApproachStepKind.choices)
    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contact moment"),
    )
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ticked_at = models.DateTimeField(_("ticked"), default=timezone.now)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("approach step")
        verbose_name_plural = _("approach steps")
        ordering = ["organisation", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "step"],
                name="approach_step_once_per_organisation",
                violation_error_message=_("This step is already ticked."),
            ),
        ]

    def __str__(self):
        return f"{self.get_step_display()} ({self.organisation_id})"


class MapLayout(models.Model):
    """Where the nodes of a partnership's network map stand, kept so the picture stays put:
    a new organisation, network or activity is placed beside what stands (outreach/
    placement.py); everything moves only when a leader asks to arrange the map again."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="+")
    # {"o12": [x, y], "n3": [x, y], "a7": [x, y]}: o organisation, n network, a activity.
    positions = models.JSONField(default=dict, blank=True)
    # Networks and activities placed while nothing was tied to them yet: placed again beside
    # their organisations once something is.
    loose = models.JSONField(default=list, blank=True)
    arranged_at = models.DateTimeField(_("arranged"), default=timezone.now)
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    objects = ScopedManager(partnership="partnership")

    class Meta:
        verbose_name = _("network map layout")
        verbose_name_plural = _("network map layouts")

    def __str__(self):
        return str(self.partnership_id)
