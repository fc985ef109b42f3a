"""3-D Secure: the challenge cards lead to the simulator's challenge page and its three outcomes."""

from __future__ import annotations

import pytest

from shop.aps import verify_signature
from shop.simulator.cards import TEST_CARDS, Behaviour
from simulator_helpers import RESPONSE_PHRASE, api_call, card_form, check_status_request, make_app, open_card_page, parse_return_form

CHALLENGE_CARDS = [(card.number, card.cvv) for card in TEST_CARDS if card.behaviour == Behaviour.CHALLENGE]


@pytest.fixture()
def client():
    app = make_app()
    yield app.test_client()


def start_challenge(client, number="4557012345678902", cvv="123", **fields):
    _, pay, _, request = open_card_page(client, **fields)
    response = client.post(pay, data=card_form(number=number, cvv=cvv))
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/sim/3ds/")
    return location, request


@pytest.mark.parametrize("number, cvv", CHALLENGE_CARDS)
def test_challenge_cards_redirect_to_challenge(client, number, cvv):
    location, _ = start_challenge(client, number, cvv)
    page = client.get(location)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3-D Secure authentication" in body
    assert 'value="authenticate"' in body
    assert 'value="fail"' in body
    assert 'value="cancel"' in body


def test_challenge_page_arabic(client):
    location, _ = start_challenge(client, language="ar")
    body = client.get(location).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in body
    assert "إتمام التحقق" in body
    assert "455701******8902" in body


@pytest.mark.parametrize(
    "outcome, command, code",
    [
        ("authenticate", "PURCHASE", "14000"),
        ("authenticate", "AUTHORIZATION", "02000"),
        ("fail", "PURCHASE", "13030"),
        ("fail", "AUTHORIZATION", "03030"),
        ("cancel", "PURCHASE", "00072"),
    ],
)
def test_challenge_outcomes(client, outcome, command, code):
    location, request = start_challenge(client, command=command)
    form = parse_return_form(client.post(location, data={"outcome": outcome}).data)
    assert form.fields["response_code"] == code
    assert form.fields["merchant_reference"] == request["merchant_reference"]
    assert form.fields["card_number"] == "455701******8902"
    assert verify_signature(form.fields, RESPONSE_PHRASE)


def test_failed_authentication_message(client):
    location, _ = start_challenge(client, language="ar")
    form = parse_return_form(client.post(location, data={"outcome": "fail"}).data)
    assert form.fields["response_message"] == "فشلت المصادقة"


def test_check_status_during_challenge_is_20064(client):
    location, request = start_challenge(client)
    answer = api_call(client, check_status_request(merchant_reference=request["merchant_reference"]))
    assert answer["transaction_code"] == "20064"
    form = parse_return_form(client.post(location, data={"outcome": "authenticate"}).data)
    assert form.fields["fort_id"] == answer["fort_id"]


def test_challenge_answered_once(client):
    location, _ = start_challenge(client)
    assert client.post(location, data={"outcome": "authenticate"}).status_code == 200
    assert client.post(location, data={"outcome": "fail"}).status_code == 410
    assert client.get(location).status_code == 410


def test_unknown_outcome_shows_challenge_again(client):
    location, _ = start_challenge(client)
    body = client.post(location, data={"outcome": "maybe"}).get_data(as_text=True)
    assert 'value="authenticate"' in body
