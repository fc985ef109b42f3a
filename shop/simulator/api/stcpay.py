"""STC Pay with the OTP typed on the merchant's page: GENERATE_OTP, then PURCHASE with ``otp``.

1. ``service_command=GENERATE_OTP``, ``digital_wallet=STCPAY``, phone_number,
   amount, currency, merchant_reference, language: 88000, and the simulator
   "sends" the OTP, which is always 1234.
2. ``command=PURCHASE``, ``digital_wallet=STCPAY``, the same
   merchant_reference, phone_number, amount, currency and ``otp``: 14000.
   The result is also sent as direct feedback, like every APS payment result.

Checks after the dispatcher's shared ones, in order. GENERATE_OTP:
``digital_wallet`` other than STCPAY 00003, currency other than SAR 00013,
amount 00005, phone_number not a Saudi mobile number 00002, reference
already used for a payment 00066, and a second OTP for the same
merchant_reference within SIMULATOR_OTP_INTERVAL_SECONDS (60 s) 89983.
PURCHASE: currency 00013, amount 00005, reference already used 00066. No
OTP request for the reference, or one with another phone number, amount or
currency, gives 00748, and a wrong OTP 13030. The test number 0500000746
gives 13746 (amount over the customer's limit), 0500000747 gives 13747
(insufficient wallet balance), any other number 14000. AUTHORIZATION with
``digital_wallet=STCPAY`` gets 00049.

NOTE: APS documents the message codes (746, 747, 748, 983) but not the
status they come with or the code of a wrong OTP. The simulator's choices:
89 "OTP generation failed" for 983, 00 for 748, and 13030 "Authentication
failed" (purchase failure) for a wrong OTP, which ends the payment like the
official plugins treat every failed STC Pay PURCHASE. Which key APS throttles
OTPs by is not documented either; the simulator uses the merchant_reference.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shop.stcpay.phone import national_number

from ..delivery import DIRECT
from ..i18n import page_language
from ..messages import echo_request, result_fields, sign
from ..methods.stcpay import PHONE_OUTCOMES, TEST_OTP
from ..results import amounts_after, new_authorization_code
from ..state import SimulatorState
from ..store import PAYMENT_REFERENCE, Transaction
from ..validation import (
    DUPLICATE_REFERENCE,
    INVALID_CURRENCY,
    INVALID_FORMAT,
    NOT_VALID_FOR_OPTION,
    OPTION_NOT_AVAILABLE,
    check_amount,
)
from . import api_command

WALLET = "STCPAY"
CURRENCY = "SAR"
OTP_GENERATED = "88000"
OTP_TOO_SOON = "89983"
PARAMETERS_MISMATCH = "00748"
WRONG_OTP = "13030"
PURCHASED = "14000"
PHONE_OUTCOME_CODES = {"746": "13746", "747": "13747"}

GENERATE_OTP_MANDATORY = (
    "service_command", "access_code", "merchant_identifier", "merchant_reference", "language",
    "digital_wallet", "phone_number", "amount", "currency", "signature",
)
PURCHASE_MANDATORY = (
    "command", "access_code", "merchant_identifier", "merchant_reference", "amount", "currency",
    "language", "customer_email", "digital_wallet", "phone_number", "otp", "signature",
)


@dataclass(frozen=True)
class OtpRequest:
    """The last GENERATE_OTP accepted for a merchant_reference: what the PURCHASE must repeat."""

    national_number: str
    amount: str
    currency: str
    otp: str
    requested_at: float


def is_stcpay(params: Mapping[str, Any]) -> bool:
    return params.get("digital_wallet") == WALLET


def _request_problem(params: Mapping[str, Any], state: SimulatorState) -> str | None:
    """Return the code of the first problem GENERATE_OTP and PURCHASE share, or None."""
    if params.get("currency") != CURRENCY:
        return INVALID_CURRENCY
    rejection = check_amount(params.get("amount", ""))
    if rejection:
        return rejection.response_code
    if national_number(str(params.get("phone_number", ""))) is None:
        return INVALID_FORMAT
    if state.store.is_reference_used(str(params["merchant_reference"])):
        return DUPLICATE_REFERENCE
    return None


@api_command("GENERATE_OTP", mandatory=GENERATE_OTP_MANDATORY)
def generate_otp(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Accept an STC Pay OTP request, at most one per merchant_reference per SIMULATOR_OTP_INTERVAL_SECONDS."""
    answer = echo_request(params)
    answer.update(result_fields(_generate(params, state), page_language(params.get("language"))))
    return answer


def _generate(params: Mapping[str, Any], state: SimulatorState) -> str:
    if params.get("digital_wallet") != WALLET:
        return OPTION_NOT_AVAILABLE
    problem = _request_problem(params, state)
    if problem:
        return problem

    reference = str(params["merchant_reference"])
    now = time.monotonic()
    interval = state.settings["SIMULATOR_OTP_INTERVAL_SECONDS"]
    with state.store.lock:
        previous = state.store.otp_requests.get(reference)
        if previous is not None and now - previous.requested_at < interval:
            return OTP_TOO_SOON
        state.store.otp_requests[reference] = OtpRequest(
            national_number=national_number(str(params["phone_number"])) or "",
            amount=str(params["amount"]),
            currency=str(params["currency"]),
            otp=TEST_OTP,
            requested_at=now,
        )
    return OTP_GENERATED


@api_command("PURCHASE", mandatory=PURCHASE_MANDATORY, when=is_stcpay)
def purchase(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Pay with the OTP of the earlier GENERATE_OTP, then store the result and send it as direct feedback."""
    language = page_language(params.get("language"))
    # The OTP is a secret, so it is not echoed (like the CVV).
    answer = echo_request(params, drop=("otp",))

    problem = _request_problem(params, state) or _otp_mismatch(params, state)
    if problem:
        answer.update(result_fields(problem, language))
        return answer
    if not state.store.reserve_reference(str(params["merchant_reference"]), PAYMENT_REFERENCE):
        answer.update(result_fields(DUPLICATE_REFERENCE, language))
        return answer

    code = _purchase_code(params)
    transaction = _save_transaction(params, state, code, language)
    answer["fort_id"] = transaction.fort_id
    answer.update(result_fields(code, language))
    if transaction.authorization_code:
        answer["authorization_code"] = transaction.authorization_code

    message = sign(answer, state.settings)
    unsigned = {name: value for name, value in message.items() if name != "signature"}
    state.store.update(transaction, lambda txn: txn.result.update(unsigned))
    state.feedback.send(DIRECT, message)
    return answer


def _otp_mismatch(params: Mapping[str, Any], state: SimulatorState) -> str | None:
    """Return 00748 unless an OTP was requested for this reference with the same phone, amount and currency."""
    with state.store.lock:
        requested = state.store.otp_requests.get(str(params["merchant_reference"]))
    if requested is None:
        return PARAMETERS_MISMATCH
    same = (
        requested.national_number == national_number(str(params["phone_number"]))
        and requested.amount == str(params["amount"])
        and requested.currency == str(params["currency"])
    )
    return None if same else PARAMETERS_MISMATCH


def _purchase_code(params: Mapping[str, Any]) -> str:
    if str(params.get("otp", "")).strip() != TEST_OTP:
        return WRONG_OTP
    outcome = PHONE_OUTCOMES.get(national_number(str(params["phone_number"])) or "")
    return PHONE_OUTCOME_CODES.get(outcome or "", PURCHASED)


def _save_transaction(params: Mapping[str, Any], state: SimulatorState, code: str, language: str) -> Transaction:
    amount = str(params["amount"])
    transaction = Transaction(
        merchant_reference=str(params["merchant_reference"]),
        fort_id=state.store.new_fort_id(),
        command="PURCHASE",
        amount=amount,
        currency=str(params["currency"]),
        language=language,
        response_code=code,
        payment_option=WALLET,
        authorization_code=new_authorization_code() if code == PURCHASED else "",
        **amounts_after(code, amount),
    )
    state.store.save(transaction)
    return transaction


@api_command(
    "AUTHORIZATION",
    mandatory=("command", "access_code", "merchant_identifier", "merchant_reference", "language", "signature"),
    when=is_stcpay,
)
def authorization(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Reject AUTHORIZATION with 00049, because APS accepts STC Pay only as PURCHASE."""
    answer = echo_request(params, drop=("otp",))
    answer.update(result_fields(NOT_VALID_FOR_OPTION, page_language(params.get("language"))))
    return answer
