"""CAPTURE, VOID_AUTHORIZATION and REFUND on an earlier payment.

The payment is found by ``merchant_reference`` (and ``fort_id`` when sent,
which must match). Request problems get status 00: amount 00005, currency
00013 (also when it differs from the payment's), payment not found 00036, a
``maintenance_reference`` already used by a successful operation 00066. An
operation the payment's state does not allow gets the command's failure
status (05 capture, 07 refund, 09 void):

- xx662 while the payment is still pending (15, 19 or 20);
- xx034 when the operation does not apply. That is CAPTURE or
  VOID_AUTHORIZATION of anything but a successful AUTHORIZATION (02000),
  any operation after a void, REFUND of a declined or failed payment, and
  VOID_AUTHORIZATION after a capture. NOTE: APS documents no code for the
  last case, nor 034 and 662 for these operations;
- 05042 when a capture exceeds the authorized amount not yet captured;
- 07048 when a refund exceeds the captured amount not yet refunded, which
  includes any refund of an AUTHORIZATION that was never captured.

Partial and repeated captures and refunds are allowed. Success is 04000,
08000 or 06000. Every successful operation is also sent as a notification
feedback with the same fields as the JSON response. CHECK_STATUS then
reports it as the transaction's latest ``transaction_code``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from ..delivery import NOTIFICATION
from ..i18n import page_language
from ..messages import echo_request, result_fields, sign
from ..state import SimulatorState
from ..store import Operation, Transaction
from ..validation import DUPLICATE_REFERENCE, INVALID_CURRENCY, Rejection, check_amount, check_currency
from . import api_command

logger = logging.getLogger("shop.simulator.api")

BASE_MANDATORY = ("command", "access_code", "merchant_identifier", "merchant_reference", "language", "signature")
ORDER_NOT_FOUND = "00036"
NOT_ALLOWED = "034"
NOT_CONFIRMED = "662"
OVER_AUTHORIZED = "042"
OVER_CAPTURED = "048"
PENDING_STATUSES = frozenset({"15", "19", "20"})

SUCCESS = {"CAPTURE": "04000", "REFUND": "06000", "VOID_AUTHORIZATION": "08000"}
FAILURE_STATUS = {"CAPTURE": "05", "REFUND": "07", "VOID_AUTHORIZATION": "09"}

# Decides one operation on a transaction (under the store lock): returns the
# failing message code, or None to apply it.
Decision = Callable[[Transaction, int], str | None]


def _state_problem(transaction: Transaction) -> str | None:
    if transaction.status in PENDING_STATUSES:
        return NOT_CONFIRMED
    if transaction.voided:
        return NOT_ALLOWED
    return None


def _decide_capture(transaction: Transaction, amount: int) -> str | None:
    problem = _state_problem(transaction)
    if problem:
        return problem
    if transaction.command != "AUTHORIZATION" or transaction.response_code != "02000":
        return NOT_ALLOWED
    if amount > int(transaction.authorized_amount) - int(transaction.captured_amount):
        return OVER_AUTHORIZED
    return None


def _decide_void(transaction: Transaction, amount: int) -> str | None:
    problem = _state_problem(transaction)
    if problem:
        return problem
    if transaction.command != "AUTHORIZATION" or transaction.response_code != "02000":
        return NOT_ALLOWED
    if int(transaction.captured_amount) > 0:
        return NOT_ALLOWED
    return None


def _decide_refund(transaction: Transaction, amount: int) -> str | None:
    problem = _state_problem(transaction)
    if problem:
        return problem
    if transaction.response_code not in {"14000", "02000"}:
        return NOT_ALLOWED
    if amount > int(transaction.captured_amount) - int(transaction.refunded_amount):
        return OVER_CAPTURED
    return None


def _apply(transaction: Transaction, command: str, amount: int) -> None:
    if command == "CAPTURE":
        transaction.captured_amount = str(int(transaction.captured_amount) + amount)
    elif command == "REFUND":
        transaction.refunded_amount = str(int(transaction.refunded_amount) + amount)


def _rejected(params: Mapping[str, Any], language: str, rejection: Rejection) -> dict[str, Any]:
    logger.warning(
        "Rejected %s merchant_reference=%s response_code=%s: %s",
        params.get("command", ""), params.get("merchant_reference", ""), rejection.response_code, rejection.detail,
    )
    answer = echo_request(params)
    answer.update(result_fields(rejection.response_code, language))
    return answer


def operate(params: Mapping[str, Any], state: SimulatorState, decide: Decision) -> dict[str, Any]:
    """Check and apply one maintenance operation; return the unsigned response."""
    command = str(params["command"])
    language = page_language(params.get("language"))
    amount_text = params.get("amount")
    if amount_text not in (None, ""):
        rejection = check_amount(amount_text)
        if rejection:
            return _rejected(params, language, rejection)
    currency = params.get("currency")
    if currency not in (None, ""):
        rejection = check_currency(currency)
        if rejection:
            return _rejected(params, language, rejection)

    reference = str(params["merchant_reference"])
    fort_id = str(params["fort_id"]) if params.get("fort_id") else None
    transaction = state.store.find(merchant_reference=reference, fort_id=fort_id)
    if transaction is None:
        return _rejected(params, language, Rejection(ORDER_NOT_FOUND, f"no payment with merchant_reference {reference!r}"))
    if currency not in (None, "") and currency != transaction.currency:
        return _rejected(params, language, Rejection(
            INVALID_CURRENCY, f"currency {currency!r} differs from the payment's {transaction.currency!r}"))

    maintenance_reference = str(params.get("maintenance_reference") or "")
    amount = int(amount_text) if amount_text not in (None, "") else 0
    with state.store.lock:
        if maintenance_reference and any(
            operation.succeeded and operation.maintenance_reference == maintenance_reference
            for operation in transaction.operations
        ):
            return _rejected(params, language, Rejection(
                DUPLICATE_REFERENCE, f"maintenance_reference {maintenance_reference!r} was already used"))
        message_code = decide(transaction, amount)
        response_code = SUCCESS[command] if message_code is None else FAILURE_STATUS[command] + message_code
        if message_code is None:
            _apply(transaction, command, amount)
        transaction.operations.append(Operation(command, str(amount), response_code, maintenance_reference))

    answer = echo_request(params)
    answer["fort_id"] = transaction.fort_id
    answer.update(result_fields(response_code, language))
    logger.info(
        "%s merchant_reference=%s fort_id=%s amount=%s response_code=%s",
        command, reference, transaction.fort_id, amount, response_code,
    )
    if message_code is None:
        state.feedback.send(NOTIFICATION, sign(answer, state.settings))
    return answer


@api_command("CAPTURE", mandatory=BASE_MANDATORY + ("amount", "currency"))
def capture(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Capture all or part of an authorized amount (04000)."""
    return operate(params, state, _decide_capture)


@api_command("VOID_AUTHORIZATION", mandatory=BASE_MANDATORY)
def void_authorization(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Cancel an authorization that has no capture yet (08000); amount and currency are optional."""
    return operate(params, state, _decide_void)


@api_command("REFUND", mandatory=BASE_MANDATORY + ("amount", "currency"))
def refund(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Refund all or part of a captured amount (06000)."""
    return operate(params, state, _decide_refund)
