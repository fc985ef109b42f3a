"""STC Pay pages: the wallet's mobile number, then the one-time password, on the shop's own pages.

``/checkout/pay/<merchant_reference>`` hands an STC Pay attempt to
``start_stcpay`` (integration type ``stcpay_otp``), which sends the shopper
here, or to APS's hosted page when STCPAY_FLOW is ``hosted``. Only the
browser that placed the order may open these pages, and only while the
attempt has not been sent to APS for payment.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from ..aps import APSError
from ..checkout.views import owns_order
from ..extensions import db
from ..models import AttemptStatus, PaymentAttempt
from ..payments.integrations import register_integration, start_redirection
from ..payments.methods import PaymentMethod
from ..payments.receipts import receipt_url
from .forms import OtpForm, PhoneForm, ResendForm
from .phone import display_phone_number
from .service import FLOW_HOSTED, FLOW_SETTING, load_settings, otp_state, purchase, request_otp, seconds_until_resend

logger = logging.getLogger("shop.stcpay")

bp = Blueprint("stcpay", __name__, url_prefix="/stcpay")

METHOD_CODE = "stcpay"


@bp.record_once
def read_settings(state: BlueprintSetupState) -> None:
    load_settings(state.app)


@register_integration("stcpay_otp")
def start_stcpay(attempt: PaymentAttempt, method: PaymentMethod) -> ResponseReturnValue:
    """Send the shopper to the mobile-number page, or to APS's hosted STC Pay page when STCPAY_FLOW=hosted."""
    if current_app.config[FLOW_SETTING] == FLOW_HOSTED:
        return start_redirection(attempt, method)
    return redirect(url_for("stcpay.phone", merchant_reference=attempt.merchant_reference))


def minutes_seconds(seconds: int) -> str:
    """Format a wait as ``m:ss`` (0:45), which reads the same in English and Arabic and needs no plural forms."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def load_attempt(merchant_reference: str) -> PaymentAttempt:
    """Return the shopper's own STC Pay attempt; 404 for any other reference."""
    attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == merchant_reference))
    if attempt is None or attempt.method != METHOD_CODE or not owns_order(attempt.order):
        abort(404)
    return attempt


def is_open(attempt: PaymentAttempt) -> bool:
    """Tell whether the attempt still waits for the shopper (not yet sent to APS for payment)."""
    return attempt.status == AttemptStatus.CREATED.value


def _service_unavailable(error: APSError, attempt: PaymentAttempt, operation: str) -> None:
    logger.warning("STC Pay %s failed merchant_reference=%s: %s", operation, attempt.merchant_reference, error)
    flash(_("STC Pay could not be reached. Try again in a moment."), "error")


@bp.route("/<merchant_reference>/phone", methods=["GET", "POST"])
def phone(merchant_reference: str) -> ResponseReturnValue:
    """Ask for the wallet's mobile number and request an OTP for it."""
    attempt = load_attempt(merchant_reference)
    if not is_open(attempt):
        return redirect(receipt_url(attempt.order))
    state = otp_state(attempt)
    form = PhoneForm()
    if not form.is_submitted() and state is not None:
        form.phone_number.data = "0" + state.national_number

    if form.validate_on_submit():
        try:
            outcome = request_otp(attempt, form.national)
        except APSError as error:
            _service_unavailable(error, attempt, "GENERATE_OTP")
        else:
            if outcome.sent:
                return redirect(url_for("stcpay.otp", merchant_reference=merchant_reference))
            if outcome.wait_seconds:
                flash(_("You can request a new code in %(time)s.", time=minutes_seconds(outcome.wait_seconds)), "error")
            else:
                flash(_("STC Pay did not send a code: %(message)s", message=outcome.response_message), "error")
    return render_template("stcpay/phone.html", form=form, attempt=attempt, order=attempt.order,
                           cancel_url=receipt_url(attempt.order))


@bp.route("/<merchant_reference>/otp", methods=["GET", "POST"])
def otp(merchant_reference: str) -> ResponseReturnValue:
    """Ask for the OTP and pay with it; APS's response decides what the receipt shows."""
    attempt = load_attempt(merchant_reference)
    if not is_open(attempt):
        return redirect(receipt_url(attempt.order))
    state = otp_state(attempt)
    if state is None or state.requested_at is None:
        return redirect(url_for("stcpay.phone", merchant_reference=merchant_reference))

    form = OtpForm()
    wait_seconds = seconds_until_resend(state)
    if form.validate_on_submit():
        try:
            purchase(attempt, form.otp.data)
        except APSError as error:
            logger.warning("STC Pay PURCHASE failed merchant_reference=%s: %s", merchant_reference, error)
            flash(_("STC Pay has not confirmed the payment yet. This page shows the result as soon as it arrives."), "error")
        return redirect(receipt_url(attempt.order))

    return render_template(
        "stcpay/otp.html",
        form=form,
        resend_form=ResendForm(),
        attempt=attempt,
        order=attempt.order,
        phone_display=display_phone_number(state.national_number),
        wait_seconds=wait_seconds,
        wait_time=minutes_seconds(wait_seconds),
    )


@bp.post("/<merchant_reference>/resend")
def resend(merchant_reference: str) -> ResponseReturnValue:
    """Request a new OTP for the same number, at most once per STCPAY_OTP_RESEND_SECONDS."""
    attempt = load_attempt(merchant_reference)
    if not is_open(attempt):
        return redirect(receipt_url(attempt.order))
    state = otp_state(attempt)
    if state is None:
        return redirect(url_for("stcpay.phone", merchant_reference=merchant_reference))
    if not ResendForm().validate_on_submit():
        abort(400)

    try:
        outcome = request_otp(attempt, state.national_number)
    except APSError as error:
        _service_unavailable(error, attempt, "GENERATE_OTP")
    else:
        if outcome.sent:
            flash(_("We sent a new code to %(phone)s.", phone=display_phone_number(state.national_number)), "success")
        elif outcome.wait_seconds:
            flash(_("You can request a new code in %(time)s.", time=minutes_seconds(outcome.wait_seconds)), "error")
        else:
            flash(_("STC Pay did not send a code: %(message)s", message=outcome.response_message), "error")
    return redirect(url_for("stcpay.otp", merchant_reference=merchant_reference))
