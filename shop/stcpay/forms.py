"""Forms of the STC Pay pages: the wallet's mobile number, the OTP, and the resend button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from ..i18n.normalize import input_filter
from .phone import national_number

OTP_MIN_DIGITS = 4
# The official WooCommerce plugin's OTP box takes at most 10 characters.
OTP_MAX_DIGITS = 10


class PhoneForm(FlaskForm):
    """The mobile number of the shopper's STC Pay wallet, in any usual Saudi format.

    Arabic-Indic digits and bidi marks are normalised before validation;
    ``national`` contains the accepted number as 5XXXXXXXX.
    """

    phone_number = StringField(
        _l("Mobile number"),
        validators=[DataRequired(message=_l("Enter the mobile number of your STC Pay wallet."))],
        filters=[input_filter],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 19, "placeholder": "05XXXXXXXX"},
    )
    national: str = ""

    def validate_phone_number(self, field: StringField) -> None:
        national = national_number(field.data or "")
        if national is None:
            raise ValidationError(_l("Enter a Saudi mobile number, such as 05XXXXXXXX or +966 5XXXXXXXX."))
        self.national = national


class OtpForm(FlaskForm):
    """The one-time password STC Pay sent to the wallet's mobile number."""

    otp = StringField(
        _l("Verification code"),
        validators=[DataRequired(message=_l("Enter the verification code that STC Pay sent you."))],
        filters=[input_filter],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": OTP_MAX_DIGITS},
    )

    def validate_otp(self, field: StringField) -> None:
        code = field.data or ""
        if not (code.isascii() and code.isdigit() and OTP_MIN_DIGITS <= len(code) <= OTP_MAX_DIGITS):
            raise ValidationError(
                _l("The verification code has %(min)s to %(max)s digits.", min=OTP_MIN_DIGITS, max=OTP_MAX_DIGITS)
            )


class ResendForm(FlaskForm):
    """The "send a new code" button; it only carries the CSRF token."""
