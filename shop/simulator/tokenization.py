"""Merchant-page TOKENIZATION: the shopper's card becomes a ``token_name``.

The browser posts ``service_command=TOKENIZATION`` to paymentPage. page.py
has already checked the signature (without the card fields and
``remember_me``), the mandatory fields, formats, merchant and reference
before ``tokenize`` runs:

- Merchant Page 2.0 (custom checkout): the merchant's own form posts the
  card fields (``card_number``, ``expiry_date`` as YYMM,
  ``card_security_code``, ``card_holder_name``, ``remember_me``). The card is
  checked at once. 00001 means a card field is missing, 00016 an invalid
  number (Luhn, length or an unsupported brand), 00100 an invalid expiry
  month, 00012 an expired card. 00032 means the CVV length is wrong for the
  brand (4 digits for American Express, 3 for the others).
- Saved card: the merchant's form posts an existing ``token_name`` and the
  ``card_security_code`` the shopper typed, without a card number. The CVV
  length is checked for the token's brand (00032), and an unknown or
  INACTIVE token gets 00044. The next payment with the token then needs no
  CVV, as after a new card.
- Merchant Page 1.0 (iframe): the request has no card fields, so the
  simulator shows its card page, which checks the card the same way and
  shows errors in place.

Success is 18000 "Success" (18063 when an existing ``token_name`` was sent
and its card replaced) with ``token_name``, the masked ``card_number``,
``card_bin``, ``expiry_date`` and ``card_holder_name``. Every result goes to
``return_url`` by a browser GET with a query string and echoes
``return_url``, as the APS sandbox does. A failed or cancelled tokenization
frees its ``merchant_reference`` again. A successful one lets the S2S
PURCHASE or AUTHORIZATION with the new token use the same reference once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, request, url_for

from . import cards, installments
from .cards import Brand
from .delivery import return_url_for
from .i18n import page_language, text
from .messages import echo_request, escape_apostrophes, result_fields, sign
from .methods.card import CardEntry, read_card_page, render_card_page
from .page import register_page_service
from .results import RETURN_GET, browser_return, session_ended_page
from .state import get_state
from .store import DONE, TOKEN_ACTIVE, PageSession, Token
from .validation import INVALID_LENGTH, MISSING_PARAMETER, Rejection

logger = logging.getLogger("shop.simulator")

bp = Blueprint("tokenization", __name__)

SUCCESS = "18000"
TOKEN_UPDATED = "18063"
INVALID_CARD_NUMBER = "00016"
CARD_EXPIRED = "00012"
INVALID_EXPIRY = "00100"
CANCELLED = "00072"
TOKEN_NOT_FOUND = "00044"
OPEN = "open"

# Card fields the merchant's form must post for Merchant Page 2.0.
REQUIRED_CARD_FIELDS = ("card_number", "expiry_date", "card_security_code")


def tokenize(fields: Mapping[str, str]) -> Any:
    """Serve a TOKENIZATION request: a posted card, a saved card's CVV, or else the simulator's card page."""
    if fields.get("card_number"):
        return tokenize_posted_card(fields)
    if fields.get("token_name") and fields.get("card_security_code"):
        return confirm_saved_card(fields)
    state = get_state()
    customer_ip = request.remote_addr or ""
    session = state.store.open_session(fields, customer_ip, "tokenization")
    return _render(session)


def check_posted_card(fields: Mapping[str, str]) -> tuple[CardEntry | None, Rejection | None]:
    """Check the card fields of a Merchant Page 2.0 request; return the card or the rejection."""
    for name in REQUIRED_CARD_FIELDS:
        if not fields.get(name):
            return None, Rejection(MISSING_PARAMETER, f"{name} is missing")

    number = fields["card_number"]
    if not (12 <= len(number) <= 19) or not cards.luhn_valid(number):
        return None, Rejection(INVALID_CARD_NUMBER, "card_number fails the Luhn check or has the wrong length")
    brand = cards.detect_brand(number)
    if brand is None:
        return None, Rejection(INVALID_CARD_NUMBER, "card_number is not a Visa, Mastercard, American Express or mada card")

    expiry = fields["expiry_date"]
    year, month = 2000 + int(expiry[:2]), int(expiry[2:])
    if not 1 <= month <= 12:
        return None, Rejection(INVALID_EXPIRY, f"expiry_date {expiry!r} has no month {month:02d}; use YYMM")
    if not cards.expiry_in_future(year, month):
        return None, Rejection(CARD_EXPIRED, f"expiry_date {expiry!r} is in the past")

    length = cards.cvv_length(brand)
    if len(fields["card_security_code"]) != length:
        return None, Rejection(INVALID_LENGTH, f"card_security_code must have {length} digits for {brand.value}")

    holder = " ".join(fields.get("card_holder_name", "").split())
    return CardEntry(number, brand, year, month, holder), None


def tokenize_posted_card(fields: Mapping[str, str]) -> Any:
    """Check a Merchant Page 2.0 card, save its token and send the result back by GET."""
    entry, rejection = check_posted_card(fields)
    if rejection is None and installments.wants_picker(fields) and (fields.get("plan_code") or fields.get("issuer_code")):
        rejection = _check_posted_plan(fields, entry)
    if rejection is not None:
        return _reject(fields, rejection)
    plan_fields = {}
    if installments.wants_picker(fields) and fields.get("plan_code"):
        plan_fields = installments.result_fields(fields["issuer_code"], fields["plan_code"])
    return _save_and_return(fields, entry, plan_fields)


def confirm_saved_card(fields: Mapping[str, str]) -> Any:
    """Take the CVV of a saved card for its next payment and send the token's card details back by GET."""
    store = get_state().store
    token = store.find_token(fields["token_name"])
    if token is None or not token.active:
        return _reject(fields, Rejection(TOKEN_NOT_FOUND, f"token_name {fields['token_name']!r} does not exist or is INACTIVE"))
    length = cards.cvv_length(Brand(token.brand))
    if len(fields["card_security_code"]) != length:
        return _reject(fields, Rejection(INVALID_LENGTH, f"card_security_code must have {length} digits for {token.brand}"))
    with store.lock:
        token.fresh_cvv = True
    return _return_token(fields, token, SUCCESS, {})


def _check_posted_plan(fields: Mapping[str, str], entry: CardEntry) -> Rejection | None:
    """Check the plan_code and issuer_code a STANDALONE Merchant Page 2.0 form posted with the card."""
    code = installments.check_plan(
        fields.get("issuer_code", ""), fields.get("plan_code", ""), fields["amount"], fields["currency"], entry.number
    )
    if code is None:
        return None
    return Rejection("00" + code, f"installment plan {fields.get('plan_code')!r} of issuer {fields.get('issuer_code')!r} is not valid for this card")


def _result_message(fields: Mapping[str, str], response_code: str, extra: Mapping[str, str]) -> dict[str, Any]:
    """Build the signed result of a TOKENIZATION request: the echo, ``return_url``, ``extra`` and the code."""
    state = get_state()
    message = echo_request(fields)
    url = return_url_for(fields, state.settings)
    if url:
        message["return_url"] = url
    message.update({name: escape_apostrophes(str(value)) for name, value in extra.items() if value != ""})
    message.update(result_fields(response_code, page_language(fields.get("language"))))
    return sign(message, state.settings)


def _reject(fields: Mapping[str, str], rejection: Rejection) -> Any:
    """Send a rejected tokenization back by GET and free its merchant_reference."""
    state = get_state()
    state.store.release_reference(fields["merchant_reference"])
    logger.warning(
        "Rejected TOKENIZATION merchant_reference=%s response_code=%s: %s",
        fields.get("merchant_reference", ""), rejection.response_code, rejection.detail,
    )
    message = _result_message(fields, rejection.response_code, {})
    url = return_url_for(fields, state.settings)
    return browser_return(url, message, page_language(fields.get("language")), RETURN_GET)


def save_token(fields: Mapping[str, str], entry: CardEntry) -> tuple[Token, str]:
    """Save the card of ``entry`` under the request's token_name (or a new one); return it and the response code.

    An existing token_name gets the new card details and is active again (18063).
    """
    store = get_state().store
    expiry_date = cards.expiry_yymm(entry.year, entry.month)
    token_name = fields.get("token_name") or store.new_token_name()
    remember_me = fields.get("remember_me", "")
    with store.lock:
        token = store.find_token(token_name)
        if token is not None:
            token.card_number, token.brand, token.expiry_date = entry.number, entry.brand.value, expiry_date
            token.card_holder_name, token.remember_me = entry.holder, remember_me
            token.status, token.fresh_cvv = TOKEN_ACTIVE, True
            return token, TOKEN_UPDATED
        token = Token(token_name, entry.number, entry.brand.value, expiry_date, entry.holder, remember_me, fresh_cvv=True)
        store.add_token(token)
    return token, SUCCESS


def _save_and_return(fields: Mapping[str, str], entry: CardEntry, plan_fields: Mapping[str, str]) -> Any:
    token, response_code = save_token(fields, entry)
    return _return_token(fields, token, response_code, plan_fields)


def _return_token(fields: Mapping[str, str], token: Token, response_code: str, plan_fields: Mapping[str, str]) -> Any:
    """Send the tokenization result with the token's card details back to return_url by GET."""
    extra = {
        "token_name": token.token_name,
        "card_number": token.masked_number,
        "card_bin": token.card_bin,
        "expiry_date": token.expiry_date,
        "card_holder_name": token.card_holder_name,
        **plan_fields,
    }
    message = _result_message(fields, response_code, extra)
    logger.info(
        "Tokenization finished merchant_reference=%s token_name=%s response_code=%s",
        fields.get("merchant_reference", ""), token.token_name, response_code,
    )
    url = return_url_for(fields, get_state().settings)
    return browser_return(url, message, page_language(fields.get("language")), RETURN_GET)


# Merchant Page 1.0: the simulator's own card page.


def _render(session: PageSession, errors: Mapping[str, str] | None = None, values: Mapping[str, str] | None = None) -> str:
    language = page_language(session.request.get("language"))
    return render_card_page(
        session,
        errors,
        values,
        pay_url=url_for("tokenization.submit", session_id=session.id),
        cancel_url=url_for("tokenization.cancel", session_id=session.id),
        pay_label=text(language, "save_card"),
    )


@bp.post("/sim/tokenize/<session_id>")
def submit(session_id: str) -> Any:
    """Check the card typed on the merchant-page card page and send the tokenization result back."""
    store = get_state().store
    session = store.get_session(session_id, stage=OPEN)
    if session is None:
        return session_ended_page(request.form.get("language", ""))

    submitted = read_card_page(request.form, session.request)
    if submitted.entry is None:
        return _render(session, submitted.errors, submitted.values)
    entry, plan_fields = submitted.entry, submitted.plan_fields

    if not store.advance(session, OPEN, DONE):
        return session_ended_page(session.request.get("language", ""))
    return _save_and_return(session.request, entry, plan_fields)


@bp.post("/sim/tokenize/<session_id>/cancel")
def cancel(session_id: str) -> Any:
    """End the tokenization as cancelled by the shopper (00072)."""
    store = get_state().store
    session = store.get_session(session_id, stage=OPEN)
    if session is None or not store.advance(session, OPEN, DONE):
        return session_ended_page(request.form.get("language", ""))
    return _reject(session.request, Rejection(CANCELLED, "the shopper cancelled the card page"))


register_page_service("TOKENIZATION", tokenize)
