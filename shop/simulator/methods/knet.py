"""KNET (Kuwait, KWD): card number, expiry date and PIN, then KNET's confirmation page.

The documented APS sandbox card 0000000001 with PIN 1234 is approved. The
simulator-only card 0000000002 is declined (13666), and its result still
carries the KNET fields, as a declined KNET payment does.
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
    utc_timestamp,
)


def knet_fields(session: PageSession) -> dict[str, str]:
    """Return the KNET fields of a result: KNET's reference number, its transaction number and the date.

    The lengths follow APS's examples (knet_ref_number 832911577112,
    third_party_transaction_number 9547069411183290).
    NOTE: APS documents only knet_ref_number and third_party_transaction_number
    for KNET. transaction_date (UTC, "YYYY-MM-DD, HH:MM:SS") is in the KNET
    postbacks that IXOPAY's APS adapter documents, not in APS's own tables.
    """
    return {
        "knet_ref_number": random_digits(12),
        "third_party_transaction_number": random_digits(16),
        "transaction_date": utc_timestamp(),
    }


KNET = register_local_method(LocalMethod(
    key="knet",
    currency="KWD",
    payment_option="KNET",
    steps=(
        Step(
            key="card",
            title="local_card_title",
            intro="knet_card_intro",
            submit="continue",
            fields=(
                InputField("card_number", "card_number", 19, "0000000001", autocomplete="cc-number"),
                InputField("expiry", "expiry", 7, "MM/YY", autocomplete="cc-exp"),
                InputField("pin", "pin", 4, "", secret=True),
            ),
            check=check_card("knet", with_pin=True),
        ),
        Step(key="confirm", title="local_confirm_title", intro="knet_confirm_intro", submit="confirm_pay", check=confirm),
    ),
    credentials=(
        TestCredential((("card_number", "0000000001"), ("pin", "1234")), APPROVE, simulator_only=False),
        TestCredential((("card_number", "0000000002"), ("pin", "1234")), DECLINE),
    ),
    result_fields=knet_fields,
))
