"""Demo data of accession (docs/rules.md §25): a company that joined the demo region after
version 1 was signed, by a deed of accession signed by itself and the penvoerder.

Runs inside agreements.demo.seed_signing, after version 1 is signed and sealed and before
version 2 is made (which names the newcomer itself). The signatures go through the real
services, with e-mail off, like the agreement's."""

import datetime
from decimal import Decimal

from django.utils import timezone

from activities.models import Activity, Participant
from cofinancing.models import Budget, ContributionKind, ContributionStatus
from cofinancing.services.contributions import contribution_save
from partners.models import (
    Authority,
    Contact,
    EvidenceSource,
    LegalForm,
    Organisation,
    OrganisationKind,
    Sector,
    Signatory,
    Stage,
)

NEWCOMER = "Van der Linden Elektrotechniek B.V."


def _newcomer(partnership, user) -> Organisation:
    organisation = Organisation.objects.create(
        partnership=partnership,
        name=NEWCOMER,
        kind=OrganisationKind.COMPANY,
        sector=Sector.INSTALLATION,
        legal_form=LegalForm.BV,
        kvk_number="71234590",
        address="Schakelweg 12",
        postal_code="7905 KL",
        city="Voorbeeldstad",
        stage=Stage.COMMITTED,
    )
    contact = Contact.objects.create(
        partnership=partnership,
        organisation=organisation,
        name="Ingrid van der Linden",
        email="ingrid@vanderlinden-elektro.example.nl",
        job_title="Directeur-eigenaar",
        is_primary=True,
    )
    Signatory.objects.create(
        partnership=partnership,
        contact=contact,
        authority=Authority.SOLE_DIRECTOR,
        evidence_source=EvidenceSource.KVK_EXTRACT,
        evidence_reference="KvK-uittreksel 71234590",
        evidence_date=datetime.date(2026, 3, 2),
        checked_by=user,
        checked_at=timezone.now(),
    )
    activity = Activity.objects.filter(partnership=partnership).order_by("sort_key", "pk").first()
    Participant.objects.create(
        partnership=partnership,
        activity=activity,
        organisation=organisation,
        tasks="Twee monteurs geven praktijklessen elektrotechniek en begeleiden leerlingen.",
        responsibilities="Veilig werken volgens NEN 3140 op de eigen werkplaats.",
    )
    budget = Budget.objects.get(partnership=partnership)
    contribution_save(
        budget=budget,
        user=user,
        organisation=organisation,
        activity=activity,
        year=2027,
        kind=ContributionKind.LABOUR,
        description="Praktijklessen elektrotechniek (2 monteurs)",
        status=ContributionStatus.PLEDGED,
        hours=Decimal("16"),
    )
    return organisation


def seed_accession(partnership, user, sign) -> None:
    """The newcomer, its deed made, rendered, sent and signed by both (`sign(request,
    pdf_sha256)` signs one request as the demo does)."""
    from agreements.accession import services
    from agreements.accession.tasks import render_accession
    from agreements.models import Accession
    from signing.models import SignatureRequest, SigningRound
    from signing.tasks import seal_round

    organisation = _newcomer(partnership, user)
    accession = services.accession_create(
        partnership=partnership,
        organisation_code=str(organisation.code),
        user=user,
        deadline=timezone.now() + datetime.timedelta(days=21),
        message="Welkom in het samenwerkingsverband!",
    )
    render_accession.call(accession.pk)
    accession = Accession.objects.get(pk=accession.pk)
    signing_round = SigningRound.objects.get(document_id=accession.document_id)
    for request in SignatureRequest.objects.filter(round=signing_round).order_by("step", "pk"):
        sign(request, accession.pdf_sha256)
    seal_round.call(signing_round.pk)
