"""Brand marks, the card-brand script and the mada BIN list, shared with the shop.

The simulator's pages show the same SVG marks (``static/img/brands/``) and
detect mada cards with the same script (``static/js/card-brand.js``) and BIN
list (``shop.aps.mada``) as the shop, so a changed mark or list shows up on
both. The files are served from the repository's ``static/`` folder.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, send_from_directory

from shop.aps import mada

bp = Blueprint("assets", __name__)

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
BRANDS_DIR = STATIC_DIR / "img" / "brands"
SCRIPTS_DIR = STATIC_DIR / "js"


@bp.get("/sim/brands/<code>.svg")
def brand_mark(code: str) -> Response:
    """Serve the SVG mark of scheme ``code`` (visa, mada, knet...)."""
    if not code.isascii() or not code.isalnum() or not (BRANDS_DIR / f"{code}.svg").is_file():
        abort(404)
    return send_from_directory(BRANDS_DIR, f"{code}.svg", mimetype="image/svg+xml")


@bp.get("/sim/js/card-brand.js")
def card_brand_script() -> Response:
    """Serve the script that detects mada, Visa, Mastercard and American Express from typed digits."""
    return send_from_directory(SCRIPTS_DIR, "card-brand.js", mimetype="text/javascript")


@bp.get("/sim/mada-bins.json")
def mada_bins() -> Response:
    """Serve the mada BIN prefixes in effect, for the card page's script."""
    return jsonify(mada.load_bins().as_json())
