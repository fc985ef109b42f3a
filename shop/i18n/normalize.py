"""Clean up what shoppers type on Arabic keyboards before it is validated or signed.

Arabic and Persian keyboards type Arabic-Indic digits (U+0660-0669) or
Extended Arabic-Indic digits (U+06F0-06F9), and text copied from Arabic
pages often carries invisible bidirectional control marks. APS accepts only
ASCII digits in amounts, card numbers, phone numbers and OTPs, and a mark it
cannot see still changes a signature, so every such field goes through
``normalize_input`` (or the form helpers below) before validation.

    >>> normalize_input("\\u200f٠٥٥ ١٢٣ ٤٥٦٧")
    '055 123 4567'
"""

from __future__ import annotations

from typing import Any

from wtforms import IntegerField

ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"  # U+0660-0669
EXTENDED_ARABIC_INDIC_DIGITS = "۰۱۲۳۴۵۶۷۸۹"  # U+06F0-06F9, used on Persian and Urdu keyboards
_TO_ASCII_DIGITS = str.maketrans(
    ARABIC_INDIC_DIGITS + EXTENDED_ARABIC_INDIC_DIGITS, "0123456789" * 2
)

BIDI_CONTROL_MARKS = frozenset(
    "\u200e\u200f"  # LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
    "\u061c"  # ARABIC LETTER MARK
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
)
_DROP_BIDI_MARKS = dict.fromkeys(map(ord, BIDI_CONTROL_MARKS))

ARABIC_DECIMAL_SEPARATOR = "\u066b"  # ٫
ARABIC_THOUSANDS_SEPARATOR = "\u066c"  # ٬


def normalize_digits(text: str) -> str:
    """Replace Arabic-Indic and Extended Arabic-Indic digits with ASCII 0-9; leave everything else."""
    return text.translate(_TO_ASCII_DIGITS)


def strip_bidi_marks(text: str) -> str:
    """Remove invisible bidirectional control marks (LRM, RLM, ALM, embeddings, overrides, isolates)."""
    return text.translate(_DROP_BIDI_MARKS)


def normalize_input(text: str) -> str:
    """Return ``text`` with ASCII digits, no bidi control marks and no surrounding whitespace.

    Use it for every field that APS or a validator reads as digits or ASCII:
    quantity, amount, card number, expiry, CVV, phone, OTP, e-mail.
    """
    return strip_bidi_marks(normalize_digits(text)).strip()


def normalize_amount(text: str) -> str:
    """Normalize a typed decimal amount: ``normalize_input`` plus the Arabic separators.

    The Arabic decimal separator becomes ".", and the Arabic thousands
    separator is dropped, so "١٬٢٣٤٫٥٠٠" becomes "1234.500".
    """
    text = normalize_input(text)
    return text.replace(ARABIC_THOUSANDS_SEPARATOR, "").replace(ARABIC_DECIMAL_SEPARATOR, ".")


# WTForms filters. WTForms calls filters with the field's data, which is None
# when the field was not submitted, so each one passes non-strings through.


def digits_filter(value: Any) -> Any:
    """WTForms filter form of ``normalize_digits``."""
    return normalize_digits(value) if isinstance(value, str) else value


def bidi_marks_filter(value: Any) -> Any:
    """WTForms filter form of ``strip_bidi_marks``."""
    return strip_bidi_marks(value) if isinstance(value, str) else value


def input_filter(value: Any) -> Any:
    """WTForms filter form of ``normalize_input``."""
    return normalize_input(value) if isinstance(value, str) else value


class NormalizedIntegerField(IntegerField):
    """An IntegerField that accepts Arabic-Indic digits and ignores bidi marks.

    WTForms runs filters only after it has converted the submitted text, so
    an integer field must clean the raw text itself.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        cleaned = [normalize_input(value) if isinstance(value, str) else value for value in valuelist]
        super().process_formdata(cleaned)
