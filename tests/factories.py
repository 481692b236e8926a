import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from activities.models import (
    Activity,
    ActivityStatus,
    CooperationForm,
    Evaluation,
    Goal,
    Participant,
    Result,
    ResultKind,
)
from agreements.models import Agreement, AgreementVersion
from cofinancing.models import Budget, Contribution, CostLine, FundingLine, Scheme
from partners.models import (
    Authority,
    Contact,
    EvidenceSource,
    Interaction,
    InteractionKind,
    Membership,
    Network,
    NetworkKind,
    NetworkMember,
    Organisation,
    OrganisationKind,
    Partnership,
    Role,
    Sector,
    Signatory,
    Stage,
)
from sterk.canonical import bytes_hash, snapshot_hash

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.nl")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Regio {n}")
    slug = factory.Sequence(lambda n: f"regio-{n}")
    region = "Twente"
    start_year = 2025
    end_year = 2028


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Techniekbedrijf {n} B.V.")
    kind = OrganisationKind.COMPANY
    sector = Sector.METAL
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    city = "Enschede"
    stage = Stage.IN_CONVERSATION


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    partnership = factory.SelfAttribute("organisation.partnership")
    name = factory.Faker("name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"contact{n}@bedrijf.nl")
    job_title = "Directeur"


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    contact = factory.SubFactory(ContactFactory)
    partnership = factory.SelfAttribute("contact.partnership")
    authority = Authority.SOLE_DIRECTOR
    evidence_source = EvidenceSource.KVK_EXTRACT
    evidence_reference = factory.Sequence(lambda n: f"KvK-uittreksel {n}")
    evidence_date = factory.LazyFunction(lambda: datetime.date(2026, 1, 15))


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Fieldlab {n}")
    kind = NetworkKind.FIELDLAB


class NetworkMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMember

    network = factory.SubFactory(NetworkFactory)
    partnership = factory.SelfAttribute("network.partnership")
    organisation = factory.SubFactory(
        OrganisationFactory, partnership=factory.SelfAttribute("..network.partnership")
    )
    role = "Lid"


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    organisation = factory.SubFactory(OrganisationFactory)
    partnership = factory.SelfAttribute("organisation.partnership")
    kind = InteractionKind.VISIT_COMPANY
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))
    summary = "Rondleiding door de werkplaats; interesse in gastlessen."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Meer instroom techniek {n}")
    indicator = "Leerlingen in technische profielen"
    target_value = Decimal("100")
    unit = "leerlingen"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    partnership = factory.SubFactory(PartnershipFactory)
    short_code = factory.Sequence(lambda n: f"A{n}")
    title = factory.Sequence(lambda n: f"Gastlessen lassen {n}")
    form = CooperationForm.GUEST_TEACHERS
    status = ActivityStatus.PLANNED
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    activity = factory.SubFactory(ActivityFactory)
    partnership = factory.SelfAttribute("activity.partnership")
    organisation = factory.SubFactory(
        OrganisationFactory, partnership=factory.SelfAttribute("..activity.partnership")
    )
    tasks = "Levert twee gastdocenten per kwartaal."
    responsibilities = "Zorgt voor veiligheidsinstructie in de werkplaats."


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    activity = factory.SubFactory(ActivityFactory)
    partnership = factory.SelfAttribute("activity.partnership")
    date = datetime.date(2026, 3, 1)
    kind = ResultKind.SUCCESS
    description = "Eerste gastles gegeven aan 3 vmbo-klassen."


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    partnership = factory.SubFactory(PartnershipFactory)
    date = datetime.date(2026, 6, 15)
    answer_goals = "Ja."
    answer_results = "Grotendeels."
    answer_works = "Gastlessen werken; stages nog niet."
    answer_satisfied = "Ja, behalve de bouwsector."
    answer_adjust = "Doel 2 bijstellen."


def scheme(code="sto-2025-2028"):
    return Scheme.objects.get(code=code)


def without_conditions(code="sto-2025-2028"):
    """Switch off the scheme's conditions on the region (a vmbo board as penvoerder, vmbo,
    mbo and primary schools), for tests that are about something else."""
    Scheme.objects.filter(code=code).update(
        penvoerder_vmbo_board=False,
        requires_vmbo=False,
        requires_mbo=False,
        requires_primary=False,
    )


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    partnership = factory.SubFactory(PartnershipFactory)
    scheme = factory.LazyFunction(scheme)


class ContributionFactory(factory.django.DjangoModelFactory):
    """A labour contribution of 10 hours at the default € 50: € 500.00."""

    class Meta:
        model = Contribution

    organisation = factory.SubFactory(OrganisationFactory)
    partnership = factory.SelfAttribute("organisation.partnership")
    year = 2026
    kind = "labour"
    description = "Gastlessen CNC"
    hours = Decimal("10")
    hourly_rate = Decimal("50.00")
    value = Decimal("500.00")


class CostLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostLine

    partnership = factory.SubFactory(PartnershipFactory)
    year = 2026
    category = "internal_personnel"
    description = "Projectleider 0,4 fte"
    unit_price = Decimal("80.00")
    quantity = Decimal("100")
    amount = Decimal("8000.00")


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    partnership = factory.SubFactory(PartnershipFactory)
    year = 2026
    source = "subsidy"
    description = "STO-subsidie"
    amount = Decimal("7500.00")


class VersionFactory(factory.django.DjangoModelFactory):
    """A version with a tiny snapshot and a tiny (not real) PDF attached; tests of the PDF
    itself render real ones."""

    class Meta:
        model = AgreementVersion

    partnership = factory.SubFactory(PartnershipFactory)
    agreement = factory.LazyAttribute(
        lambda o: Agreement.objects.get_or_create(partnership=o.partnership)[0]
    )
    number = factory.Sequence(lambda n: n + 1)
    snapshot = factory.LazyAttribute(
        lambda o: {"schema": 1, "partnership": {"name": o.partnership.name}}
    )
    snapshot_sha256 = factory.LazyAttribute(lambda o: snapshot_hash(o.snapshot))
    pdf = factory.django.FileField(filename="v.pdf", data=b"%PDF-1.7\n%test\n")
    pdf_sha256 = factory.LazyAttribute(lambda o: bytes_hash(b"%PDF-1.7\n%test\n"))


# --- Signing ------------------------------------------------------------------

_REAL_PDF: dict = {}


def tiny_real_pdf() -> bytes:
    """A real two-page PDF/A-3b made by WeasyPrint, rendered once per test process."""
    if "pdf" not in _REAL_PDF:
        from weasyprint import HTML

        html = (
            '<html lang="nl"><head><meta charset="utf-8"><title>Samenwerkingsovereenkomst'
            "</title></head><body><h1>Samenwerkingsovereenkomst</h1><p>Artikel 1</p>"
            '<p style="break-before: page">Artikel 2</p></body></html>'
        )
        _REAL_PDF["pdf"] = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    return _REAL_PDF["pdf"]


def signing_version(partnership, *, parties=2, penvoerder=0, real_pdf=False, number=None):
    """A version whose snapshot names `parties` organisations with one signatory each (real
    Organisation/Contact/Signatory rows, so the requests link to them); the party at index
    `penvoerder` is the penvoerder. `real_pdf` attaches a real PDF (needed for sealing)."""
    from django.core.files.base import ContentFile

    party_dicts = []
    for index in range(parties):
        organisation = OrganisationFactory(
            partnership=partnership, name=f"Partner {index + 1} B.V."
        )
        contact = ContactFactory(
            organisation=organisation,
            name=f"Ondertekenaar {index + 1} de Vries",
            email=f"tekenaar{index + 1}@partner{index + 1}.nl",
            job_title="Directeur",
        )
        signatory = SignatoryFactory(contact=contact)
        party_dicts.append(
            {
                "key": str(organisation.code),
                "name": organisation.name,
                "signatories": [
                    {
                        "key": str(signatory.code),
                        "name": contact.name,
                        "job_title": contact.job_title,
                        "email": contact.email,
                        "authority": signatory.authority,
                        "authority_label": "Zelfstandig bevoegd bestuurder",
                        "evidence_source": signatory.evidence_source,
                        "evidence_reference": signatory.evidence_reference,
                        "evidence_date": signatory.evidence_date.isoformat(),
                        "checked_by": "Lotte Leider",
                        "checked_at": "2026-02-01T10:00:00+00:00",
                    }
                ],
            }
        )
    snapshot = {
        "schema": 1,
        "partnership": {"name": partnership.name, "slug": partnership.slug, "region": "Twente"},
        "penvoerder": party_dicts[penvoerder]["key"] if party_dicts else None,
        "parties": party_dicts,
    }
    extra = {} if number is None else {"number": number}
    if real_pdf:
        data = tiny_real_pdf()
        extra["pdf"] = ContentFile(data, name="versie.pdf")
        extra["pdf_sha256"] = bytes_hash(data)
    return VersionFactory(partnership=partnership, snapshot=snapshot, **extra)


def send_round(version, user, *, days=14, **kwargs):
    """Send `version` for signing with a deadline `days` ahead; returns the round."""
    from django.utils import timezone

    from agreements.signing import version_send

    return version_send(
        version=version,
        user=user,
        deadline=timezone.now() + datetime.timedelta(days=days),
        **kwargs,
    )


def version_of(signing_round):
    """The agreement version a round of the agreement kind signs."""
    from django_scopes import scopes_disabled

    with scopes_disabled():
        return AgreementVersion.objects.get(pk=int(signing_round.document.subject))


def round_of(version, **filters):
    """The one signing round of an agreement version (filters narrow it down)."""
    from django_scopes import scopes_disabled

    from signing.models import SigningRound

    with scopes_disabled():
        return SigningRound.objects.get(
            document__kind="agreement", document__subject=str(version.pk), **filters
        )


# The delivery of signing mail in the audit trail (signing.delivery); tests about other
# events leave them out.
MAIL_EVENTS = {"mail_queued", "mail_delivered", "mail_failed"}
