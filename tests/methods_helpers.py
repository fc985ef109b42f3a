"""Helpers of the local payment method tests: a shopper that follows the local schemes' pages.

``MethodShopper`` extends the form-following ``Shopper`` of flow_helpers.py
with the simulator's KNET, NAPS, BENEFIT, OmanNet and STC Pay pages and the
shop's own STC Pay pages. Everything goes over real HTTP, by submitting the
forms the pages render, as a browser without JavaScript would.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from typing import Any

import requests
from sqlalchemy import select

from flow_helpers import Form, Shopper, find_form, parse_forms
from shop.extensions import db
from shop.models import PaymentAttempt, PaymentEvent

# (step key, fields typed on that page) for each scheme, ending with approval.
APPROVE_STEPS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "knet": [("card", {"card_number": "0000000001", "expiry": "12/39", "pin": "1234"}), ("confirm", {})],
    "naps": [("card", {"card_number": "4215375500883243", "expiry": "12/39"}), ("otp", {"otp": "1234"}),
             ("pin", {"pin": "1234"})],
    "benefit": [("card", {"card_number": "1111000000000001", "expiry": "12/39", "pin": "1234"}), ("confirm", {})],
    "omannet": [("card", {"card_number": "7777000000000001", "expiry": "12/39"}), ("otp", {"otp": "1234"}),
                ("confirm", {})],
}
# The simulator-only card of each scheme that ends declined (13666).
DECLINE_CARDS = {
    "knet": "0000000002",
    "naps": "4215375500883250",
    "benefit": "1111000000000002",
    "omannet": "7777000000000002",
}
# A demo product priced in each scheme's currency.
SKUS = {"knet": "BUKHOOR-KW", "naps": "PEARL-QA", "benefit": "HALWA-BH", "omannet": "FRANK-OM",
        "mada": "DATES-SA", "stcpay": "DATES-SA"}


def decline_steps(method: str) -> list[tuple[str, dict[str, str]]]:
    steps = [(key, dict(typed)) for key, typed in APPROVE_STEPS[method]]
    steps[0][1]["card_number"] = DECLINE_CARDS[method]
    return steps


class MethodShopper(Shopper):
    """A shopper who pays with the local schemes and STC Pay."""

    def start_hosted(self, method: str, language: str = "en", email: str = "sara@example.com") -> requests.Response:
        """Put the scheme's demo product in the cart, check out with ``method`` and return the simulator's first page."""
        self.get(f"/?lang={language}")
        self.add_to_cart(SKUS[method])
        return self.checkout(email=email, method=method)

    def local_form(self, page: requests.Response) -> Form:
        return find_form(page.text, r"/sim/\w+/[^/]+/\w+$")

    def local_step(self, page: requests.Response, typed: Mapping[str, str] | None = None,
                   cancel: bool = False) -> requests.Response:
        """Fill and submit the simulator page of a local scheme, or press its Cancel button."""
        form = self.local_form(page)
        button = None
        if cancel:
            button = next(b for b in form.buttons if b[2] and b[2].endswith("/cancel"))
        return self.submit(form, page.url, dict(typed or {}), button=button)

    def run_steps(self, page: requests.Response, steps: list[tuple[str, dict[str, str]]]) -> requests.Response:
        """Go through the scheme's pages in order, checking each is the expected step; return the last response."""
        for key, typed in steps:
            form = self.local_form(page)
            assert form.action.endswith("/" + key), f"expected step {key!r}, got form {form.action}"
            page = self.local_step(page, typed)
            assert page.status_code == 200, page.text[:800]
        return page

    def start_stcpay_otp(self, language: str = "en", email: str = "sara@example.com") -> requests.Response:
        """Check out a SAR cart with STC Pay and return the shop's mobile-number page."""
        self.get(f"/?lang={language}")
        self.add_to_cart(SKUS["stcpay"])
        page = self.get("/checkout/")
        form = find_form(page.text, r"^$|/checkout/?$")
        response = self.submit(form, page.url, {"customer_email": email, "payment_method": "stcpay"})
        assert response.status_code == 200, response.text[:800]
        return response

    def stcpay_phone(self, page: requests.Response, phone: str) -> requests.Response:
        form = find_form(page.text, r"^$")
        return self.submit(form, page.url, {"phone_number": phone})

    def stcpay_otp(self, page: requests.Response, otp: str) -> requests.Response:
        form = next(form for form in parse_forms(page.text) if "otp" in form.fields)
        return self.submit(form, page.url, {"otp": otp})

    def stcpay_resend(self, page: requests.Response) -> requests.Response:
        return self.submit(find_form(page.text, r"/resend$"), page.url)


class _DefinitionParser(HTMLParser):
    """Parser that collects the text of each <dt> and of the <dd> after it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self._tag: str | None = None
        self._text: list[str] = []
        self._term = ""

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in {"dt", "dd"}:
            self._tag = tag
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._tag:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._tag:
            text = " ".join("".join(self._text).split())
            if tag == "dt":
                self._term = text
            else:
                self.pairs.append((self._term, text))
            self._tag = None


def receipt_fields(html_text: str) -> dict[str, str]:
    """Return the receipt's label -> value pairs (the <dt>/<dd> rows), whitespace and no-break spaces collapsed."""
    parser = _DefinitionParser()
    parser.feed(html_text)
    return dict(parser.pairs)


def heading(html_text: str) -> str:
    match = re.search(r"<h1>\s*(.*?)\s*</h1>", html_text, re.S)
    return match.group(1) if match else ""


def brand_marks(html_text: str) -> list[str]:
    """Return the scheme codes of the brand marks on a page, in page order."""
    return re.findall(r'data-brand-mark="([a-z]+)"', html_text)


def attempt_state(stack: Any, reference: str) -> tuple[PaymentAttempt, list[PaymentEvent]]:
    """Load the attempt and its events from the shop's database (detached copies)."""
    with stack.shop_app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == reference))
        assert attempt is not None, f"no attempt {reference}"
        events = db.session.scalars(
            select(PaymentEvent).where(PaymentEvent.merchant_reference == reference).order_by(PaymentEvent.id)
        ).all()
        db.session.expunge_all()
        return attempt, list(events)


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
