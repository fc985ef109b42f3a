"""Merchant-page TOKENIZATION (Merchant Page 2.0 and 1.0) and UPDATE_TOKEN."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests

from shop.aps import compute_signature, verify_signature
from shop.aps.signature import TOKENIZATION_UNSIGNED_FIELDS
from simulator_helpers import (
    ACCESS_CODE,
    MERCHANT_IDENTIFIER,
    REQUEST_PHRASE,
    RESPONSE_PHRASE,
    RETURN_URL,
    ServedApp,
    api_call,
    make_app,
    new_reference,
    sign_request,
)
from simulator_mp_helpers import (
    AMEX,
    FUTURE_EXPIRY,
    VISA,
    BrowserReceiver,
    new_token,
    pay,
    query_fields,
    tokenization_request,
    tokenize,
)


@pytest.fixture()
def client():
    app = make_app()
    yield app.test_client()


def assert_signed(fields):
    assert verify_signature(fields, RESPONSE_PHRASE)


def assert_rejected(result, code):
    assert result["response_code"] == code
    assert result["status"] == "00"
    assert result["service_command"] == "TOKENIZATION"
    assert "card_security_code" not in result
    assert_signed(result)


# Merchant Page 2.0: card fields posted with the request


def test_tokenization_success_fields(client):
    result = tokenize(client, card_holder_name="Sara O'Neil", remember_me="YES", merchant_extra="basket 7")
    assert result["response_code"] == "18000"
    assert result["status"] == "18"
    assert result["response_message"] == "Success"
    assert re.fullmatch(r"[0-9a-f]{32}", result["token_name"])
    assert result["card_number"] == "400555******0001"
    assert result["card_bin"] == "400555"
    assert result["expiry_date"] == FUTURE_EXPIRY
    assert result["card_holder_name"] == "Sara O&#39;Neil"
    assert result["remember_me"] == "YES"
    assert result["merchant_extra"] == "basket 7"
    assert result["return_url"] == RETURN_URL
    assert "card_security_code" not in result
    assert_signed(result)


def test_tokenization_uses_merchant_token_name(client):
    result = tokenize(client, token_name="customer-42.visa")
    assert result["response_code"] == "18000"
    assert result["token_name"] == "customer-42.visa"


def test_tokenization_existing_token_name_updates_card(client):
    tokenize(client, token_name="customer-43")
    result = tokenize(client, token_name="customer-43", card_number=AMEX, card_security_code="1234")
    assert result["response_code"] == "18063"
    assert result["status"] == "18"
    assert result["card_number"] == "345678*****4564"
    assert_signed(result)


def test_token_names_are_unique(client):
    names = {tokenize(client)["token_name"] for _ in range(5)}
    assert len(names) == 5


def test_luhn_failure_is_00016(client):
    assert_rejected(tokenize(client, card_number="4005550000000002"), "00016")


def test_unsupported_brand_is_00016(client):
    assert_rejected(tokenize(client, card_number="6011000990139424"), "00016")


def test_expired_card_is_00012(client):
    assert_rejected(tokenize(client, expiry_date="2001"), "00012")


def test_invalid_expiry_month_is_00100(client):
    assert_rejected(tokenize(client, expiry_date="3913"), "00100")


def test_expiry_not_yymm_is_00002(client):
    assert_rejected(tokenize(client, expiry_date="12/9"), "00002")


@pytest.mark.parametrize(
    "number, cvv, code",
    [
        (AMEX, "1234", "18000"),
        (AMEX, "123", "00032"),
        (VISA, "123", "18000"),
        (VISA, "1234", "00032"),
    ],
)
def test_cvv_length_by_brand(client, number, cvv, code):
    result = tokenize(client, card_number=number, card_security_code=cvv)
    assert result["response_code"] == code
    assert_signed(result)


def test_cvv_not_digits_is_00002(client):
    assert_rejected(tokenize(client, card_security_code="12a"), "00002")


def test_missing_cvv_is_00001(client):
    assert_rejected(tokenize(client, card_security_code=None), "00001")


def test_rejection_message_in_arabic(client):
    result = tokenize(client, card_number="4005550000000002", language="ar")
    assert result["response_message"] == "رقم البطاقة غير صالح"
    assert_signed(result)


# Saved card: token_name and CVV posted without a card number


def confirm_cvv(client, token_name, cvv="123", **fields):
    return tokenize(client, token_name=token_name, card_number=None, expiry_date=None, card_holder_name=None,
                    card_security_code=cvv, **fields)


def test_saved_card_cvv_confirmation(client):
    token_name = new_token(client, card_holder_name="Test Shopper")
    pay(client, token_name)
    result = confirm_cvv(client, token_name)
    assert result["response_code"] == "18000"
    assert result["token_name"] == token_name
    assert result["card_number"] == "400555******0001"
    assert result["card_bin"] == "400555"
    assert result["expiry_date"] == FUTURE_EXPIRY
    assert result["card_holder_name"] == "Test Shopper"
    assert "card_security_code" not in result
    assert_signed(result)
    answer = pay(client, token_name, card_security_code=None, merchant_reference=result["merchant_reference"])
    assert answer["response_code"] == "14000"


def test_saved_card_cvv_length_is_00032(client):
    assert_rejected(confirm_cvv(client, new_token(client, number=AMEX, cvv="1234"), cvv="123"), "00032")


def test_saved_card_unknown_token_is_00044(client):
    assert_rejected(confirm_cvv(client, "no-such-token"), "00044")


def test_saved_card_inactive_token_is_00044(client):
    token_name = new_token(client)
    api_call(client, update_request(token_name, token_status="INACTIVE"))
    assert_rejected(confirm_cvv(client, token_name), "00044")


# Signature: the card fields and remember_me are not signed


def test_signature_covers_only_non_card_fields(client):
    params = tokenization_request()
    signed = {name: value for name, value in params.items() if name not in TOKENIZATION_UNSIGNED_FIELDS}
    signed["signature"] = compute_signature(signed, REQUEST_PHRASE)
    # The browser adds the card fields and remember_me after the merchant signed.
    posted = {**signed, **{name: params[name] for name in TOKENIZATION_UNSIGNED_FIELDS if name in params}, "remember_me": "NO"}
    response = client.post("/FortAPI/paymentPage", data=posted)
    assert query_fields(response.headers["Location"])["response_code"] == "18000"


def test_signature_over_card_fields_is_00008(client):
    params = tokenization_request()
    params["signature"] = compute_signature(params, REQUEST_PHRASE)
    response = client.post("/FortAPI/paymentPage", data=params)
    assert response.status_code == 303
    assert_rejected(query_fields(response.headers["Location"]), "00008")


# merchant_reference


def test_rejected_tokenization_frees_reference(client):
    reference = new_reference("MP")
    assert tokenize(client, merchant_reference=reference, card_number="4005550000000002")["response_code"] == "00016"
    assert tokenize(client, merchant_reference=reference)["response_code"] == "18000"


def test_second_tokenization_with_reference_is_00066(client):
    reference = new_reference("MP")
    tokenize(client, merchant_reference=reference)
    assert_rejected(tokenize(client, merchant_reference=reference), "00066")


def test_payment_may_reuse_tokenization_reference_once(client):
    reference = new_reference("MP")
    token_name = tokenize(client, merchant_reference=reference)["token_name"]
    assert pay(client, token_name, merchant_reference=reference)["response_code"] == "14000"
    assert pay(client, token_name, merchant_reference=reference)["response_code"] == "00066"


# Delivery over real HTTP


def test_result_reaches_return_url_by_get():
    receiver = BrowserReceiver()
    served = ServedApp(make_app())
    try:
        request = sign_request(tokenization_request(return_url=receiver.url()))
        response = requests.post(served.base_url + "/FortAPI/paymentPage", data=request, timeout=10)
        assert response.status_code == 200
        assert response.text == "received"
    finally:
        served.close()
        receiver.close()
    assert len(receiver.received) == 1
    arrival = receiver.received[0]
    assert arrival.method == "GET"
    assert arrival.path == "/aps/return"
    assert arrival.fields["response_code"] == "18000"
    assert arrival.fields["card_number"] == "400555******0001"
    assert_signed(arrival.fields)


# Merchant Page 1.0: the simulator's card page


def open_card_page(client, **fields):
    request = tokenization_request(card_number=None, expiry_date=None, card_security_code=None,
                                   card_holder_name=None, **fields)
    response = client.post("/FortAPI/paymentPage", data=sign_request(request))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    submit = re.search(r'action="(/sim/tokenize/[^"/]+)"', body)
    cancel = re.search(r'formaction="(/sim/tokenize/[^"]+/cancel)"', body)
    assert submit and cancel, body[:2000]
    return body, submit.group(1), cancel.group(1)


def card_form(number=VISA, expiry="12/39", cvv="123", holder="Test Shopper", **extra):
    return {"card_number": number, "expiry": expiry, "card_security_code": cvv, "card_holder_name": holder, **extra}


def test_card_page_without_card_fields(client):
    body, _, _ = open_card_page(client)
    assert 'name="card_number"' in body
    assert "Continue" in body


def test_card_page_tokenizes(client):
    _, submit, _ = open_card_page(client, remember_me="YES")
    response = client.post(submit, data=card_form())
    assert response.status_code == 303
    result = query_fields(response.headers["Location"])
    assert result["response_code"] == "18000"
    assert result["card_number"] == "400555******0001"
    assert result["expiry_date"] == "3912"
    assert result["card_holder_name"] == "Test Shopper"
    assert result["remember_me"] == "YES"
    assert_signed(result)


def test_card_page_shows_errors_in_place(client):
    _, submit, _ = open_card_page(client)
    response = client.post(submit, data=card_form(number="4005550000000002"))
    assert response.status_code == 200
    assert "Enter a valid card number." in response.get_data(as_text=True)


def test_card_page_cancel_is_00072(client):
    _, submit, cancel = open_card_page(client)
    response = client.post(cancel, data=card_form())
    result = query_fields(response.headers["Location"])
    assert result["response_code"] == "00072"
    assert_signed(result)
    assert client.post(submit, data=card_form()).status_code == 410


# UPDATE_TOKEN


def update_request(token_name, **fields):
    params = {
        "service_command": "UPDATE_TOKEN",
        "access_code": ACCESS_CODE,
        "merchant_identifier": MERCHANT_IDENTIFIER,
        "merchant_reference": new_reference("UT"),
        "language": "en",
        "token_name": token_name,
    }
    params.update(fields)
    return params


def test_update_token_inactive(client):
    token_name = new_token(client, card_holder_name="Test Shopper")
    answer = api_call(client, update_request(token_name, token_status="INACTIVE"))
    assert answer["response_code"] == "58000"
    assert answer["status"] == "58"
    assert answer["token_status"] == "INACTIVE"
    assert answer["token_name"] == token_name
    assert answer["card_number"] == "400555******0001"
    assert answer["card_bin"] == "400555"
    assert answer["card_brand"] == "VISA"
    assert answer["expiry_date"] == FUTURE_EXPIRY
    assert answer["card_holder_name"] == "Test Shopper"
    created = dt.datetime.fromisoformat(answer["creation_date"])
    assert created.utcoffset() == dt.timedelta(0)
    assert_signed(answer)


def test_inactive_token_purchase_is_00044(client):
    token_name = new_token(client)
    api_call(client, update_request(token_name, token_status="INACTIVE"))
    answer = pay(client, token_name)
    assert answer["response_code"] == "00044"
    assert answer["response_message"] == "Token name does not exist"
    assert_signed(answer)


def test_reactivated_token_pays(client):
    token_name = new_token(client)
    api_call(client, update_request(token_name, token_status="INACTIVE"))
    assert api_call(client, update_request(token_name, token_status="ACTIVE"))["token_status"] == "ACTIVE"
    assert pay(client, token_name)["response_code"] == "14000"


def test_update_unknown_token_is_00044(client):
    answer = api_call(client, update_request("no-such-token", token_status="INACTIVE"))
    assert answer["response_code"] == "00044"


def test_update_token_rename(client):
    token_name = new_token(client)
    answer = api_call(client, update_request(token_name, new_token_name="renamed-card"))
    assert answer["response_code"] == "58000"
    assert answer["token_name"] == "renamed-card"
    assert pay(client, "renamed-card")["response_code"] == "14000"
    assert pay(client, token_name)["response_code"] == "00044"


def test_update_token_rename_to_taken_name_is_00114(client):
    first, second = new_token(client), new_token(client)
    answer = api_call(client, update_request(first, new_token_name=second))
    assert answer["response_code"] == "00114"
    assert answer["response_message"] == "Token already exists"


def test_update_token_expiry(client):
    token_name = new_token(client)
    assert api_call(client, update_request(token_name, expiry_date="4001"))["expiry_date"] == "4001"
    assert api_call(client, update_request(token_name, expiry_date="2001"))["response_code"] == "00012"
    assert api_call(client, update_request(token_name, expiry_date="4013"))["response_code"] == "00100"


def test_update_token_bad_status_is_00002(client):
    token_name = new_token(client)
    assert api_call(client, update_request(token_name, token_status="DELETED"))["response_code"] == "00002"
