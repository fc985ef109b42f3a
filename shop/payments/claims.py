"""Short-lived claims on payment attempts, so two workers never handle one attempt at once.

A back-office operation and each copy of ``flask aps reconcile`` claim an
attempt before calling APS about it. A claim is a conditional UPDATE of
``claimed_until``: it succeeds only when no unexpired claim exists, which
is atomic on SQLite and PostgreSQL alike. A worker that dies keeps its claim
only until ``claimed_until``, so the attempt is never stuck. On PostgreSQL,
``claim_next`` also picks its candidate with ``SELECT ... FOR UPDATE SKIP
LOCKED``, so concurrent copies skip each other's rows without waiting.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Iterator
from contextlib import contextmanager

from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import PaymentAttempt, utcnow

# Long enough for one paymentApi call with its timeouts and the bookkeeping after it.
DEFAULT_LEASE_SECONDS = 120.0


def _claimable(now: dt.datetime):
    return or_(PaymentAttempt.claimed_until.is_(None), PaymentAttempt.claimed_until < now)


def claim(attempt_id: int, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> str | None:
    """Claim the attempt and commit; return the claim token, or None when another worker has claimed it."""
    token = secrets.token_hex(16)
    now = utcnow()
    result = db.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt_id, _claimable(now))
        # Setting updated_at to itself keeps the column's onupdate from
        # running: a claim is no change of the payment, and reconciliation
        # measures an attempt's age by updated_at.
        .values(
            claimed_until=now + dt.timedelta(seconds=lease_seconds),
            claim_token=token,
            updated_at=PaymentAttempt.updated_at,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if result.rowcount == 1 else None


def release(attempt_id: int, token: str) -> None:
    """Release a claim made with ``token`` and commit; a claim taken over since then is left alone."""
    db.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt_id, PaymentAttempt.claim_token == token)
        .values(claimed_until=None, claim_token=None, updated_at=PaymentAttempt.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@contextmanager
def claimed(attempt_id: int, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> Iterator[bool]:
    """Hold a claim on the attempt for the ``with`` block; the value is False when it is held elsewhere."""
    token = claim(attempt_id, lease_seconds)
    try:
        yield token is not None
    finally:
        if token is not None:
            db.session.rollback()
            release(attempt_id, token)


def claim_next(
    statuses: Collection[str],
    updated_before: dt.datetime,
    skip_ids: Collection[int] = (),
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> tuple[int, str] | None:
    """Claim the oldest unclaimed attempt in ``statuses`` last changed and last checked before ``updated_before``.

    Returns (attempt id, claim token), or None when nothing is left. Ids in
    ``skip_ids`` (already handled by this worker) are passed over. An
    attempt another worker checked since ``updated_before`` is not returned,
    but the caller must look again after claiming, because that check may
    end between this SELECT and the claim.
    """
    while True:
        now = utcnow()
        query = (
            select(PaymentAttempt.id)
            .where(
                PaymentAttempt.status.in_(list(statuses)),
                PaymentAttempt.updated_at < updated_before,
                or_(PaymentAttempt.status_checked_at.is_(None), PaymentAttempt.status_checked_at < updated_before),
                _claimable(now),
            )
            .order_by(PaymentAttempt.updated_at, PaymentAttempt.id)
            .limit(1)
        )
        if skip_ids:
            query = query.where(PaymentAttempt.id.not_in(list(skip_ids)))
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        attempt_id = db.session.scalar(query)
        if attempt_id is None:
            db.session.rollback()
            return None
        token = claim(attempt_id, lease_seconds)
        if token is not None:
            return attempt_id, token
        # Another worker claimed it between the SELECT and the UPDATE (SQLite); look again.
        skip_ids = {*skip_ids, attempt_id}
