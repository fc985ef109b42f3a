"""NAPS (Qatar, QAR): card number and expiry date, then the OTP page, then the PIN page.

The documented APS sandbox card 4215375500883243 (OTP 1234, PIN 1234) is
approved; the simulator-only card 4215375500883250 is declined (13666).
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
    random_digits,
    register_local_method,
)


def naps_fields(session: PageSession) -> dict[str, str]:
    """Return the NAPS transaction number.

    NOTE: whether APS returns third_party_transaction_number for NAPS is
    unconfirmed; APS documents the field for KNET.
    """
    return {"third_party_transaction_number": random_digits(16)}


NAPS = register_local_method(LocalMethod(
    key="naps",
    currency="QAR",
    payment_option="NAPS",
    steps=(
        Step(
            key="card",
            title="local_card_title",
            intro="local_card_intro",
            submit="continue",
            fields=(
                InputField("card_number", "card_number", 23, "4215 3755 0088 3243", autocomplete="cc-number"),
                InputField("expiry", "expiry", 7, "MM/YY", autocomplete="cc-exp"),
            ),
            check=check_card("naps"),
        ),
        Step(
            key="otp",
            title="otp_title",
            intro="otp_intro",
            submit="continue",
            fields=(InputField("otp", "otp", 6, "", secret=True, autocomplete="one-time-code"),),
            check=check_secret("otp", "error_otp"),
        ),
        Step(
            key="pin",
            title="pin_title",
            intro="pin_intro",
            submit="pay",
            fields=(InputField("pin", "pin", 4, "", secret=True),),
            check=check_secret("pin", "error_pin"),
        ),
    ),
    credentials=(
        TestCredential((("card_number", "4215375500883243"), ("otp", "1234"), ("pin", "1234")), APPROVE, simulator_only=False),
        TestCredential((("card_number", "4215375500883250"), ("otp", "1234"), ("pin", "1234")), DECLINE),
    ),
    result_fields=naps_fields,
))
