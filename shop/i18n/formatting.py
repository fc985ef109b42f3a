"""Money, numbers and dates in the page language, through Babel.

Digits: Arabic pages use Western digits (0-9), the same as English pages.
Card numbers, expiry dates, OTPs, order numbers and merchant references are
Western digits on the card and in every APS field, which accepts ASCII
digits only. Arabic-Indic amounts beside them would put two digit systems
on one page. Babel also writes digits as 0-9 in every locale: an
Arabic numbering system (the CLDR default of ar_SA, ar_KW and others) only
swaps the separators, which would give a mix like "12٫345".
``NUMBERING_SYSTEM`` pins the Latin separators for every locale. Shoppers
may still type Arabic-Indic digits: see ``shop.i18n.normalize``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import get_locale, get_timezone

from ..aps.amounts import currency_exponent, quantize

NUMBERING_SYSTEM = "latn"

# CLDR's currency spacing rule: an alphabetic currency code touching a digit
# gets a no-break space ("KWD12.345" becomes "KWD 12.345"). Babel leaves it out.
_CODE_BEFORE_DIGIT = re.compile(r"(?<=[A-Za-z])(?=[0-9])")
_DIGIT_BEFORE_CODE = re.compile(r"(?<=[0-9])(?=[A-Za-z])")
NO_BREAK_SPACE = "\u00a0"


def _locale() -> Locale:
    return get_locale() or Locale.parse("en")


def format_money(amount: Decimal | int | str, currency: str) -> str:
    """Format an amount in the page language with its currency's ISO 4217 decimals.

    KWD, BHD and OMR show three decimals. Babel's CLDR data disagrees with
    ISO 4217 for a few currencies (IQD has 0 decimals in CLDR, 3 in ISO).
    So the amount is rounded to the ISO exponent here, and the locale's
    currency pattern is applied with exactly that many decimals. Arabic
    output carries the right-to-left marks of the CLDR pattern, so it keeps
    its order inside a sentence.
    """
    exponent = currency_exponent(currency)
    value = quantize(amount, currency)
    locale = _locale()
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (exponent, exponent)
    text = pattern.apply(value, locale, currency=currency, currency_digits=False, numbering_system=NUMBERING_SYSTEM)
    text = _CODE_BEFORE_DIGIT.sub(NO_BREAK_SPACE, text)
    return _DIGIT_BEFORE_CODE.sub(NO_BREAK_SPACE, text)


def format_number(value: int | Decimal) -> str:
    """Format a quantity or count with the page language's separators and Western digits."""
    return babel_numbers.format_decimal(value, locale=_locale(), numbering_system=NUMBERING_SYSTEM)


def format_datetime(value: dt.datetime) -> str:
    """Format a timestamp as a long date and short time with its time zone, in the page language.

    Naive values are UTC, as the shop stores them. They are shown in
    BABEL_DEFAULT_TIMEZONE (Flask-Babel's default is UTC).
    """
    timezone = get_timezone() or dt.timezone.utc  # None outside a request
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    local = value.astimezone(timezone)
    locale = _locale()
    date_part = babel_dates.format_date(local, "long", locale=locale)
    time_part = babel_dates.format_time(local, "short", tzinfo=timezone, locale=locale)
    if local.utcoffset() == dt.timedelta(0):
        zone = babel_dates.get_timezone_name(local, width="short", uncommon=True, locale=locale)  # "UTC"
    else:
        zone = babel_dates.get_timezone_gmt(local, width="long", locale=locale)  # "GMT+03:00"
    # The locale's own joining pattern, such as "{1}, {0}" or "{1} في {0}".
    pattern = babel_dates.get_datetime_format("medium", locale=locale).replace("'", "")
    return pattern.replace("{1}", date_part).replace("{0}", f"{time_part} {zone}")
