"""Per-attempt state of an STC Pay payment whose OTP is typed on the shop's pages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import PaymentAttempt


class StcPayOtp(db.Model):
    """The wallet's mobile number and the OTP requests of one payment attempt.

    ``requested_at`` is the last GENERATE_OTP that APS accepted, and the
    resend throttle counts from it.
    """

    __tablename__ = "stcpay_otp"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("payment_attempt.id"), unique=True)
    # 9 digits, 5XXXXXXXX; shop.stcpay.phone turns it into what APS gets.
    national_number: Mapped[str] = mapped_column(String(9))
    requested_at: Mapped[dt.datetime | None]
    request_count: Mapped[int] = mapped_column(default=0)

    attempt: Mapped[PaymentAttempt] = relationship()
