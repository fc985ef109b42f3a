"""PURCHASE and AUTHORIZATION with a ``token_name`` (merchant-page operation, saved cards, recurring).

The merchant's server sends the token from TOKENIZATION. The token's card
behaves like the test card it was made from:

- frictionless cards: 14000 (02000 for AUTHORIZATION) in the JSON response;
- 3-D Secure cards: 20064 "3-D Secure check requested" with ``3ds_url``, the
  simulator's challenge page, to open in the shopper's main window. After
  the challenge the final result goes to the request's ``return_url`` by
  browser GET and to the direct feedback URL;
- decline, insufficient-funds and pending cards: 13666, 13029 and 15777
  (03xxx for AUTHORIZATION); the pending card settles later with a
  notification feedback.

Every final result is also sent as direct feedback. The checks run in this
order, all with status 00:

- 00005 amount, 00013 currency;
- 00066 reference already used (a reference of a successful TOKENIZATION
  may be used once);
- 00044 token unknown or INACTIVE, 00049 AUTHORIZATION with a mada card;
- 00001 ``card_security_code`` missing, 00032 its length wrong for the brand;
- with ``installments=YES`` or ``HOSTED``: 00001 plan_code or issuer_code
  missing, then 00092, 00094, 00084, 00087 (see installments.check_plan);
- 00037 a 3-D Secure card without a return URL.

NOTE: APS takes token payments without CVV only for ``eci=RECURRING`` and
for the first payment after the tokenization that checked the CVV. The
simulator requires ``card_security_code`` in every other case; APS may be
more lenient for merchants with that setting.

Requests with a ``digital_wallet`` that no wallet handler claims get 00003.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import request, url_for

from .. import cards, installments
from ..cards import Behaviour, Brand
from ..delivery import return_url_for
from ..i18n import page_language
from ..messages import echo_request, escape_apostrophes, result_fields
from ..methods.card import CHALLENGE, OPEN, CardEntry
from ..results import (
    RESULT_FIELDS_KEY,
    RETURN_GET,
    RETURN_METHOD_KEY,
    complete_payment,
    failure_code,
    record_transaction,
    schedule_settlement,
    success_code,
)
from ..state import SimulatorState
from ..store import DONE, TOKENIZATION_REFERENCE, Token
from ..validation import (
    DUPLICATE_REFERENCE,
    INVALID_LENGTH,
    MISSING_PARAMETER,
    MISSING_RETURN_URL,
    NOT_VALID_FOR_OPTION,
    OPTION_NOT_AVAILABLE,
    Rejection,
    check_amount,
    check_currency,
)
from . import api_command

logger = logging.getLogger("shop.simulator.api")

PAYMENT_MANDATORY = (
    "command", "access_code", "merchant_identifier", "merchant_reference",
    "amount", "currency", "language", "customer_email", "signature",
)
THREE_DS_REQUIRED = "20064"
TOKEN_NOT_FOUND = "00044"
UNCERTAIN = "15777"
DECLINED = "666"
INSUFFICIENT_FUNDS = "029"
RECURRING = "RECURRING"
PLAN_INSTALLMENTS = ("YES", "HOSTED")


def _rejected(params: Mapping[str, Any], rejection: Rejection) -> dict[str, Any]:
    """Build the response to a rejected payment request: the echo and the error code."""
    logger.warning(
        "Rejected paymentApi %s merchant_reference=%s response_code=%s: %s",
        params.get("command", ""), params.get("merchant_reference", ""), rejection.response_code, rejection.detail,
    )
    answer = echo_request(params)
    answer.update(result_fields(rejection.response_code, page_language(params.get("language"))))
    return answer


def _as_request(params: Mapping[str, Any]) -> dict[str, str]:
    """Return the request's text and whole-number values as strings, the form a PageSession keeps."""
    return {name: str(value) for name, value in params.items() if isinstance(value, (str, int)) and not isinstance(value, bool)}


def check_token_payment(params: Mapping[str, Any], state: SimulatorState) -> tuple[Token | None, dict[str, str], Rejection | None]:
    """Run the checks of a token payment; return the token, the plan's result fields and any rejection."""
    rejection = check_amount(params["amount"]) or check_currency(params["currency"])
    if rejection:
        return None, {}, rejection

    reference = str(params["merchant_reference"])
    if state.store.reference_kind(reference) not in (None, TOKENIZATION_REFERENCE):
        return None, {}, Rejection(DUPLICATE_REFERENCE, f"merchant_reference {reference!r} was already used")

    token_name = params.get("token_name")
    if not token_name:
        return None, {}, Rejection(MISSING_PARAMETER, "token_name is missing")
    token = state.store.find_token(str(token_name))
    if token is None or not token.active:
        state_text = "is INACTIVE" if token is not None else "does not exist"
        return None, {}, Rejection(TOKEN_NOT_FOUND, f"token_name {token_name!r} {state_text}")

    if params["command"] == "AUTHORIZATION" and token.brand == Brand.MADA.value:
        return token, {}, Rejection(NOT_VALID_FOR_OPTION, "mada cards allow PURCHASE only")

    cvv = str(params.get("card_security_code", ""))
    length = cards.cvv_length(Brand(token.brand))
    if cvv and len(cvv) != length:
        return token, {}, Rejection(INVALID_LENGTH, f"card_security_code must have {length} digits for {token.brand}")
    if not cvv and params.get("eci") != RECURRING and not token.fresh_cvv:
        return token, {}, Rejection(MISSING_PARAMETER, "card_security_code is missing; it is optional only with eci=RECURRING or right after tokenization")

    plan_fields: dict[str, str] = {}
    if params.get("installments") in PLAN_INSTALLMENTS:
        issuer_code, plan_code = str(params.get("issuer_code", "")), str(params.get("plan_code", ""))
        if not issuer_code or not plan_code:
            return token, {}, Rejection(MISSING_PARAMETER, "plan_code and issuer_code are required with installments")
        code = installments.check_plan(issuer_code, plan_code, params["amount"], str(params["currency"]), token.card_number)
        if code:
            return token, {}, Rejection("00" + code, f"installment plan {plan_code!r} of issuer {issuer_code!r} is not valid for this payment")
        plan_fields = installments.result_fields(issuer_code, plan_code)
    return token, plan_fields, None


def pay_with_token(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Charge or authorize a saved card; return the unsigned response."""
    if params.get("digital_wallet"):
        return _rejected(params, Rejection(OPTION_NOT_AVAILABLE, f"digital_wallet {params['digital_wallet']!r} is not served by the simulator"))

    token, plan_fields, rejection = check_token_payment(params, state)
    if rejection or token is None:
        return _rejected(params, rejection or Rejection(TOKEN_NOT_FOUND, "token_name does not exist"))

    # The session keeps the request until it expires, so the CVV stays out of it.
    fields = {name: value for name, value in _as_request(params).items() if name != "card_security_code"}
    recurring = fields.get("eci") == RECURRING
    behaviour = cards.behaviour_of(token.card_number)
    challenge = behaviour == Behaviour.CHALLENGE and not recurring
    if challenge and not return_url_for(fields, state.settings):
        return _rejected(params, Rejection(MISSING_RETURN_URL, "a 3-D Secure card needs return_url for the shopper's way back"))
    if not state.store.reserve_payment_reference(fields["merchant_reference"]):
        return _rejected(params, Rejection(DUPLICATE_REFERENCE, "merchant_reference was already used"))

    customer_ip = fields.get("customer_ip") or request.remote_addr or ""
    session = state.store.open_session(fields, customer_ip, "token")
    session.data[RESULT_FIELDS_KEY] = plan_fields
    with state.store.lock:
        token.fresh_cvv = False
    year, month = 2000 + int(token.expiry_date[:2]), int(token.expiry_date[2:])
    entry = CardEntry(token.card_number, Brand(token.brand), year, month, token.card_holder_name)
    command = fields["command"]

    if challenge:
        return _start_challenge(session, entry, plan_fields, state)

    codes = {
        Behaviour.DECLINE: failure_code(command, DECLINED),
        Behaviour.INSUFFICIENT_FUNDS: failure_code(command, INSUFFICIENT_FUNDS),
        Behaviour.PENDING: UNCERTAIN,
    }
    response_code = codes.get(behaviour, success_code(command))
    state.store.advance(session, OPEN, DONE)
    message, transaction = complete_payment(session, response_code, entry.result_fields())
    if behaviour == Behaviour.PENDING:
        schedule_settlement(state, transaction, success_code(command))
    return {name: value for name, value in message.items() if name != "signature"}


def _start_challenge(session: Any, entry: CardEntry, plan_fields: Mapping[str, str], state: SimulatorState) -> dict[str, Any]:
    """Hold the payment for 3-D Secure (20064) and return the response with ``3ds_url``.

    The challenge page's outcome ends the session through
    ``results.finish_payment``, which sends the result to return_url by GET.
    """
    state.store.advance(session, OPEN, CHALLENGE)
    transaction = record_transaction(session, THREE_DS_REQUIRED, payment_option=entry.brand.value)
    session.data.update({"card": entry, "fort_id": transaction.fort_id, RETURN_METHOD_KEY: RETURN_GET})

    answer = echo_request(session.request)
    answer.setdefault("eci", "ECOMMERCE")
    answer["customer_ip"] = escape_apostrophes(session.customer_ip)
    answer.update({name: escape_apostrophes(str(value)) for name, value in entry.result_fields().items()})
    answer.update(plan_fields)
    answer["fort_id"] = transaction.fort_id
    answer["3ds_url"] = url_for("card.challenge", session_id=session.id, _external=True)
    answer.update(result_fields(THREE_DS_REQUIRED, page_language(session.request.get("language"))))
    logger.info(
        "Token payment waits for 3-D Secure merchant_reference=%s fort_id=%s",
        transaction.merchant_reference, transaction.fort_id,
    )
    return answer


@api_command("PURCHASE", mandatory=PAYMENT_MANDATORY)
def purchase(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Charge a saved card (token_name)."""
    return pay_with_token(params, state)


@api_command("AUTHORIZATION", mandatory=PAYMENT_MANDATORY)
def authorization(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Authorize an amount on a saved card (token_name) for a later CAPTURE."""
    return pay_with_token(params, state)
