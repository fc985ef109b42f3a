"""After the card is tokenized: the server-to-server payment with ``token_name``, 3-D Secure and saving the card.

APS sends the shopper's browser back to ``/aps/return`` by GET with the
TOKENIZATION result. ``handle_aps_message`` has verified it by then.
``continue_after_return`` sends the PURCHASE or AUTHORIZATION with the
token once per attempt, applies APS's verified response, and either sends the
top window to ``3ds_url`` (20064) or lets the return handler show the
receipt. The final result after a 3-D Secure challenge comes back like any
other: by browser GET to ``return_url`` and by feedback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect
from flask_babel import gettext as _
from sqlalchemy import update
from werkzeug.wrappers import Response

from ..accounts.cards import card_with_token, save_card
from ..aps import APSError, interpret_response
from ..aps.codes import Outcome
from ..aps.mada import is_mada
from ..extensions import db
from ..models import AttemptStatus, PaymentAttempt, utcnow
from ..payments.client_ip import customer_ip
from ..payments.operations import InstallmentChoice, move_attempt, pay_with_token, record_call_failure, token_payment_params
from ..payments.service import TRANSPORT_API, MessageResult, handle_aps_message
from ..payments.states import order_status_for

logger = logging.getLogger("shop.payments")

MERCHANT_PAGE = "merchant_page"
THREE_DS_REQUIRED = "20064"
# Fields of the TOKENIZATION result kept for saving the card after the payment.
TOKEN_CARD_FIELDS = ("card_number", "card_bin", "expiry_date", "card_holder_name", "payment_option")


def token_allowed(attempt: PaymentAttempt, token_name: str) -> bool:
    """Tell whether the token APS returned may pay for ``attempt``.

    A signed-in shopper pays with the token the shop assigned to this
    attempt or with one of the cards saved to the order's account. A guest
    pays with the token APS generated for this merchant_reference.
    """
    details = attempt.details or {}
    assigned = details.get("new_token_name")
    user_id = attempt.order.user_id
    if not assigned and user_id is None:
        return True
    if assigned and token_name == assigned:
        return True
    return user_id is not None and card_with_token(user_id, token_name) is not None


def _card_bin(params: Mapping[str, Any]) -> str:
    card_bin = str(params.get("card_bin") or "")
    if not card_bin:
        card_bin = str(params.get("card_number") or "")[:6]
    return card_bin if card_bin.isascii() and card_bin.isdigit() else ""


def _claim_token_payment(attempt: PaymentAttempt) -> bool:
    """Mark the attempt's token payment as sent; False when it was sent before (a reload of the return URL)."""
    now = utcnow()
    result = db.session.execute(
        update(PaymentAttempt)
        .where(
            PaymentAttempt.id == attempt.id,
            PaymentAttempt.token_payment_sent_at.is_(None),
            PaymentAttempt.status.in_([AttemptStatus.CREATED.value, AttemptStatus.PENDING.value]),
        )
        .values(token_payment_sent_at=now, status=AttemptStatus.PENDING.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if result.rowcount != 1:
        db.session.rollback()
        return False
    attempt.order.status = order_status_for([a.status for a in attempt.order.attempts]).value
    return True


def _three_ds_redirect(answer: Mapping[str, Any]) -> Response | None:
    """Return a redirect of the top window to APS's ``3ds_url``, or None when there is none to follow."""
    url = str(answer.get("3ds_url") or "")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        if url:
            logger.warning("Invalid 3ds_url %r merchant_reference=%s: not an http(s) URL; showing the receipt", url, answer.get("merchant_reference"))
        return None
    # The return handler runs in the top window (APS redirected it here), so a
    # 303 takes the whole page to the issuer's challenge: no popup, no iframe.
    return redirect(url, code=303)


def continue_after_return(result: MessageResult, params: Mapping[str, Any]) -> Response | None:
    """Pay with the token of a verified TOKENIZATION result; return the response, or None for the receipt."""
    attempt = result.attempt
    if attempt is None or interpret_response(params).outcome != Outcome.TOKENIZED:
        return None

    token_name = str(params.get("token_name") or "")
    if not token_name or not token_allowed(attempt, token_name):
        logger.warning(
            "Rejected token payment merchant_reference=%s: token_name %r does not belong to this attempt",
            attempt.merchant_reference, token_name,
        )
        if move_attempt(attempt, AttemptStatus.FAILED):
            db.session.commit()
        flash(_("This card cannot be used for this order. No money was taken."), "error")
        return None

    if not _claim_token_payment(attempt):
        return None

    details = dict(attempt.details or {})
    assigned = details.get("new_token_name")
    remember_me = None
    if assigned and token_name == assigned:
        remember_me = str(params.get("remember_me") or details.get("remember_me") or "NO")
        details["save_card"] = remember_me
        details["token_card"] = {name: str(params[name]) for name in TOKEN_CARD_FIELDS if params.get(name)}
    card_bin = _card_bin(params)
    if attempt.command == "AUTHORIZATION" and card_bin and is_mada(card_bin):
        # mada is PURCHASE only, so APS rejects an AUTHORIZATION with 00049.
        attempt.command = "PURCHASE"
        details["command_note"] = "mada card: sent as PURCHASE"
    elif attempt.command == "AUTHORIZATION" and details.get("installment"):
        # APS documents installment plans with PURCHASE only, on the hosted
        # page and on the merchant page alike.
        attempt.command = "PURCHASE"
        details["command_note"] = "installment plan: sent as PURCHASE"
    attempt.details = details
    db.session.commit()

    installment = None
    if details.get("installment"):
        installment = InstallmentChoice(details["installment"]["plan_code"], details["installment"]["issuer_code"])
    fingerprint = details.get("device_fingerprint") if current_app.config.get("APS_DEVICE_FINGERPRINT") else None
    try:
        request_fields = token_payment_params(
            attempt, token_name, customer_ip(), remember_me=remember_me, installment=installment, device_fingerprint=fingerprint
        )
    except ValueError as error:
        logger.error("Cannot build the token payment merchant_reference=%s: %s", attempt.merchant_reference, error)
        if move_attempt(attempt, AttemptStatus.FAILED):
            db.session.commit()
        return None

    try:
        answer = pay_with_token(attempt, request_fields)
    except APSError as error:
        # The attempt stays pending: the direct feedback or `flask aps reconcile` settles it.
        record_call_failure(attempt, request_fields, error)
        db.session.commit()
        return None

    applied = handle_aps_message(answer, TRANSPORT_API, json.dumps(answer, ensure_ascii=False), "application/json")
    if applied.rejected:
        return None
    if str(answer.get("response_code")) == THREE_DS_REQUIRED:
        return _three_ds_redirect(answer)
    return None


def save_card_after_payment(result: MessageResult, params: Mapping[str, Any]) -> None:
    """Save the shopper's new card once its payment succeeded, if the shopper asked APS to remember it.

    Runs for every verified payment result (browser return, paymentApi response, feedback),
    so the card is saved whichever arrives first after a 3-D Secure challenge.
    """
    attempt = result.attempt
    if attempt is None or attempt.integration != MERCHANT_PAGE or result.verdict != "accepted":
        return
    if attempt.status not in {AttemptStatus.PAID.value, AttemptStatus.AUTHORIZED.value}:
        return
    details = attempt.details or {}
    token_name = details.get("new_token_name")
    user_id = attempt.order.user_id
    if details.get("save_card") != "YES" or not token_name or user_id is None:
        return
    if str(params.get("token_name") or token_name) != token_name:
        return
    fields = dict(details.get("token_card") or {})
    fields.update({name: params[name] for name in TOKEN_CARD_FIELDS if params.get(name)})
    save_card(user_id, token_name, fields)
