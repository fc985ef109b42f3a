"""Flask extension objects, created unbound so any module can import them."""

from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of every shop model."""


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
babel = Babel()
