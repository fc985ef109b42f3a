"""Local APS (Amazon Payment Services) sandbox simulator.

A separate Flask app that speaks the APS wire protocol: the browser posts
hosted-page requests to ``/FortAPI/paymentPage``, servers post JSON to
``/FortAPI/paymentApi``, results come back signed with the SHA response
phrase by browser form POST and server-to-server feedback. The shop talks to
it exactly as to APS, so it runs with no internet and no APS account.

Run it with ``flask --app 'shop.simulator:create_app()' run --port 5050`` or
``python -m shop.simulator --port 5050``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from dotenv import load_dotenv
from flask import Flask

from .settings import SimulatorConfigError, load_settings

__all__ = ["SimulatorConfigError", "create_app"]

logger = logging.getLogger("shop.simulator")


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the simulator app.

    Settings come from ``SIMULATOR_*`` environment variables (and ``.env``);
    ``overrides`` replaces any of them by name and may add other Flask
    settings such as ``TESTING``. Settings are read once, here.
    """
    from . import api, assets, index, installments, page, switches, tokenization
    from .methods import load_methods
    from .state import init_state

    load_dotenv(override=False)
    settings = load_settings(overrides)
    app = Flask(__name__, static_url_path="/sim/static")
    app.config.update(settings)
    app.config.update({key: value for key, value in (overrides or {}).items() if key not in settings})

    configure_logging()
    init_state(app, settings)

    app.register_blueprint(index.bp)
    app.register_blueprint(page.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(assets.bp)
    app.register_blueprint(tokenization.bp)
    app.register_blueprint(installments.bp)
    app.register_blueprint(switches.bp)
    api.load_commands()
    for method in load_methods().values():
        if method.blueprint is not None:
            app.register_blueprint(method.blueprint)

    logger.info(
        "APS simulator ready merchant_identifier=%s feedback=%s (%s, %s) notification=%s",
        settings["SIMULATOR_MERCHANT_IDENTIFIER"],
        settings["SIMULATOR_FEEDBACK_URL"] or "-",
        settings["SIMULATOR_FEEDBACK_MODE"],
        settings["SIMULATOR_FEEDBACK_FORMAT"],
        settings["SIMULATOR_NOTIFICATION_URL"] or "-",
    )
    return app


def configure_logging() -> None:
    """Log to stderr with timestamps unless the shop (same process) already does."""
    if logging.getLogger("shop").handlers or logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
