"""STC Pay (Saudi Arabia, SAR) hosted page: the wallet's mobile number, then the OTP.

APS publishes no STC Pay test data, so all of it is simulator-only. The
server-to-server flow (``api/stcpay.py``) uses the same data. The OTP is
always 1234. 0500000746 ends with 746 (amount over the customer's limit),
0500000747 with 747 (insufficient wallet balance), and any other Saudi
mobile number is approved.
"""

from __future__ import annotations

from collections.abc import Mapping

from shop.stcpay.phone import aps_phone_number, national_number

from ..i18n import text
from ..store import PageSession
from .local import (
    APPROVE,
    CREDENTIAL_KEY,
    PHONE_KEY,
    Errors,
    InputField,
    LocalMethod,
    Step,
    TestCredential,
    check_secret,
    register_local_method,
)

TEST_OTP = "1234"
# National numbers with a scripted outcome (the last digits echo the message code).
PHONE_OUTCOMES = {"500000746": "746", "500000747": "747"}
APPROVED_EXAMPLE = "500000001"


def credential_for(national: str) -> TestCredential:
    """Return the test credential of a Saudi mobile number: a scripted outcome or approval."""
    outcome = PHONE_OUTCOMES.get(national, APPROVE)
    return TestCredential((("mobile_number", aps_phone_number(national)), ("otp", TEST_OTP)), outcome)


def check_phone(session: PageSession, form: Mapping[str, str], language: str) -> Errors:
    """Accept any Saudi mobile number in the usual forms (05..., 5..., +9665..., 009665...)."""
    national = national_number(form.get("mobile_number", ""))
    if national is None:
        return {"mobile_number": text(language, "error_mobile")}
    session.data[PHONE_KEY] = aps_phone_number(national)
    session.data[CREDENTIAL_KEY] = credential_for(national)
    return {}


def stcpay_fields(session: PageSession) -> dict[str, str]:
    """Return the wallet's mobile number, which the hosted request did not carry."""
    return {"phone_number": session.data[PHONE_KEY]} if PHONE_KEY in session.data else {}


STCPAY = register_local_method(LocalMethod(
    key="stcpay",
    currency="SAR",
    digital_wallet="STCPAY",
    steps=(
        Step(
            key="phone",
            title="local_card_title",
            intro="stcpay_phone_intro",
            submit="send_code",
            fields=(InputField("mobile_number", "mobile_number", 19, "05XXXXXXXX", inputmode="tel", autocomplete="tel"),),
            check=check_phone,
        ),
        Step(
            key="otp",
            title="otp_title",
            intro="stcpay_otp_intro",
            submit="pay",
            fields=(InputField("otp", "otp", 6, "", secret=True, autocomplete="one-time-code"),),
            check=check_secret("otp", "error_otp"),
        ),
    ),
    credentials=(
        credential_for(APPROVED_EXAMPLE),
        credential_for("500000746"),
        credential_for("500000747"),
    ),
    result_fields=stcpay_fields,
))
