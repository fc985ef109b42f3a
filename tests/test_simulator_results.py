"""Result messages: echo, added fields, escaping, language and signature."""

from __future__ import annotations

import pytest

from shop.aps import compute_signature, verify_signature
from shop.simulator.messages import echo_request
from simulator_helpers import RESPONSE_PHRASE, RETURN_URL, card_form, make_app, pay_with_card


@pytest.fixture()
def client():
    app = make_app()
    yield app.test_client()


def test_result_signed_with_response_phrase(client):
    form = pay_with_card(client)
    assert verify_signature(form.fields, RESPONSE_PHRASE)
    unsigned = {name: value for name, value in form.fields.items() if name != "signature"}
    assert form.fields["signature"] == compute_signature(unsigned, RESPONSE_PHRASE)


def test_result_goes_to_return_url(client):
    form = pay_with_card(client)
    assert form.url == RETURN_URL


def test_result_fields(client):
    form = pay_with_card(client, card_form(number="5123456789012346", expiry="07/31", holder="Test Shopper"),
                         amount="2500", currency="SAR", customer_ip="192.0.2.10")
    fields = form.fields
    assert fields["response_code"] == "14000"
    assert fields["response_message"] == "Success"
    assert fields["status"] == "14"
    assert fields["card_number"] == "512345******2346"
    assert fields["expiry_date"] == "3107"
    assert fields["card_holder_name"] == "Test Shopper"
    assert fields["payment_option"] == "MASTERCARD"
    assert fields["eci"] == "ECOMMERCE"
    assert fields["customer_ip"] == "192.0.2.10"
    assert fields["amount"] == "2500"
    assert fields["fort_id"].isdigit()
    assert len(fields["fort_id"]) <= 20
    assert len(fields["authorization_code"]) == 6


def test_customer_ip_from_browser_address(client):
    form = pay_with_card(client)
    assert form.fields["customer_ip"] == "127.0.0.1"


def test_echo_drops_routing_fields(client):
    form = pay_with_card(client, app_programming="Python", app_framework="Flask", merchant_extra="keep me")
    for absent in ("return_url", "app_programming", "app_framework", "card_security_code"):
        assert absent not in form.fields
    assert form.fields["merchant_extra"] == "keep me"
    assert form.fields["customer_email"] == "shopper@example.com"


def test_fort_ids_differ(client):
    first = pay_with_card(client)
    second = pay_with_card(client)
    assert first.fields["fort_id"] != second.fields["fort_id"]


def test_apostrophes_escaped_and_signed(client):
    form = pay_with_card(
        client,
        card_form(holder="Shay O'Neil"),
        order_description="test' with #'",
        customer_name="customer's name",
    )
    assert form.fields["order_description"] == "test&#39; with #&#39;"
    assert form.fields["customer_name"] == "customer&#39;s name"
    assert form.fields["card_holder_name"] == "Shay O&#39;Neil"
    assert verify_signature(form.fields, RESPONSE_PHRASE)


def test_response_message_arabic(client):
    form = pay_with_card(client, language="ar")
    assert form.fields["response_message"] == "عملية ناجحة"
    assert verify_signature(form.fields, RESPONSE_PHRASE)


def test_decline_message_arabic(client):
    form = pay_with_card(client, card_form(number="4000000000006660"), language="ar")
    assert form.fields["response_message"] == "تم رفض العملية"


def test_return_page_has_no_js_fallback(client):
    from simulator_helpers import open_card_page

    _, pay, _, _ = open_card_page(client, language="ar")
    body = client.post(pay, data=card_form()).get_data(as_text=True)
    assert '<button type="submit" class="primary">متابعة</button>' in body
    assert 'document.getElementById("aps-return").submit()' in body


def test_echo_request_values_are_strings():
    echoed = echo_request({"amount": 1000, "language": "en", "empty": "", "return_url": "http://x", "card_number": "4005550000000001"})
    assert echoed == {"amount": "1000", "language": "en", "card_number": "400555******0001"}
