"""sterk.forms.DutchDecimalField: numbers typed the Dutch way, never floats or absurd sizes."""

from decimal import Decimal as D

import pytest
from django import forms
from django.core.exceptions import ValidationError

from sterk.forms import DutchDecimalField


def field(**kwargs):
    return DutchDecimalField(max_digits=14, decimal_places=2, required=False, **kwargs)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.234,56", D("1234.56")),
        ("12,5", D("12.5")),
        ("1234,56", D("1234.56")),
        ("1234.56", D("1234.56")),
        ("1 234,56", D("1234.56")),
        ("€ 2.500", D("2500")),
        (" 7 ", D("7")),
        ("-3", D("-3")),
        ("100.000.000", D("100000000")),
    ],
)
def test_dutch_and_plain_notation_are_read_as_the_number_meant(typed, expected):
    assert field().clean(typed) == expected


def test_empty_input_is_none_when_not_required():
    assert field().clean("") is None
    assert field().clean(None) is None


@pytest.mark.parametrize(
    "typed", ["abc", "1,2,3", "1.2.3,4,5", "1e5", "NaN", "Infinity", "--5", "5-", ",", "1" * 41]
)
def test_text_that_is_not_a_number_is_invalid(typed):
    with pytest.raises(ValidationError) as error:
        field().clean(typed)
    assert error.value.code == "invalid"


def test_a_float_is_refused():
    with pytest.raises(ValidationError) as error:
        field().clean(12.5)
    assert error.value.code == "float"


@pytest.mark.parametrize("typed", ["100.000.000,01", "-100.000.001", "999999999999"])
def test_absurd_sizes_are_refused(typed):
    with pytest.raises(ValidationError) as error:
        field().clean(typed)
    assert error.value.code == "absurd"


def test_a_comma_is_the_decimal_separator_so_three_decimals_break_the_two_place_limit():
    with pytest.raises(ValidationError) as error:
        field().clean("1,234")
    assert [e.code for e in error.value.error_list] == ["max_decimal_places"]


def test_decimals_and_integers_pass_through():
    assert field().clean(D("4500.00")) == D("4500.00")
    assert field().clean(45) == D("45")


def test_a_stored_value_is_shown_with_a_decimal_comma_and_reads_back_the_same():
    shown = field().prepare_value(D("1500.00"))
    assert shown == "1500,00"
    assert field().clean(shown) == D("1500.00")
    # Three decimals would be read as thousands if shown with a dot.
    assert DutchDecimalField(max_digits=12, decimal_places=3).clean(
        field().prepare_value(D("1.500"))
    ) == D("1.500")


class AmountForm(forms.Form):
    amount = DutchDecimalField(label="Amount", max_digits=14, decimal_places=2)


def test_in_a_form_the_input_is_text_with_a_decimal_keyboard():
    html = str(AmountForm()["amount"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html


def test_in_a_form_dutch_input_validates_and_garbage_is_a_field_error():
    form = AmountForm({"amount": "1.234,56"})
    assert form.is_valid()
    assert form.cleaned_data["amount"] == D("1234.56")
    bad = AmountForm({"amount": "twaalf"})
    assert not bad.is_valid()
    assert "amount" in bad.errors
