import datetime

import factory
from django.contrib.auth import get_user_model

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
