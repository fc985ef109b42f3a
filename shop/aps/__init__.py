"""Amazon Payment Services (APS, formerly PayFort) client.

Pure Python with ``requests`` as the only dependency: signatures, amounts in
minor units, response codes, signed redirection forms and paymentApi calls.
"""

from .amounts import (
    CURRENCY_EXPONENTS,
    InvalidAmountError,
    UnknownCurrencyError,
    currency_exponent,
    from_minor_units,
    quantize,
    to_minor_units,
)
from .client import APSClient, APSError, Credentials, SignatureMismatchError, TransportError, masked
from .codes import Interpretation, Outcome, describe, interpret, interpret_response
from .endpoints import PAYMENT_API_PATH, PAYMENT_PAGE_PATH, Endpoints, endpoints_for
from .fields import FIELD_RULES, check_fields, is_valid_merchant_reference
from .signature import (
    ALGORITHMS,
    RESPONSE_UNSIGNED_FIELDS,
    TOKENIZATION_UNSIGNED_FIELDS,
    compute_signature,
    string_to_sign,
    verify_signature,
)

__all__ = [
    "ALGORITHMS",
    "APSClient",
    "APSError",
    "CURRENCY_EXPONENTS",
    "Credentials",
    "Endpoints",
    "FIELD_RULES",
    "Interpretation",
    "InvalidAmountError",
    "Outcome",
    "PAYMENT_API_PATH",
    "PAYMENT_PAGE_PATH",
    "RESPONSE_UNSIGNED_FIELDS",
    "SignatureMismatchError",
    "TOKENIZATION_UNSIGNED_FIELDS",
    "TransportError",
    "UnknownCurrencyError",
    "check_fields",
    "compute_signature",
    "currency_exponent",
    "describe",
    "endpoints_for",
    "from_minor_units",
    "interpret",
    "interpret_response",
    "is_valid_merchant_reference",
    "masked",
    "quantize",
    "string_to_sign",
    "to_minor_units",
    "verify_signature",
]
