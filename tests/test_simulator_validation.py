"""paymentPage validation: each bad request gets APS's code, signed, by form POST to return_url."""

from __future__ import annotations

import pytest

from urllib.parse import parse_qsl, urlsplit

from shop.aps import verify_signature
from simulator_helpers import (
    RESPONSE_PHRASE,
    RETURN_URL,
    ReturnForm,
    make_app,
    new_reference,
    page_request,
    parse_return_form,
    sign_request,
)


@pytest.fixture()
def client():
    app = make_app()
    yield app.test_client()


def post_page(client, params, sign=True):
    data = sign_request(params) if sign else params
    return client.post("/FortAPI/paymentPage", data=data)


def rejection(client, params, sign=True):
    response = post_page(client, params, sign)
    assert response.status_code == 200
    return parse_return_form(response.data)


def assert_rejected(form, code, sha_type="SHA-256"):
    assert form.fields["response_code"] == code
    assert form.fields["status"] == "00"
    assert verify_signature(form.fields, RESPONSE_PHRASE, sha_type)


def test_valid_request_shows_card_page(client):
    response = post_page(client, page_request())
    assert response.status_code == 200
    assert b'name="card_number"' in response.data


def test_missing_signature_is_00001(client):
    form = rejection(client, page_request(), sign=False)
    assert_rejected(form, "00001")


def test_wrong_signature_is_00008(client):
    params = sign_request(page_request())
    params["amount"] = "99999"
    form = rejection(client, params, sign=False)
    assert_rejected(form, "00008")


def test_signature_with_response_phrase_is_00008(client):
    params = sign_request(page_request(), phrase=RESPONSE_PHRASE)
    assert_rejected(rejection(client, params, sign=False), "00008")


def test_uppercase_signature_accepted(client):
    params = sign_request(page_request())
    params["signature"] = params["signature"].upper()
    response = post_page(client, params, sign=False)
    assert b'name="card_number"' in response.data


def test_empty_values_left_out_of_signature(client):
    params = sign_request(page_request(customer_name="", order_description=""))
    assert "customer_name" in params
    response = post_page(client, params, sign=False)
    assert b'name="card_number"' in response.data


def test_signature_covers_extra_fields(client):
    params = sign_request(page_request(merchant_extra="gift"))
    params["merchant_extra1"] = "added after signing"
    assert_rejected(rejection(client, params, sign=False), "00008")


def test_sha512_simulator_checks_sha512(client):
    app = make_app(SIMULATOR_SHA_TYPE="SHA-512")
    sha512_client = app.test_client()
    ok = post_page(sha512_client, sign_request(page_request(), sha_type="SHA-512"), sign=False)
    assert b'name="card_number"' in ok.data
    assert_rejected(rejection(sha512_client, page_request()), "00008", "SHA-512")


@pytest.mark.parametrize(
    "field",
    ["command", "access_code", "merchant_identifier", "merchant_reference", "amount", "currency", "language", "customer_email"],
)
def test_missing_mandatory_field_is_00001(client, field):
    form = rejection(client, page_request(**{field: None}))
    assert_rejected(form, "00001")


def test_empty_mandatory_field_is_00001(client):
    assert_rejected(rejection(client, page_request(customer_email="")), "00001")


@pytest.mark.parametrize(
    "field",
    ["service_command", "access_code", "merchant_identifier", "merchant_reference", "language"],
)
def test_tokenization_missing_field_is_00001(client, field):
    params = {
        "service_command": "TOKENIZATION",
        "access_code": page_request()["access_code"],
        "merchant_identifier": page_request()["merchant_identifier"],
        "merchant_reference": new_reference(),
        "language": "en",
        "return_url": RETURN_URL,
    }
    params.pop(field)
    if field == "service_command":
        # Without service_command the request reads as a redirection request missing its command.
        params["amount"] = "100"
        assert_rejected(rejection(client, params), "00001")
        return
    # TOKENIZATION results, rejections included, come back by GET.
    response = post_page(client, params)
    assert response.status_code == 303
    query = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
    assert_rejected(ReturnForm(RETURN_URL, query), "00001")


@pytest.mark.parametrize(
    "field, value",
    [
        ("language", "fr"),
        ("currency", "sar"),
        ("merchant_reference", "ORDER/1"),
        ("customer_email", "shopper at example.com"),
        ("command", "purchase"),
        ("eci", "INTERNET"),
    ],
)
def test_bad_format_is_00002(client, field, value):
    assert_rejected(rejection(client, page_request(**{field: value})), "00002")


@pytest.mark.parametrize(
    "field, value",
    [
        ("merchant_reference", "R" * 41),
        ("amount", "12345678901"),
        ("customer_email", "a" * 250 + "@example.com"),
        ("order_description", "x" * 151),
    ],
)
def test_too_long_is_00032(client, field, value):
    assert_rejected(rejection(client, page_request(**{field: value})), "00032")


def test_length_checked_before_format(client):
    params = page_request(merchant_reference="/" * 41)
    assert_rejected(rejection(client, params), "00032")


def test_unknown_page_command_is_00004(client):
    assert_rejected(rejection(client, page_request(command="REFUND")), "00004")


def test_unsupported_service_command_is_00004(client):
    params = {
        "service_command": "CREATE_TOKEN",
        "access_code": page_request()["access_code"],
        "merchant_identifier": page_request()["merchant_identifier"],
        "merchant_reference": new_reference(),
        "language": "en",
        "return_url": RETURN_URL,
    }
    assert_rejected(rejection(client, params), "00004")


@pytest.mark.parametrize(
    "field, value",
    [
        ("card_number", "4005550000000001"),
        ("expiry_date", "3905"),
        ("card_security_code", "123"),
        ("card_holder_name", "Test Shopper"),
    ],
)
def test_card_fields_with_command_are_00027(client, field, value):
    form = rejection(client, page_request(**{field: value}))
    assert_rejected(form, "00027")
    assert "card_security_code" not in form.fields


def test_00027_echoes_masked_card_number(client):
    form = rejection(client, page_request(card_number="4005550000000001"))
    assert form.fields["card_number"] == "400555******0001"


def test_reused_reference_is_00066(client):
    reference = new_reference()
    first = post_page(client, page_request(merchant_reference=reference))
    assert b'name="card_number"' in first.data
    assert_rejected(rejection(client, page_request(merchant_reference=reference)), "00066")


def test_rejected_request_does_not_use_reference(client):
    reference = new_reference()
    assert_rejected(rejection(client, page_request(merchant_reference=reference, amount="0")), "00005")
    retry = post_page(client, page_request(merchant_reference=reference))
    assert b'name="card_number"' in retry.data


@pytest.mark.parametrize("amount", ["0", "000", "10.50", "1,000", "-5", "abc", "１２"])
def test_bad_amount_is_00005(client, amount):
    assert_rejected(rejection(client, page_request(amount=amount)), "00005")


def test_three_decimal_currency_takes_minor_units(client):
    response = post_page(client, page_request(amount="12345", currency="KWD"))
    assert "12.345 KWD" in response.get_data(as_text=True)


@pytest.mark.parametrize("currency", ["XXX", "ABC", "SRR"])
def test_unknown_currency_is_00013(client, currency):
    assert_rejected(rejection(client, page_request(currency=currency)), "00013")


@pytest.mark.parametrize(
    "fields",
    [
        {"payment_option": "MADA"},
        {"payment_option": "KNET", "currency": "KWD", "amount": "1000"},
        {"payment_option": "NAPS", "currency": "QAR"},
        {"payment_option": "BENEFIT", "currency": "BHD", "amount": "1000"},
        {"payment_option": "OMANNET", "currency": "OMR", "amount": "1000"},
        {"digital_wallet": "STCPAY"},
    ],
)
def test_authorization_with_purchase_only_option_is_00049(client, fields):
    form = rejection(client, page_request(command="AUTHORIZATION", **fields))
    assert_rejected(form, "00049")


def test_purchase_with_mada_option_shows_card_page(client):
    response = post_page(client, page_request(payment_option="MADA"))
    assert b'name="card_number"' in response.data


def test_wrong_merchant_identifier_is_00009(client):
    assert_rejected(rejection(client, page_request(merchant_identifier="OTHERmerchant")), "00009")


def test_wrong_access_code_is_00010(client):
    assert_rejected(rejection(client, page_request(access_code="WRONGaccessCode00001")), "00010")


def test_option_without_hosted_page_is_00003(client):
    form = rejection(client, page_request(payment_option="TABBY"))
    assert_rejected(form, "00003")


def test_missing_return_url_shows_error_page(client):
    response = post_page(client, page_request(return_url=None))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "00037" in body
    assert "Missing return URL" in body


def test_missing_return_url_uses_default(client):
    app = make_app(SIMULATOR_DEFAULT_RETURN_URL="http://127.0.0.1:5999/default-return")
    default_client = app.test_client()
    page = post_page(default_client, page_request(return_url=None))
    assert b'name="card_number"' in page.data
    form = rejection(default_client, page_request(return_url=None, amount="0"))
    assert form.url == "http://127.0.0.1:5999/default-return"
    assert_rejected(form, "00005")


def test_error_without_return_url_shows_code(client):
    response = post_page(client, page_request(return_url=None, amount="0"))
    assert response.status_code == 400
    assert "00005" in response.get_data(as_text=True)


def test_invalid_return_url_not_used(client):
    response = post_page(client, page_request(return_url="javascript:alert(1)"))
    assert response.status_code == 400
    assert "00002" in response.get_data(as_text=True)


def test_error_page_in_arabic(client):
    response = post_page(client, page_request(return_url=None, language="ar"))
    body = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in body
    assert "رابط العودة مفقود" in body


def test_rejection_goes_to_return_url(client):
    form = rejection(client, page_request(amount="0"))
    assert form.url == RETURN_URL


def test_rejection_echo_and_fields(client):
    params = page_request(amount="0", app_programming="python", order_description="Order 7")
    form = rejection(client, params)
    assert form.fields["merchant_reference"] == params["merchant_reference"]
    assert form.fields["order_description"] == "Order 7"
    assert form.fields["response_message"] == "Invalid amount"
    for absent in ("return_url", "app_programming", "fort_id"):
        assert absent not in form.fields


def test_rejection_message_in_arabic(client):
    form = rejection(client, page_request(amount="0", language="ar"))
    assert form.fields["response_message"] == "مبلغ غير صالح"


def test_rejection_message_english_for_bad_language(client):
    form = rejection(client, page_request(language="fr"))
    assert form.fields["response_message"] == "Invalid parameter format"


@pytest.mark.parametrize(
    "params, sign, code",
    [
        # Signature before everything: a missing field in a badly signed request is 00008.
        (page_request(amount=None, signature="00ff"), False, "00008"),
        # Missing field before format.
        (page_request(amount=None, language="fr"), True, "00001"),
        # Format before extra card fields.
        (page_request(language="fr", card_number="4005550000000001"), True, "00002"),
        # Extra card fields before amount.
        (page_request(amount="0", card_number="4005550000000001"), True, "00027"),
        # Amount before currency.
        (page_request(amount="0", currency="XXX"), True, "00005"),
        # Currency before purchase-only rule.
        (page_request(command="AUTHORIZATION", payment_option="MADA", currency="XXX"), True, "00013"),
        # Purchase-only rule before merchant identifier.
        (page_request(command="AUTHORIZATION", payment_option="MADA", merchant_identifier="OTHER"), True, "00049"),
        # Merchant identifier before access code.
        (page_request(merchant_identifier="OTHER", access_code="OTHER"), True, "00009"),
    ],
)
def test_validation_order(client, params, sign, code):
    assert_rejected(rejection(client, params, sign), code)
