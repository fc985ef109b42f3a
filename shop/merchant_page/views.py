"""The custom merchant page (APS Merchant Page 2.0): the shop's own card form, posted straight to APS.

``start_merchant_page`` renders the card form for ``/checkout/pay/<ref>``.
Its ``action`` is APS's paymentPage and its hidden fields are a TOKENIZATION
request signed here. The shopper's card number, expiry date, CVV and name
go from the browser to APS only. The visible inputs have no ``name``, and
the page's script copies them into the named hidden inputs just before it
posts the form to APS. The only request the page sends to the shop is
``prepare``, with the installment plan, the device fingerprint and the
"save this card" choice, and no card data.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from sqlalchemy import select

from ..accounts.cards import cards_of, expiry_text, last_four, new_token_name
from ..accounts.service import current_user
from ..aps import APSError
from ..aps.mada import load_bins
from ..checkout.views import owns_order
from ..extensions import db
from ..models import AttemptStatus, PaymentAttempt
from ..payments.gateway import get_client
from ..payments.integrations import register_integration
from ..payments.methods import PaymentMethod
from ..payments.operations import installment_plans
from ..payments.service import MESSAGE_LISTENERS, return_url
from ..payments.views import RETURN_FOLLOW_UPS
from .flow import MERCHANT_PAGE, continue_after_return, save_card_after_payment
from .plans import INSTALLMENT_CURRENCIES, parse_plans, plans_as_details

logger = logging.getLogger("shop.payments")

bp = Blueprint("merchant_page", __name__)

PLANS_RETURNED = "62000"
# APS's device fingerprint (fraud service) script, from the official .NET SDK.
DEVICE_FINGERPRINT_SCRIPT = "https://mpsnare.iesnare.com/snare.js"
DEVICE_FINGERPRINT_RULE = re.compile(r"[A-Za-z0-9+/=:._-]{1,4000}", re.ASCII)


def _card_view(card: Any, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": card.id,
        "brand": card.payment_option,
        "last_four": last_four(card.card_number),
        "masked": card.card_number,
        "bin": card.card_number[:6] if card.card_number[:6].isdigit() else "",
        "expiry": expiry_text(card.expiry_date),
        "fields": fields,
    }


def load_plans(attempt: PaymentAttempt) -> list:
    """Ask APS for the installment plans of the attempt's amount; none on any error."""
    if attempt.currency not in INSTALLMENT_CURRENCIES:
        return []
    try:
        answer = installment_plans(attempt.amount_minor, attempt.currency, attempt.language)
    except APSError as error:
        logger.warning("GET_INSTALLMENTS_PLANS failed merchant_reference=%s: %s", attempt.merchant_reference, error)
        return []
    if str(answer.get("response_code")) != PLANS_RETURNED:
        logger.info(
            "No installment plans merchant_reference=%s response_code=%s",
            attempt.merchant_reference, answer.get("response_code"),
        )
        return []
    return parse_plans(answer, attempt.currency)


@register_integration(MERCHANT_PAGE)
def start_merchant_page(attempt: PaymentAttempt, method: PaymentMethod) -> str:
    """Render the card form, signed TOKENIZATION fields and, for signed-in shoppers, their saved cards.

    The attempt stays ``created`` until APS returns the token, so a reload
    shows the form again with the same merchant_reference.
    """
    client = get_client()
    user = current_user()
    order = attempt.order
    owner = user if user is not None and order.user_id == user.id else None
    details = dict(attempt.details or {})
    base = {"merchant_reference": attempt.merchant_reference, "language": attempt.language, "return_url": return_url()}

    new_card = dict(base)
    if owner is not None:
        details.setdefault("new_token_name", new_token_name())
        new_card["token_name"] = details["new_token_name"]
    action, new_card_fields = client.tokenization_form(new_card)

    saved = []
    for card in cards_of(owner):
        _, fields = client.tokenization_form({**base, "token_name": card.token_name})
        saved.append(_card_view(card, fields))

    plans = load_plans(attempt)
    details["installment_plans"] = plans_as_details(plans)
    attempt.details = details
    db.session.commit()

    fingerprint = bool(current_app.config.get("APS_DEVICE_FINGERPRINT"))
    return render_template(
        "payments/merchant_page/pay.html",
        attempt=attempt,
        order=order,
        action=action,
        new_card_fields=new_card_fields,
        saved_cards=saved,
        can_save=owner is not None,
        plans=plans,
        fingerprint=fingerprint,
        # NOTE: the real script is APS's (iovation) and is not loaded in
        # simulator mode, which has no internet; a placeholder value is sent instead.
        fingerprint_script=DEVICE_FINGERPRINT_SCRIPT if fingerprint and current_app.config["APS_ENV"] != "simulator" else "",
        simulator=current_app.config["APS_ENV"] == "simulator",
        mada_bins=load_bins().prefixes,
        card_brand_script=os.path.exists(os.path.join(current_app.static_folder or "", "js", "card-brand.js")),
    )


def _attempt_for_prepare(merchant_reference: str) -> PaymentAttempt:
    attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == merchant_reference))
    if attempt is None or attempt.integration != MERCHANT_PAGE or not owns_order(attempt.order):
        abort(404)
    if attempt.status != AttemptStatus.CREATED.value or attempt.token_payment_sent_at is not None:
        abort(409)
    return attempt


@bp.post("/checkout/pay/<merchant_reference>/prepare")
def prepare(merchant_reference: str) -> Any:
    """Store the shopper's installment plan, save-card choice and device fingerprint before the card goes to APS.

    The body is JSON or a form with ``plan`` (``issuer_code:plan_code`` or
    empty), ``remember_me`` (YES or NO) and ``device_fingerprint``. It
    carries no card data. CSRF-protected like every POST to the shop.
    """
    attempt = _attempt_for_prepare(merchant_reference)
    data = request.get_json(silent=True) if request.is_json else request.form
    if not isinstance(data, dict) and not hasattr(data, "get"):
        abort(400)
    details = dict(attempt.details or {})

    plan = str(data.get("plan") or "")
    if plan:
        issuer_code, _, plan_code = plan.partition(":")
        offered = {(entry["issuer_code"], entry["plan_code"]) for entry in details.get("installment_plans", [])}
        if (issuer_code, plan_code) not in offered:
            return jsonify(error="unknown installment plan"), 400
        details["installment"] = {"issuer_code": issuer_code, "plan_code": plan_code}
    else:
        details.pop("installment", None)

    remember_me = str(data.get("remember_me") or "NO")
    if remember_me not in {"YES", "NO"}:
        return jsonify(error="remember_me must be YES or NO"), 400
    details["remember_me"] = remember_me

    fingerprint = str(data.get("device_fingerprint") or "")
    if fingerprint:
        if not DEVICE_FINGERPRINT_RULE.fullmatch(fingerprint):
            return jsonify(error="device_fingerprint has characters APS does not accept or is too long"), 400
        details["device_fingerprint"] = fingerprint

    attempt.details = details
    db.session.commit()
    return "", 204


RETURN_FOLLOW_UPS[MERCHANT_PAGE] = continue_after_return
if save_card_after_payment not in MESSAGE_LISTENERS:
    MESSAGE_LISTENERS.append(save_card_after_payment)
