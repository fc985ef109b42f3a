"""``POST /FortAPI/paymentPage``: the browser-facing entry of hosted payments."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, request

from shop.aps import PAYMENT_PAGE_PATH, masked

from .delivery import return_url_for
from .i18n import page_language
from .methods import find_method
from .results import error_page, reject_page_request
from .state import get_state
from .store import PAYMENT_REFERENCE, TOKENIZATION_REFERENCE
from .validation import (
    DUPLICATE_REFERENCE,
    INVALID_COMMAND,
    MISSING_RETURN_URL,
    OPTION_NOT_AVAILABLE,
    Rejection,
    validate_page_request,
)

logger = logging.getLogger("shop.simulator")

bp = Blueprint("page", __name__)

# Handlers of paymentPage requests that carry a ``service_command`` (merchant
# page TOKENIZATION) instead of a ``command``: name -> function taking the
# validated request fields and returning the response.
PAGE_SERVICES: dict[str, Callable[[Mapping[str, str]], Any]] = {}


def register_page_service(name: str, handler: Callable[[Mapping[str, str]], Any]) -> None:
    """Serve paymentPage requests with ``service_command=name`` with ``handler``."""
    PAGE_SERVICES[name] = handler


@bp.post(PAYMENT_PAGE_PATH)
def payment_page() -> Any:
    """Validate a hosted-page request and show the page of its payment method."""
    state = get_state()
    fields = request.form.to_dict(flat=True)
    logger.info(
        "paymentPage request merchant_reference=%s fields=%s",
        fields.get("merchant_reference", ""), json.dumps(masked(fields), ensure_ascii=False, sort_keys=True),
    )

    rejection = validate_page_request(fields, state.settings, state.store.is_reference_used)
    if rejection:
        return reject_page_request(fields, rejection)

    service = fields.get("service_command")
    method = None
    if service:
        if service not in PAGE_SERVICES:
            return reject_page_request(fields, Rejection(INVALID_COMMAND, f"service_command {service!r} is not supported by the simulator"))
    else:
        method = find_method(fields)
        if method is None:
            option = fields.get("digital_wallet") or fields.get("payment_option")
            return reject_page_request(fields, Rejection(OPTION_NOT_AVAILABLE, f"no hosted page for {option!r} in the simulator"))
        if method.validate is not None:
            rejection = method.validate(fields)
            if rejection:
                return reject_page_request(fields, rejection)

    if not return_url_for(fields, state.settings):
        logger.warning(
            "Rejected paymentPage request merchant_reference=%s response_code=%s: no return_url and no default",
            fields.get("merchant_reference", ""), MISSING_RETURN_URL,
        )
        detail = "return_url is missing or invalid and SIMULATOR_DEFAULT_RETURN_URL is not set"
        return error_page(MISSING_RETURN_URL, detail, page_language(fields.get("language"))), 400

    kind = TOKENIZATION_REFERENCE if service else PAYMENT_REFERENCE
    if not state.store.reserve_reference(fields["merchant_reference"], kind):
        # A second request with the same reference won the race since validation.
        return reject_page_request(fields, Rejection(DUPLICATE_REFERENCE, "merchant_reference was already used"))

    if service:
        return PAGE_SERVICES[service](fields)

    customer_ip = fields.get("customer_ip") or request.remote_addr or ""
    session = state.store.open_session(fields, customer_ip, method.key)
    return method.start(session)

