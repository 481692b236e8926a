"""Every worked example of docs/rules.md §5 to §7, and properties of the valuation rules."""

from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cofinancing.valuation import (
    ValuationError,
    ValuationInput,
    depreciation_value,
    labour_value,
    room_value,
    value_of,
)

RATE = D("50.00")


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked by their English msgids."""
    with translation.override("en"):
        yield


def test_thirty_guest_lessons_of_three_hours_at_fifty_euros():
    assert labour_value(30 * 3, RATE) == D("4500.00")
    assert value_of(ValuationInput("labour", hours=D("90")), default_rate=RATE) == D("4500.00")


def test_cnc_lathe_depreciation():
    # The rules' example: 24 months at 50% is € 6,000, entered as one contribution per year.
    assert depreciation_value(D("60000"), D("0"), 120, 24, D("50")) == D("6000.00")
    item = ValuationInput(
        "depreciation", acquisition_value=D("60000"), life_months=120, months_used=12,
        project_share=D("50"),
    )  # fmt: skip
    assert value_of(item, default_rate=RATE) == D("3000.00")


def test_one_contribution_claims_at_most_the_twelve_months_of_its_year():
    item = ValuationInput(
        "depreciation", acquisition_value=D("60000"), life_months=120, months_used=13
    )
    with pytest.raises(ValuationError) as error:
        value_of(item, default_rate=RATE)
    assert "12 months of its own year" in str(error.value.errors["months_used"][0])


def test_workshop_room_twenty_dagdelen():
    assert room_value(20, D("250")) == D("5000.00")
    item = ValuationInput("room", units=D("20"), unit_price=D("250"))
    assert value_of(item, default_rate=RATE) == D("5000.00")


@pytest.mark.parametrize("kind", ["money", "material", "lease"])
def test_amount_kinds_count_at_their_amount_rounded_to_the_cent(kind):
    assert value_of(ValuationInput(kind, amount=D("1234.565")), default_rate=RATE) == D("1234.57")


def test_depreciation_rounds_once_not_per_step():
    # 1000 / 3 × 1 × 100% = 333.333… → 333.33; × 2 months → 666.67 (not 2 × 333.33).
    assert depreciation_value(D("1000"), D("0"), 3, 2, D("100")) == D("666.67")


def test_other_rate_needs_a_justification():
    item = ValuationInput("labour", hours=D("10"), hourly_rate=D("72.50"))
    with pytest.raises(ValuationError) as error:
        value_of(item, default_rate=RATE)
    assert set(error.value.errors) == {"rate_justification"}
    item = ValuationInput(
        "labour", hours=D("10"), hourly_rate=D("72.50"), rate_justification="GPL CAO VO 2025"
    )
    assert value_of(item, default_rate=RATE) == D("725.00")


@pytest.mark.parametrize(
    "justification", ["x", "zie bijlage", "CAO", "a b c", "1 2 3 4 5 6 7 8 9", "   ", "x" * 40]
)
def test_a_justification_of_another_rate_is_at_least_a_sentence(justification):
    item = ValuationInput(
        "labour", hours=D("10"), hourly_rate=D("95"), rate_justification=justification
    )
    with pytest.raises(ValuationError) as error:
        value_of(item, default_rate=RATE)
    assert set(error.value.errors) == {"rate_justification"}


@pytest.mark.parametrize(
    "justification",
    [
        "GPL CAO VO 2025",
        "Uurloon volgens de cao Metaal en Techniek, schaal F, met werkgeverslasten.",
        "Salary scale 11 of the CAO VO",
    ],
)
def test_a_sentence_justifies_another_rate(justification):
    item = ValuationInput(
        "labour", hours=D("10"), hourly_rate=D("95"), rate_justification=justification
    )
    assert value_of(item, default_rate=RATE) == D("950.00")


def test_the_default_rate_needs_no_justification():
    item = ValuationInput("labour", hours=D("10"), hourly_rate=RATE, rate_justification="x")
    assert value_of(item, default_rate=RATE) == D("500.00")


@pytest.mark.parametrize(
    ("item", "fields"),
    [
        (ValuationInput("money", amount=D("-1")), {"amount"}),
        (ValuationInput("money", amount=D("0")), {"amount"}),
        (ValuationInput("money", amount=D("100000000.01")), {"amount"}),
        (ValuationInput("money"), {"amount"}),
        (ValuationInput("labour", hours=D("0")), {"hours"}),
        (ValuationInput("labour", hours=D("-3")), {"hours"}),
        (ValuationInput("labour"), {"hours"}),
        (ValuationInput("room", units=D("0"), unit_price=D("-5")), {"units", "unit_price"}),
        (
            ValuationInput("depreciation", acquisition_value=D("1000"), life_months=0, months_used=1),
            {"life_months"},
        ),
        (
            ValuationInput("depreciation", acquisition_value=D("1000"), life_months=12, months_used=13),
            {"months_used"},
        ),
        (
            ValuationInput(
                "depreciation", acquisition_value=D("1000"), residual_value=D("1000"),
                life_months=12, months_used=12,
            ),
            {"residual_value"},
        ),
        (
            ValuationInput(
                "depreciation", acquisition_value=D("1000"), life_months=12, months_used=12,
                project_share=D("0"),
            ),
            {"project_share"},
        ),
        (
            ValuationInput(
                "depreciation", acquisition_value=D("1000"), life_months=12, months_used=12,
                project_share=D("100.01"),
            ),
            {"project_share"},
        ),
        (ValuationInput("depreciation"), {"acquisition_value", "life_months", "months_used"}),
        (ValuationInput("gift", amount=D("5")), {"kind"}),
    ],
)  # fmt: skip
def test_broken_rules_name_every_field_at_once(item, fields):
    with pytest.raises(ValuationError) as error:
        value_of(item, default_rate=RATE)
    assert set(error.value.errors) == fields


money = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)
months = st.integers(min_value=1, max_value=240)


@given(
    acquisition=money,
    residual_fraction=st.decimals(min_value=0, max_value=D("0.99"), places=2),
    life=months,
    used_fraction=st.decimals(min_value=D("0.01"), max_value=1, places=2),
    share=st.decimals(min_value=D("0.01"), max_value=100, places=2),
)
def test_depreciation_is_never_negative_nor_above_the_depreciable_part(
    acquisition, residual_fraction, life, used_fraction, share
):
    residual = (acquisition * residual_fraction).quantize(D("0.01"), rounding="ROUND_DOWN")
    if residual >= acquisition:
        residual = D("0")
    used = min(12, max(1, int(life * used_fraction)))
    item = ValuationInput(
        "depreciation", acquisition_value=acquisition, residual_value=residual,
        life_months=life, months_used=used, project_share=share,
    )  # fmt: skip
    value = value_of(item, default_rate=RATE)
    assert D("0") <= value <= acquisition - residual
    assert value == value.quantize(D("0.01"))


@given(hours=st.decimals(min_value=D("0.25"), max_value=D("10000"), places=2), rate=money)
def test_labour_is_hours_times_rate_to_the_cent(hours, rate):
    assert labour_value(hours, rate) == (hours * rate).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert labour_value(hours, rate) >= 0
