"""HTTP access to a running shop for the checklist: orders placed as a shopper, APS messages posted as APS.

Every request goes to the shop's own listening address; nothing is sent to
APS. Messages "from APS" are signed here with the configured SHA response
phrase, as APS would sign them, or deliberately left unsigned or altered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from ..aps import compute_signature

# Seconds to wait for the shop's response to one request.
REQUEST_TIMEOUT_SECONDS = 15

PAY_PATH = re.compile(r"/checkout/pay/([A-Za-z0-9._-]+)")
# Failure status of each command: 13 (purchase failure) or 03 (authorization failed), then message 666 (declined).
DECLINE_CODES = {"PURCHASE": "13666", "AUTHORIZATION": "03666"}


class ProbeError(RuntimeError):
    """Raised when the shop does not behave as a shopper expects (no product, no checkout form...)."""


@dataclass
class Form:
    """One HTML form: its attributes and its named inputs in document order."""

    attributes: dict[str, str]
    fields: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    """Collect forms and their inputs, plus the first element carrying ``data-order-status``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.order_status: str | None = None
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if self.order_status is None and "data-order-status" in attributes:
            self.order_status = attributes["data-order-status"]
        if tag == "form":
            self._current = Form(attributes)
            self.forms.append(self._current)
        elif tag in {"input", "textarea", "select"} and self._current is not None and attributes.get("name"):
            name = attributes["name"]
            if attributes.get("type") == "radio":
                self._current.radios.setdefault(name, []).append(attributes.get("value", ""))
            else:
                self._current.fields[name] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def parse_page(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser


@dataclass
class PlacedOrder:
    """An order placed through the checkout and the signed hand-over form the shop rendered for it."""

    merchant_reference: str
    action: str
    fields: dict[str, str]
    session: requests.Session
    pages: list[str]


class ShopProbe:
    """Acts as shoppers and as APS against the shop at ``base_url``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- as a shopper -------------------------------------------------------------

    def products(self) -> list[tuple[str, str]]:
        """Return (sku, currency) of every product on the catalogue page."""
        response = requests.get(self.url("/?lang=en"), timeout=REQUEST_TIMEOUT_SECONDS)
        response.raise_for_status()
        found = re.findall(r'href="/products/([^"?#]+)".*?class="price">\s*([A-Z]{3})\b', response.text, re.S)
        return [(sku, currency) for sku, currency in found]

    def product_for(self, currency: str | None = None) -> str:
        """Return the SKU of the first product, or the first one priced in ``currency``."""
        for sku, product_currency in self.products():
            if currency is None or product_currency == currency:
                return sku
        priced_in = f" priced in {currency}" if currency else ""
        raise ProbeError(f"the catalogue at {self.url('/')} lists no product{priced_in}; load the demo data (SHOP_DEMO_DATA=1)")

    def _form_with(self, html: str, field_name: str, page: str) -> Form:
        for form in parse_page(html).forms:
            if field_name in form.fields or field_name in form.radios:
                return form
        raise ProbeError(f"no form with a {field_name!r} field on {page}")

    def open_checkout(self, sku: str) -> tuple[requests.Session, str]:
        """Put ``sku`` in a new shopper's cart and return the session and the checkout page's HTML."""
        session = requests.Session()
        product_url = self.url(f"/products/{sku}?lang=en")
        product = session.get(product_url, timeout=REQUEST_TIMEOUT_SECONDS)
        product.raise_for_status()
        add_form = self._form_with(product.text, "sku", product_url)
        added = session.post(urljoin(product_url, add_form.attributes.get("action", "")),
                             data={**add_form.fields, "quantity": "1"}, timeout=REQUEST_TIMEOUT_SECONDS)
        added.raise_for_status()
        checkout = session.get(self.url("/checkout/"), timeout=REQUEST_TIMEOUT_SECONDS)
        checkout.raise_for_status()
        if "/checkout" not in checkout.url:
            raise ProbeError(f"adding {sku} to the cart did not lead to a checkout page (ended at {checkout.url})")
        return session, checkout.text

    def place_order(self, email: str, name: str = "", method: str = "card", sku: str | None = None) -> PlacedOrder:
        """Check out one item as a new shopper and return the signed form the shop hands to APS."""
        session, checkout_html = self.open_checkout(sku or self.product_for())
        form = self._form_with(checkout_html, "customer_email", "the checkout page")
        if method not in form.radios.get("payment_method", []):
            raise ProbeError(f"the checkout offers no payment method {method!r} (offers {form.radios.get('payment_method')})")
        data = {**form.fields, "customer_email": email, "customer_name": name, "payment_method": method}
        placed = session.post(self.url("/checkout/"), data=data, allow_redirects=False, timeout=REQUEST_TIMEOUT_SECONDS)
        match = PAY_PATH.search(placed.headers.get("Location", ""))
        if placed.status_code not in (302, 303) or not match:
            raise ProbeError(f"the checkout responded with HTTP {placed.status_code} instead of sending the shopper to payment")
        handover = session.get(self.url(f"/checkout/pay/{match.group(1)}"), timeout=REQUEST_TIMEOUT_SECONDS)
        handover.raise_for_status()
        aps_form = self._form_with(handover.text, "merchant_reference", "the hand-over page")
        return PlacedOrder(match.group(1), aps_form.attributes.get("action", ""), dict(aps_form.fields), session,
                           [checkout_html, handover.text])

    def order_status(self, order: PlacedOrder) -> str | None:
        """Return the order status the shopper's receipt shows."""
        response = order.session.get(self.url(f"/checkout/pay/{order.merchant_reference}"),
                                     timeout=REQUEST_TIMEOUT_SECONDS)
        response.raise_for_status()
        return parse_page(response.text).order_status

    # -- as APS -------------------------------------------------------------------------

    def post(self, path: str, data: Any = None, json_body: Any = None) -> requests.Response:
        return requests.post(self.url(path), data=data, json=json_body, allow_redirects=False,
                             timeout=REQUEST_TIMEOUT_SECONDS)


def aps_result(order: PlacedOrder, response_code: str, response_message: str, amount: str | None = None) -> dict[str, str]:
    """Build the fields of an APS result for ``order``, as the hosted page sends them (unsigned)."""
    request = order.fields
    fields = {
        "command": request.get("command", "PURCHASE"),
        "merchant_reference": order.merchant_reference,
        "amount": amount if amount is not None else request.get("amount", ""),
        "currency": request.get("currency", ""),
        "language": request.get("language", "en"),
        "customer_email": request.get("customer_email", ""),
        "access_code": request.get("access_code", ""),
        "merchant_identifier": request.get("merchant_identifier", ""),
        "fort_id": "169999999999999999",
        "payment_option": "VISA",
        "eci": "ECOMMERCE",
        "card_number": "400000******6660",
        "response_code": response_code,
        "response_message": response_message,
        "status": response_code[:2],
    }
    return {name: value for name, value in fields.items() if value != ""}


def sign(fields: dict[str, str], phrase: str, sha_type: str) -> dict[str, str]:
    """Return ``fields`` with the signature APS would add, made with the SHA response phrase."""
    return {**fields, "signature": compute_signature(fields, phrase, sha_type)}


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
