"""Hosted card checkout end to end: shop and simulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import select

from shop.aps import compute_signature
from shop.extensions import db
from shop.models import PaymentAttempt, PaymentEvent

from flow_helpers import Shopper, find_form

RESPONSE_PHRASE = "sim-response-phrase"


def attempt_for(stack, reference):
    with stack.shop_app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == reference))
        events = db.session.scalars(select(PaymentEvent).where(PaymentEvent.merchant_reference == reference)
                                    .order_by(PaymentEvent.id)).all()
        return attempt.status, attempt.order.status, [(e.transport, e.verdict) for e in events]


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def receipt_heading(response: requests.Response) -> str:
    import re

    match = re.search(r"<h1>\s*(.*?)\s*</h1>", response.text, re.S)
    return match.group(1) if match else ""


def start(stack, sku="BUKHOOR-KW", email="sara@example.com"):
    shopper = Shopper(stack.shop_url)
    shopper.add_to_cart(sku)
    card_page = shopper.checkout(email=email)
    assert card_page.url.startswith(stack.simulator_url)
    return shopper, card_page


def test_frictionless_success(stack):
    shopper, card_page = start(stack)
    result = shopper.pay_on_card_page(card_page, "4005550000000001")
    receipt = shopper.follow_return(result)
    assert receipt.status_code == 200
    assert "/receipt/" in receipt.url
    assert receipt_heading(receipt) == "Payment successful"
    assert shopper.merchant_reference in receipt.text
    assert "12.345" in receipt.text
    assert wait_for(lambda: len(attempt_for(stack, shopper.merchant_reference)[2]) == 2)
    status, order_status, events = attempt_for(stack, shopper.merchant_reference)
    assert (status, order_status) == ("paid", "paid")
    assert sorted(events) == [("feedback", "accepted"), ("return-post", "duplicate")] or \
        sorted(events) == [("feedback", "duplicate"), ("return-post", "accepted")]


def test_handover_request_fields(stack):
    shopper, _ = start(stack, email="Noura.Q+shop@example.com")
    fields = shopper.handover_fields
    assert fields["command"] == "PURCHASE"
    assert fields["amount"] == "12345"
    assert fields["currency"] == "KWD"
    assert fields["customer_email"] == "Noura.Q+shop@example.com"
    assert fields["return_url"] == stack.shop_url + "/aps/return"
    assert fields["language"] == "en"
    assert len(fields["merchant_reference"]) <= 40


def test_customer_email_comes_from_shopper(stack):
    first, _ = start(stack, email="first@example.com")
    second, _ = start(stack, email="second@example.com")
    assert first.handover_fields["customer_email"] == "first@example.com"
    assert second.handover_fields["customer_email"] == "second@example.com"


def test_three_ds_approve(stack):
    shopper, card_page = start(stack)
    challenge = shopper.pay_on_card_page(card_page, "4557012345678902")
    assert challenge.url.startswith(stack.simulator_url)
    receipt = shopper.follow_return(shopper.choose_3ds(challenge, "authenticate"))
    assert receipt_heading(receipt) == "Payment successful"
    assert attempt_for(stack, shopper.merchant_reference)[0] == "paid"


def test_three_ds_fail(stack):
    shopper, card_page = start(stack)
    challenge = shopper.pay_on_card_page(card_page, "5313581000123430")
    receipt = shopper.follow_return(shopper.choose_3ds(challenge, "fail"))
    assert receipt_heading(receipt) == "Payment declined"
    assert attempt_for(stack, shopper.merchant_reference)[:2] == ("declined", "declined")


def test_three_ds_cancel(stack):
    shopper, card_page = start(stack)
    challenge = shopper.pay_on_card_page(card_page, "4557012345678902")
    receipt = shopper.follow_return(shopper.choose_3ds(challenge, "cancel"))
    assert receipt_heading(receipt) == "Payment cancelled"


def test_decline_then_retry_succeeds(stack):
    shopper, card_page = start(stack)
    declined = shopper.follow_return(shopper.pay_on_card_page(card_page, "4000000000006660"))
    assert receipt_heading(declined) == "Payment declined"
    first_reference = shopper.merchant_reference
    assert attempt_for(stack, first_reference)[:2] == ("declined", "declined")

    retry_page = shopper.submit(find_form(declined.text, r"/checkout/retry/"), declined.url)
    handover = find_form(retry_page.text, r"/FortAPI/paymentPage$")
    assert handover.fields["merchant_reference"] != first_reference
    card_page = shopper.submit(handover, retry_page.url)
    paid = shopper.follow_return(shopper.pay_on_card_page(card_page, "5123456789012346"))
    assert receipt_heading(paid) == "Payment successful"


def test_cancel_on_card_page(stack):
    shopper, card_page = start(stack)
    receipt = shopper.follow_return(shopper.pay_on_card_page(card_page, "", cancel=True))
    assert receipt_heading(receipt) == "Payment cancelled"
    assert attempt_for(stack, shopper.merchant_reference)[:2] == ("cancelled", "cancelled")


def test_pending_card_waits_then_settles(stack_factory):
    stack = stack_factory(simulator_overrides={"SIMULATOR_PENDING_SETTLE_SECONDS": 1})
    shopper, card_page = start(stack)
    receipt = shopper.follow_return(shopper.pay_on_card_page(card_page, "4000000000007775"))
    assert receipt_heading(receipt) == "Waiting for confirmation"
    assert 'http-equiv="refresh"' in receipt.text
    assert wait_for(lambda: attempt_for(stack, shopper.merchant_reference)[0] == "paid")
    refreshed = shopper.get(receipt.url)
    assert receipt_heading(refreshed) == "Payment successful"


def test_feedback_before_return(stack_factory):
    stack = stack_factory(simulator_overrides={"SIMULATOR_FEEDBACK_MODE": "before_return"})
    shopper, card_page = start(stack)
    result = shopper.pay_on_card_page(card_page, "4005550000000001")
    # The direct feedback has already been applied before the browser comes back.
    assert attempt_for(stack, shopper.merchant_reference)[2] == [("feedback", "accepted")]
    receipt = shopper.follow_return(result)
    assert receipt_heading(receipt) == "Payment successful"
    assert attempt_for(stack, shopper.merchant_reference)[2] == [("feedback", "accepted"), ("return-post", "duplicate")]


def test_feedback_alone_settles_order(stack_factory):
    # The shopper closes the tab on the result page: the order is still settled by direct feedback.
    stack = stack_factory(simulator_overrides={"SIMULATOR_FEEDBACK_MODE": "async"})
    shopper, card_page = start(stack)
    shopper.pay_on_card_page(card_page, "4005550000000001")
    assert wait_for(lambda: attempt_for(stack, shopper.merchant_reference)[0] == "paid")


def test_return_without_cookies(stack):
    shopper, card_page = start(stack)
    result = shopper.pay_on_card_page(card_page, "4005550000000001")
    form = shopper.return_form(result)
    stranger = requests.post(form.action, data=form.fields, allow_redirects=False, timeout=20)
    assert stranger.status_code == 303
    receipt = requests.get(stack.shop_url + stranger.headers["Location"] if stranger.headers["Location"].startswith("/")
                           else stranger.headers["Location"], timeout=20)
    assert receipt.status_code == 200
    assert receipt_heading(receipt) == "Payment successful"


def test_duplicate_return_and_feedback(stack_factory):
    stack = stack_factory(simulator_overrides={"SIMULATOR_FEEDBACK_MODE": "before_return"})
    shopper, card_page = start(stack)
    result = shopper.pay_on_card_page(card_page, "4005550000000001")
    form = shopper.return_form(result)
    for _ in range(3):
        response = requests.post(form.action, data=form.fields, allow_redirects=False, timeout=20)
        assert response.status_code == 303
    again = requests.post(stack.shop_url + "/aps/feedback", json=form.fields, timeout=20)
    assert again.status_code == 200
    status, _, events = attempt_for(stack, shopper.merchant_reference)
    assert status == "paid"
    verdicts = [verdict for _, verdict in events]
    assert verdicts.count("accepted") == 1
    assert verdicts.count("duplicate") == 4


def test_forged_return_rejected(stack):
    shopper, card_page = start(stack)
    forged = dict(shopper.handover_fields)
    forged.update(response_code="14000", status="14", fort_id="1", response_message="Success")
    forged.pop("signature")
    forged["signature"] = compute_signature(forged, "a guessed phrase")
    response = requests.post(stack.shop_url + "/aps/return", data=forged, allow_redirects=False, timeout=20)
    assert response.status_code == 400
    status, order_status, events = attempt_for(stack, shopper.merchant_reference)
    assert status == "pending"
    assert order_status == "payment_pending"
    assert events == [("return-post", "rejected: signature mismatch")]


def test_tampered_decline_rejected(stack):
    shopper, card_page = start(stack)
    result = shopper.pay_on_card_page(card_page, "4000000000006660")
    form = shopper.return_form(result)
    tampered = dict(form.fields, response_code="14000", status="14")
    response = requests.post(form.action, data=tampered, allow_redirects=False, timeout=20)
    assert response.status_code == 400
    assert "could not verify" in response.text
    genuine = shopper.submit(form, result.url)
    assert receipt_heading(genuine) == "Payment declined"


def test_unsigned_feedback_rejected(stack):
    shopper, _ = start(stack)
    body = dict(shopper.handover_fields, response_code="14000", status="14")
    body.pop("signature")
    response = requests.post(stack.shop_url + "/aps/feedback", json=body, timeout=20)
    assert response.status_code == 400
    assert attempt_for(stack, shopper.merchant_reference)[0] == "pending"


def test_reload_of_handover_goes_to_receipt(stack):
    shopper = Shopper(stack.shop_url)
    shopper.add_to_cart("DATES-SA")
    page = shopper.get("/checkout/")
    response = shopper.submit(find_form(page.text, r"^$|/checkout/?$"), page.url,
                              {"customer_email": "sara@example.com", "payment_method": "card"})
    again = shopper.get(response.url)
    assert "/receipt/" in again.url
    assert receipt_heading(again) == "Waiting for confirmation"


def test_check_status_reports_paid(stack):
    shopper, card_page = start(stack)
    shopper.follow_return(shopper.pay_on_card_page(card_page, "4005550000000001"))
    with stack.shop_app.app_context():
        from shop.payments.gateway import get_client

        answer, interpretation = get_client().check_status(shopper.merchant_reference)
    assert answer["response_code"] == "12000"
    assert interpretation.outcome.value == "paid"
