"""The shopping cart, kept in the signed session cookie as {sku: quantity}."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import session
from sqlalchemy import select

from ..extensions import db
from ..models import Product

SESSION_KEY = "cart"
MAX_QUANTITY = 99


class CartError(ValueError):
    """Raised when a cart change is not allowed; the message is shown to the shopper."""


@dataclass
class CartLine:
    product: Product
    quantity: int

    @property
    def total(self) -> Decimal:
        return self.product.price * self.quantity


@dataclass
class Cart:
    lines: list[CartLine]

    @property
    def currency(self) -> str | None:
        return self.lines[0].product.currency if self.lines else None

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    def __bool__(self) -> bool:
        return bool(self.lines)


def _stored() -> dict[str, int]:
    stored = session.get(SESSION_KEY)
    return dict(stored) if isinstance(stored, dict) else {}


def load_cart() -> Cart:
    """Read the cart from the session, dropping products that no longer exist."""
    stored = _stored()
    if not stored:
        return Cart([])
    products = db.session.scalars(select(Product).where(Product.sku.in_(stored), Product.active.is_(True))).all()
    by_sku = {product.sku: product for product in products}
    lines = [CartLine(by_sku[sku], quantity) for sku, quantity in stored.items() if sku in by_sku and quantity > 0]
    return Cart(lines)


def add_product(product: Product, quantity: int) -> None:
    """Add ``quantity`` of ``product``; a cart contains one currency only, because an APS request charges one currency."""
    if quantity < 1:
        raise CartError("quantity")
    cart = load_cart()
    if cart.currency and cart.currency != product.currency:
        raise CartError("currency")
    stored = _stored()
    stored[product.sku] = min(stored.get(product.sku, 0) + quantity, MAX_QUANTITY)
    session[SESSION_KEY] = stored


def set_quantity(sku: str, quantity: int) -> None:
    """Set a line's quantity; zero removes the line."""
    stored = _stored()
    if quantity <= 0:
        stored.pop(sku, None)
    elif sku in stored:
        stored[sku] = min(quantity, MAX_QUANTITY)
    session[SESSION_KEY] = stored


def clear() -> None:
    session.pop(SESSION_KEY, None)
