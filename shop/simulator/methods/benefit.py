"""BENEFIT (Bahrain, BHD): the payment page (card, expiry date, PIN), then a confirmation page.

APS publishes no BENEFIT test credentials, so both cards are simulator-only:
1111000000000001 is approved and 1111000000000002 declined (13666), PIN 1234.
"""

from __future__ import annotations

from .local import (
    APPROVE,
    DECLINE,
    LocalMethod,
    TestCredential,
    card_step,
    confirm_step,
    register_local_method,
    third_party_transaction_number,
)

BENEFIT = register_local_method(LocalMethod(
    key="benefit",
    currency="BHD",
    payment_option="BENEFIT",
    steps=(card_step("benefit", "1111 0000 0000 0001", with_pin=True), confirm_step()),
    credentials=(
        TestCredential((("card_number", "1111000000000001"), ("pin", "1234")), APPROVE),
        TestCredential((("card_number", "1111000000000002"), ("pin", "1234")), DECLINE),
    ),
    result_fields=third_party_transaction_number,
))
