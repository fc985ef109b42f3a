"""A scripted shopper that drives the shop and the simulator over real HTTP.

It follows the HTML forms the pages render, as a browser without
JavaScript would, so the tests exercise the same markup shoppers get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


@dataclass
class Form:
    """One HTML form: where it posts, how, and its named inputs and buttons."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str, str | None]] = field(default_factory=list)  # (name, value, formaction)
    form_id: str | None = None


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self._current = Form(attributes.get("action", ""), attributes.get("method", "get").lower(),
                                 form_id=attributes.get("id"))
            self.forms.append(self._current)
        elif self._current is None:
            return
        elif tag == "input" and attributes.get("name"):
            kind = attributes.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            if kind == "submit":
                self._current.buttons.append((attributes["name"], attributes.get("value", ""), attributes.get("formaction")))
                return
            self._current.fields[attributes["name"]] = attributes.get("value", "")
        elif tag == "button":
            self._current.buttons.append((attributes.get("name", ""), attributes.get("value", ""), attributes.get("formaction")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def parse_forms(html_text: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html_text)
    return parser.forms


def find_form(html_text: str, action_pattern: str) -> Form:
    """Return the first form whose action matches ``action_pattern`` (a regular expression)."""
    forms = parse_forms(html_text)
    for form in forms:
        if re.search(action_pattern, form.action):
            return form
    raise AssertionError(f"no form with action matching {action_pattern!r}; forms: {[f.action for f in forms]}\n{html_text[:1500]}")


class Shopper:
    """A browser-like client with its own cookies for the shop and the simulator."""

    def __init__(self, shop_url: str) -> None:
        self.shop_url = shop_url
        self.session = requests.Session()
        self.last: requests.Response | None = None

    def get(self, url: str, **kwargs) -> requests.Response:
        self.last = self.session.get(urljoin(self.shop_url + "/", url), timeout=20, **kwargs)
        return self.last

    def submit(self, form: Form, base_url: str, extra: dict[str, str] | None = None,
               button: tuple[str, str, str | None] | None = None, allow_redirects: bool = True) -> requests.Response:
        """Submit ``form`` as a browser would, with ``extra`` typed into it and ``button`` pressed."""
        data = dict(form.fields)
        data.update(extra or {})
        action = form.action
        if button is not None:
            name, value, formaction = button
            if name:
                data[name] = value
            if formaction:
                action = formaction
        url = urljoin(base_url, action)
        if form.method == "post":
            self.last = self.session.post(url, data=data, timeout=20, allow_redirects=allow_redirects)
        else:
            self.last = self.session.get(url, params=data, timeout=20, allow_redirects=allow_redirects)
        return self.last

    def add_to_cart(self, sku: str, quantity: int = 1) -> None:
        page = self.get(f"/products/{sku}")
        assert page.status_code == 200, page.text[:500]
        response = self.submit(find_form(page.text, r"/cart/add$"), page.url, {"quantity": str(quantity)})
        assert response.status_code == 200, response.text[:500]

    def checkout(self, email: str = "sara@example.com", method: str = "card", name: str = "") -> requests.Response:
        """Fill the checkout form and follow the hand-over; return the simulator's first page."""
        page = self.get("/checkout/")
        form = find_form(page.text, r"^$|/checkout/?$")
        response = self.submit(form, page.url, {"customer_email": email, "customer_name": name, "payment_method": method})
        assert response.status_code == 200, response.text[:800]
        handover = find_form(response.text, r"/FortAPI/paymentPage$")
        self.handover_fields = dict(handover.fields)
        return self.submit(handover, response.url)

    @property
    def merchant_reference(self) -> str:
        return self.handover_fields["merchant_reference"]

    def pay_on_card_page(self, card_page: requests.Response, number: str, expiry: str = "12/39",
                         cvv: str = "123", cancel: bool = False) -> requests.Response:
        form = find_form(card_page.text, r"/sim/card/.+/pay$")
        typed = {"card_number": number, "expiry": expiry, "card_security_code": cvv, "card_holder_name": "Sara Test"}
        button = next((b for b in form.buttons if b[2] and b[2].endswith("/cancel")), None) if cancel else None
        return self.submit(form, card_page.url, typed, button=button)

    def choose_3ds(self, challenge_page: requests.Response, outcome: str) -> requests.Response:
        form = find_form(challenge_page.text, r"/sim/")
        button = next(b for b in form.buttons if b[1] == outcome)
        return self.submit(form, challenge_page.url, button=button)

    def return_form(self, page: requests.Response) -> Form:
        """Return the simulator's auto-submitting form back to the shop."""
        forms = [form for form in parse_forms(page.text) if form.form_id == "aps-return"]
        assert forms, "no return form on the page:\n" + page.text[:1500]
        return forms[0]

    def follow_return(self, page: requests.Response) -> requests.Response:
        """Submit the return form to the shop as the browser's auto-submit does."""
        form = self.return_form(page)
        return self.submit(form, page.url)
