from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sterk.money import (
    floor_percentage,
    format_euro,
    parse_dutch_number,
    round_money,
    round_money_up,
    to_decimal,
)

amounts = st.decimals(
    min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=6
)


def test_float_is_refused():
    with pytest.raises(TypeError):
        round_money(0.1)
    with pytest.raises(TypeError):
        to_decimal(True)


def test_rounding_rules():
    assert round_money(Decimal("2.005")) == Decimal("2.01")
    assert round_money(Decimal("2.004999")) == Decimal("2.00")
    assert round_money(Decimal("-2.005")) == Decimal("-2.01")
    assert round_money_up(Decimal("433333.334")) == Decimal("433333.34")
    assert round_money_up(Decimal("433333.330")) == Decimal("433333.33")
    assert floor_percentage(Decimal("9.996")) == Decimal("9.99")
    assert floor_percentage(Decimal("10")) == Decimal("10.00")


@given(amounts)
def test_rounding_is_idempotent(value):
    assert round_money(round_money(value)) == round_money(value)
    assert round_money_up(value) >= value
    assert round_money_up(value) - value < Decimal("0.01")
    assert abs(round_money(value) - value) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.234,56", "1234.56"), ("1234,56", "1234.56"), ("1234.56", "1234.56"), ("1.234", "1234"),
     ("€ 1 234,5", "1234.5"), ("0,01", "0.01"), ("-12,5", "-12.5"), ("1.234.567", "1234567")],
)  # fmt: skip
def test_dutch_numbers_are_read(text, expected):
    assert parse_dutch_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12a", "NaN", "Infinity", "-", "1e5"])
def test_other_text_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_dutch_number(text)


def test_euro_is_printed_dutch_style_with_every_cent():
    assert format_euro(Decimal("1234.5")) == "€\u00a01.234,50"
    assert format_euro(Decimal("-0.01")) == "€\u00a0-0,01"
    assert format_euro(Decimal("1000000")) == "€\u00a01.000.000,00"
    assert format_euro(0) == "€\u00a00,00"


@given(amounts)
def test_euro_round_trips_through_the_dutch_parser(value):
    assert parse_dutch_number(format_euro(value, symbol=False)) == round_money(value)
