"""The guards on depreciating one machine (docs/rules.md §7): by worked example, through the
service that forms, import and admin share, and by property."""

import contextlib
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofinancing.machines import MachineClaim, check_claims, claim_errors, life_errors
from cofinancing.models import Contribution
from cofinancing.services.contributions import contribution_save
from tests.factories import BudgetFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked by their English msgids."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.usefixtures("no_scopes")


def claim(year=2026, months=12, share=100, life=120, reference="", label="A: CNC", machine="CNC-1"):
    return MachineClaim(
        reference=reference, label=label, machine=machine, year=year,
        months=D(months), share=D(share), life=life,
    )  # fmt: skip


# --- Worked examples, pure -----------------------------------------------------------------


def test_twelve_months_at_half_share_weigh_six():
    assert claim(months=12, share=50).weighted == D(6)


def test_two_halves_fill_a_year_and_a_third_is_refused_naming_both():
    first = claim(months=12, share=50, label="Van Dijk: CNC (2026)", reference="a")
    second = claim(months=12, share=50, label="ROC: CNC (2026)", reference="b")
    assert claim_errors(second, [first]) == {}
    third = claim(months=2, share=100, label="Bouw: CNC (2026)")
    message = claim_errors(third, [first, second])["months_used"][0]
    assert "14 months in 2026" in message
    assert "Van Dijk: CNC (2026), 6 months" in message and "ROC: CNC (2026), 6 months" in message


def test_a_machine_of_48_months_entered_as_used_for_48_months_stops_at_its_life():
    # The example: a life of 48 months claimed in full over four years is its whole
    # depreciable value once; a fifth claim in any year is refused.
    years = [claim(year=y, months=12, life=48, reference=str(y)) for y in (2025, 2026, 2027, 2028)]
    assert check_claims(years) == []
    refused = check_claims([*years, claim(year=2028, months=1, life=48)])
    assert len(refused) == 1
    assert "economic life of 48 months" in refused[0][1]["months_used"][-1]


def test_one_contribution_claims_at_most_its_own_year():
    assert "12 months of its own year" in claim_errors(claim(months=13), [])["months_used"][0]


def test_another_machine_is_not_counted():
    full = claim(months=12, machine="CNC-1", reference="a")
    assert claim_errors(claim(months=12, machine="CNC-2"), [full]) == {}


def test_a_life_shorter_than_the_period_left_needs_a_sentence():
    assert life_errors(life=60, year=2025, end_year=2028, justification="") == {}
    assert "life_justification" in life_errors(life=36, year=2025, end_year=2028, justification="")
    assert "life_justification" in life_errors(life=36, year=2025, end_year=2028, justification="x")
    assert life_errors(
        life=36, year=2025, end_year=2028,
        justification="Het activaregister schrijft laptops in drie jaar af.",
    ) == {}  # fmt: skip
    # In 2027 only 24 months are left: a life of 36 is not shortened to the project.
    assert life_errors(life=36, year=2027, end_year=2028, justification="") == {}


# --- By property: whatever the order of entry --------------------------------------------

claims = st.lists(
    st.builds(
        claim,
        year=st.integers(2025, 2028),
        months=st.integers(1, 12),
        share=st.sampled_from([10, 25, 50, 75, 100]),
        life=st.sampled_from([24, 36, 48, 120]),
    ),
    max_size=12,
)


@given(claims=claims, order=st.randoms(use_true_random=False))
def test_accepted_claims_never_pass_the_life_nor_a_year(claims, order):
    claims = [c.__class__(**{**c.__dict__, "reference": str(i)}) for i, c in enumerate(claims)]
    order.shuffle(claims)
    refused = {c.reference for c, _ in check_claims(claims)}
    accepted = [c for c in claims if c.reference not in refused]
    if accepted:
        life = min(c.life for c in accepted)
        assert sum(c.weighted for c in accepted) <= max(life, max(c.weighted for c in accepted))
        for year in {c.year for c in accepted}:
            assert sum(c.weighted for c in accepted if c.year == year) <= 12
    # Every refused claim would have broken a rule beside the ones accepted before it.
    for c in claims:
        if c.reference in refused:
            assert claim_errors(c, accepted)


# --- Through the service: forms, import and admin share it --------------------------------


@pytest.fixture
def budget(partnership):
    return BudgetFactory(partnership=partnership)


@pytest.fixture
def company(partnership):
    return OrganisationFactory(partnership=partnership, name="Metaalwerken Hengelo")


def save(budget, company, user=None, **fields):
    values = {
        "organisation": company, "activity": None, "year": 2026, "kind": "depreciation",
        "description": "CNC-draaibank", "status": "pledged", "other_funding": "",
        "acquisition_value": D("60000"), "life_months": 120, "months_used": 12,
        "project_share": D("50"), "machine_id": "CNC-1", **fields,
    }  # fmt: skip
    return contribution_save(budget=budget, user=user, **values)


def test_the_service_refuses_a_double_claimed_machine_month(budget, company):
    save(budget, company, months_used=12, project_share=D("50"))
    save(budget, company, months_used=12, project_share=D("50"), description="Tweede helft")
    with pytest.raises(ValidationError) as error:
        save(budget, company, months_used=1, project_share=D("100"), machine_id=" cnc-1 ")
    message = error.value.message_dict["months_used"][0]
    assert "Metaalwerken Hengelo: CNC-draaibank (2026)" in message
    assert "Metaalwerken Hengelo: Tweede helft (2026)" in message
    assert Contribution.objects.count() == 2


def test_the_identifier_is_required_for_depreciation(budget, company):
    with pytest.raises(ValidationError) as error:
        save(budget, company, machine_id="  ")
    assert "machine_id" in error.value.message_dict


def test_changing_a_claim_does_not_count_it_twice(budget, company):
    first = save(budget, company, months_used=12, project_share=D("100"))
    changed = save(budget, company, contribution=first, months_used=11, project_share=D("100"))
    assert changed.months_used == 11


def test_a_cancelled_claim_frees_its_months(budget, company):
    first = save(budget, company, months_used=12, project_share=D("100"))
    with scopes_disabled():
        Contribution.objects.filter(pk=first.pk).update(status="cancelled", cancel_reason="Weg")
    save(budget, company, months_used=12, project_share=D("100"), description="Vervanging")


def test_a_short_life_is_refused_without_a_justification(budget, company):
    with pytest.raises(ValidationError) as error:
        save(budget, company, life_months=24, year=2025, months_used=12)
    assert "life_justification" in error.value.message_dict
    saved = save(
        budget, company, life_months=24, year=2025, months_used=12,
        life_justification="Laptops gaan bij ons twee jaar mee, zie het activaregister.",
    )  # fmt: skip
    assert saved.life_justification


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # the test empties the partnership's contributions itself
@given(months=st.lists(st.integers(1, 12), min_size=1, max_size=8))
def test_saved_claims_never_pass_the_life(budget, company, months):
    with scopes_disabled():
        Contribution.objects.filter(partnership=budget.partnership).delete()
    for index, used in enumerate(months):
        with contextlib.suppress(ValidationError):  # refused: not saved
            save(budget, company, year=2025 + index % 4, months_used=used, life_months=48,
                 project_share=D("100"), description=f"Claim {index}")  # fmt: skip
    with scopes_disabled():
        saved = list(Contribution.objects.filter(partnership=budget.partnership))
    assert sum(c.months_used for c in saved) <= 48
    for year in range(2025, 2029):
        assert sum(c.months_used for c in saved if c.year == year) <= 12


def test_one_machine_has_one_set_of_values(budget, company):
    # The reviewer's way around the guard: the same lathe with a life of 24 months in 2027
    # would claim € 2,500 a month instead of € 500.
    save(budget, company, year=2025, months_used=12, project_share=D("50"))
    with pytest.raises(ValidationError) as error:
        save(budget, company, year=2027, months_used=6, life_months=24, description="Lessen")
    message = error.value.message_dict["life_months"][0]
    assert "120" in message and "60.000,00" in message
    assert "Metaalwerken Hengelo: CNC-draaibank (2025)" in message
    with pytest.raises(ValidationError):
        save(budget, company, year=2027, acquisition_value=D("90000"), description="Lessen")
    save(budget, company, year=2027, months_used=6, description="Lessen")  # the same values
