"""Every page in English and Arabic: lang and dir, status, and no English left on Arabic pages.

The crawl takes its routes from ``app.url_map``, so a new page is checked as
soon as it exists. A route with URL parameters needs a sample value in
``sample_values`` below; the crawl fails and names the parameter when one is missing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.i18n import catalog
from shop.models import Order, PaymentAttempt
from shop.payments.receipts import receipt_token

SAMPLE_SKU = "BUKHOOR-KW"  # 12.345 KWD in the demo catalogue

# Pages that return another status than 200 when opened without the data they expect.
EXPECTED_STATUS = {
    # A browser return without APS fields is rejected with the "could not verify" page.
    "payments.aps_return": 400,
    # The STC Pay pages open only for STC Pay attempts; the sample attempt is a card payment.
    "stcpay.phone": 404,
    "stcpay.otp": 404,
}

# GET routes that serve data for scripts, not pages.
DATA_ENDPOINTS = {"brands.mada_bins"}

# Attributes whose text a shopper sees or hears.
VISIBLE_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class VisibleText(HTMLParser):
    """Collect a page's visible text nodes and labels, and the lang and dir of <html>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.html_attributes: dict[str, str | None] = {}
        self.hidden_inputs: dict[str, str] = {}
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_attributes = attributes
        if tag in {"script", "style"}:
            self._skipping += 1
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.hidden_inputs[attributes["name"]] = attributes.get("value") or ""
        if tag == "input" and attributes.get("type") in {"submit", "button"} and attributes.get("value"):
            self.texts.append(attributes["value"])
        for name in VISIBLE_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skipping:
            self.texts.append(text)


def parse_page(body: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(body)
    parser.close()
    return parser


def english_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Return a pattern per catalogue msgid whose Arabic text differs from the English.

    Placeholders such as %(amount)s match any text, so "Pay %(amount)s" is
    found in "Pay KWD 12.345" too.
    """
    patterns = []
    for message in catalog.load_catalogue("ar"):
        if not message.id:
            continue
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        arabic = message.string[0] if isinstance(message.string, tuple) else message.string
        if arabic == english:
            continue  # brand names and codes that Arabic pages show as they are
        pieces = re.split(r"%\(\w+\)[sd]|%[sd]", english)
        body = ".+?".join(re.escape(re.sub(r"\s+", " ", piece)) for piece in pieces)
        patterns.append((english, re.compile(r"(?<![A-Za-z])" + body + r"(?![A-Za-z])")))
    return patterns


def untranslated_texts(page: VisibleText) -> list[str]:
    found = []
    for english, pattern in english_patterns():
        for text in page.texts:
            if pattern.search(text):
                found.append(f"{english!r} in {text!r}")
    return found


def start_shopping(client: Any, language: str) -> None:
    """Choose ``language`` and put two of the sample product in the cart."""
    assert client.get(f"/?lang={language}").status_code == 200
    response = client.post("/cart/add", data={"sku": SAMPLE_SKU, "quantity": "2"})
    assert response.status_code == 302


def place_order(client: Any, name: str = "Sara Ali", email: str = "shopper@example.com") -> str:
    """Submit the checkout form and return the URL of the APS hand-over page."""
    response = client.post(
        "/checkout/", data={"customer_email": email, "customer_name": name, "payment_method": "card"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "/checkout/pay/" in response.location
    return response.location


def sample_values(app: Any, client: Any, language: str) -> dict[str, str]:
    """Place an order in ``language`` and return a real value for each URL parameter name."""
    start_shopping(client, language)
    pay_url = place_order(client)
    merchant_reference = pay_url.rsplit("/", 1)[-1]
    start_shopping(client, language)  # the order emptied the cart; the cart and checkout pages need lines
    with app.app_context():
        attempt = db.session.scalar(
            select(PaymentAttempt).where(PaymentAttempt.merchant_reference == merchant_reference)
        )
        token = receipt_token(attempt.order)
    return {"sku": SAMPLE_SKU, "merchant_reference": merchant_reference, "token": token}


def get_routes(app: Any) -> list[Any]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("ar", "rtl")])
def test_every_page_lang_dir_status(sqlite_app: Any, language: str, direction: str) -> None:
    client = sqlite_app.test_client()
    values = sample_values(sqlite_app, client, language)
    routes = get_routes(sqlite_app)
    assert any(rule.endpoint == "catalog.index" for rule in routes)

    missing = sorted({argument for rule in routes for argument in rule.arguments if not values.get(argument)})
    assert not missing, f"add a sample value for URL parameter(s) {missing} to sample_values()"

    for rule in routes:
        url = rule.build({argument: values[argument] for argument in rule.arguments}, append_unknown=False)[1]
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == EXPECTED_STATUS.get(rule.endpoint, 200), f"{url}: {body[:300]}"
        if rule.endpoint in DATA_ENDPOINTS:
            assert response.mimetype == "application/json", url
            continue
        page = parse_page(body)
        assert page.html_attributes.get("lang") == language, url
        assert page.html_attributes.get("dir") == direction, url
        if language == "ar":
            assert untranslated_texts(page) == [], url


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("ar", "rtl")])
def test_not_found_page_lang_dir(sqlite_app: Any, language: str, direction: str) -> None:
    response = sqlite_app.test_client().get(f"/no-such-page?lang={language}")
    assert response.status_code == 404
    page = parse_page(response.get_data(as_text=True))
    assert page.html_attributes.get("lang") == language
    assert page.html_attributes.get("dir") == direction
    if language == "ar":
        assert untranslated_texts(page) == []


def test_untranslated_text_detected(sqlite_app: Any) -> None:
    page = parse_page("<html lang=ar dir=rtl><body><button>Pay KWD 12.345</button><p>Cart</p></body></html>")
    found = untranslated_texts(page)
    assert any(item.startswith("'Pay %(amount)s'") for item in found)
    assert any(item.startswith("'Cart'") for item in found)


def test_accept_language_picks_arabic(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    response = client.get("/", headers={"Accept-Language": "ar-KW,ar;q=0.9,en;q=0.5"})
    page = parse_page(response.get_data(as_text=True))
    assert page.html_attributes.get("lang") == "ar"
    assert page.html_attributes.get("dir") == "rtl"


def test_explicit_choice_beats_accept_language(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    client.get("/?lang=en", headers={"Accept-Language": "ar"})
    response = client.get("/cart/", headers={"Accept-Language": "ar"})
    assert parse_page(response.get_data(as_text=True)).html_attributes.get("lang") == "en"


def test_unsupported_language_falls_back_to_english(sqlite_app: Any) -> None:
    response = sqlite_app.test_client().get("/?lang=fr", headers={"Accept-Language": "fr-FR"})
    assert parse_page(response.get_data(as_text=True)).html_attributes.get("lang") == "en"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_aps_request_language_follows_page(sqlite_app: Any, language: str) -> None:
    client = sqlite_app.test_client()
    start_shopping(client, language)
    response = client.get(place_order(client))
    assert response.status_code == 200
    page = parse_page(response.get_data(as_text=True))
    assert page.html_attributes.get("lang") == language
    assert page.hidden_inputs["language"] == language
    with sqlite_app.app_context():
        order = db.session.scalar(select(Order).order_by(Order.id.desc()))
        assert order.language == language


def test_aps_amount_ascii_after_arabic_digits(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    client.get("/?lang=ar")
    client.post("/cart/add", data={"sku": SAMPLE_SKU, "quantity": "\u200f٢"})
    page = parse_page(client.get(place_order(client)).get_data(as_text=True))
    assert page.hidden_inputs["amount"] == "24690"
    assert page.hidden_inputs["amount"].isascii()
    assert page.hidden_inputs["currency"] == "KWD"


def test_checkout_error_messages_arabic(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    start_shopping(client, "ar")
    response = client.post("/checkout/", data={"customer_email": "", "payment_method": "card"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "أدخل بريدك الإلكتروني." in body
    assert untranslated_texts(parse_page(body)) == []


@pytest.mark.parametrize("status", ["awaiting_payment", "payment_pending", "paid", "authorized", "declined",
                                    "cancelled", "failed", "refunded", "voided"])
def test_receipt_every_status_arabic(sqlite_app: Any, status: str) -> None:
    client = sqlite_app.test_client()
    start_shopping(client, "ar")
    merchant_reference = place_order(client).rsplit("/", 1)[-1]
    with sqlite_app.app_context():
        attempt = db.session.scalar(
            select(PaymentAttempt).where(PaymentAttempt.merchant_reference == merchant_reference)
        )
        attempt.status = "created" if status == "awaiting_payment" else "pending"
        attempt.fort_id = "169996200000000001"
        attempt.response_message = "عملية ناجحة"
        attempt.payment_option = "VISA"
        attempt.card_number = "400555******0001"
        attempt.details = {"authorization_code": "123456"}
        attempt.order.status = status
        db.session.commit()
        url = f"/receipt/{receipt_token(attempt.order)}"
    response = client.get(url)
    assert response.status_code == 200
    page = parse_page(response.get_data(as_text=True))
    assert page.html_attributes.get("dir") == "rtl"
    assert untranslated_texts(page) == []


@pytest.mark.parametrize("code", [400, 405, 500])
def test_error_template_arabic(sqlite_app: Any, code: int) -> None:
    from flask import render_template

    with sqlite_app.test_request_context("/?lang=ar"):
        page = parse_page(render_template("errors/error.html", code=code))
    assert page.html_attributes.get("lang") == "ar"
    assert page.html_attributes.get("dir") == "rtl"
    assert untranslated_texts(page) == []
    assert f"الخطأ {code}" in page.texts
