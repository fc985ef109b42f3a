"""mada scenario: the "mada success test (for SAR currency)" of APS's go-live checklist.

The shopper chooses the mada option at checkout and pays with the mada test
card on the hosted card page. Its images go into the card zip, beside the
other card payments.
"""

from __future__ import annotations

from shop.simulator.cards import Behaviour, Brand

from ..registry import SUCCESS
from .card import card_scenario, sandbox_card

MADA_SUCCESS = card_scenario(
    "mada-success", "mada success test (SAR)", sandbox_card(Brand.MADA, Behaviour.SUCCESS), SUCCESS,
    threeds=False, method="mada",
)
