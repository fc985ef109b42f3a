"""Back-office forms: the password, and the amount of a capture or refund."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired

from ..aps import currency_exponent, to_minor_units
from ..i18n.normalize import normalize_amount


class StaffSignInForm(FlaskForm):
    password = PasswordField(_l("Back-office password"), validators=[DataRequired(message=_l("Enter the password."))],
                             render_kw={"autocomplete": "current-password", "dir": "ltr"})
    next = HiddenField()


class AmountForm(FlaskForm):
    """The amount of a CAPTURE or REFUND, in major units of the order's currency."""

    amount = StringField(_l("Amount"), render_kw={"inputmode": "decimal", "dir": "ltr"})


class ActionForm(FlaskForm):
    """CSRF token only: void and check status."""


class InvalidAmount(ValueError):
    """Raised for an amount the back office cannot send; the message is shown to staff."""


def parse_amount(text: str, currency: str) -> int:
    """Convert a typed amount ("12.5", "١٢٫٥") to minor units; reject more decimals than the currency has.

    Rounding is refused on purpose: capturing 12.345 SAR as 12.35 would move
    money nobody asked for.
    """
    value_text = normalize_amount(text or "").replace(",", "")
    try:
        value = Decimal(value_text)
    except InvalidOperation:
        raise InvalidAmount(_l("Enter an amount such as 12.50.")) from None
    if not value.is_finite() or value <= 0:
        raise InvalidAmount(_l("Enter an amount greater than zero."))
    exponent = currency_exponent(currency)
    if -value.as_tuple().exponent > exponent:
        raise InvalidAmount(_l("%(currency)s has %(digits)d decimals.", currency=currency, digits=exponent))
    return int(to_minor_units(value, currency))
