"""GET_INSTALLMENTS_PLANS: the issuers and plans a custom checkout can offer.

Responds 62000 with the echo and ``installment_detail.issuer_detail[]``
(see installments.py for the demo data and units). ``installment_detail``
is a nested JSON object that stays out of the response signature, as in the
official PHP and .NET SDKs. With ``issuer_code`` only that issuer is
listed; an unknown one gets 00092. ``amount`` and ``currency`` are required
here (00001), because the plans depend on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import installments
from ..i18n import page_language
from ..messages import echo_request, result_fields
from ..state import SimulatorState
from ..validation import check_amount, check_currency
from . import api_command

SUCCESS = "62000"


@api_command(
    "GET_INSTALLMENTS_PLANS",
    mandatory=("query_command", "access_code", "merchant_identifier", "language", "amount", "currency", "signature"),
)
def get_installments_plans(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """List the demo issuers with the plans that fit the request's amount."""
    language = page_language(params.get("language"))
    answer = echo_request(params)
    rejection = check_amount(params["amount"]) or check_currency(params["currency"])
    if rejection:
        answer.update(result_fields(rejection.response_code, language))
        return answer

    issuers = installments.ISSUERS
    issuer_code = params.get("issuer_code")
    if issuer_code:
        issuer = installments.ISSUERS_BY_CODE.get(str(issuer_code))
        if issuer is None:
            answer.update(result_fields("00" + installments.INVALID_ISSUER, language))
            return answer
        issuers = (issuer,)

    amount, currency = str(params["amount"]), str(params["currency"])
    answer["installment_detail"] = {
        "issuer_detail": [installments.issuer_detail_for(issuer, amount, currency) for issuer in issuers],
    }
    answer.update(result_fields(SUCCESS, language))
    return answer
