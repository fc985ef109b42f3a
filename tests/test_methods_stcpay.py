"""STC Pay: GENERATE_OTP and PURCHASE on the simulator's paymentApi, the shop's OTP pages, and the hosted page.

The paymentApi tests talk to the simulator app directly. The shop flows run
the shop and the simulator over real HTTP on 127.0.0.1 and follow the
forms the pages render, CSRF tokens included.
"""

from __future__ import annotations

import re

import pytest
import requests

from flow_helpers import find_form, parse_forms
from methods_helpers import MethodShopper, attempt_state, heading, receipt_fields, wait_for
from shop.aps import verify_signature
from shop.stcpay.phone import aps_phone_number, display_phone_number, national_number
from simulator_helpers import ACCESS_CODE, MERCHANT_IDENTIFIER, RESPONSE_PHRASE, api_call, make_app, new_reference

APPROVED_PHONE = "0500000001"


# Phone numbers


@pytest.mark.parametrize("typed", [
    "0512345678", "512345678", "+966512345678", "00966512345678", "966512345678",
    "05 1234 5678", "+966 (51) 234-5678", "٠٥١٢٣٤٥٦٧٨", "۰۵۱۲۳۴۵۶۷۸", "\u200f0512345678",
])
def test_saudi_mobile_formats_accepted(typed):
    assert national_number(typed) == "512345678"


@pytest.mark.parametrize("typed", ["", "0412345678", "05123456789", "051234567", "+971512345678", "+9660512345678",
                                   "05-1234-567x", "5123456780"])
def test_other_numbers_rejected(typed):
    assert national_number(typed) is None


def test_phone_sent_to_aps_and_shown():
    assert aps_phone_number("512345678") == "0512345678"
    assert display_phone_number("512345678") == "+966 51 234 5678"


# paymentApi


@pytest.fixture
def simulator():
    return make_app().test_client()


def generate_otp(client, reference, phone=APPROVED_PHONE, **fields):
    params = {
        "service_command": "GENERATE_OTP",
        "access_code": ACCESS_CODE,
        "merchant_identifier": MERCHANT_IDENTIFIER,
        "merchant_reference": reference,
        "language": "en",
        "digital_wallet": "STCPAY",
        "phone_number": phone,
        "amount": "4500",
        "currency": "SAR",
    }
    params.update(fields)
    return api_call(client, params)


def purchase(client, reference, otp="1234", phone=APPROVED_PHONE, **fields):
    params = {
        "command": "PURCHASE",
        "access_code": ACCESS_CODE,
        "merchant_identifier": MERCHANT_IDENTIFIER,
        "merchant_reference": reference,
        "language": "en",
        "digital_wallet": "STCPAY",
        "phone_number": phone,
        "otp": otp,
        "amount": "4500",
        "currency": "SAR",
        "customer_email": "sara@example.com",
    }
    params.update(fields)
    return api_call(client, params)


def test_api_otp_then_purchase(simulator):
    reference = new_reference("STC")
    otp_answer = generate_otp(simulator, reference)
    assert otp_answer["response_code"] == "88000"
    assert otp_answer["status"] == "88"
    assert verify_signature(otp_answer, RESPONSE_PHRASE)

    answer = purchase(simulator, reference)
    assert answer["response_code"] == "14000"
    assert answer["response_message"] == "Success"
    assert answer["digital_wallet"] == "STCPAY"
    assert answer["phone_number"] == APPROVED_PHONE
    assert answer["fort_id"]
    assert answer["authorization_code"]
    assert "otp" not in answer
    assert verify_signature(answer, RESPONSE_PHRASE)


def test_api_wrong_otp_is_13030(simulator):
    reference = new_reference("STC")
    generate_otp(simulator, reference)
    answer = purchase(simulator, reference, otp="9999")
    assert answer["response_code"] == "13030"
    assert answer["response_message"] == "Authentication failed"
    # The failed PURCHASE used up the reference.
    assert purchase(simulator, reference)["response_code"] == "00066"


@pytest.mark.parametrize("phone, code, message", [
    ("0500000746", "13746", "Purchase amount is over the customer's limit"),
    ("+966500000747", "13747", "Insufficient wallet balance"),
])
def test_api_wallet_refusals(simulator, phone, code, message):
    reference = new_reference("STC")
    assert generate_otp(simulator, reference, phone=phone)["response_code"] == "88000"
    answer = purchase(simulator, reference, phone=phone)
    assert answer["response_code"] == code
    assert answer["response_message"] == message


def test_api_second_otp_within_interval_is_89983(simulator):
    reference = new_reference("STC")
    assert generate_otp(simulator, reference)["response_code"] == "88000"
    again = generate_otp(simulator, reference)
    assert again["response_code"] == "89983"
    assert again["response_message"] == "Please wait at least 60 seconds between OTP requests"
    assert generate_otp(simulator, new_reference("STC"))["response_code"] == "88000"


def test_api_otp_interval_is_a_setting():
    client = make_app(SIMULATOR_OTP_INTERVAL_SECONDS=0).test_client()
    reference = new_reference("STC")
    assert generate_otp(client, reference)["response_code"] == "88000"
    assert generate_otp(client, reference)["response_code"] == "88000"


@pytest.mark.parametrize("change, code", [
    ({"phone_number": "0500000002"}, "00748"),
    ({"amount": "4600"}, "00748"),
])
def test_api_purchase_must_match_otp_request(simulator, change, code):
    reference = new_reference("STC")
    generate_otp(simulator, reference)
    assert purchase(simulator, reference, **change)["response_code"] == code


def test_api_purchase_without_otp_request_is_00748(simulator):
    assert purchase(simulator, new_reference("STC"))["response_code"] == "00748"


@pytest.mark.parametrize("fields, code", [
    ({"currency": "AED"}, "00013"),
    ({"digital_wallet": "APPLE_PAY"}, "00003"),
    ({"phone_number": "0412345678"}, "00002"),
    ({"amount": "0"}, "00005"),
])
def test_api_otp_request_checks(simulator, fields, code):
    assert generate_otp(simulator, new_reference("STC"), **fields)["response_code"] == code


def test_api_authorization_is_00049(simulator):
    reference = new_reference("STC")
    generate_otp(simulator, reference)
    assert purchase(simulator, reference, command="AUTHORIZATION")["response_code"] == "00049"


# The shop's OTP pages


def start_otp_flow(stack, phone=APPROVED_PHONE, language="en"):
    shopper = MethodShopper(stack.shop_url)
    phone_page = shopper.start_stcpay_otp(language=language)
    assert re.search(r"/stcpay/[^/]+/phone$", phone_page.url)
    otp_page = shopper.stcpay_phone(phone_page, phone)
    assert otp_page.url.endswith("/otp"), otp_page.text[:1500]
    reference = otp_page.url.split("/")[-2]
    return shopper, otp_page, reference


def flashes(page):
    return [" ".join(text.split()) for text in re.findall(r'class="flash[^"]*"[^>]*>([^<]*)<', page.text)]


def test_stcpay_otp_success(stack):
    shopper, otp_page, reference = start_otp_flow(stack, phone="٠٥٠٠٠٠٠٠٠١")
    assert "+966 50 000 0001" in otp_page.text

    receipt = shopper.stcpay_otp(otp_page, "١٢٣٤")
    assert "/receipt/" in receipt.url
    assert heading(receipt.text) == "Payment successful"
    fields = receipt_fields(receipt.text)
    assert fields["Payment method"] == "STC Pay"
    assert fields["STC Pay wallet"] == "••••••0001"

    assert wait_for(lambda: len(attempt_state(stack, reference)[1]) >= 3)
    attempt, events = attempt_state(stack, reference)
    assert (attempt.status, attempt.command, attempt.response_code) == ("paid", "PURCHASE", "14000")
    assert attempt.details["phone_number"] == "0500000001"
    assert attempt.details["digital_wallet"] == "STCPAY"
    by_code = [(event.transport, event.response_code, event.verdict) for event in events]
    assert by_code[0] == ("api-response", "88000", "ignored: GENERATE_OTP answer, not a payment result")
    assert ("api-response", "14000", "accepted") in by_code or ("feedback", "14000", "accepted") in by_code
    assert {verdict for transport, code, verdict in by_code if code == "14000"} == {"accepted", "duplicate"}


def test_stcpay_wrong_otp_declines(stack):
    shopper, otp_page, reference = start_otp_flow(stack)
    receipt = shopper.stcpay_otp(otp_page, "0000")

    assert heading(receipt.text) == "Payment declined"
    assert receipt_fields(receipt.text)["Provider message"] == "Authentication failed"
    attempt, _ = attempt_state(stack, reference)
    assert (attempt.status, attempt.response_code) == ("declined", "13030")


@pytest.mark.parametrize("phone, code, message", [
    ("0500000746", "13746", "Purchase amount is over the customer's limit"),
    ("0500000747", "13747", "Insufficient wallet balance"),
])
def test_stcpay_wallet_refusals_in_shop(stack, phone, code, message):
    shopper, otp_page, reference = start_otp_flow(stack, phone=phone)
    receipt = shopper.stcpay_otp(otp_page, "1234")

    assert heading(receipt.text) == "Payment declined"
    assert receipt_fields(receipt.text)["Provider message"] == message
    attempt, _ = attempt_state(stack, reference)
    assert (attempt.status, attempt.response_code) == ("declined", code)


def test_stcpay_invalid_phone_stays_on_page(stack):
    shopper = MethodShopper(stack.shop_url)
    phone_page = shopper.start_stcpay_otp()
    page = shopper.stcpay_phone(phone_page, "0412345678")

    assert page.url == phone_page.url
    assert "Enter a Saudi mobile number, such as 05XXXXXXXX or +966 5XXXXXXXX." in page.text
    reference = page.url.split("/")[-2]
    attempt, events = attempt_state(stack, reference)
    assert attempt.status == "created"
    assert events == []


def test_stcpay_resend_is_throttled_by_the_shop(stack):
    shopper, otp_page, reference = start_otp_flow(stack)
    assert re.search(r'id="resend-code" disabled', otp_page.text)
    assert re.search(r'data-wait-seconds="(60|59)"', otp_page.text)
    assert re.search(r"You can request a new code in (1:00|0:59)\.", otp_page.text)

    page = shopper.stcpay_resend(otp_page)
    assert page.url.endswith("/otp")
    assert any(re.fullmatch(r"You can request a new code in (1:00|0:5[0-9])\.", text) for text in flashes(page))
    _, events = attempt_state(stack, reference)
    assert [event.response_code for event in events] == ["88000"]


def test_simulator_983_reaches_the_shopper(stack_factory):
    stack = stack_factory(shop_overrides={"STCPAY_OTP_RESEND_SECONDS": 0})
    shopper, otp_page, reference = start_otp_flow(stack)
    assert "resend-wait" not in otp_page.text

    page = shopper.stcpay_resend(otp_page)
    assert "STC Pay did not send a code: Please wait at least 60 seconds between OTP requests" in flashes(page)
    _, events = attempt_state(stack, reference)
    assert [event.response_code for event in events] == ["88000", "89983"]
    # The attempt is still open: the first code still pays.
    receipt = shopper.stcpay_otp(page, "1234")
    assert heading(receipt.text) == "Payment successful"


def test_resend_after_the_interval(stack_factory):
    stack = stack_factory(shop_overrides={"STCPAY_OTP_RESEND_SECONDS": 0},
                          simulator_overrides={"SIMULATOR_OTP_INTERVAL_SECONDS": 0})
    shopper, otp_page, reference = start_otp_flow(stack)
    page = shopper.stcpay_resend(otp_page)

    assert "We sent a new code to +966 50 000 0001." in flashes(page)
    _, events = attempt_state(stack, reference)
    assert [event.response_code for event in events] == ["88000", "88000"]


def test_stcpay_otp_submitted_twice_pays_once(stack):
    shopper, otp_page, reference = start_otp_flow(stack)
    form = next(form for form in parse_forms(otp_page.text) if "otp" in form.fields)
    first = shopper.submit(form, otp_page.url, {"otp": "1234"})
    second = shopper.submit(form, otp_page.url, {"otp": "1234"})

    assert heading(first.text) == heading(second.text) == "Payment successful"
    assert wait_for(lambda: any(e.transport == "feedback" for e in attempt_state(stack, reference)[1]))
    _, events = attempt_state(stack, reference)
    assert [event.transport for event in events if event.response_code == "14000"].count("api-response") == 1


def test_stcpay_pages_belong_to_the_ordering_browser(stack):
    _, otp_page, reference = start_otp_flow(stack)
    stranger = requests.get(otp_page.url, timeout=10)
    assert stranger.status_code == 404
    assert requests.get(f"{stack.shop_url}/stcpay/{reference}/phone", timeout=10).status_code == 404


def test_stcpay_forms_need_the_csrf_token(stack):
    shopper, otp_page, _ = start_otp_flow(stack)
    response = shopper.session.post(otp_page.url, data={"otp": "1234"}, timeout=10)
    assert response.status_code == 400


def test_stcpay_offered_only_for_sar(stack):
    shopper = MethodShopper(stack.shop_url)
    shopper.add_to_cart("OUD-AE")
    offered = re.findall(r'name="payment_method" value="([a-z_]+)"', shopper.get("/checkout/").text)
    assert "stcpay" not in offered


# STC Pay on the simulator's hosted page (STCPAY_FLOW=hosted)


@pytest.fixture
def hosted_stack(stack_factory):
    return stack_factory(shop_overrides={"STCPAY_FLOW": "hosted"})


def hosted_first_page(stack):
    shopper = MethodShopper(stack.shop_url)
    first = shopper.start_hosted("stcpay")
    assert shopper.handover_fields["digital_wallet"] == "STCPAY"
    assert shopper.handover_fields["command"] == "PURCHASE"
    assert "payment_option" not in shopper.handover_fields
    return shopper, first


def test_hosted_stcpay_success(hosted_stack):
    shopper, first = hosted_first_page(hosted_stack)
    page = shopper.run_steps(first, [("phone", {"mobile_number": "+966 50 000 0001"}), ("otp", {"otp": "1234"})])
    result = shopper.return_form(page)
    assert result.fields["phone_number"] == "0500000001"
    receipt = shopper.follow_return(page)

    assert heading(receipt.text) == "Payment successful"
    attempt, _ = attempt_state(hosted_stack, shopper.merchant_reference)
    assert attempt.details["phone_number"] == "0500000001"


def test_hosted_stcpay_declined(hosted_stack):
    shopper, first = hosted_first_page(hosted_stack)
    page = shopper.run_steps(first, [("phone", {"mobile_number": "0500000747"}), ("otp", {"otp": "1234"})])
    receipt = shopper.follow_return(page)

    assert heading(receipt.text) == "Payment declined"
    attempt, _ = attempt_state(hosted_stack, shopper.merchant_reference)
    assert attempt.response_code == "13747"


def test_hosted_stcpay_wrong_otp_then_cancel(hosted_stack):
    shopper, first = hosted_first_page(hosted_stack)
    page = shopper.run_steps(first, [("phone", {"mobile_number": "0500000001"})])
    page = shopper.local_step(page, {"otp": "0000"})
    assert "Wrong code. Try again." in page.text
    receipt = shopper.follow_return(shopper.local_step(page, cancel=True))

    assert heading(receipt.text) == "Payment cancelled"
    attempt, _ = attempt_state(hosted_stack, shopper.merchant_reference)
    assert attempt.response_code == "00072"


def test_hosted_stcpay_rejects_non_saudi_number(hosted_stack):
    shopper, first = hosted_first_page(hosted_stack)
    page = shopper.local_step(first, {"mobile_number": "+971501234567"})
    assert "Enter a Saudi mobile number, such as 05XXXXXXXX." in page.text
    assert find_form(page.text, r"/phone$")
