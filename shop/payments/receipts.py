"""Receipt links.

A receipt is reached through a signed token instead of the session cookie,
because APS's return to the shop is a cross-site POST that may arrive
without the shopper's cookies (SameSite rules), and shoppers bookmark
receipts.
"""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from ..models import Order

_SALT = "receipt"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def receipt_token(order: Order) -> str:
    return _serializer().dumps(order.number)


def order_number_from_token(token: str) -> str | None:
    """Return the order number inside ``token``, or None when the token was not made by this shop."""
    try:
        number = _serializer().loads(token)
    except BadSignature:
        return None
    return number if isinstance(number, str) else None


def receipt_url(order: Order, external: bool = False) -> str:
    return url_for("payments.receipt", token=receipt_token(order), _external=external)
