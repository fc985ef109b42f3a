"""CAPTURE, VOID_AUTHORIZATION and REFUND, their notification feedback and CHECK_STATUS afterwards."""

from __future__ import annotations

import pytest

from shop.aps import verify_signature
from shop.simulator.state import get_state
from simulator_helpers import (
    RESPONSE_PHRASE,
    FeedbackReceiver,
    api_call,
    check_status_request,
    make_app,
    pay_with_card,
)
from simulator_mp_helpers import DECLINE, PENDING, VISA_3DS, maintain, new_token, pay


@pytest.fixture()
def client():
    app = make_app()
    yield app.test_client()
    get_state(app).close()


def assert_signed(answer):
    assert verify_signature(answer, RESPONSE_PHRASE)
    assert all(isinstance(value, str) for value in answer.values())


def authorize(client, amount="10000", **fields):
    answer = pay(client, new_token(client), command="AUTHORIZATION", amount=amount, **fields)
    assert answer["response_code"] == "02000"
    return answer


def purchase(client, amount="10000"):
    answer = pay(client, new_token(client), amount=amount)
    assert answer["response_code"] == "14000"
    return answer


def status_of(client, reference, **fields):
    return api_call(client, check_status_request(merchant_reference=reference, **fields))


# CAPTURE


def test_capture_full(client):
    payment = authorize(client)
    reference = payment["merchant_reference"]
    answer = maintain(client, "CAPTURE", reference, amount="10000", currency="SAR", order_description="ship it")
    assert answer["response_code"] == "04000"
    assert answer["status"] == "04"
    assert answer["response_message"] == "Success"
    assert answer["fort_id"] == payment["fort_id"]
    assert answer["amount"] == "10000"
    assert answer["order_description"] == "ship it"
    assert_signed(answer)


def test_capture_partial_and_multiple(client):
    reference = authorize(client)["merchant_reference"]
    assert maintain(client, "CAPTURE", reference, amount="3000", currency="SAR")["response_code"] == "04000"
    assert maintain(client, "CAPTURE", reference, amount="5000", currency="SAR")["response_code"] == "04000"
    status = status_of(client, reference)
    assert status["authorized_amount"] == "10000"
    assert status["captured_amount"] == "8000"
    assert status["transaction_code"] == "04000"
    assert status["transaction_status"] == "04"
    over = maintain(client, "CAPTURE", reference, amount="2001", currency="SAR")
    assert over["response_code"] == "05042"
    assert over["status"] == "05"
    assert over["response_message"] == "Operation amount exceeds the authorized amount"
    assert_signed(over)
    assert maintain(client, "CAPTURE", reference, amount="2000", currency="SAR")["response_code"] == "04000"
    assert status_of(client, reference)["captured_amount"] == "10000"


def test_over_capture_is_05042(client):
    reference = authorize(client, amount="500")["merchant_reference"]
    assert maintain(client, "CAPTURE", reference, amount="501", currency="SAR")["response_code"] == "05042"
    assert status_of(client, reference)["captured_amount"] == "0"


def test_capture_of_purchase_is_05034(client):
    reference = purchase(client)["merchant_reference"]
    assert maintain(client, "CAPTURE", reference, amount="100", currency="SAR")["response_code"] == "05034"


def test_capture_of_declined_authorization_is_05034(client):
    answer = pay(client, new_token(client, number=DECLINE), command="AUTHORIZATION")
    assert maintain(client, "CAPTURE", answer["merchant_reference"], amount="100", currency="SAR")["response_code"] == "05034"


def test_capture_of_pending_payment_is_05662(client):
    answer = pay(client, new_token(client, number=PENDING), command="AUTHORIZATION")
    assert answer["response_code"] == "15777"
    assert maintain(client, "CAPTURE", answer["merchant_reference"], amount="100", currency="SAR")["response_code"] == "05662"


def test_capture_during_3ds_is_05662(client):
    answer = pay(client, new_token(client, number=VISA_3DS), command="AUTHORIZATION")
    assert maintain(client, "CAPTURE", answer["merchant_reference"], amount="100", currency="SAR")["response_code"] == "05662"


def test_capture_of_hosted_authorization(client):
    form = pay_with_card(client, command="AUTHORIZATION", amount="900")
    reference = form.fields["merchant_reference"]
    assert maintain(client, "CAPTURE", reference, amount="900", currency="SAR")["response_code"] == "04000"


def test_capture_other_currency_is_00013(client):
    reference = authorize(client)["merchant_reference"]
    assert maintain(client, "CAPTURE", reference, amount="100", currency="AED")["response_code"] == "00013"


def test_capture_unknown_order_is_00036(client):
    answer = maintain(client, "CAPTURE", "NO-SUCH-ORDER", amount="100", currency="SAR")
    assert answer["response_code"] == "00036"
    assert_signed(answer)


def test_capture_with_wrong_fort_id_is_00036(client):
    reference = authorize(client)["merchant_reference"]
    answer = maintain(client, "CAPTURE", reference, amount="100", currency="SAR", fort_id="123")
    assert answer["response_code"] == "00036"


def test_capture_missing_amount_is_00001(client):
    reference = authorize(client)["merchant_reference"]
    assert maintain(client, "CAPTURE", reference, currency="SAR")["response_code"] == "00001"


# VOID_AUTHORIZATION


def test_void_authorization(client):
    payment = authorize(client)
    reference = payment["merchant_reference"]
    answer = maintain(client, "VOID_AUTHORIZATION", reference)
    assert answer["response_code"] == "08000"
    assert answer["status"] == "08"
    assert answer["fort_id"] == payment["fort_id"]
    assert_signed(answer)
    status = status_of(client, reference)
    assert status["transaction_code"] == "08000"
    assert status["transaction_status"] == "08"
    assert maintain(client, "CAPTURE", reference, amount="100", currency="SAR")["response_code"] == "05034"
    assert maintain(client, "VOID_AUTHORIZATION", reference)["response_code"] == "09034"


def test_void_after_capture_is_09034(client):
    reference = authorize(client)["merchant_reference"]
    maintain(client, "CAPTURE", reference, amount="100", currency="SAR")
    answer = maintain(client, "VOID_AUTHORIZATION", reference)
    assert answer["response_code"] == "09034"
    assert answer["status"] == "09"


def test_void_of_purchase_is_09034(client):
    assert maintain(client, "VOID_AUTHORIZATION", purchase(client)["merchant_reference"])["response_code"] == "09034"


# REFUND


def test_refund_partial_and_multiple(client):
    reference = purchase(client, amount="10000")["merchant_reference"]
    first = maintain(client, "REFUND", reference, amount="2500", currency="SAR", maintenance_reference="RF-1")
    assert first["response_code"] == "06000"
    assert first["status"] == "06"
    assert first["maintenance_reference"] == "RF-1"
    assert_signed(first)
    assert maintain(client, "REFUND", reference, amount="2500", currency="SAR", maintenance_reference="RF-2")["response_code"] == "06000"
    status = status_of(client, reference)
    assert status["refunded_amount"] == "5000"
    assert status["captured_amount"] == "10000"
    assert status["transaction_code"] == "06000"
    over = maintain(client, "REFUND", reference, amount="5001", currency="SAR")
    assert over["response_code"] == "07048"
    assert over["status"] == "07"
    assert over["response_message"] == "Operation amount exceeds captured amount"
    assert_signed(over)
    assert maintain(client, "REFUND", reference, amount="5000", currency="SAR")["response_code"] == "06000"
    assert status_of(client, reference)["refunded_amount"] == "10000"


def test_refund_of_uncaptured_authorization_is_07048(client):
    reference = authorize(client)["merchant_reference"]
    assert maintain(client, "REFUND", reference, amount="100", currency="SAR")["response_code"] == "07048"


def test_refund_after_partial_capture(client):
    reference = authorize(client)["merchant_reference"]
    maintain(client, "CAPTURE", reference, amount="4000", currency="SAR")
    assert maintain(client, "REFUND", reference, amount="4001", currency="SAR")["response_code"] == "07048"
    assert maintain(client, "REFUND", reference, amount="4000", currency="SAR")["response_code"] == "06000"


def test_refund_of_declined_purchase_is_07034(client):
    answer = pay(client, new_token(client, number=DECLINE))
    assert maintain(client, "REFUND", answer["merchant_reference"], amount="100", currency="SAR")["response_code"] == "07034"


def test_refund_of_voided_authorization_is_07034(client):
    reference = authorize(client)["merchant_reference"]
    maintain(client, "VOID_AUTHORIZATION", reference)
    assert maintain(client, "REFUND", reference, amount="100", currency="SAR")["response_code"] == "07034"


def test_reused_maintenance_reference_is_00066(client):
    reference = purchase(client)["merchant_reference"]
    maintain(client, "REFUND", reference, amount="100", currency="SAR", maintenance_reference="RF-9")
    answer = maintain(client, "REFUND", reference, amount="100", currency="SAR", maintenance_reference="RF-9")
    assert answer["response_code"] == "00066"
    assert status_of(client, reference)["refunded_amount"] == "100"


def test_failed_refund_reference_can_be_reused(client):
    reference = purchase(client, amount="1000")["merchant_reference"]
    assert maintain(client, "REFUND", reference, amount="1001", currency="SAR", maintenance_reference="RF-3")["response_code"] == "07048"
    assert maintain(client, "REFUND", reference, amount="1000", currency="SAR", maintenance_reference="RF-3")["response_code"] == "06000"


# CHECK_STATUS by maintenance_reference


def test_check_status_by_maintenance_reference(client):
    reference = purchase(client)["merchant_reference"]
    maintain(client, "REFUND", reference, amount="100", currency="SAR", maintenance_reference="RF-5")
    maintain(client, "REFUND", reference, amount="99999", currency="SAR", maintenance_reference="RF-6")
    ok = status_of(client, reference, maintenance_reference="RF-5")
    assert ok["response_code"] == "12000"
    assert ok["maintenance_reference"] == "RF-5"
    assert ok["transaction_code"] == "06000"
    assert_signed(ok)
    failed = status_of(client, reference, maintenance_reference="RF-6")
    assert failed["transaction_code"] == "07048"
    assert failed["transaction_status"] == "07"
    missing = status_of(client, reference, maintenance_reference="RF-7")
    assert missing["response_code"] == "12036"


def test_check_status_latest_code_after_capture_then_refund(client):
    reference = authorize(client)["merchant_reference"]
    maintain(client, "CAPTURE", reference, amount="10000", currency="SAR")
    maintain(client, "CAPTURE", reference, amount="1", currency="SAR")
    assert status_of(client, reference)["transaction_code"] == "04000"
    maintain(client, "REFUND", reference, amount="10000", currency="SAR")
    status = status_of(client, reference)
    assert status["transaction_code"] == "06000"
    assert status["transaction_message"] == "Success"
    assert status["authorized_amount"] == "10000"
    assert status["captured_amount"] == "10000"
    assert status["refunded_amount"] == "10000"


# Notification feedback


@pytest.fixture()
def notified():
    receiver = FeedbackReceiver()
    app = make_app(
        SIMULATOR_FEEDBACK_MODE="async",
        SIMULATOR_FEEDBACK_URL="",
        SIMULATOR_NOTIFICATION_URL=receiver.url("/aps/notification"),
    )
    yield app, receiver
    get_state(app).close()
    receiver.close()


@pytest.mark.parametrize(
    "steps, expected",
    [
        ([("CAPTURE", {"amount": "4000", "currency": "SAR"}), ("CAPTURE", {"amount": "6000", "currency": "SAR"})],
         ["04000", "04000"]),
        ([("VOID_AUTHORIZATION", {})], ["08000"]),
        ([("CAPTURE", {"amount": "10000", "currency": "SAR"}),
          ("REFUND", {"amount": "3000", "currency": "SAR", "maintenance_reference": "N-1"})], ["04000", "06000"]),
    ],
)
def test_each_operation_sends_notification(notified, steps, expected):
    app, receiver = notified
    client = app.test_client()
    reference = authorize(client)["merchant_reference"]
    answers = [maintain(client, command, reference, **fields) for command, fields in steps]
    assert [answer["response_code"] for answer in answers] == expected
    posts = receiver.wait_for(len(expected))
    # Each notification travels on its own thread, so they may arrive in any order.
    by_signature = {post.fields["signature"]: post for post in posts}
    for answer in answers:
        post = by_signature[answer["signature"]]
        assert post.path == "/aps/notification"
        assert post.fields == answer
        assert verify_signature(post.fields, RESPONSE_PHRASE)


def test_failed_operation_sends_no_notification(notified):
    app, receiver = notified
    client = app.test_client()
    reference = authorize(client)["merchant_reference"]
    maintain(client, "CAPTURE", reference, amount="99999", currency="SAR")
    maintain(client, "VOID_AUTHORIZATION", reference)
    assert get_state(app).feedback.wait(10)
    assert [post.fields["command"] for post in receiver.received] == ["VOID_AUTHORIZATION"]
