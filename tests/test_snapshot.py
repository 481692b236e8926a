"""The agreement's snapshot (docs/rules.md §12): contents, stable hash, fixed query count."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from agreements.models import Agreement
from agreements.snapshot import build_snapshot
from cofinancing.models import Contribution
from partners.models import Authority, OrganisationKind, Stage
from sterk.canonical import canonical_json, snapshot_hash
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContactFactory,
    ContributionFactory,
    CostLineFactory,
    FundingLineFactory,
    OrganisationFactory,
    ParticipantFactory,
    PartnershipFactory,
    SignatoryFactory,
    UserFactory,
    without_conditions,
)

CHECKED_AT = datetime.datetime(2026, 2, 1, 10, 0, tzinfo=datetime.UTC)


def signatory(organisation, *, name, authority=Authority.SOLE_DIRECTOR, checked=True, **extra):
    contact = ContactFactory(
        organisation=organisation,
        partnership=organisation.partnership,
        name=name,
        email=f"{name.split()[0].lower()}@example.nl",
    )
    return SignatoryFactory(
        contact=contact,
        partnership=organisation.partnership,
        authority=authority,
        checked_at=CHECKED_AT if checked else None,
        **extra,
    )


def company(partnership, name, *, value=Decimal("1000.00"), **extra):
    """A committed company with a checked, solely authorised director and one labour
    contribution of `value` in 2026."""
    organisation = OrganisationFactory(
        partnership=partnership, name=name, stage=Stage.COMMITTED, **extra
    )
    signatory(organisation, name=f"Directeur {name}")
    ContributionFactory(
        organisation=organisation,
        partnership=partnership,
        description=f"Gastlessen {name}",
        hours=value / 50,
        value=value,
        status="confirmed",
    )
    return organisation


def ready_partnership(partnership, *, companies=1):
    """A partnership that passes every readiness check: a school (its own legal entity) as
    penvoerder that takes part in an activity, `companies` companies each bringing € 1.000,
    a budget whose 10% share is exactly met, everyone committed with a checked signatory.
    The scheme's conditions on the region are off (tests/test_legal_entities.py has them)."""
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
        without_conditions()
        school = OrganisationFactory(
            partnership=partnership,
            name="ROC Voorbeeld",
            kind=OrganisationKind.MBO,
            kvk_number="41234567",
            brin_code="25LH",
            stage=Stage.SIGNED,
            address="Schoolstraat 1",
            postal_code="7511 AA",
        )
        signatory(school, name="Bestuurder School", authority=Authority.SCHOOL_BOARD)
        activity = ActivityFactory(partnership=partnership, short_code="A1", title="Gastlessen")
        ParticipantFactory(activity=activity, partnership=partnership, organisation=school)
        for index in range(companies):
            company(partnership, f"Bedrijf {index:03d}")
        # total costs = 9000 × n + 1000 × n in kind; 10% of that is 1000 × n: met exactly.
        CostLineFactory(partnership=partnership, amount=Decimal("9000.00") * companies)
        FundingLineFactory(partnership=partnership, amount=Decimal("9000.00") * companies)
        Agreement.objects.create(partnership=partnership, penvoerder=school)
    return partnership


@pytest.fixture
def ready(partnership):
    return ready_partnership(partnership)


def snapshot_of(partnership):
    with scopes_disabled():
        return build_snapshot(partnership=partnership)


def test_a_ready_partnership_gives_a_ready_json_able_snapshot_of_schema_one(ready):
    snapshot = snapshot_of(ready)
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["schema"] == 1
    assert snapshot["readiness"]["ready"] is True
    assert snapshot["partnership"] == {
        "name": "Regio Twente Techniek",
        "slug": "twente",
        "region": "Twente",
        "start_year": 2025,
        "end_year": 2028,
    }
    assert snapshot["scheme"]["code"] == "sto-2025-2028"
    assert snapshot["scheme"]["share"] == "0.10"
    assert snapshot["scheme"]["default_hourly_rate"] == "50.00"
    assert snapshot["cofinancing"]["met"] is True
    assert snapshot["cofinancing"]["required"] == "1000.00"


def test_the_snapshot_holds_every_party_with_its_details_signatories_tasks_and_amounts(ready):
    snapshot = snapshot_of(ready)
    names = [party["name"] for party in snapshot["parties"]]
    assert names == ["Bedrijf 000", "ROC Voorbeeld"]
    company_party, school_party = snapshot["parties"]
    with scopes_disabled():
        school_code = str(Agreement.objects.get(partnership=ready).penvoerder.code)
    assert snapshot["penvoerder"] == school_party["key"] == school_code
    assert school_party["brin_code"] == "25LH"
    assert school_party["postal_code"] == "7511 AA"
    assert school_party["counts_as_business"] is False
    assert school_party["tasks"][0]["activity_code"] == "A1"
    assert school_party["signatories"][0]["authority"] == Authority.SCHOOL_BOARD
    assert school_party["total"] == "0.00"
    assert company_party["counts_as_business"] is True
    assert company_party["total"] == "1000.00"
    [contribution] = company_party["contributions"]
    assert contribution["value"] == "1000.00"
    assert contribution["year"] == 2026
    assert contribution["kind"] == "labour"
    assert "50,00" in contribution["valuation"]
    assert contribution["rate_justification"] == ""  # the scheme's rate needs none
    [person] = company_party["signatories"]
    assert person["name"] == "Directeur Bedrijf 000"
    assert person["checked_at"] == CHECKED_AT.isoformat()
    assert person["evidence_date"] == "2026-01-15"
    assert person["proxy_limit"] is None


def test_a_rate_other_than_the_schemes_carries_its_justification(ready):
    why = "Uurtarief volgens de GPL van de CAO VO,\nschaal LB."
    with scopes_disabled():
        Contribution.objects.filter(partnership=ready).update(
            hourly_rate=Decimal("95.00"), rate_justification=why, value=Decimal("1900.00")
        )
    company_party = snapshot_of(ready)["parties"][0]
    [contribution] = company_party["contributions"]
    assert (
        contribution["rate_justification"] == "Uurtarief volgens de GPL van de CAO VO, schaal LB."
    )


def test_organisations_that_neither_take_part_nor_contribute_are_not_parties(ready):
    with scopes_disabled():
        OrganisationFactory(partnership=ready, name="Alleen in de pijplijn")
    names = [party["name"] for party in snapshot_of(ready)["parties"]]
    assert "Alleen in de pijplijn" not in names


def test_a_penvoerder_that_neither_takes_part_nor_contributes_is_a_party(partnership):
    with scopes_disabled():
        penvoerder = OrganisationFactory(partnership=partnership, name="Gemeente Voorbeeld")
        Agreement.objects.create(partnership=partnership, penvoerder=penvoerder)
    snapshot = snapshot_of(partnership)
    assert [party["name"] for party in snapshot["parties"]] == ["Gemeente Voorbeeld"]
    assert snapshot["scheme"] is None
    assert snapshot["cofinancing"] is None


def test_the_snapshot_holds_the_effective_clause_texts(ready):
    from agreements.clauses import effective_clauses

    with scopes_disabled():
        expected = [clause["key"] for clause in effective_clauses(partnership=ready)]
    clauses = snapshot_of(ready)["clauses"]
    assert [clause["key"] for clause in clauses] == expected
    assert "purpose" in expected
    assert set(clauses[0]) == {"key", "title", "text"}


def test_every_amount_is_a_string_with_two_decimals(ready):
    snapshot = snapshot_of(ready)
    for party in snapshot["parties"]:
        assert isinstance(party["total"], str) and party["total"].split(".")[1].__len__() == 2
        for contribution in party["contributions"]:
            assert contribution["value"].count(".") == 1
            assert len(contribution["value"].split(".")[1]) == 2


def test_the_same_data_gives_the_same_hash_twice(ready):
    assert snapshot_hash(snapshot_of(ready)) == snapshot_hash(snapshot_of(ready))


def test_the_hash_does_not_depend_on_the_language_of_the_request(ready):
    with translation.override("en"):
        english = snapshot_of(ready)
    with translation.override("nl"):
        dutch = snapshot_of(ready)
    assert snapshot_hash(english) == snapshot_hash(dutch)


def test_a_change_in_the_data_changes_the_hash(ready):
    before = snapshot_hash(snapshot_of(ready))
    with scopes_disabled():
        ContributionFactory(
            organisation=OrganisationFactory(partnership=ready, name="Nieuw"),
            partnership=ready,
        )
    assert snapshot_hash(snapshot_of(ready)) != before


def _same_data(partnership, order):
    """Two companies, each with two contributions and two signatories, made in `order`."""
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
        made = {}
        for name in order:
            made[name] = OrganisationFactory(partnership=partnership, name=name, kvk_number="")
        activity = ActivityFactory(partnership=partnership, short_code="A1", title="Les")
        for name in order:
            organisation = made[name]
            for person in ["Bea", "Ad"] if order[0] == "Alfa" else ["Ad", "Bea"]:
                signatory(organisation, name=f"{person} {name}", evidence_reference=f"KvK {name}")
            for year in [2026, 2027] if order[0] == "Alfa" else [2027, 2026]:
                ContributionFactory(organisation=organisation, partnership=partnership, year=year)
            ParticipantFactory(
                activity=activity, partnership=partnership, organisation=organisation
            )
    return made


def _without_identities(partnership, snapshot):
    """The canonical JSON with public ids replaced by names, and the slug dropped."""
    from partners.models import Signatory

    text = canonical_json({**snapshot, "partnership": {**snapshot["partnership"], "slug": ""}})
    with scopes_disabled():
        for party in snapshot["parties"]:
            text = text.replace(party["key"], party["name"])
        for signatory_row in Signatory.objects.filter(partnership=partnership).select_related(
            "contact"
        ):
            text = text.replace(str(signatory_row.code), signatory_row.contact.name)
    return text


def test_the_order_in_which_rows_were_made_does_not_matter(db):
    first = PartnershipFactory(name="Regio", slug="regio-a")
    second = PartnershipFactory(name="Regio", slug="regio-b")
    _same_data(first, ["Alfa", "Beta"])
    _same_data(second, ["Beta", "Alfa"])
    one, two = snapshot_of(first), snapshot_of(second)
    assert [p["name"] for p in one["parties"]] == ["Alfa", "Beta"]
    assert _without_identities(first, one) == _without_identities(second, two)


def _count_queries(partnership) -> int:
    with scopes_disabled(), CaptureQueriesContext(connection) as queries:
        build_snapshot(partnership=partnership)
    return len(queries)


def test_building_a_snapshot_runs_the_same_number_of_queries_for_5_and_150_parties(
    db, django_assert_num_queries
):
    small = ready_partnership(PartnershipFactory(), companies=4)
    large = ready_partnership(PartnershipFactory(), companies=149)
    checker = UserFactory(first_name="Anna", last_name="Controle")
    with scopes_disabled():
        from partners.models import Signatory

        Signatory.objects.update(checked_by=checker, checked_at=timezone.now())
    expected = _count_queries(small)
    with scopes_disabled(), django_assert_num_queries(expected):
        snapshot = build_snapshot(partnership=large)
    assert len(snapshot["parties"]) == 150
    assert snapshot["parties"][0]["signatories"][0]["checked_by"] == "Anna Controle"
    # The data (agreement, budget, report, participants, contributions, organisations,
    # signatories, activities and their goals, the penvoerder's vmbo schools, the
    # steering-group body with its members) and the articles (own texts, order).
    assert expected <= 18, expected
