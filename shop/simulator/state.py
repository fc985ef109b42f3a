"""The simulator's per-app state: settings, store, feedback sender and test switches."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from .delivery import FeedbackSender
from .store import Store
from .switches import Switches

EXTENSION_KEY = "aps_simulator"


@dataclass
class SimulatorState:
    """Everything one simulator app keeps between requests."""

    settings: dict[str, Any]
    store: Store
    feedback: FeedbackSender
    switches: Switches = field(default_factory=Switches)
    timers: list[threading.Timer] = field(default_factory=list)

    def schedule(self, seconds: float, action: Any) -> threading.Timer:
        """Run ``action`` on a background thread after ``seconds``."""
        timer = threading.Timer(seconds, action)
        timer.daemon = True
        self.timers = [pending for pending in self.timers if pending.is_alive()]
        self.timers.append(timer)
        timer.start()
        return timer

    def close(self) -> None:
        """Cancel pending timers and stop feedback retries (used by tests)."""
        for timer in self.timers:
            timer.cancel()
        self.feedback.close()


def init_state(app: Flask, settings: dict[str, Any]) -> SimulatorState:
    """Create the state of ``app`` from its settings."""
    switches = Switches.from_settings(settings)
    state = SimulatorState(settings=settings, store=Store(), feedback=FeedbackSender(settings, switches), switches=switches)
    app.extensions[EXTENSION_KEY] = state
    return state


def get_state(app: Flask | None = None) -> SimulatorState:
    """Return the state of ``app``, or of the app handling the current request."""
    return (app or current_app).extensions[EXTENSION_KEY]
