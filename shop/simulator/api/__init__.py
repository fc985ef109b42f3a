"""``POST /FortAPI/paymentApi``: server-to-server JSON commands.

The dispatcher runs the checks every command shares. It parses the JSON
object (00073) and checks the signature (00001 when missing, 00008 when
wrong). It finds the command (00001 when no command field is present, 00004
when unknown) and checks its mandatory fields (00001), field lengths and
formats (00032, 00002) and the merchant (00009, 00010). Then the command's
handler builds the response, which the dispatcher signs with the SHA
response phrase.

Commands live in ``COMMANDS``: a module under shop/simulator/api/ decorates
its handler with ``api_command`` and is listed in ``API_MODULES``. CAPTURE,
REFUND, VOID_AUTHORIZATION, tokenization and STC Pay OTP plug in that way.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request

from shop.aps import PAYMENT_API_PATH, masked

from ..messages import error_message, sign
from ..state import SimulatorState, get_state
from ..validation import (
    INVALID_COMMAND,
    MISSING_PARAMETER,
    Rejection,
    check_field_rules,
    check_mandatory,
    check_merchant,
    check_signature,
)

logger = logging.getLogger("shop.simulator.api")

bp = Blueprint("api", __name__)

# Modules under shop/simulator/api/ that register commands.
API_MODULES = ("check_status",)

# The request fields that can name a paymentApi command, in lookup order.
COMMAND_FIELDS = ("query_command", "command", "service_command")
INVALID_REQUEST_FORMAT = "00073"

Handler = Callable[[Mapping[str, Any], SimulatorState], dict[str, Any]]


@dataclass(frozen=True)
class ApiCommand:
    """One paymentApi command: its name, the fields it requires and its handler.

    The handler receives the validated request and the simulator state and
    returns the unsigned response.
    """

    name: str
    mandatory: tuple[str, ...]
    handle: Handler


COMMANDS: dict[str, ApiCommand] = {}


def api_command(name: str, mandatory: tuple[str, ...]) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of paymentApi command ``name``."""

    def decorate(handler: Handler) -> Handler:
        COMMANDS[name] = ApiCommand(name, mandatory, handler)
        return handler

    return decorate


def load_commands() -> dict[str, ApiCommand]:
    """Import every module of ``API_MODULES`` so that it registers its commands."""
    for name in API_MODULES:
        importlib.import_module(f"{__name__}.{name}")
    return COMMANDS


def _signable_values(params: Mapping[str, Any]) -> bool:
    """Tell whether every value can be signed: text, whole numbers or nested objects and lists."""
    for value in params.values():
        if isinstance(value, bool) or isinstance(value, float) or value is None:
            return False
    return True


def command_name(params: Mapping[str, Any]) -> str:
    """Return the value of the first command field present, or ''."""
    for field in COMMAND_FIELDS:
        value = params.get(field)
        if isinstance(value, str) and value:
            return value
    return ""


def validate_api_request(params: Mapping[str, Any], state: SimulatorState) -> tuple[ApiCommand | None, Rejection | None]:
    """Run the checks every command shares; return the command or the rejection."""
    rejection = check_signature(params, state.settings)
    if rejection:
        return None, rejection
    name = command_name(params)
    if not name:
        return None, Rejection(MISSING_PARAMETER, "query_command, command or service_command is missing")
    command = COMMANDS.get(name)
    if command is None:
        return None, Rejection(INVALID_COMMAND, f"command {name!r} is not supported")
    rejection = check_mandatory(params, command.mandatory)
    if rejection:
        return command, rejection
    text_fields = {key: str(value) for key, value in params.items() if isinstance(value, (str, int))}
    rejection = check_field_rules(text_fields) or check_merchant(params, state.settings)
    return command, rejection


def json_answer(fields: Mapping[str, Any]) -> Response:
    """Return ``fields`` as a JSON body, as APS responds to every paymentApi call (HTTP 200)."""
    body = json.dumps(fields, ensure_ascii=False)
    return Response(body, status=200, mimetype="application/json")


@bp.post(PAYMENT_API_PATH)
def payment_api() -> Response:
    """Validate a paymentApi request and return its command's signed response."""
    state = get_state()
    params = request.get_json(force=True, silent=True)
    if not isinstance(params, dict) or not _signable_values(params):
        logger.warning("Rejected paymentApi request: body is not a JSON object of signable values")
        safe = params if isinstance(params, dict) else {}
        safe = {key: value for key, value in safe.items() if isinstance(value, str)}
        return json_answer(sign(error_message(safe, INVALID_REQUEST_FORMAT), state.settings))

    logger.info(
        "paymentApi %s request merchant_reference=%s fields=%s",
        command_name(params), params.get("merchant_reference", ""),
        json.dumps(masked(params), ensure_ascii=False, sort_keys=True),
    )
    command, rejection = validate_api_request(params, state)
    if rejection:
        logger.warning(
            "Rejected paymentApi request merchant_reference=%s response_code=%s: %s",
            params.get("merchant_reference", ""), rejection.response_code, rejection.detail,
        )
        return json_answer(sign(error_message(params, rejection.response_code), state.settings))

    answer = sign(command.handle(params, state), state.settings)
    logger.info(
        "paymentApi %s response merchant_reference=%s response_code=%s",
        command.name, answer.get("merchant_reference", ""), answer.get("response_code", ""),
    )
    return json_answer(answer)
