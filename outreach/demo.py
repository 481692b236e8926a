"""Demo data of the outreach app: the partnership's pack texts and an approach pack ready for
one of the demo's prospects, with the first step of the approach ticked from its visit.
Idempotent: seeding twice changes nothing."""

from outreach.models import ApproachStep, ApproachStepKind, PackTexts
from outreach.texts import DEFAULTS
from partners.models import Interaction, InteractionKind, Organisation

PROSPECT = "Medische Techniek Bos B.V."


def seed(partnership) -> None:
    PackTexts.objects.get_or_create(
        partnership=partnership,
        defaults={
            **DEFAULTS,
            "letter_body": DEFAULTS["letter_body"]
            + "\n\nOp de techniekdag in het voorjaar laten leerlingen zien wat zij al kunnen; "
            "u bent van harte welkom om te komen kijken.",
        },
    )
    organisation = Organisation.objects.filter(partnership=partnership, name=PROSPECT).first()
    if organisation is None:
        return
    visit = (
        Interaction.objects.filter(
            partnership=partnership,
            organisation=organisation,
            kind=InteractionKind.VISIT_COMPANY,
        )
        .order_by("date", "pk")
        .first()
    )
    if visit is None:
        return
    ApproachStep.objects.get_or_create(
        partnership=partnership,
        organisation=organisation,
        step=ApproachStepKind.FIRST_VISIT,
        defaults={"interaction": visit, "ticked_by": visit.created_by},
    )
