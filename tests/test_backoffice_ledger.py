"""Operation ledger: responses and notifications about one operation count once, in any order, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from shop.aps import compute_signature
from shop.config import SIMULATOR_CREDENTIALS
from shop.extensions import db
from shop.models import AttemptStatus, Order, PaymentAttempt, PaymentOperation
from shop.payments.operations import CAPTURE, REFUND, apply_operation_message, totals
from shop.payments.service import handle_aps_message

RESPONSE_PHRASE = SIMULATOR_CREDENTIALS["APS_SHA_RESPONSE_PHRASE"]
REFERENCE = "ORDLEDGER01-AAAAAA"


def signed(**params: str) -> dict[str, str]:
    return {**params, "signature": compute_signature(params, RESPONSE_PHRASE, "SHA-256")}


def answer(command: str, amount: str, code: str, **extra: str) -> dict[str, str]:
    return signed(command=command, merchant_reference=REFERENCE, amount=amount, currency="SAR", language="en",
                  fort_id="170000000000000001", response_code=code, status=code[:2], response_message="x", **extra)


@pytest.fixture
def attempt(app: Any) -> Any:
    with app.app_context():
        order = Order(number="ORDLEDGER01", customer_email="a@example.com", currency="SAR", total=Decimal("100.00"))
        row = PaymentAttempt(order=order, merchant_reference=REFERENCE, method="card_mp", integration="merchant_page",
                             command="AUTHORIZATION", amount_minor="10000", currency="SAR",
                             status=AttemptStatus.AUTHORIZED.value, fort_id="170000000000000001", details={})
        db.session.add_all([order, row])
        db.session.commit()
        yield row


def add_operation(attempt: Any, command: str, amount: int, reference: str) -> PaymentOperation:
    operation = PaymentOperation(attempt=attempt, command=command, amount_minor=amount, maintenance_reference=reference)
    db.session.add(operation)
    db.session.commit()
    return operation


def captured(attempt: Any) -> int:
    db.session.refresh(attempt)
    return totals(attempt).captured


def test_notification_before_answer_counts_once(attempt: Any) -> None:
    operation = add_operation(attempt, CAPTURE, 2500, "OP-1")
    assert handle_aps_message(answer(CAPTURE, "2500", "04000"), "notification").verdict == "accepted"
    assert apply_operation_message(attempt, answer(CAPTURE, "2500", "04000"), "api-response", operation=operation).verdict == "duplicate"
    assert captured(attempt) == 2500
    assert attempt.status == "captured"


def test_answer_before_notification_counts_once(attempt: Any) -> None:
    operation = add_operation(attempt, CAPTURE, 2500, "OP-1")
    assert apply_operation_message(attempt, answer(CAPTURE, "2500", "04000"), "api-response", operation=operation).verdict == "accepted"
    assert handle_aps_message(answer(CAPTURE, "2500", "04000"), "notification").verdict == "duplicate"
    assert handle_aps_message(answer(CAPTURE, "2500", "04000"), "notification").verdict == "duplicate"
    assert captured(attempt) == 2500


def test_two_captures_same_amount(attempt: Any) -> None:
    first = add_operation(attempt, CAPTURE, 1000, "OP-1")
    second = add_operation(attempt, CAPTURE, 1000, "OP-2")
    apply_operation_message(attempt, answer(CAPTURE, "1000", "04000"), "api-response", operation=first)
    apply_operation_message(attempt, answer(CAPTURE, "1000", "04000"), "api-response", operation=second)
    for _ in range(3):
        handle_aps_message(answer(CAPTURE, "1000", "04000"), "notification")
    assert captured(attempt) == 2000


def test_failed_answer_overrides_early_notification(attempt: Any) -> None:
    done = add_operation(attempt, CAPTURE, 1000, "OP-1")
    apply_operation_message(attempt, answer(CAPTURE, "1000", "04000"), "api-response", operation=done)
    in_flight = add_operation(attempt, CAPTURE, 1000, "OP-2")
    # A late repeat of the first notification arrives while the second capture waits for its response.
    handle_aps_message(answer(CAPTURE, "1000", "04000"), "notification")
    assert captured(attempt) == 2000
    result = apply_operation_message(attempt, answer(CAPTURE, "1000", "05042"), "api-response", operation=in_flight)
    assert result.verdict == "accepted"
    db.session.refresh(in_flight)
    assert in_flight.status == "failed"
    assert captured(attempt) == 1000


def test_refund_matched_by_maintenance_reference(attempt: Any) -> None:
    capture = add_operation(attempt, CAPTURE, 10000, "OP-C")
    apply_operation_message(attempt, answer(CAPTURE, "10000", "04000"), "api-response", operation=capture)
    add_operation(attempt, REFUND, 500, "OP-R1")
    add_operation(attempt, REFUND, 500, "OP-R2")
    handle_aps_message(answer(REFUND, "500", "06000", maintenance_reference="OP-R2"), "notification")
    statuses = dict(db.session.execute(select(PaymentOperation.maintenance_reference, PaymentOperation.status)).all())
    assert statuses["OP-R2"] == "succeeded"
    assert statuses["OP-R1"] == "requested"
    db.session.refresh(attempt)
    assert totals(attempt).refunded == 500


def test_notification_without_operation_changes_nothing(attempt: Any) -> None:
    result = handle_aps_message(answer(CAPTURE, "700", "04000"), "notification")
    assert result.accepted
    assert result.verdict.startswith("ignored: no matching operation")
    assert captured(attempt) == 0
    assert attempt.status == "authorized"


def test_wrong_currency_rejected(attempt: Any) -> None:
    add_operation(attempt, CAPTURE, 2500, "OP-1")
    message = signed(command=CAPTURE, merchant_reference=REFERENCE, amount="2500", currency="KWD", language="en",
                     response_code="04000", status="04")
    assert handle_aps_message(message, "notification").rejected
    assert captured(attempt) == 0


def test_forged_notification_rejected(attempt: Any) -> None:
    add_operation(attempt, CAPTURE, 2500, "OP-1")
    message = answer(CAPTURE, "2500", "04000")
    message["amount"] = "2600"
    assert handle_aps_message(message, "notification").rejected
    assert captured(attempt) == 0


def test_full_refund_moves_to_refunded(attempt: Any) -> None:
    capture = add_operation(attempt, CAPTURE, 4000, "OP-C")
    apply_operation_message(attempt, answer(CAPTURE, "4000", "04000"), "api-response", operation=capture)
    first = add_operation(attempt, REFUND, 1000, "OP-R1")
    second = add_operation(attempt, REFUND, 3000, "OP-R2")
    apply_operation_message(attempt, answer(REFUND, "1000", "06000", maintenance_reference="OP-R1"), "api-response", operation=first)
    db.session.refresh(attempt)
    assert attempt.status == "captured"
    apply_operation_message(attempt, answer(REFUND, "3000", "06000", maintenance_reference="OP-R2"), "api-response", operation=second)
    db.session.refresh(attempt)
    assert attempt.status == "refunded"
    assert attempt.order.status == "refunded"
