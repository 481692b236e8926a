"""Everything the agreement and its readiness check read, loaded once.

Shared by the snapshot (agreements.snapshot) and the readiness check (agreements.readiness),
so both see the same parties, signatories and figures; the snapshot includes the readiness,
so the readiness check must not import the snapshot. Reading runs a fixed number of queries
whatever the number of parties (about a dozen): agreement, budget, participants,
contributions, organisations, signatories, the activities with their goals and the queries
of the cofinancing report.
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
from partners.models import Contact, Organisation, Partnership
from partners.selectors.contacts import signatory_facts
from partners.signing import SigningStatus, signing_status
from sterk.money import ZERO


@dataclass
class PartyData:
    """One party with what was loaded for it; shared by the snapshot and the readiness check."""

    organisation: Organisation
    signatories: list = field(default_factory=list)  # Signatory rows, contact joined
    participants: list = field(default_factory=list)  # Participant rows, activity joined
    contributions: list = field(default_factory=list)  # Contribution rows
    signing: SigningStatus | None = None

    @property
    def key(self) -> str:
        return str(self.organisation.code)

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
    # The eligible budget lines per year and category (cofinancing BudgetFact), for the
    # budget annex; loaded with the threshold facts, so no query of their own.
    cost_lines: list = field(default_factory=list)
    # The partnership's activities, goals prefetched, in the order of their short codes.
    activities: list = field(default_factory=list)

    @property
    def penvoerder_id(self) -> int | None:
        return self.agreement.penvoerder_id if self.agreement else None


def load_agreement_data(*, partnership: Partnership) -> AgreementData:
    """Everything the agreement and its readiness check need, in a fixed number of queries."""
    agreement = (
        Agreement.objects.filter(partnership=partnership)
        .only("pk", "penvoerder_id", "acknowledged_warnings", "licence", "steering_group")
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
    organisations = Organisation.objects.filter(partnership=partnership, pk__in=party_ids)
    parties = {o.pk: PartyData(o) for o in organisations}
    for participant in participants:
        parties[participant.organisation_id].participants.append(participant)
    for contribution in contributions:
        parties[contribution.organisation_id].contributions.append(contribution)
    contacts = (
        Contact.objects.filter(
            partnership=partnership, organisation__in=party_ids, signatory__isnull=False
        )
        .select_related("signatory", "signatory__checked_by", "signatory__co_signatory")
        .order_by("name", "pk")
    )
    for contact in contacts:
        parties[contact.organisation_id].signatories.append(contact.signatory)
    for party in parties.values():
        party.signing = signing_status(
            party.organisation.kind, [signatory_facts(s) for s in party.signatories]
        )
    ordered = sorted(parties.values(), key=lambda p: (p.organisation.name, p.key))
    activities = list(
        Activity.objects.filter(partnership=partnership)
        .prefetch_related("goals")
        .order_by("short_code", "title", "pk")
    )
    return AgreementData(
        partnership=partnership,
        agreement=agreement,
        budget=budget,
        summary=summary,
        report=report,
        parties=ordered,
        cost_lines=cost_lines,
        activities=activities,
    )
