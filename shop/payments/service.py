"""Payment attempts: building APS requests and applying APS messages to orders."""

from __future__ import annotations

import json
import logging
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from ..aps import check_fields, interpret_response, to_minor_units
from ..aps.fields import FIELD_RULES
from ..extensions import db
from ..models import AttemptStatus, Order, PaymentAttempt, PaymentEvent, utcnow
from .gateway import get_client
from .methods import PaymentMethod
from .states import ALLOWED_PREDECESSORS, OPEN_STATES, OUTCOME_TO_STATUS, order_status_for

logger = logging.getLogger("shop.payments")

# Transports of APS messages, as stored in PaymentEvent.transport.
TRANSPORT_RETURN_POST = "return-post"
TRANSPORT_RETURN_GET = "return-get"
TRANSPORT_FEEDBACK = "feedback"
TRANSPORT_NOTIFICATION = "notification"
TRANSPORT_API = "api-response"

# Fields copied from APS messages into PaymentAttempt.details for receipts and the back office.
DETAIL_FIELDS = (
    "knet_ref_number",
    "third_party_transaction_number",
    "authorization_code",
    "eci",
    "expiry_date",
    "card_holder_name",
    "token_name",
    "number_of_installments",
    "agreement_id",
    "acquirer_response_code",
    "reconciliation_reference",
    "transaction_date",
    "phone_number",
    "digital_wallet",
)


def new_merchant_reference(order: Order) -> str:
    """Return a fresh merchant_reference for ``order``: the order number and a random suffix.

    APS allows at most 40 characters of letters, digits and ``- _ .``, unique
    per request, so each attempt of an order gets its own.
    """
    return f"{order.number}-{secrets.token_hex(3).upper()}"


def start_attempt(order: Order, method: PaymentMethod, command: str | None = None) -> PaymentAttempt:
    """Create the payment attempt for paying ``order`` with ``method``.

    Methods that APS allows only as PURCHASE (mada, KNET, STC Pay...) are
    sent as PURCHASE even when the shop is configured for AUTHORIZATION.
    """
    configured = command or current_app.config["APS_COMMAND"]
    attempt = PaymentAttempt(
        order=order,
        merchant_reference=new_merchant_reference(order),
        method=method.code,
        integration=method.integration,
        command="PURCHASE" if method.purchase_only else configured,
        amount_minor=to_minor_units(order.total, order.currency),
        currency=order.currency,
        language=order.language,
        status=AttemptStatus.CREATED.value,
        details={},
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def return_url() -> str:
    """Return the absolute URL APS sends the shopper's browser back to."""
    return current_app.config["SHOP_BASE_URL"] + "/aps/return"


def aps_customer_name(name: str) -> str | None:
    """Return the shopper's name as APS's ``customer_name`` accepts it, or None to leave it out.

    APS allows at most 40 Latin letters, spaces and ``_ \\ / - . '`` in
    customer_name. Accents are dropped ("José" becomes "Jose"). A name in
    Arabic script cannot be sent faithfully, and a transliteration would put a
    spelling the shopper never chose on bank records, so it is left out. The
    field is optional, and the shop keeps the original name in its own records.
    """
    decomposed = unicodedata.normalize("NFKD", name.strip())
    latin = "".join(char for char in decomposed if not unicodedata.combining(char))
    latin = " ".join(latin.split())
    rule = FIELD_RULES["customer_name"]
    if not latin or len(latin) > rule.max_length or not rule.pattern.fullmatch(latin):
        return None
    return latin


def redirection_params(attempt: PaymentAttempt, method: PaymentMethod, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Build the unsigned parameters of a hosted-page (redirection) request."""
    order = attempt.order
    params: dict[str, str] = {
        "command": attempt.command,
        "merchant_reference": attempt.merchant_reference,
        "amount": attempt.amount_minor,
        "currency": attempt.currency,
        "language": attempt.language,
        "customer_email": order.customer_email,
        "return_url": return_url(),
        "order_description": f"Order {order.number}",
        **method.request_params,
    }
    customer_name = aps_customer_name(order.customer_name or "")
    if customer_name:
        params["customer_name"] = customer_name
    if method.extra_params is not None:
        params.update(method.extra_params(attempt))
    if extra:
        params.update(extra)
    problems = check_fields(params)
    if problems:
        raise ValueError("; ".join(problem.message for problem in problems))
    return params


def redirection_form(attempt: PaymentAttempt, method: PaymentMethod, extra: Mapping[str, str] | None = None) -> tuple[str, dict[str, Any]]:
    """Return the paymentPage URL and the signed form fields for ``attempt``."""
    url, fields = get_client().redirection_form(redirection_params(attempt, method, extra))
    if attempt.status == AttemptStatus.CREATED.value:
        attempt.status = AttemptStatus.PENDING.value
        attempt.order.status = order_status_for([a.status for a in attempt.order.attempts])
    return url, fields


@dataclass
class MessageResult:
    """The shop's decision about one APS message."""

    accepted: bool
    verdict: str
    attempt: PaymentAttempt | None = None
    event: PaymentEvent | None = None

    @property
    def rejected(self) -> bool:
        return self.verdict.startswith("rejected")


# Handlers of verified messages about something other than a payment result,
# by their ``command`` (CAPTURE, REFUND, VOID_AUTHORIZATION: see
# operations.py). A handler gets (attempt, params, transport, raw_body,
# content_type), applies the message, commits and returns a MessageResult.
COMMAND_HANDLERS: dict[str, Callable[..., MessageResult]] = {}

# Functions called with (result, params) after a verified payment result was
# applied and committed, for side effects such as saving a card.
MESSAGE_LISTENERS: list[Callable[[MessageResult, Mapping[str, Any]], None]] = []


def _record(
    transport: str,
    params: Mapping[str, Any],
    raw_body: str,
    content_type: str,
    signature_valid: bool,
    verdict: str,
    attempt: PaymentAttempt | None,
) -> PaymentEvent:
    event = PaymentEvent(
        attempt=attempt,
        merchant_reference=str(params.get("merchant_reference", ""))[:120],
        transport=transport,
        content_type=content_type[:120],
        raw_body=raw_body,
        params=dict(params),
        signature_valid=signature_valid,
        verdict=verdict[:200],
        response_code=str(params.get("response_code", ""))[:5] or None,
    )
    db.session.add(event)
    return event


def _reject(transport: str, params: Mapping[str, Any], raw_body: str, content_type: str, reason: str,
            signature_valid: bool = False, attempt: PaymentAttempt | None = None) -> MessageResult:
    logger.warning(
        "Rejected APS %s message merchant_reference=%s: %s",
        transport, params.get("merchant_reference", "") if isinstance(params, Mapping) else "", reason,
    )
    event = _record(transport, params if isinstance(params, Mapping) else {}, raw_body, content_type,
                    signature_valid, f"rejected: {reason}", attempt)
    db.session.commit()
    return MessageResult(False, f"rejected: {reason}", attempt, event)


def handle_aps_message(
    params: Mapping[str, Any],
    transport: str,
    raw_body: str = "",
    content_type: str = "",
) -> MessageResult:
    """Verify an APS message and apply it to its payment attempt.

    The signature is checked over exactly the fields received before anything
    else is read. Then the amount and currency must match the attempt. The
    state change is idempotent: a repeated or late message is recorded and
    changes nothing.
    """
    if not params:
        return _reject(transport, {}, raw_body, content_type, "empty message")
    if "signature" not in params:
        return _reject(transport, params, raw_body, content_type, "missing signature")
    if not get_client().verify(params):
        return _reject(transport, params, raw_body, content_type, "signature mismatch")

    reference = params.get("merchant_reference")
    if not reference or not params.get("response_code"):
        return _reject(transport, params, raw_body, content_type,
                       "missing merchant_reference or response_code", signature_valid=True)

    attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == str(reference)))
    if attempt is None:
        return _reject(transport, params, raw_body, content_type,
                       f"unknown merchant_reference {reference}", signature_valid=True)

    command_handler = COMMAND_HANDLERS.get(str(params.get("command", "")))
    if command_handler is not None:
        return command_handler(attempt, params, transport, raw_body, content_type)

    amount = params.get("amount")
    currency = params.get("currency")
    if amount is not None and str(amount) != attempt.amount_minor:
        return _reject(transport, params, raw_body, content_type,
                       f"amount {amount} does not match the attempt's {attempt.amount_minor}", True, attempt)
    if currency is not None and str(currency) != attempt.currency:
        return _reject(transport, params, raw_body, content_type,
                       f"currency {currency} does not match the attempt's {attempt.currency}", True, attempt)

    interpretation = interpret_response(params)
    target = OUTCOME_TO_STATUS.get(interpretation.outcome)
    if target is None:
        event = _record(transport, params, raw_body, content_type, True,
                        f"ignored: outcome {interpretation.outcome.value}", attempt)
        db.session.commit()
        return MessageResult(True, event.verdict, attempt, event)

    verdict = _transition(attempt, target, params)
    event = _record(transport, params, raw_body, content_type, True, verdict, attempt)
    db.session.commit()
    logger.info(
        "APS %s message merchant_reference=%s response_code=%s verdict=%s",
        transport, reference, params.get("response_code"), verdict,
    )
    result = MessageResult(True, verdict, attempt, event)
    for listener in MESSAGE_LISTENERS:
        listener(result, params)
    return result


def _transition(attempt: PaymentAttempt, target: AttemptStatus, params: Mapping[str, Any]) -> str:
    """Move ``attempt`` to ``target`` if its current state allows; return the verdict."""
    allowed = ALLOWED_PREDECESSORS.get(target, frozenset())
    now = utcnow()
    values: dict[str, Any] = {
        "status": target.value,
        "response_code": str(params.get("response_code", ""))[:5] or None,
        "response_message": str(params.get("response_message", ""))[:300] or None,
        "updated_at": now,
    }
    if params.get("fort_id"):
        values["fort_id"] = str(params["fort_id"])[:20]
    if params.get("payment_option"):
        values["payment_option"] = str(params["payment_option"])[:20]
    if params.get("card_number"):
        values["card_number"] = str(params["card_number"])[:32]
    if target not in OPEN_STATES:
        values["settled_at"] = now

    result = db.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt.id, PaymentAttempt.status.in_([state.value for state in allowed]))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if result.rowcount != 1:
        if attempt.status == target.value:
            return "duplicate"
        return f"ignored: attempt is {attempt.status}, not moved to {target.value}"

    details = dict(attempt.details or {})
    for name in DETAIL_FIELDS:
        if params.get(name) not in (None, ""):
            details[name] = str(params[name])
    attempt.details = details
    order = attempt.order
    order.status = order_status_for([a.status for a in order.attempts]).value
    return "accepted"


def order_as_dict(order: Order) -> dict[str, Any]:
    """Describe an order with its attempts and raw APS events, for the CLI and support."""
    return {
        "number": order.number,
        "status": order.status,
        "customer_email": order.customer_email,
        "currency": order.currency,
        "total": str(order.total),
        "language": order.language,
        "created_at": order.created_at.isoformat(),
        "lines": [
            {"name": line.name_en, "quantity": line.quantity, "unit_price": str(line.unit_price)}
            for line in order.lines
        ],
        "attempts": [
            {
                "merchant_reference": attempt.merchant_reference,
                "method": attempt.method,
                "command": attempt.command,
                "amount_minor": attempt.amount_minor,
                "currency": attempt.currency,
                "status": attempt.status,
                "fort_id": attempt.fort_id,
                "response_code": attempt.response_code,
                "response_message": attempt.response_message,
                "payment_option": attempt.payment_option,
                "card_number": attempt.card_number,
                "details": attempt.details,
                "created_at": attempt.created_at.isoformat(),
                "events": [
                    {
                        "received_at": event.received_at.isoformat(),
                        "transport": event.transport,
                        "verdict": event.verdict,
                        "signature_valid": event.signature_valid,
                        "response_code": event.response_code,
                        "content_type": event.content_type,
                        "params": event.params,
                    }
                    for event in attempt.events
                ],
            }
            for attempt in order.attempts
        ],
    }


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str)
