"""Server-to-server APS operations: payment with a token, CAPTURE, VOID_AUTHORIZATION, REFUND, CHECK_STATUS.

Every call goes through ``APSClient.call``, which signs the request and
returns only a response whose signature matches. Each response is stored as
a ``PaymentEvent``.

Captured and refunded totals are never stored as running counters: they are
the sums of the attempt's succeeded ``PaymentOperation`` rows. An operation
moves to succeeded by a conditional UPDATE, so its own response, the
notification feedback APS sends after it and any repeat of either can count
it only once.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from ..aps import APSError, check_fields, interpret_response
from ..aps.client import masked
from ..extensions import db
from ..models import (
    AttemptStatus,
    OperationStatus,
    PaymentAttempt,
    PaymentEvent,
    PaymentOperation,
    utcnow,
)
from .claims import claimed
from .gateway import get_client
from .service import COMMAND_HANDLERS, TRANSPORT_API, MessageResult, aps_customer_name, return_url
from .states import ALLOWED_PREDECESSORS, order_status_for

logger = logging.getLogger("shop.payments")

CAPTURE = "CAPTURE"
REFUND = "REFUND"
VOID = "VOID_AUTHORIZATION"
MAINTENANCE_COMMANDS = (CAPTURE, REFUND, VOID)
SUCCESS_CODES = {CAPTURE: "04000", REFUND: "06000", VOID: "08000"}

# PaymentEvent.transport of CHECK_STATUS responses.
TRANSPORT_CHECK_STATUS = "check-status"

# Attempt states in which the card issuer has authorized the order's amount.
AUTHORIZED_STATES = frozenset(
    {AttemptStatus.AUTHORIZED.value, AttemptStatus.CAPTURED.value, AttemptStatus.VOIDED.value, AttemptStatus.REFUNDED.value}
)
PAID_STATES = frozenset({AttemptStatus.PAID.value, AttemptStatus.CAPTURED.value, AttemptStatus.REFUNDED.value})


class OperationError(Exception):
    """Raised when an operation cannot be sent; the message is shown to back-office staff."""


# -- recording ----------------------------------------------------------------


def record_event(
    attempt: PaymentAttempt | None,
    transport: str,
    params: Mapping[str, Any],
    verdict: str,
    signature_valid: bool = True,
    raw_body: str = "",
    content_type: str = "application/json",
) -> PaymentEvent:
    """Add a PaymentEvent for an APS response (or for a call that got none) to the session."""
    event = PaymentEvent(
        attempt=attempt,
        merchant_reference=str(params.get("merchant_reference", "") or (attempt.merchant_reference if attempt else ""))[:120],
        transport=transport,
        content_type=content_type[:120],
        raw_body=raw_body or json.dumps(dict(params), ensure_ascii=False, sort_keys=True),
        params=dict(params),
        signature_valid=signature_valid,
        verdict=verdict[:200],
        response_code=str(params.get("response_code", ""))[:5] or None,
    )
    db.session.add(event)
    return event


def record_call_failure(attempt: PaymentAttempt, request_fields: Mapping[str, Any], error: APSError) -> PaymentEvent:
    """Record a paymentApi call that returned no verified response, with the request masked."""
    params = {"error": str(error), "request": masked(request_fields)}
    return record_event(attempt, TRANSPORT_API, params, f"error: {error}", signature_valid=False, raw_body="")


# -- amounts ------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """Minor-unit amounts of an attempt as the back office shows them."""

    authorized: int
    captured: int
    refunded: int

    @property
    def capturable(self) -> int:
        return max(self.authorized - self.captured, 0)

    @property
    def refundable(self) -> int:
        return max(self.captured - self.refunded, 0)


def succeeded_sum(attempt_id: int, command: str) -> int:
    """Return the minor-unit sum of the attempt's succeeded operations of ``command``."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(PaymentOperation.amount_minor), 0)).where(
            PaymentOperation.attempt_id == attempt_id,
            PaymentOperation.command == command,
            PaymentOperation.status == OperationStatus.SUCCEEDED.value,
        )
    )
    return int(total or 0)


def totals(attempt: PaymentAttempt) -> Totals:
    """Return what APS authorized, captured and refunded for ``attempt``, from its succeeded operations.

    A PURCHASE is captured in full when paid. An AUTHORIZATION is captured
    by its CAPTURE operations.
    """
    amount = int(attempt.amount_minor)
    refunded = succeeded_sum(attempt.id, REFUND)
    if attempt.command == "PURCHASE":
        paid = attempt.status in PAID_STATES
        return Totals(amount if paid else 0, amount if paid else 0, refunded)
    authorized = amount if attempt.status in AUTHORIZED_STATES else 0
    return Totals(authorized, succeeded_sum(attempt.id, CAPTURE), refunded)


def display_state(attempt: PaymentAttempt) -> str:
    """Return the attempt's state with the partial states the back office shows.

    ``partially_captured`` and ``partially_refunded`` come from the totals;
    every other value is the attempt's own status.
    """
    status = attempt.status
    if status not in {AttemptStatus.CAPTURED.value, AttemptStatus.PAID.value}:
        return status
    amounts = totals(attempt)
    if amounts.refunded:
        return "partially_refunded"
    if status == AttemptStatus.CAPTURED.value and amounts.captured < amounts.authorized:
        return "partially_captured"
    return status


def allowed_operations(attempt: PaymentAttempt) -> set[str]:
    """Return the maintenance commands the back office offers for ``attempt``."""
    allowed: set[str] = set()
    amounts = totals(attempt)
    if attempt.command == "AUTHORIZATION" and attempt.status in {AttemptStatus.AUTHORIZED.value, AttemptStatus.CAPTURED.value}:
        if amounts.capturable > 0:
            allowed.add(CAPTURE)
        if amounts.captured == 0:
            allowed.add(VOID)
    if attempt.status in {AttemptStatus.PAID.value, AttemptStatus.CAPTURED.value}:
        allowed.add(REFUND)
    return allowed


# -- the attempt's state after an operation ----------------------------------


def move_attempt(attempt: PaymentAttempt, target: AttemptStatus) -> bool:
    """Move ``attempt`` to ``target`` if the state machine allows it; True when it moved.

    Unlike a payment result, an operation leaves the attempt's response code
    and message alone: they describe the payment.
    """
    allowed = [state.value for state in ALLOWED_PREDECESSORS.get(target, frozenset())]
    now = utcnow()
    result = db.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt.id, PaymentAttempt.status.in_(allowed))
        .values(status=target.value, updated_at=now, settled_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if result.rowcount == 1:
        order = attempt.order
        order.status = order_status_for([a.status for a in order.attempts]).value
        return True
    return False


def settle_attempt_after(attempt: PaymentAttempt, command: str) -> None:
    """Update the attempt's state from its totals after a successful ``command``, then commit.

    Runs after the operation's own commit, so the sums include every
    operation committed before, even by another request at the same time.
    """
    if command == CAPTURE:
        move_attempt(attempt, AttemptStatus.CAPTURED)
    elif command == VOID:
        move_attempt(attempt, AttemptStatus.VOIDED)
    elif command == REFUND:
        amounts = totals(attempt)
        if amounts.captured and amounts.refunded >= amounts.captured:
            move_attempt(attempt, AttemptStatus.REFUNDED)
    db.session.commit()


# -- applying maintenance responses and notifications -------------------------


def _operation_for(attempt: PaymentAttempt, params: Mapping[str, Any], states: set[str]) -> PaymentOperation | None:
    """Find the operation a maintenance message is about, among operations in ``states``.

    REFUND messages carry the maintenance_reference the shop sent. CAPTURE
    and VOID_AUTHORIZATION have no such field, so the oldest operation of the
    same command and amount is taken.
    """
    command = str(params.get("command", ""))
    query = select(PaymentOperation).where(
        PaymentOperation.attempt_id == attempt.id,
        PaymentOperation.command == command,
        PaymentOperation.status.in_(states),
    )
    reference = str(params.get("maintenance_reference") or "")
    if reference:
        query = query.where(PaymentOperation.maintenance_reference == reference)
    elif command != VOID:
        amount = str(params.get("amount") or "")
        if not amount.isascii() or not amount.isdigit():
            return None
        query = query.where(PaymentOperation.amount_minor == int(amount))
    return db.session.scalar(query.order_by(PaymentOperation.id).limit(1))


def _set_operation_status(operation: PaymentOperation, status: OperationStatus, params: Mapping[str, Any],
                          from_states: set[str]) -> bool:
    """Move ``operation`` to ``status`` only from ``from_states``; True when this call moved it."""
    result = db.session.execute(
        update(PaymentOperation)
        .where(PaymentOperation.id == operation.id, PaymentOperation.status.in_(from_states))
        .values(
            status=status.value,
            response_code=str(params.get("response_code", ""))[:5] or None,
            response_message=str(params.get("response_message", ""))[:300] or None,
            settled_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(operation)
    return result.rowcount == 1


OPEN_OPERATION_STATES = {OperationStatus.REQUESTED.value, OperationStatus.UNKNOWN.value}


def apply_operation_message(
    attempt: PaymentAttempt,
    params: Mapping[str, Any],
    transport: str,
    raw_body: str = "",
    content_type: str = "application/json",
    operation: PaymentOperation | None = None,
) -> MessageResult:
    """Apply a verified CAPTURE, REFUND or VOID_AUTHORIZATION message to ``attempt`` and commit.

    ``operation`` is given for the response to the shop's own request, which
    decides that operation's outcome. A notification (``operation`` None)
    can only confirm an operation that still waits for its outcome. When it
    finds none, it is a repeat and changes nothing.
    """
    command = str(params.get("command", ""))
    code = str(params.get("response_code", ""))
    currency = params.get("currency")
    if currency is not None and str(currency) != attempt.currency:
        verdict = f"rejected: currency {currency} does not match the attempt's {attempt.currency}"
        event = record_event(attempt, transport, params, verdict, True, raw_body, content_type)
        db.session.commit()
        logger.warning("Rejected APS %s %s merchant_reference=%s: %s", transport, command, attempt.merchant_reference, verdict)
        return MessageResult(False, verdict, attempt, event)

    outcome = interpret_response(params)
    succeeded = code == SUCCESS_CODES.get(command)
    uncertain = not outcome.is_final

    if operation is not None:
        if succeeded:
            target = OperationStatus.SUCCEEDED
        elif uncertain:
            target = OperationStatus.UNKNOWN
        else:
            target = OperationStatus.FAILED
        # APS's response to this very request decides it, even over an earlier notification.
        changed = _set_operation_status(operation, target, params, {s.value for s in OperationStatus} - {target.value})
        verdict = "accepted" if changed else "duplicate"
    elif succeeded:
        operation = _operation_for(attempt, params, OPEN_OPERATION_STATES)
        if operation is not None and _set_operation_status(operation, OperationStatus.SUCCEEDED, params, OPEN_OPERATION_STATES):
            verdict = "accepted"
        elif _operation_for(attempt, params, {OperationStatus.SUCCEEDED.value}) is not None:
            verdict = "duplicate"
        else:
            verdict = "ignored: no matching operation; use Check status to update the totals"
    else:
        verdict = f"ignored: {command} outcome {outcome.outcome.value}"

    event = record_event(attempt, transport, params, verdict, True, raw_body, content_type)
    db.session.commit()
    logger.info(
        "APS %s %s merchant_reference=%s response_code=%s verdict=%s",
        transport, command, attempt.merchant_reference, code, verdict,
    )
    if succeeded and verdict in {"accepted", "duplicate"}:
        # Also for a duplicate: the copy that got here first may not have
        # moved the attempt yet, and the move is conditional, so it happens once.
        settle_attempt_after(attempt, command)
    return MessageResult(True, verdict, attempt, event)


def _handle_maintenance_message(
    attempt: PaymentAttempt, params: Mapping[str, Any], transport: str, raw_body: str, content_type: str
) -> MessageResult:
    return apply_operation_message(attempt, params, transport, raw_body, content_type)


for _command in MAINTENANCE_COMMANDS:
    COMMAND_HANDLERS[_command] = _handle_maintenance_message


# -- back-office operations ---------------------------------------------------


@dataclass
class OperationResult:
    """Outcome of one back-office operation."""

    ok: bool
    message: str
    operation: PaymentOperation | None = None
    response_code: str = ""


def new_maintenance_reference(attempt: PaymentAttempt) -> str:
    """Return a unique reference for one operation (at most 40 of APS's allowed characters)."""
    return f"{attempt.merchant_reference[:30]}-{secrets.token_hex(4).upper()}"


def operation_params(attempt: PaymentAttempt, operation: PaymentOperation) -> dict[str, str]:
    """Build the unsigned request of a CAPTURE, REFUND or VOID_AUTHORIZATION."""
    params: dict[str, str] = {
        "command": operation.command,
        "merchant_reference": attempt.merchant_reference,
        "language": attempt.language,
    }
    if attempt.fort_id:
        params["fort_id"] = attempt.fort_id
    if operation.command in (CAPTURE, REFUND):
        params["amount"] = str(operation.amount_minor)
        params["currency"] = attempt.currency
    if operation.command == REFUND:
        params["maintenance_reference"] = operation.maintenance_reference
    return params


def run_operation(attempt: PaymentAttempt, command: str, amount_minor: int = 0) -> OperationResult:
    """Send one maintenance operation for ``attempt`` and apply APS's response.

    Only one operation per attempt runs at a time. Amount limits are left to
    APS, which responds 05042 (over-capture) or 07048 (over-refund). Such a
    response marks the operation failed and changes no total.
    """
    if command not in MAINTENANCE_COMMANDS:
        raise ValueError(f"unknown maintenance command {command!r}")
    if command != VOID and amount_minor <= 0:
        raise OperationError("amount must be greater than zero")

    with claimed(attempt.id) as got_claim:
        if not got_claim:
            return OperationResult(False, "busy")
        operation = PaymentOperation(
            attempt=attempt,
            command=command,
            amount_minor=amount_minor if command != VOID else 0,
            maintenance_reference=new_maintenance_reference(attempt),
            status=OperationStatus.REQUESTED.value,
        )
        db.session.add(operation)
        db.session.commit()

        params = operation_params(attempt, operation)
        try:
            answer = get_client().call(params)
        except APSError as error:
            _set_operation_status(operation, OperationStatus.UNKNOWN, {"response_message": str(error)}, {OperationStatus.REQUESTED.value})
            record_call_failure(attempt, params, error)
            db.session.commit()
            logger.warning("APS %s failed without a verified response merchant_reference=%s: %s; use Check status", command, attempt.merchant_reference, error)
            return OperationResult(False, "no_answer", operation)

        result = apply_operation_message(attempt, answer, TRANSPORT_API, operation=operation)
        db.session.refresh(operation)
        code = str(answer.get("response_code", ""))
        return OperationResult(operation.status == OperationStatus.SUCCEEDED.value, result.verdict, operation, code)


# -- CHECK_STATUS -------------------------------------------------------------


def check_status_answer(attempt: PaymentAttempt) -> dict[str, Any]:
    """Send CHECK_STATUS for ``attempt`` and return the verified response (raises ``APSError``)."""
    params = {"query_command": "CHECK_STATUS", "merchant_reference": attempt.merchant_reference, "language": attempt.language}
    return get_client().call(params)


def _amount_field(answer: Mapping[str, Any], name: str) -> int | None:
    value = str(answer.get(name, "") or "")
    return int(value) if value.isascii() and value.isdigit() else None


def sync_operations(attempt: PaymentAttempt, answer: Mapping[str, Any]) -> list[str]:
    """Bring the attempt's operations in line with CHECK_STATUS's captured and refunded amounts.

    Operations without an outcome are confirmed oldest first while APS's
    total exceeds the shop's; the rest are marked failed. An amount APS
    reports that no operation of the shop explains (an operation made in
    the APS back office) becomes an operation of its own. Returns notes for
    the event's verdict. The caller commits.
    """
    notes: list[str] = []
    reported = {REFUND: _amount_field(answer, "refunded_amount")}
    if attempt.command == "AUTHORIZATION":
        reported[CAPTURE] = _amount_field(answer, "captured_amount")
    for command, aps_total in reported.items():
        if aps_total is None:
            continue
        difference = aps_total - succeeded_sum(attempt.id, command)
        waiting = db.session.scalars(
            select(PaymentOperation)
            .where(
                PaymentOperation.attempt_id == attempt.id,
                PaymentOperation.command == command,
                PaymentOperation.status == OperationStatus.UNKNOWN.value,
            )
            .order_by(PaymentOperation.id)
        ).all()
        for operation in waiting:
            if 0 < operation.amount_minor <= difference:
                operation.status = OperationStatus.SUCCEEDED.value
                operation.response_message = "confirmed by CHECK_STATUS"
                difference -= operation.amount_minor
            else:
                operation.status = OperationStatus.FAILED.value
                operation.response_message = "not in the CHECK_STATUS totals"
            operation.settled_at = utcnow()
        if difference > 0:
            db.session.add(
                PaymentOperation(
                    attempt=attempt,
                    command=command,
                    amount_minor=difference,
                    maintenance_reference=new_maintenance_reference(attempt),
                    status=OperationStatus.SUCCEEDED.value,
                    response_message="found by CHECK_STATUS",
                    settled_at=utcnow(),
                )
            )
            notes.append(f"{command} total {aps_total} found by CHECK_STATUS")
        elif difference < 0:
            logger.warning(
                "APS reports %s total %s below the shop's for merchant_reference=%s",
                command, aps_total, attempt.merchant_reference,
            )
            notes.append(f"APS {command} total {aps_total} is below the shop's")
    voided = str(answer.get("transaction_code", "")) == SUCCESS_CODES[VOID]
    for operation in db.session.scalars(
        select(PaymentOperation).where(
            PaymentOperation.attempt_id == attempt.id,
            PaymentOperation.command == VOID,
            PaymentOperation.status == OperationStatus.UNKNOWN.value,
        )
    ):
        operation.status = (OperationStatus.SUCCEEDED if voided else OperationStatus.FAILED).value
        operation.response_message = "confirmed by CHECK_STATUS" if voided else "CHECK_STATUS shows no void"
        operation.settled_at = utcnow()
    db.session.flush()
    return notes


# -- payment with a token (merchant page) ------------------------------------


@dataclass(frozen=True)
class InstallmentChoice:
    """An installment plan the shopper picked from GET_INSTALLMENTS_PLANS."""

    plan_code: str
    issuer_code: str


def token_payment_params(
    attempt: PaymentAttempt,
    token_name: str,
    customer_ip: str,
    remember_me: str | None = None,
    card_security_code: str | None = None,
    installment: InstallmentChoice | None = None,
    device_fingerprint: str | None = None,
) -> dict[str, str]:
    """Build the unsigned PURCHASE or AUTHORIZATION with ``token_name`` of a merchant-page payment.

    ``card_security_code`` is for merchants whose own servers may handle the
    CVV under PCI DSS. The merchant page never passes it, because the
    shopper's browser sends the CVV to APS with the TOKENIZATION request. Raises
    ``ValueError`` when a field breaks APS's rules.
    """
    order = attempt.order
    params: dict[str, str] = {
        "command": attempt.command,
        "merchant_reference": attempt.merchant_reference,
        "amount": attempt.amount_minor,
        "currency": attempt.currency,
        "language": attempt.language,
        "customer_email": order.customer_email,
        "customer_ip": customer_ip,
        "token_name": token_name,
        "eci": "ECOMMERCE",
        "return_url": return_url(),
        "order_description": f"Order {order.number}",
    }
    customer_name = aps_customer_name(order.customer_name or "")
    if customer_name:
        params["customer_name"] = customer_name
    if remember_me in {"YES", "NO"}:
        params["remember_me"] = remember_me
    if card_security_code:
        params["card_security_code"] = card_security_code
    if installment is not None:
        params.update(installments="YES", plan_code=installment.plan_code, issuer_code=installment.issuer_code)
    if device_fingerprint:
        params["device_fingerprint"] = device_fingerprint
    problems = check_fields(params)
    if problems:
        raise ValueError("; ".join(problem.message for problem in problems))
    return params


def pay_with_token(attempt: PaymentAttempt, params: Mapping[str, str]) -> dict[str, Any]:
    """Send the token payment and return APS's verified response (raises ``APSError``)."""
    logger.info("APS %s with token merchant_reference=%s", params.get("command"), attempt.merchant_reference)
    return get_client().call(params)


# -- tokens and installment plans ---------------------------------------------


def update_token(token_name: str, token_status: str, language: str) -> dict[str, Any]:
    """Send UPDATE_TOKEN (``token_status`` ACTIVE or INACTIVE) with a fresh merchant_reference."""
    params = {
        "service_command": "UPDATE_TOKEN",
        "merchant_reference": "TOK-" + secrets.token_hex(8).upper(),
        "language": language,
        "token_name": token_name,
        "token_status": token_status,
    }
    return get_client().call(params)


def installment_plans(amount_minor: str, currency: str, language: str) -> dict[str, Any]:
    """Send GET_INSTALLMENTS_PLANS for an amount and return the verified response (raises ``APSError``).

    ``installment_detail`` is not covered by APS's signature, so treat it as
    display data: the plan the shopper picks is checked by APS again when
    the payment is sent.
    """
    params = {"query_command": "GET_INSTALLMENTS_PLANS", "amount": amount_minor, "currency": currency, "language": language}
    return get_client().call(params)

