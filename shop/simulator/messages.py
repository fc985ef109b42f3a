"""Building and signing the messages the simulator sends back.

Every response (browser return, direct feedback, notification, paymentApi)
echoes the request, adds the result fields and is signed with the SHA
response phrase over every field it carries, as APS does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shop.aps import RESPONSE_UNSIGNED_FIELDS, compute_signature

from .cards import mask_card_number
from .i18n import page_language, response_message

# Request fields that APS does not send back: the routing URL, the request's
# own signature and the plugin telemetry fields (app_programming, app_ver...).
# Observed on the APS sandbox in the official .NET SDK's logs.
NOT_ECHOED = frozenset({"return_url", "signature"})
NOT_ECHOED_PREFIX = "app_"

# Card fields never echoed in clear; card_number comes back masked.
SECRET_CARD_FIELDS = frozenset({"card_security_code"})


def escape_apostrophes(value: str) -> str:
    """Escape ``'`` as ``&#39;``, as the APS sandbox does in echoed free text."""
    return value.replace("'", "&#39;")


def _as_text(value: Any) -> Any:
    if isinstance(value, str):
        return escape_apostrophes(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (Mapping, list)):
        return value
    return None


def echo_request(request: Mapping[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
    """Copy the request fields that APS echoes, in the form it echoes them.

    Empty values are left out, because the shop leaves empty values out of
    its signatures and an echoed ``key=`` would make the two sides disagree.
    NOTE: whether APS echoes empty parameters is not documented.
    """
    skipped = NOT_ECHOED | SECRET_CARD_FIELDS | set(drop)
    echoed: dict[str, Any] = {}
    for name, value in request.items():
        if name in skipped or name.startswith(NOT_ECHOED_PREFIX):
            continue
        if name == "card_number" and isinstance(value, str):
            value = mask_card_number(value)
        text = _as_text(value)
        if text is None or text == "":
            continue
        echoed[name] = text
    return echoed


def result_fields(response_code: str, language: str) -> dict[str, str]:
    """Return ``response_code``, ``response_message`` (in ``language``) and ``status``."""
    return {
        "response_code": response_code,
        "response_message": response_message(response_code, page_language(language)),
        "status": response_code[:2],
    }


def sign(fields: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``fields`` with a ``signature`` made with the SHA response phrase.

    Empty values are dropped first, so the message carries exactly the fields
    that were signed.
    """
    message = {name: value for name, value in fields.items() if value not in (None, "") and name != "signature"}
    message["signature"] = compute_signature(
        message,
        settings["SIMULATOR_SHA_RESPONSE_PHRASE"],
        settings["SIMULATOR_SHA_TYPE"],
        RESPONSE_UNSIGNED_FIELDS,
    )
    return message


def error_message(request: Mapping[str, Any], response_code: str) -> dict[str, Any]:
    """Build the unsigned response to a rejected request: the echo plus the error code."""
    fields = echo_request(request)
    fields.update(result_fields(response_code, str(request.get("language", ""))))
    return fields
