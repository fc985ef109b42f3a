"""Installments: GET_INSTALLMENTS_PLANS, plan checks on PURCHASE and the plan picker of the card pages."""

from __future__ import annotations

import json

import pytest

from shop.aps import APSClient, Credentials, compute_signature, endpoints_for, verify_signature
from shop.aps.signature import TOKENIZATION_UNSIGNED_FIELDS
from shop.simulator.state import get_state
from simulator_helpers import (
    ACCESS_CODE,
    MERCHANT_IDENTIFIER,
    REQUEST_PHRASE,
    RESPONSE_PHRASE,
    ServedApp,
    api_call,
    card_form,
    make_app,
    open_card_page,
    parse_return_form,
    sign_request,
)
from simulator_mp_helpers import AMEX, VISA, VISA_3DS, new_token, pay, query_fields, tokenization_request

PLAN_DETAIL_KEYS = {
    "plan_code", "currency_code", "number_of_installment", "fees_type", "fees_amount", "processing_fees_type",
    "processing_fees_amount", "rate_type", "plan_merchant_type", "plan_type", "fee_display_value",
    "minimum_amount", "maximum_amount", "amountPerMonth",
}
ISSUER_DETAIL_KEYS = {
    "issuer_code", "issuer_name_en", "issuer_name_ar", "terms_and_condition_en", "terms_and_condition_ar",
    "country_code", "banking_system", "formula", "plan_details", "bins", "confirmation_message_en",
    "confirmation_message_ar", "disclaimer_message_en", "disclaimer_message_ar", "processing_fees_message_en",
    "processing_fees_message_ar",
}


@pytest.fixture()
def client():
    app = make_app()
    yield app.test_client()
    get_state(app).close()


def plans_request(**fields):
    params = {
        "query_command": "GET_INSTALLMENTS_PLANS",
        "access_code": ACCESS_CODE,
        "merchant_identifier": MERCHANT_IDENTIFIER,
        "amount": "150000",
        "currency": "SAR",
        "language": "en",
    }
    params.update(fields)
    return {name: value for name, value in params.items() if value is not None}


def issuers_of(answer):
    return {issuer["issuer_code"]: issuer for issuer in answer["installment_detail"]["issuer_detail"]}


# GET_INSTALLMENTS_PLANS


def test_plans_response(client):
    answer = api_call(client, plans_request())
    assert answer["response_code"] == "62000"
    assert answer["status"] == "62"
    assert answer["query_command"] == "GET_INSTALLMENTS_PLANS"
    assert answer["amount"] == "150000"
    issuers = issuers_of(answer)
    assert set(issuers) == {"SIMBANK1", "SIMISLM1", "SIMCARD1"}
    for issuer in issuers.values():
        assert set(issuer) == ISSUER_DETAIL_KEYS
        assert issuer["terms_and_condition_en"].endswith(f"/sim/installments/{issuer['issuer_code']}/terms?language=en")
        for plan in issuer["plan_details"]:
            assert set(plan) == PLAN_DETAIL_KEYS
            assert plan["currency_code"] == "SAR"
    assert issuers["SIMISLM1"]["banking_system"] == "Islamic"
    assert {"bin": "400555", "currency_code": "SAR", "card_brand_code": "VISA"} in issuers["SIMBANK1"]["bins"]


def test_plans_signature_leaves_out_installment_detail(client):
    answer = api_call(client, plans_request())
    assert verify_signature(answer, RESPONSE_PHRASE, exclude=("installment_detail",))
    signed_part = {name: value for name, value in answer.items() if name not in ("signature", "installment_detail")}
    assert compute_signature(signed_part, RESPONSE_PHRASE) == answer["signature"]
    changed = {**answer, "installment_detail": {"issuer_detail": []}}
    assert verify_signature(changed, RESPONSE_PHRASE, exclude=("installment_detail",))
    unsigned = {name: value for name, value in answer.items() if not isinstance(value, dict)}
    assert all(isinstance(value, str) for value in unsigned.values())


def test_plans_only_those_fitting_amount(client):
    issuers = issuers_of(api_call(client, plans_request(amount="150000")))
    plans = {plan["plan_code"]: plan for plan in issuers["SIMBANK1"]["plan_details"]}
    assert set(plans) == {"SB1M03", "SB1M06"}
    six = plans["SB1M06"]
    assert six["number_of_installment"] == 6
    assert six["fees_type"] == "Percentage"
    assert six["fees_amount"] == 250
    assert six["fee_display_value"] == 250
    assert six["minimum_amount"] == 100000
    assert six["maximum_amount"] == 5000000
    assert six["amountPerMonth"] == 256.25
    fixed = issuers["SIMISLM1"]["plan_details"][0]
    assert fixed["fees_type"] == "Fixed"
    assert fixed["fees_amount"] == 5000
    assert fixed["amountPerMonth"] == 258.33


def test_plans_three_decimal_currency(client):
    issuers = issuers_of(api_call(client, plans_request(amount="1500000", currency="KWD")))
    plan = issuers["SIMBANK1"]["plan_details"][0]
    assert plan["minimum_amount"] == 500000
    assert plan["currency_code"] == "KWD"


def test_plans_for_one_issuer(client):
    answer = api_call(client, plans_request(issuer_code="SIMCARD1"))
    assert answer["issuer_code"] == "SIMCARD1"
    assert list(issuers_of(answer)) == ["SIMCARD1"]


def test_plans_unknown_issuer_is_00092(client):
    answer = api_call(client, plans_request(issuer_code="NOBANK"))
    assert answer["response_code"] == "00092"
    assert "installment_detail" not in answer
    assert verify_signature(answer, RESPONSE_PHRASE)


@pytest.mark.parametrize("field", ["amount", "currency"])
def test_plans_missing_amount_or_currency_is_00001(client, field):
    assert api_call(client, plans_request(**{field: None}))["response_code"] == "00001"


def test_plans_arabic_message(client):
    assert api_call(client, plans_request(language="ar"))["response_message"] == "عملية ناجحة"


def test_plans_through_shop_client():
    served = ServedApp(make_app())
    try:
        credentials = Credentials(MERCHANT_IDENTIFIER, ACCESS_CODE, REQUEST_PHRASE, RESPONSE_PHRASE)
        client = APSClient(credentials, endpoints_for("simulator", served.base_url))
        answer = client.call({"query_command": "GET_INSTALLMENTS_PLANS", "amount": "150000", "currency": "SAR", "language": "en"})
    finally:
        served.close()
    assert answer["response_code"] == "62000"
    assert json.dumps(answer["installment_detail"])


# PURCHASE with a plan


@pytest.mark.parametrize("installments", ["YES", "HOSTED"])
def test_purchase_with_plan(client, installments):
    answer = pay(client, new_token(client), amount="150000", installments=installments,
                 plan_code="SB1M06", issuer_code="SIMBANK1")
    assert answer["response_code"] == "14000"
    assert answer["installments"] == installments
    assert answer["plan_code"] == "SB1M06"
    assert answer["issuer_code"] == "SIMBANK1"
    assert answer["number_of_installments"] == "6"
    assert verify_signature(answer, RESPONSE_PHRASE)


@pytest.mark.parametrize(
    "plan_code, issuer_code, number, amount, code",
    [
        ("NOPLAN", "SIMBANK1", VISA, "150000", "00094"),
        ("SB1M06", "NOBANK", VISA, "150000", "00092"),
        ("SI1M06", "SIMBANK1", VISA, "150000", "00094"),
        ("SB1M12", "SIMBANK1", VISA, "150000", "00084"),
        ("SB1M03", "SIMBANK1", VISA, "10000", "00084"),
        ("SC1M03", "SIMCARD1", VISA, "150000", "00087"),
    ],
)
def test_purchase_plan_checks(client, plan_code, issuer_code, number, amount, code):
    token_name = new_token(client, number=number)
    answer = pay(client, token_name, amount=amount, installments="YES", plan_code=plan_code, issuer_code=issuer_code)
    assert answer["response_code"] == code
    assert answer["status"] == "00"
    assert verify_signature(answer, RESPONSE_PHRASE)


def test_purchase_plan_missing_code_is_00001(client):
    answer = pay(client, new_token(client), amount="150000", installments="YES", plan_code="SB1M06")
    assert answer["response_code"] == "00001"


def test_amex_plan(client):
    token_name = new_token(client, number=AMEX, cvv="1234")
    answer = pay(client, token_name, amount="150000", installments="HOSTED", plan_code="SC1M03",
                 issuer_code="SIMCARD1", card_security_code="1234")
    assert answer["number_of_installments"] == "3"


# Hosted page with installments=STANDALONE


def test_hosted_page_lists_plans(client):
    response, _, _, _ = open_card_page(client, installments="STANDALONE", amount="150000")
    body = response.get_data(as_text=True)
    assert "Pay in installments" in body
    assert 'value="SIMBANK1:SB1M06"' in body
    assert 'value="SIMISLM1:SI1M06"' in body
    assert 'value="SIMBANK1:SB1M12"' not in body
    assert "6 monthly payments of" in body


def test_hosted_page_lists_plans_in_arabic(client):
    response, _, _, _ = open_card_page(client, installments="STANDALONE", amount="150000", language="ar")
    body = response.get_data(as_text=True)
    assert "الدفع بالتقسيط" in body
    assert "بنك المحاكي الإسلامي" in body
    assert "فائدة 2.5%" in body
    assert "رسوم" in body


def test_hosted_page_without_standalone_has_no_picker(client):
    response, _, _, _ = open_card_page(client, amount="150000")
    assert 'name="plan"' not in response.get_data(as_text=True)


def test_hosted_plan_in_result(client):
    _, pay_url, _, _ = open_card_page(client, installments="STANDALONE", amount="150000")
    form = parse_return_form(client.post(pay_url, data={**card_form(), "plan": "SIMBANK1:SB1M06"}).data)
    assert form.fields["response_code"] == "14000"
    assert form.fields["installments"] == "STANDALONE"
    assert form.fields["number_of_installments"] == "6"
    assert form.fields["plan_code"] == "SB1M06"
    assert form.fields["issuer_code"] == "SIMBANK1"
    assert verify_signature(form.fields, RESPONSE_PHRASE)


def test_hosted_full_payment_has_no_plan(client):
    _, pay_url, _, _ = open_card_page(client, installments="STANDALONE", amount="150000")
    form = parse_return_form(client.post(pay_url, data={**card_form(), "plan": ""}).data)
    assert form.fields["response_code"] == "14000"
    assert "number_of_installments" not in form.fields


def test_hosted_plan_of_other_issuer_shows_error(client):
    _, pay_url, _, _ = open_card_page(client, installments="STANDALONE", amount="150000")
    response = client.post(pay_url, data={**card_form(), "plan": "SIMISLM1:SI1M06"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This card is not issued by Simulator Islamic Bank." in body
    assert 'value="SIMISLM1:SI1M06" checked' in body


def test_hosted_plan_after_3ds(client):
    _, pay_url, _, _ = open_card_page(client, installments="STANDALONE", amount="150000")
    response = client.post(pay_url, data={**card_form(number=VISA_3DS), "plan": "SIMISLM1:SI1M06"})
    assert response.status_code == 303
    form = parse_return_form(client.post(response.headers["Location"], data={"outcome": "authenticate"}).data)
    assert form.fields["response_code"] == "14000"
    assert form.fields["number_of_installments"] == "6"
    assert form.fields["issuer_code"] == "SIMISLM1"


# Merchant-page tokenization with installments=STANDALONE


def test_card_page_tokenization_with_plan(client):
    request = tokenization_request(card_number=None, expiry_date=None, card_security_code=None, card_holder_name=None,
                                   installments="STANDALONE", amount="150000", currency="SAR")
    body = client.post("/FortAPI/paymentPage", data=sign_request(request)).get_data(as_text=True)
    assert 'value="SIMBANK1:SB1M03"' in body
    submit = body.split('action="', 1)[1].split('"', 1)[0]
    response = client.post(submit, data={**card_form(), "plan": "SIMBANK1:SB1M03"})
    result = query_fields(response.headers["Location"])
    assert result["response_code"] == "18000"
    assert result["plan_code"] == "SB1M03"
    assert result["issuer_code"] == "SIMBANK1"
    assert result["number_of_installments"] == "3"
    assert result["amount"] == "150000"
    assert verify_signature(result, RESPONSE_PHRASE)


def post_custom_form(client, **plan_fields):
    """Post a Merchant Page 2.0 STANDALONE form whose plan fields the browser added after signing."""
    params = tokenization_request(installments="STANDALONE", amount="150000", currency="SAR")
    signed = {name: value for name, value in params.items() if name not in TOKENIZATION_UNSIGNED_FIELDS}
    signed["signature"] = compute_signature(signed, REQUEST_PHRASE)
    posted = {**params, "signature": signed["signature"], **plan_fields}
    response = client.post("/FortAPI/paymentPage", data=posted)
    return query_fields(response.headers["Location"])


def test_custom_form_with_plan(client):
    result = post_custom_form(client, plan_code="SB1M06", issuer_code="SIMBANK1")
    assert result["response_code"] == "18000"
    assert result["number_of_installments"] == "6"
    assert verify_signature(result, RESPONSE_PHRASE)


def test_custom_form_foreign_plan_is_00087(client):
    assert post_custom_form(client, plan_code="SI1M06", issuer_code="SIMISLM1")["response_code"] == "00087"


def test_terms_page(client):
    response = client.get("/sim/installments/SIMISLM1/terms?language=ar")
    assert response.status_code == 200
    assert "بنك المحاكي الإسلامي" in response.get_data(as_text=True)
    assert client.get("/sim/installments/NOBANK/terms").status_code == 404
