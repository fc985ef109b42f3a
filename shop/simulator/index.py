"""``GET /``: what the simulator is, its endpoints, settings and test cards, in English or Arabic."""

from __future__ import annotations

from flask import Blueprint, request, url_for

from shop.aps import PAYMENT_API_PATH, PAYMENT_PAGE_PATH

from .cards import TEST_CARDS
from .i18n import BRAND_NAMES, page_language, render_page
from .methods import METHOD_MODULES
from .methods.local import LOCAL_METHODS
from .state import get_state

bp = Blueprint("index", __name__)


@bp.get("/")
def index() -> str:
    """Show the index and test-cards page; ``?language=ar`` shows it in Arabic."""
    language = page_language(request.args.get("language"))
    settings = get_state().settings
    base = request.host_url.rstrip("/")
    return render_page(
        "index.html",
        language,
        payment_page_url=base + PAYMENT_PAGE_PATH,
        payment_api_url=base + PAYMENT_API_PATH,
        settings=settings,
        cards=TEST_CARDS,
        settle_seconds=f"{settings['SIMULATOR_PENDING_SETTLE_SECONDS']:g}",
        brand_names=BRAND_NAMES[language],
        local_methods=[LOCAL_METHODS[key] for key in METHOD_MODULES if key in LOCAL_METHODS],
        otp_interval_seconds=f"{settings['SIMULATOR_OTP_INTERVAL_SECONDS']:g}",
        other_language_url=url_for("index.index", language="en" if language == "ar" else "ar"),
    )
