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
from agreements.canonical import bytes_hash, snapshot_hash
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
