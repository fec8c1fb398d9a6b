import pytest

from patents import numbers
from patents.choices import PatentType


@pytest.mark.parametrize(
    ("value", "normalised", "kind"),
    [
        ("201410123456.7", "201410123456.7", PatentType.INVENTION),
        ("201710601862.3", "201710601862.3", PatentType.INVENTION),
        ("CN2017106018623", "201710601862.3", PatentType.INVENTION),
        ("ZL 201710601862.3", "201710601862.3", PatentType.INVENTION),
        ("95115608.X", "95115608.X", PatentType.INVENTION),
        ("95115608x", "95115608.X", PatentType.INVENTION),
    ],
)
def test_valid_numbers_are_normalised(value, normalised, kind):
    number = numbers.parse(value)
    assert number.value == normalised
    assert number.kind == kind


def test_wrong_check_digit_names_the_expected_digit():
    with pytest.raises(numbers.InvalidApplicationNumber, match="应为 7"):
        numbers.parse("201410123456.8")


def test_type_digits():
    for digit, kind in [
        ("1", "invention"),
        ("8", "invention"),
        ("2", "utility"),
        ("9", "utility"),
        ("3", "design"),
    ]:
        body = f"2020{digit}0000001"
        assert numbers.parse(body + numbers.check_character(body)).kind == kind
    body = "202050000001"
    with pytest.raises(numbers.InvalidApplicationNumber, match="类型位为 5"):
        numbers.parse(body + numbers.check_character(body))


@pytest.mark.parametrize("value", ["", "2014101234", "ABC", "2014101234567890"])
def test_malformed_numbers_are_refused(value):
    with pytest.raises(numbers.InvalidApplicationNumber):
        numbers.parse(value)
