"""Checkout form."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..aps.fields import FIELD_RULES
from ..i18n.normalize import bidi_marks_filter, input_filter
from ..payments.methods import get_method


class PaymentMethodField(RadioField):
    """The radio group of the methods offered for the cart's currency.

    A method that was not offered (a crafted request for KNET in a SAR cart)
    is rejected with a message naming the currencies the method accepts,
    instead of WTForms' "Not a valid choice".
    """

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data in {choice[0] for choice in self.choices or ()}:
            return
        method = get_method(self.data or "")
        if method is not None and method.currencies:
            raise ValidationError(
                _("%(method)s is available only for payments in %(currencies)s. Choose one of the payment methods listed.",
                  method=method.label, currencies=", ".join(sorted(method.currencies)))
            )
        raise ValidationError(_("Choose one of the payment methods listed."))


class CheckoutForm(FlaskForm):
    """The shopper's e-mail, name and payment method.

    The e-mail loses bidi marks and gets ASCII digits before validation, and
    the name loses bidi marks, which text copied from Arabic pages carries.
    """

    customer_email = StringField(
        _l("E-mail address"),
        validators=[DataRequired(message=_l("Enter your e-mail address.")), Length(max=254)],
        filters=[input_filter],
        render_kw={"autocomplete": "email", "inputmode": "email", "dir": "ltr"},
    )
    customer_name = StringField(
        _l("Full name"),
        validators=[Length(max=120, message=_l("Use at most 120 characters."))],
        filters=[bidi_marks_filter],
        render_kw={"autocomplete": "name"},
    )
    payment_method = PaymentMethodField(_l("Payment method"), validators=[DataRequired(message=_l("Choose a payment method."))])

    def validate_customer_email(self, field: StringField) -> None:
        """Accept only addresses that are valid and that APS's customer_email rule allows."""
        try:
            normalized = validate_email(field.data.strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValidationError(_l("Enter a valid e-mail address, such as name@example.com.")) from None
        rule = FIELD_RULES["customer_email"]
        if not rule.pattern.fullmatch(normalized):
            raise ValidationError(
                _l("The payment provider accepts only letters, digits and _ - . @ + in e-mail addresses.")
            )
        field.data = normalized
