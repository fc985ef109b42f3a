"""Applying one CHECK_STATUS response to an open attempt (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from shop.aps import compute_signature
from shop.config import SIMULATOR_CREDENTIALS
from shop.extensions import db
from shop.models import AttemptStatus, Order, PaymentAttempt, PaymentEvent, utcnow
from shop.payments.reconcile import ABANDONED, ERROR, SETTLED, STILL_OPEN, apply_check_status

REFERENCE = "ORDAPPLY001-AAAAAA"


def check_status_response(response_code: str = "12000", **fields: str) -> dict[str, str]:
    params = {"query_command": "CHECK_STATUS", "merchant_reference": REFERENCE, "language": "en",
              "response_code": response_code, "status": response_code[:2], "response_message": "x", **fields}
    return {**params, "signature": compute_signature(params, SIMULATOR_CREDENTIALS["APS_SHA_RESPONSE_PHRASE"], "SHA-256")}


@pytest.fixture
def pending(app: Any) -> Any:
    then = utcnow() - dt.timedelta(seconds=600)
    with app.app_context():
        order = Order(number="ORDAPPLY001", customer_email="a@example.com", currency="SAR", total=Decimal("10.00"))
        attempt = PaymentAttempt(order=order, merchant_reference=REFERENCE, method="card_mp", integration="merchant_page",
                                 command="PURCHASE", amount_minor="1000", currency="SAR",
                                 status=AttemptStatus.PENDING.value, details={}, created_at=then, updated_at=then)
        db.session.add_all([order, attempt])
        db.session.commit()
        yield attempt


def test_paid_transaction_settles(pending: Any) -> None:
    outcome = apply_check_status(pending, check_status_response(transaction_code="14000", transaction_status="14"))
    assert outcome == SETTLED
    assert pending.status == "paid"
    assert pending.order.status == "paid"


def test_uncertain_transaction_stays_open(pending: Any) -> None:
    outcome = apply_check_status(pending, check_status_response(transaction_code="15777", transaction_status="15"))
    assert outcome == STILL_OPEN
    assert pending.status == "on_hold"


@pytest.mark.parametrize(("abandon_after", "expected", "status"), [(60, ABANDONED, "failed"), (3600, STILL_OPEN, "pending")])
def test_tokenized_only_abandoned_when_old(pending: Any, abandon_after: int, expected: str, status: str) -> None:
    outcome = apply_check_status(pending, check_status_response(transaction_code="18000", transaction_status="18"), abandon_after)
    assert outcome == expected
    assert pending.status == status


def test_unknown_at_aps_abandoned_when_old(pending: Any) -> None:
    assert apply_check_status(pending, check_status_response("12036"), abandon_after=60) == ABANDONED
    assert pending.status == "failed"
    assert "12036" in pending.response_message


def test_failed_check_is_error(pending: Any) -> None:
    assert apply_check_status(pending, check_status_response("11006")) == ERROR
    assert pending.status == "pending"
    event = db.session.scalar(select(PaymentEvent).where(PaymentEvent.transport == "check-status"))
    assert event.verdict == "error: CHECK_STATUS responded 11006"
