"""OmanNet (Oman, OMR): the payment page (card and expiry date), the OTP page, then a confirmation page.

APS publishes no OmanNet test credentials, so both cards are simulator-only:
7777000000000001 is approved and 7777000000000002 declined (13666), OTP 1234.
"""

from __future__ import annotations

from .local import (
    APPROVE,
    DECLINE,
    LocalMethod,
    TestCredential,
    card_step,
    confirm_step,
    otp_step,
    register_local_method,
    third_party_transaction_number,
)

OMANNET = register_local_method(LocalMethod(
    key="omannet",
    currency="OMR",
    payment_option="OMANNET",
    steps=(card_step("omannet", "7777 0000 0000 0001"), otp_step(), confirm_step()),
    credentials=(
        TestCredential((("card_number", "7777000000000001"), ("otp", "1234")), APPROVE),
        TestCredential((("card_number", "7777000000000002"), ("otp", "1234")), DECLINE),
    ),
    result_fields=third_party_transaction_number,
))
