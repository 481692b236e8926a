"""The right parties (docs/rules.md §11, §17): a school location belongs to its board, a
branch to its company; the agreement's parties are the legal entities, and the readiness
check holds the regulation's conditions on the region per scheme."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from agreements.models import Agreement
from agreements.readiness import check_readiness
from agreements.snapshot import build_snapshot
from cofinancing.models import Scheme
from partners.models import Authority, Membership, Organisation, OrganisationKind, Role, Stage
from partners.services import organisations as services
from tests.factories import (
    ActivityFactory,
    BudgetFactory,
    ContributionFactory,
    CostLineFactory,
    FundingLineFactory,
    OrganisationFactory,
    ParticipantFactory,
    PartnershipFactory,
    VersionFactory,
)
from tests.test_snapshot import company, signatory

OK = OrganisationKind
REASON = "Afgesproken met DUS-I: de regio werkt samen met het praktijkonderwijs."


def board(partnership, name, kvk_number, **extra):
    """A school board (bevoegd gezag) with a checked board member who signs for it."""
    organisation = OrganisationFactory(
        partnership=partnership,
        name=name,
        kind=OK.SCHOOL_BOARD,
        kvk_number=kvk_number,
        sector="",
        legal_form="foundation",
        stage=Stage.SIGNED,
        **extra,
    )
    signatory(organisation, name=f"Bestuurder {name}", authority=Authority.SCHOOL_BOARD)
    return organisation


def school(partnership, entity, name, kind, brin_code, activity, tasks="Roostert de lessen."):
    """A school location under `entity` that takes part in `activity`."""
    organisation = OrganisationFactory(
        partnership=partnership,
        name=name,
        kind=kind,
        kvk_number="",
        brin_code=brin_code,
        sector="",
        belongs_to=entity,
        stage=Stage.SIGNED,
    )
    ParticipantFactory(
        activity=activity, partnership=partnership, organisation=organisation, tasks=tasks
    )
    return organisation


def region(partnership, *, companies=1, extra_boards=0):
    """A region as the 2025–2028 regulation wants it, ready for a version: a vmbo board
    (the penvoerder) with two vmbo schools, an mbo college under its board, a primary school
    under its board, and `companies` companies each bringing € 1.000 against a budget whose
    10% share they meet exactly. `extra_boards` adds boards with two vmbo schools each."""
    with scopes_disabled():
        BudgetFactory(partnership=partnership)
        activity = ActivityFactory(partnership=partnership, short_code="A1", title="Gastlessen")
        vmbo = board(partnership, "Stichting VO Twente", "51234567")
        school(partnership, vmbo, "Vakcollege Noord", OK.VMBO, "11AA", activity)
        school(partnership, vmbo, "Techniekcollege Zuid", OK.VMBO, "11AB", activity)
        mbo = board(partnership, "Stichting ROC Twente", "52234567")
        school(partnership, mbo, "ROC Twente Techniek", OK.MBO, "12AA", activity)
        primary = board(partnership, "Stichting PO Twente", "53234567")
        school(partnership, primary, "OBS De Esch", OK.PRIMARY_SCHOOL, "13AA", activity)
        for index in range(extra_boards):
            extra = board(partnership, f"Stichting VO {index:03d}", f"6{index:07d}")
            for letter in "AB":
                school(partnership, extra, f"School {index:03d}{letter}", OK.VMBO, "", activity)
        for index in range(companies):
            company(partnership, f"Bedrijf {index:03d}")
        CostLineFactory(partnership=partnership, amount=Decimal("9000.00") * companies)
        FundingLineFactory(partnership=partnership, amount=Decimal("9000.00") * companies)
        Agreement.objects.create(partnership=partnership, penvoerder=vmbo)
    return partnership


@pytest.fixture
def ready(partnership, no_scopes):
    return region(partnership)


def named(partnership, name):
    return Organisation.objects.get(partnership=partnership, name=name)


def items(partnership):
    return {item.key: item for item in check_readiness(partnership=partnership).items}


def blocking_keys(partnership):
    return sorted(key for key, item in items(partnership).items() if item.blocking)


def set_scheme(**flags):
    Scheme.objects.filter(code="sto-2025-2028").update(**flags)


# --- Parties by legal entity ----------------------------------------------------------


def test_the_region_by_the_regulation_is_ready(ready):
    assert blocking_keys(ready) == []
    assert check_readiness(partnership=ready).ready


def test_two_locations_make_one_party_of_their_board_with_both_listed(ready):
    snapshot = build_snapshot(partnership=ready)
    names = [party["name"] for party in snapshot["parties"]]
    assert names == [
        "Bedrijf 000",
        "Stichting PO Twente",
        "Stichting ROC Twente",
        "Stichting VO Twente",
    ]
    party = snapshot["parties"][3]
    assert snapshot["penvoerder"] == party["key"] == str(named(ready, "Stichting VO Twente").code)
    assert party["kvk_number"] == "51234567"
    assert party["locations"] == [
        {"name": "Techniekcollege Zuid", "kind_label": "vmbo-school", "brin_code": "11AB",
         "city": "Enschede"},
        {"name": "Vakcollege Noord", "kind_label": "vmbo-school", "brin_code": "11AA",
         "city": "Enschede"},
    ]  # fmt: skip
    assert [task["location"] for task in party["tasks"]] == [
        "Techniekcollege Zuid",
        "Vakcollege Noord",
    ]
    [person] = party["signatories"]
    assert person["name"] == "Bestuurder Stichting VO Twente"
    assert snapshot["parties"][0]["locations"] == []


def test_contributions_of_the_locations_are_summed_under_the_board(ready):
    for name, value in (("Vakcollege Noord", "300.00"), ("Techniekcollege Zuid", "200.00")):
        ContributionFactory(
            partnership=ready, organisation=named(ready, name), value=Decimal(value)
        )
    party = next(
        p
        for p in build_snapshot(partnership=ready)["parties"]
        if p["name"] == "Stichting VO Twente"
    )
    assert party["total"] == "500.00"
    assert sorted(c["value"] for c in party["contributions"]) == ["200.00", "300.00"]


def test_a_signatory_recorded_at_a_location_does_not_sign_for_the_board(ready):
    signatory(
        named(ready, "Vakcollege Noord"), name="Rector Noord", authority=Authority.SCHOOL_BOARD
    )
    party = next(
        p
        for p in build_snapshot(partnership=ready)["parties"]
        if p["name"] == "Stichting VO Twente"
    )
    assert [s["name"] for s in party["signatories"]] == ["Bestuurder Stichting VO Twente"]


def test_a_location_without_a_task_blocks_under_its_own_name(ready):
    from activities.models import Participant

    location = named(ready, "Vakcollege Noord")

    Participant.objects.filter(organisation=location).update(tasks="")
    [item] = [i for i in items(ready).values() if i.key.startswith("tasks:")]
    assert item.blocking and item.key.startswith(f"tasks:{location.code}:")
    assert "Vakcollege Noord" in item.message


def test_a_school_without_board_and_without_kvk_number_blocks(ready):
    activity = ActivityFactory(partnership=ready)
    loose = OrganisationFactory(
        partnership=ready, name="Praktijkschool Oost", kind=OK.VMBO, kvk_number="", sector=""
    )
    ParticipantFactory(activity=activity, partnership=ready, organisation=loose)
    item = items(ready)[f"legal-entity:{loose.code}"]
    assert item.blocking
    assert "Praktijkschool Oost" in item.message
    assert item.url == reverse(
        "partners:organisation-update", kwargs={"slug": ready.slug, "code": loose.code}
    )
    loose.kvk_number = "54234567"
    loose.save()
    assert f"legal-entity:{loose.code}" not in items(ready)


# --- Bad input on organisations --------------------------------------------------------


def _post(client, **overrides):
    data = {"name": "Stichting Onderwijs Oost", "kind": "company", "stage": "prospect"}
    return client.post(
        reverse("partners:organisation-create", kwargs={"slug": "twente"}), {**data, **overrides}
    )


def test_a_school_board_without_kvk_number_is_refused(leader_client):
    response = _post(leader_client, kind=OK.SCHOOL_BOARD)
    assert response.status_code == 200
    assert "kvk_number" in response.context["form"].errors
    with scopes_disabled():
        assert not Organisation.objects.exists()
    response = _post(leader_client, kind=OK.SCHOOL_BOARD, kvk_number="55234567")
    assert response.status_code == 302


def test_a_legal_entity_of_another_partnership_is_an_invalid_choice(
    leader_client, partnership, other_partnership
):
    with scopes_disabled():
        stranger = OrganisationFactory(partnership=other_partnership, kind=OK.SCHOOL_BOARD)
    response = _post(leader_client, name="Vakcollege Oost", kind="vmbo", belongs_to=stranger.pk)
    assert response.status_code == 200
    assert "belongs_to" in response.context["form"].errors
    with scopes_disabled():
        assert not Organisation.objects.filter(partnership=partnership).exists()
        with pytest.raises(ValidationError) as refused:
            services.organisation_create(
                partnership=partnership, user=None, name="X", kind="vmbo", belongs_to=stranger
            )
    assert "belongs_to" in refused.value.message_dict


def test_the_form_offers_only_this_partnerships_legal_entities(leader_client, partnership):
    with scopes_disabled():
        entity = OrganisationFactory(partnership=partnership, name="Stichting VO Oost")
        location = OrganisationFactory(partnership=partnership, belongs_to=entity)
    url = reverse("partners:organisation-update", kwargs={"slug": "twente", "code": location.code})
    choices = leader_client.get(url).context["form"].fields["belongs_to"].queryset
    assert list(choices) == [entity]


def test_two_levels_are_refused(partnership, no_scopes):
    top = OrganisationFactory(partnership=partnership, name="Holding")
    middle = OrganisationFactory(partnership=partnership, name="Werkmaatschappij", belongs_to=top)
    with pytest.raises(ValidationError) as below_a_location:
        services.organisation_create(
            partnership=partnership, user=None, name="Vestiging", kind="company", belongs_to=middle
        )
    assert "Werkmaatschappij" in str(below_a_location.value.message_dict["belongs_to"])
    other = OrganisationFactory(partnership=partnership, name="Andere holding")
    with pytest.raises(ValidationError) as with_locations:
        services.organisation_update(organisation=top, user=None, belongs_to=other)
    assert "belongs_to" in with_locations.value.message_dict
    with pytest.raises(ValidationError) as itself:
        services.organisation_update(organisation=other, user=None, belongs_to=other)
    assert "belongs_to" in itself.value.message_dict
    top.refresh_from_db()
    other.refresh_from_db()
    assert top.belongs_to_id is None and other.belongs_to_id is None
    assert Organisation.objects.filter(partnership=partnership).count() == 3


def test_the_organisation_page_shows_its_board_and_the_boards_locations(leader_client, partnership):
    with scopes_disabled():
        entity = OrganisationFactory(
            partnership=partnership, name="Stichting VO Oost", kind=OK.SCHOOL_BOARD
        )
        OrganisationFactory(
            partnership=partnership, name="Vakcollege Oost", kind=OK.VMBO, kvk_number="",
            brin_code="14AA", belongs_to=entity,
        )  # fmt: skip
        location = Organisation.objects.get(name="Vakcollege Oost")

    def page(organisation):
        url = reverse(
            "partners:organisation-detail", kwargs={"slug": "twente", "code": organisation.code}
        )
        return leader_client.get(url).content.decode()

    assert 'data-detail="belongs-to"' in page(location) and "Stichting VO Oost" in page(location)
    content = page(entity)
    assert 'data-detail="locations"' in content and "14AA" in content


def test_the_penvoerder_is_chosen_among_legal_entities_only(leader_client, ready):
    url = reverse("agreements:agreement-settings", kwargs={"slug": ready.slug})
    response = leader_client.post(url, {"penvoerder": named(ready, "Vakcollege Noord").pk})
    assert response.status_code == 200
    assert "penvoerder" in response.context["form"].errors


# --- The regulation's conditions --------------------------------------------------------


def test_a_penvoerder_that_is_not_the_board_of_a_vmbo_school_blocks(ready):
    Agreement.objects.filter(partnership=ready).update(
        penvoerder=named(ready, "Stichting ROC Twente")
    )
    assert blocking_keys(ready) == ["condition:penvoerder"]
    assert "Stichting ROC Twente" in items(ready)["condition:penvoerder"].message


def test_a_school_location_as_penvoerder_blocks_and_names_its_board(ready):
    Agreement.objects.filter(partnership=ready).update(penvoerder=named(ready, "Vakcollege Noord"))
    assert blocking_keys(ready) == ["condition:penvoerder"]
    assert "Stichting VO Twente" in items(ready)["condition:penvoerder"].message


def test_a_vmbo_school_that_is_its_own_legal_entity_may_be_penvoerder(ready):
    own = OrganisationFactory(
        partnership=ready, name="Vmbo Eigen Stichting", kind=OK.VMBO, kvk_number="56234567"
    )
    Agreement.objects.filter(partnership=ready).update(penvoerder=own)
    assert "condition:penvoerder" not in items(ready)


def test_the_penvoerder_condition_can_be_switched_off_per_scheme(ready):
    Agreement.objects.filter(partnership=ready).update(
        penvoerder=named(ready, "Stichting ROC Twente")
    )
    set_scheme(penvoerder_vmbo_board=False)
    assert blocking_keys(ready) == []


@pytest.mark.parametrize(
    ("school_name", "key"),
    [
        ("Vakcollege Noord", "condition:vmbo"),
        ("ROC Twente Techniek", "condition:mbo"),
        ("OBS De Esch", "condition:primary"),
    ],
)
def test_a_region_without_a_kind_of_school_blocks(ready, school_name, key):
    from activities.models import Participant

    if key == "condition:vmbo":
        Participant.objects.filter(organisation__kind=OK.VMBO).delete()
    else:
        Participant.objects.filter(organisation=named(ready, school_name)).delete()
    assert key in blocking_keys(ready)
    assert "STO 2025–2028" in items(ready)[key].message


def test_primary_education_is_required_only_where_the_scheme_says_so(ready):
    from activities.models import Participant

    Participant.objects.filter(organisation=named(ready, "OBS De Esch")).delete()
    assert blocking_keys(ready) == ["condition:primary"]
    assert Scheme.objects.get(code="sto-2024").requires_primary is False
    set_scheme(requires_primary=False)
    assert blocking_keys(ready) == []


# --- Exceptions ---------------------------------------------------------------------


def _except(client, partnership, key, reason=REASON):
    url = reverse("agreements:condition-exception", kwargs={"slug": partnership.slug, "key": key})
    return client.post(url, {"reason": reason})


@pytest.fixture
def without_primary(ready):
    from activities.models import Participant

    Participant.objects.filter(organisation=named(ready, "OBS De Esch")).delete()
    return ready


def test_an_exception_with_a_reason_no_longer_blocks_and_is_in_the_snapshot(
    leader_client, without_primary
):
    region_ = without_primary
    response = _except(leader_client, region_, "condition:primary")
    assert response.status_code == 302
    item = items(region_)["condition:primary"]
    assert not item.blocking
    assert REASON in item.message
    assert check_readiness(partnership=region_).ready
    snapshot = build_snapshot(partnership=region_)
    [printed] = [i for i in snapshot["readiness"]["items"] if i["key"] == "condition:primary"]
    assert REASON in printed["message"] and printed["blocking"] is False
    stored = Agreement.objects.get(partnership=region_).condition_exceptions
    assert stored["condition:primary"]["reason"] == REASON
    assert stored["condition:primary"]["by"]


@pytest.mark.parametrize("reason", ["", "Mag wel.", "Afgesproken_met_DUS-I_in_maart", "x" * 2001])
def test_an_exception_without_a_written_reason_is_refused(leader_client, without_primary, reason):
    _except(leader_client, without_primary, "condition:primary", reason)
    assert Agreement.objects.get(partnership=without_primary).condition_exceptions == {}
    assert "condition:primary" in blocking_keys(without_primary)


def test_an_exception_to_a_condition_that_is_met_is_refused(leader_client, ready):
    _except(leader_client, ready, "condition:vmbo")
    _except(leader_client, ready, "share")
    assert Agreement.objects.get(partnership=ready).condition_exceptions == {}


def test_a_withdrawn_exception_blocks_again(leader_client, without_primary):
    _except(leader_client, without_primary, "condition:primary")
    url = reverse(
        "agreements:condition-exception-withdraw",
        kwargs={"slug": without_primary.slug, "key": "condition:primary"},
    )
    assert leader_client.post(url).status_code == 302
    assert "condition:primary" in blocking_keys(without_primary)


def test_the_agreement_page_offers_the_exception_to_a_leader(leader_client, without_primary):
    url = reverse("agreements:agreement-list", kwargs={"slug": without_primary.slug})
    record = reverse(
        "agreements:condition-exception",
        kwargs={"slug": without_primary.slug, "key": "condition:primary"},
    )
    assert record in leader_client.get(url).content.decode()
    _except(leader_client, without_primary, "condition:primary")
    assert REASON in leader_client.get(url).content.decode()


# --- Fixed query counts ---------------------------------------------------------------


def _count(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_readiness_and_snapshot_run_the_same_queries_for_5_and_150_parties(db, no_scopes):
    # 3 boards with 4 schools + 2 companies = 5 parties; 150 with 125 more boards of 2
    # schools each and 20 more companies.
    small = region(PartnershipFactory(), companies=2)
    large = region(PartnershipFactory(), companies=22, extra_boards=125)
    few = _count(lambda: check_readiness(partnership=small))
    assert _count(lambda: check_readiness(partnership=large)) == few
    few = _count(lambda: build_snapshot(partnership=small))
    snapshot = build_snapshot(partnership=large)
    assert len(snapshot["parties"]) == 150
    assert _count(lambda: build_snapshot(partnership=large)) == few


@pytest.mark.parametrize("page", ["agreement-list", "version-detail"])
def test_the_pages_run_the_same_queries_for_5_and_150_parties(leader_client, leader, page):
    small = region(PartnershipFactory(slug="klein"), companies=2)
    large = region(PartnershipFactory(slug="groot"), companies=22, extra_boards=125)
    counts = []
    for partnership in (small, large):
        with scopes_disabled():
            Membership.objects.create(
                partnership=partnership,
                user=leader,
                role=Role.LEADER,
            )
            version = VersionFactory(partnership=partnership)
        kwargs = {"slug": partnership.slug}
        if page == "version-detail":
            kwargs["code"] = version.code
        url = reverse(f"agreements:{page}", kwargs=kwargs)

        def get(url=url):
            assert leader_client.get(url).status_code == 200

        counts.append(_count(get))
    assert counts[0] == counts[1]


def test_the_admin_shows_the_locations_and_refuses_two_levels(client, ready):
    from accounts.models import User

    client.force_login(User.objects.create_superuser(email="a@sterk.nl", password="x-admin-1"))
    entity = named(ready, "Stichting VO Twente")
    response = client.get(f"/admin/partners/organisation/{entity.pk}/change/")
    assert response.status_code == 200
    assert "Vakcollege Noord" in response.content.decode()
    form_class = response.context["adminform"].form.__class__
    location = named(ready, "Vakcollege Noord")
    other = named(ready, "Techniekcollege Zuid")
    form = form_class(
        data={"belongs_to": location.pk}, instance=Organisation.objects.get(pk=other.pk)
    )
    form.is_valid()
    assert "belongs_to" in form.errors
