"""The snapshot of an agreement: everything the document shows, as one JSON-able dict.

Issue 6, item 3. A version freezes this dict and the PDF is rendered from it only, so it
holds the texts and labels as printed. It is built in the document's language (the site's
default, Dutch) whatever language the request runs in, so the same data always gives the
same snapshot and the same hash (agreements.canonical.snapshot_hash). Amounts are strings
with two decimals; lists are sorted on their content, never on database order.

Reading runs a fixed number of queries whatever the number of parties (about a dozen):
agreement, budget, participants, contributions, organisations, signatories, the five
queries of the cofinancing report and the clause texts.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from activities.models import Participant
from agreements.models import Agreement
from cofinancing.models import Budget, Contribution, ContributionKind
from cofinancing.report import amount, rate, report_data
from cofinancing.selectors.contributions import calculation_of
from cofinancing.selectors.summary import PLEDGED_AND_UP, partnership_budget, threshold_facts
from cofinancing.summary import Summary
from partners.models import Authority, Contact, Organisation, OrganisationKind, Partnership
from partners.selectors.contacts import signatory_facts
from partners.signing import SigningStatus, signing_status
from sterk.money import ZERO

SCHEMA = 1


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

    @property
    def penvoerder_id(self) -> int | None:
        return self.agreement.penvoerder_id if self.agreement else None


def load_agreement_data(*, partnership: Partnership) -> AgreementData:
    """Everything the agreement and its readiness check need, in a fixed number of queries."""
    agreement = (
        Agreement.objects.filter(partnership=partnership)
        .only("pk", "penvoerder_id", "acknowledged_warnings")
        .first()
    )
    budget = partnership_budget(partnership=partnership)
    summary = report = None
    if budget is not None:
        # Warnings are texts and acknowledgements refer to a hash of the text: make them in
        # the programme's language, whatever the page's, so the keys are stable.
        with translation.override(settings.LANGUAGE_CODE):
            summary = threshold_facts(budget=budget, statuses=PLEDGED_AND_UP).summarize()
            report = report_data(partnership=partnership, budget=budget, summary=summary)

    participants = list(
        Participant.objects.filter(partnership=partnership).select_related("activity")
    )
    contributions = list(
        Contribution.objects.filter(partnership=partnership, status__in=PLEDGED_AND_UP)
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
    return AgreementData(
        partnership=partnership,
        agreement=agreement,
        budget=budget,
        summary=summary,
        report=report,
        parties=ordered,
    )


def build_snapshot(*, partnership: Partnership) -> dict:
    """The snapshot of the contract between developers (conventions of issue 6), schema 1."""
    with translation.override(settings.LANGUAGE_CODE):
        data = load_agreement_data(partnership=partnership)
        return snapshot_from_data(data)


def snapshot_from_data(data: AgreementData) -> dict:
    from agreements.readiness import readiness_from_data

    partnership = data.partnership
    scheme = data.budget.scheme if data.budget else None
    default_rate = scheme.default_hourly_rate if scheme else ZERO
    penvoerder = next(
        (p.key for p in data.parties if p.organisation.pk == data.penvoerder_id), None
    )
    readiness = readiness_from_data(data)
    return {
        "schema": SCHEMA,
        "partnership": {
            "name": partnership.name,
            "slug": partnership.slug,
            "region": partnership.region,
            "start_year": partnership.start_year,
            "end_year": partnership.end_year,
        },
        "scheme": (
            {
                "code": scheme.code,
                "name": scheme.name,
                "share": rate(scheme.share),
                "base": scheme.base,
                "default_hourly_rate": amount(scheme.default_hourly_rate),
            }
            if scheme
            else None
        ),
        "penvoerder": penvoerder,
        "parties": [_party(party, default_rate) for party in data.parties],
        "cofinancing": data.report,
        "clauses": _clauses(partnership),
        "readiness": {
            "ready": readiness.ready,
            "items": [
                {"key": item.key, "blocking": item.blocking, "message": item.message}
                for item in readiness.items
            ],
        },
    }


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _person(user) -> str:
    return "" if user is None else (user.get_full_name() or user.email)


def _party(party: PartyData, default_rate: Decimal) -> dict:
    organisation = party.organisation
    kinds = _labels(OrganisationKind.choices)
    return {
        "key": party.key,
        "name": organisation.name,
        "kind": organisation.kind,
        "kind_label": kinds.get(organisation.kind, organisation.kind),
        "kvk_number": organisation.kvk_number,
        "brin_code": organisation.brin_code,
        "legal_form": organisation.get_legal_form_display(),
        "address": organisation.address,
        "postal_code": organisation.postal_code,
        "city": organisation.city,
        "counts_as_business": bool(organisation.counts_as_business),
        "signatories": [_signatory(s) for s in signers(party)],
        "tasks": sorted(
            (
                {
                    "activity_code": p.activity.short_code,
                    "activity_title": p.activity.title,
                    "tasks": p.tasks,
                    "responsibilities": p.responsibilities,
                }
                for p in party.participants
            ),
            key=lambda t: (t["activity_code"].lower(), t["activity_title"], t["tasks"]),
        ),
        "contributions": sorted(
            (_contribution(c, default_rate) for c in party.contributions),
            key=lambda c: (
                c["year"],
                c["kind"],
                c["description"],
                c["value"],
                c["status"],
                c["excluded_reason"],
                c["valuation"],
            ),
        ),
        "total": amount(party.total),
    }


def signers(party: PartyData) -> list:
    """The signatories the document names for a party: those who may sign for it (with the
    co-signatories of jointly authorised directors), proxies only within their limit; when
    nobody may sign yet, everyone recorded, so the document still shows who is known."""
    by_pk = {s.pk: s for s in party.signatories}
    valid = set(party.signing.valid_signatories) if party.signing else set()
    total = party.total
    chosen = {
        pk
        for pk in valid
        if not (by_pk[pk].authority == Authority.PROXY and (by_pk[pk].proxy_limit or 0) < total)
    }
    for pk in list(chosen):
        if by_pk[pk].authority == Authority.JOINT_DIRECTOR and by_pk[pk].co_signatory_id:
            chosen.add(by_pk[pk].co_signatory_id)
    if not chosen:
        chosen = set(by_pk)
    return sorted(
        (by_pk[pk] for pk in chosen if pk in by_pk), key=lambda s: (s.contact.name, str(s.code))
    )


def _signatory(signatory) -> dict:
    contact = signatory.contact
    authorities = _labels(Authority.choices)
    return {
        "key": str(signatory.code),
        "name": contact.name,
        "job_title": contact.job_title,
        "email": contact.email,
        "authority": signatory.authority,
        "authority_label": authorities.get(signatory.authority, signatory.authority),
        "proxy_limit": amount(signatory.proxy_limit) if signatory.proxy_limit is not None else None,
        "co_signatory": str(signatory.co_signatory.code) if signatory.co_signatory_id else None,
        "evidence_source": signatory.evidence_source,
        "evidence_reference": signatory.evidence_reference,
        "evidence_date": signatory.evidence_date.isoformat() if signatory.evidence_date else None,
        "checked_by": _person(signatory.checked_by),
        "checked_at": signatory.checked_at.isoformat() if signatory.checked_at else None,
    }


def _contribution(contribution: Contribution, default_rate: Decimal) -> dict:
    kinds = _labels(ContributionKind.choices)
    return {
        "year": contribution.year,
        "kind": contribution.kind,
        "kind_label": kinds.get(contribution.kind, contribution.kind),
        "description": contribution.description,
        "status": contribution.status,
        "valuation": calculation_of(contribution, default_rate=default_rate),
        "value": amount(contribution.value),
        "excluded_reason": contribution.other_funding.strip(),
    }


def _clauses(partnership: Partnership) -> list[dict]:
    from agreements.clauses import effective_clauses

    return [
        {"key": clause["key"], "title": str(clause["title"]), "text": clause["text"]}
        for clause in effective_clauses(partnership=partnership)
    ]
