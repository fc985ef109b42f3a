"""Ending a payment: the result message, the stored transaction and its delivery.

Every hosted-page handler ends a payment with ``finish_payment``, so each
result is built, signed, stored for CHECK_STATUS and delivered the same way.
Server-to-server token payments use ``complete_payment``, the same without
the browser's way back.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any, NamedTuple

from flask import Response

from .delivery import DIRECT, NOTIFICATION, dropped_return_page, return_form, return_redirect, return_url_for
from .i18n import page_language, render_page, response_message
from .messages import echo_request, error_message, escape_apostrophes, result_fields, sign
from .state import SimulatorState, get_state
from .store import PageSession, Transaction
from .validation import Rejection

logger = logging.getLogger("shop.simulator")

SUCCESS_CODES = {"PURCHASE": "14000", "AUTHORIZATION": "02000"}
# Ways the browser carries a result to return_url: a form POST (hosted pages)
# or a GET with a query string (merchant-page tokenization, and the end of
# the 3-D Secure check of a server-to-server payment).
RETURN_POST = "POST"
RETURN_GET = "GET"
# PageSession.data keys that a handler sets to change how finish_payment ends a session.
RETURN_METHOD_KEY = "return_method"
RESULT_FIELDS_KEY = "result_fields"
# The status part of a refusal: 13 "purchase failure", 03 "authorization failed".
FAILURE_STATUS = {"PURCHASE": "13", "AUTHORIZATION": "03"}


def success_code(command: str) -> str:
    """Return the success response_code of ``command`` (14000 or 02000)."""
    return SUCCESS_CODES[command]


def failure_code(command: str, message_code: str) -> str:
    """Return the refusal code of ``command`` for a three-digit message code (13666, 03666...)."""
    return FAILURE_STATUS[command] + message_code


def new_authorization_code() -> str:
    """Return a random six-digit authorization code, like an acquirer's."""
    return f"{secrets.randbelow(1_000_000):06d}"


def is_tokenization(request: Mapping[str, Any]) -> bool:
    """Tell whether ``request`` is a merchant-page TOKENIZATION request."""
    return request.get("service_command") == "TOKENIZATION"


def browser_return(url: str, message: Mapping[str, Any], language: str, method: str = RETURN_POST) -> Any:
    """Send the shopper back to ``url`` with the signed ``message`` (form POST or GET).

    While the SIMULATOR_DROP_RETURN switch is on, the shopper stays on a
    simulator page instead and only the feedback reaches the merchant.
    """
    if get_state().switches.drop_return:
        logger.warning(
            "Dropped browser return merchant_reference=%s response_code=%s: SIMULATOR_DROP_RETURN is on",
            message.get("merchant_reference", ""), message.get("response_code", ""),
        )
        return dropped_return_page(message, language)
    if method == RETURN_GET:
        return return_redirect(url, message)
    return return_form(url, message, language)


def reject_page_request(request: Mapping[str, Any], rejection: Rejection) -> tuple[Any, int]:
    """Respond to a rejected paymentPage request with its signed error message.

    The message goes to the return URL by browser form POST, or by GET for a
    TOKENIZATION request, whose result also echoes ``return_url`` as the APS
    sandbox does. With no usable return URL the simulator shows the code on an
    error page instead.
    """
    state = get_state()
    language = page_language(request.get("language"))
    url = return_url_for(request, state.settings)
    fields = error_message(request, rejection.response_code)
    if is_tokenization(request) and url:
        fields["return_url"] = url
    message = sign(fields, state.settings)
    logger.warning(
        "Rejected paymentPage request merchant_reference=%s response_code=%s: %s",
        request.get("merchant_reference", ""), rejection.response_code, rejection.detail,
    )
    if not url:
        return error_page(rejection.response_code, rejection.detail, language), 400
    method = RETURN_GET if is_tokenization(request) else RETURN_POST
    way_back = browser_return(url, message, language, method)
    return way_back, way_back.status_code if isinstance(way_back, Response) else 200


def error_page(response_code: str, detail: str, language: str) -> str:
    """Render the page shown when a result cannot be sent back to the merchant."""
    return render_page(
        "error.html",
        language,
        response_code=response_code,
        response_message=response_message(response_code, language),
        detail=detail,
    )


def session_ended_page(language: str) -> tuple[str, int]:
    """Render the page for a hosted-page URL whose session is unknown, expired or already used."""
    return render_page("session_ended.html", page_language(language)), 410


def amounts_after(response_code: str, amount: str) -> dict[str, str]:
    """Return the authorized and captured amounts CHECK_STATUS reports after ``response_code``."""
    if response_code == "14000":
        return {"authorized_amount": amount, "captured_amount": amount}
    if response_code == "02000":
        return {"authorized_amount": amount, "captured_amount": "0"}
    return {"authorized_amount": "0", "captured_amount": "0"}


def record_transaction(session: PageSession, response_code: str, fort_id: str | None = None,
                       payment_option: str = "", authorization_code: str = "") -> Transaction:
    """Create or replace the transaction of ``session`` with ``response_code``."""
    state = get_state()
    request = session.request
    command = request.get("command", "")
    amount = request.get("amount", "0")
    transaction = Transaction(
        merchant_reference=request["merchant_reference"],
        fort_id=fort_id or state.store.new_fort_id(),
        command=command,
        amount=amount,
        currency=request.get("currency", ""),
        language=page_language(request.get("language")),
        response_code=response_code,
        payment_option=payment_option,
        authorization_code=authorization_code,
        token_name=request.get("token_name", ""),
        **amounts_after(response_code, amount),
    )
    state.store.save(transaction)
    return transaction


class FinishedPayment(NamedTuple):
    """Response that takes the shopper back to the merchant (a page or a redirect), and the stored transaction."""

    page: Any
    transaction: Transaction


class CompletedPayment(NamedTuple):
    """Signed result message of a payment and its stored transaction."""

    message: dict[str, Any]
    transaction: Transaction


def complete_payment(
    session: PageSession,
    response_code: str,
    extra_fields: Mapping[str, str],
    fort_id: str | None = None,
) -> CompletedPayment:
    """Build, sign and store the result of ``session`` and send it as direct feedback.

    ``extra_fields`` carries what the payment method adds (masked card
    number, expiry_date, payment_option...), and ``session.data`` may add
    more under ``RESULT_FIELDS_KEY`` (the chosen installment plan). Free text
    in them has its apostrophes escaped like echoed request fields. The
    direct feedback is sent per SIMULATOR_FEEDBACK_MODE.
    """
    state = get_state()
    request = session.request
    language = page_language(request.get("language"))
    extra_fields = {**extra_fields, **session.data.get(RESULT_FIELDS_KEY, {})}
    succeeded = response_code in SUCCESS_CODES.values()
    authorization_code = new_authorization_code() if succeeded else ""
    payment_option = str(extra_fields.get("payment_option", ""))

    transaction = record_transaction(session, response_code, fort_id, payment_option, authorization_code)

    fields: dict[str, Any] = echo_request(request)
    fields.setdefault("eci", "ECOMMERCE")
    fields["customer_ip"] = escape_apostrophes(session.customer_ip)
    fields.update({name: escape_apostrophes(str(value)) for name, value in extra_fields.items()})
    fields["fort_id"] = transaction.fort_id
    fields.update(result_fields(response_code, language))
    if authorization_code:
        fields["authorization_code"] = authorization_code

    message = sign(fields, state.settings)
    unsigned = {name: value for name, value in message.items() if name != "signature"}
    state.store.update(transaction, lambda txn: txn.result.update(unsigned))
    logger.info(
        "Payment finished merchant_reference=%s fort_id=%s response_code=%s",
        transaction.merchant_reference, transaction.fort_id, response_code,
    )

    state.feedback.send(DIRECT, message)
    return CompletedPayment(message, transaction)


def finish_payment(
    session: PageSession,
    response_code: str,
    extra_fields: Mapping[str, str],
    fort_id: str | None = None,
) -> FinishedPayment:
    """Build, store and deliver the result of ``session``; return the browser's way back.

    See ``complete_payment`` for the message. The direct feedback is sent
    (per SIMULATOR_FEEDBACK_MODE) before the browser returns, by form POST
    unless ``session.data[RETURN_METHOD_KEY]`` is ``RETURN_GET``.
    """
    state = get_state()
    request = session.request
    language = page_language(request.get("language"))
    message, transaction = complete_payment(session, response_code, extra_fields, fort_id)

    url = return_url_for(request, state.settings)
    if not url:
        # paymentPage rejects requests without a return URL (00037), so only
        # a handler that skipped that check gets here.
        return FinishedPayment(error_page(response_code, "", language), transaction)
    method = session.data.get(RETURN_METHOD_KEY, RETURN_POST)
    return FinishedPayment(browser_return(url, message, language, method), transaction)


def schedule_settlement(state: SimulatorState, transaction: Transaction, final_code: str) -> None:
    """After SIMULATOR_PENDING_SETTLE_SECONDS, settle a pending payment and send a notification feedback."""
    seconds = state.settings["SIMULATOR_PENDING_SETTLE_SECONDS"]
    state.schedule(seconds, lambda: settle(state, transaction, final_code))


def settle(state: SimulatorState, transaction: Transaction, final_code: str) -> dict[str, Any]:
    """Move ``transaction`` to ``final_code``, update CHECK_STATUS and notify the merchant.

    The notification carries the same fields as the first result with the
    new code, message, status and authorization code, signed again.
    """
    authorization_code = new_authorization_code() if final_code in SUCCESS_CODES.values() else ""

    def change(txn: Transaction) -> None:
        txn.response_code = final_code
        txn.authorization_code = authorization_code
        for name, value in amounts_after(final_code, txn.amount).items():
            setattr(txn, name, value)
        txn.result.update(result_fields(final_code, txn.language))
        if authorization_code:
            txn.result["authorization_code"] = authorization_code

    state.store.update(transaction, change)
    message = sign(transaction.result, state.settings)
    logger.info(
        "Pending payment settled merchant_reference=%s fort_id=%s response_code=%s",
        transaction.merchant_reference, transaction.fort_id, final_code,
    )
    state.feedback.send(NOTIFICATION, message)
    return message
