"""Test cards and card checks of the simulator.

``TEST_CARDS`` is the table the test-cards page and the README show. The
documented APS sandbox cards behave as in the APS sandbox; the cards marked
``simulator_only`` trigger outcomes that APS publishes no test card for.
Any other Luhn-valid Visa, Mastercard, American Express or mada number with a
future expiry date is approved without 3-D Secure.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from shop.aps import mada


class Brand(enum.StrEnum):
    """Card brand, spelled as APS's ``payment_option`` value."""

    VISA = "VISA"
    MASTERCARD = "MASTERCARD"
    AMEX = "AMEX"
    MADA = "MADA"


class Behaviour(enum.StrEnum):
    """Outcome the simulator produces when a card is submitted."""

    SUCCESS = "success"
    CHALLENGE = "3ds_challenge"
    DECLINE = "decline"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    PENDING = "pending"


@dataclass(frozen=True)
class SandboxCard:
    """One test card: number, brand, CVV to use and the outcome it triggers."""

    number: str
    brand: Brand
    cvv: str
    behaviour: Behaviour
    simulator_only: bool = False
    purchase_only: bool = False


TEST_CARDS: tuple[SandboxCard, ...] = (
    # Documented APS sandbox cards.
    SandboxCard("4005550000000001", Brand.VISA, "123", Behaviour.SUCCESS),
    SandboxCard("5123456789012346", Brand.MASTERCARD, "123", Behaviour.SUCCESS),
    SandboxCard("345678901234564", Brand.AMEX, "1234", Behaviour.SUCCESS),
    SandboxCard("5297412542005689", Brand.MADA, "350", Behaviour.SUCCESS, purchase_only=True),
    SandboxCard("4557012345678902", Brand.VISA, "123", Behaviour.CHALLENGE),
    SandboxCard("5313581000123430", Brand.MASTERCARD, "123", Behaviour.CHALLENGE),
    SandboxCard("374200000000004", Brand.AMEX, "1234", Behaviour.CHALLENGE),
    # Simulator-only cards; the last digits before the check digit echo the
    # APS message code they produce (666, 029, 777).
    SandboxCard("4000000000006660", Brand.VISA, "123", Behaviour.DECLINE, simulator_only=True),
    SandboxCard("4000000000000291", Brand.VISA, "123", Behaviour.INSUFFICIENT_FUNDS, simulator_only=True),
    SandboxCard("4000000000007775", Brand.VISA, "123", Behaviour.PENDING, simulator_only=True),
)

TEST_CARDS_BY_NUMBER = {card.number: card for card in TEST_CARDS}


def luhn_valid(number: str) -> bool:
    """Check the Luhn (mod 10) check digit of a digit string."""
    if not number.isascii() or not number.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_mada(number: str) -> bool:
    """Tell whether ``number`` starts with a mada BIN prefix.

    The list is the shop's (``shop.aps.mada``), so the simulator and the shop
    agree, including any change made with APS_MADA_BINS or APS_MADA_BINS_EXTRA.
    """
    return mada.is_mada(number)


def detect_brand(number: str) -> Brand | None:
    """Return the card's brand from its prefix, or None for brands APS is not set up for here."""
    if is_mada(number):
        return Brand.MADA
    if number[:2] in {"34", "37"}:
        return Brand.AMEX
    if number.startswith("4"):
        return Brand.VISA
    if number[:2] in {"51", "52", "53", "54", "55"} or (len(number) >= 4 and 2221 <= int(number[:4]) <= 2720):
        return Brand.MASTERCARD
    return None


def behaviour_of(number: str) -> Behaviour:
    """Return what submitting ``number`` does; unknown numbers succeed."""
    card = TEST_CARDS_BY_NUMBER.get(number)
    return card.behaviour if card else Behaviour.SUCCESS


def normalise_number(raw: str) -> str:
    """Drop the spaces and dashes people type between digit groups."""
    return re.sub(r"[\s-]", "", raw or "")


def parse_expiry(raw: str) -> tuple[int, int] | None:
    """Parse ``MM/YY`` (also ``MMYY`` or ``MM/YYYY``) into (year, month), or None."""
    match = re.fullmatch(r"\s*(\d{2})\s*/?\s*(\d{2}|\d{4})\s*", raw or "")
    if not match:
        return None
    month = int(match.group(1))
    year = int(match.group(2))
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        return None
    return year, month


def expiry_in_future(year: int, month: int, today: dt.date | None = None) -> bool:
    """Tell whether a card expiring at the end of ``month``/``year`` is still valid."""
    today = today or dt.date.today()
    return (year, month) >= (today.year, today.month)


def cvv_length(brand: Brand | None) -> int:
    """Return the security-code length of ``brand``: 4 for American Express, 3 for the others."""
    return 4 if brand == Brand.AMEX else 3


def mask_card_number(number: str) -> str:
    """Mask a card number as APS does: first six and last four digits kept."""
    if len(number) <= 10:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def expiry_yymm(year: int, month: int) -> str:
    """Format an expiry date as APS's ``expiry_date`` (YYMM)."""
    return f"{year % 100:02d}{month:02d}"
