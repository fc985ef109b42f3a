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
    LocalMethod,
    TestCredential,
    card_step,
    confirm_step,
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
        card_step("knet", "0000000001", max_length=19, with_pin=True, intro="knet_card_intro"),
        confirm_step(intro="knet_confirm_intro"),
    ),
    credentials=(
        TestCredential((("card_number", "0000000001"), ("pin", "1234")), APPROVE, simulator_only=False),
        TestCredential((("card_number", "0000000002"), ("pin", "1234")), DECLINE),
    ),
    result_fields=knet_fields,
))
