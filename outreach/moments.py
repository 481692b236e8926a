"""The approach steps on the contact-moment form (partners/interaction_extensions.py): "this
moment ticks approach step: …" for the organisation's open steps, ticked when the moment is
saved, in the same transaction."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach import services
from outreach.models import PIPELINE_STAGES, ApproachStep, ApproachStepKind
from partners.interaction_extensions import InteractionExtension, register_interaction_extension

FIELD = "approach_steps"


def _ticks(*, partnership, organisation) -> dict[str, int]:
    """{step: id of the contact moment it was ticked from}. One query."""
    return dict(
        ApproachStep.objects.filter(partnership=partnership, organisation=organisation).values_list(
            "step", "interaction_id"
        )
    )


def fields(*, partnership, organisation, interaction) -> dict:
    """The open steps (and those this moment ticked, checked) for an organisation in the
    pipeline or with a tick already; nothing for others. One query."""
    ticks = _ticks(partnership=partnership, organisation=organisation)
    if organisation.stage not in PIPELINE_STAGES and not ticks:
        return {}
    here = interaction.pk if interaction is not None else None
    choices = [
        (value, label)
        for value, label in ApproachStepKind.choices
        if value not in ticks or (here is not None and ticks[value] == here)
    ]
    if not choices:
        return {}
    return {
        FIELD: forms.MultipleChoiceField(
            label=gettext_lazy("This moment ticks approach steps"),
            help_text=gettext_lazy(
                "The steps of the guide this contact moment completes. Steps ticked from "
                "another moment are not listed; take a tick off on the organisation page."
            ),
            choices=choices,
            initial=[value for value, moment in ticks.items() if here and moment == here],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": gettext_lazy(
                    "Choose from the open approach steps of this organisation."
                ),
                "invalid_list": gettext_lazy(
                    "Choose from the open approach steps of this organisation."
                ),
            },
        )
    }


def save(*, interaction, values, user) -> None:
    """Tick the chosen steps from this moment, take off the ticks it no longer makes. A step
    ticked from another moment in the meantime, or a planned moment, raises ValidationError:
    the caller's transaction then undoes the moment's save too."""
    chosen = set(values.get(FIELD) or [])
    if chosen - set(ApproachStepKind.values):
        raise ValidationError(
            {FIELD: _("Choose from the open approach steps of this organisation.")}
        )
    partnership, organisation = interaction.partnership, interaction.organisation
    ticks = dict(
        ApproachStep.objects.select_for_update()
        .filter(partnership=partnership, organisation=organisation)
        .values_list("step", "interaction_id")
    )
    labels = dict(ApproachStepKind.choices)
    taken = sorted(step for step in chosen if step in ticks and ticks[step] != interaction.pk)
    if taken:
        raise ValidationError(
            {
                FIELD: _(
                    "“%(step)s” was ticked from another contact moment in the meantime. "
                    "Nothing was saved."
                )
                % {"step": labels[taken[0]]}
            }
        )
    new = chosen - set(ticks)
    if new and interaction.date > timezone.localdate():
        raise ValidationError(
            {
                FIELD: _(
                    "A planned contact moment cannot tick a step yet: tick it once it took place."
                )
            }
        )
    for step in sorted(new):
        services.approach_step_tick(
            partnership=partnership,
            organisation=organisation,
            step=step,
            interaction=interaction,
            user=user,
        )
    for step, moment in ticks.items():
        if moment == interaction.pk and step not in chosen:
            services.approach_step_untick(
                partnership=partnership, organisation=organisation, step=step
            )


register_interaction_extension(InteractionExtension(fields=fields, save=save))
