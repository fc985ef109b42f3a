"""Saved cards: APS tokens that belong to a shopper account.

The shop assigns each signed-in shopper's new card a random ``token_name``
and keeps only what APS returns about it: the masked card number, expiry
date, brand and holder name. Paying with a saved card or deleting it always
looks the card up by the signed-in user from the session, never by an id
alone.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..aps import APSError
from ..aps.client import mask_value
from ..extensions import db
from ..models import SavedCard, User
from ..payments.operations import record_event, update_token
from ..payments.service import TRANSPORT_API

logger = logging.getLogger("shop.accounts")

TOKEN_UPDATED = "58000"
# APS token_name: at most 100 letters, digits and . @ - _; 34 characters here.
TOKEN_PREFIX = "SC"


def new_token_name() -> str:
    """Return a random token_name for a card a shopper may save."""
    return TOKEN_PREFIX + secrets.token_hex(16)


def cards_of(user: User | None) -> list[SavedCard]:
    if user is None:
        return []
    return list(db.session.scalars(select(SavedCard).where(SavedCard.user_id == user.id).order_by(SavedCard.id)))


def card_of(user: User | None, card_id: int) -> SavedCard | None:
    """Return the user's saved card ``card_id``; None for another shopper's card or no user."""
    if user is None:
        return None
    return db.session.scalar(select(SavedCard).where(SavedCard.id == card_id, SavedCard.user_id == user.id))


def card_with_token(user_id: int, token_name: str) -> SavedCard | None:
    return db.session.scalar(select(SavedCard).where(SavedCard.user_id == user_id, SavedCard.token_name == token_name))


def expiry_text(expiry_date: str) -> str:
    """Format APS's YYMM ``expiry_date`` as MM/YY."""
    if len(expiry_date) == 4 and expiry_date.isdigit():
        return f"{expiry_date[2:]}/{expiry_date[:2]}"
    return expiry_date


def last_four(card_number: str) -> str:
    return card_number[-4:] if len(card_number) >= 4 else card_number


def save_card(user_id: int, token_name: str, fields: Mapping[str, Any]) -> SavedCard | None:
    """Store a saved card from APS's fields (card_number, expiry_date, payment_option, card_holder_name).

    The card number is stored masked even if it arrived in clear. Returns
    None when the token is already saved. Commits.
    """
    if card_with_token(user_id, token_name) is not None:
        return None
    number = str(fields.get("card_number") or "")
    card = SavedCard(
        user_id=user_id,
        token_name=token_name,
        payment_option=str(fields.get("payment_option") or "")[:20],
        card_number=str(mask_value("card_number", number))[:32],
        expiry_date=str(fields.get("expiry_date") or "")[:4],
        card_holder_name=str(fields.get("card_holder_name") or "")[:50],
    )
    db.session.add(card)
    try:
        db.session.commit()
    except IntegrityError:
        # The browser return and the feedback saved the same token at the same time.
        db.session.rollback()
        return None
    logger.info("Saved card user_id=%s card_id=%s", user_id, card.id)
    return card


@dataclass
class DeleteResult:
    """Outcome of deleting a saved card: ``ok`` only when APS responded 58000."""

    ok: bool
    response_code: str = ""
    message: str = ""


def delete_card(card: SavedCard, language: str) -> DeleteResult:
    """Deactivate the card's token at APS (UPDATE_TOKEN, INACTIVE) and remove it on a verified 58000."""
    try:
        answer = update_token(card.token_name, "INACTIVE", language)
    except APSError as error:
        record_event(None, TRANSPORT_API, {"error": str(error), "service_command": "UPDATE_TOKEN"},
                     f"error: {error}", signature_valid=False)
        db.session.commit()
        logger.warning("UPDATE_TOKEN failed without a verified response card_id=%s: %s", card.id, error)
        return DeleteResult(False, "", "")

    code = str(answer.get("response_code", ""))
    ok = code == TOKEN_UPDATED
    record_event(None, TRANSPORT_API, answer, "accepted" if ok else f"rejected: UPDATE_TOKEN responded {code}")
    if ok:
        db.session.delete(card)
    db.session.commit()
    logger.info("UPDATE_TOKEN card_id=%s response_code=%s", card.id, code)
    return DeleteResult(ok, code, str(answer.get("response_message", "")))
