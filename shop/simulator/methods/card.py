"""Hosted card page and the 3-D Secure challenge page.

Serves paymentPage requests without ``payment_option`` or with VISA,
MASTERCARD, AMEX or MADA. The shopper types the card on the simulator's
own page, so card data never reaches the merchant. 3-D Secure test cards
lead, by a redirect of the main window, to a challenge page where the tester
picks the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from flask import Blueprint, redirect, request, url_for

from shop.aps import currency_exponent, from_minor_units

from .. import cards, installments
from ..cards import Behaviour, Brand
from ..i18n import BRAND_NAMES, isolate_ltr, page_language, render_page, text
from ..results import (
    RESULT_FIELDS_KEY,
    failure_code,
    finish_payment,
    record_transaction,
    schedule_settlement,
    session_ended_page,
    success_code,
)
from ..state import get_state
from ..store import DONE, PageSession
from ..validation import NOT_VALID_FOR_OPTION
from . import HostedMethod, register

logger = logging.getLogger("shop.simulator")

bp = Blueprint("card", __name__)

OPEN = "open"
CHALLENGE = "3ds"
CARD_HOLDER_NAME_MAX = 50
# The outcome codes of the 3-D Secure page besides success.
AUTHENTICATION_FAILED = "030"
CANCELLED = "00072"
DECLINED = "666"
INSUFFICIENT_FUNDS = "029"
UNCERTAIN = "15777"


@dataclass(frozen=True)
class CardEntry:
    """A card the shopper entered and the simulator accepted."""

    number: str
    brand: Brand
    year: int
    month: int
    holder: str

    def result_fields(self) -> dict[str, str]:
        """Return the card fields of an APS result: masked number, YYMM expiry, holder, payment_option."""
        return {
            "card_number": cards.mask_card_number(self.number),
            "expiry_date": cards.expiry_yymm(self.year, self.month),
            "card_holder_name": self.holder,
            "payment_option": self.brand.value,
        }


def format_amount(amount: str, currency: str) -> str:
    """Format a minor-unit amount with the currency's decimals, e.g. ``12.345 KWD``."""
    value: Decimal = from_minor_units(amount, currency)
    return f"{value:,.{currency_exponent(currency)}f} {currency}"


def accepted_brands(request_fields: Mapping[str, str]) -> list[Brand]:
    """Return the brands the page accepts: the one in payment_option, or all four."""
    option = request_fields.get("payment_option", "")
    if option:
        return [Brand(option)]
    return list(Brand)


def render_card_page(session: PageSession, errors: Mapping[str, str] | None = None,
                     values: Mapping[str, str] | None = None, *, pay_url: str = "",
                     cancel_url: str = "", pay_label: str = "") -> str:
    """Render the card form of ``session`` with field errors and the values typed so far.

    The merchant-page tokenization page reuses it with its own form URLs
    and button label; a request without amount shows none.
    """
    request_fields = session.request
    language = page_language(request_fields.get("language"))
    brands = [BRAND_NAMES[language][brand.value] for brand in accepted_brands(request_fields)]
    # mada's mark comes first, as mada's branding guideline for merchants asks.
    marks = sorted(accepted_brands(request_fields), key=lambda brand: brand != Brand.MADA)
    amount = ""
    if request_fields.get("amount") and request_fields.get("currency"):
        amount = format_amount(request_fields["amount"], request_fields["currency"])
    return render_page(
        "card.html",
        language,
        session=session,
        merchant_name=get_state().settings["SIMULATOR_MERCHANT_NAME"],
        amount=amount,
        pay_label=pay_label or text(language, "pay", amount=isolate_ltr(amount)),
        pay_url=pay_url or url_for("card.pay", session_id=session.id),
        cancel_url=cancel_url or url_for("card.cancel", session_id=session.id),
        merchant_reference=request_fields["merchant_reference"],
        brands=brands,
        marks=[(brand.value.lower(), BRAND_NAMES[language][brand.value]) for brand in marks],
        plans=installments.plan_choices(request_fields),
        errors=errors or {},
        values=values or {},
    )


def start(session: PageSession) -> str:
    """Show the card page of a newly accepted request."""
    return render_card_page(session)


def read_card_form(form: Mapping[str, str], request_fields: Mapping[str, str]) -> tuple[CardEntry | None, dict[str, str]]:
    """Check the card form: Luhn, brand, future expiry, CVV length, holder name.

    Returns the accepted card, or None and the error text of each bad field
    in the page's language.
    """
    language = page_language(request_fields.get("language"))
    errors: dict[str, str] = {}

    number = cards.normalise_number(form.get("card_number", ""))
    brand = None
    if not (12 <= len(number) <= 19) or not cards.luhn_valid(number):
        errors["card_number"] = text(language, "error_card_number")
    else:
        brand = cards.detect_brand(number)
        allowed = accepted_brands(request_fields)
        if brand is None:
            errors["card_number"] = text(language, "error_card_brand")
        elif brand not in allowed:
            option = BRAND_NAMES[language][allowed[0].value]
            errors["card_number"] = text(language, "error_card_option", option=option)

    expiry = cards.parse_expiry(form.get("expiry", ""))
    if expiry is None:
        errors["expiry"] = text(language, "error_expiry_format")
    elif not cards.expiry_in_future(*expiry):
        errors["expiry"] = text(language, "error_expiry_past")

    cvv = form.get("card_security_code", "").strip()
    length = cards.cvv_length(brand)
    if len(cvv) != length or not cvv.isascii() or not cvv.isdigit():
        errors["card_security_code"] = text(language, "error_cvv", length=length)

    holder = " ".join(form.get("card_holder_name", "").split())
    if not holder:
        errors["card_holder_name"] = text(language, "error_holder_missing")
    elif len(holder) > CARD_HOLDER_NAME_MAX:
        errors["card_holder_name"] = text(language, "error_holder_length", length=CARD_HOLDER_NAME_MAX)

    if errors or brand is None or expiry is None:
        return None, errors
    return CardEntry(number, brand, expiry[0], expiry[1], holder), errors


class CardPageInput(NamedTuple):
    """A submitted card page: the accepted card and plan fields, or the errors and typed values to show again."""

    entry: CardEntry | None
    plan_fields: dict[str, str]
    errors: dict[str, str]
    values: dict[str, str]


def read_card_page(form: Mapping[str, str], request_fields: Mapping[str, str]) -> CardPageInput:
    """Check the card form and, with installments, the plan chosen for that card."""
    entry, errors = read_card_form(form, request_fields)
    plan_fields: dict[str, str] = {}
    plan_error = None
    if entry is not None:
        plan_fields, plan_error = installments.read_plan_choice(form, request_fields, entry.number)
    if plan_error:
        errors["plan"] = plan_error
    if entry is None or plan_error:
        values = {name: form.get(name, "") for name in ("card_number", "expiry", "card_holder_name", "plan")}
        return CardPageInput(None, {}, errors, values)
    return CardPageInput(entry, plan_fields, errors, {})


@bp.post("/sim/card/<session_id>/pay")
def pay(session_id: str) -> Any:
    """Check the card and either end the payment or send the shopper to the 3-D Secure page."""
    state = get_state()
    session = state.store.get_session(session_id, stage=OPEN)
    if session is None:
        return session_ended_page(request.form.get("language", ""))

    submitted = read_card_page(request.form, session.request)
    if submitted.entry is None:
        return render_card_page(session, submitted.errors, submitted.values)
    entry, plan_fields = submitted.entry, submitted.plan_fields
    session.data[RESULT_FIELDS_KEY] = plan_fields

    command = session.request["command"]
    if command == "AUTHORIZATION" and entry.brand == Brand.MADA:
        return _finish(session, OPEN, NOT_VALID_FOR_OPTION, entry)

    behaviour = cards.behaviour_of(entry.number)
    if behaviour == Behaviour.CHALLENGE:
        if not state.store.advance(session, OPEN, CHALLENGE):
            return session_ended_page(session.request.get("language", ""))
        # The payment is on hold (20064, 3-D Secure check requested) until the tester chooses.
        transaction = record_transaction(session, "20064", payment_option=entry.brand.value)
        session.data.update(card=entry, fort_id=transaction.fort_id)
        return redirect(url_for("card.challenge", session_id=session.id), code=303)
    if behaviour == Behaviour.DECLINE:
        return _finish(session, OPEN, failure_code(command, DECLINED), entry)
    if behaviour == Behaviour.INSUFFICIENT_FUNDS:
        return _finish(session, OPEN, failure_code(command, INSUFFICIENT_FUNDS), entry)
    if behaviour == Behaviour.PENDING:
        return _finish(session, OPEN, UNCERTAIN, entry, settle_with=success_code(command))
    return _finish(session, OPEN, success_code(command), entry)


@bp.post("/sim/card/<session_id>/cancel")
def cancel(session_id: str) -> Any:
    """End the payment as cancelled by the shopper (00072)."""
    session = get_state().store.get_session(session_id, stage=OPEN)
    if session is None:
        return session_ended_page(request.form.get("language", ""))
    return _finish(session, OPEN, CANCELLED, None)


@bp.get("/sim/3ds/<session_id>")
def challenge(session_id: str) -> Any:
    """Show the 3-D Secure challenge with its three outcomes."""
    session = get_state().store.get_session(session_id, stage=CHALLENGE)
    if session is None:
        return session_ended_page(request.args.get("language", ""))
    entry: CardEntry = session.data["card"]
    request_fields = session.request
    return render_page(
        "threeds.html",
        page_language(request_fields.get("language")),
        session=session,
        merchant_name=get_state().settings["SIMULATOR_MERCHANT_NAME"],
        amount=format_amount(request_fields["amount"], request_fields["currency"]),
        masked_number=cards.mask_card_number(entry.number),
    )


@bp.post("/sim/3ds/<session_id>")
def challenge_result(session_id: str) -> Any:
    """End a 3-D Secure payment with the outcome the tester chose."""
    session = get_state().store.get_session(session_id, stage=CHALLENGE)
    if session is None:
        return session_ended_page(request.form.get("language", ""))
    entry: CardEntry = session.data["card"]
    command = session.request["command"]
    outcome = request.form.get("outcome", "")
    codes = {
        "authenticate": success_code(command),
        "fail": failure_code(command, AUTHENTICATION_FAILED),
        "cancel": CANCELLED,
    }
    if outcome not in codes:
        return challenge(session_id)
    return _finish(session, CHALLENGE, codes[outcome], entry, fort_id=session.data["fort_id"])


def _finish(session: PageSession, stage: str, response_code: str, entry: CardEntry | None,
            fort_id: str | None = None, settle_with: str | None = None) -> Any:
    """Close ``session`` once and deliver its result; a second submit gets the session-ended page."""
    state = get_state()
    if not state.store.advance(session, stage, DONE):
        return session_ended_page(session.request.get("language", ""))
    extra = entry.result_fields() if entry else {}
    finished = finish_payment(session, response_code, extra, fort_id=fort_id)
    if settle_with:
        schedule_settlement(state, finished.transaction, settle_with)
    return finished.page


register(HostedMethod(
    key="card",
    start=start,
    payment_options=frozenset({"", *(brand.value for brand in Brand)}),
    blueprint=bp,
))
