"""Helpers for the merchant-page, account, back-office and reconciliation tests.

``Shopper`` plays a browser with ``requests`` against a running stack: it
keeps the shop's cookies, reads CSRF tokens and forms from the HTML, and
posts the merchant page's card form to the simulator the way the page's
script does. Card data goes to the simulator only, as in a browser.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import requests

VISA = "4005550000000001"
VISA_3DS = "4557012345678902"
MADA = "5297412542005689"
CVV = "123"
EXPIRY_MM_YY = "12/39"
EXPIRY_YYMM = "3912"
HOLDER = "Test Shopper"
PASSWORD = "correct horse battery"


@dataclass
class Form:
    """A form as a browser submits it: the form's attributes (method, action) and its named inputs."""

    attrs: dict[str, str]
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def action(self) -> str:
        return self.attrs.get("action", "")


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._current: Form | None = None
        self.unnamed_inputs: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = Form(values)
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None:
            if "name" in values:
                if values.get("type") in {"radio", "checkbox"} and "checked" not in values:
                    return
                self._current.fields[values["name"]] = values.get("value", "")
            else:
                self.unnamed_inputs.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def find_form(html: str, **attrs: str) -> Form:
    """Return the first form whose attributes contain ``attrs`` (``class_`` matches one class)."""
    for form in parse_forms(html):
        wanted_class = attrs.get("class_")
        if wanted_class and wanted_class not in form.attrs.get("class", "").split():
            continue
        if all(form.attrs.get(name) == value for name, value in attrs.items() if name != "class_"):
            return form
    raise AssertionError(f"no form with {attrs} in:\n{html[:3000]}")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'data-csrf-token="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Shopper:
    """A shopper's browser, driven with requests: cookies, forms, redirects."""

    def __init__(self, stack: Any, forwarded_for: str | None = None) -> None:
        self.stack = stack
        self.http = requests.Session()
        self.shop_requests: list[requests.PreparedRequest] = []
        self.forwarded_for = forwarded_for

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.forwarded_for and url.startswith(self.stack.shop_url):
            headers["X-Forwarded-For"] = self.forwarded_for
        kwargs.setdefault("timeout", 30)
        response = self.http.request(method, url, headers=headers, **kwargs)
        for hop in [*response.history, response]:
            if hop.request.url.startswith(self.stack.shop_url):
                self.shop_requests.append(hop.request)
        return response

    def get(self, path_or_url: str, **kwargs: Any) -> requests.Response:
        return self._send("GET", urljoin(self.stack.shop_url, path_or_url), **kwargs)

    def post(self, path_or_url: str, data: Any = None, **kwargs: Any) -> requests.Response:
        return self._send("POST", urljoin(self.stack.shop_url, path_or_url), data=data, **kwargs)

    # -- shop steps -----------------------------------------------------------

    def add_to_cart(self, sku: str, quantity: int = 1) -> None:
        page = self.get(f"/products/{sku}")
        response = self.post("/cart/add", {"csrf_token": csrf_token(page.text), "sku": sku, "quantity": str(quantity)})
        assert response.status_code == 200, response.text[:500]

    def checkout(self, method: str, email: str = "shopper@example.com", name: str = "") -> requests.Response:
        """Place the order with ``method``; return the payment page (the response after redirects)."""
        page = self.get("/checkout/")
        form = find_form(page.text, class_="checkout-form")
        fields = {**form.fields, "customer_email": email, "customer_name": name, "payment_method": method}
        response = self.post("/checkout/", fields)
        assert response.status_code == 200, response.text[:2000]
        return response

    def sign_up(self, email: str, password: str = PASSWORD) -> requests.Response:
        page = self.get("/account/sign-up")
        return self.post("/account/sign-up", {
            "csrf_token": csrf_token(page.text), "email": email, "password": password, "confirm": password,
        })

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        page = self.get("/account/sign-in")
        return self.post("/account/sign-in", {"csrf_token": csrf_token(page.text), "email": email, "password": password},
                         allow_redirects=False)

    # -- the merchant page ------------------------------------------------------

    def prepare(self, pay_page: str, plan: str = "", remember_me: str = "NO", device_fingerprint: str = "") -> None:
        url = re.search(r'data-prepare-url="([^"]+)"', pay_page).group(1)
        response = self.post(url, json={"plan": plan, "remember_me": remember_me, "device_fingerprint": device_fingerprint},
                             headers={"X-CSRFToken": csrf_token(pay_page)})
        assert response.status_code == 204, response.text[:500]

    def submit_card(self, pay_page: str, number: str = VISA, expiry_yymm: str = EXPIRY_YYMM, cvv: str = CVV,
                    holder: str = HOLDER, remember_me: str | None = None) -> requests.Response:
        """Post the new-card form to APS as the page's script does; return APS's redirect (not followed)."""
        form = find_form(pay_page, id="mp-new")
        fields = dict(form.fields)
        fields.update(card_number=number, expiry_date=expiry_yymm, card_security_code=cvv, card_holder_name=holder)
        if remember_me is not None:
            fields["remember_me"] = remember_me
        return self._send("POST", form.action, data=fields, allow_redirects=False)

    def submit_saved_card(self, pay_page: str, card_id: int, cvv: str = CVV) -> requests.Response:
        form = find_form(pay_page, id=f"mp-saved-{card_id}")
        fields = {**form.fields, "card_security_code": cvv}
        return self._send("POST", form.action, data=fields, allow_redirects=False)

    def follow(self, response: requests.Response, limit: int = 10) -> requests.Response:
        """Follow redirects by hand, as a browser would, through the simulator and the shop."""
        for _ in range(limit):
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            target = urljoin(response.url, response.headers["Location"])
            response = self._send("GET", target, allow_redirects=False)
        raise AssertionError("too many redirects")

    def return_location(self, response: requests.Response) -> str:
        """Return where APS sends the browser back (the shop's /aps/return with the signed query string)."""
        assert response.status_code in (302, 303), response.text[:2000]
        return urljoin(response.url, response.headers["Location"])


def merchant_reference_of(pay_page: requests.Response) -> str:
    return urlsplit(pay_page.url).path.rsplit("/", 1)[-1]


def wait_until(condition: Callable[[], Any], timeout: float = 15.0, interval: float = 0.1) -> Any:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


def _values(text: str) -> list[str]:
    """Return every value in a form body, query string or JSON object (flattened), and the text itself."""
    values = [text]
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif item is not None:
                values.append(str(item))
    else:
        values.extend(value for _, value in parse_qsl(text, keep_blank_values=True))
    return values


def card_data_in(url: str, body: str | bytes | None, number: str = VISA, cvv: str = CVV,
                 expiry: tuple[str, ...] = (EXPIRY_YYMM, EXPIRY_MM_YY)) -> list[str]:
    """List the card data found in a request's URL (path and query) or body.

    The card number counts anywhere, spaces and dashes ignored. The CVV and
    expiry date count as a whole field value, because "123" can appear
    inside any random token.
    """
    found: list[str] = []
    texts = [unquote(url)]
    if body:
        texts.append(body.decode("utf-8", "replace") if isinstance(body, bytes) else body)
    query = urlsplit(url).query
    for text in texts:
        if number in re.sub(r"[\s-]|%20|\+", "", text):
            found.append(f"card number in {text[:200]!r}")
    for text in [query, *(texts[1:])]:
        for value in _values(text):
            cleaned = value.strip()
            if cleaned == cvv:
                found.append(f"CVV in {text[:200]!r}")
            if cleaned in expiry:
                found.append(f"expiry date in {text[:200]!r}")
    return found
