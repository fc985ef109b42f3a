"""STC Pay over paymentApi: GENERATE_OTP, then PURCHASE with the OTP the shopper typed.

1. ``service_command=GENERATE_OTP`` with ``digital_wallet=STCPAY``, the
   wallet's phone_number, amount, currency, merchant_reference and
   language. APS responds with 88000 and STC Pay sends the shopper an OTP.
2. ``command=PURCHASE`` with ``digital_wallet=STCPAY``, the same
   merchant_reference, phone_number, amount and currency, and ``otp``.

The PURCHASE response (verified by ``APSClient.call``) goes through
``handle_aps_message`` like a browser return or a feedback, so the same state
machine and event log apply; APS's direct feedback with the same result is
then recorded as a duplicate. GENERATE_OTP responses are logged as events
but change no state, because they are not payment results.

Settings: STCPAY_OTP_RESEND_SECONDS (default 60), the shortest time between
two OTPs for one attempt, as APS's rule 983 ("wait at least 60 seconds
between OTP requests"); STCPAY_FLOW, ``otp`` (the shop's own pages) or
``hosted`` (APS's hosted page with ``digital_wallet=STCPAY``).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select, update

from ..config import ConfigError
from ..extensions import db
from ..models import AttemptStatus, PaymentAttempt, PaymentEvent, utcnow
from ..payments.client_ip import customer_ip
from ..payments.gateway import get_client
from ..payments.service import TRANSPORT_API, MessageResult, aps_customer_name, handle_aps_message
from ..payments.states import order_status_for
from .models import StcPayOtp
from .phone import aps_phone_number

OTP_GENERATED = "88000"
FLOW_OTP = "otp"
FLOW_HOSTED = "hosted"
FLOWS = (FLOW_OTP, FLOW_HOSTED)
RESEND_SECONDS_SETTING = "STCPAY_OTP_RESEND_SECONDS"
FLOW_SETTING = "STCPAY_FLOW"
DEFAULT_RESEND_SECONDS = 60


def load_settings(app: Flask, environ: Mapping[str, str] | None = None) -> None:
    """Put the STC Pay settings into ``app.config``: an override wins, then the environment, then the default."""
    env = os.environ if environ is None else environ

    raw = app.config.get(RESEND_SECONDS_SETTING, env.get(RESEND_SECONDS_SETTING) or DEFAULT_RESEND_SECONDS)
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{RESEND_SECONDS_SETTING}={raw!r} is invalid; use a number of seconds") from None
    if seconds < 0 or seconds != seconds:
        raise ConfigError(f"{RESEND_SECONDS_SETTING}={raw!r} is invalid; use 0 or more seconds")
    app.config[RESEND_SECONDS_SETTING] = seconds

    flow = str(app.config.get(FLOW_SETTING, env.get(FLOW_SETTING) or FLOW_OTP)).strip().lower()
    if flow not in FLOWS:
        raise ConfigError(f"{FLOW_SETTING}={flow!r} is invalid; use otp or hosted")
    app.config[FLOW_SETTING] = flow


@dataclass(frozen=True)
class OtpRequest:
    """Outcome of asking for an OTP.

    ``sent`` is True when APS responded with 88000. ``wait_seconds`` is more than 0
    when the shop did not ask APS because the last OTP is too recent.
    """

    sent: bool
    response_code: str = ""
    response_message: str = ""
    wait_seconds: int = 0


def otp_state(attempt: PaymentAttempt) -> StcPayOtp | None:
    return db.session.scalar(select(StcPayOtp).where(StcPayOtp.attempt_id == attempt.id))


def seconds_until_resend(state: StcPayOtp | None) -> int:
    """Return the whole seconds left before another OTP may be requested for the attempt (0: now)."""
    if state is None or state.requested_at is None:
        return 0
    interval = current_app.config[RESEND_SECONDS_SETTING]
    elapsed = (utcnow() - state.requested_at).total_seconds()
    return max(0, math.ceil(interval - elapsed))


def _record_answer(attempt: PaymentAttempt, answer: Mapping[str, Any], operation: str) -> None:
    """Store a verified paymentApi response that is not a payment result in the attempt's event log."""
    db.session.add(
        PaymentEvent(
            attempt=attempt,
            merchant_reference=attempt.merchant_reference,
            transport=TRANSPORT_API,
            content_type="application/json",
            raw_body=json.dumps(answer, ensure_ascii=False),
            params=dict(answer),
            signature_valid=True,
            verdict=f"ignored: {operation} answer, not a payment result",
            response_code=str(answer.get("response_code", ""))[:5] or None,
        )
    )


def request_otp(attempt: PaymentAttempt, national_number: str) -> OtpRequest:
    """Ask APS to send an OTP to the wallet of ``national_number`` (5XXXXXXXX) for ``attempt``.

    Raises ``APSError`` when APS cannot be reached or its response is not
    verified. Each attempt keeps its merchant_reference for every OTP and
    for the PURCHASE, because APS matches the PURCHASE with the OTP request
    by merchant_reference.
    """
    state = otp_state(attempt)
    wait = seconds_until_resend(state)
    if wait > 0:
        return OtpRequest(False, wait_seconds=wait)

    answer = get_client().call(
        {
            "service_command": "GENERATE_OTP",
            "digital_wallet": "STCPAY",
            "merchant_reference": attempt.merchant_reference,
            "amount": attempt.amount_minor,
            "currency": attempt.currency,
            "language": attempt.language,
            "phone_number": aps_phone_number(national_number),
        }
    )
    _record_answer(attempt, answer, "GENERATE_OTP")
    code = str(answer.get("response_code", ""))
    if code == OTP_GENERATED:
        if state is None:
            state = StcPayOtp(attempt_id=attempt.id, national_number=national_number, request_count=0)
            db.session.add(state)
        state.national_number = national_number
        state.requested_at = utcnow()
        state.request_count = (state.request_count or 0) + 1
    db.session.commit()
    return OtpRequest(code == OTP_GENERATED, code, str(answer.get("response_message", "")))


def mark_sent(attempt: PaymentAttempt) -> bool:
    """Move the attempt from created to pending, once; False when another request already did.

    The PURCHASE is sent only by the request that wins this conditional
    UPDATE, so a double click cannot pay twice. A pending attempt also
    waits on the receipt for APS's feedback if the response gets lost.
    """
    result = db.session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt.id, PaymentAttempt.status == AttemptStatus.CREATED.value)
        .values(status=AttemptStatus.PENDING.value, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if result.rowcount != 1:
        db.session.rollback()
        return False
    order = attempt.order
    order.status = order_status_for([other.status for other in order.attempts]).value
    db.session.commit()
    return True


def purchase(attempt: PaymentAttempt, otp: str) -> MessageResult | None:
    """Send the PURCHASE with ``otp`` and apply APS's response to the attempt.

    Returns None when the PURCHASE was already sent for this attempt. Raises
    ``APSError`` when the response does not arrive or is not verified, and the
    attempt then stays pending until APS's feedback or CHECK_STATUS settles it.
    """
    state = otp_state(attempt)
    if state is None or not mark_sent(attempt):
        return None
    order = attempt.order
    params = {
        "command": "PURCHASE",
        "digital_wallet": "STCPAY",
        "merchant_reference": attempt.merchant_reference,
        "amount": attempt.amount_minor,
        "currency": attempt.currency,
        "language": attempt.language,
        "customer_email": order.customer_email,
        "customer_ip": customer_ip(),
        "phone_number": aps_phone_number(state.national_number),
        "otp": otp,
        "order_description": f"Order {order.number}",
    }
    name = aps_customer_name(order.customer_name or "")
    if name:
        params["customer_name"] = name
    answer = get_client().call(params)
    return handle_aps_message(answer, TRANSPORT_API, json.dumps(answer, ensure_ascii=False), "application/json")
