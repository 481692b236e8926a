"""Writes of the outreach app: the pack's texts, the approach steps and arranging the
network map again."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outreach import placement, selectors
from outreach.models import ApproachStep, ApproachStepKind, MapLayout, PackTexts
from outreach.texts import TEXT_FIELDS, check_placeholders


@transaction.atomic
def pack_texts_save(*, partnership, user, **texts) -> PackTexts:
    """Store the partnership's texts; every placeholder is checked first, so an unknown one
    saves nothing."""
    errors = {}
    for name in TEXT_FIELDS:
        value = texts.get(name, "")
        if not str(value).strip():
            errors[name] = _("This text cannot be empty.")
            continue
        try:
            check_placeholders(value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    pack, _created = PackTexts.objects.update_or_create(
        partnership=partnership,
        defaults={
            **{name: texts[name] for name in TEXT_FIELDS},
            "updated_by": user,
            "updated_at": timezone.now(),
        },
    )
    return pack


@transaction.atomic
def approach_step_tick(*, partnership, organisation, step: str, interaction, user) -> ApproachStep:
    """Tick `step` for `organisation` from one of its own contact moments; ticking it again
    moves the tick to the new moment (a double submit changes nothing)."""
    if step not in ApproachStepKind.values:
        raise ValidationError({"step": _("Choose one of the approach steps.")})
    if organisation.partnership_id != partnership.pk:
        raise ValidationError(_("This organisation is not in this partnership."))
    if interaction.partnership_id != partnership.pk or interaction.organisation_id != (
        organisation.pk
    ):
        raise ValidationError({"interaction": _("Choose a contact moment with this organisation.")})
    approach_step, _created = ApproachStep.objects.update_or_create(
        partnership=partnership,
        organisation=organisation,
        step=step,
        defaults={"interaction": interaction, "ticked_by": user, "ticked_at": timezone.now()},
    )
    return approach_step


@transaction.atomic
def approach_step_untick(*, partnership, organisation, step: str) -> None:
    """Take a tick off; a step that does not exist (a forged or hostile value) changes
    nothing and never reaches the database."""
    if step not in ApproachStepKind.values:
        return
    ApproachStep.objects.filter(
        partnership=partnership, organisation=organisation, step=step
    ).delete()


@transaction.atomic
def map_arrange(*, partnership, user) -> MapLayout:
    """Place every node of the network map anew, from today's data (a leader's button)."""
    return placement.arrange(
        partnership=partnership, graph=selectors.graph_of(partnership=partnership), user=user
    )
