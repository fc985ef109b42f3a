"""APS callbacks: signature checks, amount checks, idempotency and concurrency.

These tests play APS's part by signing messages with the simulator's demo
response phrase, and run against SQLite and PostgreSQL through the ``app``
fixture.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from shop.aps import compute_signature
from shop.extensions import db
from shop.models import AttemptStatus, Order, OrderLine, OrderStatus, PaymentAttempt, PaymentEvent
from shop.payments.methods import get_method
from shop.payments.service import start_attempt

RESPONSE_PHRASE = "sim-response-phrase"


def place_order(app, total="12.345", currency="KWD") -> str:
    """Create an order with one attempt sent to APS; return its merchant_reference."""
    with app.app_context():
        order = Order(number="ORDTEST" + str(db.session.query(Order).count() + 1), customer_email="sara@example.com",
                      currency=currency, total=Decimal(total), language="en")
        order.lines.append(OrderLine(name_en="Item", name_ar="صنف", quantity=1, unit_price=Decimal(total)))
        db.session.add(order)
        attempt = start_attempt(order, get_method("card"))
        attempt.status = AttemptStatus.PENDING.value
        order.status = OrderStatus.PAYMENT_PENDING.value
        db.session.commit()
        return attempt.merchant_reference


def aps_message(app, reference, response_code="14000", **extra) -> dict[str, str]:
    """Build a signed APS result for ``reference`` as APS would send it."""
    with app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == reference))
        fields = {
            "command": attempt.command,
            "access_code": app.config["APS_ACCESS_CODE"],
            "merchant_identifier": app.config["APS_MERCHANT_IDENTIFIER"],
            "merchant_reference": reference,
            "amount": attempt.amount_minor,
            "currency": attempt.currency,
            "language": "en",
            "customer_email": "sara@example.com",
            "fort_id": "169996200001",
            "response_code": response_code,
            "status": response_code[:2],
            "response_message": "Success" if response_code == "14000" else "Declined",
            "payment_option": "VISA",
            "card_number": "400555******0001",
            "eci": "ECOMMERCE",
        }
    fields.update(extra)
    fields["signature"] = compute_signature(fields, RESPONSE_PHRASE)
    return fields


def attempt_state(app, reference):
    with app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == reference))
        events = db.session.scalars(select(PaymentEvent).where(PaymentEvent.merchant_reference == reference)).all()
        return attempt.status, attempt.order.status, [event.verdict for event in events]


def test_return_post_marks_paid_and_redirects(app, client):
    reference = place_order(app)
    response = client.post("/aps/return", data=aps_message(app, reference))
    assert response.status_code == 303
    assert "/receipt/" in response.location
    assert attempt_state(app, reference)[:2] == ("paid", "paid")


def test_return_get_accepted(app, client):
    reference = place_order(app)
    response = client.get("/aps/return?" + urlencode(aps_message(app, reference)))
    assert response.status_code == 303
    assert attempt_state(app, reference)[0] == "paid"


@pytest.mark.parametrize("body_format", ["json", "form"])
def test_feedback_accepts_json_and_form(app, client, body_format):
    reference = place_order(app)
    message = aps_message(app, reference)
    if body_format == "json":
        response = client.post("/aps/feedback", json=message)
    else:
        response = client.post("/aps/feedback", data=message)
    assert response.status_code == 200
    assert attempt_state(app, reference)[0] == "paid"


def test_unsigned_message_rejected(app, client):
    reference = place_order(app)
    message = aps_message(app, reference)
    del message["signature"]
    assert client.post("/aps/feedback", json=message).status_code == 400
    assert client.post("/aps/return", data=message).status_code == 400
    status, _, verdicts = attempt_state(app, reference)
    assert status == "pending"
    assert verdicts == ["rejected: missing signature", "rejected: missing signature"]


@pytest.mark.parametrize("field,value", [("response_code", "14000"), ("amount", "1"), ("customer_email", "x@example.com")])
def test_tampered_message_rejected(app, client, field, value):
    reference = place_order(app)
    message = aps_message(app, reference, response_code="13666")
    message[field] = value
    assert client.post("/aps/return", data=message).status_code == 400
    status, order_status, verdicts = attempt_state(app, reference)
    assert status == "pending"
    assert order_status == "payment_pending"
    assert verdicts == ["rejected: signature mismatch"]


def test_message_signed_with_request_phrase_rejected(app, client):
    reference = place_order(app)
    message = aps_message(app, reference)
    unsigned = {k: v for k, v in message.items() if k != "signature"}
    message["signature"] = compute_signature(unsigned, app.config["APS_SHA_REQUEST_PHRASE"])
    assert client.post("/aps/feedback", json=message).status_code == 400


def test_amount_mismatch_rejected_even_when_signed(app, client):
    reference = place_order(app)
    message = aps_message(app, reference, amount="1")
    assert client.post("/aps/feedback", json=message).status_code == 400
    status, _, verdicts = attempt_state(app, reference)
    assert status == "pending"
    assert verdicts[0].startswith("rejected: amount 1 does not match")


def test_currency_mismatch_rejected(app, client):
    reference = place_order(app)
    message = aps_message(app, reference, currency="SAR")
    assert client.post("/aps/feedback", json=message).status_code == 400
    assert attempt_state(app, reference)[0] == "pending"


def test_unknown_reference_rejected(app, client):
    reference = place_order(app)
    message = aps_message(app, reference)
    message["merchant_reference"] = "NOSUCHORDER-1"
    unsigned = {k: v for k, v in message.items() if k != "signature"}
    message["signature"] = compute_signature(unsigned, RESPONSE_PHRASE)
    assert client.post("/aps/feedback", json=message).status_code == 400


def test_trailing_space_kept_for_signature(app, client):
    reference = place_order(app)
    message = aps_message(app, reference, response_message="Success ")
    assert client.post("/aps/return", data=message).status_code == 303
    assert attempt_state(app, reference)[0] == "paid"


def test_repeated_field_rejected(app, client):
    reference = place_order(app)
    body = urlencode(aps_message(app, reference)) + "&response_code=14000"
    response = client.post("/aps/return", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert attempt_state(app, reference)[0] == "pending"


def test_query_string_ignored_on_post_return(app, client):
    # Only the posted fields are APS's; a query parameter on the return URL is not signed and not read.
    reference = place_order(app)
    response = client.post("/aps/return?lang=ar", data=aps_message(app, reference))
    assert response.status_code == 303


def test_duplicate_feedback_answers_200_once_applied(app, client):
    reference = place_order(app)
    message = aps_message(app, reference)
    assert client.post("/aps/feedback", json=message).status_code == 200
    assert client.post("/aps/feedback", json=message).status_code == 200
    assert client.post("/aps/return", data=message).status_code == 303
    status, _, verdicts = attempt_state(app, reference)
    assert status == "paid"
    assert verdicts == ["accepted", "duplicate", "duplicate"]


def test_final_state_never_regresses(app, client):
    reference = place_order(app)
    assert client.post("/aps/feedback", json=aps_message(app, reference)).status_code == 200
    late_decline = aps_message(app, reference, response_code="13666")
    assert client.post("/aps/notification", json=late_decline).status_code == 200
    late_hold = aps_message(app, reference, response_code="15777")
    assert client.post("/aps/notification", json=late_hold).status_code == 200
    status, order_status, verdicts = attempt_state(app, reference)
    assert (status, order_status) == ("paid", "paid")
    assert verdicts[1].startswith("ignored: attempt is paid")
    assert verdicts[2].startswith("ignored: attempt is paid")


def test_on_hold_then_final_by_notification(app, client):
    reference = place_order(app)
    assert client.post("/aps/return", data=aps_message(app, reference, response_code="15777")).status_code == 303
    assert attempt_state(app, reference)[:2] == ("on_hold", "payment_pending")
    assert client.post("/aps/notification", json=aps_message(app, reference)).status_code == 200
    assert attempt_state(app, reference)[:2] == ("paid", "paid")


@pytest.mark.parametrize(
    ("code", "attempt_status", "order_status"),
    [("13666", "declined", "declined"), ("00072", "cancelled", "cancelled"), ("02000", "authorized", "authorized"),
     ("00008", "failed", "failed")],
)
def test_outcomes_map_to_order_status(app, client, code, attempt_status, order_status):
    reference = place_order(app)
    assert client.post("/aps/feedback", json=aps_message(app, reference, response_code=code)).status_code == 200
    assert attempt_state(app, reference)[:2] == (attempt_status, order_status)


def test_concurrent_deliveries_transition_once(app):
    reference = place_order(app)
    message = aps_message(app, reference)
    barrier = threading.Barrier(6)
    codes = []

    def deliver():
        with app.test_client() as own_client:
            barrier.wait()
            codes.append(own_client.post("/aps/feedback", json=message).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes == [200] * 6
    status, _, verdicts = attempt_state(app, reference)
    assert status == "paid"
    assert verdicts.count("accepted") == 1
    assert verdicts.count("duplicate") == 5


def test_knet_fields_kept_in_details(app, client):
    reference = place_order(app)
    message = aps_message(app, reference, knet_ref_number="832911577112", third_party_transaction_number="9547069411183290")
    client.post("/aps/feedback", json=message)
    with app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == reference))
        assert attempt.details["knet_ref_number"] == "832911577112"
        assert attempt.details["third_party_transaction_number"] == "9547069411183290"
