"""Hosted card page: rendering in English and Arabic, card checks and test-card outcomes."""

from __future__ import annotations

import datetime as dt

import pytest

from shop.aps import verify_signature
from shop.simulator.cards import TEST_CARDS, Behaviour, Brand, detect_brand, luhn_valid
from simulator_helpers import (
    RESPONSE_PHRASE,
    card_form,
    make_app,
    open_card_page,
    parse_return_form,
    pay_with_card,
)


@pytest.fixture()
def client():
    app = make_app()
    yield app.test_client()


def submit(client, card, **fields):
    _, pay, _, _ = open_card_page(client, **fields)
    return client.post(pay, data=card)


# Rendering


def test_card_page_english(client):
    response, _, _, _ = open_card_page(client, amount="12345", currency="SAR")
    body = response.get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in body
    assert "APS sandbox simulator" in body
    assert "aps-storefront demo" in body
    assert "123.45 SAR" in body
    assert "Card number" in body


def test_card_page_arabic(client):
    response, _, _, _ = open_card_page(client, language="ar", amount="12345", currency="KWD")
    body = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in body
    assert "محاكي بيئة اختبار APS" in body
    assert "رقم البطاقة" in body
    assert "12.345 KWD" in body


@pytest.mark.parametrize("currency, amount, shown", [("BHD", "1500", "1.500 BHD"), ("OMR", "7", "0.007 OMR"), ("AED", "50000", "500.00 AED")])
def test_amount_uses_currency_decimals(client, currency, amount, shown):
    response, _, _, _ = open_card_page(client, currency=currency, amount=amount)
    assert shown in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["card_number", "expiry", "card_security_code", "card_holder_name"])
def test_card_inputs_stay_ltr_in_arabic(client, name):
    response, _, _, _ = open_card_page(client, language="ar")
    body = response.get_data(as_text=True)
    assert f'<input id="{name}" name="{name}" dir="ltr"' in body


def test_card_form_posts_to_simulator(client):
    _, pay, cancel, _ = open_card_page(client)
    assert pay.startswith("/sim/card/")
    assert cancel.startswith("/sim/card/")


def test_payment_option_limits_brands(client):
    response, _, _, _ = open_card_page(client, payment_option="MADA")
    body = response.get_data(as_text=True)
    assert "Accepted: mada" in body
    assert "Visa" not in body


# Card checks


@pytest.mark.parametrize(
    "card, field, message",
    [
        (card_form(number="4005550000000002"), "card_number", "Enter a valid card number."),
        (card_form(number="12345"), "card_number", "Enter a valid card number."),
        (card_form(number="6011111111111117"), "card_number", "This card type is not accepted."),
        (card_form(expiry="13/30"), "expiry", "Enter the expiry date as MM/YY."),
        (card_form(expiry="soon"), "expiry", "Enter the expiry date as MM/YY."),
        (card_form(expiry="01/20"), "expiry", "This card has expired."),
        (card_form(cvv="12"), "card_security_code", "Enter the 3-digit security code."),
        (card_form(cvv="1234"), "card_security_code", "Enter the 3-digit security code."),
        (card_form(number="345678901234564", cvv="123"), "card_security_code", "Enter the 4-digit security code."),
        (card_form(holder="  "), "card_holder_name", "Enter the name on the card."),
        (card_form(holder="A" * 51), "card_holder_name", "at most 50 characters"),
    ],
)
def test_card_errors_english(client, card, field, message):
    response = submit(client, card)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in body
    assert message in body
    assert 'id="aps-return"' not in body


@pytest.mark.parametrize(
    "card, message",
    [
        (card_form(number="4005550000000002"), "أدخل رقم بطاقة صحيحاً."),
        (card_form(expiry="01/20"), "انتهت صلاحية هذه البطاقة."),
        (card_form(cvv="1"), "أدخل رمز الأمان المكوّن من 3 أرقام."),
        (card_form(number="374200000000004", cvv="123"), "أدخل رمز الأمان المكوّن من 4 أرقام."),
    ],
)
def test_card_errors_arabic(client, card, message):
    body = submit(client, card, language="ar").get_data(as_text=True)
    assert message in body
    assert '<html lang="ar" dir="rtl">' in body


def test_errors_keep_typed_values_but_not_cvv(client):
    body = submit(client, card_form(expiry="01/20", cvv="321", holder="Kept Name")).get_data(as_text=True)
    assert 'value="4005550000000001"' in body
    assert 'value="Kept Name"' in body
    assert 'value="321"' not in body


def test_current_month_not_expired(client):
    today = dt.date.today()
    form = parse_return_form(submit(client, card_form(expiry=f"{today.month:02d}/{today.year % 100:02d}")).data)
    assert form.fields["response_code"] == "14000"


def test_card_number_with_spaces_accepted(client):
    form = parse_return_form(submit(client, card_form(number="4005 5500 0000 0001")).data)
    assert form.fields["card_number"] == "400555******0001"


def test_brand_must_match_payment_option(client):
    body = submit(client, card_form(), payment_option="MASTERCARD").get_data(as_text=True)
    assert "This card does not match the selected payment method (Mastercard)." in body


# Test cards


def test_cards_table_is_luhn_valid():
    for card in TEST_CARDS:
        assert luhn_valid(card.number), card.number
        assert detect_brand(card.number) == card.brand, card.number


def test_cards_table_labels_simulator_only():
    simulator_only = {card.number for card in TEST_CARDS if card.simulator_only}
    assert simulator_only == {"4000000000006660", "4000000000000291", "4000000000007775"}


SUCCESS_CARDS = [(card.number, card.cvv, card.brand) for card in TEST_CARDS if card.behaviour == Behaviour.SUCCESS]


@pytest.mark.parametrize("number, cvv, brand", SUCCESS_CARDS)
def test_success_cards_purchase(client, number, cvv, brand):
    form = pay_with_card(client, card_form(number=number, cvv=cvv))
    assert form.fields["response_code"] == "14000"
    assert form.fields["status"] == "14"
    assert form.fields["payment_option"] == brand.value
    assert verify_signature(form.fields, RESPONSE_PHRASE)


@pytest.mark.parametrize("number, cvv, brand", [card for card in SUCCESS_CARDS if card[2] != Brand.MADA])
def test_success_cards_authorization(client, number, cvv, brand):
    form = pay_with_card(client, card_form(number=number, cvv=cvv), command="AUTHORIZATION")
    assert form.fields["response_code"] == "02000"
    assert form.fields["status"] == "02"


def test_mada_card_authorization_is_00049(client):
    form = pay_with_card(client, card_form(number="5297412542005689", cvv="350"), command="AUTHORIZATION")
    assert form.fields["response_code"] == "00049"
    assert form.fields["status"] == "00"
    assert verify_signature(form.fields, RESPONSE_PHRASE)


def test_other_luhn_valid_card_succeeds(client):
    form = pay_with_card(client, card_form(number="4111111111111111"))
    assert form.fields["response_code"] == "14000"


@pytest.mark.parametrize(
    "number, command, code",
    [
        ("4000000000006660", "PURCHASE", "13666"),
        ("4000000000006660", "AUTHORIZATION", "03666"),
        ("4000000000000291", "PURCHASE", "13029"),
        ("4000000000000291", "AUTHORIZATION", "03029"),
    ],
)
def test_refusal_cards(client, number, command, code):
    form = pay_with_card(client, card_form(number=number), command=command)
    assert form.fields["response_code"] == code
    assert form.fields["status"] == code[:2]
    assert "authorization_code" not in form.fields
    assert verify_signature(form.fields, RESPONSE_PHRASE)


def test_decline_message(client):
    form = pay_with_card(client, card_form(number="4000000000006660"))
    assert form.fields["response_message"] == "Transaction declined"


def test_pending_card_is_15777(client):
    form = pay_with_card(client, card_form(number="4000000000007775"))
    assert form.fields["response_code"] == "15777"
    assert form.fields["status"] == "15"


def test_cancel_is_00072(client):
    _, _, cancel, request = open_card_page(client)
    form = parse_return_form(client.post(cancel).data)
    assert form.fields["response_code"] == "00072"
    assert form.fields["merchant_reference"] == request["merchant_reference"]
    assert form.fields["fort_id"].isdigit()
    assert verify_signature(form.fields, RESPONSE_PHRASE)


def test_second_submit_gets_session_ended(client):
    _, pay, _, _ = open_card_page(client)
    first = client.post(pay, data=card_form())
    assert first.status_code == 200
    second = client.post(pay, data=card_form())
    assert second.status_code == 410
    assert "no longer available" in second.get_data(as_text=True)


def test_unknown_session_gets_session_ended(client):
    response = client.post("/sim/card/not-a-session/pay", data={**card_form(), "language": "ar"})
    assert response.status_code == 410
    assert "صفحة الدفع لم تعد متاحة" in response.get_data(as_text=True)
