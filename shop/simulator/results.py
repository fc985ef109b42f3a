"""Ending a hosted-page payment: the result message, the stored transaction and its delivery.

Every hosted-page handler (cards now, local schemes later) ends a payment
with ``finish_payment``, so each result is built, signed, stored for
CHECK_STATUS and delivered the same way.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any, NamedTuple

from .delivery import DIRECT, NOTIFICATION, return_form, return_url_for
from .i18n import page_language, render_page, response_message
from .messages import echo_request, error_message, escape_apostrophes, result_fields, sign
from .state import SimulatorState, get_state
from .store import PageSession, Transaction
from .validation import Rejection

logger = logging.getLogger("shop.simulator")

SUCCESS_CODES = {"PURCHASE": "14000", "AUTHORIZATION": "02000"}
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


def reject_page_request(request: Mapping[str, Any], rejection: Rejection) -> tuple[str, int]:
    """Respond to a rejected paymentPage request with its signed error message.

    The message goes to the return URL by browser form POST. With no usable
    return URL the simulator shows the code on an error page instead.
    """
    state = get_state()
    language = page_language(request.get("language"))
    message = sign(error_message(request, rejection.response_code), state.settings)
    logger.warning(
        "Rejected paymentPage request merchant_reference=%s response_code=%s: %s",
        request.get("merchant_reference", ""), rejection.response_code, rejection.detail,
    )
    url = return_url_for(request, state.settings)
    if not url:
        return error_page(rejection.response_code, rejection.detail, language), 400
    return return_form(url, message, language), 200


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


def _amounts(response_code: str, amount: str) -> dict[str, str]:
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
        **_amounts(response_code, amount),
    )
    state.store.save(transaction)
    return transaction


class FinishedPayment(NamedTuple):
    """Return page that takes the shopper back to the merchant, and the stored transaction."""

    page: str
    transaction: Transaction


def finish_payment(
    session: PageSession,
    response_code: str,
    extra_fields: Mapping[str, str],
    fort_id: str | None = None,
) -> FinishedPayment:
    """Build, store and deliver the result of ``session``; return the browser's return page.

    ``extra_fields`` carries what the payment method adds (masked card
    number, expiry_date, payment_option...). Free text in it has its
    apostrophes escaped like echoed request fields. The direct feedback is
    sent (per SIMULATOR_FEEDBACK_MODE) before the page is rendered.
    """
    state = get_state()
    request = session.request
    language = page_language(request.get("language"))
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

    url = return_url_for(request, state.settings)
    if not url:
        # paymentPage rejects requests without a return URL (00037), so only
        # a handler that skipped that check gets here.
        return FinishedPayment(error_page(response_code, "", language), transaction)
    return FinishedPayment(return_form(url, message, language), transaction)


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
        for name, value in _amounts(final_code, txn.amount).items():
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
