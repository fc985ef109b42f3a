"""APS callbacks (browser return, direct and notification feedback) and receipts."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, abort, current_app, redirect, render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..extensions import csrf, db
from ..models import Order
from .methods import get_method
from .receipts import order_number_from_token, receipt_url
from .service import (
    TRANSPORT_FEEDBACK,
    TRANSPORT_NOTIFICATION,
    TRANSPORT_RETURN_GET,
    TRANSPORT_RETURN_POST,
    MessageResult,
    handle_aps_message,
)
from .states import OPEN_STATES

logger = logging.getLogger("shop.payments")

bp = Blueprint("payments", __name__)

# Integration types whose payment goes on after the browser's return, by
# name: a function given the MessageResult and the message, returning the
# response to send (such as the redirect to 3ds_url) or None for the receipt.
RETURN_FOLLOW_UPS: dict[str, Callable[[MessageResult, Mapping[str, Any]], Response | None]] = {}


class MalformedMessage(ValueError):
    """Raised when a callback body cannot be read as one set of APS fields."""


def parse_form_body(raw: str) -> dict[str, str]:
    """Parse an x-www-form-urlencoded body exactly as sent.

    Blank values are kept and nothing is trimmed, because APS signs what it
    sends. A repeated field makes the message ambiguous and is rejected.
    """
    fields: dict[str, str] = {}
    for name, value in parse_qsl(raw, keep_blank_values=True, strict_parsing=False, errors="strict"):
        if name in fields:
            raise MalformedMessage(f"field {name!r} appears more than once")
        fields[name] = value
    return fields


def read_callback_body() -> tuple[dict[str, Any], str]:
    """Read an APS server-to-server body: JSON when it looks like JSON, otherwise a form."""
    raw = request.get_data(cache=True, as_text=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedMessage("body is not UTF-8") from None
    content_type = request.mimetype or ""
    if content_type == "application/json" or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise MalformedMessage("body is not valid JSON") from None
        if not isinstance(data, dict):
            raise MalformedMessage("JSON body is not an object")
        fields: dict[str, Any] = {}
        for name, value in data.items():
            if isinstance(value, (dict, list)):
                fields[str(name)] = value
            elif value is None:
                fields[str(name)] = ""
            else:
                fields[str(name)] = str(value)
        return fields, text
    return parse_form_body(text), text


def _rejected_page(status: int = 400) -> tuple[str, int]:
    return render_template("payments/rejected.html"), status


@bp.route("/aps/return", methods=["GET", "POST"])
@csrf.exempt
def aps_return() -> Response | tuple[str, int]:
    """Receive the shopper's browser back from APS.

    Hosted-page results arrive as a form POST, merchant-page and post-3-DS
    results as a GET query string. The order is found by merchant_reference,
    never by the session cookie, which a cross-site POST may not carry.
    """
    try:
        if request.method == "POST":
            raw = request.get_data(cache=True, as_text=True)
            params: Mapping[str, Any] = parse_form_body(raw)
            transport = TRANSPORT_RETURN_POST
        else:
            raw = request.query_string.decode("utf-8")
            params = parse_form_body(raw)
            transport = TRANSPORT_RETURN_GET
    except (MalformedMessage, UnicodeDecodeError) as error:
        logger.warning("Rejected APS browser return: %s", error)
        return _rejected_page()

    result = handle_aps_message(params, transport, raw, request.content_type or "")
    if result.rejected or result.attempt is None:
        return _rejected_page()
    follow_up = RETURN_FOLLOW_UPS.get(result.attempt.integration)
    if follow_up is not None:
        response = follow_up(result, params)
        if response is not None:
            return response
    return redirect(receipt_url(result.attempt.order), code=303)


def _feedback(transport: str) -> tuple[str, int]:
    try:
        params, raw = read_callback_body()
    except MalformedMessage as error:
        logger.warning("Rejected APS %s message: %s", transport, error)
        return "rejected", 400
    result = handle_aps_message(params, transport, raw, request.content_type or "")
    if result.rejected:
        return "rejected", 400
    return "OK", 200


@bp.post("/aps/feedback")
@csrf.exempt
def aps_feedback() -> tuple[str, int]:
    """Receive APS's direct transaction feedback (server to server)."""
    return _feedback(TRANSPORT_FEEDBACK)


@bp.post("/aps/notification")
@csrf.exempt
def aps_notification() -> tuple[str, int]:
    """Receive APS's notification feedback: later changes such as pending to final."""
    return _feedback(TRANSPORT_NOTIFICATION)


@bp.get("/receipt/<token>")
def receipt(token: str) -> str:
    """Show an order's outcome; while APS has not confirmed it, the page reloads itself."""
    number = order_number_from_token(token)
    order = db.session.scalar(select(Order).where(Order.number == number)) if number else None
    if order is None:
        abort(404)
    attempt = order.latest_attempt
    waiting = attempt is not None and attempt.status in {state.value for state in OPEN_STATES}
    method = get_method(attempt.method) if attempt else None
    return render_template(
        "payments/receipt.html",
        order=order,
        attempt=attempt,
        method=method,
        waiting=waiting,
        refresh_seconds=current_app.config["RECEIPT_REFRESH_SECONDS"],
    )
