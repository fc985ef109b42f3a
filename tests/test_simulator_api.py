"""paymentApi: signature checks, CHECK_STATUS and the command registry."""

from __future__ import annotations

import pytest

from shop.aps import APSClient, Credentials, endpoints_for, verify_signature
from shop.simulator import api
from simulator_helpers import (
    ACCESS_CODE,
    MERCHANT_IDENTIFIER,
    REQUEST_PHRASE,
    RESPONSE_PHRASE,
    ServedApp,
    api_call,
    card_form,
    check_status_request,
    make_app,
    new_reference,
    pay_with_card,
)


@pytest.fixture()
def client():
    app = make_app()
    yield app.test_client()


def assert_signed(answer):
    assert verify_signature(answer, RESPONSE_PHRASE)
    assert all(isinstance(value, str) for value in answer.values())


def test_check_status_after_purchase(client):
    form = pay_with_card(client, amount="15000", currency="SAR")
    reference = form.fields["merchant_reference"]
    answer = api_call(client, check_status_request(merchant_reference=reference))
    assert_signed(answer)
    assert answer["response_code"] == "12000"
    assert answer["status"] == "12"
    assert answer["response_message"] == "Success"
    assert answer["merchant_reference"] == reference
    assert answer["fort_id"] == form.fields["fort_id"]
    assert answer["transaction_status"] == "14"
    assert answer["transaction_code"] == "14000"
    assert answer["transaction_message"] == "Success"
    assert answer["authorized_amount"] == "15000"
    assert answer["captured_amount"] == "15000"
    assert answer["refunded_amount"] == "0"
    assert answer["authorization_code"] == form.fields["authorization_code"]
    assert answer["query_command"] == "CHECK_STATUS"


def test_check_status_after_authorization(client):
    form = pay_with_card(client, command="AUTHORIZATION", amount="700")
    answer = api_call(client, check_status_request(merchant_reference=form.fields["merchant_reference"]))
    assert answer["transaction_code"] == "02000"
    assert answer["authorized_amount"] == "700"
    assert answer["captured_amount"] == "0"


def test_check_status_after_decline(client):
    form = pay_with_card(client, card_form(number="4000000000006660"))
    answer = api_call(client, check_status_request(merchant_reference=form.fields["merchant_reference"], language="ar"))
    assert answer["transaction_code"] == "13666"
    assert answer["transaction_status"] == "13"
    assert answer["transaction_message"] == "تم رفض العملية"
    assert answer["response_message"] == "عملية ناجحة"
    assert answer["authorized_amount"] == "0"


def test_check_status_by_fort_id(client):
    form = pay_with_card(client)
    answer = api_call(client, check_status_request(fort_id=form.fields["fort_id"]))
    assert answer["response_code"] == "12000"
    assert answer["merchant_reference"] == form.fields["merchant_reference"]


def test_check_status_mismatched_ids_unknown(client):
    first = pay_with_card(client)
    second = pay_with_card(client)
    answer = api_call(client, check_status_request(
        merchant_reference=first.fields["merchant_reference"], fort_id=second.fields["fort_id"]))
    assert answer["response_code"] == "12036"


def test_check_status_unknown_reference(client):
    answer = api_call(client, check_status_request(merchant_reference=new_reference("NONE")))
    assert_signed(answer)
    assert answer["response_code"] == "12036"
    assert answer["status"] == "12"
    assert answer["response_message"] == "Order not found"
    assert "transaction_code" not in answer


def test_check_status_page_not_submitted_unknown(client):
    from simulator_helpers import open_card_page

    _, _, _, request = open_card_page(client)
    answer = api_call(client, check_status_request(merchant_reference=request["merchant_reference"]))
    assert answer["response_code"] == "12036"


def test_check_status_without_reference_is_00001(client):
    answer = api_call(client, check_status_request())
    assert answer["response_code"] == "00001"
    assert_signed(answer)


def test_wrong_signature_is_00008(client):
    params = check_status_request(merchant_reference="X-1", signature="0" * 64)
    answer = api_call(client, params, sign=False)
    assert answer["response_code"] == "00008"
    assert answer["status"] == "00"
    assert_signed(answer)


def test_missing_signature_is_00001(client):
    answer = api_call(client, check_status_request(merchant_reference="X-1"), sign=False)
    assert answer["response_code"] == "00001"


def test_unknown_command_is_00004(client):
    answer = api_call(client, {"command": "TELEPORT", "access_code": ACCESS_CODE,
                               "merchant_identifier": MERCHANT_IDENTIFIER, "language": "en"})
    assert answer["response_code"] == "00004"
    assert answer["response_message"] == "Invalid command"
    assert_signed(answer)


def test_no_command_is_00001(client):
    answer = api_call(client, {"access_code": ACCESS_CODE, "merchant_identifier": MERCHANT_IDENTIFIER, "language": "en"})
    assert answer["response_code"] == "00001"


def test_check_status_missing_language_is_00001(client):
    answer = api_call(client, check_status_request(merchant_reference="X-1", language=None))
    assert answer["response_code"] == "00001"


def test_check_status_wrong_merchant_is_00009(client):
    answer = api_call(client, check_status_request(merchant_reference="X-1", merchant_identifier="OTHER"))
    assert answer["response_code"] == "00009"


def test_check_status_wrong_access_code_is_00010(client):
    answer = api_call(client, check_status_request(merchant_reference="X-1", access_code="OTHER"))
    assert answer["response_code"] == "00010"


def test_check_status_bad_reference_format_is_00002(client):
    answer = api_call(client, check_status_request(merchant_reference="bad/ref"))
    assert answer["response_code"] == "00002"


def test_not_json_is_00073(client):
    response = client.post("/FortAPI/paymentApi", data="not json", content_type="application/json")
    answer = response.get_json()
    assert answer["response_code"] == "00073"
    assert_signed(answer)


def test_float_value_is_00073(client):
    answer = api_call(client, {**check_status_request(merchant_reference="X-1"), "amount": 10.5, "signature": "00"}, sign=False)
    assert answer["response_code"] == "00073"


def test_integer_amount_signed_as_digits(client):
    params = check_status_request(merchant_reference="X-1", amount=1000)
    answer = api_call(client, params)
    assert answer["response_code"] == "12036"
    assert answer["amount"] == "1000"


def test_registered_command_is_dispatched(client):
    calls = []

    @api.api_command("SIM_TEST_ECHO", mandatory=("command", "language"))
    def echo(params, state):
        calls.append(params["command"])
        return {"command": params["command"], "response_code": "00000", "status": "00"}

    try:
        answer = api_call(client, {"command": "SIM_TEST_ECHO", "access_code": ACCESS_CODE,
                                   "merchant_identifier": MERCHANT_IDENTIFIER, "language": "en"})
    finally:
        del api.COMMANDS["SIM_TEST_ECHO"]
    assert calls == ["SIM_TEST_ECHO"]
    assert answer["response_code"] == "00000"
    assert_signed(answer)


def test_shop_client_check_status_over_http():
    served = ServedApp(make_app())
    try:
        client = APSClient(
            Credentials(MERCHANT_IDENTIFIER, ACCESS_CODE, REQUEST_PHRASE, RESPONSE_PHRASE),
            endpoints_for("simulator", served.base_url),
        )
        answer, interpretation = client.check_status(new_reference("HTTP"))
    finally:
        served.close()
    assert answer["response_code"] == "12036"
    assert interpretation.outcome.value == "not_found"
