"""A small APS client: signed redirection forms, server-to-server calls,
response verification. It imports no web framework, so it can be copied
into any Python project.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from .codes import Interpretation, interpret_response
from .endpoints import Endpoints
from .signature import (
    ALGORITHMS,
    RESPONSE_UNSIGNED_FIELDS,
    TOKENIZATION_UNSIGNED_FIELDS,
    compute_signature,
    is_empty,
    verify_signature,
)

logger = logging.getLogger("shop.aps")

# Parameters whose values never appear in logs.
SECRET_FIELDS = frozenset({"card_number", "card_security_code", "expiry_date", "signature", "otp", "apple_data", "apple_signature"})


@dataclass(frozen=True)
class Credentials:
    """One APS channel's merchant settings (Security and Technical settings in the APS back office)."""

    merchant_identifier: str
    access_code: str
    request_phrase: str = field(repr=False)
    response_phrase: str = field(repr=False)
    sha_type: str = "SHA-256"

    def __post_init__(self) -> None:
        if self.sha_type not in ALGORITHMS:
            raise ValueError(f"unknown SHA type {self.sha_type!r}; expected one of {', '.join(ALGORITHMS)}")


class APSError(Exception):
    """Base class of the errors this client raises."""


class SignatureMismatchError(APSError):
    """Raised when an APS message's signature does not match its fields."""


class TransportError(APSError):
    """Raised when paymentApi cannot be reached, times out or responds without a JSON object."""


def mask_value(name: str, value: Any) -> Any:
    """Mask a parameter value for logging; card numbers keep their first six and last four digits."""
    if name not in SECRET_FIELDS or is_empty(value):
        return value
    text = str(value)
    if name == "card_number" and len(text) >= 12 and "*" not in text:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    if name == "card_number" and "*" in text:
        return text
    return "***"


def masked(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``params`` that is safe to log."""
    return {name: mask_value(name, value) for name, value in params.items()}


class APSClient:
    """Talks to one APS environment (the real sandbox, production or the local simulator)."""

    def __init__(
        self,
        credentials: Credentials,
        endpoints: Endpoints,
        timeout: tuple[float, float] = (5.0, 30.0),
        session: requests.Session | None = None,
    ) -> None:
        self.credentials = credentials
        self.endpoints = endpoints
        self.timeout = timeout
        self.session = session or requests.Session()

    # Signing and verification

    def sign(self, params: Mapping[str, Any], exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Add the merchant fields and ``signature`` to ``params``; empty values are dropped."""
        signed = {name: value for name, value in params.items() if not is_empty(value)}
        signed.setdefault("access_code", self.credentials.access_code)
        signed.setdefault("merchant_identifier", self.credentials.merchant_identifier)
        signed.pop("signature", None)
        signed["signature"] = compute_signature(
            signed, self.credentials.request_phrase, self.credentials.sha_type, exclude
        )
        return signed

    def verify(self, params: Mapping[str, Any]) -> bool:
        """Check an APS message with the SHA response phrase, over exactly the fields given."""
        return verify_signature(
            params, self.credentials.response_phrase, self.credentials.sha_type, RESPONSE_UNSIGNED_FIELDS
        )

    # Browser-side requests (paymentPage)

    def redirection_form(self, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """Return the paymentPage URL and the signed fields of a hosted-page request.

        The caller renders them as a form that the shopper's browser posts.
        """
        fields = self.sign(params)
        logger.info(
            "APS redirection request merchant_reference=%s fields=%s",
            fields.get("merchant_reference"),
            json.dumps(masked(fields), ensure_ascii=False, sort_keys=True),
        )
        return self.endpoints.payment_page, fields

    def tokenization_form(self, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """Return the paymentPage URL and signed fields of a merchant-page TOKENIZATION request.

        The browser adds the card fields, which are left out of the signature.
        """
        fields = {"service_command": "TOKENIZATION", **params}
        return self.endpoints.payment_page, self.sign(fields, TOKENIZATION_UNSIGNED_FIELDS)

    # Server-to-server requests (paymentApi)

    def call(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Send a signed JSON request to paymentApi and return its verified response.

        Raises ``TransportError`` when APS cannot be reached or responds without
        a JSON object, and ``SignatureMismatchError`` when the response's
        signature does not match, so an unverified response is never returned.
        """
        request_fields = self.sign(params)
        reference = request_fields.get("merchant_reference", "")
        operation = request_fields.get("command") or request_fields.get("query_command") or request_fields.get("service_command")
        logger.info(
            "APS %s request merchant_reference=%s fields=%s",
            operation,
            reference,
            json.dumps(masked(request_fields), ensure_ascii=False, sort_keys=True),
        )
        try:
            response = self.session.post(
                self.endpoints.payment_api,
                json=request_fields,
                headers={"Accept": "application/json"},
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            logger.warning("APS %s timed out merchant_reference=%s: %s", operation, reference, error)
            raise TransportError(f"APS {operation} for {reference} timed out: {error}") from error
        except requests.RequestException as error:
            logger.warning("APS %s failed merchant_reference=%s: %s", operation, reference, error)
            raise TransportError(f"APS {operation} for {reference} failed: {error}") from error

        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code >= 400 or not isinstance(answer, dict):
            logger.warning(
                "APS %s responded with HTTP %s and no JSON object merchant_reference=%s",
                operation, response.status_code, reference,
            )
            raise TransportError(f"APS {operation} for {reference} responded with HTTP {response.status_code} and no JSON object")

        logger.info(
            "APS %s response merchant_reference=%s response_code=%s fields=%s",
            operation,
            reference,
            answer.get("response_code"),
            json.dumps(masked(answer), ensure_ascii=False, sort_keys=True),
        )
        if not self.verify(answer):
            logger.warning("APS %s response signature mismatch merchant_reference=%s", operation, reference)
            raise SignatureMismatchError(f"the APS response to {operation} for {reference} has an invalid signature")
        return answer

    def check_status(self, merchant_reference: str, language: str = "en") -> tuple[dict[str, Any], Interpretation]:
        """Ask APS for the state of a payment and interpret its ``transaction_code``."""
        answer = self.call(
            {"query_command": "CHECK_STATUS", "merchant_reference": merchant_reference, "language": language}
        )
        return answer, interpret_response(answer)
