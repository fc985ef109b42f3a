"""Locale selection and formatting helpers shared by every blueprint."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask, request, session
from babel.numbers import format_currency, get_currency_precision
from flask_babel import get_locale

from ..aps.amounts import currency_exponent, quantize
from ..extensions import babel

LANGUAGES = ("en", "ar")
RTL_LANGUAGES = frozenset({"ar"})
SESSION_KEY = "locale"


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


def format_money(amount: Decimal | int | str, currency: str) -> str:
    """Format an amount in the page language with its currency's ISO 4217 decimals.

    KWD, BHD and OMR show three decimals. Babel's CLDR data disagrees with
    ISO 4217 for a few currencies (IQD), so the amount is rounded to the ISO
    exponent here and Babel only lays it out.
    """
    exponent = currency_exponent(currency)
    value = quantize(amount, currency)
    locale = get_locale() or "en"
    if get_currency_precision(currency) == exponent:
        return format_currency(value, currency, locale=locale)
    return format_currency(value, currency, locale=locale, currency_digits=False, decimal_quantization=False)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel and expose the language helpers to templates."""
    babel.init_app(app, locale_selector=select_locale)

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
            "format_money": format_money,
        }
