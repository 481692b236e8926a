"""The snapshot of an agreement: everything the document shows, as one JSON-able dict.

A version freezes this dict and the PDF is rendered from it only (docs/rules.md §12), so it
holds the texts and labels as printed. It is built in the document's language (the site's
default, Dutch) whatever language the request runs in, so the same data always gives the
same snapshot and the same hash (sterk.canonical.snapshot_hash). Amounts are strings
with two decimals; lists are sorted on their content, never on database order.

Building it runs a fixed number of queries whatever the number of parties: those of
agreements.data.load_agreement_data and two for the articles (the partnership's own texts,
and its own articles and order).
"""

from decimal import Decimal

from django.conf import settings
from django.utils import translation

from activities.models import CooperationForm
from agreements.data import AgreementData, PartyData, load_agreement_data
from agreements.models import Licence
from agreements.readiness import readiness_from_data
from cofinancing.models import Contribution, ContributionKind, ContributionStatus, CostCategory
from cofinancing.report import amount, rate
from cofinancing.selectors.contributions import calculation_of
from cofinancing.statements.lines import dutch_number
from cofinancing.valuation import AMOUNT_KINDS, ROOM
from partners.models import Authority, OrganisationKind, Partnership
from sterk.money import ZERO, format_euro
from sterk.sorting import natural_key

SCHEMA = 1


def build_snapshot(*, partnership: Partnership) -> dict:
    """The partnership's snapshot now, schema 1; its keys are what a version's readers
    (the PDF, the change list, signing) rely on."""
    with translation.override(settings.LANGUAGE_CODE):
        data = load_agreement_data(partnership=partnership)
        return snapshot_from_data(data)


def snapshot_from_data(data: AgreementData) -> dict:
    partnership = data.partnership
    scheme = data.budget.scheme if data.budget else None
    default_rate = scheme.default_hourly_rate if scheme else ZERO
    penvoerder_party = data.penvoerder_party
    penvoerder = penvoerder_party.key if penvoerder_party else None
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
                "start_year": scheme.start_year,
                "end_year": scheme.end_year,
                "default_hourly_rate": amount(scheme.default_hourly_rate),
            }
            if scheme
            else None
        ),
        "penvoerder": penvoerder,
        "agreement": _agreement(data),
        "parties": [_party(party, default_rate) for party in data.parties],
        "activities": _activities(data),
        "budget": _budget(data),
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


def _agreement(data: AgreementData) -> dict:
    """The settings of the agreement its articles print: the licence and the steering group
    (the steering-group body, else the text of the settings)."""
    agreement = data.agreement
    licence = agreement.licence if agreement else Licence.SHARED
    return {
        "licence": licence,
        "licence_label": _labels(Licence.choices).get(licence, licence),
        "steering_group": " ".join((agreement.steering_group if agreement else "").split()),
        # From the partnership's steering-group body, when it has one: it wins over the
        # text of the settings (docs/rules.md §27).
        "steering_body": data.steering_body,
    }


def _activities(data: AgreementData) -> list[dict]:
    """The activity plan in brief (annex 1): per activity its form of cooperation, goals,
    years and the parties taking part."""
    names: dict[int, set[str]] = {}
    for party in data.parties:
        for participant in party.participants:
            names.setdefault(participant.activity_id, set()).add(party.organisation.name)
    forms = _labels(CooperationForm.choices)
    activities = []
    for activity in data.activities:
        start, end = activity.start_date, activity.end_date
        if start and end and end >= start:
            years = list(range(start.year, end.year + 1))
        else:
            years = sorted({d.year for d in (start, end) if d})
        activities.append(
            {
                "code": activity.short_code,
                "title": activity.title,
                "form": activity.form,
                "form_label": forms.get(activity.form, str(activity.form)),
                "goals": sorted(goal.title for goal in activity.goals.all()),
                "years": years,
                "participants": sorted(names.get(activity.pk, ())),
            }
        )
    return sorted(activities, key=lambda a: (natural_key(a["code"]), a["title"], a["participants"]))


def _budget(data: AgreementData) -> dict | None:
    """The eligible budget per category per year (annex 2), from the threshold facts."""
    if data.budget is None:
        return None
    labels = _labels(CostCategory.choices)
    years = sorted(set(data.budget.scheme.years) | {int(line.year) for line in data.cost_lines})
    cells: dict[str, dict[int, Decimal]] = {}
    for line in data.cost_lines:
        per_year = cells.setdefault(line.source, {})
        per_year[int(line.year)] = per_year.get(int(line.year), ZERO) + line.amount
    order = [value for value, _label in CostCategory.choices]
    rows = [
        {
            "category": category,
            "label": labels.get(category, category),
            "by_year": {str(year): amount(cells[category].get(year, ZERO)) for year in years},
            "total": amount(sum(cells[category].values(), ZERO)),
        }
        for category in sorted(cells, key=lambda c: (order.index(c) if c in order else 99, c))
    ]
    return {
        "years": years,
        "rows": rows,
        "total_by_year": {
            str(year): amount(sum((c.get(year, ZERO) for c in cells.values()), ZERO))
            for year in years
        },
        "total": amount(sum((sum(c.values(), ZERO) for c in cells.values()), ZERO)),
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
        # The schools or branches under the legal entity that take part (docs/rules.md §11).
        "locations": sorted(
            (
                {
                    "name": location.name,
                    "kind_label": kinds.get(location.kind, location.kind),
                    "brin_code": location.brin_code,
                    "city": location.city,
                }
                for location in party.locations
            ),
            key=lambda item: (item["name"], item["brin_code"], item["city"]),
        ),
        "signatories": [_signatory(s) for s in signers(party)],
        "tasks": sorted(
            (
                {
                    "activity_code": p.activity.short_code,
                    "activity_title": p.activity.title,
                    "location": _location_name(party, p.organisation_id),
                    "tasks": p.tasks,
                    "responsibilities": p.responsibilities,
                }
                for p in party.participants
            ),
            key=lambda t: (
                t["activity_code"].lower(),
                t["activity_title"],
                t["location"],
                t["tasks"],
            ),
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


def _location_name(party: PartyData, organisation_id: int) -> str:
    location = party.location_of(organisation_id)
    return location.name if location else ""


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
        # Delivered (realised or certified) or still a promise (pledged or confirmed).
        "delivered": contribution.status in DELIVERED,
        "valuation": _valuation(contribution, default_rate),
        # Another rate than the scheme's is shown with why (docs/rules.md §5).
        "rate_justification": _rate_justification(contribution, default_rate),
        "value": amount(contribution.value),
        "excluded_reason": contribution.excluded_reason,
    }


DELIVERED = (ContributionStatus.REALISED, ContributionStatus.CERTIFIED)


def _valuation(contribution: Contribution, default_rate: Decimal) -> str:
    """The calculation of the value as the agreement prints it (Dutch, the document's
    language): rooms in dagdelen, an amount without saying it was paid (a pledge is not;
    the status column says toegezegd or geleverd, and the text must not change when the
    status moves on); other kinds as everywhere (cofinancing.selectors.contributions)."""
    value = format_euro(contribution.value)
    if contribution.kind == ROOM and contribution.units is not None:
        price = format_euro(contribution.unit_price or ZERO)
        return f"{dutch_number(contribution.units)} dagdelen × {price} = {value}"
    if contribution.kind in AMOUNT_KINDS:
        return f"Bedrag: {value}"
    return calculation_of(contribution, default_rate=default_rate)


def _rate_justification(contribution: Contribution, default_rate: Decimal) -> str:
    hourly = contribution.hourly_rate
    if contribution.kind != ContributionKind.LABOUR or hourly is None or hourly == default_rate:
        return ""
    return " ".join(contribution.rate_justification.split())


def _clauses(partnership: Partnership) -> list[dict]:
    from agreements.clauses import effective_clauses

    return [
        {"key": clause["key"], "title": str(clause["title"]), "text": clause["text"]}
        for clause in effective_clauses(partnership=partnership)
    ]
