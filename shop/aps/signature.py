"""APS request and response signatures.

The rule, from the APS "Signature" documentation page: take every parameter
except ``signature``, sort by parameter name (case-sensitive, byte order),
write each as ``name=value`` with no separator, put the SHA phrase at both
ends and hash the UTF-8 bytes. Requests use the SHA request phrase, responses
the SHA response phrase. The digest is lowercase hex.

The official WooCommerce and Magento 2 plugins also offer HMAC-256 and
HMAC-512: the same phrase-wrapped string, keyed with the same phrase.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any

SIGNATURE_FIELD = "signature"

# Digest name and whether the phrase is also used as an HMAC key.
ALGORITHMS: dict[str, tuple[str, bool]] = {
    "SHA-256": ("sha256", False),
    "SHA-512": ("sha512", False),
    "HMAC-256": ("sha256", True),
    "HMAC-512": ("sha512", True),
}

# Card fields that the browser posts with a merchant-page TOKENIZATION
# request. The merchant signs that request before the shopper types them,
# so they are never part of its signature.
TOKENIZATION_UNSIGNED_FIELDS = frozenset(
    {"card_security_code", "card_number", "expiry_date", "card_holder_name", "remember_me"}
)

# GET_INSTALLMENTS_PLANS answers carry a nested plan list that APS leaves out
# of the response signature (the official PHP and .NET SDKs skip it).
RESPONSE_UNSIGNED_FIELDS = frozenset({"installment_detail"})


class UnknownAlgorithmError(ValueError):
    """Raised for a SHA type that is not in ``ALGORITHMS``."""


def format_value(value: Any) -> str:
    """Format one parameter value the way APS writes it into the string to sign.

    Nested objects (Apple Pay ``apple_header``) become ``{k=v, k=v}`` in the
    order received, lists become ``[a, b]``. Floats are rejected because
    ``str(24300.0)`` is not what travels on the wire.
    """
    if isinstance(value, Mapping):
        inner = ", ".join(f"{key}={format_value(item)}" for key, item in value.items())
        return "{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    if isinstance(value, bool):
        raise TypeError("boolean parameter values are ambiguous; send 'YES'/'NO' or 'true'/'false' as a string")
    if isinstance(value, float):
        raise TypeError(f"float parameter value {value!r}: convert amounts to minor units first")
    if value is None:
        return ""
    return str(value)


def is_empty(value: Any) -> bool:
    """Tell whether a parameter has no value and so stays out of the signature."""
    return value is None or value == ""


def string_to_sign(
    params: Mapping[str, Any],
    phrase: str,
    exclude: Iterable[str] = (),
    include_empty: bool = False,
) -> str:
    """Build the phrase-wrapped string that is hashed.

    Parameters without a value are skipped unless ``include_empty`` is set,
    because APS's verification checklist asks merchants to leave empty
    parameters out of the calculation.
    NOTE: whether APS signs ``key=`` for an empty value it sends back is not
    documented; callers that meet such a response can pass include_empty=True.
    """
    skipped = {SIGNATURE_FIELD, *exclude}
    parts = []
    for name in sorted(params):
        value = params[name]
        if name in skipped:
            continue
        if not include_empty and is_empty(value):
            continue
        parts.append(f"{name}={format_value(value)}")
    return phrase + "".join(parts) + phrase


def compute_signature(
    params: Mapping[str, Any],
    phrase: str,
    algorithm: str = "SHA-256",
    exclude: Iterable[str] = (),
    include_empty: bool = False,
) -> str:
    """Compute the lowercase hex signature of ``params``."""
    try:
        digest_name, keyed = ALGORITHMS[algorithm]
    except KeyError:
        known = ", ".join(ALGORITHMS)
        raise UnknownAlgorithmError(f"unknown SHA type {algorithm!r}; expected one of {known}") from None

    message = string_to_sign(params, phrase, exclude, include_empty).encode("utf-8")
    if keyed:
        return hmac.new(phrase.encode("utf-8"), message, digest_name).hexdigest()
    return hashlib.new(digest_name, message).hexdigest()


def verify_signature(
    params: Mapping[str, Any],
    phrase: str,
    algorithm: str = "SHA-256",
    exclude: Iterable[str] = (),
    include_empty: bool = False,
) -> bool:
    """Check the ``signature`` in ``params`` in constant time.

    The values are used exactly as received: no trimming, no HTML unescaping
    (APS signs echoed apostrophes in their escaped form ``&#39;``).
    Upper- and lowercase hex are both accepted.
    """
    received = params.get(SIGNATURE_FIELD)
    if not isinstance(received, str) or not received:
        return False
    expected = compute_signature(params, phrase, algorithm, exclude, include_empty)
    return hmac.compare_digest(expected.encode("ascii"), received.lower().encode("ascii", "replace"))
