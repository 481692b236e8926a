"""The approach checklist on the organisation page (partners/panels.py): the guide's steps,
each ticked from one of the organisation's contact moments."""

from outreach.models import PIPELINE_STAGES, ApproachStep, ApproachStepKind
from partners.models import Interaction
from partners.panels import register_organisation_panel


def checklist(*, partnership, organisation) -> list[dict]:
    """The four steps in the guide's order, with the tick of each (or None). One query."""
    ticks = {
        step.step: step
        for step in ApproachStep.objects.filter(
            partnership=partnership, organisation=organisation
        ).select_related("interaction")
    }
    return [
        {"value": value, "label": label, "tick": ticks.get(value)}
        for value, label in ApproachStepKind.choices
    ]


@register_organisation_panel
def organisation_approach(*, tenant, organisation):
    """Two queries: the ticks and the organisation's contact moments."""
    steps = checklist(partnership=tenant.partnership, organisation=organisation)
    in_pipeline = organisation.stage in PIPELINE_STAGES
    show = in_pipeline or any(step["tick"] for step in steps)
    moments = (
        list(
            Interaction.objects.filter(
                partnership=tenant.partnership, organisation=organisation
            ).order_by("-date", "-pk")
        )
        if show and tenant.can_write
        else []
    )
    return "outreach/_organisation_approach.html", {
        "show": show,
        "in_pipeline": in_pipeline,
        "steps": steps,
        "moments": moments,
        "organisation": organisation,
        "done": sum(1 for step in steps if step["tick"]),
    }
