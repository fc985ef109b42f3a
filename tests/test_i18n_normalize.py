"""Arabic-Indic digits and bidi control marks in what shoppers type."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from shop.i18n.normalize import (
    BIDI_CONTROL_MARKS,
    digits_filter,
    input_filter,
    normalize_amount,
    normalize_digits,
    normalize_input,
    strip_bidi_marks,
)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),  # Arabic-Indic, U+0660-0669
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),  # Extended Arabic-Indic (Persian, Urdu), U+06F0-06F9
        ("٤٠٠٥ ٥٥٠٠ ٠٠٠٠ ٠٠٠١", "4005 5500 0000 0001"),
        ("OTP ۱۲۳۴۵۶", "OTP 123456"),
        ("12٣", "123"),
        ("تمر سكري", "تمر سكري"),  # letters are left alone
        ("", ""),
    ],
)
def test_normalize_digits(typed: str, expected: str) -> None:
    assert normalize_digits(typed) == expected


@pytest.mark.parametrize("mark", sorted(BIDI_CONTROL_MARKS))
def test_strip_each_bidi_mark(mark: str) -> None:
    assert strip_bidi_marks(f"{mark}0551234567{mark}") == "0551234567"


def test_bidi_marks_complete() -> None:
    expected = {"\u200e", "\u200f", "\u061c", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}
    assert BIDI_CONTROL_MARKS == expected


def test_strip_bidi_keeps_joiners() -> None:
    # Zero-width joiner and non-joiner shape Arabic and Persian words; they are not bidi marks.
    assert strip_bidi_marks("a\u200db\u200cc") == "a\u200db\u200cc"


def test_normalize_input_phone() -> None:
    assert normalize_input(" \u200f+٩٦٥ ٥٠٠٠ ١٢٣٤\u200e ") == "+965 5000 1234"


def test_normalize_input_email() -> None:
    assert normalize_input("\u2067shopper١@example.com\u2069") == "shopper1@example.com"


@pytest.mark.parametrize(
    "typed, expected",
    [("١٢٫٣٤٥", "12.345"), ("١٬٢٣٤٫٥٠٠", "1234.500"), ("\u200f45.00", "45.00"), ("7", "7")],
)
def test_normalize_amount(typed: str, expected: str) -> None:
    assert normalize_amount(typed) == expected


def test_filters_pass_none() -> None:
    assert digits_filter(None) is None
    assert input_filter(None) is None
    assert input_filter(" ٣ ") == "3"


@pytest.mark.parametrize("typed", ["٣", "۳", "\u200f3", " 3 ", "\u202b٣\u202c"])
def test_quantity_field_arabic_digits(sqlite_app: Any, typed: str) -> None:
    from shop.cart.forms import AddToCartForm

    with sqlite_app.test_request_context(method="POST"):
        form = AddToCartForm(formdata=MultiDict({"sku": "TEA-KW", "quantity": typed}))
        assert form.validate(), form.errors
        assert form.quantity.data == 3


def test_quantity_field_rejects_letters(sqlite_app: Any) -> None:
    from shop.cart.forms import UpdateLineForm

    with sqlite_app.test_request_context(method="POST"):
        form = UpdateLineForm(formdata=MultiDict({"sku": "TEA-KW", "quantity": "ثلاثة"}))
        assert not form.validate()
        assert form.quantity.data is None


def test_cart_update_arabic_digits(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    client.post("/cart/add", data={"sku": "TEA-KW", "quantity": "١"})
    client.post("/cart/update", data={"sku": "TEA-KW", "quantity": "\u200f٤"})
    body = client.get("/cart/?lang=en").get_data(as_text=True)
    assert 'value="4"' in body
    assert "KWD\u00a06.000" in body


def test_checkout_email_normalized(sqlite_app: Any) -> None:
    from shop.checkout.forms import CheckoutForm

    with sqlite_app.test_request_context(method="POST"):
        form = CheckoutForm(
            formdata=MultiDict(
                {"customer_email": "\u200fsara٢٠٢٥@example.com\u200e", "customer_name": "", "payment_method": "card"}
            )
        )
        form.payment_method.choices = [("card", "Card")]
        assert form.validate(), form.errors
        assert form.customer_email.data == "sara2025@example.com"
