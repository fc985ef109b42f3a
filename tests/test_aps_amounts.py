"""Amounts in APS minor units."""

from decimal import Decimal

import pytest

from shop.aps import InvalidAmountError, UnknownCurrencyError, currency_exponent, from_minor_units, to_minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("19.99", "USD", "1999"),
        ("12.345", "KWD", "12345"),
        ("2.675", "SAR", "268"),
        ("1.005", "OMR", "1005"),
        ("1500", "JPY", "1500"),
        ("500", "AED", "50000"),
        ("100", "JOD", "100000"),
        ("0.5", "BHD", "500"),
        ("85.00", "QAR", "8500"),
        ("1.0005", "KWD", "1001"),
        ("0", "SAR", "0"),
    ],
)
def test_to_minor_units(amount, currency, expected):
    assert to_minor_units(Decimal(amount), currency) == expected


def test_to_minor_units_accepts_int_and_string():
    assert to_minor_units(15, "SAR") == "1500"
    assert to_minor_units("12.345", "KWD") == "12345"


@pytest.mark.parametrize("currency,exponent", [("KWD", 3), ("BHD", 3), ("OMR", 3), ("JOD", 3), ("SAR", 2), ("QAR", 2), ("AED", 2), ("JPY", 0)])
def test_currency_exponents(currency, exponent):
    assert currency_exponent(currency) == exponent


def test_float_rejected():
    with pytest.raises(InvalidAmountError, match="float"):
        to_minor_units(19.99, "USD")


@pytest.mark.parametrize("currency", ["XYZ", "sar", "", None])
def test_unknown_currency_rejected(currency):
    with pytest.raises(UnknownCurrencyError):
        to_minor_units("1", currency)


@pytest.mark.parametrize("amount", ["abc", "NaN", "Infinity", "-1"])
def test_invalid_amount_rejected(amount):
    with pytest.raises(InvalidAmountError):
        to_minor_units(amount, "SAR")


def test_from_minor_units():
    assert from_minor_units("12345", "KWD") == Decimal("12.345")
    assert from_minor_units("1999", "USD") == Decimal("19.99")
    assert from_minor_units(1500, "JPY") == Decimal("1500")


@pytest.mark.parametrize("value", ["12.5", "-1", "١٢", "", 1.5])
def test_from_minor_units_rejects_non_digits(value):
    with pytest.raises(InvalidAmountError):
        from_minor_units(value, "SAR")


def test_round_trip():
    for amount, currency in [("12.345", "KWD"), ("45.00", "SAR"), ("1500", "JPY")]:
        assert from_minor_units(to_minor_units(amount, currency), currency) == Decimal(amount)
