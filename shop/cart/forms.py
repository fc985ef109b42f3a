"""Cart forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, NumberRange

from ..i18n.normalize import NormalizedIntegerField


# Quantities accept Arabic-Indic digits, as typed on Arabic keyboards.
class AddToCartForm(FlaskForm):
    sku = StringField(validators=[DataRequired()])
    quantity = NormalizedIntegerField(_l("Quantity"), default=1, validators=[NumberRange(min=1, max=99)])


class UpdateLineForm(FlaskForm):
    sku = StringField(validators=[DataRequired()])
    quantity = NormalizedIntegerField(_l("Quantity"), validators=[NumberRange(min=0, max=99)])
