"""Reconciliation: ask APS (CHECK_STATUS) about payment attempts that stayed open too long.

An attempt stays pending when the shopper's browser never came back and the
feedback did not arrive, or when paymentApi timed out. It stays on hold after
an uncertain response (15777, xx006) or an abandoned 3-D Secure challenge.
``flask aps reconcile`` (run it from cron) settles each one by the
``transaction_code`` of APS's verified response, through the same state
machine as every other APS message, and records the response as an event
with transport ``check-status``. Each attempt is claimed first
(shop/payments/claims.py), so copies running at the same time never check
one attempt at once, and a run skips attempts checked since it started.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from ..aps import APSError, interpret_response
from ..aps.codes import Outcome
from ..extensions import db
from ..models import AttemptStatus, PaymentAttempt, utcnow
from .claims import claim_next, claimed, release
from .operations import (
    TRANSPORT_CHECK_STATUS,
    check_status_answer,
    move_attempt,
    record_call_failure,
    record_event,
    settle_attempt_after,
    sync_operations,
    totals,
)
from .service import handle_aps_message
from .states import OPEN_STATES

logger = logging.getLogger("shop.payments")

CHECK_STATUS_OK = "12000"
NOT_FOUND = "12036"
# Attempts reconciliation looks at: sent to APS and still without a final result.
RECONCILE_STATES = (AttemptStatus.PENDING.value, AttemptStatus.ON_HOLD.value, AttemptStatus.THREE_DS.value)

SETTLED = "settled"
STILL_OPEN = "still_open"
ABANDONED = "abandoned"
ERROR = "error"


@dataclass
class Summary:
    """Counts of one reconciliation run."""

    checked: int = 0
    settled: int = 0
    still_open: int = 0
    abandoned: int = 0
    errors: int = 0

    def add(self, outcome: str) -> None:
        self.checked += 1
        if outcome == SETTLED:
            self.settled += 1
        elif outcome == ABANDONED:
            self.abandoned += 1
        elif outcome == ERROR:
            self.errors += 1
        else:
            self.still_open += 1

    def line(self) -> str:
        return (
            f"reconcile: checked {self.checked} attempts: {self.settled} settled, "
            f"{self.still_open} still open, {self.abandoned} abandoned, {self.errors} errors"
        )


def _age_seconds(attempt: PaymentAttempt) -> float:
    return (utcnow() - attempt.updated_at).total_seconds()


def _abandon(attempt: PaymentAttempt, answer: Mapping[str, Any], age: float) -> str:
    """Mark an attempt APS does not know as failed, once it is old enough to have been given up."""
    moved = move_attempt(attempt, AttemptStatus.FAILED)
    if moved:
        attempt.response_message = f"Not found at APS (12036) after {int(age)} s; abandoned by reconciliation"
    verdict = "accepted: abandoned" if moved else f"ignored: attempt is {attempt.status}"
    record_event(attempt, TRANSPORT_CHECK_STATUS, answer, verdict)
    db.session.commit()
    return ABANDONED if moved else STILL_OPEN


def apply_check_status(attempt: PaymentAttempt, answer: Mapping[str, Any], abandon_after: float | None = None) -> str:
    """Apply a verified CHECK_STATUS response to ``attempt``; return settled, still_open, abandoned or error.

    An open attempt moves by the response's ``transaction_code`` through
    ``handle_aps_message``. A settled one gets its captured and refunded
    totals compared with APS's. ``12036`` (APS does not know the order)
    abandons an open attempt older than ``abandon_after`` seconds.
    """
    code = str(answer.get("response_code", ""))
    age = _age_seconds(attempt)
    raw = json.dumps(dict(answer), ensure_ascii=False)

    if code == NOT_FOUND:
        if attempt.status in {state.value for state in OPEN_STATES} and abandon_after is not None and age >= abandon_after:
            return _abandon(attempt, answer, age)
        record_event(attempt, TRANSPORT_CHECK_STATUS, answer, f"ignored: unknown at APS after {int(age)} s")
        db.session.commit()
        return STILL_OPEN

    if code != CHECK_STATUS_OK:
        record_event(attempt, TRANSPORT_CHECK_STATUS, answer, f"error: CHECK_STATUS responded {code}")
        db.session.commit()
        return ERROR

    if attempt.status in {state.value for state in OPEN_STATES}:
        result = handle_aps_message(answer, TRANSPORT_CHECK_STATUS, raw, "application/json")
        db.session.refresh(attempt)
        if result.rejected:
            return ERROR
        if attempt.status not in {state.value for state in OPEN_STATES}:
            return SETTLED
        tokenized_only = interpret_response(answer).outcome == Outcome.TOKENIZED
        if tokenized_only and abandon_after is not None and age >= abandon_after:
            # The card was tokenized but no payment with the token reached APS.
            return _abandon(attempt, answer, age)
        return STILL_OPEN

    notes = sync_operations(attempt, answer)
    verdict = "accepted" + (": " + "; ".join(notes) if notes else ": totals match")
    record_event(attempt, TRANSPORT_CHECK_STATUS, answer, verdict, raw_body=raw)
    db.session.commit()
    amounts = totals(attempt)
    if amounts.captured:
        settle_attempt_after(attempt, "CAPTURE")
    if amounts.refunded:
        settle_attempt_after(attempt, "REFUND")
    if str(answer.get("transaction_code", "")) == "08000":
        settle_attempt_after(attempt, "VOID_AUTHORIZATION")
    return SETTLED


def check_attempt(attempt: PaymentAttempt, abandon_after: float | None = None) -> str:
    """Send CHECK_STATUS for one attempt the caller has claimed and apply the response."""
    db.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt.id)
        .values(status_checked_at=utcnow(), updated_at=PaymentAttempt.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    try:
        answer = check_status_answer(attempt)
    except APSError as error:
        record_call_failure(attempt, {"query_command": "CHECK_STATUS", "merchant_reference": attempt.merchant_reference}, error)
        db.session.commit()
        logger.warning("CHECK_STATUS failed merchant_reference=%s: %s", attempt.merchant_reference, error)
        return ERROR
    outcome = apply_check_status(attempt, answer, abandon_after)
    logger.info(
        "CHECK_STATUS merchant_reference=%s transaction_code=%s outcome=%s",
        attempt.merchant_reference, answer.get("transaction_code") or answer.get("response_code"), outcome,
    )
    return outcome


def check_now(attempt: PaymentAttempt) -> str | None:
    """Check one attempt at once (the back office's button); None when another worker has claimed it."""
    with claimed(attempt.id) as got_claim:
        if not got_claim:
            return None
        return check_attempt(attempt)


def reconcile(older_than: float, abandon_after: float, limit: int | None = None) -> Summary:
    """Check every attempt pending, on hold or waiting for 3-D Secure for more than ``older_than`` seconds."""
    summary = Summary()
    cutoff = utcnow() - dt.timedelta(seconds=older_than)
    handled: set[int] = set()
    while limit is None or summary.checked < limit:
        claim = claim_next(RECONCILE_STATES, cutoff, handled)
        if claim is None:
            break
        attempt_id, token = claim
        handled.add(attempt_id)
        try:
            attempt = db.session.get(PaymentAttempt, attempt_id)
            db.session.refresh(attempt)
            checked_since = attempt.status_checked_at is not None and attempt.status_checked_at >= cutoff
            if attempt.status not in RECONCILE_STATES or checked_since:
                continue
            summary.add(check_attempt(attempt, abandon_after))
        finally:
            db.session.rollback()
            release(attempt_id, token)
    logger.info(summary.line())
    return summary
