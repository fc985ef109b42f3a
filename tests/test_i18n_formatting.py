"""Money, numbers and dates in English and Arabic, and what reaches APS stays ASCII."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from shop.aps.amounts import to_minor_units
from shop.i18n import format_datetime, format_money, format_number
from shop.payments.service import aps_customer_name

ARABIC_INDIC = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
ARABIC_SEPARATORS = re.compile("[\u066b\u066c]")  # ٫ and ٬
BIDI_MARKS = re.compile("[\u200e\u200f\u061c]")


def money(app: Any, language: str, amount: str, currency: str) -> str:
    with app.test_request_context(f"/?lang={language}"):
        return format_money(Decimal(amount), currency)


def visible(text: str) -> str:
    """Drop the bidi marks that CLDR's Arabic patterns carry, and use plain spaces."""
    return BIDI_MARKS.sub("", text).replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    "language, expected",
    [("en", "KWD 12.345"), ("ar", "12.345 د.ك.")],
)
def test_kwd_three_decimals(sqlite_app: Any, language: str, expected: str) -> None:
    assert visible(money(sqlite_app, language, "12.345", "KWD")) == expected


@pytest.mark.parametrize(
    "currency, amount, english, arabic",
    [
        ("BHD", "4.75", "BHD 4.750", "4.750 د.ب."),
        ("OMR", "1.005", "OMR 1.005", "1.005 ر.ع."),
        ("SAR", "2.675", "SAR 2.68", "2.68 ر.س."),  # rounded half-up to two decimals
        ("AED", "1350.5", "AED 1,350.50", "1,350.50 د.إ."),
        ("QAR", "85", "QAR 85.00", "85.00 ر.ق."),
        ("IQD", "1.5", "IQD 1.500", None),  # 3 decimals in ISO 4217, 0 in CLDR
    ],
)
def test_currency_decimals(sqlite_app: Any, currency: str, amount: str, english: str, arabic: str | None) -> None:
    assert visible(money(sqlite_app, "en", amount, currency)) == english
    arabic_text = money(sqlite_app, "ar", amount, currency)
    if arabic is not None:
        assert visible(arabic_text) == arabic
    assert not ARABIC_INDIC.search(arabic_text)
    assert not ARABIC_SEPARATORS.search(arabic_text)


def test_arabic_money_keeps_rtl_marks(sqlite_app: Any) -> None:
    # The marks keep "12.345 د.ك." in order inside an Arabic sentence.
    assert money(sqlite_app, "ar", "12.345", "KWD").startswith("\u200f")


def test_numbers_western_digits(sqlite_app: Any) -> None:
    with sqlite_app.test_request_context("/?lang=ar"):
        assert format_number(1234) == "1,234"
        assert format_number(Decimal("2")) == "2"


def test_dates_in_page_language(sqlite_app: Any) -> None:
    moment = dt.datetime(2025, 3, 4, 13, 5)  # naive UTC, as the shop stores it
    with sqlite_app.test_request_context("/?lang=en"):
        english = visible(format_datetime(moment))
    with sqlite_app.test_request_context("/?lang=ar"):
        arabic = format_datetime(moment)
    assert english == "March 4, 2025, 1:05 PM UTC"
    assert visible(arabic) == "4 مارس 2025، 1:05 م التوقيت العالمي"
    assert not ARABIC_INDIC.search(arabic)


def test_dates_configured_time_zone(tmp_path: Any) -> None:
    from shop import create_app

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'tz.sqlite3'}", "BABEL_DEFAULT_TIMEZONE": "Asia/Kuwait"}
    )
    with app.test_request_context("/?lang=en"):
        text = visible(format_datetime(dt.datetime(2025, 3, 4, 22, 5)))
    assert text == "March 5, 2025, 1:05 AM GMT+03:00"


def test_receipt_date_uses_babel(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    client.get("/?lang=ar")
    client.post("/cart/add", data={"sku": "BUKHOOR-KW", "quantity": "1"})
    response = client.post(
        "/checkout/", data={"customer_email": "a@example.com", "customer_name": "", "payment_method": "card"}
    )
    receipt = client.get(response.location, follow_redirects=False)
    assert receipt.status_code == 200  # the hand-over page; the receipt comes next
    from sqlalchemy import select

    from shop.extensions import db
    from shop.models import Order
    from shop.payments.receipts import receipt_url

    with sqlite_app.test_request_context():
        order = db.session.scalar(select(Order))
        url = receipt_url(order)
        year = str(order.created_at.year)
    body = client.get(url).get_data(as_text=True)
    time_element = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', body)
    assert time_element is not None
    assert time_element.group(1).endswith("Z")
    assert year in time_element.group(2)
    assert re.search("يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر", time_element.group(2))


def test_arabic_pages_amounts_western_digits(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    client.get("/?lang=ar")
    client.post("/cart/add", data={"sku": "BUKHOOR-KW", "quantity": "٣"})
    body = client.get("/cart/").get_data(as_text=True)
    amounts = re.findall(r'<td class="amount[^"]*">([^<]+)<', body)
    assert len(amounts) == 2, "expected a line total and the cart total"
    for amount in amounts:
        assert "37.035" in amount
        assert not ARABIC_INDIC.search(amount)
    assert 'value="3"' in body


@pytest.mark.parametrize(
    "amount, currency, minor",
    [("12.345", "KWD", "12345"), ("45.00", "SAR", "4500"), ("1.005", "OMR", "1005"), ("85", "QAR", "8500")],
)
def test_aps_amount_ascii_minor_units(amount: str, currency: str, minor: str) -> None:
    value = to_minor_units(Decimal(amount), currency)
    assert value == minor
    assert value.isascii()
    assert value.isdigit()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("José Núñez", "Jose Nunez"),
        ("  Sara   Al-Ali ", "Sara Al-Ali"),
        ("Seán O'Brien", "Sean O'Brien"),
        ("سارة العلي", None),  # Arabic script: left out, never transliterated
        ("Sara العلي", None),
        ("Sara 2", None),  # APS allows no digits in customer_name
        ("A" * 41, None),  # longer than APS's 40 characters
        ("", None),
    ],
)
def test_aps_customer_name(name: str, expected: str | None) -> None:
    assert aps_customer_name(name) == expected


def test_arabic_name_kept_not_sent(sqlite_app: Any) -> None:
    from html import unescape

    from sqlalchemy import select

    from shop.extensions import db
    from shop.models import Order

    client = sqlite_app.test_client()
    client.get("/?lang=ar")
    client.post("/cart/add", data={"sku": "BUKHOOR-KW", "quantity": "1"})
    response = client.post(
        "/checkout/", data={"customer_email": "a@example.com", "customer_name": "سارة العلي", "payment_method": "card"}
    )
    body = unescape(client.get(response.location).get_data(as_text=True))
    assert 'name="customer_name"' not in body
    assert 'name="language" value="ar"' in body
    with sqlite_app.app_context():
        assert db.session.scalar(select(Order.customer_name)) == "سارة العلي"


def test_latin_name_with_bidi_mark_sent(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    client.get("/?lang=ar")
    client.post("/cart/add", data={"sku": "BUKHOOR-KW", "quantity": "1"})
    response = client.post(
        "/checkout/",
        data={"customer_email": "a@example.com", "customer_name": "\u200eJosé Núñez\u200f", "payment_method": "card"},
    )
    body = client.get(response.location).get_data(as_text=True)
    assert 'name="customer_name" value="Jose Nunez"' in body
