"""aps-storefront: a bilingual Flask reference shop for Amazon Payment Services."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from dotenv import load_dotenv
from flask import Flask

from .config import load_settings
from .extensions import babel, csrf, db

logger = logging.getLogger("shop")


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the shop application.

    Settings come from the environment (and ``.env``); ``overrides`` replaces
    individual settings, which is how tests point the shop at their own
    database and simulator.
    """
    load_dotenv(override=False)
    app = Flask(
        __name__,
        instance_path=os.environ.get("SHOP_INSTANCE_PATH") or None,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.update(load_settings())
    if overrides:
        app.config.update(overrides)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(os.path.dirname(app.root_path), "translations")
    # Flask's defaults already contain these keys (SameSite None, Secure off),
    # so setdefault would keep them; only an explicit override wins here.
    cookie_settings = {
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": app.config["SHOP_BASE_URL"].startswith("https://"),
    }
    for name, value in cookie_settings.items():
        if name not in (overrides or {}):
            app.config[name] = value
    os.makedirs(app.instance_path, exist_ok=True)

    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    register_database(app)
    return app


def configure_logging(app: Flask) -> None:
    """Send shop and APS logs to stderr once, with timestamps."""
    root = logging.getLogger("shop")
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def register_extensions(app: Flask) -> None:
    """Bind the database, CSRF protection and Babel to ``app``."""
    from .i18n import init_i18n

    db.init_app(app)
    csrf.init_app(app)
    init_i18n(app)


def register_blueprints(app: Flask) -> None:
    """Attach every feature blueprint."""
    from .cart.views import bp as cart_bp
    from .catalog.views import bp as catalog_bp
    from .checkout.views import bp as checkout_bp
    from .payments.views import bp as payments_bp
    from .accounts.views import bp as accounts_bp
    from .backoffice.views import bp as backoffice_bp
    from .merchant_page.views import bp as merchant_page_bp
    from .payments.brands import bp as brands_bp
    from .stcpay.views import bp as stcpay_bp

    for blueprint in (catalog_bp, cart_bp, checkout_bp, payments_bp, accounts_bp, backoffice_bp, merchant_page_bp,
                      brands_bp, stcpay_bp):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    """Render HTTP errors inside the shop layout, in the shopper's language."""
    from flask import render_template
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        if error.code == 404:
            return render_template("errors/404.html"), 404
        return render_template("errors/error.html", code=error.code), error.code or 500

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        return render_template("errors/error.html", code=500), 500


def register_commands(app: Flask) -> None:
    """Add the ``flask aps ...``, ``flask demo ...`` and ``flask translate ...`` command groups."""
    from .cli import aps_cli, demo_cli
    from .i18n.cli import translate_cli

    app.cli.add_command(aps_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(translate_cli)


def register_database(app: Flask) -> None:
    """Create missing tables and, when SHOP_DEMO_DATA is on, load the demo catalogue."""
    from .catalog.demo import ensure_demo_catalogue

    with app.app_context():
        db.create_all()
        if app.config.get("SHOP_DEMO_DATA"):
            ensure_demo_catalogue()
