"""Database models: catalogue, orders, APS payment attempts and the raw APS messages."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class OrderStatus(enum.StrEnum):
    """Order state as the shopper sees it."""

    AWAITING_PAYMENT = "awaiting_payment"
    PAYMENT_PENDING = "payment_pending"
    PAID = "paid"
    AUTHORIZED = "authorized"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    FAILED = "failed"
    REFUNDED = "refunded"
    VOIDED = "voided"


class AttemptStatus(enum.StrEnum):
    """State of one APS payment attempt (one merchant_reference)."""

    CREATED = "created"
    THREE_DS = "3ds_required"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    PAID = "paid"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    FAILED = "failed"
    REFUNDED = "refunded"
    VOIDED = "voided"


class Product(db.Model):
    """A catalogue item priced in one currency."""

    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ar: Mapped[str] = mapped_column(String(120))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_ar: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    currency: Mapped[str] = mapped_column(String(3))
    image: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)

    def name(self, locale: str) -> str:
        return self.name_ar if locale == "ar" and self.name_ar else self.name_en

    def description(self, locale: str) -> str:
        return self.description_ar if locale == "ar" and self.description_ar else self.description_en


class Order(db.Model):
    """A shopper's order; its total is in one currency."""

    __tablename__ = "shop_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_email: Mapped[str] = mapped_column(String(254))
    customer_name: Mapped[str] = mapped_column(String(120), default="")
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    status: Mapped[str] = mapped_column(String(32), default=OrderStatus.AWAITING_PAYMENT.value)
    language: Mapped[str] = mapped_column(String(2), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The signed-in shopper who placed the order; None for guest checkout.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("shop_user.id"), index=True)

    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", cascade="all, delete-orphan")
    attempts: Mapped[list[PaymentAttempt]] = relationship(
        back_populates="order", order_by="PaymentAttempt.id", cascade="all, delete-orphan"
    )

    @property
    def latest_attempt(self) -> PaymentAttempt | None:
        return self.attempts[-1] if self.attempts else None


class OrderLine(db.Model):
    """One product and quantity in an order, priced when the order was placed."""

    __tablename__ = "order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    name_en: Mapped[str] = mapped_column(String(120))
    name_ar: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 3))

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    def name(self, locale: str) -> str:
        return self.name_ar if locale == "ar" and self.name_ar else self.name_en


class PaymentAttempt(db.Model):
    """One request to APS for an order, identified by its merchant_reference."""

    __tablename__ = "payment_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"))
    merchant_reference: Mapped[str] = mapped_column(String(40), unique=True)
    method: Mapped[str] = mapped_column(String(32), default="card")
    integration: Mapped[str] = mapped_column(String(32), default="redirection")
    command: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    language: Mapped[str] = mapped_column(String(2), default="en")
    status: Mapped[str] = mapped_column(String(32), default=AttemptStatus.CREATED.value)
    fort_id: Mapped[str | None] = mapped_column(String(20))
    response_code: Mapped[str | None] = mapped_column(String(5))
    response_message: Mapped[str | None] = mapped_column(String(300))
    payment_option: Mapped[str | None] = mapped_column(String(20))
    card_number: Mapped[str | None] = mapped_column(String(32))
    # Method-specific fields APS returned, such as knet_ref_number.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    settled_at: Mapped[dt.datetime | None]
    # Set once when the merchant page's server-to-server PURCHASE or
    # AUTHORIZATION with token_name is sent, so it is sent only once.
    token_payment_sent_at: Mapped[dt.datetime | None]
    # A worker (back-office operation, reconciliation) has claimed this
    # attempt until claimed_until; see shop/payments/claims.py.
    claimed_until: Mapped[dt.datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # When the shop last sent CHECK_STATUS for this attempt.
    status_checked_at: Mapped[dt.datetime | None]

    order: Mapped[Order] = relationship(back_populates="attempts")
    events: Mapped[list[PaymentEvent]] = relationship(
        back_populates="attempt", order_by="PaymentEvent.id", cascade="all, delete-orphan"
    )
    operations: Mapped[list[PaymentOperation]] = relationship(
        back_populates="attempt", order_by="PaymentOperation.id", cascade="all, delete-orphan"
    )


class PaymentEvent(db.Model):
    """One message received from APS, stored raw with how it came and what the shop decided."""

    __tablename__ = "payment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("payment_attempt.id"))
    merchant_reference: Mapped[str] = mapped_column(String(120), default="")
    # return-post, return-get, feedback, notification, api-response
    transport: Mapped[str] = mapped_column(String(32))
    content_type: Mapped[str] = mapped_column(String(120), default="")
    raw_body: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    signature_valid: Mapped[bool] = mapped_column(default=False)
    # accepted, duplicate, rejected: <reason>, ignored: <reason>
    verdict: Mapped[str] = mapped_column(String(200))
    response_code: Mapped[str | None] = mapped_column(String(5))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    attempt: Mapped[PaymentAttempt | None] = relationship(back_populates="events")


class OperationStatus(enum.StrEnum):
    """State of one maintenance operation (CAPTURE, REFUND, VOID_AUTHORIZATION) sent to APS."""

    REQUESTED = "requested"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    # No verified response came back (timeout, HTTP error), so CHECK_STATUS decides.
    UNKNOWN = "unknown"


class PaymentOperation(db.Model):
    """One CAPTURE, REFUND or VOID_AUTHORIZATION the back office sent to APS for an attempt.

    The attempt's captured and refunded totals are the sums of its succeeded
    operations (shop/payments/operations.py), so a repeated response or
    notification, which can only find its operation already succeeded, never
    counts twice.
    """

    __tablename__ = "payment_operation"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("payment_attempt.id"), index=True)
    command: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[int] = mapped_column(default=0)
    # Unique per operation; sent to APS as REFUND's maintenance_reference.
    maintenance_reference: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OperationStatus.REQUESTED.value)
    response_code: Mapped[str | None] = mapped_column(String(5))
    response_message: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[dt.datetime | None]

    attempt: Mapped[PaymentAttempt] = relationship(back_populates="operations")


class User(db.Model):
    """A shopper account: e-mail address and password hash."""

    __tablename__ = "shop_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised by email-validator (lower-case domain).
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped on sign-out; a session cookie from an older epoch no longer signs in.
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    saved_cards: Mapped[list[SavedCard]] = relationship(
        back_populates="user", order_by="SavedCard.id", cascade="all, delete-orphan"
    )


class SavedCard(db.Model):
    """A saved card: the APS token_name and what APS returned about the card, the number masked."""

    __tablename__ = "saved_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("shop_user.id"), index=True)
    token_name: Mapped[str] = mapped_column(String(100), unique=True)
    payment_option: Mapped[str] = mapped_column(String(20), default="")
    # Masked by APS, such as 400555******0001.
    card_number: Mapped[str] = mapped_column(String(32), default="")
    # YYMM, as APS sends expiry_date.
    expiry_date: Mapped[str] = mapped_column(String(4), default="")
    card_holder_name: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="saved_cards")


class SignInFailure(db.Model):
    """A failed sign-in, kept briefly to throttle guessing per e-mail address and IP address."""

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "<scope>:<e-mail>:<IP address>"
    key: Mapped[str] = mapped_column(String(320), index=True)
    failed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


__all__ = [
    "AttemptStatus",
    "OperationStatus",
    "Order",
    "OrderLine",
    "OrderStatus",
    "PaymentAttempt",
    "PaymentEvent",
    "PaymentOperation",
    "Product",
    "SavedCard",
    "SignInFailure",
    "User",
]
