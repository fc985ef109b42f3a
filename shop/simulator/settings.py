"""Simulator settings: ``SIMULATOR_*`` environment variables, each overridable in ``create_app``.

The configuration key of every setting is its environment variable name.
Defaults are the public demo credentials the shop uses in simulator mode, so
both programs agree without any configuration.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from shop.aps import ALGORITHMS, mada
from shop.config import SIMULATOR_CREDENTIALS

FEEDBACK_FORMATS = ("json", "form")
FEEDBACK_MODES = ("async", "before_return", "off")
# Test switches (see switches.py): how feedback fails and how paymentApi misbehaves.
FEEDBACK_FAILURES = ("none", "drop", "error", "bad_signature")
API_FAULTS = ("none", "http_500", "timeout")


class SimulatorConfigError(RuntimeError):
    """Raised at start-up for an invalid ``SIMULATOR_*`` setting."""


def _text(name: str, raw: Any) -> str:
    return str(raw).strip()


def _choice(choices: tuple[str, ...]) -> Callable[[str, Any], str]:
    def parse(name: str, raw: Any) -> str:
        value = str(raw).strip().lower()
        if value not in choices:
            raise SimulatorConfigError(f"{name}={raw!r} is invalid; use one of {', '.join(choices)}")
        return value

    return parse


def _sha_type(name: str, raw: Any) -> str:
    value = str(raw).strip().upper()
    if value not in ALGORITHMS:
        raise SimulatorConfigError(f"{name}={raw!r} is invalid; use one of {', '.join(ALGORITHMS)}")
    return value


def _url(name: str, raw: Any) -> str:
    """Parse an absolute http(s) URL; an empty value turns the feature off."""
    value = str(raw).strip()
    if value and urlsplit(value).scheme not in {"http", "https"}:
        raise SimulatorConfigError(f"{name}={raw!r} is invalid; use an absolute http(s) URL or leave it empty")
    return value


def _count(name: str, raw: Any) -> int:
    text = str(raw).strip()
    if not text.isdigit():
        raise SimulatorConfigError(f"{name}={raw!r} is invalid; use a whole number of 0 or more")
    return int(text)


def _flag(name: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise SimulatorConfigError(f"{name}={raw!r} is invalid; use 1 or 0 (true/false, yes/no, on/off)")


def _command_names(name: str, raw: Any) -> frozenset[str]:
    """Parse a comma-separated list of paymentApi command names; empty means every command."""
    values = raw if isinstance(raw, (list, tuple, set, frozenset)) else str(raw).split(",")
    names = frozenset(str(value).strip().upper() for value in values if str(value).strip())
    for value in names:
        if not value.replace("_", "").isalpha():
            raise SimulatorConfigError(f"{name}={raw!r} is invalid; use command names such as CAPTURE,REFUND")
    return names


def _seconds(name: str, raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise SimulatorConfigError(f"{name}={raw!r} is invalid; use a number of seconds") from None
    if value < 0 or value != value:
        raise SimulatorConfigError(f"{name}={raw!r} is invalid; use 0 or more seconds")
    return value


# Setting name, default and parser. Values from the environment are strings;
# overrides may also be typed (an int for a count, a float for seconds).
SETTINGS: tuple[tuple[str, Any, Callable[[str, Any], Any]], ...] = (
    ("SIMULATOR_MERCHANT_IDENTIFIER", SIMULATOR_CREDENTIALS["APS_MERCHANT_IDENTIFIER"], _text),
    ("SIMULATOR_ACCESS_CODE", SIMULATOR_CREDENTIALS["APS_ACCESS_CODE"], _text),
    ("SIMULATOR_SHA_REQUEST_PHRASE", SIMULATOR_CREDENTIALS["APS_SHA_REQUEST_PHRASE"], _text),
    ("SIMULATOR_SHA_RESPONSE_PHRASE", SIMULATOR_CREDENTIALS["APS_SHA_RESPONSE_PHRASE"], _text),
    ("SIMULATOR_SHA_TYPE", "SHA-256", _sha_type),
    ("SIMULATOR_MERCHANT_NAME", "aps-storefront demo", _text),
    ("SIMULATOR_FEEDBACK_URL", "http://127.0.0.1:5000/aps/feedback", _url),
    ("SIMULATOR_NOTIFICATION_URL", "http://127.0.0.1:5000/aps/notification", _url),
    ("SIMULATOR_FEEDBACK_FORMAT", "json", _choice(FEEDBACK_FORMATS)),
    ("SIMULATOR_FEEDBACK_MODE", "async", _choice(FEEDBACK_MODES)),
    ("SIMULATOR_FEEDBACK_RETRIES", "10", _count),
    ("SIMULATOR_FEEDBACK_RETRY_SECONDS", "10", _seconds),
    ("SIMULATOR_FEEDBACK_TIMEOUT_SECONDS", "10", _seconds),
    ("SIMULATOR_DEFAULT_RETURN_URL", "", _url),
    ("SIMULATOR_PENDING_SETTLE_SECONDS", "5", _seconds),
    ("SIMULATOR_DROP_RETURN", "0", _flag),
    ("SIMULATOR_FEEDBACK_DELAY_SECONDS", "0", _seconds),
    ("SIMULATOR_FEEDBACK_FAILURE", "none", _choice(FEEDBACK_FAILURES)),
    ("SIMULATOR_API_FAULT", "none", _choice(API_FAULTS)),
    ("SIMULATOR_API_FAULT_COMMANDS", "", _command_names),
    ("SIMULATOR_API_TIMEOUT_SECONDS", "35", _seconds),
    ("SIMULATOR_OTP_INTERVAL_SECONDS", "60", _seconds),
)


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every ``SIMULATOR_*`` setting; raise ``SimulatorConfigError`` naming a bad one.

    ``overrides`` wins over the environment. An empty environment variable
    means "use the default", except for the URL settings, where an empty
    override turns the feature off.
    """
    env = os.environ if environ is None else environ
    overrides = overrides or {}
    settings: dict[str, Any] = {}
    for name, default, parse in SETTINGS:
        if name in overrides:
            raw = overrides[name]
        elif env.get(name, "") != "" or (name in env and parse is _url):
            raw = env[name]
        else:
            raw = default
        settings[name] = parse(name, raw)

    for name in ("SIMULATOR_MERCHANT_IDENTIFIER", "SIMULATOR_ACCESS_CODE",
                 "SIMULATOR_SHA_REQUEST_PHRASE", "SIMULATOR_SHA_RESPONSE_PHRASE"):
        if not settings[name]:
            raise SimulatorConfigError(f"{name} is empty; unset it to use the demo value or set the value the shop uses")
    try:
        mada.load_bins(env)
    except mada.MadaConfigError as error:
        raise SimulatorConfigError(str(error)) from None
    return settings
