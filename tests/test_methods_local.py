"""KNET, NAPS, BENEFIT and OmanNet end to end: shop and simulator over real HTTP on 127.0.0.1.

Each scheme pays, declines and cancels on the simulator's pages and ends on
the shop's receipt with the scheme's reference fields. The currency rules
are checked on both sides: the shop never offers a scheme outside its
currency and rejects a crafted request for it, and the simulator responds
with APS error codes.
"""

from __future__ import annotations

import html
import re

import pytest
import requests
from sqlalchemy import func, select

from flow_helpers import find_form
from methods_helpers import (
    APPROVE_STEPS,
    MethodShopper,
    attempt_state,
    decline_steps,
    heading,
    receipt_fields,
)
from shop.aps import verify_signature
from shop.extensions import db
from shop.models import PaymentAttempt
from simulator_helpers import page_request, parse_return_form, sign_request

LOCAL_METHODS = ("knet", "naps", "benefit", "omannet")
LABELS = {"knet": "KNET", "naps": "NAPS", "benefit": "BENEFIT", "omannet": "OmanNet"}
PAYMENT_OPTIONS = {"knet": "KNET", "naps": "NAPS", "benefit": "BENEFIT", "omannet": "OMANNET"}


def pay(stack, method, steps, language="en"):
    shopper = MethodShopper(stack.shop_url)
    first = shopper.start_hosted(method, language=language)
    assert first.url == stack.simulator_url + "/FortAPI/paymentPage"
    last = shopper.run_steps(first, steps)
    receipt = shopper.follow_return(last)
    assert receipt.status_code == 200
    assert "/receipt/" in receipt.url
    return shopper, receipt


@pytest.mark.parametrize("method", LOCAL_METHODS)
def test_local_method_approved(stack, method):
    shopper, receipt = pay(stack, method, APPROVE_STEPS[method])

    assert heading(receipt.text) == "Payment successful"
    fields = receipt_fields(receipt.text)
    assert fields["Payment method"] == LABELS[method]
    number = fields[f"{LABELS[method]} transaction number"]
    assert re.fullmatch(r"[0-9]{16}", number)
    assert shopper.handover_fields["payment_option"] == PAYMENT_OPTIONS[method]
    assert shopper.handover_fields["command"] == "PURCHASE"

    attempt, _ = attempt_state(stack, shopper.merchant_reference)
    assert attempt.status == "paid"
    assert attempt.response_code == "14000"
    assert attempt.payment_option == PAYMENT_OPTIONS[method]
    assert attempt.details["third_party_transaction_number"] == number


@pytest.mark.parametrize("method", LOCAL_METHODS)
def test_local_method_declined(stack, method):
    shopper, receipt = pay(stack, method, decline_steps(method))

    assert heading(receipt.text) == "Payment declined"
    fields = receipt_fields(receipt.text)
    assert fields["Provider message"] == "Transaction declined"
    assert re.fullmatch(r"[0-9]{16}", fields[f"{LABELS[method]} transaction number"])
    attempt, _ = attempt_state(stack, shopper.merchant_reference)
    assert (attempt.status, attempt.response_code) == ("declined", "13666")


@pytest.mark.parametrize("method", LOCAL_METHODS)
def test_local_method_cancelled_on_first_page(stack, method):
    shopper = MethodShopper(stack.shop_url)
    first = shopper.start_hosted(method)
    result = shopper.local_step(first, cancel=True)
    receipt = shopper.follow_return(result)

    assert heading(receipt.text) == "Payment cancelled"
    attempt, _ = attempt_state(stack, shopper.merchant_reference)
    assert (attempt.status, attempt.response_code) == ("cancelled", "00072")


@pytest.mark.parametrize("method", ["knet", "omannet"])
def test_local_method_cancelled_on_last_page(stack, method):
    shopper = MethodShopper(stack.shop_url)
    page = shopper.run_steps(shopper.start_hosted(method), APPROVE_STEPS[method][:-1])
    assert shopper.local_form(page).action.endswith("/confirm")
    receipt = shopper.follow_return(shopper.local_step(page, cancel=True))

    assert heading(receipt.text) == "Payment cancelled"


def test_knet_wrong_pin_stays_on_page(stack):
    shopper = MethodShopper(stack.shop_url)
    first = shopper.start_hosted("knet")
    page = shopper.local_step(first, {"card_number": "0000000001", "expiry": "12/39", "pin": "9999"})

    assert page.url == first.url or page.url.endswith("/card")
    assert "Wrong PIN. Try again." in page.text
    assert shopper.local_form(page).action.endswith("/card")
    assert 'value="0000000001"' in page.text
    assert 'value="9999"' not in page.text


def test_naps_wrong_otp_then_right_one(stack):
    shopper = MethodShopper(stack.shop_url)
    page = shopper.run_steps(shopper.start_hosted("naps"), APPROVE_STEPS["naps"][:1])
    page = shopper.local_step(page, {"otp": "0000"})
    assert "Wrong code. Try again." in page.text

    page = shopper.run_steps(page, APPROVE_STEPS["naps"][1:])
    receipt = shopper.follow_return(page)
    assert heading(receipt.text) == "Payment successful"


def test_unknown_card_is_refused_with_hint(stack):
    shopper = MethodShopper(stack.shop_url)
    page = shopper.local_step(shopper.start_hosted("benefit"), {"card_number": "4005550000000001", "expiry": "12/39", "pin": "1234"})
    assert "Use a BENEFIT test card from the simulator's home page." in html.unescape(page.text)


def test_knet_receipt_in_english(stack):
    shopper, receipt = pay(stack, "knet", APPROVE_STEPS["knet"])
    fields = receipt_fields(receipt.text)

    assert fields["KNET result"] == "Captured"
    assert re.fullmatch(r"[0-9]{12}", fields["KNET reference number"])
    assert re.fullmatch(r"[0-9]{16}", fields["KNET transaction number"])
    assert fields["KNET amount"] == "KWD 12.345"
    assert re.search(r"20[0-9]{2}", fields["KNET transaction date"])
    attempt, _ = attempt_state(stack, shopper.merchant_reference)
    assert fields["KNET reference number"] == attempt.details["knet_ref_number"]
    assert fields["KNET transaction number"] == attempt.details["third_party_transaction_number"]
    assert re.fullmatch(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}, [0-9]{2}:[0-9]{2}:[0-9]{2}", attempt.details["transaction_date"])


def translated(stack, msgid, language="ar"):
    """Return ``msgid`` as the shop's catalogue renders it in ``language`` (English until a translation exists)."""
    from flask_babel import force_locale, gettext

    with stack.shop_app.test_request_context(), force_locale(language):
        return gettext(msgid)


def test_knet_declined_receipt_in_arabic(stack):
    shopper, receipt = pay(stack, "knet", decline_steps("knet"), language="ar")
    fields = receipt_fields(receipt.text)

    assert '<html lang="ar" dir="rtl">' in receipt.text
    assert heading(receipt.text) == translated(stack, "Payment declined")
    attempt, _ = attempt_state(stack, shopper.merchant_reference)
    assert (attempt.status, attempt.language) == ("declined", "ar")
    # The simulator's Arabic response_message for 13666.
    assert fields[translated(stack, "Provider message")] == "تم رفض العملية"
    assert fields[translated(stack, "KNET result")] == translated(stack, "Not captured")
    assert fields[translated(stack, "KNET reference number")] == attempt.details["knet_ref_number"]
    assert fields[translated(stack, "KNET transaction number")] == attempt.details["third_party_transaction_number"]
    assert "12.345" in fields[translated(stack, "KNET amount")]
    assert fields[translated(stack, "KNET transaction date")]


# Currency rules


def test_knet_not_offered_for_sar_cart(stack):
    shopper = MethodShopper(stack.shop_url)
    shopper.add_to_cart("DATES-SA")
    page = shopper.get("/checkout/")
    offered = re.findall(r'name="payment_method" value="([a-z_]+)"', page.text)

    assert "knet" not in offered
    assert {"mada", "card", "stcpay"} <= set(offered)
    assert not {"naps", "benefit", "omannet"} & set(offered)


@pytest.mark.parametrize("sku, method", [("BUKHOOR-KW", "knet"), ("PEARL-QA", "naps"), ("HALWA-BH", "benefit"),
                                          ("FRANK-OM", "omannet")])
def test_each_scheme_offered_in_its_currency_only(stack, sku, method):
    shopper = MethodShopper(stack.shop_url)
    shopper.add_to_cart(sku)
    offered = re.findall(r'name="payment_method" value="([a-z_]+)"', shopper.get("/checkout/").text)
    local = {"knet", "naps", "benefit", "omannet", "mada", "stcpay"} & set(offered)
    assert local == {method}
    # The card method stays first, so it is the one selected by default.
    assert offered[0] == "card"


def test_crafted_knet_request_for_sar_cart_is_refused(stack):
    shopper = MethodShopper(stack.shop_url)
    shopper.add_to_cart("DATES-SA")
    page = shopper.get("/checkout/")
    form = find_form(page.text, r"^$|/checkout/?$")
    response = shopper.submit(form, page.url, {"customer_email": "sara@example.com", "payment_method": "knet"})

    assert response.status_code == 200
    assert response.url.endswith("/checkout/")
    assert "KNET is available only for payments in KWD. Choose one of the payment methods listed." in response.text
    with stack.shop_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PaymentAttempt)) == 0


def post_page_request(stack, **fields):
    request = sign_request(page_request(return_url=stack.shop_url + "/aps/return", **fields))
    response = requests.post(stack.simulator_url + "/FortAPI/paymentPage", data=request, timeout=10)
    assert response.status_code == 200, response.text[:800]
    return request, parse_return_form(response.text)


@pytest.mark.parametrize("option, currency", [("KNET", "SAR"), ("KNET", "KWD"), ("NAPS", "SAR"), ("BENEFIT", "KWD"),
                                              ("OMANNET", "BHD")])
def test_simulator_rejects_foreign_currency_with_00013(stack, option, currency):
    right = {"KNET": "KWD", "NAPS": "QAR", "BENEFIT": "BHD", "OMANNET": "OMR"}[option]
    if currency == right:
        currency = "SAR"
    _, result = post_page_request(stack, payment_option=option, currency=currency)
    assert result.fields["response_code"] == "00013"
    assert result.fields["status"] == "00"
    assert result.fields["response_message"] == "Invalid currency"


@pytest.mark.parametrize("fields", [
    {"payment_option": "KNET", "currency": "KWD", "amount": "1500"},
    {"payment_option": "NAPS", "currency": "QAR"},
    {"payment_option": "BENEFIT", "currency": "BHD", "amount": "4750"},
    {"payment_option": "OMANNET", "currency": "OMR", "amount": "1005"},
    {"payment_option": "MADA", "currency": "SAR"},
    {"digital_wallet": "STCPAY", "currency": "SAR"},
], ids=["KNET", "NAPS", "BENEFIT", "OMANNET", "MADA", "STCPAY"])
def test_simulator_rejects_authorization_with_00049(stack, fields):
    _, result = post_page_request(stack, command="AUTHORIZATION", **fields)
    assert result.fields["response_code"] == "00049"


def test_shop_in_authorization_mode_sends_knet_as_purchase(stack_factory):
    stack = stack_factory(shop_overrides={"APS_COMMAND": "AUTHORIZATION"})
    shopper, receipt = pay(stack, "knet", APPROVE_STEPS["knet"])

    assert shopper.handover_fields["command"] == "PURCHASE"
    assert heading(receipt.text) == "Payment successful"
    attempt, _ = attempt_state(stack, shopper.merchant_reference)
    assert (attempt.command, attempt.status) == ("PURCHASE", "paid")


def test_knet_result_is_signed_and_carries_knet_fields(stack):
    shopper = MethodShopper(stack.shop_url)
    page = shopper.run_steps(shopper.start_hosted("knet"), decline_steps("knet"))
    result = shopper.return_form(page)

    assert verify_signature(result.fields, "sim-response-phrase")
    assert result.fields["response_code"] == "13666"
    assert result.fields["payment_option"] == "KNET"
    assert set(result.fields) >= {"knet_ref_number", "third_party_transaction_number", "transaction_date"}
