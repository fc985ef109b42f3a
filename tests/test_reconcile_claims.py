"""Claims: two reconciliation workers never check the same attempt at once (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from shop.extensions import db
from shop.models import AttemptStatus, Order, PaymentAttempt, PaymentEvent, utcnow
from shop.payments.claims import claim, claim_next, release
from shop.payments.reconcile import RECONCILE_STATES, reconcile

ATTEMPTS = 12


def add_pending_attempts(count: int, age_seconds: float = 600) -> list[int]:
    """Add ``count`` pending attempts last changed ``age_seconds`` ago; APS has never heard of them."""
    then = utcnow() - dt.timedelta(seconds=age_seconds)
    ids = []
    for index in range(count):
        order = Order(number=f"ORDCLAIM{index:04d}", customer_email="a@example.com", currency="SAR", total=Decimal("10.00"))
        attempt = PaymentAttempt(order=order, merchant_reference=f"ORDCLAIM{index:04d}-AAAAAA", method="card",
                                 integration="redirection", command="PURCHASE", amount_minor="1000", currency="SAR",
                                 status=AttemptStatus.PENDING.value, details={}, created_at=then, updated_at=then)
        db.session.add_all([order, attempt])
        db.session.flush()
        ids.append(attempt.id)
    db.session.commit()
    return ids


def test_claim_is_exclusive(app: Any) -> None:
    with app.app_context():
        attempt_id = add_pending_attempts(1)[0]
        token = claim(attempt_id)
        assert token is not None
        assert claim(attempt_id) is None
        release(attempt_id, "not-the-token")
        assert claim(attempt_id) is None
        release(attempt_id, token)
        assert claim(attempt_id) is not None


def test_expired_claim_taken_over(app: Any) -> None:
    with app.app_context():
        attempt_id = add_pending_attempts(1)[0]
        assert claim(attempt_id, lease_seconds=-1) is not None
        assert claim(attempt_id) is not None


def test_claim_keeps_updated_at(app: Any) -> None:
    with app.app_context():
        attempt_id = add_pending_attempts(1)[0]
        before = db.session.scalar(select(PaymentAttempt.updated_at).where(PaymentAttempt.id == attempt_id))
        token = claim(attempt_id)
        release(attempt_id, token)
        after = db.session.scalar(select(PaymentAttempt.updated_at).where(PaymentAttempt.id == attempt_id))
        assert after == before


def test_claim_next_skips_claimed(app: Any) -> None:
    with app.app_context():
        first, second = add_pending_attempts(2)
        held = claim(first)
        assert held is not None
        got = claim_next(RECONCILE_STATES, utcnow())
        assert got is not None
        assert got[0] == second
        assert claim_next(RECONCILE_STATES, utcnow()) is None


def test_claim_next_respects_age(app: Any) -> None:
    with app.app_context():
        add_pending_attempts(1, age_seconds=10)
        assert claim_next(RECONCILE_STATES, utcnow() - dt.timedelta(seconds=60)) is None


def test_parallel_workers_check_each_attempt_once(stack_factory: Any, db_url: str) -> None:
    stack = stack_factory(shop_overrides={"SQLALCHEMY_DATABASE_URI": db_url})
    app = stack.shop_app
    with app.app_context():
        ids = add_pending_attempts(ATTEMPTS)

    summaries: list[Any] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            with app.app_context():
                start.wait()
                summaries.append(reconcile(older_than=0, abandon_after=10**9))
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert failures == []
    assert sum(summary.checked for summary in summaries) == ATTEMPTS
    with app.app_context():
        counts = dict(db.session.execute(
            select(PaymentEvent.attempt_id, func.count(PaymentEvent.id))
            .where(PaymentEvent.transport == "check-status")
            .group_by(PaymentEvent.attempt_id)
        ).all())
        assert counts == {attempt_id: 1 for attempt_id in ids}
        unclaimed = db.session.scalar(select(func.count(PaymentAttempt.id)).where(PaymentAttempt.claim_token.is_not(None)))
        assert unclaimed == 0
