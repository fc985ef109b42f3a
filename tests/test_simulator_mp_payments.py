"""PURCHASE and AUTHORIZATION with a token on paymentApi, frictionless and with 3-D Secure."""

from __future__ import annotations

import re

import pytest
import requests

from shop.aps import verify_signature
from shop.simulator.state import get_state
from simulator_helpers import (
    RESPONSE_PHRASE,
    FeedbackReceiver,
    ServedApp,
    api_call,
    check_status_request,
    make_app,
    sign_request,
)
from simulator_mp_helpers import (
    AMEX,
    DECLINE,
    INSUFFICIENT_FUNDS,
    MADA,
    PENDING,
    VISA_3DS,
    BrowserReceiver,
    new_token,
    pay,
    payment_request,
    query_fields,
    tokenization_request,
)


@pytest.fixture()
def client():
    app = make_app()
    yield app.test_client()
    get_state(app).close()


def assert_signed(answer):
    assert verify_signature(answer, RESPONSE_PHRASE)
    assert all(isinstance(value, str) for value in answer.values())


# Frictionless


def test_purchase_with_token(client):
    token_name = new_token(client, card_holder_name="Test Shopper")
    answer = pay(client, token_name, amount="25050", order_description="Bob's order", merchant_extra="x")
    assert answer["response_code"] == "14000"
    assert answer["status"] == "14"
    assert answer["response_message"] == "Success"
    assert answer["command"] == "PURCHASE"
    assert answer["amount"] == "25050"
    assert answer["token_name"] == token_name
    assert answer["card_number"] == "400555******0001"
    assert answer["expiry_date"] == "3912"
    assert answer["card_holder_name"] == "Test Shopper"
    assert answer["payment_option"] == "VISA"
    assert answer["eci"] == "ECOMMERCE"
    assert answer["customer_ip"] == "192.0.2.10"
    assert answer["order_description"] == "Bob&#39;s order"
    assert re.fullmatch(r"\d{6}", answer["authorization_code"])
    assert re.fullmatch(r"\d{18}", answer["fort_id"])
    for name in ("return_url", "card_security_code", "3ds_url"):
        assert name not in answer
    assert_signed(answer)


def test_authorization_with_token(client):
    answer = pay(client, new_token(client), command="AUTHORIZATION")
    assert answer["response_code"] == "02000"
    assert answer["status"] == "02"
    assert_signed(answer)


@pytest.mark.parametrize(
    "number, command, code",
    [
        (DECLINE, "PURCHASE", "13666"),
        (DECLINE, "AUTHORIZATION", "03666"),
        (INSUFFICIENT_FUNDS, "PURCHASE", "13029"),
        (INSUFFICIENT_FUNDS, "AUTHORIZATION", "03029"),
        (PENDING, "PURCHASE", "15777"),
    ],
)
def test_declining_test_cards(client, number, command, code):
    answer = pay(client, new_token(client, number=number), command=command)
    assert answer["response_code"] == code
    assert "authorization_code" not in answer
    assert_signed(answer)


def test_check_status_after_token_purchase(client):
    answer = pay(client, new_token(client), amount="7000")
    status = api_call(client, check_status_request(merchant_reference=answer["merchant_reference"]))
    assert status["transaction_code"] == "14000"
    assert status["fort_id"] == answer["fort_id"]
    assert status["captured_amount"] == "7000"


# Refusals


def test_unknown_token_is_00044(client):
    answer = pay(client, "no-such-token")
    assert answer["response_code"] == "00044"
    assert answer["status"] == "00"
    assert_signed(answer)


def test_token_name_missing_is_00001(client):
    answer = pay(client, None)
    assert answer["response_code"] == "00001"


def test_first_payment_after_tokenization_needs_no_cvv(client):
    token_name = new_token(client)
    assert pay(client, token_name, card_security_code=None)["response_code"] == "14000"
    second = pay(client, token_name, card_security_code=None)
    assert second["response_code"] == "00001"
    assert_signed(second)


def test_recurring_payment_needs_no_cvv(client):
    token_name = new_token(client)
    pay(client, token_name)
    answer = pay(client, token_name, card_security_code=None, eci="RECURRING")
    assert answer["response_code"] == "14000"
    assert answer["eci"] == "RECURRING"


@pytest.mark.parametrize("number, cvv", [(AMEX, "123"), ("4005550000000001", "1234")])
def test_cvv_length_by_brand_is_00032(client, number, cvv):
    token_name = new_token(client, number=number, cvv="1234" if number == AMEX else "123")
    assert pay(client, token_name, card_security_code=cvv)["response_code"] == "00032"


def test_mada_token_authorization_is_00049(client):
    token_name = new_token(client, number=MADA, cvv="350")
    assert pay(client, token_name, command="AUTHORIZATION", card_security_code="350")["response_code"] == "00049"
    assert pay(client, token_name, card_security_code="350")["response_code"] == "14000"


def test_reused_reference_is_00066(client):
    token_name = new_token(client)
    first = pay(client, token_name)
    assert pay(client, token_name, merchant_reference=first["merchant_reference"])["response_code"] == "00066"


@pytest.mark.parametrize("field, value, code", [("amount", "0", "00005"), ("currency", "XYZ", "00013")])
def test_bad_amount_or_currency(client, field, value, code):
    assert pay(client, new_token(client), **{field: value})["response_code"] == code


def test_unknown_digital_wallet_is_00003(client):
    assert pay(client, new_token(client), digital_wallet="APPLE_PAY")["response_code"] == "00003"


def test_rejected_payment_keeps_reference_free(client):
    token_name = new_token(client)
    request = payment_request("no-such-token")
    assert api_call(client, request)["response_code"] == "00044"
    assert pay(client, token_name, merchant_reference=request["merchant_reference"])["response_code"] == "14000"


# 3-D Secure


def test_challenge_card_answers_20064(client):
    answer = pay(client, new_token(client, number=VISA_3DS), command="AUTHORIZATION")
    assert answer["response_code"] == "20064"
    assert answer["status"] == "20"
    assert answer["response_message"] == "3-D Secure check requested"
    assert re.fullmatch(r"http://localhost/sim/3ds/[\w-]+", answer["3ds_url"])
    assert answer["card_number"] == "455701******8902"
    assert "authorization_code" not in answer
    assert_signed(answer)
    status = api_call(client, check_status_request(merchant_reference=answer["merchant_reference"]))
    assert status["transaction_code"] == "20064"


def test_recurring_challenge_card_is_frictionless(client):
    token_name = new_token(client, number=VISA_3DS)
    assert pay(client, token_name, eci="RECURRING", card_security_code=None)["response_code"] == "14000"


def test_challenge_without_return_url_is_00037(client):
    answer = pay(client, new_token(client, number=VISA_3DS), return_url=None)
    assert answer["response_code"] == "00037"


@pytest.fixture()
def live():
    """The simulator over HTTP with its feedback going to a local receiver, and a return_url receiver."""
    feedback = FeedbackReceiver()
    browser = BrowserReceiver()
    app = make_app(
        SIMULATOR_FEEDBACK_MODE="async",
        SIMULATOR_FEEDBACK_URL=feedback.url("/aps/feedback"),
        SIMULATOR_NOTIFICATION_URL=feedback.url("/aps/notification"),
        SIMULATOR_FEEDBACK_RETRY_SECONDS=0.05,
        SIMULATOR_PENDING_SETTLE_SECONDS=0.1,
    )
    served = ServedApp(app)
    yield served, feedback, browser
    served.close()
    feedback.close()
    browser.close()


def live_token(served, number):
    request = sign_request(tokenization_request(card_number=number))
    response = requests.post(served.base_url + "/FortAPI/paymentPage", data=request, allow_redirects=False, timeout=10)
    assert response.status_code == 303
    return query_fields(response.headers["Location"])["token_name"]


def live_pay(served, token_name, **fields):
    response = requests.post(served.base_url + "/FortAPI/paymentApi", json=sign_request(payment_request(token_name, **fields)), timeout=10)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    "outcome, command, code",
    [("authenticate", "PURCHASE", "14000"), ("authenticate", "AUTHORIZATION", "02000"),
     ("fail", "PURCHASE", "13030"), ("cancel", "PURCHASE", "00072")],
)
def test_challenge_result_by_get_and_feedback(live, outcome, command, code):
    served, feedback, browser = live
    token_name = live_token(served, VISA_3DS)
    answer = live_pay(served, token_name, command=command, return_url=browser.url(), card_security_code=None)
    assert answer["response_code"] == "20064"
    assert answer["3ds_url"].startswith(served.base_url + "/sim/3ds/")

    page = requests.get(answer["3ds_url"], timeout=10)
    assert page.status_code == 200
    assert 'value="authenticate"' in page.text
    final = requests.post(answer["3ds_url"], data={"outcome": outcome}, timeout=10)
    assert final.text == "received"

    arrival = browser.received[-1]
    assert arrival.method == "GET"
    assert arrival.fields["response_code"] == code
    assert arrival.fields["fort_id"] == answer["fort_id"]
    assert arrival.fields["token_name"] == token_name
    assert arrival.fields["card_number"] == "455701******8902"
    assert "return_url" not in arrival.fields
    assert verify_signature(arrival.fields, RESPONSE_PHRASE)

    posts = [post for post in feedback.wait_for(1) if post.path == "/aps/feedback"]
    assert posts[-1].fields == arrival.fields


def test_frictionless_payment_sends_direct_feedback(live):
    served, feedback, _ = live
    answer = live_pay(served, live_token(served, "4005550000000001"), card_security_code=None)
    post = feedback.wait_for(1)[0]
    assert post.path == "/aps/feedback"
    assert post.fields == answer


def test_pending_token_payment_settles_by_notification(live):
    served, feedback, _ = live
    answer = live_pay(served, live_token(served, PENDING), card_security_code=None)
    assert answer["response_code"] == "15777"
    posts = feedback.wait_for(2)
    notification = [post for post in posts if post.path == "/aps/notification"][0]
    assert notification.fields["response_code"] == "14000"
    assert notification.fields["merchant_reference"] == answer["merchant_reference"]
    assert verify_signature(notification.fields, RESPONSE_PHRASE)
