"""Locale selection and formatting helpers shared by every blueprint.

The page language is English or Arabic. ``init_i18n`` binds Flask-Babel and
gives every template ``current_language``, ``text_direction``, ``languages``
and the formatters ``format_money``, ``format_number`` and
``format_datetime``. The formatters' digit choice is explained in
``formatting.py``, input clean-up in ``normalize.py`` and the catalogue
workflow (``flask translate``) in ``cli.py``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import get_locale

from ..extensions import babel
from .catalog import TRANSLATIONS_DIR, compile_stale
from .formatting import NUMBERING_SYSTEM, format_datetime, format_money, format_number

LANGUAGES = ("en", "ar")
RTL_LANGUAGES = frozenset({"ar"})
SESSION_KEY = "locale"

# Each language's name in itself, for the language switcher.
LANGUAGE_NAMES = {"en": "English", "ar": "العربية"}

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "NUMBERING_SYSTEM",
    "RTL_LANGUAGES",
    "current_language",
    "format_datetime",
    "format_money",
    "format_number",
    "init_i18n",
    "select_locale",
    "text_direction",
]


def select_locale() -> str:
    """Pick the page language: the shopper's explicit choice, then Accept-Language, then English."""
    explicit = request.args.get("lang")
    if explicit in LANGUAGES:
        return explicit
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def current_language() -> str:
    """Return the active two-letter language code ('en' or 'ar')."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def text_direction(language: str | None = None) -> str:
    """Return 'rtl' for right-to-left languages, otherwise 'ltr'."""
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel, compile stale catalogues and expose the language helpers to templates."""
    babel.init_app(app, locale_selector=select_locale)
    # Same whitespace rule as the extraction in babel.cfg, so {% trans %}
    # blocks look up the msgids that pybabel wrote.
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    directories = app.config.get("BABEL_TRANSLATION_DIRECTORIES") or str(TRANSLATIONS_DIR)
    for directory in directories.split(";"):
        compile_stale(Path(app.root_path) / directory)

    @app.before_request
    def remember_explicit_language() -> None:
        explicit = request.args.get("lang")
        if explicit in LANGUAGES:
            session[SESSION_KEY] = explicit

    @app.context_processor
    def language_context() -> dict[str, object]:
        language = current_language()
        return {
            "current_language": language,
            "text_direction": text_direction(language),
            "languages": LANGUAGES,
            "language_names": LANGUAGE_NAMES,
            "format_money": format_money,
            "format_number": format_number,
            "format_datetime": format_datetime,
        }
