"""BENEFIT (Bahrain, BHD): the payment page (card, expiry date, PIN), then a confirmation page.

APS publishes no BENEFIT test credentials, so both cards are simulator-only:
1111000000000001 is approved and 1111000000000002 declined (13666), PIN 1234.
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
    confirm,
    random_digits,
    register_local_method,
)


def benefit_fields(session: PageSession) -> dict[str, str]:
    """Return the BENEFIT transaction number.

    NOTE: whether APS returns third_party_transaction_number for BENEFIT is
    unconfirmed; APS documents the field for KNET.
    """
    return {"third_party_transaction_number": random_digits(16)}


BENEFIT = register_local_method(LocalMethod(
    key="benefit",
    currency="BHD",
    payment_option="BENEFIT",
    steps=(
        Step(
            key="card",
            title="local_card_title",
            intro="local_card_intro",
            submit="continue",
            fields=(
                InputField("card_number", "card_number", 23, "1111 0000 0000 0001", autocomplete="cc-number"),
                InputField("expiry", "expiry", 7, "MM/YY", autocomplete="cc-exp"),
                InputField("pin", "pin", 4, "", secret=True),
            ),
            check=check_card("benefit", with_pin=True),
        ),
        Step(key="confirm", title="local_confirm_title", intro="confirm_intro", submit="confirm_pay", check=confirm),
    ),
    credentials=(
        TestCredential((("card_number", "1111000000000001"), ("pin", "1234")), APPROVE),
        TestCredential((("card_number", "1111000000000002"), ("pin", "1234")), DECLINE),
    ),
    result_fields=benefit_fields,
))
