"""Saudi mobile numbers as shoppers type them, and the form sent to APS for STC Pay.

STC Pay wallets belong to Saudi mobile numbers: 5 followed by 8 digits,
written 05XXXXXXXX at home and +966 5XXXXXXXX abroad. Shoppers type any of
05XXXXXXXX, 5XXXXXXXX, +9665XXXXXXXX, 9665XXXXXXXX or 009665XXXXXXXX, with
spaces, dashes or brackets, and on Arabic keyboards with Arabic-Indic
digits. The simulator checks numbers with the same functions.
"""

from __future__ import annotations

import re

from shop.i18n.normalize import normalize_input

# National significant number of a Saudi mobile: 5 and eight more digits.
_NATIONAL = re.compile(r"5[0-9]{8}", re.ASCII)
_PREFIXES = ("+966", "00966", "966", "0")
_SEPARATORS = re.compile(r"[\s\-().]")


def national_number(typed: str) -> str | None:
    """Return the 9-digit national number (5XXXXXXXX) of a typed Saudi mobile number, or None."""
    compact = _SEPARATORS.sub("", normalize_input(typed or ""))
    for prefix in _PREFIXES:
        if compact.startswith(prefix):
            compact = compact[len(prefix):]
            break
    return compact if _NATIONAL.fullmatch(compact) else None


def aps_phone_number(national: str) -> str:
    """Return the phone_number sent to APS for STC Pay: the local 10-digit form 05XXXXXXXX.

    NOTE: APS does not publish the phone format it expects for STC Pay. The
    official WooCommerce plugin shows "+966" before the box and sends what
    the shopper typed, and it accepts only 10 to 19 digits, so shoppers
    type the local 05XXXXXXXX form. If APS rejects that form, change only
    this function (for example to "966" + national).
    """
    return "0" + national


def display_phone_number(national: str) -> str:
    """Format a national number for display: ``+966 5X XXX XXXX``."""
    return f"+966 {national[:2]} {national[2:5]} {national[5:]}"
