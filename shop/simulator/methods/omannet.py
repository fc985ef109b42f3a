"""OmanNet (Oman, OMR): the payment page (card and expiry date), the OTP page, then a confirmation page.

APS publishes no OmanNet test credentials, so both cards are simulator-only:
7777000000000001 is approved and 7777000000000002 declined (13666), OTP 1234.
"""

from __future__ import annotations

from ..store import PageSession
from .local import (
    APPROVE,
    DECLINE,
    InputField,
    LocalMethod,
    Step,
    TestCredential,
    check_card,
    check_secret,
    confirm,
    random_digits,
    register_local_method,
)


def omannet_fields(session: PageSession) -> dict[str, str]:
    """Return the OmanNet transaction number.

    NOTE: whether APS returns third_party_transaction_number for OmanNet is
    unconfirmed; APS documents the field for KNET.
    """
    return {"third_party_transaction_number": random_digits(16)}


OMANNET = register_local_method(LocalMethod(
    key="omannet",
    currency="OMR",
    payment_option="OMANNET",
    steps=(
        Step(
            key="card",
            title="local_card_title",
            intro="local_card_intro",
            submit="continue",
            fields=(
                InputField("card_number", "card_number", 23, "7777 0000 0000 0001", autocomplete="cc-number"),
                InputField("expiry", "expiry", 7, "MM/YY", autocomplete="cc-exp"),
            ),
            check=check_card("omannet"),
        ),
        Step(
            key="otp",
            title="otp_title",
            intro="otp_intro",
            submit="continue",
            fields=(InputField("otp", "otp", 6, "", secret=True, autocomplete="one-time-code"),),
            check=check_secret("otp", "error_otp"),
        ),
        Step(key="confirm", title="local_confirm_title", intro="confirm_intro", submit="confirm_pay", check=confirm),
    ),
    credentials=(
        TestCredential((("card_number", "7777000000000001"), ("otp", "1234")), APPROVE),
        TestCredential((("card_number", "7777000000000002"), ("otp", "1234")), DECLINE),
    ),
    result_fields=omannet_fields,
))
