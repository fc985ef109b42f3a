"""CHECK_STATUS: the state of a payment by merchant_reference and/or fort_id.

Responds 12000 with the payment's latest code in ``transaction_code`` (and
its status and message): the payment's own code, or that of its last
successful CAPTURE (04000), REFUND (06000) or VOID_AUTHORIZATION (08000).
The authorized, captured and refunded amounts are in minor units. With
``maintenance_reference`` the code is that of the operation sent with it.
12036 when no payment (or operation) matches. A payment exists once the
shopper has submitted the hosted page: a request still waiting for the
shopper is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import page_language, response_message
from ..messages import echo_request, result_fields
from ..state import SimulatorState
from ..validation import MISSING_PARAMETER
from . import api_command

FOUND = "12000"
NOT_FOUND = "12036"


@api_command(
    "CHECK_STATUS",
    mandatory=("query_command", "access_code", "merchant_identifier", "language", "signature"),
)
def check_status(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Report the transaction that matches the request's merchant_reference and/or fort_id."""
    language = page_language(params.get("language"))
    answer = echo_request(params)
    reference = params.get("merchant_reference") or None
    fort_id = params.get("fort_id") or None
    if reference is None and fort_id is None:
        answer.update(result_fields(MISSING_PARAMETER, language))
        return answer

    transaction = state.store.find(
        merchant_reference=str(reference) if reference else None,
        fort_id=str(fort_id) if fort_id else None,
    )
    if transaction is None:
        answer.update(result_fields(NOT_FOUND, language))
        return answer

    with state.store.lock:
        code = transaction.latest_code
        maintenance_reference = params.get("maintenance_reference")
        if maintenance_reference:
            matching = [op for op in transaction.operations if op.maintenance_reference == maintenance_reference]
            if not matching:
                answer.update(result_fields(NOT_FOUND, language))
                return answer
            code = matching[-1].response_code
        answer.update(
            merchant_reference=transaction.merchant_reference,
            fort_id=transaction.fort_id,
            transaction_status=code[:2],
            transaction_code=code,
            transaction_message=response_message(code, language),
            authorized_amount=transaction.authorized_amount,
            captured_amount=transaction.captured_amount,
            refunded_amount=transaction.refunded_amount,
            authorization_code=transaction.authorization_code,
        )
    answer.update(result_fields(FOUND, language))
    return answer
