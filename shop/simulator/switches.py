"""Test switches: make the simulator misbehave the way a real network or gateway can.

Each switch starts from its ``SIMULATOR_*`` setting (environment or
``create_app`` overrides) and can be changed while the simulator runs on
``/sim/switches``:

- ``SIMULATOR_DROP_RETURN``: the browser never returns to the merchant.
  The shopper stays on a simulator page that says the result was not sent
  back, so only the server-to-server feedback reaches the shop.
- ``SIMULATOR_FEEDBACK_DELAY_SECONDS``: every feedback and notification is
  first sent this many seconds late (always from a background thread).
- ``SIMULATOR_FEEDBACK_FAILURE``: ``drop`` never sends feedback, ``error``
  fails every attempt without reaching the merchant (so retries run and then
  stop), ``bad_signature`` sends feedback with a wrong signature.
- ``SIMULATOR_API_FAULT``: ``http_500`` makes paymentApi respond HTTP 500
  without running the command; ``timeout`` runs the command, then waits
  ``SIMULATOR_API_TIMEOUT_SECONDS`` before responding, longer than the shop
  client's 30 s read timeout by default. ``SIMULATOR_API_FAULT_COMMANDS``
  limits the fault to some commands (empty: all).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, redirect, request, url_for

from .i18n import page_language, render_page
from .settings import API_FAULTS, FEEDBACK_FAILURES, SETTINGS, SimulatorConfigError

logger = logging.getLogger("shop.simulator")

bp = Blueprint("switches", __name__)

# Switch attribute -> the setting it starts from.
SWITCH_SETTINGS = {
    "drop_return": "SIMULATOR_DROP_RETURN",
    "feedback_delay_seconds": "SIMULATOR_FEEDBACK_DELAY_SECONDS",
    "feedback_failure": "SIMULATOR_FEEDBACK_FAILURE",
    "api_fault": "SIMULATOR_API_FAULT",
    "api_fault_commands": "SIMULATOR_API_FAULT_COMMANDS",
    "api_timeout_seconds": "SIMULATOR_API_TIMEOUT_SECONDS",
}
# Deliveries listed on the switches page, newest first.
SHOWN_DELIVERIES = 20


@dataclass
class Switches:
    """The current value of every test switch; see the module docstring for their effects."""

    drop_return: bool = False
    feedback_delay_seconds: float = 0.0
    feedback_failure: str = "none"
    api_fault: str = "none"
    api_fault_commands: frozenset[str] = field(default_factory=frozenset)
    api_timeout_seconds: float = 35.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Switches:
        """Build the switches from parsed ``SIMULATOR_*`` settings."""
        return cls(**{attribute: settings[name] for attribute, name in SWITCH_SETTINGS.items()})

    def api_fault_for(self, command: str) -> str:
        """Return the paymentApi fault ("none", "http_500" or "timeout") for ``command``."""
        if self.api_fault == "none":
            return "none"
        if self.api_fault_commands and command not in self.api_fault_commands:
            return "none"
        return self.api_fault


def parse_switch_form(form: Mapping[str, str]) -> dict[str, Any]:
    """Parse the switches form with the settings' own parsers; raise SimulatorConfigError on a bad value.

    An unchecked checkbox is absent from the form, so ``drop_return`` is read as off then.
    """
    parsers = {name: parse for name, _, parse in SETTINGS}
    values: dict[str, Any] = {}
    for attribute, name in SWITCH_SETTINGS.items():
        raw = form.get(attribute, "0" if attribute == "drop_return" else "")
        if raw == "" and attribute in {"feedback_delay_seconds", "api_timeout_seconds"}:
            raise SimulatorConfigError(f"{name} is missing; use a number of seconds")
        values[attribute] = parsers[name](name, raw)
    return values


def _render(language: str, error: str = "") -> str:
    from .state import get_state

    state = get_state()
    deliveries = list(reversed(state.feedback.recent(SHOWN_DELIVERIES)))
    return render_page(
        "switches.html",
        language,
        switches=state.switches,
        feedback_failures=FEEDBACK_FAILURES,
        api_faults=API_FAULTS,
        deliveries=deliveries,
        error=error,
    )


@bp.get("/sim/switches")
def show() -> str:
    """Show the test switches and the latest feedback deliveries; ``?language=ar`` in Arabic."""
    return _render(page_language(request.args.get("language")))


@bp.post("/sim/switches")
def update() -> Any:
    """Change the test switches from the form, then show them again."""
    from .state import get_state

    language = page_language(request.form.get("language"))
    try:
        values = parse_switch_form(request.form)
    except SimulatorConfigError as error:
        return _render(language, str(error)), 400
    switches = get_state().switches
    for attribute, value in values.items():
        setattr(switches, attribute, value)
    logger.info("Test switches changed: %s", ", ".join(f"{name}={value}" for name, value in values.items()))
    return redirect(url_for("switches.show", language=language), code=303)
