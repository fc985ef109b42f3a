"""Hosted pages of the local payment schemes: KNET, NAPS, BENEFIT, OmanNet and STC Pay.

Each scheme is a ``LocalMethod``: the one currency APS accepts for it, its
pages (``Step``) in order and its test credentials. The first page is the
response to the paymentPage request. Each later page is reached by a 303
redirect once the previous one is accepted, so a reload never submits a
page twice. Every page has a Cancel button (00072). The last page ends the payment with the
outcome of the credentials used: approved (14000) or declined (13666, or
13746/13747 for the STC Pay test numbers).

A method module calls ``register_local_method``, which builds the method's
blueprint (routes under ``/sim/<key>/``) and registers it as a HostedMethod.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, redirect, request, url_for

from .. import cards
from ..i18n import isolate_ltr, page_language, render_page, text
from ..results import finish_payment, session_ended_page
from ..state import get_state
from ..store import DONE, PageSession
from ..validation import INVALID_CURRENCY, Rejection
from . import HostedMethod, register
from .card import format_amount

logger = logging.getLogger("shop.simulator")

OPEN = "open"
APPROVED = "14000"
DECLINED = "13666"
CANCELLED = "00072"

# Outcome names used in test credentials, and the response_code each ends with.
APPROVE = "approve"
DECLINE = "decline"
OUTCOME_CODES = {APPROVE: APPROVED, DECLINE: DECLINED, "746": "13746", "747": "13747"}

# Session data keys.
CREDENTIAL_KEY = "credential"
CARD_NUMBER_KEY = "card_number"
PHONE_KEY = "phone_number"

# Errors returned by a step check: field name -> text in the page's language.
Errors = dict[str, str]
StepCheck = Callable[[PageSession, Mapping[str, str], str], Errors]


@dataclass(frozen=True)
class InputField:
    """One input on a local-method page; ``label`` and ``placeholder`` are keys of ``i18n.TEXTS``."""

    name: str
    label: str
    maxlength: int
    placeholder: str = ""
    secret: bool = False
    inputmode: str = "numeric"
    autocomplete: str = "off"


@dataclass(frozen=True)
class Step:
    """One page of a local method.

    ``check`` validates the submitted form and may store what it accepted in
    ``session.data``; it returns the field errors, empty when the page is
    accepted. A step without fields is a confirmation page.
    """

    key: str
    title: str
    intro: str
    submit: str
    fields: tuple[InputField, ...] = ()
    check: StepCheck | None = None


@dataclass(frozen=True)
class TestCredential:
    """Test data of a local method: labelled values (label keys of ``i18n.TEXTS``) and the outcome they give."""

    values: tuple[tuple[str, str], ...]
    outcome: str
    simulator_only: bool = True

    def value(self, label: str) -> str:
        return dict(self.values).get(label, "")


@dataclass(frozen=True)
class LocalMethod:
    """A local scheme's hosted pages, served for its ``payment_option`` or ``digital_wallet``.

    ``result_fields`` returns the scheme's own response fields (KNET's
    ``knet_ref_number``...). They are added to approved and declined results
    alike, and to cancelled ones when ``fields_on_cancel`` is set.
    """

    key: str
    currency: str
    steps: tuple[Step, ...]
    credentials: tuple[TestCredential, ...]
    result_fields: Callable[[PageSession], dict[str, str]]
    payment_option: str = ""
    digital_wallet: str = ""
    fields_on_cancel: bool = False
    blueprint: Blueprint = field(init=False, repr=False, compare=False)


LOCAL_METHODS: dict[str, LocalMethod] = {}


def method_name(language: str, key: str) -> str:
    """Return the scheme's name in ``language`` (``KNET``, ``كي نت``...)."""
    return text(language, f"method_{key}")


def stage_of(method: LocalMethod, index: int) -> str:
    """Return the session stage of the method's step ``index``; the first page is the session's ``open`` stage."""
    return OPEN if index == 0 else method.steps[index].key


def step_index(method: LocalMethod, key: str) -> int | None:
    for index, step in enumerate(method.steps):
        if step.key == key:
            return index
    return None


def random_digits(count: int) -> str:
    """Return ``count`` random decimal digits, the first one not zero."""
    return str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(count - 1))


def utc_timestamp() -> str:
    """Return the current UTC time as ``YYYY-MM-DD, HH:MM:SS``."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d, %H:%M:%S")


def currency_rule(method: LocalMethod) -> Callable[[Mapping[str, str]], Rejection | None]:
    """Return the paymentPage check that rejects a currency other than the method's own.

    NOTE: APS does not document the code for a local scheme requested in a
    foreign currency (KNET in SAR). The simulator responds with 00013 "Invalid
    currency", the code APS uses for a currency it will not process. 00003
    "Payment option is not available" is the other plausible code.
    """

    def validate(fields: Mapping[str, str]) -> Rejection | None:
        if fields.get("currency") != method.currency:
            option = method.digital_wallet or method.payment_option
            return Rejection(
                INVALID_CURRENCY,
                f"{option} accepts only {method.currency}; the request has currency {fields.get('currency')!r}",
            )
        return None

    return validate


def find_credential(method: LocalMethod, label: str, value: str) -> TestCredential | None:
    """Return the method's test credential whose ``label`` value is ``value``."""
    for credential in method.credentials:
        if credential.value(label) == value:
            return credential
    return None


def stored_credential(session: PageSession) -> TestCredential:
    return session.data[CREDENTIAL_KEY]


# Checks shared by several schemes.


def check_card(method_key: str, with_pin: bool = False) -> StepCheck:
    """Return the check of a card page: a listed test card, a future expiry date and, if asked, its PIN."""

    def check(session: PageSession, form: Mapping[str, str], language: str) -> Errors:
        method = LOCAL_METHODS[method_key]
        errors: Errors = {}
        number = cards.normalise_number(form.get("card_number", ""))
        credential = find_credential(method, "card_number", number)
        if credential is None:
            errors["card_number"] = text(language, "error_local_card", method=method_name(language, method.key))

        expiry = cards.parse_expiry(form.get("expiry", ""))
        if expiry is None:
            errors["expiry"] = text(language, "error_expiry_format")
        elif not cards.expiry_in_future(*expiry):
            errors["expiry"] = text(language, "error_expiry_past")

        if with_pin:
            pin = form.get("pin", "").strip()
            if len(pin) != 4 or not pin.isascii() or not pin.isdigit():
                errors["pin"] = text(language, "error_pin_format")
            elif credential is not None and pin != credential.value("pin"):
                errors["pin"] = text(language, "error_pin")

        if not errors and credential is not None:
            session.data[CREDENTIAL_KEY] = credential
            session.data[CARD_NUMBER_KEY] = number
        return errors

    return check


def check_secret(name: str, error_key: str) -> StepCheck:
    """Return the check of a page asking for the stored credential's ``name`` value (OTP or PIN)."""

    def check(session: PageSession, form: Mapping[str, str], language: str) -> Errors:
        value = form.get(name, "").strip()
        if value != stored_credential(session).value(name):
            return {name: text(language, error_key)}
        return {}

    return check


def confirm(session: PageSession, form: Mapping[str, str], language: str) -> Errors:
    """Accept a confirmation page, which has no fields."""
    return {}


def card_step(method_key: str, placeholder: str, max_length: int = 23, with_pin: bool = False,
              intro: str = "local_card_intro") -> Step:
    """Return the first page of a local scheme: card number and expiry date, and the PIN if ``with_pin``."""
    fields = [
        InputField("card_number", "card_number", max_length, placeholder, autocomplete="cc-number"),
        InputField("expiry", "expiry", 7, "MM/YY", autocomplete="cc-exp"),
    ]
    if with_pin:
        fields.append(InputField("pin", "pin", 4, "", secret=True))
    return Step(
        key="card",
        title="local_card_title",
        intro=intro,
        submit="continue",
        fields=tuple(fields),
        check=check_card(method_key, with_pin=with_pin),
    )


def otp_step() -> Step:
    """Return the page that asks for the one-time password the issuer sent."""
    return Step(
        key="otp",
        title="otp_title",
        intro="otp_intro",
        submit="continue",
        fields=(InputField("otp", "otp", 6, "", secret=True, autocomplete="one-time-code"),),
        check=check_secret("otp", "error_otp"),
    )


def confirm_step(intro: str = "confirm_intro") -> Step:
    """Return the scheme's confirmation page, where the shopper approves, declines or cancels."""
    return Step(key="confirm", title="local_confirm_title", intro=intro, submit="confirm_pay", check=confirm)


def third_party_transaction_number(session: PageSession) -> dict[str, str]:
    """Return a scheme transaction number for NAPS, BENEFIT and OmanNet results.

    NOTE: whether APS returns third_party_transaction_number for these
    schemes is unconfirmed; APS documents the field for KNET.
    """
    return {"third_party_transaction_number": random_digits(16)}


# Pages and routes.


def summary_rows(session: PageSession, language: str) -> list[tuple[str, str]]:
    """Return the card or mobile number accepted so far, as (label, value) rows for the page summary."""
    rows = []
    if CARD_NUMBER_KEY in session.data:
        rows.append((text(language, "card"), cards.mask_card_number(session.data[CARD_NUMBER_KEY])))
    if PHONE_KEY in session.data:
        rows.append((text(language, "mobile_number"), session.data[PHONE_KEY]))
    return rows


def render_step(method: LocalMethod, session: PageSession, index: int,
                errors: Errors | None = None, values: Mapping[str, str] | None = None) -> str:
    """Render step ``index`` of ``method`` for ``session`` with field errors and the values typed so far."""
    request_fields = session.request
    language = page_language(request_fields.get("language"))
    step = method.steps[index]
    amount = format_amount(request_fields["amount"], request_fields["currency"])
    name = method_name(language, method.key)
    intro_values = {"method": name, "phone": isolate_ltr(session.data.get(PHONE_KEY, ""))}
    return render_page(
        "local.html",
        language,
        method=method,
        method_label=name,
        session=session,
        step=step,
        title=text(language, step.title, method=name),
        intro=text(language, step.intro, **intro_values),
        submit_label=text(language, step.submit, amount=isolate_ltr(amount)),
        merchant_name=get_state().settings["SIMULATOR_MERCHANT_NAME"],
        amount=amount,
        merchant_reference=request_fields["merchant_reference"],
        rows=summary_rows(session, language),
        errors=errors or {},
        values=values or {},
        submit_url=url_for(f"{method.blueprint.name}.submit", session_id=session.id, step=step.key),
        cancel_url=url_for(f"{method.blueprint.name}.cancel", session_id=session.id),
    )


def _start(method: LocalMethod) -> Callable[[PageSession], str]:
    def start(session: PageSession) -> str:
        return render_step(method, session, 0)

    return start


def _finish(method: LocalMethod, session: PageSession, stage: str, response_code: str, with_fields: bool) -> Any:
    """Close ``session`` once and deliver its result; a second submit gets the session-ended page."""
    if not get_state().store.advance(session, stage, DONE):
        return session_ended_page(session.request.get("language", ""))
    extra = {"payment_option": method.payment_option} if method.payment_option else {}
    if with_fields:
        extra.update(method.result_fields(session))
    return finish_payment(session, response_code, extra).page


def _build_blueprint(method: LocalMethod) -> Blueprint:
    bp = Blueprint(method.key, __name__)

    @bp.get(f"/sim/{method.key}/<session_id>/<step>")
    def show(session_id: str, step: str) -> Any:
        """Show a later page of the method, reached by redirect from the previous one."""
        index = step_index(method, step)
        session = get_state().store.get_session(session_id, stage=stage_of(method, index)) if index is not None else None
        if session is None:
            return session_ended_page(request.args.get("language", ""))
        return render_step(method, session, index)

    @bp.post(f"/sim/{method.key}/<session_id>/<step>")
    def submit(session_id: str, step: str) -> Any:
        """Check a page; show its errors, go to the next page or end the payment after the last one."""
        index = step_index(method, step)
        stage = stage_of(method, index) if index is not None else ""
        session = get_state().store.get_session(session_id, stage=stage) if index is not None else None
        if session is None:
            return session_ended_page(request.form.get("language", ""))
        language = page_language(session.request.get("language"))
        current = method.steps[index]
        errors = current.check(session, request.form, language) if current.check else {}
        if errors:
            values = {item.name: request.form.get(item.name, "") for item in current.fields if not item.secret}
            return render_step(method, session, index, errors, values)

        if index == len(method.steps) - 1:
            outcome = stored_credential(session).outcome
            return _finish(method, session, stage, OUTCOME_CODES[outcome], with_fields=True)

        following = method.steps[index + 1].key
        if not get_state().store.advance(session, stage, following):
            return session_ended_page(language)
        return redirect(url_for(f"{bp.name}.show", session_id=session.id, step=following), code=303)

    @bp.post(f"/sim/{method.key}/<session_id>/cancel")
    def cancel(session_id: str) -> Any:
        """End the payment as cancelled by the shopper (00072), from any page."""
        session = get_state().store.get_session(session_id)
        if session is None:
            return session_ended_page(request.form.get("language", ""))
        return _finish(method, session, session.stage, CANCELLED, with_fields=method.fields_on_cancel)

    return bp


def register_local_method(method: LocalMethod) -> LocalMethod:
    """Build the method's blueprint and register it as the hosted page of its option or wallet."""
    object.__setattr__(method, "blueprint", _build_blueprint(method))
    LOCAL_METHODS[method.key] = method
    register(HostedMethod(
        key=method.key,
        start=_start(method),
        payment_options=frozenset({method.payment_option} if method.payment_option else ()),
        digital_wallets=frozenset({method.digital_wallet} if method.digital_wallet else ()),
        validate=currency_rule(method),
        blueprint=method.blueprint,
    ))
    return method
