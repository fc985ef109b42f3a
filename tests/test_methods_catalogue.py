"""The payment-method catalogue of the Gulf local methods and the brand marks that go with it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask import render_template

from shop.extensions import db
from shop.models import Order, OrderStatus
from shop.payments.brands import aps_datetime, currency_marks
from shop.payments.methods import get_method, methods_for
from shop.payments.service import redirection_params, start_attempt

BRANDS_DIR = Path(__file__).resolve().parent.parent / "static" / "img" / "brands"
SCHEMES = ("visa", "mastercard", "amex", "mada", "knet", "naps", "benefit", "omannet", "stcpay", "applepay")

CATALOGUE = {
    # code: (currency, country, request parameters, integration)
    "mada": ("SAR", "SA", {"payment_option": "MADA"}, "redirection"),
    "knet": ("KWD", "KW", {"payment_option": "KNET"}, "redirection"),
    "naps": ("QAR", "QA", {"payment_option": "NAPS"}, "redirection"),
    "benefit": ("BHD", "BH", {"payment_option": "BENEFIT"}, "redirection"),
    "omannet": ("OMR", "OM", {"payment_option": "OMANNET"}, "redirection"),
    "stcpay": ("SAR", "SA", {"digital_wallet": "STCPAY"}, "stcpay_otp"),
}


@pytest.mark.parametrize("code", CATALOGUE)
def test_local_method_entry(code):
    currency, country, params, integration = CATALOGUE[code]
    method = get_method(code)
    assert method is not None
    assert method.currencies == frozenset({currency})
    assert method.country == country
    assert method.request_params == params
    assert method.integration == integration
    assert method.purchase_only
    assert method.logos == (code,)
    assert method.receipt_partial == f"payments/methods/{code}_receipt.html"
    assert method.checkout_partial == f"payments/methods/{code}_checkout.html"


@pytest.mark.parametrize("currency, expected", [
    ("SAR", {"mada", "stcpay"}),
    ("KWD", {"knet"}),
    ("QAR", {"naps"}),
    ("BHD", {"benefit"}),
    ("OMR", {"omannet"}),
    ("AED", set()),
    ("USD", set()),
])
def test_methods_for_currency(currency, expected):
    codes = [method.code for method in methods_for(currency)]
    assert set(codes) & set(CATALOGUE) == expected
    assert codes[0] == "card"


@pytest.mark.parametrize("code", CATALOGUE)
def test_local_method_is_purchase_when_shop_authorizes(sqlite_app, code):
    currency = CATALOGUE[code][0]
    sqlite_app.config["APS_COMMAND"] = "AUTHORIZATION"
    with sqlite_app.test_request_context():
        order = Order(number=f"ORD{code.upper()}", customer_email="sara@example.com", currency=currency,
                      total=Decimal("12.345") if currency in {"KWD", "BHD", "OMR"} else Decimal("45.00"),
                      status=OrderStatus.AWAITING_PAYMENT.value)
        db.session.add(order)
        attempt = start_attempt(order, get_method(code))
        assert attempt.command == "PURCHASE"
        card = start_attempt(order, get_method("card"))
        assert card.command == "AUTHORIZATION"
        params = redirection_params(attempt, get_method(code))
        assert params["command"] == "PURCHASE"
        for name, value in CATALOGUE[code][2].items():
            assert params[name] == value
        db.session.rollback()


@pytest.mark.parametrize("code", SCHEMES)
def test_brand_mark_file(code):
    path = BRANDS_DIR / f"{code}.svg"
    text = path.read_text("utf-8")
    assert text.startswith("<svg")
    assert re.search(r"<title>[^<]+</title>", text)
    # Drawn shapes and text only: no embedded artwork.
    assert "<image" not in text
    assert "base64" not in text


def test_brands_readme_names_every_file_and_guideline():
    readme = (BRANDS_DIR / "README.md").read_text("utf-8")
    for code in SCHEMES:
        assert f"`{code}.svg`" in readme
    for guideline in ("mada branding guideline for e-commerce merchants", "American Express brand guidelines",
                      "BENEFIT branding document", "QPAY/NAPS certification guidelines and UI best practices",
                      "Visa Brand Center", "Mastercard Brand Center", "KNET", "OmanNet", "STC Pay"):
        assert guideline in readme
    assert "How to swap a mark" in readme


def test_brand_marks_partial_renders_codes_in_order(sqlite_app):
    with sqlite_app.test_request_context():
        html = render_template("payments/_brand_marks.html", codes=["mada", "visa", "knet"])
        assert re.findall(r'data-brand-mark="(\w+)"', html) == ["mada", "visa", "knet"]
        assert 'src="/static/img/brands/mada.svg"' in html
        assert 'alt="KNET"' in html
        assert render_template("payments/_brand_marks.html", codes=[]).strip() == ""


def test_currency_marks(sqlite_app):
    with sqlite_app.test_request_context():
        assert currency_marks("SAR")[0] == "mada"
        assert "stcpay" in currency_marks("SAR")
        assert currency_marks("KWD")[:1] == ["knet"]
        assert "mada" not in currency_marks("AED")
        assert currency_marks(None) == []


@pytest.mark.parametrize("text, expected", [
    ("2026-12-04, 20:31:05", (2026, 12, 4, 20, 31, 5)),
    ("2026-12-04 20:31:05", (2026, 12, 4, 20, 31, 5)),
    ("04/12/2026", None),
    ("", None),
    (None, None),
])
def test_aps_datetime(text, expected):
    value = aps_datetime(text)
    if expected is None:
        assert value is None
    else:
        assert value.timetuple()[:6] == expected
        assert value.utcoffset().total_seconds() == 0
