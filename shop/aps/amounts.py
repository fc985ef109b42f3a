"""Amounts in APS minor units.

APS takes ``amount`` as an integer string in the currency's minor unit
(500 AED is ``50000``, 100 JOD is ``100000``). The exponent per currency is the
ISO 4217 one. Values are rounded half-up to the currency's decimals first,
then scaled, always with ``Decimal``: binary floats are rejected because
``19.99 * 100`` is ``1998.9999999999998``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 currencies whose minor unit is not 2 digits.
_EXPONENT_EXCEPTIONS: dict[str, int] = {
    **dict.fromkeys(
        "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0
    ),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    **dict.fromkeys("CLF UYW".split(), 4),
}

# Active ISO 4217 codes with a 2-digit minor unit.
_TWO_DIGIT_CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS
    INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR
    PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP
    SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER
    ZAR ZMW ZWG""".split()
)

CURRENCY_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(_TWO_DIGIT_CURRENCIES, 2),
    **_EXPONENT_EXCEPTIONS,
}


class UnknownCurrencyError(ValueError):
    """Raised for a currency code that is not an ISO 4217 alpha-3 code."""


class InvalidAmountError(ValueError):
    """Raised for an amount that cannot be sent to APS."""


def currency_exponent(currency: str) -> int:
    """Return the number of minor-unit digits of ``currency`` (3 for KWD)."""
    try:
        return CURRENCY_EXPONENTS[currency]
    except (KeyError, TypeError):
        raise UnknownCurrencyError(
            f"unknown currency {currency!r}; use an upper-case ISO 4217 code such as SAR or KWD"
        ) from None


def _as_decimal(amount: Decimal | int | str) -> Decimal:
    if isinstance(amount, bool) or isinstance(amount, float):
        raise InvalidAmountError(
            f"amount {amount!r} is a {type(amount).__name__}; pass a Decimal, int or decimal string"
        )
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except InvalidOperation:
        raise InvalidAmountError(f"amount {amount!r} is not a decimal number") from None
    if not value.is_finite():
        raise InvalidAmountError(f"amount {amount!r} is not a finite number")
    return value


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round ``amount`` half-up to the decimals of ``currency``."""
    exponent = currency_exponent(currency)
    return _as_decimal(amount).quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal | int | str, currency: str) -> str:
    """Convert a major-unit amount to the APS ``amount`` string.

    >>> to_minor_units(Decimal("12.345"), "KWD")
    '12345'
    """
    rounded = quantize(amount, currency)
    if rounded < 0:
        raise InvalidAmountError(f"amount {amount} {currency} is negative")
    minor = rounded.scaleb(currency_exponent(currency))
    return str(int(minor))


def from_minor_units(value: str | int, currency: str) -> Decimal:
    """Convert an APS ``amount`` (minor units) back to a major-unit Decimal."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidAmountError(f"minor-unit amount {value!r} must be an integer or digit string")
    text = str(value)
    if not text.isascii() or not text.isdigit():
        raise InvalidAmountError(f"minor-unit amount {value!r} is not a string of ASCII digits")
    exponent = currency_exponent(currency)
    return Decimal(int(text)).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))
