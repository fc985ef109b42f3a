"""Payment-attempt state machine.

A message from APS moves an attempt only along ``ALLOWED_PREDECESSORS``, so
a late or repeated message never turns a final state back into an earlier
one. The move is a single conditional UPDATE, which makes concurrent
deliveries of the same result cause exactly one transition on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from ..aps.codes import Outcome
from ..models import AttemptStatus, OrderStatus

OPEN_STATES = frozenset(
    {AttemptStatus.CREATED, AttemptStatus.PENDING, AttemptStatus.ON_HOLD, AttemptStatus.THREE_DS}
)

ALLOWED_PREDECESSORS: dict[AttemptStatus, frozenset[AttemptStatus]] = {
    AttemptStatus.PENDING: OPEN_STATES - {AttemptStatus.PENDING},
    AttemptStatus.ON_HOLD: OPEN_STATES - {AttemptStatus.ON_HOLD},
    AttemptStatus.THREE_DS: frozenset({AttemptStatus.CREATED, AttemptStatus.PENDING}),
    AttemptStatus.PAID: OPEN_STATES,
    AttemptStatus.AUTHORIZED: OPEN_STATES,
    AttemptStatus.DECLINED: OPEN_STATES,
    AttemptStatus.CANCELLED: OPEN_STATES,
    AttemptStatus.FAILED: OPEN_STATES,
    AttemptStatus.CAPTURED: frozenset({AttemptStatus.AUTHORIZED}),
    AttemptStatus.VOIDED: frozenset({AttemptStatus.AUTHORIZED}),
    AttemptStatus.REFUNDED: frozenset({AttemptStatus.PAID, AttemptStatus.CAPTURED}),
}

OUTCOME_TO_STATUS: dict[Outcome, AttemptStatus] = {
    Outcome.PAID: AttemptStatus.PAID,
    Outcome.AUTHORIZED: AttemptStatus.AUTHORIZED,
    Outcome.THREE_DS_REQUIRED: AttemptStatus.THREE_DS,
    Outcome.PENDING: AttemptStatus.PENDING,
    Outcome.ON_HOLD: AttemptStatus.ON_HOLD,
    Outcome.DECLINED: AttemptStatus.DECLINED,
    Outcome.CANCELLED: AttemptStatus.CANCELLED,
    Outcome.INVALID_REQUEST: AttemptStatus.FAILED,
    Outcome.FAILED: AttemptStatus.FAILED,
    Outcome.CAPTURED: AttemptStatus.CAPTURED,
    Outcome.VOIDED: AttemptStatus.VOIDED,
    Outcome.REFUNDED: AttemptStatus.REFUNDED,
}

ATTEMPT_TO_ORDER: dict[AttemptStatus, OrderStatus] = {
    AttemptStatus.CREATED: OrderStatus.AWAITING_PAYMENT,
    AttemptStatus.PENDING: OrderStatus.PAYMENT_PENDING,
    AttemptStatus.ON_HOLD: OrderStatus.PAYMENT_PENDING,
    AttemptStatus.THREE_DS: OrderStatus.PAYMENT_PENDING,
    AttemptStatus.PAID: OrderStatus.PAID,
    AttemptStatus.AUTHORIZED: OrderStatus.AUTHORIZED,
    AttemptStatus.CAPTURED: OrderStatus.PAID,
    AttemptStatus.DECLINED: OrderStatus.DECLINED,
    AttemptStatus.CANCELLED: OrderStatus.CANCELLED,
    AttemptStatus.FAILED: OrderStatus.FAILED,
    AttemptStatus.REFUNDED: OrderStatus.REFUNDED,
    AttemptStatus.VOIDED: OrderStatus.VOIDED,
}

# When an order has several attempts, the one with the strongest state decides its status.
_ORDER_STATUS_STRENGTH: dict[OrderStatus, int] = {
    OrderStatus.REFUNDED: 7,
    OrderStatus.VOIDED: 6,
    OrderStatus.PAID: 5,
    OrderStatus.AUTHORIZED: 5,
    OrderStatus.PAYMENT_PENDING: 3,
}


def order_status_for(attempt_statuses: list[str]) -> OrderStatus:
    """Derive an order's status from its attempts' statuses, oldest first.

    A paid, authorized, refunded or voided attempt wins; then a pending one;
    otherwise the newest attempt's state (declined, cancelled, failed) holds.
    """
    if not attempt_statuses:
        return OrderStatus.AWAITING_PAYMENT
    candidates = [ATTEMPT_TO_ORDER[AttemptStatus(status)] for status in attempt_statuses]
    strongest = max(candidates, key=lambda status: _ORDER_STATUS_STRENGTH.get(status, 0))
    if _ORDER_STATUS_STRENGTH.get(strongest, 0) > 0:
        return strongest
    return candidates[-1]
