"""UPDATE_TOKEN: change a saved card's status, name, holder name or expiry date.

Merchants deactivate a saved card with ``token_status=INACTIVE`` (the
official WooCommerce plugin deletes saved cards that way). A PURCHASE or
AUTHORIZATION with an INACTIVE token gets 00044, like an unknown token; an
UPDATE_TOKEN with ``token_status=ACTIVE`` makes it usable again.

Success is 58000 with the echo and the token's ``token_name`` (the new one
after ``new_token_name``), masked ``card_number``, ``card_bin``,
``card_brand``, ``expiry_date``, ``card_holder_name``, ``creation_date``
(ISO 8601 in UTC) and ``token_status``. Refusals: 00044 unknown token, 00114
``new_token_name`` already taken, 00100 invalid expiry month, 00012 expired.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import cards
from ..i18n import page_language
from ..messages import echo_request, escape_apostrophes, result_fields
from ..state import SimulatorState
from ..validation import Rejection
from . import api_command

SUCCESS = "58000"
TOKEN_NOT_FOUND = "00044"
TOKEN_EXISTS = "00114"
INVALID_EXPIRY = "00100"
CARD_EXPIRED = "00012"


def _check_expiry(expiry_date: str) -> Rejection | None:
    year, month = 2000 + int(expiry_date[:2]), int(expiry_date[2:])
    if not 1 <= month <= 12:
        return Rejection(INVALID_EXPIRY, f"expiry_date {expiry_date!r} has no month {month:02d}; use YYMM")
    if not cards.expiry_in_future(year, month):
        return Rejection(CARD_EXPIRED, f"expiry_date {expiry_date!r} is in the past")
    return None


@api_command(
    "UPDATE_TOKEN",
    mandatory=("service_command", "access_code", "merchant_identifier", "merchant_reference", "language", "token_name", "signature"),
)
def update_token(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Apply the requested changes to a token and report its card details."""
    language = page_language(params.get("language"))
    answer = echo_request(params)
    token = state.store.find_token(str(params["token_name"]))
    if token is None:
        answer.update(result_fields(TOKEN_NOT_FOUND, language))
        return answer

    expiry_date = str(params.get("expiry_date") or "")
    rejection = _check_expiry(expiry_date) if expiry_date else None
    if rejection:
        answer.update(result_fields(rejection.response_code, language))
        return answer

    new_name = str(params.get("new_token_name") or "")
    if new_name and new_name != token.token_name and not state.store.rename_token(token, new_name):
        answer.update(result_fields(TOKEN_EXISTS, language))
        return answer

    with state.store.lock:
        if params.get("token_status"):
            token.status = str(params["token_status"])
        if params.get("card_holder_name"):
            token.card_holder_name = str(params["card_holder_name"])
        if expiry_date:
            token.expiry_date = expiry_date
        answer.update(
            token_name=token.token_name,
            card_number=token.masked_number,
            card_bin=token.card_bin,
            card_brand=token.brand,
            expiry_date=token.expiry_date,
            card_holder_name=escape_apostrophes(token.card_holder_name),
            creation_date=token.created_at.isoformat(timespec="seconds"),
            token_status=token.status,
        )
    answer.update(result_fields(SUCCESS, language))
    return answer
