"""Sign-up and sign-in forms. Every form carries Flask-WTF's CSRF token."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..aps.fields import FIELD_RULES
from ..i18n.normalize import input_filter

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


def normalized_email(value: str) -> str:
    """Return the address as email-validator normalises it; raise ValidationError when it is invalid.

    The address must also fit APS's customer_email rule, because the
    account's address pre-fills the checkout.
    """
    try:
        normalized = validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationError(_l("Enter a valid e-mail address, such as name@example.com.")) from None
    if not FIELD_RULES["customer_email"].pattern.fullmatch(normalized):
        raise ValidationError(_l("The payment provider accepts only letters, digits and _ - . @ + in e-mail addresses."))
    return normalized


class EmailField(StringField):
    """An e-mail input that reads left to right and loses Arabic digits and bidi marks."""

    def __init__(self, label, **kwargs):
        kwargs.setdefault("filters", [input_filter])
        kwargs.setdefault("render_kw", {"autocomplete": "email", "inputmode": "email", "dir": "ltr"})
        super().__init__(label, **kwargs)


class SignUpForm(FlaskForm):
    """New account: e-mail address and a password typed twice."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(message=_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l("Use %(min)d to %(max)d characters.", min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "new-password", "dir": "ltr"},
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password", "dir": "ltr"},
    )

    def validate_email(self, field: StringField) -> None:
        field.data = normalized_email(field.data or "")


class SignInForm(FlaskForm):
    """E-mail address and password; ``next`` is the page to return to."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(message=_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password", "dir": "ltr"},
    )
    next = HiddenField()


class ActionForm(FlaskForm):
    """A form with nothing but the CSRF token, for buttons such as sign out and delete card."""
