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
A handler registered with ``when`` serves only part of a command's
requests, so PURCHASE can be routed by ``digital_wallet``.

The SIMULATOR_API_FAULT test switch can make this endpoint respond HTTP 500
without running the command, or run it and respond too late (timeout).
"""

from __future__ import annotations

import importlib
import json
import logging
import time
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
API_MODULES = ("check_status", "stcpay", "payments", "maintenance", "tokens", "installment_plans")

# The request fields that can name a paymentApi command, in lookup order.
COMMAND_FIELDS = ("query_command", "command", "service_command")
INVALID_REQUEST_FORMAT = "00073"

Handler = Callable[[Mapping[str, Any], SimulatorState], dict[str, Any]]


@dataclass(frozen=True)
class ApiCommand:
    """One paymentApi command: its name, the fields it requires and its handler.

    The handler receives the validated request and the simulator state and
    returns the unsigned response. ``when``, if set, limits the handler to
    the requests it accepts (a PURCHASE with ``digital_wallet=STCPAY``).
    """

    name: str
    mandatory: tuple[str, ...]
    handle: Handler
    when: Callable[[Mapping[str, Any]], bool] | None = None


COMMANDS: dict[str, ApiCommand] = {}
# Handlers registered with ``when``, by command name. They are tried in
# registration order before the one in COMMANDS, so one command name can
# have several handlers (PURCHASE with a token, PURCHASE with an STC Pay OTP).
VARIANTS: dict[str, list[ApiCommand]] = {}


def api_command(
    name: str,
    mandatory: tuple[str, ...],
    when: Callable[[Mapping[str, Any]], bool] | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of paymentApi command ``name``.

    With ``when``, the handler serves only the requests for which
    ``when(params)`` is true, and it is tried before the handler registered
    without ``when``.
    """

    def decorate(handler: Handler) -> Handler:
        command = ApiCommand(name, mandatory, handler, when)
        if when is None:
            COMMANDS[name] = command
        else:
            # A module imported again replaces its own handler instead of adding a second one.
            variants = VARIANTS.setdefault(name, [])
            variants[:] = [other for other in variants if _handler_id(other.handle) != _handler_id(handler)]
            variants.append(command)
        return handler

    return decorate


def _handler_id(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def find_command(name: str, params: Mapping[str, Any]) -> ApiCommand | None:
    """Return the handler of command ``name`` for ``params``: a matching variant first, else the plain one."""
    for command in VARIANTS.get(name, ()):
        if command.when is not None and command.when(params):
            return command
    return COMMANDS.get(name)


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
    command = find_command(name, params)
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
    fault = state.switches.api_fault_for(command_name(params))
    if fault == "http_500":
        logger.warning(
            "paymentApi %s responds HTTP 500 without running merchant_reference=%s: SIMULATOR_API_FAULT=http_500",
            command_name(params), params.get("merchant_reference", ""),
        )
        return Response("Internal Server Error", status=500, mimetype="text/plain")
    answer = _run(params, state)
    if fault == "timeout":
        seconds = state.switches.api_timeout_seconds
        logger.warning(
            "paymentApi %s ran, responding after %g s merchant_reference=%s: SIMULATOR_API_FAULT=timeout",
            command_name(params), seconds, params.get("merchant_reference", ""),
        )
        time.sleep(seconds)
    return json_answer(answer)


def _run(params: Mapping[str, Any], state: SimulatorState) -> dict[str, Any]:
    """Validate the request and return its command's signed response."""
    command, rejection = validate_api_request(params, state)
    if rejection:
        logger.warning(
            "Rejected paymentApi request merchant_reference=%s response_code=%s: %s",
            params.get("merchant_reference", ""), rejection.response_code, rejection.detail,
        )
        return sign(error_message(params, rejection.response_code), state.settings)

    answer = sign(command.handle(params, state), state.settings)
    logger.info(
        "paymentApi %s response merchant_reference=%s response_code=%s",
        command.name, answer.get("merchant_reference", ""), answer.get("response_code", ""),
    )
    return answer
