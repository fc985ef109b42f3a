"""NAPS (Qatar, QAR): card number and expiry date, then the OTP page, then the PIN page.

The documented APS sandbox card 4215375500883243 (OTP 1234, PIN 1234) is
approved; the simulator-only card 4215375500883250 is declined (13666).
"""

from __future__ import annotations

from .local import (
    APPROVE,
    DECLINE,
    InputField,
    LocalMethod,
    Step,
    TestCredential,
    card_step,
    check_secret,
    otp_step,
    register_local_method,
    third_party_transaction_number,
)

NAPS = register_local_method(LocalMethod(
    key="naps",
    currency="QAR",
    payment_option="NAPS",
    steps=(
        card_step("naps", "4215 3755 0088 3243"),
        otp_step(),
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
    result_fields=third_party_transaction_number,
))
