"""Brand marks for each page, the mada BIN list for browsers, and a date parser for receipts.

Templates get three globals from here:

- ``currency_marks(currency)``: the marks of every method that accepts the
  currency, for the product and cart pages (mada first for SAR);
- ``method_marks(method, currency)``: the marks shown beside one method on
  the checkout page;
- ``aps_datetime(text)``: an APS date such as KNET's ``transaction_date``
  as a datetime for ``format_datetime``, or None.

``GET /payments/mada-bins.json`` serves the mada list in effect
(``shop.aps.mada``) to ``static/js/card-brand.js``. The blueprint also
checks APS_MADA_BINS and APS_MADA_BINS_EXTRA when the app starts.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, jsonify
from flask.blueprints import BlueprintSetupState

from ..aps import mada
from ..config import ConfigError
from .methods import PaymentMethod, methods_for

bp = Blueprint("brands", __name__)

# Currencies in which methods that list mada show the mada mark.
MADA_CURRENCIES = frozenset({"SAR"})

# Date formats of APS fields: KNET's transaction_date ("2026-12-04, 20:31:05", UTC) and ISO-like variants.
APS_DATETIME_FORMATS = ("%Y-%m-%d, %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


@bp.record_once
def check_mada_configuration(state: BlueprintSetupState) -> None:
    """Stop the app at start-up when APS_MADA_BINS or APS_MADA_BINS_EXTRA is invalid."""
    try:
        mada.load_bins()
    except mada.MadaConfigError as error:
        raise ConfigError(str(error)) from None


def takes_mada_cards(method: PaymentMethod) -> bool:
    """Tell whether a method that lists mada can be paid with a mada card now.

    APS rejects AUTHORIZATION with a mada card (00049), so a card method that
    would send AUTHORIZATION cannot take one. The separate mada method, which
    is always PURCHASE, can.
    """
    return method.purchase_only or current_app.config.get("APS_COMMAND") == "PURCHASE"


def method_marks(method: PaymentMethod, currency: str | None) -> list[str]:
    """Return the scheme codes of the marks shown beside ``method`` for a cart in ``currency``.

    A method that lists mada shows its mark only for SAR carts, only when it
    can take mada cards, and then first, as mada's branding guideline for
    merchants asks.
    """
    marks = [code for code in method.logos if code != "mada"]
    if currency in MADA_CURRENCIES and "mada" in method.logos and takes_mada_cards(method):
        marks.insert(0, "mada")
    return marks


def currency_marks(currency: str | None) -> list[str]:
    """Return the marks of every method offered for ``currency``, each once.

    mada comes first, then the other local schemes (methods with a
    ``country``, such as KNET), then the international brands.
    """
    if not currency:
        return []
    methods = methods_for(currency)
    local = [method for method in methods if method.country]
    ordered = local + [method for method in methods if not method.country]
    marks: list[str] = []
    for method in ordered:
        for code in method_marks(method, currency):
            if code not in marks:
                marks.append(code)
    if "mada" in marks:
        marks.remove("mada")
        marks.insert(0, "mada")
    return marks


def aps_datetime(text: str | None) -> dt.datetime | None:
    """Parse an APS date-time (UTC), such as KNET's ``transaction_date``; None when it has another format."""
    if not text:
        return None
    for pattern in APS_DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            continue
    return None


@bp.app_context_processor
def brand_helpers() -> dict[str, object]:
    return {"currency_marks": currency_marks, "method_marks": method_marks, "aps_datetime": aps_datetime}


@bp.get("/payments/mada-bins.json")
def mada_bins() -> Response:
    """Serve the mada BIN prefixes in effect, for card-brand.js on card forms."""
    response = jsonify(mada.load_bins().as_json())
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
