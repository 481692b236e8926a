"""Everything the agreement and its readiness check read, loaded once.

Shared by the snapshot (agreements.snapshot) and the readiness check (agreements.readiness),
so both see the same parties, signatories and figures; the snapshot includes the readiness,
so the readiness check must not import the snapshot. Reading runs a fixed number of queries
whatever the number of parties (about a dozen): agreement, budget, participants,
contributions, organisations with their legal entities, signatories, the vmbo schools of the
penvoerder, the activities with their goals, the steering-group body with its members and
the queries of the cofinancing report.

The parties are legal entities (docs/rules.md §11): an organisation that belongs to a board
or company (a school location, a branch) takes part under it, so its tasks and
contributions are the legal entity's, and the legal entity's signatories sign for it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from activities.models import Activity, Participant
from agreements.models import Agreement
from cofinancing.models import Budget, Contribution
from cofinancing.report import report_data
from cofinancing.selectors.summary import PLEDGED_AND_UP, partnership_budget, threshold_facts
from cofinancing.summary import Summary
from governance.selectors import steering_group_text
from partners.models import Contact, Organisation, OrganisationKind, Partnership
from partners.selectors.contacts import signatory_facts
from partners.signing import SigningStatus, signing_status
from sterk.money import ZERO


@dataclass
class PartyData:
    """One party with what was loaded for it; shared by the snapshot and the readiness check."""

    organisation: Organisation  # the legal entity
    locations: list = field(default_factory=list)  # its organisations that take part
    signatories: list = field(default_factory=list)  # Signatory rows, contact joined
    participants: list = field(default_factory=list)  # Participant rows, activity joined
    contributions: list = field(default_factory=list)  # Contribution rows
    signing: SigningStatus | None = None

    @property
    def key(self) -> str:
        return str(self.organisation.code)

    def location_of(self, organisation_id: int) -> Organisation | None:
        """The location among the party's that has this id; None for the legal entity."""
        return next((o for o in self.locations if o.pk == organisation_id), None)

    @property
    def members(self) -> list[Organisation]:
        """The legal entity and its locations that take part."""
        return [self.organisation, *self.locations]

    @property
    def total(self) -> Decimal:
        """What the party brings in: its contributions that count (not funded elsewhere)."""
        return sum((c.value for c in self.contributions if not c.is_excluded), ZERO)


@dataclass
class AgreementData:
    partnership: Partnership
    agreement: Agreement | None
    budget: Budget | None
    summary: Summary | None
    report: dict | None
    parties: list[PartyData]
    penvoerder: Organisation | None = None  # as chosen: normally a legal entity
    penvoerder_vmbo_schools: list[str] = field(default_factory=list)  # names
    # The eligible budget lines per year and category (cofinancing BudgetFact), for the
    # budget annex; loaded with the threshold facts, so no query of their own.
    cost_lines: list = field(default_factory=list)
    # The partnership's activities, goals prefetched, in the order of their short codes.
    activities: list = field(default_factory=list)
    # How the governance article names the steering group when the partnership has a
    # steering-group body (governance, docs/rules.md §27); "" when it has none.
    steering_body: str = ""

    @property
    def penvoerder_id(self) -> int | None:
        return self.agreement.penvoerder_id if self.agreement else None

    @property
    def penvoerder_party(self) -> PartyData | None:
        """The party of the penvoerder: itself, or its legal entity when a location was
        chosen."""
        if self.penvoerder is None:
            return None
        entity_id = self.penvoerder.belongs_to_id or self.penvoerder.pk
        return next((p for p in self.parties if p.organisation.pk == entity_id), None)


def load_agreement_data(*, partnership: Partnership) -> AgreementData:
    """Everything the agreement and its readiness check need, in a fixed number of queries."""
    agreement = (
        Agreement.objects.filter(partnership=partnership)
        .only(
            "pk",
            "penvoerder_id",
            "acknowledged_warnings",
            "condition_exceptions",
            "licence",
            "steering_group",
        )
        .first()
    )
    budget = partnership_budget(partnership=partnership)
    summary = report = None
    cost_lines = []
    if budget is not None:
        # Warnings are texts and acknowledgements refer to a hash of the text: make them in
        # the programme's language, whatever the page's, so the keys are stable.
        with translation.override(settings.LANGUAGE_CODE):
            facts = threshold_facts(budget=budget, statuses=PLEDGED_AND_UP)
            cost_lines = facts.cost_lines
            summary = facts.summarize()
            report = report_data(partnership=partnership, budget=budget, summary=summary)

    participants = list(
        Participant.objects.filter(partnership=partnership).select_related("activity")
    )
    contributions = list(
        Contribution.objects.filter(
            partnership=partnership, status__in=PLEDGED_AND_UP
        ).select_related("activity")
    )
    party_ids = {p.organisation_id for p in participants} | {
        c.organisation_id for c in contributions
    }
    if agreement and agreement.penvoerder_id:
        party_ids.add(agreement.penvoerder_id)
    organisations = list(
        Organisation.objects.filter(partnership=partnership, pk__in=party_ids).select_related(
            "belongs_to"
        )
    )
    parties: dict[int, PartyData] = {}
    entity_of: dict[int, int] = {}
    for organisation in sorted(organisations, key=lambda o: (o.name, str(o.code))):
        entity = organisation.legal_entity
        party = parties.setdefault(entity.pk, PartyData(entity))
        if entity.pk != organisation.pk:
            party.locations.append(organisation)
        entity_of[organisation.pk] = entity.pk
    for participant in participants:
        parties[entity_of[participant.organisation_id]].participants.append(participant)
    for contribution in contributions:
        parties[entity_of[contribution.organisation_id]].contributions.append(contribution)
    contacts = (
        Contact.objects.filter(
            partnership=partnership, organisation__in=list(parties), signatory__isnull=False
        )
        .select_related("signatory", "signatory__checked_by", "signatory__co_signatory")
        .order_by("name", "pk")
    )
    for contact in contacts:
        parties[contact.organisation_id].signatories.append(contact.signatory)
    penvoerder = next(
        (o for o in organisations if agreement and o.pk == agreement.penvoerder_id), None
    )
    penvoerder_vmbo_schools = (
        list(
            Organisation.objects.filter(
                partnership=partnership, belongs_to=penvoerder, kind=OrganisationKind.VMBO
            )
            .order_by("name")
            .values_list("name", flat=True)
        )
        if penvoerder is not None and penvoerder.belongs_to_id is None
        else []
    )
    for party in parties.values():
        party.signing = signing_status(
            party.organisation.kind, [signatory_facts(s) for s in party.signatories]
        )
    ordered = sorted(parties.values(), key=lambda p: (p.organisation.name, p.key))
    activities = list(
        Activity.objects.filter(partnership=partnership)
        .prefetch_related("goals")
        .order_by("sort_key", "title", "pk")
    )
    return AgreementData(
        partnership=partnership,
        agreement=agreement,
        budget=budget,
        summary=summary,
        report=report,
        parties=ordered,
        penvoerder=penvoerder,
        penvoerder_vmbo_schools=penvoerder_vmbo_schools,
        cost_lines=cost_lines,
        activities=activities,
        steering_body=steering_group_text(partnership=partnership),
    )
